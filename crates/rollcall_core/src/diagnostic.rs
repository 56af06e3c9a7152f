//! A diagnostic is data: what was found (a typed [`Finding`]), where (row and column) and an
//! optional fix. Its message is worded only when it is shown, in the language asked for then
//! ([`Diagnostic::message`], [`Diagnostic::in_lang`]).

use serde::Serialize;
use serde::ser::{SerializeMap, SerializeStruct};

use crate::code::{Code, Finding, Lang, Severity};
use crate::field::Field;
use crate::json_text::{self, Escape};
use crate::position::SheetRow;

/// A cell edit that resolves a diagnostic: put `value` into `field` on spreadsheet row `row`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub row: SheetRow,
    pub field: Field,
    pub value: String,
}

/// One finding about the file, a row or a cell.
///
/// `row` is the spreadsheet row a person sees (the header is row 1 in an export), or `None` for
/// a finding about the whole file. `column` is the header as written in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub finding: Finding,
    pub row: Option<SheetRow>,
    pub column: Option<String>,
    pub fix: Option<Fix>,
    /// The column's position in the file, used only to sort.
    pub column_index: Option<u32>,
}

impl Diagnostic {
    /// A finding on spreadsheet row `row` (`None`: about the whole file).
    pub fn new(finding: Finding, row: Option<SheetRow>) -> Diagnostic {
        Diagnostic {
            finding,
            row,
            column: None,
            fix: None,
            column_index: None,
        }
    }

    /// The column the finding is about: its header as written and its index in the file.
    pub fn at_column(mut self, header: impl Into<String>, index: Option<u32>) -> Diagnostic {
        self.column = Some(header.into());
        self.column_index = index;
        self
    }

    pub fn with_fix(mut self, fix: Option<Fix>) -> Diagnostic {
        self.fix = fix;
        self
    }

    pub fn code(&self) -> Code {
        self.finding.code()
    }

    pub fn severity(&self) -> Severity {
        self.code().severity()
    }

    /// The message in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        crate::message::render(&self.finding, lang)
    }

    /// The diagnostic as the report's JSON gives it, its message in `lang`.
    pub fn in_lang(&self, lang: Lang) -> InLang<'_> {
        InLang {
            diagnostic: self,
            lang,
        }
    }

    /// Sort key of the report, language-free: row (file-level first), column index (none
    /// first), code. Ties are put in the order of their messages when the report is written
    /// ([`order_ties`]).
    pub fn sort_key(&self) -> (Option<SheetRow>, Option<u32>, &'static str) {
        (self.row, self.column_index, self.code().as_str())
    }
}

/// Adds a rule's diagnostic, if it found one, and says whether it did. A diagnostic is large,
/// and most rules find nothing: the empty answer is looked at where it lies, never moved.
#[inline(always)]
pub(crate) fn add(found: &mut Vec<Diagnostic>, diagnostic: Option<Diagnostic>) -> bool {
    match diagnostic {
        Some(diagnostic) => {
            found.push(diagnostic);
            true
        }
        None => false,
    }
}

/// Sorts diagnostics by [`Diagnostic::sort_key`], keeping the order of ties.
pub fn sort_diagnostics(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

/// Puts diagnostics sorted by [`Diagnostic::sort_key`] into report order: each run of equal
/// keys ordered by message in `lang`. Most runs have one diagnostic and cost nothing.
pub fn order_ties<D: std::borrow::Borrow<Diagnostic>>(diagnostics: &mut [D], lang: Lang) {
    let mut start = 0;
    while start < diagnostics.len() {
        let key = diagnostics[start].borrow().sort_key();
        let end = start
            + diagnostics[start..]
                .iter()
                .take_while(|d| d.borrow().sort_key() == key)
                .count();
        if end - start > 1 {
            diagnostics[start..end].sort_by_cached_key(|d| d.borrow().message(lang));
        }
        start = end;
    }
}

/// A diagnostic with its message in one language: `code`, `severity`, `row`, `column`,
/// `message`, `args` and `fix`, as the report's JSON has them.
#[derive(Debug, Clone, Copy)]
pub struct InLang<'a> {
    diagnostic: &'a Diagnostic,
    lang: Lang,
}

impl Serialize for InLang<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let d = self.diagnostic;
        let mut out = serializer.serialize_struct("Diagnostic", 7)?;
        out.serialize_field("code", &d.code())?;
        out.serialize_field("severity", &d.severity())?;
        out.serialize_field("row", &d.row)?;
        out.serialize_field("column", &d.column)?;
        out.serialize_field("message", &d.message(self.lang))?;
        out.serialize_field("args", &Args(&d.finding))?;
        out.serialize_field("fix", &d.fix)?;
        out.end()
    }
}

impl InLang<'_> {
    /// Appends the diagnostic as JSON: the same bytes as serialising it with serde_json, faster
    /// (a report may hold one for every row).
    pub fn write_json(&self, out: &mut Vec<u8>) {
        let d = self.diagnostic;
        let escape = Escape::Json;
        out.extend_from_slice(b"{\"code\":\"");
        out.extend_from_slice(d.code().as_str().as_bytes());
        out.extend_from_slice(b"\",\"severity\":\"");
        out.extend_from_slice(d.severity().as_str().as_bytes());
        out.extend_from_slice(b"\",\"row\":");
        json_text::number(out, d.row.map(SheetRow::get));
        out.extend_from_slice(b",\"column\":");
        json_text::optional_string(out, d.column.as_deref(), escape);
        out.extend_from_slice(b",\"message\":");
        json_text::string(out, &d.message(self.lang), escape);
        out.extend_from_slice(b",\"args\":{");
        for (i, (key, value)) in crate::message::args(&d.finding).iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            json_text::string(out, key, escape);
            out.push(b':');
            json_text::string(out, value, escape);
        }
        out.extend_from_slice(b"},\"fix\":");
        match &d.fix {
            Some(fix) => {
                out.extend_from_slice(b"{\"row\":");
                json_text::number(out, Some(fix.row.get()));
                out.extend_from_slice(b",\"field\":\"");
                out.extend_from_slice(fix.field.as_str().as_bytes());
                out.extend_from_slice(b"\",\"value\":");
                json_text::string(out, &fix.value, escape);
                out.push(b'}');
            }
            None => out.extend_from_slice(b"null"),
        }
        out.push(b'}');
    }
}

/// A finding's `args` object.
struct Args<'a>(&'a Finding);

impl Serialize for Args<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let args = crate::message::args(self.0);
        let mut map = serializer.serialize_map(Some(args.len()))?;
        for (key, value) in &args {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// Diagnostics serialized with their messages in one language.
pub struct AllInLang<'a, D>(pub &'a [D], pub Lang);

impl<D: std::borrow::Borrow<Diagnostic>> Serialize for AllInLang<'_, D> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|d| d.borrow().in_lang(self.1)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn missing(column: &str) -> Diagnostic {
        Diagnostic::new(
            Finding::MissingColumn {
                column: column.to_owned(),
            },
            None,
        )
    }

    #[test]
    fn ties_are_ordered_by_their_message_in_the_language_shown() {
        let mut diagnostics = vec![missing("Last Name"), missing("First Name")];
        sort_diagnostics(&mut diagnostics);
        order_ties(&mut diagnostics, Lang::En);
        assert_eq!(
            diagnostics[0].message(Lang::En),
            "The required column First Name is missing. Add a column headed First Name to the \
             header row."
        );
    }

    #[test]
    fn json_gives_code_severity_message_and_args() {
        let diagnostic = missing("Grade Level");
        let json = serde_json::to_string(&diagnostic.in_lang(Lang::Es)).expect("json");
        assert_eq!(
            json,
            "{\"code\":\"missing-column\",\"severity\":\"error\",\"row\":null,\"column\":null,\
             \"message\":\"Falta la columna obligatoria Grade Level. Añada una columna con el \
             encabezado Grade Level en la fila de encabezados.\",\"args\":{\"column\":\"Grade \
             Level\"},\"fix\":null}"
        );
    }
}
