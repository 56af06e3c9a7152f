//! Reverting an upload: the rows of a new upload that put back what the old one's applied rows
//! replaced (`store::reverts`), each an update whose `base` is the student as the old upload
//! left her, so that the queue re-validates it like any upload and a student changed since is
//! `stale-row`. The teacher's classes are not in a `base`; a row that puts classes back is
//! therefore stale at once when her classes are no longer the ones the upload set. Students
//! the old upload created are kept: each is a row applied on arrival that lists her as she is.

use std::collections::{BTreeMap, HashMap};

use rollcall_core::{Diagnostic, Field, Finding, Lang, Op, SheetRow, Values};

use super::validate::{CurrentRoster, error};
use crate::error::AppError;
use crate::store::StudentRecord;
use crate::store::reverts::{REVERTED_FIELDS, Replaced, Snapshot, same_classes};
use crate::store::uploads::{NewUploadRow, RowState, UploadRow};

/// The rows of a revert, and whether any of them puts classes back.
pub struct RevertRows {
    pub rows: Vec<NewUploadRow>,
    pub with_classes: bool,
}

/// The name a revert is listed under, in the teacher's language.
pub fn revert_name(file_name: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Revert of {file_name}"),
        Lang::Es => format!("Reversión de {file_name}"),
    }
}

/// The rows that revert `original` (an upload's rows) in the school as it is now.
pub fn revert_rows(
    original: &[UploadRow],
    current: &CurrentRoster,
) -> Result<RevertRows, AppError> {
    let by_guid: HashMap<String, &StudentRecord> = current
        .students
        .iter()
        .map(|s| (s.guid.to_lowercase(), s))
        .collect();
    let mut rows = Vec::new();
    let mut with_classes = false;
    for row in original.iter().filter(|r| r.state == RowState::Applied) {
        match &row.replaced {
            Some(Replaced::Updated { before, after }) => {
                let now = by_guid.get(&after.guid.to_lowercase()).copied();
                if let Some(put_back) = put_back(row.row, before, after, now)? {
                    with_classes |= put_back.classes;
                    rows.push(put_back.row);
                }
            }
            // A row that created a student (no GUID uploaded): she is kept.
            None if row.creates() => {
                let guid = row.applied(Field::Guid);
                let Some(student) = guid.and_then(|g| by_guid.get(&g.to_lowercase())) else {
                    continue;
                };
                let cells = student.export_cells("");
                rows.push(NewUploadRow {
                    row: row.row,
                    cells: cells.clone(),
                    op: None,
                    errors: Vec::new(),
                    kept: Some(cells),
                });
            }
            // Unchanged, a password only, or a revert's kept row: nothing to put back.
            _ => {}
        }
    }
    Ok(RevertRows { rows, with_classes })
}

/// A row that puts one student back.
struct PutBack {
    row: NewUploadRow,
    /// Whether it puts classes back.
    classes: bool,
}

/// The row that puts `before` back on the student the upload left as `after` (`now` as she
/// is), or `None` when there is nothing to put back.
fn put_back(
    row: u32,
    before: &Snapshot,
    after: &Snapshot,
    now: Option<&StudentRecord>,
) -> Result<Option<PutBack>, AppError> {
    let fields: BTreeMap<Field, String> = REVERTED_FIELDS
        .iter()
        .filter(|&&field| before.get(field) != after.get(field))
        .map(|&field| (field, before.get(field).to_owned()))
        .collect();
    let classes = match (&before.classes, &after.classes) {
        (Some(old), Some(new)) if !same_classes(old, new) => Some(old.clone()),
        _ => None,
    };
    if fields.is_empty() && classes.is_none() {
        return Ok(None);
    }
    // The row as the revert leaves the student: her classes as they are unless it puts them
    // back.
    let mut cells = after.record().export_cells("");
    for (field, value) in &fields {
        cells[field.index()] = value.clone();
    }
    cells[Field::Classes.index()] = match (&classes, now) {
        (Some(old), _) => {
            rollcall_core::rules::classes::join_sorted(old.iter().map(String::as_str))
        }
        (None, Some(student)) => crate::store::classes::classes_cell(student),
        (None, None) => String::new(),
    };
    let stale_classes = match (&classes, &after.classes, now) {
        (Some(_), Some(set), Some(student)) => !same_classes(set, &student.classes),
        _ => false,
    };
    let sheet_row = SheetRow::new(row);
    let with_classes = classes.is_some();
    let op = Op::Update {
        row: sheet_row,
        guid: after.guid.clone(),
        base: Some(after.record().fingerprint()),
        set: Values { fields, classes },
    };
    let (op, errors) = match now.filter(|_| stale_classes) {
        Some(student) => {
            let name = format!("{} {}", student.first_name, student.last_name);
            let stale = Diagnostic::new(Finding::StaleRow { name }, Some(sheet_row));
            (None, vec![error(&stale)])
        }
        None => (
            Some(serde_json::to_string(&op).map_err(AppError::internal)?),
            Vec::new(),
        ),
    };
    Ok(Some(PutBack {
        row: NewUploadRow {
            row,
            cells,
            op,
            errors,
            kept: None,
        },
        classes: with_classes,
    }))
}
