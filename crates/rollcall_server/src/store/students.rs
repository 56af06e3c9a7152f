//! The students of a school as the store holds them, and reading and writing them.

use rollcall_core::{SheetRow, StudentIndex};

use super::Store;

/// A student as stored (the password hash stays in the store).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StudentRecord {
    pub guid: String,
    pub student_id: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub grade: String,
    pub username: String,
    /// The classes of one teacher the student is in (see [`Store::with_classes`]); empty
    /// until asked for.
    #[sqlx(skip)]
    pub classes: Vec<String>,
}

impl From<StudentRecord> for rollcall_protocol::RosterStudent {
    fn from(record: StudentRecord) -> rollcall_protocol::RosterStudent {
        let StudentRecord {
            guid,
            student_id,
            first_name,
            last_name,
            grade,
            username,
            classes,
        } = record;
        rollcall_protocol::RosterStudent {
            guid,
            student_id,
            first_name,
            last_name,
            grade,
            username,
            classes,
            password: rollcall_protocol::PasswordState::Unset,
            password_expires_at: None,
        }
    }
}

impl StudentRecord {
    /// The core's view of this student, as the export at `row` shows it.
    pub fn to_core(&self, export_row: Option<SheetRow>) -> rollcall_core::Student {
        rollcall_core::Student {
            guid: self.guid.clone(),
            export_row,
            student_id: self.student_id.clone(),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            grade: self.grade.clone(),
            username: Some(self.username.clone()),
            classes: self.classes.clone(),
        }
    }

    /// The student as a row of an export (SPEC column order), with `password` in the Password
    /// column: empty in exports, a generated temporary password in a Completed File.
    pub fn export_cells(&self, password: &str) -> Vec<String> {
        vec![
            self.guid.clone(),
            self.student_id.clone().unwrap_or_default(),
            self.first_name.clone(),
            self.last_name.clone(),
            self.grade.clone(),
            self.username.clone(),
            password.to_owned(),
            super::classes::classes_cell(self),
        ]
    }

    /// The change-set `base` of this student (rollcall_core's fingerprint).
    pub fn fingerprint(&self) -> String {
        let roster = rollcall_core::Roster::new(&[self.to_core(None)]);
        rollcall_core::fingerprint(&roster.student(StudentIndex::new(0)))
    }
}

/// A student's password as stored: its hash, whether it is temporary (0 or 1), and when a
/// temporary one expires.
#[derive(Debug, sqlx::FromRow)]
struct PasswordRecord {
    password_hash: Option<String>,
    password_temporary: i64,
    password_expires_at: Option<String>,
}

/// A new student to insert.
#[derive(Debug, Clone)]
pub struct NewStudent {
    pub record: StudentRecord,
    pub password_hash: Option<String>,
}

impl Store {
    /// A school's students in roster order, each with the teacher's classes.
    pub async fn students_of(
        &self,
        owner: super::classes::ClassOwner<'_>,
    ) -> Result<Vec<StudentRecord>, sqlx::Error> {
        let mut students = self.students(owner.school).await?;
        self.with_classes(owner, &mut students).await?;
        Ok(students)
    }

    /// How many students a school has.
    pub async fn student_count(&self, school: &str) -> Result<usize, sqlx::Error> {
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM students WHERE school_id = $1")
            .bind(school)
            .fetch_one(&self.pool)
            .await?;
        Ok(usize::try_from(count).unwrap_or(0))
    }

    /// A school's students in roster order.
    pub async fn students(&self, school: &str) -> Result<Vec<StudentRecord>, sqlx::Error> {
        sqlx::query_as(
            "SELECT guid, student_id, first_name, last_name, grade, username FROM students
             WHERE school_id = $1 ORDER BY position, guid",
        )
        .bind(school)
        .fetch_all(&self.pool)
        .await
    }

    pub async fn insert_students(
        &self,
        school: &str,
        district: &str,
        students: &[NewStudent],
        now: &str,
    ) -> Result<(), sqlx::Error> {
        let mut tx = self.begin_write().await?;
        let next: i64 = sqlx::query_scalar(
            "SELECT COALESCE(MAX(position), 0) + 1 FROM students WHERE school_id = $1",
        )
        .bind(school)
        .fetch_one(&mut *tx)
        .await?;
        for (i, new) in students.iter().enumerate() {
            let s = &new.record;
            sqlx::query(
                "INSERT INTO students (guid, school_id, district_id, student_id, first_name, last_name,
                     grade, username, username_key, password_hash, position, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            )
            .bind(s.guid.to_lowercase())
            .bind(school)
            .bind(district)
            .bind(&s.student_id)
            .bind(&s.first_name)
            .bind(&s.last_name)
            .bind(&s.grade)
            .bind(&s.username)
            .bind(s.username.to_lowercase())
            .bind(&new.password_hash)
            .bind(next + i as i64)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await
    }

    /// Which of these usernames (compared in lower case) belong to students outside `school`.
    pub async fn usernames_taken_outside(
        &self,
        school: &str,
        usernames: &[String],
    ) -> Result<Vec<String>, sqlx::Error> {
        let mut taken = Vec::new();
        for username in usernames {
            let found: Option<String> = sqlx::query_scalar(
                "SELECT guid FROM students WHERE username_key = $1 AND school_id <> $2",
            )
            .bind(username.to_lowercase())
            .bind(school)
            .fetch_optional(&self.pool)
            .await?;
            if found.is_some() {
                taken.push(username.clone());
            }
        }
        Ok(taken)
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

    /// A student's password hash and whether it is temporary (for tests and sign-in later).
    pub async fn student_password(
        &self,
        guid: &str,
    ) -> Result<Option<(Option<String>, bool, Option<String>)>, sqlx::Error> {
        let row: Option<PasswordRecord> = sqlx::query_as(
            "SELECT password_hash, password_temporary, password_expires_at FROM students
             WHERE guid = $1",
        )
        .bind(guid)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|row| {
            (
                row.password_hash,
                row.password_temporary != 0,
                row.password_expires_at,
            )
        }))
    }
}
