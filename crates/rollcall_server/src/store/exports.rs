//! Export Students downloads: each one's id and rows as exported, for the page's original.

use super::{Store, StudentRecord, sequence};

/// One Export Students download, as the page lists them.
pub use rollcall_protocol::ExportSummary;

/// An export as listed.
#[derive(Debug, sqlx::FromRow)]
struct ExportRecord {
    id: String,
    format: String,
    created_at: String,
}

/// A row of an export as stored: the student and their classes as the Classes cell read.
#[derive(Debug, sqlx::FromRow)]
struct ExportRow {
    #[sqlx(flatten)]
    student: StudentRecord,
    classes: String,
}

impl From<ExportRow> for StudentRecord {
    fn from(row: ExportRow) -> StudentRecord {
        let (names, _) = rollcall_core::rules::classes::names(&row.classes);
        StudentRecord {
            classes: names.into_iter().map(|name| name.into_owned()).collect(),
            ..row.student
        }
    }
}

impl Store {
    /// Records an export and its snapshot rows (row 2 onwards, as in the file).
    pub async fn insert_export(
        &self,
        id: &str,
        school: &str,
        teacher: &str,
        format: &str,
        created_at: &str,
        students: &[StudentRecord],
    ) -> Result<(), sqlx::Error> {
        let mut tx = self.begin_write().await?;
        sqlx::query("INSERT INTO exports (id, school_id, teacher_id, format, created_at, seq) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(id)
            .bind(school)
            .bind(teacher)
            .bind(format)
            .bind(created_at)
            .bind(sequence(&self.clock))
            .execute(&mut *tx)
            .await?;
        for (i, s) in students.iter().enumerate() {
            sqlx::query(
                "INSERT INTO export_rows (export_id, row, guid, student_id, first_name, last_name, grade,
                     username, fingerprint, classes)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(id)
            .bind(i as i64 + 2)
            .bind(&s.guid)
            .bind(&s.student_id)
            .bind(&s.first_name)
            .bind(&s.last_name)
            .bind(&s.grade)
            .bind(&s.username)
            .bind(s.fingerprint())
            .bind(super::classes::classes_cell(s))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await
    }

    /// An export's rows as exported, if the export belongs to `school`.
    pub async fn export_rows(
        &self,
        school: &str,
        export: &str,
    ) -> Result<Option<Vec<StudentRecord>>, sqlx::Error> {
        let found: Option<String> =
            sqlx::query_scalar("SELECT id FROM exports WHERE id = $1 AND school_id = $2")
                .bind(export)
                .bind(school)
                .fetch_optional(&self.pool)
                .await?;
        if found.is_none() {
            return Ok(None);
        }
        let rows: Vec<ExportRow> = sqlx::query_as(
            "SELECT guid, student_id, first_name, last_name, grade, username, classes
             FROM export_rows WHERE export_id = $1 ORDER BY row",
        )
        .bind(export)
        .fetch_all(&self.pool)
        .await?;
        Ok(Some(rows.into_iter().map(StudentRecord::from).collect()))
    }

    /// A teacher's exports of a school, newest first.
    pub async fn exports_of(
        &self,
        school: &str,
        teacher: &str,
        limit: i64,
    ) -> Result<Vec<ExportSummary>, sqlx::Error> {
        let rows: Vec<ExportRecord> = sqlx::query_as(
            "SELECT id, format, created_at FROM exports WHERE school_id = $1 AND teacher_id = $2
             ORDER BY created_at DESC, seq DESC, id DESC LIMIT $3",
        )
        .bind(school)
        .bind(teacher)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|row| ExportSummary {
                id: row.id,
                format: row.format,
                created_at: row.created_at,
            })
            .collect())
    }
}
