//! The report of SPEC section 6: what the file is, counts, diagnostics and one entry per row.

use serde::Serialize;

use crate::code::Severity;
use crate::diagnostic::Diagnostic;
use crate::field::Field;
use crate::matching::MatchedBy;
use crate::read::FileInfo;

/// What the import will do with a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Unchanged,
    Update,
    Create,
    Error,
    Blank,
    Absent,
}

/// The text that stands for a password in reports.
pub const MASK: &str = "••••••••";

/// One changed field: the roster's value (`None` when it had none) and the file's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub field: Field,
    pub old: Option<String>,
    pub new: String,
}

/// One row of the file, or one absent student (`row` null).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowEntry {
    pub row: Option<u32>,
    pub export_row: Option<u32>,
    pub outcome: Outcome,
    pub guid: Option<String>,
    pub matched_by: Option<MatchedBy>,
    pub changes: Vec<Change>,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Unchanged => "unchanged",
            Outcome::Update => "update",
            Outcome::Create => "create",
            Outcome::Error => "error",
            Outcome::Blank => "blank",
            Outcome::Absent => "absent",
        }
    }
}

/// Writes one row entry as JSON, the same bytes serde writes for [`RowEntry`], faster: the
/// report has one entry per row and most of each is fixed text.
pub fn write_entry(w: &mut dyn std::io::Write, entry: &RowEntry) -> std::io::Result<()> {
    fn number(w: &mut dyn std::io::Write, value: Option<u32>) -> std::io::Result<()> {
        match value {
            Some(n) => write!(w, "{n}"),
            None => w.write_all(b"null"),
        }
    }
    w.write_all(b"{\"row\":")?;
    number(w, entry.row)?;
    w.write_all(b",\"export_row\":")?;
    number(w, entry.export_row)?;
    write!(w, ",\"outcome\":\"{}\",\"guid\":", entry.outcome.as_str())?;
    match &entry.guid {
        // GUIDs are hexadecimal digits and hyphens: nothing to escape.
        Some(guid) if guid.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-') => {
            write!(w, "\"{guid}\"")?
        }
        guid => serde_json::to_writer(&mut *w, guid).map_err(std::io::Error::other)?,
    }
    w.write_all(b",\"matched_by\":")?;
    match entry.matched_by {
        Some(by) => write!(w, "\"{}\"", by.as_str())?,
        None => w.write_all(b"null")?,
    }
    w.write_all(b",\"changes\":")?;
    serde_json::to_writer(&mut *w, &entry.changes).map_err(std::io::Error::other)?;
    w.write_all(b"}")
}

/// Counts of rows by outcome and of diagnostics by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Non-blank data rows.
    pub rows: u32,
    pub unchanged: u32,
    pub update: u32,
    pub create: u32,
    pub error: u32,
    pub blank: u32,
    pub absent: u32,
    pub errors: u32,
    pub warnings: u32,
    pub infos: u32,
}

impl Summary {
    /// Adds (`sign` 1) or takes away (`sign` -1) one row's outcome and diagnostics.
    pub(crate) fn tally(&mut self, outcome: Outcome, diagnostics: &[Diagnostic], sign: i32) {
        let apply = |count: &mut u32, by: u32| {
            *count = if sign > 0 { *count + by } else { *count - by };
        };
        match outcome {
            Outcome::Unchanged => apply(&mut self.unchanged, 1),
            Outcome::Update => apply(&mut self.update, 1),
            Outcome::Create => apply(&mut self.create, 1),
            Outcome::Error => apply(&mut self.error, 1),
            Outcome::Blank => apply(&mut self.blank, 1),
            Outcome::Absent => apply(&mut self.absent, 1),
        }
        if !matches!(outcome, Outcome::Blank | Outcome::Absent) {
            apply(&mut self.rows, 1);
        }
        for diagnostic in diagnostics {
            match diagnostic.severity {
                Severity::Error => apply(&mut self.errors, 1),
                Severity::Warning => apply(&mut self.warnings, 1),
                Severity::Info => apply(&mut self.infos, 1),
            }
        }
    }
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub file: FileInfo,
    pub summary: Summary,
    pub diagnostics: Vec<Diagnostic>,
    pub rows: Vec<RowEntry>,
}

impl Report {
    /// The report as JSON, the same bytes on every platform.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Writes the same JSON as [`Report::to_json`] without holding it in memory.
    pub fn write_json(&self, writer: impl std::io::Write) -> std::io::Result<()> {
        serde_json::to_writer(writer, self).map_err(std::io::Error::other)
    }

    pub fn has_errors(&self) -> bool {
        self.summary.errors > 0
    }

    /// True when either file could not be read at all (exit status 2).
    pub fn is_unreadable(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.code == crate::code::Code::FileUnreadable)
    }
}
