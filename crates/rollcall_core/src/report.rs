//! The report of SPEC section 6: what the file is, counts, diagnostics, and an entry per row that
//! changes something or carries a diagnostic (per non-blank row with `Options::all_rows`) and
//! per absent student.

use std::borrow::Cow;

use serde::Serialize;

use crate::code::{Lang, Severity};
use crate::diagnostic::{AllInLang, Diagnostic, order_ties};
use crate::field::Field;
use crate::json_text::{self, Escape};
use crate::matching::MatchedBy;
use crate::position::SheetRow;
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
    pub row: Option<SheetRow>,
    pub export_row: Option<SheetRow>,
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

/// A report entry borrowed from the checker, for writing without copying.
#[derive(Debug, Clone)]
pub struct RowEntryRef<'a> {
    pub row: Option<SheetRow>,
    pub export_row: Option<SheetRow>,
    pub outcome: Outcome,
    pub guid: Option<Cow<'a, str>>,
    pub matched_by: Option<MatchedBy>,
    pub changes: &'a [Change],
}

impl RowEntryRef<'_> {
    pub fn to_owned(&self) -> RowEntry {
        RowEntry {
            row: self.row,
            export_row: self.export_row,
            outcome: self.outcome,
            guid: self.guid.as_ref().map(|g| g.clone().into_owned()),
            matched_by: self.matched_by,
            changes: self.changes.to_vec(),
        }
    }
}

impl<'a> From<&'a RowEntry> for RowEntryRef<'a> {
    fn from(entry: &'a RowEntry) -> RowEntryRef<'a> {
        RowEntryRef {
            row: entry.row,
            export_row: entry.export_row,
            outcome: entry.outcome,
            guid: entry.guid.as_deref().map(Cow::Borrowed),
            matched_by: entry.matched_by,
            changes: &entry.changes,
        }
    }
}

/// Appends one row entry as JSON: the same bytes serde writes for [`RowEntry`], faster. The
/// report may have one entry per row, and most of each entry is fixed text.
pub fn write_entry(out: &mut Vec<u8>, entry: &RowEntryRef) {
    let escape = Escape::Json;
    out.extend_from_slice(b"{\"row\":");
    json_text::number(out, entry.row.map(SheetRow::get));
    out.extend_from_slice(b",\"export_row\":");
    json_text::number(out, entry.export_row.map(SheetRow::get));
    out.extend_from_slice(b",\"outcome\":\"");
    out.extend_from_slice(entry.outcome.as_str().as_bytes());
    out.extend_from_slice(b"\",\"guid\":");
    json_text::optional_string(out, entry.guid.as_deref(), escape);
    out.extend_from_slice(b",\"matched_by\":");
    json_text::optional_string(out, entry.matched_by.map(MatchedBy::as_str), escape);
    out.extend_from_slice(b",\"changes\":[");
    for (i, change) in entry.changes.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"field\":\"");
        out.extend_from_slice(change.field.as_str().as_bytes());
        out.extend_from_slice(b"\",\"old\":");
        json_text::optional_string(out, change.old.as_deref(), escape);
        out.extend_from_slice(b",\"new\":");
        json_text::string(out, &change.new, escape);
        out.push(b'}');
    }
    out.extend_from_slice(b"]}");
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
            match diagnostic.severity() {
                Severity::Error => apply(&mut self.errors, 1),
                Severity::Warning => apply(&mut self.warnings, 1),
                Severity::Info => apply(&mut self.infos, 1),
            }
        }
    }
}

/// The whole report. Its diagnostics are data; [`Report::in_lang`] and [`Report::to_json`]
/// word their messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub file: FileInfo,
    pub summary: Summary,
    pub diagnostics: Vec<Diagnostic>,
    pub rows: Vec<RowEntry>,
}

impl Report {
    /// The report as JSON, messages in `lang`: the same bytes on every platform.
    pub fn to_json(&self, lang: Lang) -> String {
        serde_json::to_string(&self.in_lang(lang)).unwrap_or_default()
    }

    /// The report with its messages in `lang`, ready to serialize.
    pub fn in_lang(&self, lang: Lang) -> ReportInLang<'_> {
        ReportInLang { report: self, lang }
    }

    pub fn has_errors(&self) -> bool {
        self.summary.errors > 0
    }

    /// True when either file could not be read at all (exit status 2).
    pub fn is_unreadable(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.code() == crate::code::Code::FileUnreadable)
    }
}

/// A report with its messages in one language (see [`Report::in_lang`]).
pub struct ReportInLang<'a> {
    report: &'a Report,
    lang: Lang,
}

impl Serialize for ReportInLang<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let report = self.report;
        let mut diagnostics: Vec<&Diagnostic> = report.diagnostics.iter().collect();
        order_ties(&mut diagnostics, self.lang);
        let mut out = serializer.serialize_struct("Report", 4)?;
        out.serialize_field("file", &report.file)?;
        out.serialize_field("summary", &report.summary)?;
        out.serialize_field("diagnostics", &AllInLang(&diagnostics, self.lang))?;
        out.serialize_field("rows", &report.rows)?;
        out.end()
    }
}
