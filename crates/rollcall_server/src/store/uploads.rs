//! The statements of uploads and their rows: the durable queue and the Upload History.

use serde::Serialize;
use sqlx::Row;

pub use rollcall_protocol::{RowError, RowState, UploadCounts, UploadKind, UploadStatus};

use super::{Backend, Store, StudentRecord};

/// An upload as stored: its Upload History entry and what the worker needs besides.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredUpload {
    /// What the API shows of it.
    pub summary: rollcall_protocol::UploadSummary,
    pub school_id: String,
    /// The uploaded file's columns.
    pub header: Vec<String>,
    /// The language of its rows' messages.
    pub lang: rollcall_core::Lang,
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
    pub lang: rollcall_core::Lang,
    pub created_at: &'a str,
    pub header: &'a [String],
    pub rows: Vec<NewUploadRow>,
}

pub struct NewUploadRow {
    pub row: u32,
    pub cells: Vec<String>,
    /// The op to apply, or `None` for a row that failed on arrival.
    pub op: Option<String>,
    pub errors: Vec<RowError>,
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
    pub errors: Vec<RowError>,
}

impl UploadRow {
    /// The row as the API shows it: with the student's GUID and username once applied.
    pub fn to_protocol(&self) -> rollcall_protocol::UploadRow {
        rollcall_protocol::UploadRow {
            row: self.row,
            state: self.state,
            guid: self.result.as_ref().and_then(|r| r.first().cloned()),
            username: self.result.as_ref().and_then(|r| r.get(5).cloned()),
            errors: self.errors.clone(),
        }
    }
}

/// A row waiting to be applied.
#[derive(Debug, Clone)]
pub struct PendingRow {
    pub row: u32,
    pub op: String,
}

/// A status or state column's text as its enum. The server writes only the enum's own
/// texts, so anything else is a damaged database.
fn parse_column<T>(row: &sqlx::any::AnyRow, column: &str) -> Result<T, sqlx::Error>
where
    T: std::str::FromStr<Err = rollcall_protocol::UnknownValue>,
{
    let text: String = row.try_get(column)?;
    text.parse().map_err(|e| sqlx::Error::ColumnDecode {
        index: column.to_owned(),
        source: Box::new(e),
    })
}

fn summary(row: &sqlx::any::AnyRow) -> Result<StoredUpload, sqlx::Error> {
    let counts: String = row.get("counts");
    let header: String = row.get("header");
    Ok(StoredUpload {
        summary: rollcall_protocol::UploadSummary {
            id: row.get("id"),
            file_name: row.get("file_name"),
            status: parse_column(row, "status")?,
            created_at: row.get("created_at"),
            finished_at: row.get("finished_at"),
            counts: serde_json::from_str(&counts).unwrap_or_default(),
        },
        school_id: row.get("school_id"),
        header: serde_json::from_str(&header).unwrap_or_default(),
        lang: rollcall_core::Lang::parse(&row.get::<String, _>("lang")).unwrap_or_default(),
    })
}

fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// Upload rows stored by one INSERT (5 parameters each, well within both backends' limits).
const ROWS_PER_INSERT: usize = 500;

/// One process's claim of an upload: it worked on it from `claimed_at` to at most `until`
/// (its lease's last expiry, or when it finished), in milliseconds since 1970.
#[derive(Debug, Clone, PartialEq, Eq)]
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
            return Self::insert_upload_in(&mut conn, self.backend, upload).await;
        }
        sqlx::query("PRAGMA synchronous = FULL")
            .execute(&mut *conn)
            .await?;
        let stored = Self::insert_upload_in(&mut conn, self.backend, upload).await;
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
        upload: &NewUpload<'_>,
    ) -> Result<bool, sqlx::Error> {
        use sqlx::Connection;
        let mut tx = conn.begin_with(backend.begin_write()).await?;
        // No conflict target: a second change-set id or Idempotency-Key (each unique per
        // school) changes nothing, whichever it is.
        let inserted = sqlx::query(
            "INSERT INTO uploads (id, school_id, teacher_id, changeset_id, file_name, kind, status,
                 created_at, header, counts, lang, idempotency_key, seq)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
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
        .bind(super::sequence())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 0 {
            return Ok(false);
        }
        // Many rows a statement: on PostgreSQL every statement is a round trip.
        for chunk in upload.rows.chunks(ROWS_PER_INSERT) {
            let values = (0..chunk.len())
                .map(|k| {
                    let p = 2 + k * 5;
                    format!("($1, ${p}, ${}, ${}, ${}, ${})", p + 1, p + 2, p + 3, p + 4)
                })
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!(
                "INSERT INTO upload_rows (upload_id, row, cells, op, state, errors) VALUES {values}"
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(upload.id);
            for row in chunk {
                let state = if row.op.is_some() {
                    RowState::Pending
                } else {
                    RowState::Failed
                };
                query = query
                    .bind(i64::from(row.row))
                    .bind(json(&row.cells))
                    .bind(row.op.clone())
                    .bind(state.as_str())
                    .bind(json(&row.errors));
            }
            query.execute(&mut *tx).await?;
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
        let row = sqlx::query("SELECT * FROM uploads WHERE school_id = $1 AND changeset_id = $2")
            .bind(school)
            .bind(changeset)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(summary).transpose()
    }

    /// The teacher's file upload to this school with this Idempotency-Key.
    pub async fn upload_by_idempotency_key(
        &self,
        school: &str,
        teacher: &str,
        key: &str,
    ) -> Result<Option<StoredUpload>, sqlx::Error> {
        let row = sqlx::query(
            "SELECT * FROM uploads WHERE school_id = $1 AND teacher_id = $2 AND idempotency_key = $3",
        )
        .bind(school)
        .bind(teacher)
        .bind(key)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(summary).transpose()
    }

    /// The upload, if it belongs to `school`.
    pub async fn upload(
        &self,
        school: &str,
        id: &str,
    ) -> Result<Option<StoredUpload>, sqlx::Error> {
        let row = sqlx::query("SELECT * FROM uploads WHERE school_id = $1 AND id = $2")
            .bind(school)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(summary).transpose()
    }

    /// A school's Upload History, newest first.
    pub async fn uploads(&self, school: &str) -> Result<Vec<StoredUpload>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT * FROM uploads WHERE school_id = $1 ORDER BY created_at DESC, seq DESC",
        )
        .bind(school)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(summary).collect()
    }

    pub async fn upload_rows(&self, upload: &str) -> Result<Vec<UploadRow>, sqlx::Error> {
        let rows = sqlx::query("SELECT row, state, cells, result, errors FROM upload_rows WHERE upload_id = $1 ORDER BY row")
            .bind(upload)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                let cells: String = row.get("cells");
                let result: Option<String> = row.get("result");
                let errors: String = row.get("errors");
                Ok(UploadRow {
                    row: row.get::<i64, _>("row") as u32,
                    state: parse_column(row, "state")?,
                    cells: serde_json::from_str(&cells).unwrap_or_default(),
                    result: result.and_then(|r| serde_json::from_str(&r).ok()),
                    errors: serde_json::from_str(&errors).unwrap_or_default(),
                })
            })
            .collect()
    }

    /// Takes the oldest upload still to finish whose lease is free or lapsed (`lease_until`
    /// before `now`; one a stopped server left In Progress first) for `owner` until `until`,
    /// and marks it In Progress. The lease is taken by a conditional UPDATE, so of two
    /// processes that chose the same upload only one gets it (the other one's UPDATE changes no
    /// row and it tries the next). Times are milliseconds since 1970.
    pub async fn claim_upload(
        &self,
        owner: &str,
        now: i64,
        until: i64,
    ) -> Result<Option<StoredUpload>, sqlx::Error> {
        // Oldest first (one left In Progress before any other), and never an upload of a
        // school another live lease is working on: one upload per school at a time, so a
        // school's uploads apply in order and a 50,000-row upload holds one worker while the
        // other workers and processes serve every other school.
        let candidates: Vec<String> = sqlx::query_scalar(
            "SELECT id FROM uploads u
             WHERE status IN ($1, $2) AND (lease_until IS NULL OR lease_until < $3)
               AND NOT EXISTS (
                   SELECT 1 FROM uploads busy
                   WHERE busy.school_id = u.school_id AND busy.id <> u.id
                     AND busy.status = $1 AND busy.lease_until >= $3)
             ORDER BY CASE status WHEN $1 THEN 0 ELSE 1 END, created_at, seq LIMIT 8",
        )
        .bind(UploadStatus::InProgress.as_str())
        .bind(UploadStatus::Queued.as_str())
        .bind(now)
        .fetch_all(&self.pool)
        .await?;
        for id in candidates {
            let mut tx = self.begin_write().await?;
            // Without taking turns, two PostgreSQL processes could each claim a different
            // upload of one school, neither seeing the other's claim.
            self.take_turn(&mut tx, super::Turn::Claim).await?;
            let taken = sqlx::query(
                "UPDATE uploads SET status = $2, lease_owner = $4, lease_until = $5
                 WHERE id = $1 AND status IN ($2, $3) AND (lease_until IS NULL OR lease_until < $6)
                   AND NOT EXISTS (
                       SELECT 1 FROM uploads busy
                       WHERE busy.school_id = uploads.school_id AND busy.id <> uploads.id
                         AND busy.status = $2 AND busy.lease_until >= $6)",
            )
            .bind(&id)
            .bind(UploadStatus::InProgress.as_str())
            .bind(UploadStatus::Queued.as_str())
            .bind(owner)
            .bind(until)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if taken == 1 {
                sqlx::query(
                    "INSERT INTO upload_claims (upload_id, owner, claimed_at, until)
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(&id)
                .bind(owner)
                .bind(now)
                .bind(until)
                .execute(&mut *tx)
                .await?;
                let row = sqlx::query("SELECT * FROM uploads WHERE id = $1")
                    .bind(&id)
                    .fetch_one(&mut *tx)
                    .await?;
                let upload = summary(&row)?;
                tx.commit().await?;
                return Ok(Some(upload));
            }
            tx.commit().await?;
        }
        Ok(None)
    }

    /// Every claim of an upload, oldest first: (owner, claimed at, held until), milliseconds.
    pub async fn upload_claims(&self, upload: &str) -> Result<Vec<Claim>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT owner, claimed_at, until FROM upload_claims WHERE upload_id = $1
             ORDER BY claimed_at",
        )
        .bind(upload)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|row| Claim {
                owner: row.get("owner"),
                claimed_at: row.get("claimed_at"),
                until: row.get("until"),
            })
            .collect())
    }

    /// Moves the end of `owner`'s latest claim of `upload` to `until`.
    async fn claim_held_until(
        tx: &mut sqlx::AnyConnection,
        upload: &str,
        owner: &str,
        until: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE upload_claims SET until = $3
             WHERE upload_id = $1 AND owner = $2 AND claimed_at = (
                 SELECT MAX(claimed_at) FROM upload_claims WHERE upload_id = $1 AND owner = $2)",
        )
        .bind(upload)
        .bind(owner)
        .bind(until)
        .execute(&mut *tx)
        .await?;
        Ok(())
    }

    /// Extends `owner`'s lease on an upload to `until`; `false` when it no longer holds it.
    pub async fn renew_lease(
        &self,
        id: &str,
        owner: &str,
        until: i64,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        let renewed = sqlx::query(
            "UPDATE uploads SET lease_until = $3 WHERE id = $1 AND lease_owner = $2 AND status = $4",
        )
        .bind(id)
        .bind(owner)
        .bind(until)
        .bind(UploadStatus::InProgress.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if renewed == 1 {
            Self::claim_held_until(&mut tx, id, owner, until).await?;
        }
        tx.commit().await?;
        Ok(renewed == 1)
    }

    /// Gives an upload its final status and counts and ends `owner`'s lease; `false` (and
    /// nothing changed) when `owner` no longer holds the lease.
    pub async fn finish_upload(
        &self,
        id: &str,
        owner: &str,
        status: UploadStatus,
        finished_at: &str,
        counts: &UploadCounts,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        let finished = sqlx::query(
            "UPDATE uploads SET status = $3, finished_at = $4, counts = $5, lease_owner = NULL,
                 lease_until = NULL
             WHERE id = $1 AND lease_owner = $2",
        )
        .bind(id)
        .bind(owner)
        .bind(status.as_str())
        .bind(finished_at)
        .bind(json(counts))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if finished == 1 {
            let now = crate::upload::lease::now_millis();
            Self::claim_held_until(&mut tx, id, owner, now).await?;
        }
        tx.commit().await?;
        Ok(finished == 1)
    }

    /// Fails every row of the upload still pending with `errors`, if `owner` holds its lease;
    /// returns how many.
    pub async fn fail_pending_rows(
        &self,
        upload: &str,
        owner: &str,
        errors: &[RowError],
    ) -> Result<u64, sqlx::Error> {
        let failed = sqlx::query(
            "UPDATE upload_rows SET state = $4, op = NULL, errors = $3
             WHERE upload_id = $1 AND state = $5
               AND EXISTS (SELECT 1 FROM uploads WHERE id = $1 AND lease_owner = $2)",
        )
        .bind(upload)
        .bind(owner)
        .bind(json(&errors))
        .bind(RowState::Failed.as_str())
        .bind(RowState::Pending.as_str())
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(failed)
    }

    pub async fn pending_rows(&self, upload: &str) -> Result<Vec<PendingRow>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT row, op FROM upload_rows WHERE upload_id = $1 AND state = $2 ORDER BY row",
        )
        .bind(upload)
        .bind(RowState::Pending.as_str())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|row| PendingRow {
                row: row.get::<i64, _>("row") as u32,
                op: row.get::<Option<String>, _>("op").unwrap_or_default(),
            })
            .collect())
    }

    /// Marks a pending row failed and forgets its op (and any password in it); `false` when
    /// the row was no longer pending (another process applied or failed it), which changes
    /// nothing.
    pub async fn fail_row(
        &self,
        upload: &str,
        row: u32,
        errors: &[RowError],
    ) -> Result<bool, sqlx::Error> {
        let mut conn = self.pool.acquire().await?;
        Store::fail_row_in(&mut conn, upload, row, errors).await
    }

    /// [`Store::fail_row`] inside the caller's transaction.
    pub async fn fail_row_in(
        conn: &mut sqlx::AnyConnection,
        upload: &str,
        row: u32,
        errors: &[RowError],
    ) -> Result<bool, sqlx::Error> {
        let failed = sqlx::query(
            "UPDATE upload_rows SET state = $4, op = NULL, errors = $3
             WHERE upload_id = $1 AND row = $2 AND state = $5",
        )
        .bind(upload)
        .bind(i64::from(row))
        .bind(json(&errors))
        .bind(RowState::Failed.as_str())
        .bind(RowState::Pending.as_str())
        .execute(&mut *conn)
        .await?
        .rows_affected();
        Ok(failed == 1)
    }

    /// Every student of the school by GUID, and what the rest of the server holds: usernames
    /// (lower case) of other schools and Student IDs (lower case) of the district's other schools.
    pub async fn roster_with_outside(
        &self,
        school: &str,
    ) -> Result<(Vec<StudentRecord>, Vec<String>, Vec<String>), sqlx::Error> {
        let students = self.students(school).await?;
        let usernames: Vec<String> =
            sqlx::query_scalar("SELECT username_key FROM students WHERE school_id <> $1")
                .bind(school)
                .fetch_all(&self.pool)
                .await?;
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT lower(student_id) FROM students WHERE school_id <> $1 AND student_id IS NOT NULL
               AND district_id = (SELECT district_id FROM schools WHERE id = $1)",
        )
        .bind(school)
        .fetch_all(&self.pool)
        .await?;
        Ok((students, usernames, ids))
    }

    pub async fn district_of(&self, school: &str) -> Result<String, sqlx::Error> {
        sqlx::query_scalar("SELECT district_id FROM schools WHERE id = $1")
            .bind(school)
            .fetch_one(&self.pool)
            .await
    }
}
