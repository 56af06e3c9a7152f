//! The file being checked: the incremental checker over it, the edits made on the page and the
//! usernames the server said are taken. Its findings are data: the views word them in the
//! page's language, so switching language re-checks nothing.
//!
//! No rule lives here: every verdict comes from `rollcall_core`.

use rollcall_core::{
    Checker, Delta, Diagnostic, EditError, Field, Input, Options, Outcome, Roster, RowIndex,
    RowUpdate, SheetRow, Student,
};

/// What the edited file was compared with.
#[derive(Debug, Clone, PartialEq)]
pub enum Original {
    /// The export the file names (by id), with its creation time.
    Export {
        id: String,
        created_at: String,
        bytes: Vec<u8>,
    },
    /// The teacher's latest export of the school: the file named none.
    Latest {
        id: String,
        created_at: String,
        bytes: Vec<u8>,
    },
    /// The current roster: no export of this teacher's was found.
    Roster(Vec<Student>),
}

/// Which rows the table shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    Errors,
    Changes,
    All,
}

/// A line of the table: a data row (by position) or a student not in the file.
#[derive(Debug, Clone, PartialEq)]
pub enum Line {
    Row(RowIndex),
    Absent(RowUpdate),
}

pub struct Work {
    pub file_name: String,
    pub original: Original,
    pub checker: Checker,
    edits: Vec<(SheetRow, Field, String)>,
    taken: Vec<String>,
    asked: std::collections::HashSet<String>,
    /// How long the first check took, in milliseconds.
    pub check_ms: f64,
}

impl Work {
    pub fn new(file_name: String, bytes: Vec<u8>, original: Original) -> Work {
        let checker = build(&file_name, &bytes, &original);
        Work {
            file_name,
            original,
            checker,
            edits: Vec::new(),
            taken: Vec::new(),
            asked: Default::default(),
            check_ms: 0.0,
        }
    }

    pub fn set_cell(
        &mut self,
        row: SheetRow,
        field: Field,
        value: &str,
    ) -> Result<Delta, EditError> {
        let delta = self.checker.set_cell(row, field, value)?;
        self.edits.push((row, field, value.to_owned()));
        Ok(delta)
    }

    /// True once a cell was edited on the page (edits live only here until uploaded).
    pub fn has_edits(&self) -> bool {
        !self.edits.is_empty()
    }

    /// Applies every fix offered now, and the fixes offered after those, until none is left
    /// (a fix can reveal another on the same cell); at most a few rounds.
    pub fn apply_all_fixes(&mut self) -> usize {
        let mut applied = 0;
        for _ in 0..4 {
            let fixes: Vec<_> = self
                .checker
                .row_indexes()
                .flat_map(|i| self.checker.diagnostics(i))
                .filter_map(|d| d.fix.clone())
                .collect();
            if fixes.is_empty() {
                break;
            }
            for fix in fixes {
                if self.set_cell(fix.row, fix.field, &fix.value).is_ok() {
                    applied += 1;
                }
            }
        }
        applied
    }

    /// Usernames not yet asked about that rows would give a student who does not hold them.
    pub fn usernames_to_ask(&mut self) -> Vec<String> {
        let names: Vec<String> = self
            .checker
            .usernames_to_confirm()
            .into_iter()
            .filter(|n| !self.asked.contains(n))
            .collect();
        self.asked.extend(names.iter().cloned());
        names
    }

    pub fn mark_taken(&mut self, usernames: Vec<String>) -> Delta {
        let delta = self.checker.mark_usernames_taken(&usernames);
        self.taken.extend(usernames);
        delta
    }

    /// The table's lines under `filter`, in row order, students not in the file last.
    pub fn lines(&self, filter: Filter) -> Vec<Line> {
        let checker = &self.checker;
        let mut lines: Vec<Line> = checker
            .row_indexes()
            .filter(|&i| {
                let outcome = checker.outcome(i);
                match filter {
                    Filter::Errors => {
                        outcome == Outcome::Error || has_warning(checker.diagnostics(i))
                    }
                    Filter::Changes => matches!(outcome, Outcome::Update | Outcome::Create),
                    Filter::All => outcome != Outcome::Blank,
                }
            })
            .map(Line::Row)
            .collect();
        if filter == Filter::All {
            lines.extend(checker.absent().into_iter().map(Line::Absent));
        }
        lines
    }

    /// Spreadsheet row numbers of the rows with errors.
    pub fn error_rows(&self) -> Vec<SheetRow> {
        self.checker
            .row_indexes()
            .filter(|&i| self.checker.outcome(i) == Outcome::Error)
            .map(|i| self.checker.table().row_number(i))
            .collect()
    }

    /// The export id the page compared with, if any.
    pub fn export_id(&self) -> Option<&str> {
        match &self.original {
            Original::Export { id, .. } | Original::Latest { id, .. } => Some(id),
            Original::Roster(_) => None,
        }
    }
}

/// A warning worth a look on the Errors filter (for example `possible-duplicate`).
fn has_warning(diagnostics: &[Diagnostic]) -> bool {
    diagnostics
        .iter()
        .any(|d| d.severity() == rollcall_core::Severity::Warning)
}

fn build(file_name: &str, bytes: &[u8], original: &Original) -> Checker {
    let options = Options::default();
    let edited = Input::new(bytes, Some(file_name));
    match original {
        Original::Export { bytes, .. } | Original::Latest { bytes, .. } => Checker::new(
            edited,
            Some(Input::new(bytes, Some("export.csv"))),
            &options,
        ),
        Original::Roster(students) => {
            Checker::with_roster(edited, Some(Roster::new(students)), &options)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rollcall_core::Lang;

    const EXPORT: &str = "Student GUID,Student ID,First Name,Last Name,Grade Level,Username,Password\n\
        f149f542-e935-4870-9734-6b4501eaf614,00123,Grace,Cohen,KG,grace.cohen,\n\
        0f8fad5b-d9cb-469f-a165-70867728950e,002,Omar,Patel,01,omar.patel,\n";
    const EDITED: &str = "Student GUID,Student ID,First Name,Last Name,Grade Level,Username,Password\n\
        f149f542-e935-4870-9734-6b4501eaf614,123,Grace,Cohen,KG,grace.cohen,\n\
        0f8fad5b-d9cb-469f-a165-70867728950x,002,Omar,Patel,01,omar.patel,\n\
        ,003,Li,Wu,02,li.wu,\n";

    fn work() -> Work {
        let original = Original::Export {
            id: "x".to_owned(),
            created_at: String::new(),
            bytes: EXPORT.as_bytes().to_vec(),
        };
        Work::new(
            "edited.csv".to_owned(),
            EDITED.as_bytes().to_vec(),
            original,
        )
    }

    #[test]
    fn all_fixes_leave_a_file_without_errors() {
        let mut work = work();
        assert!(!work.has_edits(), "a file only chosen has nothing to lose");
        assert_eq!(work.error_rows(), [SheetRow::new(2), SheetRow::new(3)]);
        assert_eq!(work.apply_all_fixes(), 2);
        assert!(work.error_rows().is_empty());
        assert!(work.has_edits(), "fixes are edits made on the page");
        assert_eq!(
            work.checker
                .table()
                .cell(RowIndex::new(0), Field::StudentId)
                .text,
            "00123"
        );
        let guid = work
            .checker
            .table()
            .cell(RowIndex::new(1), Field::Guid)
            .text;
        assert_eq!(guid, "0f8fad5b-d9cb-469f-a165-70867728950e");
    }

    #[test]
    fn findings_are_worded_in_either_language_without_a_new_check() {
        let mut work = work();
        work.set_cell(SheetRow::new(4), Field::FirstName, "Lee")
            .expect("edit");
        assert_eq!(work.usernames_to_ask(), ["li.wu"]);
        assert!(work.usernames_to_ask().is_empty(), "asked once");
        work.mark_taken(vec!["li.wu".to_owned()]);
        let row = work.checker.row_state(RowIndex::new(2));
        let taken = row
            .diagnostics
            .iter()
            .find(|d| d.code().as_str() == "username-taken")
            .expect("taken");
        assert!(taken.message(Lang::En).contains("another account"));
        assert!(taken.message(Lang::Es).contains("otra cuenta"));
        assert_eq!(
            work.checker
                .table()
                .cell(RowIndex::new(2), Field::FirstName)
                .text,
            "Lee"
        );
    }

    #[test]
    fn filters_pick_errors_changes_or_everything() {
        let work = work();
        assert_eq!(
            work.lines(Filter::Errors),
            [Line::Row(RowIndex::new(0)), Line::Row(RowIndex::new(1))]
        );
        assert_eq!(work.lines(Filter::Changes), [Line::Row(RowIndex::new(2))]);
        assert_eq!(work.lines(Filter::All).len(), 3);
        let mut work = work;
        work.set_cell(SheetRow::new(3), Field::StudentId, "009")
            .expect("edit");
        work.set_cell(SheetRow::new(3), Field::Guid, "")
            .expect("edit");
        work.set_cell(SheetRow::new(3), Field::Username, "omar.p2")
            .expect("edit");
        let all = work.lines(Filter::All);
        assert_eq!(all.len(), 4, "three rows and the student no row names now");
        assert!(matches!(&all[3], Line::Absent(a) if a.entry.export_row == Some(SheetRow::new(3))));
    }
}
