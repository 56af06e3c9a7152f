//! The report in parts, for a JavaScript decoder to build the report object from: the npm
//! package's `check` (see `pkg/js/report.js`, which reads what this module writes).
//!
//! `JSON.parse` of a whole report spends most of its time on the keys and structure of its
//! many small objects (a row entry, each change, each diagnostic). Here the structure goes as
//! numbers and the strings in a flat JSON array, which `JSON.parse` reads several times
//! faster; the decoder builds the objects with their keys written in its own code.
//!
//! - `head`: `{"file":…,"summary":…}` as the report's JSON has them.
//! - `strings`: a JSON array of strings, every character outside ASCII escaped. Names the
//!   report repeats (codes, severities, outcomes, fields, argument names) appear once each.
//! - `numbers`: the structure, each value a `u32`, [`NULL`] for `null` (no row number comes
//!   near it). A string is its place in `strings`.
//!
//! ```text
//! numbers = diagnostic-count diagnostic* row-count row*
//! diagnostic = code severity row column? message arg-count (key value)* fix
//! fix = NULL | row field value
//! row = row? export_row? outcome guid? matched_by? change-count (field old? new)*
//! ```

use rustc_hash::FxHashMap;
use serde_json::{Map, Value, json};

use crate::code::Lang;
use crate::diagnostic::Diagnostic;
use crate::json_text::{self, Escape};
use crate::position::SheetRow;
use crate::report::RowEntryRef;

/// `null` among the numbers.
pub const NULL: u32 = u32::MAX;

/// A report in parts (see the module's documentation).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportParts {
    pub head: String,
    pub strings: String,
    pub numbers: Vec<u32>,
}

impl ReportParts {
    /// The report's JSON value rebuilt from its parts, as the package's decoder builds it: the
    /// reference the decoder and the tests hold the parts to. Panics on parts this module did
    /// not write.
    pub fn to_value(&self) -> Value {
        let parts = self;
        let strings: Vec<String> = serde_json::from_str(&parts.strings).expect("a string array");
        let mut head: Map<String, Value> = serde_json::from_str(&parts.head).expect("the head");
        let mut numbers = parts.numbers.iter().copied();
        let mut next = || numbers.next().expect("more numbers");
        let text = |at: u32| match at {
            NULL => Value::Null,
            at => Value::String(strings[at as usize].clone()),
        };
        let number = |n: u32| if n == NULL { Value::Null } else { json!(n) };
        let mut diagnostics = Vec::new();
        for _ in 0..next() {
            let (code, severity, row, column, message) = (next(), next(), next(), next(), next());
            let mut args = Map::new();
            for _ in 0..next() {
                let key = strings[next() as usize].clone();
                args.insert(key, text(next()));
            }
            let fix = match next() {
                NULL => Value::Null,
                row => json!({"row": row, "field": text(next()), "value": text(next())}),
            };
            diagnostics.push(json!({
                "code": text(code), "severity": text(severity), "row": number(row),
                "column": text(column), "message": text(message), "args": args, "fix": fix,
            }));
        }
        let mut rows = Vec::new();
        for _ in 0..next() {
            let (row, export_row, outcome, guid, by) = (next(), next(), next(), next(), next());
            let mut changes = Vec::new();
            for _ in 0..next() {
                let (field, old, new) = (next(), next(), next());
                changes.push(json!({"field": text(field), "old": text(old), "new": text(new)}));
            }
            rows.push(json!({
                "row": number(row), "export_row": number(export_row), "outcome": text(outcome),
                "guid": text(guid), "matched_by": text(by), "changes": changes,
            }));
        }
        assert_eq!(numbers.next(), None, "numbers left over");
        head.insert("diagnostics".into(), Value::Array(diagnostics));
        head.insert("rows".into(), Value::Array(rows));
        Value::Object(head)
    }
}

/// Writes [`ReportParts`].
#[derive(Debug)]
pub(crate) struct PartsWriter {
    strings: Vec<u8>,
    count: u32,
    numbers: Vec<u32>,
    /// The place of each name already written.
    names: FxHashMap<Box<str>, u32>,
}

impl PartsWriter {
    pub(crate) fn new(strings: usize) -> PartsWriter {
        let mut bytes = Vec::with_capacity(strings * 24 + 2);
        bytes.push(b'[');
        PartsWriter {
            strings: bytes,
            count: 0,
            numbers: Vec::with_capacity(strings * 2),
            names: FxHashMap::default(),
        }
    }

    /// Appends a string to `strings` and returns its place.
    fn add(&mut self, value: &str) -> u32 {
        if self.count > 0 {
            self.strings.push(b',');
        }
        json_text::string(&mut self.strings, value, Escape::Ascii);
        self.count += 1;
        self.count - 1
    }

    fn string(&mut self, value: &str) {
        let at = self.add(value);
        self.numbers.push(at);
    }

    fn optional_string(&mut self, value: Option<&str>) {
        match value {
            Some(value) => self.string(value),
            None => self.numbers.push(NULL),
        }
    }

    /// A string the report repeats (a code, a field's name): written once, then referred to.
    fn name(&mut self, value: &str) {
        let at = match self.names.get(value) {
            Some(&at) => at,
            None => {
                let at = self.add(value);
                self.names.insert(value.into(), at);
                at
            }
        };
        self.numbers.push(at);
    }

    fn optional_name(&mut self, value: Option<&str>) {
        match value {
            Some(value) => self.name(value),
            None => self.numbers.push(NULL),
        }
    }

    fn row(&mut self, row: Option<SheetRow>) {
        let number = row.map_or(NULL, SheetRow::get);
        debug_assert!(row.is_none() || number != NULL);
        self.numbers.push(number);
    }

    fn count(&mut self, count: usize) {
        self.numbers.push(u32::try_from(count).unwrap_or(NULL));
    }

    /// The diagnostics, in the report's order.
    pub(crate) fn diagnostics<'d>(
        &mut self,
        count: usize,
        diagnostics: impl Iterator<Item = &'d Diagnostic>,
        lang: Lang,
    ) {
        self.count(count);
        for d in diagnostics {
            self.name(d.code().as_str());
            self.name(d.severity().as_str());
            self.row(d.row);
            self.optional_name(d.column.as_deref());
            self.string(&d.message(lang));
            let args = crate::message::args(&d.finding);
            self.count(args.len());
            for (key, value) in &args {
                self.name(key);
                self.string(value);
            }
            match &d.fix {
                Some(fix) => {
                    self.row(Some(fix.row));
                    self.name(fix.field.as_str());
                    self.string(&fix.value);
                }
                None => self.numbers.push(NULL),
            }
        }
    }

    /// The count of row entries that follow.
    pub(crate) fn entries(&mut self, count: usize) {
        self.count(count);
    }

    /// One row entry.
    pub(crate) fn entry(&mut self, entry: &RowEntryRef) {
        self.row(entry.row);
        self.row(entry.export_row);
        self.name(entry.outcome.as_str());
        self.optional_string(entry.guid.as_deref());
        self.optional_name(entry.matched_by.map(|by| by.as_str()));
        self.count(entry.changes.len());
        for change in entry.changes {
            self.name(change.field.as_str());
            self.optional_string(change.old.as_deref());
            self.string(&change.new);
        }
    }

    pub(crate) fn finish(mut self, head: String) -> ReportParts {
        self.strings.push(b']');
        ReportParts {
            head,
            // Only ASCII was written.
            strings: String::from_utf8(self.strings).unwrap_or_default(),
            numbers: self.numbers,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn names_are_written_once_and_strings_every_time() {
        let mut writer = PartsWriter::new(4);
        writer.name("update");
        writer.string("Ana");
        writer.name("update");
        writer.string("Ana");
        writer.optional_string(None);
        let parts = writer.finish(String::new());
        assert_eq!(parts.strings, r#"["update","Ana","Ana"]"#);
        assert_eq!(parts.numbers, [0, 1, 0, 2, NULL]);
    }

    #[test]
    fn strings_are_ascii_json() {
        let mut writer = PartsWriter::new(1);
        writer.string("José \"𝄞\"\n");
        let parts = writer.finish(String::new());
        assert_eq!(parts.strings, r#"["Jos\u00e9 \"\ud834\udd1e\"\n"]"#);
        let back: Vec<String> = serde_json::from_str(&parts.strings).unwrap();
        assert_eq!(back, ["José \"𝄞\"\n"]);
    }
}
