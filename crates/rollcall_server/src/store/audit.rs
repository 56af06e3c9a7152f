//! The audit table: sign-ins, failed sign-ins and downloads of Completed Files, with the
//! teacher (when known), the time, the client's address (when known) and the email tried.

use serde::Serialize;

use super::Store;

/// One audit row to record.
#[derive(Debug, Clone, Copy)]
pub struct NewAuditEntry<'a> {
    /// `sign-in`, `sign-in-failed` or `completed-file-download` (see `crate::audit`).
    pub kind: &'a str,
    /// The teacher, when the email is one.
    pub teacher: Option<&'a str>,
    /// The normalised email the sign-in named (the teacher's, for a download).
    pub email: Option<&'a str>,
    pub address: Option<&'a str>,
    /// What was downloaded: `UPLOAD/completed`.
    pub detail: Option<&'a str>,
}

/// One audit row as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct AuditEntry {
    pub kind: String,
    #[sqlx(rename = "teacher_id")]
    pub teacher: Option<String>,
    pub email: Option<String>,
    /// RFC 3339, UTC, milliseconds.
    pub at: String,
    pub address: Option<String>,
    pub detail: Option<String>,
}

impl Store {
    pub async fn record_audit(&self, entry: &NewAuditEntry<'_>) -> Result<(), sqlx::Error> {
        let at = self.clock.rfc3339_millis();
        sqlx::query(
            "INSERT INTO audit (id, kind, teacher_id, email, at, address, detail)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(entry.kind)
        .bind(entry.teacher)
        .bind(entry.email)
        .bind(at)
        .bind(entry.address)
        .bind(entry.detail)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Every audit row, oldest first.
    pub async fn audit_entries(&self) -> Result<Vec<AuditEntry>, sqlx::Error> {
        sqlx::query_as(
            "SELECT kind, teacher_id, email, at, address, detail FROM audit ORDER BY at, id",
        )
        .fetch_all(&self.pool)
        .await
    }
}
