//! Students' own accounts: finding one by username, the one use of a temporary password, a
//! student's own password, a teacher's reset, students' sessions, and erasing a temporary
//! password's text from the Completed Files as soon as it can no longer be used.

use rollcall_protocol::{PasswordState, RosterStudent};

use super::{Store, StudentRecord};

/// A row of the roster as read: the student and her password's state, not its hash.
#[derive(Debug, sqlx::FromRow)]
struct RosterRecord {
    #[sqlx(flatten)]
    student: StudentRecord,
    has_password: i64,
    password_temporary: i64,
    password_expires_at: Option<String>,
}

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
        password_state(
            self.password_hash.is_some(),
            self.password_temporary != 0,
            self.password_expires_at.as_deref(),
            now,
        )
    }

    /// Whether the password is a temporary one that expired unused at `now` (RFC 3339).
    pub fn expired(&self, now: &str) -> bool {
        self.password_state(now) == PasswordState::Expired
    }
}

/// Where a password is in its life at `now` (RFC 3339): whether the student has one, whether it
/// is temporary, and when a temporary one expires.
pub fn password_state(
    has_password: bool,
    temporary: bool,
    expires_at: Option<&str>,
    now: &str,
) -> PasswordState {
    let expired = expires_at.is_some_and(|at| at <= now);
    match (has_password, temporary) {
        (false, _) => PasswordState::Unset,
        (true, false) => PasswordState::Own,
        (true, true) if expired => PasswordState::Expired,
        (true, true) => PasswordState::Temporary,
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

    /// The roster the page shows: the school's students in roster order, each with the
    /// teacher's classes, where her password is at `now` (RFC 3339) and when a temporary one
    /// expires. The students and their passwords' states come from one query (the page asks
    /// for the roster often), the classes from a second.
    pub async fn roster(
        &self,
        owner: super::classes::ClassOwner<'_>,
        now: &str,
    ) -> Result<Vec<RosterStudent>, sqlx::Error> {
        let records: Vec<RosterRecord> = sqlx::query_as(
            "SELECT guid, student_id, first_name, last_name, grade, username,
                 CAST(CASE WHEN password_hash IS NULL THEN 0 ELSE 1 END AS BIGINT) AS has_password,
                 password_temporary, password_expires_at
             FROM students WHERE school_id = $1 ORDER BY position, guid",
        )
        .bind(owner.school)
        .fetch_all(&self.pool)
        .await?;
        let mut students: Vec<_> = records.iter().map(|r| r.student.clone()).collect();
        self.with_classes(owner, &mut students).await?;
        Ok(students
            .into_iter()
            .zip(records)
            .map(|(student, record)| {
                let state = password_state(
                    record.has_password != 0,
                    record.password_temporary != 0,
                    record.password_expires_at.as_deref(),
                    now,
                );
                let mut student = RosterStudent::from(student);
                student.password = state;
                student.password_expires_at = record
                    .password_expires_at
                    .filter(|_| state != PasswordState::Own);
                student
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
