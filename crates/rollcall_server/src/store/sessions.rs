//! Ending sessions: the expired ones, and a teacher's others when the password changes.

use super::Store;

impl Store {
    /// Deletes every session expired at `now`; returns how many.
    pub async fn purge_expired_sessions(&self, now: i64) -> Result<u64, sqlx::Error> {
        let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// Sets a teacher's password hash and ends all the teacher's sessions but `keep` (the one
    /// that made the change, if any), in one transaction.
    pub async fn set_teacher_password(
        &self,
        teacher: &str,
        password_hash: &str,
        keep: Option<&str>,
    ) -> Result<(), sqlx::Error> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE teachers SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(teacher)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE teacher_id = $1 AND token_hash <> $2")
            .bind(teacher)
            .bind(keep.unwrap_or_default())
            .execute(&mut *tx)
            .await?;
        tx.commit().await
    }

    /// How many sessions a teacher has that have not expired at `now`.
    pub async fn session_count(&self, teacher: &str, now: i64) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM sessions WHERE teacher_id = $1 AND expires_at > $2",
        )
        .bind(teacher)
        .bind(now)
        .fetch_one(&self.pool)
        .await
    }
}
