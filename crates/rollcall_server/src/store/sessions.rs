//! Sessions: starting, finding and ending one, ending the expired ones, and a teacher's others
//! when the password changes.

use super::directory::TeacherRecord;
use super::{Store, Teacher};

/// A session's teacher and CSRF token.
#[derive(Debug, sqlx::FromRow)]
struct SessionRecord {
    #[sqlx(flatten)]
    teacher: TeacherRecord,
    csrf: String,
}

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

    pub async fn insert_session(
        &self,
        token_hash: &str,
        teacher: &str,
        csrf: &str,
        expires_at: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT INTO sessions (token_hash, teacher_id, csrf, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(token_hash)
            .bind(teacher)
            .bind(csrf)
            .bind(expires_at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The teacher and CSRF token of a session that has not expired at `now`.
    pub async fn session(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<(Teacher, String)>, sqlx::Error> {
        let row: Option<SessionRecord> = sqlx::query_as(
            "SELECT t.id, t.email, t.name, s.csrf FROM sessions s JOIN teachers t ON t.id = s.teacher_id
             WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|row| (row.teacher.into(), row.csrf)))
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    // Students.
}
