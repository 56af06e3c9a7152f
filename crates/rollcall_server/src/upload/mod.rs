//! Uploads: a change-set from the page or a file from any client, stored with its rows before
//! it is acknowledged, then finished by the queue worker; and the three downloads of the Upload
//! History.

mod apply;
pub(crate) mod hashing;
pub mod hooks;
pub mod lease;
mod messages;
pub mod validate;
pub mod worker;

use std::collections::{BTreeSet, HashMap};

use rollcall_core::{
    ChangeSet, Checker, Field, Input, Lang, Op, Options, RowIndex, Severity, SheetRow,
};
use rollcall_protocol::UploadFile;

use crate::error::AppError;
use crate::files::{HEADER, Sheet};
use crate::store::uploads::{NewUploadRow, RowError, RowState, UploadRow};
use validate::{CurrentRoster, error};

/// The highest spreadsheet row a change-set may name.
const MAX_ROW: u32 = 1_000_000;

/// A row as the history shows it: the export columns, the password blanked.
fn cells_of(op: &Op) -> Vec<String> {
    let mut cells = vec![String::new(); HEADER.len()];
    if let Op::Update { guid, .. } = op {
        cells[Field::Guid.index()] = guid.clone();
    }
    let values = op.values();
    for (field, value) in &values.fields {
        if *field != Field::Password {
            cells[field.index()] = value.clone();
        }
    }
    if let Some(classes) = &values.classes {
        cells[Field::Classes.index()] = classes.join(rollcall_core::rules::classes::SEPARATOR);
    }
    cells
}

/// The rows of a posted change-set. Refuses a change-set that is not for this school, names a
/// row twice or names no sensible row.
pub fn rows_of_change_set(set: &ChangeSet, school: &str) -> Result<Vec<NewUploadRow>, AppError> {
    if set.school != school {
        return Err(AppError::BadRequest(format!(
            "The change-set is for school {:?}, not {school:?}.",
            set.school
        )));
    }
    if uuid::Uuid::parse_str(&set.id).is_err() {
        return Err(AppError::BadRequest(format!(
            "The change-set id {:?} is not a UUID.",
            set.id
        )));
    }
    let most = rollcall_core::Limits::default().max_rows as usize;
    if set.ops.len() > most {
        return Err(AppError::TooLarge(format!(
            "The change-set has {} rows; at most {most} are accepted.",
            set.ops.len()
        )));
    }
    let mut seen = BTreeSet::new();
    let mut rows = Vec::with_capacity(set.ops.len());
    for op in &set.ops {
        let row = op.row().get();
        if !(2..=MAX_ROW).contains(&row) {
            return Err(AppError::BadRequest(format!(
                "Row {row} is not a data row (2 to {MAX_ROW})."
            )));
        }
        if !seen.insert(row) {
            return Err(AppError::BadRequest(format!("Row {row} appears twice.")));
        }
        rows.push(NewUploadRow {
            row,
            cells: cells_of(op),
            op: Some(serde_json::to_string(op).map_err(AppError::internal)?),
            errors: Vec::new(),
        });
    }
    rows.sort_by_key(|r| r.row);
    Ok(rows)
}

/// Refuses an upload that trips a guard its `confirmed` codes do not name (409).
pub fn check_guards<S: AsRef<str>>(
    found: &[rollcall_core::Diagnostic],
    confirmed: &[S],
) -> Result<(), AppError> {
    let left = rollcall_core::guards::unconfirmed(found, confirmed);
    if left.is_empty() {
        Ok(())
    } else {
        Err(AppError::ConfirmNeeded(left.into_iter().cloned().collect()))
    }
}

/// The guards a change-set trips in a school of `students` students.
pub fn change_set_guards(set: &ChangeSet, students: usize) -> Vec<rollcall_core::Diagnostic> {
    rollcall_core::GuardCounts::of_change_set(set, students)
        .diagnostics(|field| (field.header().to_owned(), Some(field.index() as u32)))
}

/// The rows of an uploaded file, checked against the current roster with the rule engine: rows
/// with errors fail at once (with the engine's messages); the others become ops. A file-level
/// error refuses the whole file (422), and a guard that `confirmed` does not name refuses it
/// too (409). The flag says whether the file has a Classes column.
pub fn rows_of_file(
    bytes: &[u8],
    file_name: &str,
    current: &CurrentRoster,
    confirmed: &[&str],
    lang: Lang,
) -> Result<(Vec<NewUploadRow>, bool), AppError> {
    let options = Options::default();
    let checker = Checker::with_roster(
        Input::new(bytes, Some(file_name)),
        Some(current.roster()),
        &options,
    );
    let report = checker.report();
    let file_errors: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| d.row.is_none() && d.severity() == Severity::Error)
        .map(|d| d.message(lang))
        .collect();
    if !file_errors.is_empty() {
        return Err(AppError::Unprocessable(file_errors.join(" ")));
    }
    check_guards(&checker.guard_diagnostics(), confirmed)?;
    let mut ops: HashMap<SheetRow, Op> = checker
        .change_set("", "", "")
        .ops
        .into_iter()
        .map(|op| (op.row(), op))
        .collect();
    let mut errors: HashMap<SheetRow, Vec<RowError>> = HashMap::new();
    for diagnostic in &report.diagnostics {
        if let (Some(row), Severity::Error) = (diagnostic.row, diagnostic.severity()) {
            errors.entry(row).or_default().push(error(diagnostic, lang));
        }
    }
    let table = checker.table();
    let mut rows = Vec::new();
    for index in (0..table.len()).map(RowIndex::at) {
        if table.is_blank(index) {
            continue;
        }
        let row = table.row_number(index);
        let cells: Vec<String> = Field::ALL
            .iter()
            .map(|field| match field {
                Field::Password => String::new(),
                _ => table.cell(index, *field).text.to_owned(),
            })
            .collect();
        let errors = errors.remove(&row).unwrap_or_default();
        let op = match (errors.is_empty(), ops.remove(&row)) {
            (true, Some(op)) => Some(serde_json::to_string(&op).map_err(AppError::internal)?),
            // Unchanged rows are not part of the upload's work.
            (true, None) => continue,
            (false, _) => None,
        };
        rows.push(NewUploadRow {
            row: row.get(),
            cells,
            op,
            errors,
        });
    }
    Ok((rows, table.column(Field::Classes).is_some()))
}

/// One of an upload's three files as a table. The uploaded cells never hold a password; the
/// Completed File shows generated temporary passwords, the only place they appear. `uploaded`
/// is the upload's columns: the Uploaded and Error Files have a Classes column only when the
/// upload had one; the Completed File always shows each student's classes.
pub fn file_sheet(file: UploadFile, rows: &[UploadRow], uploaded: &[String]) -> Sheet {
    let header: Vec<String> = uploaded.to_vec();
    let width = header.len();
    // Rows stored before a column was added are shorter; every row fits its header.
    let fitted = |mut cells: Vec<String>, width: usize| {
        cells.resize(width, String::new());
        cells
    };
    match file {
        UploadFile::Uploaded => Sheet {
            header,
            rows: rows
                .iter()
                .map(|r| fitted(r.cells.clone(), width))
                .collect(),
        },
        UploadFile::Completed => Sheet {
            header: crate::files::header(true),
            rows: rows
                .iter()
                .filter(|r| r.state == RowState::Applied)
                .map(|r| {
                    fitted(
                        r.result.clone().unwrap_or_else(|| r.cells.clone()),
                        HEADER.len(),
                    )
                })
                .collect(),
        },
        UploadFile::Error => {
            let mut header = header;
            header.push("Error".to_owned());
            Sheet {
                header,
                rows: rows
                    .iter()
                    .filter(|r| r.state == RowState::Failed)
                    .map(|r| {
                        let mut cells = fitted(r.cells.clone(), width);
                        let messages: Vec<&str> =
                            r.errors.iter().map(|e| e.message.as_str()).collect();
                        cells.push(messages.join(" "));
                        cells
                    })
                    .collect(),
            }
        }
    }
}
