//! Export Students downloads: each one's id and rows as exported, for the page's original.
//! An export keeps its rows as the CSV the page is sent; exports stored before that keep them
//! in `export_rows`, a row each.

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

/// An export's rows as exported: the CSV kept when it was made, or, for an export stored
/// before exports kept one, its rows.
pub enum ExportSnapshot {
    Csv(String),
    Rows(Vec<StudentRecord>),
}

impl Store {
    /// Records an export and its rows as CSV (`snapshot`, the answer of `GET …/exports/{id}`).
    pub async fn insert_export(
        &self,
        id: &str,
        school: &str,
        teacher: &str,
        format: &str,
        created_at: &str,
        snapshot: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO exports (id, school_id, teacher_id, format, created_at, seq, snapshot)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(school)
        .bind(teacher)
        .bind(format)
        .bind(created_at)
        .bind(sequence(&self.clock))
        .bind(snapshot)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// An export's rows as exported, if the export belongs to `school`.
    pub async fn export_snapshot(
        &self,
        school: &str,
        export: &str,
    ) -> Result<Option<ExportSnapshot>, sqlx::Error> {
        let found: Option<Option<String>> =
            sqlx::query_scalar("SELECT snapshot FROM exports WHERE id = $1 AND school_id = $2")
                .bind(export)
                .bind(school)
                .fetch_optional(&self.pool)
                .await?;
        let Some(snapshot) = found else {
            return Ok(None);
        };
        if let Some(csv) = snapshot {
            return Ok(Some(ExportSnapshot::Csv(csv)));
        }
        let rows: Vec<ExportRow> = sqlx::query_as(
            "SELECT guid, student_id, first_name, last_name, grade, username, classes
             FROM export_rows WHERE export_id = $1 ORDER BY row",
        )
        .bind(export)
        .fetch_all(&self.pool)
        .await?;
        let rows = rows.into_iter().map(StudentRecord::from).collect();
        Ok(Some(ExportSnapshot::Rows(rows)))
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
