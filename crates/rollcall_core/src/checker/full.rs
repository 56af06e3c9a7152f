//! The full check: every row matched and checked against what is known of the whole file,
//! and the reading of both files it starts from.

use std::borrow::Cow;

use crate::changes::changes;
use crate::code::Severity;
use crate::cross::{self, RowContext};
use crate::diagnostic::{Diagnostic, sort_diagnostics};
use crate::field::Field;
use crate::file_index::{FileIndex, RowKeys};
use crate::guards::GuardCounts;
use crate::matching::{RowMatch, match_row};
use crate::message::FileName;
use crate::options::Options;
use crate::position::{PerRow, RowIndex};
use crate::read::{self, ReadOutcome, Unreadable};
use crate::report::{Outcome, Summary};
use crate::roster::Roster;
use crate::rules::{LocalCheck, check_row, classes};
use crate::text::fold_eq;

use super::{Checker, Input, RowResult};

impl Checker {
    pub(super) fn build(
        indexed: Indexed,
        roster: Option<Roster>,
        mut file_diagnostics: Vec<Diagnostic>,
        options: &Options,
    ) -> Checker {
        let Indexed { read, mut locals } = indexed;
        let fatal = read.is_fatal() || !file_diagnostics.is_empty();
        file_diagnostics.extend(read.diagnostics);
        let table = read.table;
        let rows = if fatal { 0 } else { table.len() };
        if fatal {
            // A file-level error (the original export unreadable, say): no row is checked.
            locals.clear();
        }
        let mut keys = PerRow::from(vec![RowKeys::default(); locals.len()]);
        let mut index = FileIndex::default();
        index.share_guids(table.text(), &locals, &mut keys, roster.as_ref());
        index.set_students(roster.as_ref().map_or(0, Roster::len));
        let mut checker = Checker {
            options: *options,
            table,
            file_diagnostics,
            fatal,
            roster,
            locals,
            keys,
            matches: PerRow::default(),
            results: PerRow::default(),
            index,
            summary: Summary::default(),
            guards: GuardCounts::default(),
        };
        let ((), matches) = crate::parallel::join(
            || {
                if let Some(roster) = &checker.roster {
                    roster.prepare_names_for(checker.names_asked());
                }
            },
            || crate::parallel::map_rows(rows, |i| checker.match_at(i)),
        );
        checker.matches = matches;
        checker.index.share_keys(
            checker.table.text(),
            &checker.locals,
            &checker.matches,
            &mut checker.keys,
            checker.roster.as_ref(),
        );
        for (i, matched) in checker.matches.iter_enumerated() {
            checker.index.add_match(i, matched);
        }
        if let Some(roster) = &checker.roster
            && checker.table.column(Field::Classes).is_some()
        {
            let text = checker.table.text();
            // The rows that may list a new class: a cell that reads exactly as the matched
            // student's list is exported (found while matching, on both threads) names none.
            let rows = checker
                .matches
                .iter_enumerated()
                .filter(|(i, matched)| {
                    !matched.exported_classes && checker.locals[*i].values.classes.is_some()
                })
                .map(|(i, _)| (i, &checker.locals[i].values));
            checker.index.new_classes.insert_rows(text, rows, roster);
        }
        checker.results = crate::parallel::map_rows(rows, |i| checker.compute(i));
        checker.retally();
        checker
    }

    /// The names (first, last, grade) the possible-duplicate rule may ask the roster about: those
    /// of the rows without a GUID (a row without one that matches by Student ID or username is
    /// never asked, but is known only after matching).
    pub(super) fn names_asked(&self) -> impl Iterator<Item = (&str, &str, &str)> {
        let text = self.table.text();
        self.locals.iter().filter_map(move |local| {
            let values = &local.values;
            let wanted = !local.blank && values.guid.is_none();
            let grade = values.grade.filter(|_| wanted)?;
            Some((
                values.first_name.get(text),
                values.last_name.get(text),
                grade,
            ))
        })
    }

    /// Counts everything from scratch.
    pub(super) fn retally(&mut self) {
        let mut summary = Summary::default();
        let mut guards = GuardCounts::default();
        summary.tally(Outcome::Blank, &self.file_diagnostics, 1);
        summary.blank = 0;
        for result in &self.results {
            summary.tally(result.outcome, &result.diagnostics, 1);
            guards.tally(result.outcome, &result.changes, 1);
        }
        for _ in self.absent_students() {
            summary.absent += 1;
            summary.infos += 1;
        }
        self.summary = summary;
        self.guards = guards;
        self.summary.warnings += self.guard_diagnostics().len() as u32;
    }

    /// The guards the file trips ([`crate::guards`]): none without a roster to compare with,
    /// or when a file-level error keeps the rows from being checked.
    pub fn guard_diagnostics(&self) -> Vec<Diagnostic> {
        if self.roster.is_none() || self.fatal {
            return Vec::new();
        }
        self.guards.diagnostics(|field| {
            (
                self.table.header(field).to_owned(),
                self.table.column(field),
            )
        })
    }

    pub(super) fn match_at(&self, i: RowIndex) -> RowMatch {
        let local = &self.locals[i];
        if local.blank {
            return RowMatch::default();
        }
        let index = &self.index;
        let mut matched = match_row(
            &local.values,
            self.table.text(),
            index.roster_guid(self.keys[i].guid),
            self.table.column(Field::Guid).is_some(),
            self.roster.as_ref(),
            &|student| {
                self.roster
                    .as_ref()
                    .is_some_and(|roster| index.guid_on_file(roster, student))
            },
        );
        if let (Some(roster), Some(student), Some(cell)) =
            (&self.roster, matched.subject(), local.values.classes)
        {
            matched.exported_classes = cell.get(self.table.text()) == roster.classes_of(student);
        }
        matched
    }

    /// How a class the file names is spelled: as the teacher's class of that name, or, when the
    /// import would create it, as the first row listing it has it (the row that creates it).
    pub(super) fn class_spelling(&self, name: &str) -> String {
        let Some(roster) = &self.roster else {
            return name.to_owned();
        };
        if let Some(existing) = roster.class(name) {
            return existing.to_owned();
        }
        let text = self.table.text();
        let first = self.index.new_classes.first_row(name);
        let cell = first.and_then(|row| self.locals[row].values.classes);
        let (names, _) = classes::read(cell.map_or("", |span| span.get(text)));
        names
            .into_iter()
            .find(|listed| fold_eq(listed, name))
            .map_or_else(|| name.to_owned(), Cow::into_owned)
    }

    /// Runs the row's rules given what is known of the whole file.
    pub(super) fn compute(&self, i: RowIndex) -> RowResult {
        let local = &self.locals[i];
        if local.blank {
            return RowResult::blank();
        }
        let matched = &self.matches[i];
        let values = &local.values;
        let subject = matched
            .subject()
            .and_then(|s| self.roster.as_ref().map(|r| r.student(s)));
        let spell = |name: &str| self.class_spelling(name);
        let changes = match subject {
            Some(student) => changes(
                &self.table,
                values,
                Some(&student),
                &spell,
                matched.exported_classes,
            ),
            None if values.guid.is_some() => Vec::new(),
            None => changes(&self.table, values, None, &spell, false),
        };
        let context = RowContext {
            subject,
            table: &self.table,
            index: i,
            values,
            matched,
            keys: &self.keys[i],
            roster: self.roster.as_ref(),
            file: &self.index,
        };
        let mut diagnostics = local.diagnostics.clone();
        diagnostics.extend(cross::check(&context, &changes));
        sort_diagnostics(&mut diagnostics);
        let outcome = if diagnostics.iter().any(|d| d.severity() == Severity::Error) {
            Outcome::Error
        } else if matched.student.is_some() {
            if changes.is_empty() {
                Outcome::Unchanged
            } else {
                Outcome::Update
            }
        } else if values.guid.is_some() {
            // Only without a roster: there is nothing to compare with.
            Outcome::Update
        } else {
            Outcome::Create
        };
        RowResult {
            outcome,
            diagnostics,
            changes,
        }
    }
}

/// The roster the original export describes, or the `file-unreadable` diagnostic saying why
/// it is not an export.
pub(super) fn original_roster(
    original: Input,
    options: &Options,
) -> Result<Roster, Box<Diagnostic>> {
    let label = FileName::of(original.file_name, FileName::Original);
    let read = read::read_labeled(&original.bytes, original.file_name, &label, options);
    drop(original);
    if read.is_fatal() || read.table.column(Field::Guid).is_none() {
        let unreadable = read
            .diagnostics
            .into_iter()
            .find(|d| d.code() == crate::code::Code::FileUnreadable);
        let unreadable =
            unreadable.unwrap_or_else(|| read::unreadable(&label, Unreadable::NotAnExport));
        return Err(Box::new(unreadable));
    }
    Ok(Roster::from_export(read.table))
}

pub(super) type RosterRead = Option<Result<Roster, Box<Diagnostic>>>;

/// A read file with its value rules' findings: all a check needs of the edited file before it
/// meets the roster.
pub(super) struct Indexed {
    read: ReadOutcome,
    locals: PerRow<LocalCheck>,
}

/// Runs the value rules on every row of a read file (none when a file-level error stops it).
pub(super) fn index_file(read: ReadOutcome, options: &Options) -> Indexed {
    let rows = if read.is_fatal() { 0 } else { read.table.len() };
    let max_chars = options.limits.max_cell_chars;
    let locals = crate::parallel::map_rows(rows, |i| check_row(&read.table, i, max_chars));
    Indexed { read, locals }
}

/// Reads and indexes the edited file, and reads the original export into a roster: natively
/// side by side (the two are independent), in WebAssembly one after the other.
pub(super) fn read_both(
    edited: Input,
    original: Option<Input>,
    options: &Options,
) -> (Indexed, RosterRead) {
    let (roster, indexed) = crate::parallel::join(
        || original.map(|original| original_roster(original, options)),
        || index_file(edited.read(options), options),
    );
    (indexed, roster)
}
