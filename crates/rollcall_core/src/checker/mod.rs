//! The checker: reads the files, runs every rule, and keeps what it learnt so that one edited
//! cell is re-checked without re-checking the whole file.
//!
//! A full check and an incremental one run the same per-row functions ([`Checker::compute`]);
//! the incremental path only has to find every row an edit can affect:
//!
//! - the edited row itself;
//! - the rows sharing its old or new GUID, Student ID or username (duplicate rules);
//! - the rows whose *identification* depends on whether a GUID is on the file (they are
//!   re-matched);
//! - for every student whose set of matching rows changed: those rows, and the rows holding
//!   that student's Student ID or username (duplicate-match, match-conflict, *-taken).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use crate::changes::{changes, new_value};
use crate::changeset::{ChangeSet, Op};
use crate::code::{Lang, Severity};
use crate::cross::{self, RowContext};
use crate::diagnostic::{AllInLang, Diagnostic, order_ties, sort_diagnostics};
use crate::field::Field;
use crate::file_index::{FileIndex, RowKeys};
use crate::matching::{RowMatch, match_row};
use crate::message::FileName;
use crate::options::Options;
use crate::read::{self, ReadOutcome, Table, Unreadable};
use crate::report::{Change, Outcome, Report, RowEntry, RowEntryRef, Summary};
use crate::roster::{Roster, fingerprint};
use crate::rules::{LocalCheck, check_row};

mod json;
pub mod views;

pub use json::{DeltaInLang, RowUpdateInLang};

/// A file to check: its bytes and, when known, its name (for messages and format hints).
///
/// The bytes may be lent or given. Given bytes are freed as soon as the file is read, so a
/// caller that no longer needs them (the command line) keeps the check's memory lower.
#[derive(Debug, Clone)]
pub struct Input<'a> {
    pub bytes: Cow<'a, [u8]>,
    pub file_name: Option<&'a str>,
}

impl<'a> Input<'a> {
    /// `bytes` is a slice (lent) or a `Vec<u8>` (given).
    pub fn new(bytes: impl Into<Cow<'a, [u8]>>, file_name: Option<&'a str>) -> Input<'a> {
        Input {
            bytes: bytes.into(),
            file_name,
        }
    }

    fn read(self, options: &Options) -> ReadOutcome {
        read::read(&self.bytes, self.file_name, options)
    }
}

/// What the rules found on one row.
#[derive(Debug, Clone, PartialEq, Eq)]
struct RowResult {
    outcome: Outcome,
    diagnostics: Vec<Diagnostic>,
    changes: Vec<Change>,
}

/// A blank row's result, the placeholder rows are computed into.
impl Default for RowResult {
    fn default() -> RowResult {
        RowResult::blank()
    }
}

impl RowResult {
    fn blank() -> RowResult {
        RowResult {
            outcome: Outcome::Blank,
            diagnostics: Vec::new(),
            changes: Vec::new(),
        }
    }
}

/// One row's state after an edit: its report entry and all its diagnostics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowUpdate {
    pub entry: RowEntry,
    pub diagnostics: Vec<Diagnostic>,
}

/// What one cell edit changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delta {
    /// The counts after the edit.
    pub summary: Summary,
    /// Every row the edit re-checked, in row order; a row the edit emptied has outcome `blank`.
    pub rows: Vec<RowUpdate>,
    /// Students now absent from the file, with their `row-not-in-file` diagnostic.
    pub absent_added: Vec<RowUpdate>,
    /// GUIDs of students no longer absent.
    pub absent_removed: Vec<String>,
}

/// Why an edit cannot be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditError {
    /// The file has a file-level error, so its rows are not checked.
    NotChecked,
    /// No data row has this spreadsheet row number.
    NoSuchRow(u32),
    /// The file has no column for this field.
    NoSuchColumn(Field),
}

impl std::fmt::Display for EditError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EditError::NotChecked => write!(
                f,
                "the file has a file-level error; its rows are not checked"
            ),
            EditError::NoSuchRow(row) => write!(f, "row {row} is not a data row of the file"),
            EditError::NoSuchColumn(field) => {
                write!(f, "the file has no {} column", field.header())
            }
        }
    }
}

impl std::error::Error for EditError {}

/// A checked file that can be edited cell by cell.
#[derive(Debug, Clone)]
pub struct Checker {
    options: Options,
    table: Table,
    /// File-level diagnostics of both files (row null), `row-not-in-file` excluded.
    file_diagnostics: Vec<Diagnostic>,
    fatal: bool,
    roster: Option<Roster>,
    locals: Vec<LocalCheck>,
    /// Per row: its keys in `index`.
    keys: Vec<RowKeys>,
    matches: Vec<RowMatch>,
    results: Vec<RowResult>,
    index: FileIndex,
    summary: Summary,
}

impl Checker {
    /// Checks `edited` against the original export, if one is given.
    pub fn new(edited: Input, original: Option<Input>, options: &Options) -> Checker {
        let (indexed, roster) = read_both(edited, original, options);
        let (roster, file_diagnostics) = match roster {
            None => (None, Vec::new()),
            Some(Ok(roster)) => (Some(roster), Vec::new()),
            Some(Err(unreadable)) => (None, vec![*unreadable]),
        };
        Checker::build(indexed, roster, file_diagnostics, options)
    }

    /// Checks `edited` against a roster the caller holds (the server's), or none.
    pub fn with_roster(edited: Input, roster: Option<Roster>, options: &Options) -> Checker {
        Checker::build(
            index_file(edited.read(options), options),
            roster,
            Vec::new(),
            options,
        )
    }

    /// A full check of the table as it is now, sharing nothing with this checker's state.
    pub fn rechecked(&self) -> Checker {
        let read = ReadOutcome {
            table: self.table.clone(),
            diagnostics: Vec::new(),
        };
        let mut checker = Checker::build(
            index_file(read, &self.options),
            self.roster.clone(),
            Vec::new(),
            &self.options,
        );
        checker.summary = Summary::default();
        checker.file_diagnostics = self.file_diagnostics.clone();
        checker.fatal = self.fatal;
        checker.retally();
        checker
    }

    fn build(
        indexed: Indexed,
        roster: Option<Roster>,
        mut file_diagnostics: Vec<Diagnostic>,
        options: &Options,
    ) -> Checker {
        let Indexed {
            read,
            mut locals,
            mut index,
            mut keys,
        } = indexed;
        let fatal = read.is_fatal() || !file_diagnostics.is_empty();
        file_diagnostics.extend(read.diagnostics);
        let table = read.table;
        let rows = if fatal { 0 } else { table.len() };
        if fatal {
            // A file-level error (the original export unreadable, say): no row is checked.
            locals.clear();
            keys.clear();
            index = FileIndex::default();
        }
        index.set_students(roster.as_ref().map_or(0, Roster::len));
        let mut checker = Checker {
            options: *options,
            table,
            file_diagnostics,
            fatal,
            roster,
            locals,
            keys,
            matches: Vec::new(),
            results: Vec::new(),
            index,
            summary: Summary::default(),
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
        for (i, matched) in checker.matches.iter().enumerate() {
            checker.index.add_match(i as u32, matched);
        }
        checker.results = crate::parallel::map_rows(rows, |i| checker.compute(i));
        checker.retally();
        checker
    }

    /// The names (first, last, grade) the possible-duplicate rule may ask the roster about: those
    /// of the rows without a GUID (a row without one that matches by Student ID or username is
    /// never asked, but is known only after matching).
    fn names_asked(&self) -> impl Iterator<Item = (&str, &str, &str)> {
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
    fn retally(&mut self) {
        let mut summary = Summary::default();
        summary.tally(Outcome::Blank, &self.file_diagnostics, 1);
        summary.blank = 0;
        for result in &self.results {
            summary.tally(result.outcome, &result.diagnostics, 1);
        }
        for _ in self.absent_students() {
            summary.absent += 1;
            summary.infos += 1;
        }
        self.summary = summary;
    }

    fn match_at(&self, i: usize) -> RowMatch {
        let local = &self.locals[i];
        if local.blank {
            return RowMatch::default();
        }
        let index = &self.index;
        let text = self.table.text();
        match_row(
            &local.values,
            text,
            self.table.column(Field::Guid).is_some(),
            self.roster.as_ref(),
            &|guid| index.guid_on_file(text, guid),
        )
    }

    /// Runs the row's rules given what is known of the whole file.
    fn compute(&self, i: usize) -> RowResult {
        let local = &self.locals[i];
        if local.blank {
            return RowResult::blank();
        }
        let matched = &self.matches[i];
        let values = &local.values;
        let subject = matched
            .subject()
            .and_then(|s| self.roster.as_ref().map(|r| r.student(s)));
        let changes = match subject {
            Some(student) => changes(&self.table, values, Some(&student)),
            None if values.guid.is_some() => Vec::new(),
            None => changes(&self.table, values, None),
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

    fn entry(&self, i: usize) -> RowEntry {
        self.entry_ref(i).to_owned()
    }

    /// Row `i`'s report entry, borrowed from the checker.
    fn entry_ref(&self, i: usize) -> RowEntryRef<'_> {
        let result = &self.results[i];
        let matched = &self.matches[i];
        let subject = matched
            .subject()
            .and_then(|s| self.roster.as_ref().map(|r| (r, s)));
        let values = &self.locals[i].values;
        let guid = match subject {
            Some((roster, student)) => Some(Cow::Borrowed(roster.guid(student))),
            None if self.roster.is_none() && values.guid_valid => values
                .guid
                .map(|g| Cow::Owned(g.get(self.table.text()).to_ascii_lowercase())),
            None => None,
        };
        RowEntryRef {
            row: Some(self.table.row_number(i)),
            export_row: subject.and_then(|(roster, student)| roster.export_row(student)),
            outcome: result.outcome,
            guid,
            matched_by: matched.by,
            changes: &result.changes,
        }
    }

    /// Roster students no row matched or identified, in roster (export) order.
    fn absent_students(&self) -> impl Iterator<Item = u32> + '_ {
        let count = if self.fatal {
            0
        } else {
            self.roster.as_ref().map_or(0, Roster::len)
        };
        (0..count as u32).filter(|&s| !self.index.in_file(s))
    }

    fn absent_update(&self, student: u32) -> Option<RowUpdate> {
        let student = self.roster.as_ref()?.student(student);
        Some(RowUpdate {
            entry: RowEntry {
                row: None,
                export_row: student.export_row,
                outcome: Outcome::Absent,
                guid: Some(student.guid.to_owned()),
                matched_by: None,
                changes: Vec::new(),
            },
            diagnostics: vec![cross::not_in_file::diagnostic(&student)],
        })
    }

    /// Whether row `i` has an entry in the report's `rows`: never a blank row; an unchanged
    /// row without diagnostics only with [`Options::all_rows`] (otherwise it is only counted).
    fn listed(&self, i: usize) -> bool {
        let result = &self.results[i];
        match result.outcome {
            Outcome::Blank => false,
            Outcome::Unchanged => self.options.all_rows || !result.diagnostics.is_empty(),
            _ => true,
        }
    }

    /// The report (SPEC section 6). Its `rows` leave out the unchanged rows without diagnostics
    /// unless the options ask for all rows.
    pub fn report(&self) -> Report {
        let absent = self.absent_updates();
        let mut diagnostics = self.file_level_diagnostics(&absent);
        let mut rows = Vec::with_capacity(if self.options.all_rows {
            self.results.len() + absent.len()
        } else {
            absent.len()
        });
        for (i, result) in self.results.iter().enumerate() {
            diagnostics.extend(result.diagnostics.iter().cloned());
            if self.listed(i) {
                rows.push(self.entry(i));
            }
        }
        rows.extend(absent.into_iter().map(|a| a.entry));
        Report {
            file: self.table.info.clone(),
            summary: self.summary,
            diagnostics,
            rows,
        }
    }

    /// Writes the report's JSON, its messages in `lang`: the same bytes as
    /// `self.report().to_json(lang)`, without building the report in memory first.
    pub fn write_report_json(
        &self,
        mut writer: impl std::io::Write,
        lang: Lang,
    ) -> std::io::Result<()> {
        let w = &mut writer;
        let json = |w: &mut dyn std::io::Write, value: &dyn erased::Json| value.write(w);
        let absent = self.absent_updates();
        w.write_all(b"{\"file\":")?;
        json(w, &self.table.info)?;
        w.write_all(b",\"summary\":")?;
        json(w, &self.summary)?;
        w.write_all(b",\"diagnostics\":")?;
        let mut file_level = self.file_level_diagnostics(&absent);
        order_ties(&mut file_level, lang);
        let mut rows = Vec::new();
        for result in &self.results {
            let start = rows.len();
            rows.extend(result.diagnostics.iter());
            order_ties(&mut rows[start..], lang);
        }
        json(
            w,
            &AllInLang(&[file_level.iter().collect(), rows].concat(), lang),
        )?;
        w.write_all(b",\"rows\":[")?;
        // The row entries are most of the report: written in chunks, two at a time on both
        // cores natively, and handed on in order, so that only two chunks are held at once.
        let chunk = 4096;
        let chunks = self.results.len().div_ceil(chunk);
        let write_chunk = |c: usize| {
            let mut out = Vec::with_capacity(chunk * 160);
            let rows = c * chunk..((c + 1) * chunk).min(self.results.len());
            for i in rows {
                if self.listed(i) {
                    out.push(b',');
                    crate::report::write_entry(&mut out, &self.entry_ref(i));
                }
            }
            out
        };
        let mut first = true;
        for pair in (0..chunks).step_by(2) {
            let written =
                crate::parallel::map_split((chunks - pair).min(2), 2, |c| write_chunk(pair + c));
            for part in &written {
                // Each entry was written after a comma; the very first one goes without.
                let part = match (first, part.split_first()) {
                    (_, None) => continue,
                    (true, Some((_, rest))) => rest,
                    (false, Some(_)) => part.as_slice(),
                };
                first = false;
                w.write_all(part)?;
            }
        }
        let mut out = Vec::new();
        for update in &absent {
            if !first {
                out.push(b',');
            }
            first = false;
            crate::report::write_entry(&mut out, &RowEntryRef::from(&update.entry));
        }
        w.write_all(&out)?;
        w.write_all(b"]}")
    }

    /// The row-null diagnostics (file level, then students not in the file), sorted.
    fn file_level_diagnostics(&self, absent: &[RowUpdate]) -> Vec<Diagnostic> {
        let mut diagnostics = self.file_diagnostics.clone();
        diagnostics.extend(absent.iter().flat_map(|a| a.diagnostics.iter().cloned()));
        sort_diagnostics(&mut diagnostics);
        diagnostics
    }

    fn absent_updates(&self) -> Vec<RowUpdate> {
        self.absent_students()
            .filter_map(|s| self.absent_update(s))
            .collect()
    }

    pub fn summary(&self) -> Summary {
        self.summary
    }

    pub fn table(&self) -> &Table {
        &self.table
    }

    pub fn roster(&self) -> Option<&Roster> {
        self.roster.as_ref()
    }

    /// True when either file could not be read at all (`file-unreadable`).
    pub fn is_unreadable(&self) -> bool {
        self.file_diagnostics
            .iter()
            .any(|d| d.code() == crate::code::Code::FileUnreadable)
    }

    /// True when a file-level error keeps the rows from being checked.
    pub fn is_fatal(&self) -> bool {
        self.fatal
    }

    /// Puts `value` into `field` on spreadsheet row `row` and re-checks every row it affects.
    pub fn set_cell(&mut self, row: u32, field: Field, value: &str) -> Result<Delta, EditError> {
        if self.fatal {
            return Err(EditError::NotChecked);
        }
        let i = self
            .table
            .index_of_row(row)
            .ok_or(EditError::NoSuchRow(row))?;
        if self.table.column(field).is_none() {
            return Err(EditError::NoSuchColumn(field));
        }
        self.table.set_cell(i, field, value);
        let local = check_row(&self.table, i, self.options.limits.max_cell_chars);
        let old = std::mem::replace(&mut self.locals[i], local);
        let new = &self.locals[i];
        let row_index = i as u32;
        let text = self.table.text();
        let old_keys = self.keys[i];
        self.index.remove_values(row_index, &old_keys);
        let new_keys = if new.blank {
            RowKeys::default()
        } else {
            self.index
                .add_values(text, row_index, &new.values, self.roster.as_ref())
        };
        self.keys[i] = new_keys;

        // Rows whose match may change: this one, and those whose identification depends on
        // whether the old or new GUID is on the file.
        let mut rematch = BTreeSet::from([i]);
        let mut affected = BTreeSet::from([i]);
        for keys in [old_keys, new_keys] {
            let index = &self.index;
            let rows = [
                index.guid_rows(keys.guid),
                index.student_id_rows(keys.student_id),
                index.username_rows(keys.username),
            ];
            affected.extend(rows.iter().flat_map(|r| r.iter()).map(|&r| r as usize));
        }
        for values in [&old.values, &self.locals[i].values] {
            if let Some(guid) = values.guid.map(|g| g.get(text))
                && let Some(student) = self.roster.as_ref().and_then(|r| r.by_guid(guid))
            {
                rematch.extend(self.rows_about(student));
            }
        }

        // Students whose rows changed, with whether they were in the file before the edit.
        let mut students: BTreeMap<u32, bool> = BTreeMap::new();
        for &r in &rematch {
            let matched = self.match_at(r);
            let previous = self.matches[r];
            if matched != previous {
                for student in [previous.subject(), matched.subject()]
                    .into_iter()
                    .flatten()
                {
                    students
                        .entry(student)
                        .or_insert_with(|| self.index.in_file(student));
                }
                self.index.remove_match(r as u32, &previous);
                self.index.add_match(r as u32, &matched);
                self.matches[r] = matched;
            }
            affected.insert(r);
        }
        for &student in students.keys() {
            affected.extend(self.rows_about(student));
            affected.extend(self.index.matched_rows(student).iter().map(|&r| r as usize));
        }
        Ok(self.recheck(affected, &students))
    }

    /// Runs the rules again on the `affected` rows and counts anew; `students` are those whose
    /// rows changed, with whether they were in the file before.
    fn recheck(&mut self, affected: BTreeSet<usize>, students: &BTreeMap<u32, bool>) -> Delta {
        for &r in &affected {
            let result = self.compute(r);
            let previous = std::mem::replace(&mut self.results[r], result);
            self.summary
                .tally(previous.outcome, &previous.diagnostics, -1);
            let current = &self.results[r];
            self.summary.tally(current.outcome, &current.diagnostics, 1);
        }

        // Students whose presence in the file changed.
        let mut absent_added = Vec::new();
        let mut absent_removed = Vec::new();
        for (&student, &was_in_file) in students {
            let now_absent = !self.index.in_file(student);
            let was_absent = !was_in_file;
            if now_absent && !was_absent {
                self.summary.absent += 1;
                self.summary.infos += 1;
                absent_added.extend(self.absent_update(student));
            } else if was_absent && !now_absent {
                self.summary.absent -= 1;
                self.summary.infos -= 1;
                if let Some(roster) = &self.roster {
                    absent_removed.push(roster.student(student).guid.to_owned());
                }
            }
        }

        let rows = affected
            .into_iter()
            .map(|r| RowUpdate {
                entry: self.entry(r),
                diagnostics: self.results[r].diagnostics.clone(),
            })
            .collect();
        Delta {
            summary: self.summary,
            rows,
            absent_added,
            absent_removed,
        }
    }

    /// Rows holding the student's Student ID or username: the rows that may identify them or
    /// whose *-taken and match-conflict rules look at them.
    fn rows_about(&self, student: u32) -> Vec<usize> {
        let Some(roster) = &self.roster else {
            return Vec::new();
        };
        let student = roster.student(student);
        let text = self.table.text();
        let mut rows: Vec<u32> = Vec::new();
        if let Some(id) = student.student_id {
            rows.extend(self.index.rows_with_student_id(text, id, Some(roster)));
        }
        if let Some(username) = student.username {
            rows.extend(self.index.rows_with_username(text, username, Some(roster)));
        }
        rows.into_iter().map(|r| r as usize).collect()
    }

    /// The change-set of SPEC section 7: every row with outcome `update` or `create`.
    pub fn change_set(&self, school: &str, id: &str, created_at: &str) -> ChangeSet {
        let mut ops = Vec::new();
        for (i, result) in self.results.iter().enumerate() {
            let values = &self.locals[i].values;
            let row = self.table.row_number(i);
            let given = |field: Field| {
                self.table.column(field)?;
                new_value(&self.table, values, field).map(|v| (field, v.into_owned()))
            };
            match result.outcome {
                Outcome::Update => {
                    let student = self.matches[i]
                        .student
                        .and_then(|s| self.roster.as_ref().map(|r| r.student(s)));
                    let set: BTreeMap<Field, String> = match student {
                        Some(_) => result
                            .changes
                            .iter()
                            .filter_map(|change| given(change.field))
                            .collect(),
                        None => Field::ALL.into_iter().skip(1).filter_map(given).collect(),
                    };
                    ops.push(Op::Update {
                        row,
                        guid: student.map_or_else(
                            || {
                                let guid = values.guid.map(|g| g.get(self.table.text()));
                                guid.unwrap_or_default().to_ascii_lowercase()
                            },
                            |s| s.guid.to_owned(),
                        ),
                        base: student.as_ref().map(fingerprint),
                        set,
                    });
                }
                Outcome::Create => {
                    let values = Field::ALL.into_iter().skip(1).filter_map(given).collect();
                    ops.push(Op::Create { row, values });
                }
                _ => {}
            }
        }
        ChangeSet {
            id: id.to_owned(),
            school: school.to_owned(),
            created_at: created_at.to_owned(),
            ops,
        }
    }
}

mod erased {
    /// Any serialisable value, written as JSON.
    pub trait Json {
        fn write(&self, w: &mut dyn std::io::Write) -> std::io::Result<()>;
    }

    impl<T: serde::Serialize> Json for T {
        fn write(&self, w: &mut dyn std::io::Write) -> std::io::Result<()> {
            serde_json::to_writer(w, self).map_err(std::io::Error::other)
        }
    }
}

/// The roster the original export describes, or the `file-unreadable` diagnostic saying why
/// it is not an export.
fn original_roster(original: Input, options: &Options) -> Result<Roster, Box<Diagnostic>> {
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

type RosterRead = Option<Result<Roster, Box<Diagnostic>>>;

/// A read file with its value rules' findings and the index of its keys: all a check needs
/// of the edited file before it meets the roster.
struct Indexed {
    read: ReadOutcome,
    locals: Vec<LocalCheck>,
    index: FileIndex,
    keys: Vec<RowKeys>,
}

/// Runs the value rules on every row of a read file (none when a file-level error stops it)
/// and indexes its keys.
fn index_file(read: ReadOutcome, options: &Options) -> Indexed {
    let rows = if read.is_fatal() { 0 } else { read.table.len() };
    let max_chars = options.limits.max_cell_chars;
    let locals = crate::parallel::map_rows(rows, |i| check_row(&read.table, i, max_chars));
    let (index, keys) = FileIndex::build(read.table.text(), &locals);
    Indexed {
        read,
        locals,
        index,
        keys,
    }
}

/// Reads and indexes the edited file, and reads the original export into a roster: natively
/// side by side (the two are independent), in WebAssembly one after the other.
fn read_both(edited: Input, original: Option<Input>, options: &Options) -> (Indexed, RosterRead) {
    let (roster, indexed) = crate::parallel::join(
        || original.map(|original| original_roster(original, options)),
        || index_file(edited.read(options), options),
    );
    (indexed, roster)
}
