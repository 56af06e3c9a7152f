//! The statements of uploads and their rows: the durable queue and the Upload History.

use serde::Serialize;
use sqlx::Row;

use super::{Store, StudentRecord};

/// Where an upload is in the queue (SPEC section 8's words).
pub const QUEUED: &str = "Queued";
pub const IN_PROGRESS: &str = "In Progress";
pub const COMPLETED: &str = "Completed";
pub const COMPLETED_WITH_ERRORS: &str = "Completed with Errors";
pub const FAILED: &str = "Failed";

/// An Upload History entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UploadSummary {
    pub id: String,
    pub file_name: String,
    pub status: String,
    pub created_at: String,
    pub finished_at: Option<String>,
    pub counts: serde_json::Value,
    #[serde(skip)]
    pub school_id: String,
    #[serde(skip)]
    pub header: Vec<String>,
    #[serde(skip)]
    pub lang: rollcall_core::Lang,
}

/// A new upload and its rows, stored together before the upload is acknowledged.
pub struct NewUpload<'a> {
    pub id: &'a str,
    pub school: &'a str,
    pub teacher: &'a str,
    pub changeset_id: Option<&'a str>,
    pub file_name: &'a str,
    pub kind: &'a str,
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct RowError {
    pub code: String,
    pub message: String,
}

/// One row of an upload, as the history and the downloads show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UploadRow {
    pub row: u32,
    pub state: String,
    #[serde(skip)]
    pub cells: Vec<String>,
    #[serde(skip)]
    pub result: Option<Vec<String>>,
    pub guid: Option<String>,
    pub username: Option<String>,
    pub errors: Vec<RowError>,
}

/// A row waiting to be applied.
#[derive(Debug, Clone)]
pub struct PendingRow {
    pub row: u32,
    pub op: String,
}

fn summary(row: &sqlx::sqlite::SqliteRow) -> UploadSummary {
    let counts: String = row.get("counts");
    let header: String = row.get("header");
    UploadSummary {
        id: row.get("id"),
        file_name: row.get("file_name"),
        status: row.get("status"),
        created_at: row.get("created_at"),
        finished_at: row.get("finished_at"),
        counts: serde_json::from_str(&counts).unwrap_or_default(),
        school_id: row.get("school_id"),
        header: serde_json::from_str(&header).unwrap_or_default(),
        lang: rollcall_core::Lang::parse(&row.get::<String, _>("lang")).unwrap_or_default(),
    }
}

fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

impl Store {
    /// Stores an upload and its rows in one transaction, queued. `Ok(false)` when the
    /// change-set id was already uploaded to this school.
    pub async fn insert_upload(&self, upload: &NewUpload<'_>) -> Result<bool, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        let inserted = sqlx::query(
            "INSERT INTO uploads (id, school_id, teacher_id, changeset_id, file_name, kind, status,
                 created_at, header, counts, lang)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
             ON CONFLICT (school_id, changeset_id) DO NOTHING",
        )
        .bind(upload.id)
        .bind(upload.school)
        .bind(upload.teacher)
        .bind(upload.changeset_id)
        .bind(upload.file_name)
        .bind(upload.kind)
        .bind(QUEUED)
        .bind(upload.created_at)
        .bind(json(&upload.header))
        .bind(json(&serde_json::json!({"rows": upload.rows.len()})))
        .bind(upload.lang.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 0 {
            return Ok(false);
        }
        for row in &upload.rows {
            let state = if row.op.is_some() {
                "pending"
            } else {
                "failed"
            };
            sqlx::query(
                "INSERT INTO upload_rows (upload_id, row, cells, op, state, errors)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(upload.id)
            .bind(i64::from(row.row))
            .bind(json(&row.cells))
            .bind(&row.op)
            .bind(state)
            .bind(json(&row.errors))
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
    ) -> Result<Option<UploadSummary>, sqlx::Error> {
        let row = sqlx::query("SELECT * FROM uploads WHERE school_id = $1 AND changeset_id = $2")
            .bind(school)
            .bind(changeset)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(summary))
    }

    /// The upload, if it belongs to `school`.
    pub async fn upload(
        &self,
        school: &str,
        id: &str,
    ) -> Result<Option<UploadSummary>, sqlx::Error> {
        let row = sqlx::query("SELECT * FROM uploads WHERE school_id = $1 AND id = $2")
            .bind(school)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(summary))
    }

    /// A school's Upload History, newest first.
    pub async fn uploads(&self, school: &str) -> Result<Vec<UploadSummary>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT * FROM uploads WHERE school_id = $1 ORDER BY created_at DESC, rowid DESC",
        )
        .bind(school)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(summary).collect())
    }

    pub async fn upload_rows(&self, upload: &str) -> Result<Vec<UploadRow>, sqlx::Error> {
        let rows = sqlx::query("SELECT row, state, cells, result, errors FROM upload_rows WHERE upload_id = $1 ORDER BY row")
            .bind(upload)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .iter()
            .map(|row| {
                let cells: String = row.get("cells");
                let result: Option<String> = row.get("result");
                let errors: String = row.get("errors");
                let result: Option<Vec<String>> =
                    result.and_then(|r| serde_json::from_str(&r).ok());
                UploadRow {
                    row: row.get::<i64, _>("row") as u32,
                    state: row.get("state"),
                    cells: serde_json::from_str(&cells).unwrap_or_default(),
                    guid: result.as_ref().and_then(|r| r.first().cloned()),
                    username: result.as_ref().and_then(|r| r.get(5).cloned()),
                    result,
                    errors: serde_json::from_str(&errors).unwrap_or_default(),
                }
            })
            .collect())
    }

    /// The oldest upload still to finish: one a stopped server left In Progress first.
    pub async fn next_upload(&self) -> Result<Option<UploadSummary>, sqlx::Error> {
        let row = sqlx::query(
            "SELECT * FROM uploads WHERE status IN ($1, $2)
             ORDER BY CASE status WHEN $1 THEN 0 ELSE 1 END, created_at, rowid LIMIT 1",
        )
        .bind(IN_PROGRESS)
        .bind(QUEUED)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(summary))
    }

    pub async fn set_upload_status(
        &self,
        id: &str,
        status: &str,
        finished_at: Option<&str>,
        counts: Option<&serde_json::Value>,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE uploads SET status = $2, finished_at = COALESCE($3, finished_at),
                 counts = COALESCE($4, counts) WHERE id = $1",
        )
        .bind(id)
        .bind(status)
        .bind(finished_at)
        .bind(counts.map(json))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn pending_rows(&self, upload: &str) -> Result<Vec<PendingRow>, sqlx::Error> {
        let rows = sqlx::query("SELECT row, op FROM upload_rows WHERE upload_id = $1 AND state = 'pending' ORDER BY row")
            .bind(upload)
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

    /// Marks a row failed and forgets its op (and any password in it).
    pub async fn fail_row(
        &self,
        upload: &str,
        row: u32,
        errors: &[RowError],
    ) -> Result<(), sqlx::Error> {
        let mut conn = self.pool.acquire().await?;
        Store::fail_row_in(&mut conn, upload, row, errors).await
    }

    /// [`Store::fail_row`] inside the caller's transaction.
    pub async fn fail_row_in(
        conn: &mut sqlx::SqliteConnection,
        upload: &str,
        row: u32,
        errors: &[RowError],
    ) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE upload_rows SET state = 'failed', op = NULL, errors = $3 WHERE upload_id = $1 AND row = $2")
            .bind(upload)
            .bind(i64::from(row))
            .bind(json(&errors))
            .execute(&mut *conn)
            .await?;
        Ok(())
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
