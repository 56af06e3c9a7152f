//! The rows of an upload: reading them for the history and the downloads, the ones still
//! pending for the worker, and failing them.

use super::Store;
use super::uploads::{PendingRow, RowState, UploadRow, json};
use crate::row_problem::RowProblem;

/// A row of `upload_rows` as read; the state is the enum's own text, anything else an error.
#[derive(Debug, sqlx::FromRow)]
struct UploadRowRecord {
    #[sqlx(try_from = "i64")]
    row: u32,
    #[sqlx(try_from = "String")]
    state: RowState,
    /// JSON: the cells as uploaded.
    cells: String,
    /// JSON: the student's cells once applied.
    result: Option<String>,
    /// JSON: the row's errors.
    errors: String,
    /// JSON: what the row replaced.
    replaced: Option<String>,
}

impl From<UploadRowRecord> for UploadRow {
    fn from(record: UploadRowRecord) -> UploadRow {
        UploadRow {
            row: record.row,
            state: record.state,
            cells: serde_json::from_str(&record.cells).unwrap_or_default(),
            result: record.result.and_then(|r| serde_json::from_str(&r).ok()),
            errors: serde_json::from_str(&record.errors).unwrap_or_default(),
            replaced: record.replaced.and_then(|r| serde_json::from_str(&r).ok()),
        }
    }
}

/// A pending row as read: its op (`NULL` once failed, never while pending).
#[derive(Debug, sqlx::FromRow)]
struct PendingRecord {
    #[sqlx(try_from = "i64")]
    row: u32,
    op: Option<String>,
}

impl Store {
    pub async fn upload_rows(&self, upload: &str) -> Result<Vec<UploadRow>, sqlx::Error> {
        let rows: Vec<UploadRowRecord> = sqlx::query_as(
            "SELECT row, state, cells, result, errors, replaced FROM upload_rows
             WHERE upload_id = $1
             ORDER BY row",
        )
        .bind(upload)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(UploadRow::from).collect())
    }

    /// Fails every row of the upload still pending with `errors`, if `owner` holds its lease;
    /// returns how many.
    pub async fn fail_pending_rows(
        &self,
        upload: &str,
        owner: &str,
        errors: &[RowProblem],
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
        let rows: Vec<PendingRecord> = sqlx::query_as(
            "SELECT row, op FROM upload_rows WHERE upload_id = $1 AND state = $2 ORDER BY row",
        )
        .bind(upload)
        .bind(RowState::Pending.as_str())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|record| PendingRow {
                row: record.row,
                op: record.op.unwrap_or_default(),
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
        errors: &[RowProblem],
    ) -> Result<bool, sqlx::Error> {
        let mut conn = self.pool.acquire().await?;
        Store::fail_row_in(&mut conn, upload, row, errors).await
    }

    /// [`Store::fail_row`] inside the caller's transaction.
    pub async fn fail_row_in(
        conn: &mut sqlx::AnyConnection,
        upload: &str,
        row: u32,
        errors: &[RowProblem],
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
}
