//! Re-checking a change-set against the school's current roster with the rule engine itself.
//!
//! The ops are written back into a CSV whose rows keep their spreadsheet row numbers (gaps are
//! blank lines, which the engine skips), each update filled in from the student as stored now,
//! and checked against the current roster with the server-wide usernames and district-wide
//! Student IDs. So every rule — value rules, duplicates, taken usernames and IDs — is the
//! engine's, and its messages name the rows the teacher knows. An update whose `base` no longer
//! matches the stored student is `stale-row`.

use std::collections::HashMap;

use rollcall_core::{Checker, Diagnostic, Field, Finding, Input, Op, Options, Roster, Severity};

use crate::files::HEADER;
use crate::row_problem::RowProblem;
use crate::store::classes::ClassOwner;
use crate::store::{Store, StudentRecord};

/// The school as it is now, with the classes of the teacher who uploads.
pub struct CurrentRoster {
    pub students: Vec<StudentRecord>,
    /// The names of every class of the teacher in the school, those without students included.
    pub classes: Vec<String>,
    /// Usernames (lower case) of other schools' students.
    pub outside_usernames: Vec<String>,
    /// Student IDs (lower case) of the district's other schools.
    pub outside_student_ids: Vec<String>,
}

impl CurrentRoster {
    /// The school's students with the teacher's classes, and what the rest of the server holds.
    pub async fn load(store: &Store, owner: ClassOwner<'_>) -> Result<CurrentRoster, sqlx::Error> {
        let (mut students, outside_usernames, outside_student_ids) =
            store.roster_with_outside(owner.school).await?;
        store.with_classes(owner, &mut students).await?;
        let classes = store
            .classes_of(owner)
            .await?
            .into_iter()
            .map(|class| class.name)
            .collect();
        Ok(CurrentRoster {
            students,
            classes,
            outside_usernames,
            outside_student_ids,
        })
    }

    pub fn roster(&self) -> Roster {
        let students: Vec<rollcall_core::Student> =
            self.students.iter().map(|s| s.to_core(None)).collect();
        let mut roster = Roster::new(&students);
        for class in &self.classes {
            roster.add_class(class);
        }
        roster.outside_usernames = self.outside_usernames.iter().cloned().collect();
        roster.outside_student_ids = self.outside_student_ids.iter().cloned().collect();
        roster
    }
}

/// What re-checking decided for one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Apply this op (values normalised by the engine).
    Apply(Op),
    /// Nothing to change: the student (this GUID) already has these values.
    Unchanged(Option<String>),
    Failed(Vec<RowProblem>),
}

/// A diagnostic as a row's stored error: its finding, worded when shown.
pub fn error(diagnostic: &Diagnostic) -> RowProblem {
    RowProblem::Rule(diagnostic.finding.clone())
}

/// Re-checks `ops` (sorted by row, one per row) against `current`.
pub fn revalidate(ops: &[Op], current: &CurrentRoster) -> Vec<(u32, Verdict)> {
    let by_guid: HashMap<String, &StudentRecord> = current
        .students
        .iter()
        .map(|s| (s.guid.to_lowercase(), s))
        .collect();
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(HEADER);
    let mut next_row = 2;
    let mut stale: HashMap<u32, RowProblem> = HashMap::new();
    for op in ops {
        let row = op.row().get();
        while next_row < row {
            let _ = writer.write_record([""; HEADER.len()]);
            next_row += 1;
        }
        next_row = row + 1;
        let mut cells = vec![String::new(); HEADER.len()];
        match op {
            Op::Update {
                guid, base, set, ..
            } => {
                cells[Field::Guid.index()] = guid.clone();
                if let Some(student) = by_guid.get(&guid.to_lowercase()) {
                    cells = student.export_cells("");
                    if base
                        .as_ref()
                        .is_some_and(|base| *base != student.fingerprint())
                    {
                        let name = format!("{} {}", student.first_name, student.last_name);
                        let stale_row = Finding::StaleRow { name };
                        let diagnostic = Diagnostic::new(stale_row, Some(op.row()));
                        stale.insert(row, error(&diagnostic));
                    }
                }
                for (field, value) in &set.fields {
                    cells[field.index()] = value.clone();
                }
                if let Some(classes) = &set.classes {
                    cells[Field::Classes.index()] = classes.join(";");
                }
            }
            Op::Create { values, .. } => {
                for (field, value) in &values.fields {
                    cells[field.index()] = value.clone();
                }
                if let Some(classes) = &values.classes {
                    cells[Field::Classes.index()] = classes.join(";");
                }
            }
        }
        let _ = writer.write_record(&cells);
    }
    let csv = writer.into_inner().unwrap_or_default();
    let options = Options::default();
    let checker = Checker::with_roster(
        Input::new(&csv, Some("upload.csv")),
        Some(current.roster()),
        &options,
    );
    let report = checker.report();
    let file_errors: Vec<RowProblem> = report
        .diagnostics
        .iter()
        .filter(|d| d.row.is_none() && d.severity() == Severity::Error)
        .map(error)
        .collect();
    let mut errors: HashMap<u32, Vec<RowProblem>> = HashMap::new();
    for diagnostic in &report.diagnostics {
        if let (Some(row), Severity::Error) = (diagnostic.row, diagnostic.severity()) {
            errors.entry(row.get()).or_default().push(error(diagnostic));
        }
    }
    let mut normalised: HashMap<u32, Op> = checker
        .change_set("", "", "")
        .ops
        .into_iter()
        .map(|op| (op.row().get(), op))
        .collect();
    ops.iter()
        .map(|op| {
            let row = op.row().get();
            let verdict = if let Some(stale) = stale.remove(&row) {
                Verdict::Failed(vec![stale])
            } else if !file_errors.is_empty() {
                Verdict::Failed(file_errors.clone())
            } else if let Some(found) = errors.remove(&row) {
                Verdict::Failed(found)
            } else if let Some(op) = normalised.remove(&row) {
                Verdict::Apply(op)
            } else {
                Verdict::Unchanged(match op {
                    Op::Update { guid, .. } => Some(guid.clone()),
                    Op::Create { .. } => None,
                })
            };
            (row, verdict)
        })
        .collect()
}
