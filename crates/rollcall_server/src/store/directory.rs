//! Districts, schools and teachers, and which schools a teacher teaches in.

use super::{School, Store, Teacher};

/// A teacher as read (`id`, `email`, `name`), as the API shows one.
#[derive(Debug, sqlx::FromRow)]
pub(super) struct TeacherRecord {
    id: String,
    email: String,
    name: String,
}

impl From<TeacherRecord> for Teacher {
    fn from(record: TeacherRecord) -> Teacher {
        Teacher {
            id: record.id,
            email: record.email,
            name: record.name,
        }
    }
}

/// A teacher and the password hash.
#[derive(Debug, sqlx::FromRow)]
struct TeacherWithHash {
    #[sqlx(flatten)]
    teacher: TeacherRecord,
    password_hash: String,
}

/// A school as read (`id`, `name`).
#[derive(Debug, sqlx::FromRow)]
struct SchoolRecord {
    id: String,
    name: String,
}

impl From<SchoolRecord> for School {
    fn from(record: SchoolRecord) -> School {
        School {
            id: record.id,
            name: record.name,
        }
    }
}

impl Store {
    pub async fn district_exists(&self, id: &str) -> Result<bool, sqlx::Error> {
        let found: Option<String> = sqlx::query_scalar("SELECT id FROM districts WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(found.is_some())
    }

    pub async fn insert_district(&self, id: &str, name: &str) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT INTO districts (id, name) VALUES ($1, $2)")
            .bind(id)
            .bind(name)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn insert_school(
        &self,
        id: &str,
        district: &str,
        name: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT INTO schools (id, district_id, name) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(district)
            .bind(name)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Inserts a teacher, or sets the password of the teacher with this email.
    pub async fn upsert_teacher(
        &self,
        id: &str,
        email: &str,
        name: &str,
        password_hash: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO teachers (id, email, name, password_hash) VALUES ($1, $2, $3, $4)
             ON CONFLICT (email) DO UPDATE SET password_hash = excluded.password_hash",
        )
        .bind(id)
        .bind(email)
        .bind(name)
        .bind(password_hash)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn add_teacher_to_school(
        &self,
        teacher: &str,
        school: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO teacher_schools (teacher_id, school_id) VALUES ($1, $2)
             ON CONFLICT DO NOTHING",
        )
        .bind(teacher)
        .bind(school)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The teacher with this email (any case) and their password hash.
    pub async fn teacher_by_email(
        &self,
        email: &str,
    ) -> Result<Option<(Teacher, String)>, sqlx::Error> {
        let row: Option<TeacherWithHash> = sqlx::query_as(
            "SELECT id, email, name, password_hash FROM teachers WHERE lower(email) = lower($1)",
        )
        .bind(email)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|row| (row.teacher.into(), row.password_hash)))
    }

    /// The schools a teacher works in, by name.
    pub async fn schools_of(&self, teacher: &str) -> Result<Vec<School>, sqlx::Error> {
        let rows: Vec<SchoolRecord> = sqlx::query_as(
            "SELECT s.id, s.name FROM schools s JOIN teacher_schools t ON t.school_id = s.id
             WHERE t.teacher_id = $1 ORDER BY s.name",
        )
        .bind(teacher)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(School::from).collect())
    }

    /// The school, if the teacher works in it.
    pub async fn school_of(
        &self,
        teacher: &str,
        school: &str,
    ) -> Result<Option<School>, sqlx::Error> {
        let row: Option<SchoolRecord> = sqlx::query_as(
            "SELECT s.id, s.name FROM schools s JOIN teacher_schools t ON t.school_id = s.id
             WHERE t.teacher_id = $1 AND s.id = $2",
        )
        .bind(teacher)
        .bind(school)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(School::from))
    }

    /// The district a school belongs to.
    pub async fn district_of(&self, school: &str) -> Result<String, sqlx::Error> {
        sqlx::query_scalar("SELECT district_id FROM schools WHERE id = $1")
            .bind(school)
            .fetch_one(&self.pool)
            .await
    }

    // Sessions.
}
