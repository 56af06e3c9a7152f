//! Students' own accounts: finding one by username, the one use of a temporary password, a
//! student's own password, a teacher's reset, students' sessions, and erasing a temporary
//! password's text from the Completed Files as soon as it can no longer be used.

use std::collections::HashMap;

use rollcall_protocol::PasswordState;

use super::Store;

/// What the sign-in needs of a student.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StudentAccount {
    pub guid: String,
    pub school_id: String,
    pub first_name: String,
    pub last_name: String,
    pub username: String,
    pub password_hash: Option<String>,
    pub password_temporary: i64,
    /// When a temporary password expires unused (RFC 3339).
    pub password_expires_at: Option<String>,
}

impl StudentAccount {
    pub fn info(&self) -> rollcall_protocol::StudentInfo {
        rollcall_protocol::StudentInfo {
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            username: self.username.clone(),
        }
    }

    /// Where the password is in its life at `now` (RFC 3339).
    pub fn password_state(&self, now: &str) -> PasswordState {
        let expired = self
            .password_expires_at
            .as_deref()
            .is_some_and(|at| at <= now);
        match (&self.password_hash, self.password_temporary != 0) {
            (None, _) => PasswordState::Unset,
            (Some(_), false) => PasswordState::Own,
            (Some(_), true) if expired => PasswordState::Expired,
            (Some(_), true) => PasswordState::Temporary,
        }
    }

    /// Whether the password is a temporary one that expired unused at `now` (RFC 3339).
    pub fn expired(&self, now: &str) -> bool {
        self.password_state(now) == PasswordState::Expired
    }
}

/// What a Completed File shows in place of a temporary password that can no longer be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retired {
    /// Used, replaced by the student's own or by a teacher's reset.
    Changed,
    /// Unused for 90 days.
    Expired,
}

impl Retired {
    pub fn cell(self) -> &'static str {
        match self {
            Retired::Changed => "(changed)",
            Retired::Expired => "(expired)",
        }
    }
}

const ACCOUNT_COLUMNS: &str = "guid, school_id, first_name, last_name, username, password_hash, \
     password_temporary, password_expires_at";

impl Store {
    /// The student with this username (any case), anywhere on the server.
    pub async fn student_by_username(
        &self,
        username: &str,
    ) -> Result<Option<StudentAccount>, sqlx::Error> {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {ACCOUNT_COLUMNS} FROM students WHERE username_key = $1"
        )))
        .bind(username.to_lowercase())
        .fetch_optional(&self.pool)
        .await
    }

    /// Each student of a school with where the password is at `now` (RFC 3339) and when a
    /// temporary one expires, by GUID.
    pub async fn password_states(
        &self,
        school: &str,
        now: &str,
    ) -> Result<HashMap<String, (PasswordState, Option<String>)>, sqlx::Error> {
        let students: Vec<StudentAccount> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {ACCOUNT_COLUMNS} FROM students WHERE school_id = $1"
        )))
        .bind(school)
        .fetch_all(&self.pool)
        .await?;
        Ok(students
            .into_iter()
            .map(|student| {
                let state = student.password_state(now);
                let expires = student
                    .password_expires_at
                    .filter(|_| state != PasswordState::Own);
                (student.guid, (state, expires))
            })
            .collect())
    }

    /// The student of this school with this GUID.
    pub async fn student_in_school(
        &self,
        school: &str,
        guid: &str,
    ) -> Result<Option<StudentAccount>, sqlx::Error> {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {ACCOUNT_COLUMNS} FROM students WHERE guid = $1 AND school_id = $2"
        )))
        .bind(guid.to_lowercase())
        .bind(school)
        .fetch_optional(&self.pool)
        .await
    }

    /// Spends a temporary password on the sign-in that used it: the student has no password
    /// until she sets her own, and the text is erased. False when another sign-in spent it
    /// first (the hash is no longer `hash`).
    pub async fn spend_temporary_password(
        &self,
        guid: &str,
        hash: &str,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE students SET password_hash = NULL, password_temporary = 0,
                 password_expires_at = NULL
             WHERE guid = $1 AND password_hash = $2 AND password_temporary = 1",
        )
        .bind(guid)
        .bind(hash)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        Self::retire_temporary_in(&mut tx, guid, Retired::Changed).await?;
        tx.commit().await?;
        self.checkpoint().await;
        Ok(true)
    }

    /// Sets a student's password: her own (`expires_at` none) or a teacher's temporary reset;
    /// ends every session of hers but `keep`, and erases the text of any earlier temporary
    /// password.
    pub async fn set_student_password(
        &self,
        guid: &str,
        hash: &str,
        expires_at: Option<&str>,
        keep: Option<&str>,
    ) -> Result<(), sqlx::Error> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE students SET password_hash = $2, password_temporary = $3,
                 password_expires_at = $4
             WHERE guid = $1",
        )
        .bind(guid)
        .bind(hash)
        .bind(i64::from(expires_at.is_some()))
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM student_sessions WHERE student_guid = $1 AND token_hash <> $2")
            .bind(guid)
            .bind(keep.unwrap_or_default())
            .execute(&mut *tx)
            .await?;
        if keep.is_some() {
            sqlx::query("UPDATE student_sessions SET must_change = 0 WHERE token_hash = $1")
                .bind(keep.unwrap_or_default())
                .execute(&mut *tx)
                .await?;
        }
        Self::retire_temporary_in(&mut tx, guid, Retired::Changed).await?;
        tx.commit().await?;
        self.checkpoint().await;
        Ok(())
    }

    /// Erases, in the rows of every upload, the text of `guid`'s temporary password (its
    /// Completed File cell then says why it is gone).
    pub(super) async fn retire_temporary_in(
        tx: &mut sqlx::AnyConnection,
        guid: &str,
        why: Retired,
    ) -> Result<(), sqlx::Error> {
        let rows: Vec<(String, i64, Option<String>)> = sqlx::query_as(
            "SELECT upload_id, row, result FROM upload_rows WHERE temporary_for = $1",
        )
        .bind(guid)
        .fetch_all(&mut *tx)
        .await?;
        for (upload, row, result) in rows {
            let mut cells: Vec<String> = result
                .as_deref()
                .and_then(|r| serde_json::from_str(r).ok())
                .unwrap_or_default();
            if let Some(cell) = cells.get_mut(rollcall_core::Field::Password.index()) {
                *cell = why.cell().to_owned();
            }
            sqlx::query(
                "UPDATE upload_rows SET result = $3, temporary_for = NULL
                 WHERE upload_id = $1 AND row = $2",
            )
            .bind(upload)
            .bind(row)
            .bind(serde_json::to_string(&cells).unwrap_or_default())
            .execute(&mut *tx)
            .await?;
        }
        Ok(())
    }

    /// Erases the text of every temporary password that expired unused at `now` (RFC 3339);
    /// returns how many students' passwords that was.
    pub async fn retire_expired_temporary(&self, now: &str) -> Result<usize, sqlx::Error> {
        let expired: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT s.guid FROM students s JOIN upload_rows r ON r.temporary_for = s.guid
             WHERE s.password_temporary = 1 AND s.password_expires_at <= $1",
        )
        .bind(now)
        .fetch_all(&self.pool)
        .await?;
        if expired.is_empty() {
            return Ok(0);
        }
        let mut tx = self.begin_write().await?;
        for guid in &expired {
            Self::retire_temporary_in(&mut tx, guid, Retired::Expired).await?;
        }
        tx.commit().await?;
        self.checkpoint().await;
        Ok(expired.len())
    }

    /// On SQLite, moves the write-ahead log into the database file at once, so that text just
    /// erased (with `secure_delete` on) does not linger in the log; best effort.
    async fn checkpoint(&self) {
        if self.backend == super::Backend::Sqlite {
            let _ = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(&self.pool)
                .await;
        }
    }

    // Students' sessions.

    pub async fn insert_student_session(
        &self,
        token_hash: &str,
        guid: &str,
        csrf: &str,
        must_change: bool,
        expires_at: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO student_sessions (token_hash, student_guid, csrf, must_change, expires_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(guid)
        .bind(csrf)
        .bind(i64::from(must_change))
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The student, CSRF token and must-change flag of a session not expired at `now`.
    pub async fn student_session(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<(StudentAccount, String, bool)>, sqlx::Error> {
        let found: Option<(String, String, i64)> = sqlx::query_as(
            "SELECT student_guid, csrf, must_change FROM student_sessions
             WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        let Some((guid, csrf, must_change)) = found else {
            return Ok(None);
        };
        let student: Option<StudentAccount> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {ACCOUNT_COLUMNS} FROM students WHERE guid = $1"
        )))
        .bind(&guid)
        .fetch_optional(&self.pool)
        .await?;
        Ok(student.map(|s| (s, csrf, must_change != 0)))
    }

    /// Ends a student's session, and every student session expired at `now`.
    pub async fn delete_student_session(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM student_sessions WHERE token_hash = $1 OR expires_at <= $2")
            .bind(token_hash)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
