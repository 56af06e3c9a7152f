//! Applying one row of an upload inside the worker's batch transaction: the student's change
//! and the row's new state commit together, so a row is applied exactly once, even if the
//! server stops in between (an interrupted batch is rolled back whole and its rows are still
//! pending after a restart). A row is all or nothing: its student is written by one statement,
//! which either succeeds or, on a unique constraint (username, Student ID), changes nothing.

use std::collections::BTreeMap;

use rollcall_core::Field;
use sqlx::{Row, SqliteConnection};

use super::{Store, StudentRecord};

/// Why a row could not be applied after all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conflict {
    UnknownGuid,
    /// The student changed since the export; their name.
    Stale(String),
    UsernameTaken(String),
    StudentIdTaken(String),
}

/// A new student's password: its hash, and the temporary password when one was generated.
pub struct NewPassword {
    pub hash: String,
    pub temporary: Option<String>,
}

/// How long a generated temporary password lasts.
const TEMPORARY_DAYS: u64 = 90;

/// A username from a name: lower-case ASCII letters and digits, `first.last`.
pub fn username_base(first: &str, last: &str) -> String {
    let part = |name: &str| -> String {
        rollcall_core::roster::fold_name(name)
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect()
    };
    match (part(first), part(last)) {
        (first, last) if !first.is_empty() && !last.is_empty() => format!("{first}.{last}"),
        (first, last) if !first.is_empty() || !last.is_empty() => format!("{first}{last}"),
        _ => "student".to_owned(),
    }
}

/// The conflict a unique constraint reported when a student was written, if any.
fn unique_conflict(
    written: &Result<sqlx::sqlite::SqliteQueryResult, sqlx::Error>,
    student: &StudentRecord,
) -> Option<Conflict> {
    let Err(sqlx::Error::Database(error)) = written else {
        return None;
    };
    if !error.is_unique_violation() {
        return None;
    }
    if error.message().contains("username_key") {
        Some(Conflict::UsernameTaken(student.username.clone()))
    } else if error.message().contains("student_id") {
        Some(Conflict::StudentIdTaken(
            student.student_id.clone().unwrap_or_default(),
        ))
    } else {
        None
    }
}

impl Store {
    async fn mark_applied(
        tx: &mut SqliteConnection,
        upload: &str,
        row: u32,
        result: &[String],
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE upload_rows SET state = 'applied', op = NULL, result = $3
             WHERE upload_id = $1 AND row = $2",
        )
        .bind(upload)
        .bind(i64::from(row))
        .bind(serde_json::to_string(result).unwrap_or_default())
        .execute(&mut *tx)
        .await?;
        Ok(())
    }

    async fn username_holder(
        tx: &mut SqliteConnection,
        username: &str,
        except: &str,
    ) -> Result<bool, sqlx::Error> {
        let found: Option<String> =
            sqlx::query_scalar("SELECT guid FROM students WHERE username_key = $1 AND guid <> $2")
                .bind(username.to_lowercase())
                .bind(except)
                .fetch_optional(&mut *tx)
                .await?;
        Ok(found.is_some())
    }

    /// Applies an update; returns the student's export row after it.
    #[allow(clippy::too_many_arguments)]
    pub async fn apply_update(
        conn: &mut SqliteConnection,
        upload: &str,
        row: u32,
        school: &str,
        guid: &str,
        base: Option<&str>,
        set: &BTreeMap<Field, String>,
        password_hash: Option<&str>,
        now: &str,
    ) -> Result<Result<Vec<String>, Conflict>, sqlx::Error> {
        let tx = conn;
        let found = sqlx::query(
            "SELECT guid, student_id, first_name, last_name, grade, username
             FROM students WHERE school_id = $1 AND guid = $2",
        )
        .bind(school)
        .bind(guid.to_lowercase())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(found) = found else {
            return Ok(Err(Conflict::UnknownGuid));
        };
        let mut student = super::student(&found);
        if base.is_some_and(|base| base != student.fingerprint()) {
            return Ok(Err(Conflict::Stale(format!(
                "{} {}",
                student.first_name, student.last_name
            ))));
        }
        for (field, value) in set {
            match field {
                Field::StudentId => {
                    student.student_id = Some(value.clone()).filter(|v| !v.is_empty())
                }
                Field::FirstName => student.first_name = value.clone(),
                Field::LastName => student.last_name = value.clone(),
                Field::Grade => student.grade = value.clone(),
                Field::Username => student.username = value.clone(),
                Field::Guid | Field::Password => {}
            }
        }
        let written = sqlx::query(
            "UPDATE students SET student_id = $2, first_name = $3, last_name = $4, grade = $5,
                 username = $6, username_key = $7, updated_at = $8,
                 password_hash = COALESCE($9, password_hash),
                 password_temporary = CASE WHEN $9 IS NULL THEN password_temporary ELSE 0 END,
                 password_expires_at = CASE WHEN $9 IS NULL THEN password_expires_at ELSE NULL END
             WHERE guid = $1",
        )
        .bind(&student.guid)
        .bind(&student.student_id)
        .bind(&student.first_name)
        .bind(&student.last_name)
        .bind(&student.grade)
        .bind(&student.username)
        .bind(student.username.to_lowercase())
        .bind(now)
        .bind(password_hash)
        .execute(&mut *tx)
        .await;
        if let Some(conflict) = unique_conflict(&written, &student) {
            return Ok(Err(conflict));
        }
        written?;
        let result = student.export_cells("");
        Self::mark_applied(tx, upload, row, &result).await?;
        Ok(Ok(result))
    }

    /// Creates a student, generating a username from the name when none is given; returns the
    /// export row, its Password cell holding the temporary password if one was generated.
    #[allow(clippy::too_many_arguments)]
    pub async fn apply_create(
        conn: &mut SqliteConnection,
        upload: &str,
        row: u32,
        school: &str,
        district: &str,
        values: &BTreeMap<Field, String>,
        password: &NewPassword,
        now: std::time::SystemTime,
    ) -> Result<Result<Vec<String>, Conflict>, sqlx::Error> {
        let value = |field: Field| values.get(&field).cloned().unwrap_or_default();
        let tx = conn;
        let mut student = StudentRecord {
            guid: uuid::Uuid::new_v4().to_string(),
            student_id: Some(value(Field::StudentId)).filter(|v| !v.is_empty()),
            first_name: value(Field::FirstName),
            last_name: value(Field::LastName),
            grade: value(Field::Grade),
            username: value(Field::Username),
        };
        if student.username.is_empty() {
            let base = username_base(&student.first_name, &student.last_name);
            let mut n = 1;
            loop {
                let candidate = if n == 1 {
                    base.clone()
                } else {
                    format!("{base}{n}")
                };
                if !Self::username_holder(tx, &candidate, "").await? {
                    student.username = candidate;
                    break;
                }
                n += 1;
            }
        }
        let position: i64 = sqlx::query_scalar(
            "SELECT COALESCE(MAX(position), 0) + 1 FROM students WHERE school_id = $1",
        )
        .bind(school)
        .fetch_one(&mut *tx)
        .await?;
        let stamp = |t: std::time::SystemTime| humantime::format_rfc3339_seconds(t).to_string();
        let expires = password
            .temporary
            .as_ref()
            .map(|_| stamp(now + std::time::Duration::from_secs(TEMPORARY_DAYS * 24 * 60 * 60)));
        let written = sqlx::query(
            "INSERT INTO students (guid, school_id, district_id, student_id, first_name, last_name,
                 grade, username, username_key, password_hash, password_temporary,
                 password_expires_at, position, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        )
        .bind(&student.guid)
        .bind(school)
        .bind(district)
        .bind(&student.student_id)
        .bind(&student.first_name)
        .bind(&student.last_name)
        .bind(&student.grade)
        .bind(&student.username)
        .bind(student.username.to_lowercase())
        .bind(&password.hash)
        .bind(i64::from(password.temporary.is_some()))
        .bind(expires)
        .bind(position)
        .bind(stamp(now))
        .execute(&mut *tx)
        .await;
        if let Some(conflict) = unique_conflict(&written, &student) {
            return Ok(Err(conflict));
        }
        written?;
        let result = student.export_cells(password.temporary.as_deref().unwrap_or(""));
        Self::mark_applied(tx, upload, row, &result).await?;
        Ok(Ok(result))
    }

    /// Marks a row applied without a change (the student already had these values).
    pub async fn applied_unchanged(
        conn: &mut SqliteConnection,
        upload: &str,
        row: u32,
        guid: Option<&str>,
    ) -> Result<(), sqlx::Error> {
        let tx = conn;
        let result = match guid {
            Some(guid) => {
                let found = sqlx::query(
                    "SELECT guid, student_id, first_name, last_name, grade, username FROM students
                     WHERE guid = $1",
                )
                .bind(guid.to_lowercase())
                .fetch_optional(&mut *tx)
                .await?;
                found.map(|row| super::student(&row).export_cells(""))
            }
            None => None,
        };
        Self::mark_applied(tx, upload, row, &result.unwrap_or_default()).await
    }

    /// A student's password hash and whether it is temporary (for tests and sign-in later).
    pub async fn student_password(
        &self,
        guid: &str,
    ) -> Result<Option<(Option<String>, bool, Option<String>)>, sqlx::Error> {
        let row = sqlx::query("SELECT password_hash, password_temporary, password_expires_at FROM students WHERE guid = $1")
            .bind(guid)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|row| {
            (
                row.get("password_hash"),
                row.get::<i64, _>("password_temporary") != 0,
                row.get("password_expires_at"),
            )
        }))
    }
}
