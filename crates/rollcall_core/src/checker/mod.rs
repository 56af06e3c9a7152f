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

use crate::diagnostic::Diagnostic;
use crate::field::Field;
use crate::file_index::{FileIndex, RowKeys};
use crate::guards::GuardCounts;
use crate::matching::RowMatch;
use crate::options::Options;
use crate::position::{PerRow, SheetRow};
use crate::read::{self, ReadOutcome, Table};
use crate::report::{Change, Outcome, RowEntry, Summary};
use crate::roster::Roster;
use crate::rules::LocalCheck;

mod change_set;
mod full;
mod incremental;
mod json;
mod report;
pub mod views;

pub use json::{DeltaInLang, RowUpdateInLang};

use full::{index_file, read_both};

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
    /// The guards the file trips after the edit (all of them, not only new ones).
    pub guards: Vec<Diagnostic>,
}

/// Why an edit cannot be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditError {
    /// The file has a file-level error, so its rows are not checked.
    NotChecked,
    /// No data row has this spreadsheet row number.
    NoSuchRow(SheetRow),
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
    locals: PerRow<LocalCheck>,
    /// Per row: its keys in `index`.
    keys: PerRow<RowKeys>,
    matches: PerRow<RowMatch>,
    results: PerRow<RowResult>,
    index: FileIndex,
    summary: Summary,
    /// What the guards count, kept up to date like the summary.
    guards: GuardCounts,
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
            sheet: None,
        };
        let mut checker = Checker::build(
            index_file(read, &self.options),
            self.roster.clone(),
            Vec::new(),
            &self.options,
        );
        checker.summary = Summary::default();
        checker.guards = GuardCounts::default();
        checker.file_diagnostics = self.file_diagnostics.clone();
        checker.fatal = self.fatal;
        checker.retally();
        checker
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
}
