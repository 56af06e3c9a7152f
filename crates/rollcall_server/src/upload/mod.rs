//! Uploads: a change-set from the page or a file from any client, stored with its rows before
//! it is acknowledged, then finished by the queue worker; and the three downloads of the Upload
//! History.

mod apply;
pub(crate) mod hashing;
pub mod hooks;
pub mod lease;
mod messages;
pub mod revert;
pub mod validate;
pub mod worker;

use std::collections::{BTreeSet, HashMap};

use rollcall_core::{
    ChangeSet, Checker, Field, Input, Lang, Op, Options, RowIndex, Severity, SheetRow,
};
use rollcall_protocol::UploadFile;

use crate::error::AppError;
use crate::files::{HEADER, Sheet};
use crate::row_problem::RowProblem;
use crate::store::uploads::{NewUploadRow, RowState, StoredUpload, UploadKind, UploadRow};
use rollcall_core::read::SheetAsRead;
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
            kept: None,
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

/// An uploaded file's rows to store, whether it has a Classes column, and its sheet as read.
pub struct FileRows {
    pub rows: Vec<NewUploadRow>,
    pub with_classes: bool,
    pub sheet: Option<SheetAsRead>,
}

/// The rows of an uploaded file, checked against the current roster with the rule engine: rows
/// with errors fail at once (with the engine's messages); the others become ops. A file-level
/// error refuses the whole file (422), and a guard that `confirmed` does not name refuses it
/// too (409). The sheet as read, every column and row with passwords blanked, is kept for the
/// Uploaded and Error Files.
pub fn rows_of_file(
    bytes: &[u8],
    file_name: &str,
    current: &CurrentRoster,
    confirmed: &[&str],
    lang: Lang,
) -> Result<FileRows, AppError> {
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
    let mut errors: HashMap<SheetRow, Vec<RowProblem>> = HashMap::new();
    for diagnostic in &report.diagnostics {
        if let (Some(row), Severity::Error) = (diagnostic.row, diagnostic.severity()) {
            errors.entry(row).or_default().push(error(diagnostic));
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
            kept: None,
        });
    }
    let keep = Options {
        keep_sheet: true,
        ..Options::default()
    };
    Ok(FileRows {
        rows,
        with_classes: table.column(Field::Classes).is_some(),
        sheet: rollcall_core::read::read(bytes, Some(file_name), &keep).sheet,
    })
}

/// A sheet as read, every row as wide as the widest.
fn uploaded_as_read(sheet: &SheetAsRead) -> Sheet {
    let width = sheet.width();
    let fitted = |cells: &[String]| {
        let mut cells = cells.to_vec();
        cells.resize(width, String::new());
        cells
    };
    Sheet {
        header: fitted(&sheet.header),
        rows: sheet.rows.iter().map(|(_, cells)| fitted(cells)).collect(),
    }
}

/// The failed rows of a sheet as read, with an `Error` column of their messages at the far
/// right. An `Error` column the file already had (an Error File fixed and uploaded again) is
/// left out: it held the old messages.
fn errors_as_read(sheet: &SheetAsRead, rows: &[UploadRow], lang: Lang) -> Sheet {
    let width = sheet.width();
    let old_errors: Vec<bool> = (0..width)
        .map(|k| {
            sheet
                .header
                .get(k)
                .is_some_and(|h| h.trim().eq_ignore_ascii_case(ERROR_COLUMN))
        })
        .collect();
    let kept = |cells: &[String]| -> Vec<String> {
        (0..width)
            .filter(|&k| !old_errors[k])
            .map(|k| cells.get(k).cloned().unwrap_or_default())
            .collect()
    };
    let by_row: HashMap<u32, &Vec<String>> = sheet
        .rows
        .iter()
        .map(|(row, cells)| (row.get(), cells))
        .collect();
    error_sheet(kept(&sheet.header), rows, lang, |r| {
        kept(by_row.get(&r.row).map_or(&[][..], |c| c.as_slice()))
    })
}

/// An Error File: `header` and each failed row's cells (`cells_of`), with an `Error` column of
/// its messages at the far right.
fn error_sheet(
    mut header: Vec<String>,
    rows: &[UploadRow],
    lang: Lang,
    cells_of: impl Fn(&UploadRow) -> Vec<String>,
) -> Sheet {
    header.push(ERROR_COLUMN.to_owned());
    Sheet {
        header,
        rows: rows
            .iter()
            .filter(|r| r.state == RowState::Failed)
            .map(|r| {
                let mut cells = cells_of(r);
                cells.push(error_messages(r, lang));
                cells
            })
            .collect(),
    }
}

/// The Error File's last column.
const ERROR_COLUMN: &str = "Error";

/// A failed row's messages in `lang`, as its Error File cell.
fn error_messages(row: &UploadRow, lang: Lang) -> String {
    let messages: Vec<String> = row.errors.iter().map(|e| e.word(lang).message).collect();
    messages.join(" ")
}

/// The column a revert's Completed File adds: whether each row was put back or kept.
pub const REVERT_COLUMN: &str = "Revert";

/// One of an upload's three files as a table. The uploaded cells never hold a password; the
/// Completed File shows generated temporary passwords, the only place they appear. The
/// upload's columns (`header`): the Uploaded and Error Files have a Classes column only when the
/// upload had one; the Completed File always shows each student's classes, and a revert's says
/// in a last column which rows were put back and which kept. A file upload's `kept` sheet (as
/// read) is its Uploaded File, and gives the Error File its rows whole.
pub fn file_sheet(
    file: UploadFile,
    rows: &[UploadRow],
    upload: &StoredUpload,
    kept: Option<&SheetAsRead>,
) -> Sheet {
    if let Some(sheet) = kept {
        match file {
            UploadFile::Uploaded => return uploaded_as_read(sheet),
            UploadFile::Error => return errors_as_read(sheet, rows, upload.lang),
            UploadFile::Completed => {}
        }
    }
    let header: Vec<String> = upload.header.clone();
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
        UploadFile::Completed => {
            let revert = upload.kind == UploadKind::Revert;
            let mut header = crate::files::header(true);
            if revert {
                header.push(REVERT_COLUMN.to_owned());
            }
            Sheet {
                header,
                rows: rows
                    .iter()
                    .filter(|r| r.state == RowState::Applied)
                    .map(|r| {
                        let cells = r.result.clone().unwrap_or_else(|| r.cells.clone());
                        let mut cells = fitted(cells, HEADER.len());
                        if revert {
                            cells.push(messages::revert_note(upload.lang, r.kept()));
                        }
                        cells
                    })
                    .collect(),
            }
        }
        UploadFile::Error => error_sheet(header, rows, upload.lang, |r| {
            fitted(r.cells.clone(), width)
        }),
    }
}
