//! Creating a student from an upload row, inside the worker's batch transaction: a username
//! generated from the name when none is given (the first free one, found with the upload's
//! [`UsernameHints`]), the new student written under a savepoint, then their classes and the
//! row's export line with the temporary password.

use rollcall_core::{Field, Values};
use sqlx::AnyConnection;

use super::apply::{
    Conflict, NewPassword, TEMPORARY_DAYS, UsernameHints, back_to_savepoint, savepoint,
    unique_conflict, username_base,
};
use super::classes::{ClassIds, ClassOwner};
use super::{Store, StudentRecord};

/// How many free-looking generated usernames a new student tries before the row fails.
const GENERATED_ATTEMPTS: u32 = 20;

impl Store {
    /// The first free generated username for `base` (`first.last`, then `first.last2`, …),
    /// found by one statement: a recursive query that starts at the suffix `hints` remembers
    /// for this base and steps up while the name is taken (through the unique index on
    /// `username_key`). Names given out earlier in the upload are therefore not probed again,
    /// and 10,000 new students named alike take linear time.
    pub async fn free_username(
        tx: &mut AnyConnection,
        base: &str,
        hints: &UsernameHints,
    ) -> Result<String, sqlx::Error> {
        let key = base.to_lowercase();
        let start = hints.start(&key);
        let n: i64 = sqlx::query_scalar(
            "WITH RECURSIVE candidate(n) AS (
                 SELECT CAST($2 AS BIGINT)
                 UNION ALL
                 SELECT n + 1 FROM candidate
                 WHERE EXISTS (
                     SELECT 1 FROM students
                     WHERE username_key = CASE WHEN n = 1 THEN $1 ELSE $1 || n END
                 )
             )
             SELECT MAX(n) FROM candidate",
        )
        .bind(&key)
        .bind(start)
        .fetch_one(&mut *tx)
        .await?;
        hints.given(key, n);
        Ok(if n == 1 {
            base.to_owned()
        } else {
            format!("{base}{n}")
        })
    }

    /// Creates a student, generating a username from the name when none is given; returns the
    /// export row, its Password cell holding the temporary password if one was generated.
    #[allow(clippy::too_many_arguments)]
    pub async fn apply_create(
        conn: &mut AnyConnection,
        upload: &str,
        row: u32,
        school: &str,
        district: &str,
        values: &Values,
        password: &NewPassword,
        now: std::time::SystemTime,
        usernames: &UsernameHints,
        (owner, class_ids): (ClassOwner<'_>, &mut ClassIds),
    ) -> Result<Result<Vec<String>, Conflict>, sqlx::Error> {
        let value = |field: Field| values.get(field).unwrap_or_default().to_owned();
        let tx = conn;
        let mut student = StudentRecord {
            guid: uuid::Uuid::new_v4().to_string(),
            student_id: Some(value(Field::StudentId)).filter(|v| !v.is_empty()),
            first_name: value(Field::FirstName),
            last_name: value(Field::LastName),
            grade: value(Field::Grade),
            username: value(Field::Username),
            classes: Vec::new(),
        };
        let generated = student
            .username
            .is_empty()
            .then(|| username_base(&student.first_name, &student.last_name));
        let position: i64 = sqlx::query_scalar(
            "SELECT COALESCE(MAX(position), 0) + 1 FROM students WHERE school_id = $1",
        )
        .bind(school)
        .fetch_one(&mut *tx)
        .await?;
        let stamp = crate::clock::rfc3339_seconds;
        let expires = password
            .temporary
            .as_ref()
            .map(|_| stamp(now + std::time::Duration::from_secs(TEMPORARY_DAYS * 24 * 60 * 60)));
        // A generated name another transaction took after it was found free (on PostgreSQL,
        // another process's upload, committed or not) is given up for the next free one.
        let mut attempts = 0;
        let conflict = loop {
            if let Some(base) = &generated {
                student.username = Self::free_username(tx, base, usernames).await?;
            }
            let conflict = Self::insert_created(
                tx,
                &student,
                school,
                district,
                password,
                expires.as_deref(),
                position,
                &stamp(now),
            )
            .await?;
            attempts += 1;
            match conflict {
                Some(Conflict::UsernameTaken(_))
                    if generated.is_some() && attempts < GENERATED_ATTEMPTS => {}
                conflict => break conflict,
            }
        };
        if let Some(conflict) = conflict {
            return Ok(Err(conflict));
        }
        if let Some(classes) = &values.classes {
            let now = stamp(now);
            Self::set_classes(tx, owner, &student.guid, classes, class_ids, &now).await?;
            student.classes = classes.clone();
        }
        let result = student.export_cells(password.temporary.as_deref().unwrap_or(""));
        Self::set_result(tx, upload, row, &result).await?;
        if password.temporary.is_some() {
            // The text is erased from this row once the password can no longer be used.
            sqlx::query(
                "UPDATE upload_rows SET temporary_for = $3 WHERE upload_id = $1 AND row = $2",
            )
            .bind(upload)
            .bind(i64::from(row))
            .bind(&student.guid)
            .execute(&mut *tx)
            .await?;
        }
        Ok(Ok(result))
    }

    /// Inserts a new student under a savepoint; a unique constraint it meets changes nothing
    /// and is returned.
    #[allow(clippy::too_many_arguments)]
    async fn insert_created(
        tx: &mut AnyConnection,
        student: &StudentRecord,
        school: &str,
        district: &str,
        password: &NewPassword,
        expires: Option<&str>,
        position: i64,
        now: &str,
    ) -> Result<Option<Conflict>, sqlx::Error> {
        savepoint(tx).await?;
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
        .bind(now)
        .execute(&mut *tx)
        .await;
        let conflict = unique_conflict(&written, student);
        if conflict.is_none() {
            written?;
        }
        back_to_savepoint(tx, conflict.is_some()).await?;
        Ok(conflict)
    }
}
