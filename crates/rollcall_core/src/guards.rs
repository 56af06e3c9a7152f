//! The guards of a whole upload: a file can be right row by row and still be a mistake (one
//! column sorted on its own, names pasted one row off, another school's file). When one field
//! changes on too many matched rows, or too many rows would create students, the check says so
//! once for the file (`mass-change`, `mass-create`), and the server applies the upload only once
//! the teacher has confirmed what was found.
//!
//! The thresholds live here alone: the checker counts its rows, the server counts a change-set's
//! operations, and both ask [`GuardCounts::diagnostics`].

use crate::changeset::{ChangeSet, Op};
use crate::code::{Code, Finding};
use crate::diagnostic::Diagnostic;
use crate::field::Field;
use crate::report::{Change, Outcome};

/// The fields whose mass change is guarded, in the order their counts are kept.
pub const GUARDED: [Field; 6] = [
    Field::FirstName,
    Field::LastName,
    Field::Grade,
    Field::StudentId,
    Field::Username,
    Field::Classes,
];

/// A guard needs at least this many rows, so that a small class's edits never trip it.
pub const AT_LEAST: u32 = 10;

/// Whether `part` is more than a quarter of `whole` and at least [`AT_LEAST`].
fn trips(part: u32, whole: u32) -> bool {
    part >= AT_LEAST && u64::from(part) * 4 > u64::from(whole)
}

/// Whether `code` is one of the guards.
pub fn is_guard(code: Code) -> bool {
    matches!(code, Code::MassChange | Code::MassCreate)
}

/// The guards in `found` that `confirmed` (code names, as a change-set's `confirm` holds them)
/// does not name.
pub fn unconfirmed<'a, S: AsRef<str>>(
    found: &'a [Diagnostic],
    confirmed: &[S],
) -> Vec<&'a Diagnostic> {
    found
        .iter()
        .filter(|d| is_guard(d.code()))
        .filter(|d| !confirmed.iter().any(|c| c.as_ref() == d.code().as_str()))
        .collect()
}

/// The codes of the guards in `found`, sorted, each once: a change-set's `confirm` for them.
pub fn codes<D: std::borrow::Borrow<Diagnostic>>(found: &[D]) -> Vec<String> {
    let mut codes: Vec<String> = found
        .iter()
        .map(|d| d.borrow().code())
        .filter(|code| is_guard(*code))
        .map(|code| code.as_str().to_owned())
        .collect();
    codes.sort();
    codes.dedup();
    codes
}

/// What the guards count.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GuardCounts {
    /// Rows matched to a student and free of errors: updates and unchanged rows.
    pub matched: u32,
    /// Non-blank rows.
    pub rows: u32,
    /// Rows that create a student.
    pub created: u32,
    /// Per field of [`GUARDED`], in that order: the matched rows on which it changes.
    pub changed: [u32; GUARDED.len()],
}

impl GuardCounts {
    /// Counts (`sign` 1) or uncounts (-1) one row with its outcome and changes.
    pub fn tally(&mut self, outcome: Outcome, changes: &[Change], sign: i32) {
        let apply = |count: &mut u32| {
            *count = if sign > 0 {
                *count + 1
            } else {
                count.saturating_sub(1)
            };
        };
        if matches!(outcome, Outcome::Blank | Outcome::Absent) {
            return;
        }
        apply(&mut self.rows);
        match outcome {
            Outcome::Unchanged => apply(&mut self.matched),
            Outcome::Update => {
                apply(&mut self.matched);
                for change in changes {
                    if let Some(at) = GUARDED.iter().position(|f| *f == change.field) {
                        apply(&mut self.changed[at]);
                    }
                }
            }
            Outcome::Create => apply(&mut self.created),
            _ => {}
        }
    }

    /// The counts of a change-set against a school of `students` students. A change-set lists
    /// only what changes, so every student it leaves out counts as an unchanged matched row:
    /// the server never finds a guard the page's check of the whole export did not.
    pub fn of_change_set(set: &ChangeSet, students: usize) -> GuardCounts {
        let mut counts = GuardCounts::default();
        let mut updates = 0u32;
        for op in &set.ops {
            match op {
                Op::Update { set, .. } => {
                    updates += 1;
                    for (at, field) in GUARDED.iter().enumerate() {
                        let sets = match field {
                            Field::Classes => set.classes.is_some(),
                            _ => set.get(*field).is_some(),
                        };
                        counts.changed[at] += u32::from(sets);
                    }
                }
                Op::Create { .. } => counts.created += 1,
            }
        }
        let students = u32::try_from(students).unwrap_or(u32::MAX);
        counts.matched = updates.max(students);
        counts.rows = counts.matched.saturating_add(counts.created);
        counts
    }

    /// The guards these counts trip, each at the column `column` gives for its field (the
    /// header as written and its index in the file, when there is one).
    pub fn diagnostics(&self, column: impl Fn(Field) -> (String, Option<u32>)) -> Vec<Diagnostic> {
        let mut found = Vec::new();
        for (field, &changed) in GUARDED.iter().zip(&self.changed) {
            if trips(changed, self.matched) {
                let finding = Finding::MassChange {
                    field: *field,
                    changed,
                    matched: self.matched,
                };
                let (header, index) = column(*field);
                found.push(Diagnostic::new(finding, None).at_column(header, index));
            }
        }
        if trips(self.created, self.rows) {
            let finding = Finding::MassCreate {
                created: self.created,
                rows: self.rows,
            };
            found.push(Diagnostic::new(finding, None));
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::changeset::Values;
    use crate::position::SheetRow;

    fn change(field: Field) -> Change {
        Change {
            field,
            old: Some("a".into()),
            new: "b".into(),
        }
    }

    /// `changed` updates of first names among `matched` matched rows, and `created` creates.
    fn counts(changed: u32, matched: u32, created: u32) -> GuardCounts {
        let mut counts = GuardCounts::default();
        for i in 0..matched {
            if i < changed {
                counts.tally(Outcome::Update, &[change(Field::FirstName)], 1);
            } else {
                counts.tally(Outcome::Unchanged, &[], 1);
            }
        }
        for _ in 0..created {
            counts.tally(Outcome::Create, &[], 1);
        }
        counts
    }

    fn codes(counts: &GuardCounts) -> Vec<(Code, Option<String>)> {
        counts
            .diagnostics(|f| (f.header().to_owned(), None))
            .iter()
            .map(|d| (d.code(), d.column.clone()))
            .collect()
    }

    #[test]
    fn a_quarter_exactly_does_not_trip_one_more_does() {
        assert!(codes(&counts(15, 60, 0)).is_empty());
        assert_eq!(
            codes(&counts(16, 60, 0)),
            [(Code::MassChange, Some("First Name".into()))]
        );
    }

    #[test]
    fn nine_rows_never_trip_ten_do() {
        assert!(codes(&counts(9, 9, 0)).is_empty());
        assert_eq!(codes(&counts(10, 10, 0)).len(), 1);
        assert!(codes(&counts(0, 0, 9)).is_empty());
        assert_eq!(codes(&counts(0, 0, 10)), [(Code::MassCreate, None)]);
        // 10 of 40 rows is a quarter exactly; 11 of 41 is more.
        assert!(codes(&counts(0, 30, 10)).is_empty());
        assert_eq!(codes(&counts(0, 30, 11)), [(Code::MassCreate, None)]);
    }

    #[test]
    fn each_guarded_field_is_counted_on_its_own_and_passwords_never() {
        for field in GUARDED.into_iter().chain([Field::Password]) {
            let mut counts = GuardCounts::default();
            for _ in 0..12 {
                counts.tally(Outcome::Update, &[change(field)], 1);
            }
            let found = counts.diagnostics(|f| (f.header().to_owned(), None));
            if field == Field::Password {
                assert!(found.is_empty());
            } else {
                assert_eq!(found.len(), 1, "{field:?}");
                assert_eq!(
                    found[0].finding,
                    Finding::MassChange {
                        field,
                        changed: 12,
                        matched: 12
                    }
                );
            }
        }
    }

    #[test]
    fn errors_and_blank_rows_count_only_as_rows_or_not_at_all() {
        let mut counts = counts(10, 10, 0);
        counts.tally(Outcome::Error, &[change(Field::FirstName)], 1);
        counts.tally(Outcome::Blank, &[], 1);
        assert_eq!(
            (counts.matched, counts.rows, counts.changed[0]),
            (10, 11, 10)
        );
        counts.tally(Outcome::Update, &[change(Field::FirstName)], -1);
        assert_eq!((counts.matched, counts.rows, counts.changed[0]), (9, 10, 9));
    }

    #[test]
    fn a_change_set_counts_the_students_it_leaves_out_as_unchanged() {
        let update = |row: u32| Op::Update {
            row: SheetRow::new(row),
            guid: format!("g{row}"),
            base: None,
            set: [(Field::LastName, "X".to_owned())].into_iter().collect(),
        };
        let set = ChangeSet {
            id: String::new(),
            school: String::new(),
            created_at: String::new(),
            ops: (2..14).map(update).collect(),
            confirm: Vec::new(),
        };
        // 12 of a school of 40 change: more than a quarter.
        let counts = GuardCounts::of_change_set(&set, 40);
        assert_eq!((counts.matched, counts.changed[1]), (40, 12));
        assert_eq!(codes(&counts).len(), 1);
        // 12 of 60: not.
        assert!(codes(&GuardCounts::of_change_set(&set, 60)).is_empty());
        let creates = ChangeSet {
            ops: (2..14)
                .map(|row| Op::Create {
                    row: SheetRow::new(row),
                    values: Values::default(),
                })
                .collect(),
            ..set
        };
        let counts = GuardCounts::of_change_set(&creates, 30);
        assert_eq!((counts.created, counts.rows), (12, 42));
        assert_eq!(codes(&counts), [(Code::MassCreate, None)]);
    }

    #[test]
    fn unconfirmed_names_the_guards_left() {
        let found = counts(12, 12, 12).diagnostics(|f| (f.header().to_owned(), None));
        assert_eq!(found.len(), 2);
        assert_eq!(unconfirmed(&found, &["mass-change"]).len(), 1);
        assert!(unconfirmed(&found, &["mass-create", "mass-change"]).is_empty());
        assert_eq!(unconfirmed::<&str>(&found, &[]).len(), 2);
        let twice = [found[1].clone(), found[0].clone(), found[1].clone()];
        assert_eq!(super::codes(&twice), ["mass-change", "mass-create"]);
    }
}
