//! (Named `incremental_check`, not `incremental`: Cargo forbids a binary called `incremental`,
//! the name of one of its build directories.)
//!
//! The incremental checker must agree with a full check after every cell edit.
//!
//! The input is decoded into (1) a small CSV roster file, (2) a few `set_cell` edits, and
//! (3) optionally a fixed original export to match against:
//!
//! - byte 0: bit 0 = check against the export; bits 1..=3 = number of data rows - 1 (1..=8);
//!   bit 4 = reverse the column order; bit 5 = leave a blank line after the header.
//! - byte 1: bits 0..=3 = which optional columns the file has (Student GUID, Student ID,
//!   Username, Password); First Name, Last Name and Grade Level are always there.
//! - then one byte per cell, row by row, for every column of the file: a value from a small
//!   per-field vocabulary (so rows collide often), or, when the byte is >= 0xF0, one of the
//!   free strings below.
//! - then up to 16 edits of 3 bytes: row pick, field pick (any of the 7 fields, so edits of a
//!   missing column are tried too), value pick (vocabulary or free string, as for cells).
//! - after a 0xFF 0xFF marker, the rest of the input split on 0xFF gives the free strings
//!   (lossy UTF-8): arbitrary values the vocabulary lacks.
//!
//! After each accepted edit: `checker.report() == checker.rechecked().report()` and the
//! delta's summary equals the full check's.
//!
//! `ROLLCALL_FUZZ_DEBUG=1` prints the decoded file and each edit (for triage: run the built
//! binary on one input).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use rollcall_core::{Checker, Field, Input, Options};

fn debug() -> bool {
    static DEBUG: OnceLock<bool> = OnceLock::new();
    *DEBUG.get_or_init(|| std::env::var_os("ROLLCALL_FUZZ_DEBUG").is_some())
}

const GUIDS: [&str; 6] = [
    "11111111-1111-4111-8111-111111111111",
    "22222222-2222-4222-8222-222222222222",
    "33333333-3333-4333-8333-333333333333",
    "44444444-4444-4444-8444-444444444444",
    "55555555-5555-4555-8555-555555555555",
    "66666666-6666-4666-8666-666666666666",
];

/// An export of 5 students with distinct GUIDs, Student IDs and usernames.
fn export() -> String {
    let firsts = ["Ana", "Ben", "Cara", "Dev", "Eli"];
    let grades = ["KG", "01", "03", "03", "12"];
    let mut text =
        String::from("Student GUID,Student ID,First Name,Last Name,Grade Level,Username,Password,Classes\n");
    let classes = ["Math 3", "Math 3; Reading", "", "Reading", "Art; math 3"];
    for i in 0..5 {
        text.push_str(&format!(
            "{},00{i}{i},{},Lopez,{},user.{i},,{}\n",
            GUIDS[i], firsts[i], grades[i], classes[i]
        ));
    }
    text
}

fn vocabulary(field: Field) -> &'static [&'static str] {
    match field {
        Field::Guid => &[
            "",
            "11111111-1111-4111-8111-111111111111",
            "22222222-2222-4222-8222-222222222222",
            "33333333-3333-4333-8333-333333333333",
            "44444444-4444-4444-8444-444444444444",
            "55555555-5555-4555-8555-555555555555",
            "99999999-9999-4999-8999-999999999999",
            "11111111-1111-4111-8111-11111111111X",
            "{22222222-2222-4222-8222-222222222222}",
        ],
        Field::StudentId => &["", "0000", "0011", "11", "0022", "0033", "22", "ABC", "1E+5", "0044"],
        Field::FirstName => &["Ana", "Ben", "Cara", "", "=Bad", "JosÃ©", "ana", "Dev", "Eli"],
        Field::LastName => &["Lopez", "López", "Kim", "", "lopez"],
        Field::Grade => &["KG", "01", "3", "03", "k", "14", "", "12", "PK", "1st"],
        Field::Username => &["", "user.0", "user.1", "user.2", "User.3", "new.one", "x", "user.4"],
        Field::Password => &["", "Sunflower!42", "short", "user.1", " spaced "],
        Field::Classes => &[
            "",
            "Math 3",
            "reading; MATH 3",
            "Math3",
            "Science Club",
            "Science Club; Art",
            "Reading;reading",
            "=Bad",
        ],
    }
}

struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn next(&mut self) -> Option<u8> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }
}

fn value(field: Field, pick: u8, free: &[String]) -> String {
    if pick >= 0xF0 && !free.is_empty() {
        return free[usize::from(pick - 0xF0) % free.len()].clone();
    }
    let words = vocabulary(field);
    words[usize::from(pick) % words.len()].to_owned()
}

/// A CSV field, quoted when it has to be.
fn quote(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) || text.starts_with(' ') || text.ends_with(' ') {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

fuzz_target!(|data: &[u8]| {
    // Free strings come after the first 0xFF 0xFF.
    let (structured, free) = match data.windows(2).position(|w| w == [0xFF, 0xFF]) {
        Some(at) => (&data[..at], &data[at + 2..]),
        None => (data, &[][..]),
    };
    let free: Vec<String> = if free.is_empty() {
        Vec::new()
    } else {
        free.split(|&b| b == 0xFF)
            .take(16)
            .map(|s| String::from_utf8_lossy(&s[..s.len().min(2048)]).into_owned())
            .collect()
    };
    let mut input = Bytes(structured);
    let Some(flags) = input.next() else { return };
    let optional = input.next().unwrap_or(0x0F);
    let with_roster = flags & 1 != 0;
    let rows = 1 + usize::from((flags >> 1) & 7);
    let mut columns: Vec<Field> = Field::ALL
        .into_iter()
        .filter(|field| match field {
            Field::Guid => optional & 1 != 0,
            Field::StudentId => optional & 2 != 0,
            Field::Username => optional & 4 != 0,
            Field::Password => optional & 8 != 0,
            _ => true,
        })
        .collect();
    if flags & 0x10 != 0 {
        columns.reverse();
    }
    let mut csv = columns.iter().map(|f| f.header()).collect::<Vec<_>>().join(",");
    csv.push('\n');
    if flags & 0x20 != 0 {
        csv.push('\n');
    }
    for _ in 0..rows {
        let line: Vec<String> = columns
            .iter()
            .map(|&field| quote(&value(field, input.next().unwrap_or(0), &free)))
            .collect();
        csv.push_str(&line.join(","));
        csv.push('\n');
    }

    // Every row listed, so that each re-checked row is compared with the full check's entry.
    let options = Options {
        all_rows: true,
        ..Options::default()
    };
    let export = export();
    let mut checker = Checker::new(
        Input::new(csv.as_bytes(), Some("e.csv")),
        with_roster.then(|| Input::new(export.as_bytes(), Some("x.csv"))),
        &options,
    );
    if debug() {
        eprintln!("--- roster: {with_roster}, fatal: {}\n{csv}", checker.is_fatal());
    }
    let first_row = 2 + u32::from(flags & 0x20 != 0);
    for _ in 0..16 {
        let (Some(row_pick), Some(field_pick), Some(value_pick)) =
            (input.next(), input.next(), input.next())
        else {
            break;
        };
        // Mostly rows of the file; sometimes the header row or one past the end.
        let row = match row_pick {
            0xFE => 1,
            0xFF => first_row + rows as u32,
            _ => first_row + u32::from(row_pick) % rows as u32,
        };
        let field = Field::ALL[usize::from(field_pick) % Field::ALL.len()];
        let value = value(field, value_pick, &free);
        let edit = checker.set_cell(rollcall_core::SheetRow::new(row), field, &value);
        if debug() {
            let result = edit.as_ref().map(|d| d.summary).map_err(ToString::to_string);
            eprintln!("set_cell({row}, {field:?}, {value:?}) -> {result:?}");
        }
        let Ok(delta) = edit else {
            continue;
        };
        let full = checker.rechecked().report();
        let incremental = checker.report();
        assert_eq!(
            incremental, full,
            "incremental report differs from a full check after setting row {row} {field:?} to {value:?}\nfile:\n{csv}"
        );
        assert_eq!(delta.summary, full.summary, "delta summary after setting row {row} {field:?} to {value:?}");
        for update in &delta.rows {
            if let Some(entry) = full.rows.iter().find(|r| r.row == update.entry.row) {
                assert_eq!(entry, &update.entry, "delta row after setting row {row} {field:?} to {value:?}");
            }
        }
    }
});
