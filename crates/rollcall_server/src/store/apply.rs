//! Applying one row of an upload inside the worker's batch transaction: the student's change
//! and the row's new state commit together, so a row is applied exactly once, even if the
//! server stops in between (an interrupted batch is rolled back whole and its rows are still
//! pending after a restart). Before anything is written the worker takes the row with
//! [`Store::take_row`], a conditional UPDATE from `pending` in the same transaction: a row
//! another process applied or failed already is left alone. A row is all or nothing: its
//! student is written by one statement, which either succeeds or, on a unique constraint
//! (username, Student ID), changes nothing.

use std::collections::{BTreeMap, HashMap};

use rollcall_core::Field;
use sqlx::AnyConnection;

use super::classes::ClassOwner;
use super::uploads::RowState;
use super::{Store, StudentRecord};

/// Why a row could not be applied after all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conflict {
    /// No student of the school has this GUID (any more).
    UnknownGuid(String),
    /// The student changed since the export; their name.
    Stale(String),
    UsernameTaken(String),
    StudentIdTaken(String),
}

/// An update read and applied in memory, ready to be written.
#[derive(Debug, Clone)]
pub struct PreparedUpdate {
    /// The student as the update leaves them.
    pub student: StudentRecord,
    /// Whether the username or Student ID changes (the write may then meet a unique
    /// constraint, and runs under a savepoint).
    pub unique_changed: bool,
    /// Whether the update sets any field of the student's record (not only classes).
    pub changed: bool,
}

/// A new student's password: its hash, and the temporary password when one was generated.
pub struct NewPassword {
    pub hash: String,
    pub temporary: Option<String>,
}

/// Where the search for a free generated username starts, per lower-case base (`first.last`):
/// one past the suffix last given out. Kept for one upload, so that many new students named
/// alike cost one short look-up each instead of a walk over every name already taken.
#[derive(Debug, Default)]
pub struct UsernameHints(std::sync::Mutex<HashMap<String, i64>>);

impl UsernameHints {
    pub(super) fn start(&self, key: &str) -> i64 {
        let hints = self.0.lock().unwrap_or_else(|e| e.into_inner());
        hints.get(key).copied().unwrap_or(1)
    }

    pub(super) fn given(&self, key: String, n: i64) {
        let mut hints = self.0.lock().unwrap_or_else(|e| e.into_inner());
        hints.insert(key, n + 1);
    }
}

/// How long a generated temporary password lasts.
pub const TEMPORARY_DAYS: u64 = 90;

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
pub(crate) fn unique_conflict(
    written: &Result<sqlx::any::AnyQueryResult, sqlx::Error>,
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

/// `set` applied to the student an update is for (`found`, looked up by `guid`), or why it
/// cannot be.
pub fn prepared(
    guid: &str,
    found: Option<StudentRecord>,
    base: Option<&str>,
    set: &BTreeMap<Field, String>,
) -> Result<PreparedUpdate, Conflict> {
    let Some(mut student) = found else {
        return Err(Conflict::UnknownGuid(guid.to_owned()));
    };
    if base.is_some_and(|base| base != student.fingerprint()) {
        return Err(Conflict::Stale(format!(
            "{} {}",
            student.first_name, student.last_name
        )));
    }
    let before = (student.username.clone(), student.student_id.clone());
    for (field, value) in set {
        match field {
            Field::StudentId => student.student_id = Some(value.clone()).filter(|v| !v.is_empty()),
            Field::FirstName => student.first_name = value.clone(),
            Field::LastName => student.last_name = value.clone(),
            Field::Grade => student.grade = value.clone(),
            Field::Username => student.username = value.clone(),
            Field::Guid | Field::Password | Field::Classes => {}
        }
    }
    // Only a new username or Student ID can meet a unique constraint.
    let unique_changed = before != (student.username.clone(), student.student_id.clone());
    Ok(PreparedUpdate {
        student,
        unique_changed,
        changed: set.keys().any(|&field| field != Field::Guid),
    })
}

/// Marks the point a row's student write can be undone to. On PostgreSQL a failed statement
/// spoils its whole transaction, so a unique violation, which fails only its own row, is rolled
/// back to here and the batch goes on; SQLite is treated the same way.
pub(crate) async fn savepoint(tx: &mut AnyConnection) -> Result<(), sqlx::Error> {
    sqlx::raw_sql("SAVEPOINT student_write")
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Ends the savepoint of [`savepoint`], undoing the write first when `undo`.
pub(crate) async fn back_to_savepoint(
    tx: &mut AnyConnection,
    undo: bool,
) -> Result<(), sqlx::Error> {
    if undo {
        sqlx::raw_sql("ROLLBACK TO SAVEPOINT student_write")
            .execute(&mut *tx)
            .await?;
    }
    sqlx::raw_sql("RELEASE SAVEPOINT student_write")
        .execute(&mut *tx)
        .await?;
    Ok(())
}

impl Store {
    /// Takes a pending row for the caller's transaction: marks it applied (forgetting its op)
    /// by an UPDATE that only changes a `pending` row. `false` when it was not pending any more
    /// (another process applied or failed it): then the row must be left alone.
    pub async fn take_row(
        tx: &mut AnyConnection,
        upload: &str,
        row: u32,
    ) -> Result<bool, sqlx::Error> {
        let taken = sqlx::query(
            "UPDATE upload_rows SET state = $3, op = NULL
             WHERE upload_id = $1 AND row = $2 AND state = $4",
        )
        .bind(upload)
        .bind(i64::from(row))
        .bind(RowState::Applied.as_str())
        .bind(RowState::Pending.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        Ok(taken == 1)
    }

    /// A taken row that could not be applied after all: failed, with its messages.
    pub async fn fail_taken_row(
        tx: &mut AnyConnection,
        upload: &str,
        row: u32,
        errors: &[crate::row_problem::RowProblem],
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE upload_rows SET state = $4, op = NULL, result = NULL, replaced = NULL,
                 errors = $3
             WHERE upload_id = $1 AND row = $2",
        )
        .bind(upload)
        .bind(i64::from(row))
        .bind(serde_json::to_string(errors).unwrap_or_default())
        .bind(RowState::Failed.as_str())
        .execute(&mut *tx)
        .await?;
        Ok(())
    }

    /// The export row of a taken row, as the Completed File shows it.
    pub(super) async fn set_result(
        tx: &mut AnyConnection,
        upload: &str,
        row: u32,
        result: &[String],
    ) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE upload_rows SET result = $3 WHERE upload_id = $1 AND row = $2")
            .bind(upload)
            .bind(i64::from(row))
            .bind(serde_json::to_string(result).unwrap_or_default())
            .execute(&mut *tx)
            .await?;
        Ok(())
    }

    /// The students of `school` with these GUIDs (any case), by lower-case GUID, in one query.
    pub async fn students_by_guid(
        tx: &mut AnyConnection,
        school: &str,
        guids: &[&str],
    ) -> Result<HashMap<String, StudentRecord>, sqlx::Error> {
        if guids.is_empty() {
            return Ok(HashMap::new());
        }
        let sql = format!(
            "SELECT guid, student_id, first_name, last_name, grade, username
             FROM students WHERE school_id = $1 AND guid IN ({})",
            super::bulk::list(2, guids.len())
        );
        let sql = super::bulk::sql(tx, sql);
        let mut query = sqlx::query_as::<_, StudentRecord>(sqlx::AssertSqlSafe(sql)).bind(school);
        for guid in guids {
            query = query.bind(guid.to_lowercase());
        }
        let rows = query.fetch_all(&mut *tx).await?;
        Ok(rows
            .into_iter()
            .map(|student| (student.guid.to_lowercase(), student))
            .collect())
    }

    /// Writes a prepared update (and the new password hash, if any); a unique constraint it
    /// meets changes nothing and is returned.
    pub async fn write_update(
        tx: &mut AnyConnection,
        update: &PreparedUpdate,
        password_hash: Option<&str>,
        now: &str,
    ) -> Result<Result<(), Conflict>, sqlx::Error> {
        let student = &update.student;
        if update.unique_changed {
            savepoint(tx).await?;
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
        let conflict = unique_conflict(&written, student);
        if conflict.is_none() {
            written?;
        }
        if update.unique_changed {
            back_to_savepoint(tx, conflict.is_some()).await?;
        }
        Ok(conflict.map_or(Ok(()), Err))
    }

    /// The result of a taken row applied without a change (the student already had these
    /// values): the student of `school` with this GUID as exported, or an empty row.
    pub async fn applied_unchanged(
        conn: &mut AnyConnection,
        upload: &str,
        row: u32,
        owner: ClassOwner<'_>,
        guid: Option<&str>,
    ) -> Result<(), sqlx::Error> {
        let tx = conn;
        let result = match guid {
            Some(guid) => {
                let found: Option<StudentRecord> = sqlx::query_as(
                    "SELECT guid, student_id, first_name, last_name, grade, username FROM students
                     WHERE guid = $1 AND school_id = $2",
                )
                .bind(guid.to_lowercase())
                .bind(owner.school)
                .fetch_optional(&mut *tx)
                .await?;
                match found {
                    Some(mut student) => {
                        let mut held = Self::classes_by_guid(tx, owner, &[guid]).await?;
                        student.classes = held.remove(&guid.to_lowercase()).unwrap_or_default();
                        Some(student.export_cells(""))
                    }
                    None => None,
                }
            }
            None => None,
        };
        Self::set_result(tx, upload, row, &result.unwrap_or_default()).await
    }
}
