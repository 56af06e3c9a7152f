//! The statements of uploads: storing one with its rows, finding one, and the Upload History.
//! The queue's claims and leases are in `claims`, the rows' states in `upload_rows`.

use crate::row_problem::RowProblem;
use rollcall_core::{Field, Lang, SheetRow};
use serde::Serialize;

pub use rollcall_protocol::{RowState, UploadCounts, UploadKind, UploadStatus};

use super::reverts::Replaced;
use super::{Backend, Store};

/// An upload as stored: its Upload History entry and what the worker needs besides.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredUpload {
    /// What the API shows of it.
    pub summary: rollcall_protocol::UploadSummary,
    pub school_id: String,
    /// The teacher who uploaded it: the classes it changes are hers.
    pub teacher_id: String,
    pub kind: UploadKind,
    /// The uploaded file's columns.
    pub header: Vec<String>,
    /// The uploader's language: its files' words (the Error File's messages, a revert's
    /// notes) are in it.
    pub lang: Lang,
}

/// A new upload and its rows, stored together before the upload is acknowledged.
pub struct NewUpload<'a> {
    pub id: &'a str,
    pub school: &'a str,
    pub teacher: &'a str,
    pub changeset_id: Option<&'a str>,
    /// A file upload's `Idempotency-Key`: a retry with the same key returns this upload.
    pub idempotency_key: Option<&'a str>,
    pub file_name: &'a str,
    pub kind: UploadKind,
    /// A revert: the upload it reverts (one revert an upload).
    pub reverts: Option<&'a str>,
    pub lang: Lang,
    pub created_at: &'a str,
    pub header: &'a [String],
    pub rows: Vec<NewUploadRow>,
    /// A file upload's sheet as read (its Uploaded File).
    pub sheet: Option<&'a rollcall_core::read::SheetAsRead>,
}

pub struct NewUploadRow {
    pub row: u32,
    pub cells: Vec<String>,
    /// The op to apply, or `None` for a row that failed on arrival (or is `kept`).
    pub op: Option<String>,
    pub errors: Vec<RowProblem>,
    /// A revert's row of a student the reverted upload created: applied on arrival, its
    /// Completed File row the student as she is.
    pub kept: Option<Vec<String>>,
}

/// One row of an upload as stored: what the history shows and the downloads need.
#[derive(Debug, Clone, PartialEq)]
pub struct UploadRow {
    pub row: u32,
    pub state: RowState,
    /// The row's cells as uploaded.
    pub cells: Vec<String>,
    /// The student's cells once applied (the Completed File's row).
    pub result: Option<Vec<String>>,
    pub errors: Vec<RowProblem>,
    /// What the row replaced once applied (what a revert puts back), or that a revert kept it.
    pub replaced: Option<Replaced>,
}

impl UploadRow {
    /// A revert's row of a student the reverted upload created.
    pub fn kept(&self) -> bool {
        self.replaced == Some(Replaced::Kept)
    }

    /// The row's uploaded cell of `field` (the cells are in `Field::ALL` order).
    pub fn uploaded(&self, field: Field) -> Option<&str> {
        self.cells.get(field.index()).map(String::as_str)
    }

    /// The student's cell of `field` once the row is applied.
    pub fn applied(&self, field: Field) -> Option<&str> {
        self.result.as_ref()?.get(field.index()).map(String::as_str)
    }

    /// Whether the row gave no GUID, and so creates a student when applied.
    pub fn creates(&self) -> bool {
        self.uploaded(Field::Guid)
            .is_none_or(|guid| guid.trim().is_empty())
    }

    /// The row as the API shows it: with the student's GUID and username once applied, its
    /// errors worded in `lang`.
    pub fn to_protocol(&self, lang: Lang) -> rollcall_protocol::UploadRow {
        rollcall_protocol::UploadRow {
            row: SheetRow::new(self.row),
            state: self.state,
            guid: self.applied(Field::Guid).map(str::to_owned),
            username: self.applied(Field::Username).map(str::to_owned),
            errors: self.errors.iter().map(|e| e.word(lang)).collect(),
        }
    }
}

/// A row waiting to be applied.
#[derive(Debug, Clone)]
pub struct PendingRow {
    pub row: u32,
    pub op: String,
}

/// `SELECT` of the columns an [`UploadRecord`] reads, from `uploads`, followed by `$rest`.
macro_rules! select_upload {
    ($rest:literal) => {
        concat!(
            "SELECT id, file_name, status, created_at, finished_at, counts, school_id, teacher_id,
                 header, lang, kind, reverts,
                 (SELECT r.id FROM uploads r WHERE r.reverts = uploads.id) AS reverted_by
             FROM uploads ",
            $rest
        )
    };
}
pub(super) use select_upload;

/// A row of `uploads` as read. The status is the enum's own text (the server writes no other),
/// so anything else is a damaged database and an error, as a missing column is.
#[derive(Debug, sqlx::FromRow)]
pub(super) struct UploadRecord {
    id: String,
    file_name: String,
    #[sqlx(try_from = "String")]
    status: UploadStatus,
    created_at: String,
    finished_at: Option<String>,
    /// JSON: [`UploadCounts`].
    counts: String,
    school_id: String,
    teacher_id: String,
    /// JSON: the uploaded file's columns.
    header: String,
    lang: String,
    #[sqlx(try_from = "String")]
    kind: UploadKind,
    reverts: Option<String>,
    reverted_by: Option<String>,
}

/// Until when an upload that ended at `finished_at` (RFC 3339) can be reverted.
pub fn revertible_until(finished_at: &str) -> Option<String> {
    let days = std::time::Duration::from_secs(rollcall_protocol::REVERT_DAYS * 24 * 60 * 60);
    let ended = humantime::parse_rfc3339(finished_at).ok()?;
    Some(crate::clock::rfc3339_seconds(ended + days))
}

impl From<UploadRecord> for StoredUpload {
    fn from(record: UploadRecord) -> StoredUpload {
        let counts: UploadCounts = serde_json::from_str(&record.counts).unwrap_or_default();
        // A completed upload that updated a student can be reverted, once.
        let completed = matches!(
            record.status,
            UploadStatus::Completed | UploadStatus::CompletedWithErrors
        );
        let revertible_until = record
            .finished_at
            .as_deref()
            .filter(|_| completed && record.reverted_by.is_none())
            .filter(|_| counts.updated.unwrap_or(0) > 0)
            .and_then(revertible_until);
        StoredUpload {
            summary: rollcall_protocol::UploadSummary {
                id: record.id,
                file_name: record.file_name,
                status: record.status,
                created_at: record.created_at,
                finished_at: record.finished_at,
                counts,
                reverts: record.reverts,
                reverted_by: record.reverted_by,
                revertible_until,
            },
            kind: record.kind,
            school_id: record.school_id,
            teacher_id: record.teacher_id,
            header: serde_json::from_str(&record.header).unwrap_or_default(),
            lang: Lang::parse(&record.lang).unwrap_or_default(),
        }
    }
}

pub(super) fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// Upload rows stored by one INSERT ([`ROW_PARAMETERS`] each, well within both backends'
/// limits).
const ROWS_PER_INSERT: usize = 500;

/// The parameters of one row in the INSERT of upload rows.
const ROW_PARAMETERS: usize = 8;

/// One process's claim of an upload: it worked on it from `claimed_at` to at most `until`
/// (its lease's last expiry, or when it finished), in milliseconds since 1970.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Claim {
    pub owner: String,
    pub claimed_at: i64,
    pub until: i64,
}

impl Store {
    /// Stores an upload and its rows in one transaction, queued, and durably: the commit is
    /// on disk before this returns (and the upload is acknowledged). `Ok(false)` when the
    /// change-set id was already uploaded to this school, or the teacher already sent this
    /// Idempotency-Key to it.
    ///
    /// In WAL mode SQLite's `synchronous = NORMAL` (the store's setting, fast enough for the
    /// worker's many small commits, which a power cut can only roll back whole) does not sync
    /// the log at commit, so a power cut could lose an upload already answered 202. This commit
    /// runs with `synchronous = FULL`, which syncs it. (The setting cannot change inside a
    /// transaction; the connection goes back to NORMAL afterwards.)
    pub async fn insert_upload(&self, upload: &NewUpload<'_>) -> Result<bool, sqlx::Error> {
        let mut conn = self.pool.acquire().await?;
        if self.backend == Backend::Postgres {
            // PostgreSQL syncs every commit (synchronous_commit = on, its default).
            return Self::insert_upload_in(&mut conn, self.backend, &self.clock, upload).await;
        }
        sqlx::query("PRAGMA synchronous = FULL")
            .execute(&mut *conn)
            .await?;
        let stored = Self::insert_upload_in(&mut conn, self.backend, &self.clock, upload).await;
        let normal = sqlx::query("PRAGMA synchronous = NORMAL")
            .execute(&mut *conn)
            .await;
        if normal.is_err() {
            // Still FULL: slower, never less safe. Do not keep it in the pool all the same.
            conn.close_on_drop();
        }
        stored
    }

    async fn insert_upload_in(
        conn: &mut sqlx::AnyConnection,
        backend: Backend,
        clock: &crate::Clock,
        upload: &NewUpload<'_>,
    ) -> Result<bool, sqlx::Error> {
        use sqlx::Connection;
        let mut tx = conn.begin_with(backend.begin_write()).await?;
        // No conflict target: a second change-set id or Idempotency-Key (each unique per
        // school) changes nothing, whichever it is.
        let inserted = sqlx::query(
            "INSERT INTO uploads (id, school_id, teacher_id, changeset_id, file_name, kind, status,
                 created_at, header, counts, lang, idempotency_key, seq, reverts)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
             ON CONFLICT DO NOTHING",
        )
        .bind(upload.id)
        .bind(upload.school)
        .bind(upload.teacher)
        .bind(upload.changeset_id)
        .bind(upload.file_name)
        .bind(upload.kind.as_str())
        .bind(UploadStatus::Queued.as_str())
        .bind(upload.created_at)
        .bind(json(&upload.header))
        .bind(json(&UploadCounts {
            rows: upload.rows.len() as u32,
            ..UploadCounts::default()
        }))
        .bind(upload.lang.as_str())
        .bind(upload.idempotency_key)
        .bind(super::sequence(clock))
        .bind(upload.reverts)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 0 {
            return Ok(false);
        }
        // Many rows a statement: on PostgreSQL every statement is a round trip.
        for chunk in upload.rows.chunks(ROWS_PER_INSERT) {
            let sql = format!(
                "INSERT INTO upload_rows (upload_id, row, cells, op, state, errors, result, replaced)
                 VALUES {}",
                super::bulk::rows(1, chunk.len(), ROW_PARAMETERS)
            );
            let sql = super::bulk::sql(&tx, sql);
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for row in chunk {
                let state = match (&row.op, &row.kept) {
                    (Some(_), _) => RowState::Pending,
                    (None, Some(_)) => RowState::Applied,
                    (None, None) => RowState::Failed,
                };
                let kept = row.kept.as_ref().map(|_| Replaced::Kept.to_json());
                query = query
                    .bind(upload.id)
                    .bind(i64::from(row.row))
                    .bind(json(&row.cells))
                    .bind(row.op.clone())
                    .bind(state.as_str())
                    .bind(json(&row.errors))
                    .bind(row.kept.as_ref().map(json))
                    .bind(kept);
            }
            query.execute(&mut *tx).await?;
        }
        if let Some(sheet) = upload.sheet {
            sqlx::query("INSERT INTO upload_sheets (upload_id, sheet) VALUES ($1, $2)")
                .bind(upload.id)
                .bind(json(sheet))
                .execute(&mut *tx)
                .await?;
        }
        if backend == Backend::Postgres {
            // Wakes the other processes' workers when this commits (a hint: they poll too).
            sqlx::query("SELECT pg_notify($1, '')")
                .bind(super::QUEUE_CHANNEL)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// The upload of this school with this change-set id.
    pub async fn upload_by_changeset(
        &self,
        school: &str,
        changeset: &str,
    ) -> Result<Option<StoredUpload>, sqlx::Error> {
        let row = sqlx::query_as::<_, UploadRecord>(select_upload!(
            "WHERE school_id = $1 AND changeset_id = $2"
        ))
        .bind(school)
        .bind(changeset)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(StoredUpload::from))
    }

    /// The teacher's file upload to this school with this Idempotency-Key.
    pub async fn upload_by_idempotency_key(
        &self,
        school: &str,
        teacher: &str,
        key: &str,
    ) -> Result<Option<StoredUpload>, sqlx::Error> {
        let row = sqlx::query_as::<_, UploadRecord>(select_upload!(
            "WHERE school_id = $1 AND teacher_id = $2 AND idempotency_key = $3"
        ))
        .bind(school)
        .bind(teacher)
        .bind(key)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(StoredUpload::from))
    }

    /// The upload, if it belongs to `school`.
    pub async fn upload(
        &self,
        school: &str,
        id: &str,
    ) -> Result<Option<StoredUpload>, sqlx::Error> {
        let row =
            sqlx::query_as::<_, UploadRecord>(select_upload!("WHERE school_id = $1 AND id = $2"))
                .bind(school)
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(StoredUpload::from))
    }

    /// A school's Upload History, newest first.
    pub async fn uploads(&self, school: &str) -> Result<Vec<StoredUpload>, sqlx::Error> {
        self.uploads_page(school, 0, i64::MAX).await
    }

    /// At most `limit` entries of a school's Upload History, newest first, after the first
    /// `offset`. The order is total (time, then the order stored, then id), so the pages of one
    /// history neither repeat nor skip an upload.
    pub async fn uploads_page(
        &self,
        school: &str,
        offset: u64,
        limit: i64,
    ) -> Result<Vec<StoredUpload>, sqlx::Error> {
        let rows = sqlx::query_as::<_, UploadRecord>(select_upload!(
            "WHERE school_id = $1 ORDER BY created_at DESC, seq DESC, id DESC LIMIT $2 OFFSET $3"
        ))
        .bind(school)
        .bind(limit)
        .bind(i64::try_from(offset).unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(StoredUpload::from).collect())
    }

    /// A file upload's sheet as read, if it kept one (uploads stored before sheets were kept,
    /// and change-sets, did not).
    pub async fn upload_sheet(
        &self,
        upload: &str,
    ) -> Result<Option<rollcall_core::read::SheetAsRead>, sqlx::Error> {
        let text: Option<String> =
            sqlx::query_scalar("SELECT sheet FROM upload_sheets WHERE upload_id = $1")
                .bind(upload)
                .fetch_optional(&self.pool)
                .await?;
        Ok(text.and_then(|text| serde_json::from_str(&text).ok()))
    }

    /// How many uploads a school's Upload History holds.
    pub async fn upload_count(&self, school: &str) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar("SELECT COUNT(*) FROM uploads WHERE school_id = $1")
            .bind(school)
            .fetch_one(&self.pool)
            .await
    }
}
