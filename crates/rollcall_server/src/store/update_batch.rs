//! A run of update rows written together: their students read in one query, the rows taken
//! from `pending` (with their results) in one statement, and the students written in one
//! statement. On PostgreSQL each statement is a round trip, and a 10,000-row upload of six
//! statements a row spent most of its time waiting for them. A unique constraint the joint
//! write meets rolls it back, and the rows are then written one at a time, each meeting only
//! its own conflict, exactly as before.

use super::student_accounts::Retired;
use sqlx::AnyConnection;

use super::Store;
use super::apply::{Conflict, PreparedUpdate, back_to_savepoint, savepoint, unique_conflict};
use super::bulk;
use super::uploads::RowState;

/// One update of a run, ready to write: its row, the student as it will be, and the new
/// password's hash, if any.
pub struct RunUpdate {
    pub row: u32,
    pub update: PreparedUpdate,
    pub password_hash: Option<String>,
}

/// A row to take from `pending`: its Completed File cells and what it replaces (JSON, see
/// `store::reverts`).
pub struct TakenRow {
    pub row: u32,
    pub result: Vec<String>,
    pub replaced: Option<String>,
}

impl Store {
    /// Takes these rows from `pending` in one statement, storing each one's result and what
    /// it replaced (JSON); returns the rows it took (another process may have applied or
    /// failed some already).
    pub async fn take_rows_with_results(
        tx: &mut AnyConnection,
        upload: &str,
        rows: &[TakenRow],
    ) -> Result<Vec<u32>, sqlx::Error> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        // Each row, its result and what it replaced, then the states and the upload. A join
        // with the values, not `CASE row WHEN …`: a CASE is searched row by row, which made a
        // 500-row batch cost 500 × 500 comparisons a column.
        let next = 3 * rows.len() + 1;
        let sql = format!(
            "WITH v (row, result, replaced) AS (VALUES {})
             UPDATE upload_rows SET state = ${next}, op = NULL, result = v.result,
                 replaced = v.replaced
             FROM v
             WHERE upload_rows.upload_id = ${} AND upload_rows.state = ${}
                 AND upload_rows.row = v.row
             RETURNING upload_rows.row",
            bulk::rows(1, rows.len(), 3),
            next + 1,
            next + 2,
        );
        let mut query = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(bulk::sql(tx, sql)));
        for taken in rows {
            query = query
                .bind(i64::from(taken.row))
                .bind(serde_json::to_string(&taken.result).unwrap_or_default())
                .bind(taken.replaced.clone());
        }
        let query = query
            .bind(RowState::Applied.as_str())
            .bind(upload)
            .bind(RowState::Pending.as_str());
        let taken = query.fetch_all(&mut *tx).await?;
        Ok(taken.into_iter().map(|row| row as u32).collect())
    }

    /// Writes every update of a run; returns the conflict each met (`None` for those written).
    /// All are written by one statement unless that meets a unique constraint; then each is
    /// written alone, in order.
    pub async fn write_updates(
        tx: &mut AnyConnection,
        run: &[RunUpdate],
        now: &str,
    ) -> Result<Vec<Option<Conflict>>, sqlx::Error> {
        if run.is_empty() {
            return Ok(Vec::new());
        }
        // Each student's values, then the time.
        const WIDTH: usize = 8;
        let values = bulk::rows(1, run.len(), WIDTH);
        let now_at = WIDTH * run.len() + 1;
        let sql = format!(
            "WITH v (guid, student_id, first_name, last_name, grade, username, username_key,
                     password_hash) AS (VALUES {values})
             UPDATE students SET student_id = v.student_id, first_name = v.first_name,
                 last_name = v.last_name, grade = v.grade, username = v.username,
                 username_key = v.username_key, updated_at = ${now_at},
                 password_hash = COALESCE(v.password_hash, students.password_hash),
                 password_temporary = CASE WHEN v.password_hash IS NULL
                     THEN students.password_temporary ELSE 0 END,
                 password_expires_at = CASE WHEN v.password_hash IS NULL
                     THEN students.password_expires_at ELSE NULL END
             FROM v WHERE students.guid = v.guid"
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(bulk::sql(tx, sql)));
        for item in run {
            let student = &item.update.student;
            query = query
                .bind(student.guid.clone())
                .bind(student.student_id.clone())
                .bind(student.first_name.clone())
                .bind(student.last_name.clone())
                .bind(student.grade.clone())
                .bind(student.username.clone())
                .bind(student.username.to_lowercase())
                .bind(item.password_hash.clone());
        }
        let query = query.bind(now);
        let guarded = run.iter().any(|item| item.update.unique_changed);
        if guarded {
            savepoint(tx).await?;
        }
        let written = query.execute(&mut *tx).await;
        let collided = unique_conflict(&written, &run[0].update.student).is_some();
        if !collided {
            written?;
        }
        if guarded {
            back_to_savepoint(tx, collided).await?;
        }
        let conflicts = if collided {
            let mut conflicts = Vec::with_capacity(run.len());
            for item in run {
                let written =
                    Store::write_update(tx, &item.update, item.password_hash.as_deref(), now)
                        .await?;
                conflicts.push(written.err());
            }
            conflicts
        } else {
            vec![None; run.len()]
        };
        // A new password replaces any temporary one: its text leaves the Completed Files.
        for (item, conflict) in run.iter().zip(&conflicts) {
            if item.password_hash.is_some() && conflict.is_none() {
                let guid = &item.update.student.guid;
                Store::retire_temporary_in(tx, guid, Retired::Changed).await?;
            }
        }
        Ok(conflicts)
    }
}
