//! The fixture suite: every case directory under `tests/fixtures` (a directory holding an
//! `expect.json`, see `tests/fixtures/README.md`) is checked with the built `rollcall` binary:
//!
//! ```text
//! rollcall check EDITED [--original export.csv] --format json      (in the case directory)
//! ```
//!
//! and again with `--all-rows`,
//! and its report must say what the case's `expect.json` says, which is what SPEC.md implies
//! (not what the engine happened to print). Each case also
//! - is snapshotted with insta (`snapshots/fixtures__<area>__<case>.snap`), so reviewers can read
//!   the behaviour;
//! - is run twice, and the two JSON outputs must be byte-identical;
//! - is run with `--lang es`, which must change the messages and nothing else;
//! - must satisfy the report invariants of SPEC.md section 6 (order, counts, severities), and
//!   its `rows` must be the `--all-rows` report's without the unchanged rows that carry no
//!   diagnostic (the `rows` expectations are checked against the `--all-rows` report);
//! - with a `twin` (a workbook made from a CSV), must give the same `[row, code]` pairs as it.
//!
//! A case where the engine disagrees with SPEC.md is `#[ignore]`d with the reason: run
//! `cargo test -p rollcall --test fixtures -- --ignored` to see them fail.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use rollcall_core::report::MASK;
use serde_json::Value;

/// One case per test, so a failure names its case. `every_case_is_listed` keeps this list
/// equal to the directories on disk.
macro_rules! cases {
    ($( $(#[$attr:meta])* $name:ident => $path:literal, )*) => {
        const CASES: &[&str] = &[$($path),*];
        $(
            $(#[$attr])*
            #[test]
            fn $name() {
                check_case($path);
            }
        )*
    };
}

cases! {
    columns_duplicate_column => "columns/duplicate-column",
    columns_duplicate_column_alias => "columns/duplicate-column-alias",
    columns_error_file_reimport => "columns/error-file-reimport",
    columns_header_aliases => "columns/header-aliases",
    columns_header_aliases_reordered => "columns/header-aliases-reordered",
    columns_header_below_blank_rows => "columns/header-below-blank-rows",
    columns_missing_column => "columns/missing-column",
    columns_missing_column_misspelt => "columns/missing-column-misspelt",
    columns_unknown_column => "columns/unknown-column",
    csv_blank_rows_middle => "csv/blank-rows-middle",
    csv_crlf => "csv/crlf",
    csv_delimiter_quoted_header => "csv/delimiter-quoted-header",
    csv_delimiter_tie => "csv/delimiter-tie",
    csv_quoted_fields => "csv/quoted-fields",
    csv_quoted_newline => "csv/quoted-newline",
    csv_ragged_rows => "csv/ragged-rows",
    csv_semicolon => "csv/semicolon",
    csv_semicolons_in_data => "csv/semicolons-in-data",
    csv_tab => "csv/tab",
    csv_trailing_empty => "csv/trailing-empty",
    csv_whitespace_trim => "csv/whitespace-trim",
    diff_guid_modified => "diff/guid-modified",
    diff_guid_removed => "diff/guid-removed",
    diff_leading_zeros_lost => "diff/leading-zeros-lost",
    diff_leading_zeros_lost_guid_modified => "diff/leading-zeros-lost-guid-modified",
    diff_leading_zeros_lost_guid_removed => "diff/leading-zeros-lost-guid-removed",
    diff_leading_zeros_lost_no_guid => "diff/leading-zeros-lost-no-guid",
    diff_mojibake => "diff/mojibake",
    diff_row_not_in_file => "diff/row-not-in-file",
    encoding_export_with_bom => "encoding/export-with-bom",
    encoding_mixed_utf8_and_1252 => "encoding/mixed-utf8-and-1252",
    encoding_utf8_bom => "encoding/utf8-bom",
    encoding_utf8_bom_semicolon => "encoding/utf8-bom-semicolon",
    encoding_windows_1252 => "encoding/windows-1252",
    encoding_windows_1252_c1_byte => "encoding/windows-1252-c1-byte",
    examples_clean_edit => "examples/clean-edit",
    examples_grades => "examples/grades",
    examples_guid_modified => "examples/guid-modified",
    examples_missing_column => "examples/missing-column",
    examples_new_students => "examples/new-students",
    examples_xlsx_numeric => "examples/xlsx-numeric",
    files_csv_named_txt => "files/csv-named-txt",
    files_empty_file => "files/empty-file",
    files_empty_file_blank_lines => "files/empty-file-blank-lines",
    files_empty_file_header_only => "files/empty-file-header-only",
    files_sixty_four_columns => "files/sixty-four-columns",
    files_too_many_columns => "files/too-many-columns",
    files_too_many_columns_data_row => "files/too-many-columns-data-row",
    files_unreadable_csv_named_xls => "files/unreadable-csv-named-xls",
    files_unreadable_nul_bytes => "files/unreadable-nul-bytes",
    files_unreadable_original => "files/unreadable-original",
    files_unreadable_pdf_named_xlsx => "files/unreadable-pdf-named-xlsx",
    files_unreadable_utf16 => "files/unreadable-utf16",
    files_xls_named_xlsx => "files/xls-named-xlsx",
    files_xlsx_named_csv => "files/xlsx-named-csv",
    files_zip_bomb_lying_sizes_xlsx => "files/zip-bomb-lying-sizes-xlsx",
    files_zip_bomb_xlsx => "files/zip-bomb-xlsx",
    matching_duplicate_guid => "matching/duplicate-guid",
    matching_duplicate_match => "matching/duplicate-match",
    matching_duplicate_match_guid_and_sid => "matching/duplicate-match-guid-and-sid",
    matching_duplicate_student_id => "matching/duplicate-student-id",
    matching_duplicate_username => "matching/duplicate-username",
    matching_match_conflict => "matching/match-conflict",
    matching_no_guid_column => "matching/no-guid-column",
    matching_one_matching_error => "matching/one-matching-error",
    matching_possible_duplicate => "matching/possible-duplicate",
    matching_student_id_case_insensitive => "matching/student-id-case-insensitive",
    matching_student_id_taken => "matching/student-id-taken",
    matching_trade_with_guids => "matching/trade-with-guids",
    matching_unknown_guid => "matching/unknown-guid",
    matching_username_taken => "matching/username-taken",
    matching_username_trade_no_guid => "matching/username-trade-no-guid",
    no_original_basic => "no-original/basic",
    no_original_value_rules => "no-original/value-rules",
    values_formula_like_value => "values/formula-like-value",
    values_grade_case_insensitive => "values/grade-case-insensitive",
    values_grade_leading_zeros => "values/grade-leading-zeros",
    values_grade_normalized_existing => "values/grade-normalized-existing",
    values_grade_normalized_new => "values/grade-normalized-new",
    values_grade_vocabulary => "values/grade-vocabulary",
    values_invalid_characters => "values/invalid-characters",
    values_invalid_grade => "values/invalid-grade",
    values_invalid_guid => "values/invalid-guid",
    values_password => "values/password",
    values_password_stored_username => "values/password-stored-username",
    values_required_value => "values/required-value",
    values_student_id => "values/student-id",
    values_username => "values/username",
    values_value_too_long => "values/value-too-long",
    workbooks_date_cell_ods => "workbooks/date-cell-ods",
    workbooks_date_cell_xls => "workbooks/date-cell-xls",
    workbooks_date_cell_xlsx => "workbooks/date-cell-xlsx",
    workbooks_formula_cells_ods => "workbooks/formula-cells-ods",
    workbooks_formula_cells_xlsx => "workbooks/formula-cells-xlsx",
    workbooks_handmade_xlsx => "workbooks/handmade-xlsx",
    workbooks_header_on_row_3_xlsx => "workbooks/header-on-row-3-xlsx",
    workbooks_numbers_typed_ods => "workbooks/numbers-typed-ods",
    workbooks_numbers_typed_xls => "workbooks/numbers-typed-xls",
    workbooks_numbers_typed_xlsx => "workbooks/numbers-typed-xlsx",
    workbooks_original_xlsx => "workbooks/original-xlsx",
    workbooks_twin_csv => "workbooks/twin-csv",
    workbooks_twin_ods => "workbooks/twin-ods",
    workbooks_twin_xls => "workbooks/twin-xls",
    workbooks_twin_xlsm => "workbooks/twin-xlsm",
    workbooks_twin_xlsx => "workbooks/twin-xlsx",
    workbooks_two_sheets_first_xlsx => "workbooks/two-sheets-first-xlsx",
    workbooks_two_sheets_second_ods => "workbooks/two-sheets-second-ods",
    workbooks_two_sheets_second_xls => "workbooks/two-sheets-second-xls",
    workbooks_two_sheets_second_xlsx => "workbooks/two-sheets-second-xlsx",
}

// ------------------------------------------------------------------------------------------------
// Running the binary
// ------------------------------------------------------------------------------------------------

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

struct Run {
    stdout: String,
    json: Value,
    exit: i32,
}

/// Runs `rollcall check` in `dir` with paths relative to it, so messages naming the file do not
/// depend on where the repository is.
fn rollcall_check(
    dir: &Path,
    edited: &str,
    original: Option<&str>,
    lang: Option<&str>,
    all_rows: bool,
) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rollcall"));
    command.current_dir(dir).arg("check").arg(edited);
    if let Some(original) = original {
        command.arg("--original").arg(original);
    }
    command.args(["--format", "json"]);
    if all_rows {
        command.arg("--all-rows");
    }
    if let Some(lang) = lang {
        command.args(["--lang", lang]);
    }
    let output = command.output().expect("run rollcall");
    let stdout = String::from_utf8(output.stdout).expect("stdout is UTF-8");
    let json: Value = serde_json::from_str(&stdout).unwrap_or_else(|error| {
        panic!(
            "{}: rollcall check {edited} did not print JSON ({error}); stderr:\n{}\nstdout:\n{stdout}",
            dir.display(),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    Run {
        stdout,
        json,
        exit: output.status.code().expect("exit status"),
    }
}

/// What a case's `expect.json` says to run.
struct Invocation {
    dir: PathBuf,
    edited: String,
    original: Option<String>,
}

fn load_expect(case: &str) -> (Invocation, Value) {
    let dir = fixtures_dir().join(case);
    let text = std::fs::read_to_string(dir.join("expect.json"))
        .unwrap_or_else(|error| panic!("{case}/expect.json: {error}"));
    let expect: Value =
        serde_json::from_str(&text).unwrap_or_else(|error| panic!("{case}/expect.json: {error}"));
    let edited = expect["edited"]
        .as_str()
        .unwrap_or_else(|| panic!("{case}/expect.json: \"edited\" names the edited file"))
        .to_owned();
    let original = match expect.get("original") {
        Some(Value::Null) => None,
        Some(Value::String(name)) => Some(name.clone()),
        Some(other) => panic!("{case}/expect.json: bad \"original\": {other}"),
        None => Some("export.csv".to_owned()),
    };
    (
        Invocation {
            dir,
            edited,
            original,
        },
        expect,
    )
}

/// The report as the command line prints it by default: rows that change something or carry
/// a diagnostic, then the absent students.
fn run(invocation: &Invocation, lang: Option<&str>) -> Run {
    rollcall_check(
        &invocation.dir,
        &invocation.edited,
        invocation.original.as_deref(),
        lang,
        false,
    )
}

/// The report with `--all-rows`: every non-blank row.
fn run_all_rows(invocation: &Invocation, lang: Option<&str>) -> Run {
    rollcall_check(
        &invocation.dir,
        &invocation.edited,
        invocation.original.as_deref(),
        lang,
        true,
    )
}

// ------------------------------------------------------------------------------------------------
// Reading reports
// ------------------------------------------------------------------------------------------------

type Pair = (Option<u64>, String);

fn pair_text(pair: &Pair) -> String {
    match pair.0 {
        Some(row) => format!("[{row}, {}]", pair.1),
        None => format!("[null, {}]", pair.1),
    }
}

fn pairs_text(pairs: &BTreeSet<Pair>) -> String {
    let items: Vec<String> = pairs.iter().map(pair_text).collect();
    format!("[{}]", items.join(", "))
}

fn diagnostics(report: &Value) -> &[Value] {
    report["diagnostics"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

fn actual_pairs(report: &Value, severity: &str) -> BTreeSet<Pair> {
    diagnostics(report)
        .iter()
        .filter(|d| d["severity"] == severity)
        .map(|d| {
            (
                d["row"].as_u64(),
                d["code"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

fn expected_pairs(case: &str, expect: &Value, key: &str) -> Option<BTreeSet<Pair>> {
    let list = expect.get(key)?.as_array().unwrap_or_else(|| {
        panic!("{case}/expect.json: \"{key}\" is a list of [row, code]");
    });
    Some(
        list.iter()
            .map(|item| {
                let row = &item[0];
                assert!(
                    row.is_null() || row.is_u64(),
                    "{case}/expect.json: bad row in {item}"
                );
                let code = item[1]
                    .as_str()
                    .unwrap_or_else(|| panic!("{case}/expect.json: bad code in {item}"));
                (row.as_u64(), code.to_owned())
            })
            .collect(),
    )
}

/// `[row, code, severity]` of every diagnostic, sorted: what a workbook and its CSV twin must share.
fn verdicts(report: &Value) -> Vec<(Option<u64>, String, String)> {
    let mut list: Vec<_> = diagnostics(report)
        .iter()
        .map(|d| {
            (
                d["row"].as_u64(),
                d["code"].as_str().unwrap_or("").to_owned(),
                d["severity"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    list.sort();
    list
}

/// The severity SPEC.md gives each code: warnings and infos are listed, everything else is an
/// error.
fn spec_severity(code: &str) -> &'static str {
    match code {
        "unknown-column" | "encoding-fallback" | "possible-duplicate" | "mojibake" => "warning",
        "sheet-chosen" | "grade-normalized" | "username-normalized" | "row-not-in-file" => "info",
        _ => "error",
    }
}

/// Codes whose diagnostics have `"row": null` (SPEC.md section 6).
fn is_file_level(code: &str) -> bool {
    matches!(
        code,
        "file-unreadable"
            | "file-too-large"
            | "too-many-rows"
            | "too-many-columns"
            | "empty-file"
            | "missing-column"
            | "duplicate-column"
            | "unknown-column"
            | "encoding-fallback"
            | "sheet-chosen"
            | "row-not-in-file"
    )
}

/// The report invariants SPEC.md section 6 states for every report; `all_rows` says whether
/// its `rows` list every non-blank row or leave out the unchanged ones without diagnostics.
fn check_invariants(report: &Value, all_rows: bool, failures: &mut Vec<String>) {
    let diags = diagnostics(report);
    // Severities, and which codes have a row.
    for d in diags {
        let code = d["code"].as_str().unwrap_or("");
        let severity = d["severity"].as_str().unwrap_or("");
        if severity != spec_severity(code) {
            failures.push(format!(
                "{code} has severity {severity}, SPEC.md says {}",
                spec_severity(code)
            ));
        }
        if is_file_level(code) != d["row"].is_null() {
            failures.push(format!("{code} has row {}", d["row"]));
        }
        if d["message"].as_str().is_none_or(str::is_empty) {
            failures.push(format!("{code} at row {} has no message", d["row"]));
        }
    }
    // Order: row (null first), column index (none first), code, message.
    let columns: Vec<(String, u64)> = report["file"]["columns"]
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(|c| Some((c["header"].as_str()?.to_owned(), c["index"].as_u64()?)))
                .collect()
        })
        .unwrap_or_default();
    let sort_key = |d: &Value| {
        let column = d["column"].as_str().and_then(|name| {
            columns
                .iter()
                .find(|(header, _)| header == name)
                .map(|(_, index)| *index)
        });
        (
            d["row"].as_u64(),
            column,
            d["code"].as_str().unwrap_or("").to_owned(),
            d["message"].as_str().unwrap_or("").to_owned(),
        )
    };
    for window in diags.windows(2) {
        if sort_key(&window[0]) > sort_key(&window[1]) {
            failures.push(format!(
                "diagnostics out of order: {} at row {} before {} at row {}",
                window[0]["code"], window[0]["row"], window[1]["code"], window[1]["row"]
            ));
        }
    }
    // Summary counts of diagnostics.
    let summary = &report["summary"];
    for (key, severity) in [
        ("errors", "error"),
        ("warnings", "warning"),
        ("infos", "info"),
    ] {
        let count = diags.iter().filter(|d| d["severity"] == severity).count() as u64;
        if summary[key].as_u64() != Some(count) {
            failures.push(format!(
                "summary.{key} is {}, but there are {count} {severity} diagnostics",
                summary[key]
            ));
        }
    }
    // Rows: file rows in order, then the absent students in export order; outcome counts.
    let rows = report["rows"].as_array().map(Vec::as_slice).unwrap_or(&[]);
    let mut last_row = 0;
    let mut last_export_row = 0;
    let mut in_absent = false;
    for entry in rows {
        let outcome = entry["outcome"].as_str().unwrap_or("");
        if outcome == "absent" {
            in_absent = true;
            if !entry["row"].is_null() || !entry["matched_by"].is_null() {
                failures.push(format!("absent entry with a row or matched_by: {entry}"));
            }
            let export_row = entry["export_row"].as_u64().unwrap_or(0);
            if export_row <= last_export_row {
                failures.push(format!("absent students not in export order at {entry}"));
            }
            last_export_row = export_row;
        } else {
            let row = entry["row"].as_u64().unwrap_or(0);
            if in_absent || row <= last_row {
                failures.push(format!("rows out of order at {entry}"));
            }
            if outcome == "blank" {
                failures.push(format!("a blank row is listed: {entry}"));
            }
            last_row = row;
        }
        // Passwords are never shown.
        for change in entry["changes"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or(&[])
        {
            if change["field"] == "password" {
                for side in ["old", "new"] {
                    let value = &change[side];
                    if !value.is_null() && value != MASK {
                        failures.push(format!("row {}: password shown: {change}", entry["row"]));
                    }
                }
            }
        }
        // A row has outcome error exactly when it has an error.
        if let Some(row) = entry["row"].as_u64() {
            let has_error = diags
                .iter()
                .any(|d| d["row"].as_u64() == Some(row) && d["severity"] == "error");
            if has_error != (outcome == "error") {
                failures.push(format!(
                    "row {row}: outcome {outcome}, but has error diagnostics: {has_error}"
                ));
            }
        }
    }
    let in_file: u64 = ["unchanged", "update", "create", "error"]
        .iter()
        .filter_map(|key| summary[*key].as_u64())
        .sum();
    if summary["rows"].as_u64() != Some(in_file) {
        failures.push(format!(
            "summary.rows is {}, but unchanged + update + create + error is {in_file}",
            summary["rows"]
        ));
    }
    for outcome in ["unchanged", "update", "create", "error", "absent"] {
        let count = rows.iter().filter(|e| e["outcome"] == outcome).count() as u64;
        // Unchanged rows without diagnostics are only counted, unless all rows are listed.
        let listed_fully = all_rows || outcome != "unchanged";
        let counted = summary[outcome].as_u64().unwrap_or(0);
        if (listed_fully && counted != count) || (!listed_fully && counted < count) {
            failures.push(format!(
                "summary.{outcome} is {}, but rows has {count}",
                summary[outcome]
            ));
        }
    }
    if !all_rows {
        for entry in rows.iter().filter(|e| e["outcome"] == "unchanged") {
            if !diags.iter().any(|d| d["row"] == entry["row"]) {
                failures.push(format!(
                    "an unchanged row without diagnostics is listed: {entry}"
                ));
            }
        }
    }
    for d in diags {
        if let Some(row) = d["row"].as_u64()
            && d["severity"] == "error"
            && !rows.iter().any(|e| e["row"].as_u64() == Some(row))
        {
            failures.push(format!("error on row {row}, which is not in rows"));
        }
    }
}

/// Checks a `rows` entry of expect.json against the report.
fn check_row_expectation(report: &Value, want: &Value, failures: &mut Vec<String>) {
    let rows = report["rows"].as_array().map(Vec::as_slice).unwrap_or(&[]);
    let found = if want["row"].is_null() {
        rows.iter()
            .find(|e| e["row"].is_null() && e["export_row"] == want["export_row"])
    } else {
        rows.iter().find(|e| e["row"] == want["row"])
    };
    let Some(entry) = found else {
        failures.push(format!("no rows entry like {want}"));
        return;
    };
    for key in ["outcome", "matched_by", "export_row"] {
        if let Some(value) = want.get(key)
            && &entry[key] != value
        {
            failures.push(format!(
                "row {}: {key} is {}, expected {value}",
                want["row"], entry[key]
            ));
        }
    }
    let changes = entry["changes"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    if let Some(fields) = want.get("changed") {
        let actual: BTreeSet<&str> = changes.iter().filter_map(|c| c["field"].as_str()).collect();
        let expected: BTreeSet<&str> = fields
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .filter_map(Value::as_str)
            .collect();
        if actual != expected {
            failures.push(format!(
                "row {}: changed fields are {actual:?}, expected {expected:?}",
                want["row"]
            ));
        }
    }
    if let Some(values) = want.get("values").and_then(Value::as_object) {
        for (field, value) in values {
            let actual = changes
                .iter()
                .find(|c| c["field"] == field.as_str())
                .map(|c| &c["new"]);
            if actual != Some(value) {
                failures.push(format!(
                    "row {}: new {field} is {actual:?}, expected {value}",
                    want["row"]
                ));
            }
        }
    }
}

/// Re-indents compact JSON without reordering keys (serde_json's `Value` would sort them).
fn pretty(json: &str) -> String {
    let mut out = String::with_capacity(json.len() * 2);
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = json.trim().chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.push_str(&"  ".repeat(depth));
    };
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                let close = if c == '{' { '}' } else { ']' };
                while chars.peek().is_some_and(|n| n.is_whitespace()) {
                    chars.next();
                }
                if chars.peek() == Some(&close) {
                    out.push(close);
                    chars.next();
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

/// The report with every message removed: what `--lang` must not change.
fn without_messages(report: &Value) -> Value {
    let mut report = report.clone();
    if let Some(list) = report["diagnostics"].as_array_mut() {
        for d in list {
            if let Some(object) = d.as_object_mut() {
                object.remove("message");
            }
        }
    }
    report
}

// ------------------------------------------------------------------------------------------------
// One case
// ------------------------------------------------------------------------------------------------

fn check_case(case: &str) {
    let (invocation, expect) = load_expect(case);
    let first = run(&invocation, None);
    let report = &first.json;
    let mut failures = Vec::new();

    // Determinism: the same check twice prints the same bytes.
    let second = run(&invocation, None);
    if second.stdout != first.stdout {
        failures.push("two runs of the same check printed different JSON".to_owned());
    }

    // Exit status.
    let want_exit = expect["exit"]
        .as_i64()
        .unwrap_or_else(|| panic!("{case}/expect.json: \"exit\" is required"));
    if i64::from(first.exit) != want_exit {
        failures.push(format!("exit status {}, expected {want_exit}", first.exit));
    }

    // Errors and warnings: exactly these [row, code] pairs.
    for (key, severity) in [("errors", "error"), ("warnings", "warning")] {
        if let Some(want) = expected_pairs(case, &expect, key) {
            let got = actual_pairs(report, severity);
            if got != want {
                failures.push(format!(
                    "{key}: got {}, expected {}",
                    pairs_text(&got),
                    pairs_text(&want)
                ));
            }
        }
    }
    // Infos: at least these (exactly these with "infos_exact").
    if let Some(want) = expected_pairs(case, &expect, "infos") {
        let got = actual_pairs(report, "info");
        let exact = expect["infos_exact"].as_bool().unwrap_or(false);
        if (exact && got != want) || (!exact && !want.is_subset(&got)) {
            failures.push(format!(
                "infos: got {}, expected {}{}",
                pairs_text(&got),
                if exact { "exactly " } else { "at least " },
                pairs_text(&want)
            ));
        }
    }
    // Outcome counts.
    if let Some(outcomes) = expect.get("outcomes").and_then(Value::as_object) {
        for (key, want) in outcomes {
            if &report["summary"][key] != want {
                failures.push(format!(
                    "summary.{key} is {}, expected {want}",
                    report["summary"][key]
                ));
            }
        }
    }
    check_invariants(report, false, &mut failures);

    // With --all-rows: the same verdicts, every non-blank row listed.
    let all = run_all_rows(&invocation, None);
    check_invariants(&all.json, true, &mut failures);
    if all.exit != first.exit {
        failures.push(format!(
            "--all-rows exits {}, without it {}",
            all.exit, first.exit
        ));
    }
    for key in ["file", "summary", "diagnostics"] {
        if all.json[key] != report[key] {
            failures.push(format!("--all-rows changes the report's {key}"));
        }
    }
    let diagnosed = |row: &Value| {
        diagnostics(report)
            .iter()
            .any(|d| !row.is_null() && &d["row"] == row)
    };
    let kept: Vec<&Value> = all.json["rows"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or(&[])
        .iter()
        .filter(|e| e["outcome"] != "unchanged" || diagnosed(&e["row"]))
        .collect();
    let lean: Vec<&Value> = report["rows"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or(&[])
        .iter()
        .collect();
    if lean != kept {
        failures.push(
            "rows is not the --all-rows list without its unchanged rows that carry no diagnostic"
                .to_owned(),
        );
    }
    // Particular rows, which may be unchanged ones: looked for in the --all-rows report.
    if let Some(rows) = expect.get("rows").and_then(Value::as_array) {
        for want in rows {
            check_row_expectation(&all.json, want, &mut failures);
        }
    }

    // Spanish: other messages, the same everything else.
    let spanish = run(&invocation, Some("es"));
    if spanish.exit != first.exit {
        failures.push(format!(
            "--lang es exits {}, --lang en {}",
            spanish.exit, first.exit
        ));
    }
    if without_messages(&spanish.json) != without_messages(report) {
        failures.push("--lang es changes more than the messages".to_owned());
    }
    for (en, es) in diagnostics(report).iter().zip(diagnostics(&spanish.json)) {
        if en["message"] == es["message"] {
            failures.push(format!(
                "{} at row {}: the Spanish message is the English one: {}",
                en["code"], en["row"], en["message"]
            ));
        }
    }

    // A workbook and its CSV twin give the same verdicts.
    if let Some(twin) = expect.get("twin").and_then(Value::as_str) {
        let (twin_invocation, _) = load_expect(twin);
        let twin_report = run(&twin_invocation, None).json;
        let (mine, theirs) = (verdicts(report), verdicts(&twin_report));
        if mine != theirs {
            failures.push(format!(
                "verdicts differ from twin {twin}:\n  this: {mine:?}\n  twin: {theirs:?}"
            ));
        }
    }

    // The snapshot is taken (and compared) even when expectations fail, so that it always
    // shows what the engine does; expectation failures are reported first.
    let snapshot_name = case.replace('/', "__");
    let snapshot = std::panic::catch_unwind(|| {
        insta::assert_snapshot!(snapshot_name, pretty(&first.stdout));
    });
    assert!(
        failures.is_empty(),
        "{case}: the report does not match expect.json / SPEC.md:\n  - {}\n\nreport:\n{}",
        failures.join("\n  - "),
        pretty(&first.stdout)
    );
    if let Err(panic) = snapshot {
        std::panic::resume_unwind(panic);
    }
}

// ------------------------------------------------------------------------------------------------
// Suite-wide tests
// ------------------------------------------------------------------------------------------------

/// Every directory with an expect.json is a listed case, and every listed case exists.
#[test]
fn every_case_is_listed() {
    fn walk(dir: &Path, root: &Path, found: &mut BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).expect("read fixtures dir") {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                if path.join("expect.json").is_file() {
                    let relative = path.strip_prefix(root).expect("under root");
                    found.insert(relative.to_string_lossy().replace('\\', "/"));
                }
                walk(&path, root, found);
            }
        }
    }
    let root = fixtures_dir();
    let mut on_disk = BTreeSet::new();
    walk(&root, &root, &mut on_disk);
    let listed: BTreeSet<String> = CASES.iter().map(|&c| c.to_owned()).collect();
    let missing: Vec<_> = on_disk.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&on_disk).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "add these cases to the cases! list: {missing:?}; remove these: {stale:?}"
    );
}

/// Every code of SPEC.md sections 2–5 (but the server-only stale-row and the two limits that need
/// big files, generated below) appears in some case's expectations.
#[test]
fn every_code_is_covered() {
    let mut covered = BTreeSet::new();
    for case in CASES {
        let (_, expect) = load_expect(case);
        for key in ["errors", "warnings", "infos"] {
            for pair in expected_pairs(case, &expect, key).unwrap_or_default() {
                covered.insert(pair.1);
            }
        }
    }
    let all = [
        "file-unreadable",
        "too-many-columns",
        "empty-file",
        "missing-column",
        "duplicate-column",
        "unknown-column",
        "encoding-fallback",
        "sheet-chosen",
        "required-value",
        "value-too-long",
        "invalid-characters",
        "formula-like-value",
        "invalid-grade",
        "grade-normalized",
        "invalid-student-id",
        "student-id-scientific",
        "invalid-username",
        "username-normalized",
        "weak-password",
        "invalid-guid",
        "invalid-value",
        "unknown-guid",
        "possible-duplicate",
        "duplicate-guid",
        "duplicate-student-id",
        "duplicate-username",
        "student-id-taken",
        "username-taken",
        "match-conflict",
        "duplicate-match",
        "guid-modified",
        "guid-removed",
        "leading-zeros-lost",
        "row-not-in-file",
        "mojibake",
    ];
    let missing: Vec<_> = all
        .iter()
        .filter(|code| !covered.contains(**code))
        .collect();
    assert!(missing.is_empty(), "no case covers {missing:?}");
}

/// The report never shows a password: changes show `••••••••` (checked for every case above),
/// and neither may a diagnostic's `fix` carry one (SPEC.md section 6: "passwords shown as
/// ••••••••"; section 8: passwords are "never logged, exported or echoed", and the server returns
/// this same report).
#[test]
fn no_report_shows_a_password() {
    let mut shown = Vec::new();
    for case in CASES {
        let (invocation, _) = load_expect(case);
        let report = run(&invocation, None).json;
        for d in diagnostics(&report) {
            let fix = &d["fix"];
            if fix["field"] == "password" && !fix["value"].is_null() && fix["value"] != MASK {
                shown.push(format!("{case}: row {}: {fix}", d["row"]));
            }
        }
    }
    assert!(
        shown.is_empty(),
        "fixes that show a password:\n{}",
        shown.join("\n")
    );
}

// ------------------------------------------------------------------------------------------------
// Limits that need big files: generated, not committed
// ------------------------------------------------------------------------------------------------

fn new_students_csv(rows: usize) -> String {
    let mut text = String::with_capacity(rows * 16 + 64);
    text.push_str("First Name,Last Name,Grade Level\n");
    for _ in 0..rows {
        text.push_str("Ana,Pérez,01\n");
    }
    text
}

fn check_generated(name: &str, contents: &[u8]) -> Run {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join(name), contents).expect("write");
    rollcall_check(dir.path(), name, None, None, false)
}

/// 50,001 data rows: `too-many-rows`, a file-level error.
#[test]
fn too_many_rows() {
    let run = check_generated("edited.csv", new_students_csv(50_001).as_bytes());
    let errors = actual_pairs(&run.json, "error");
    let want: BTreeSet<Pair> = [(None, "too-many-rows".to_owned())].into();
    assert_eq!(errors, want, "{}", pretty(&run.stdout));
    assert_eq!(run.exit, 1);
}

/// Exactly 50,000 data rows, then trailing empty rows (which do not count): within the limit.
#[test]
fn rows_at_the_limit() {
    let mut text = new_students_csv(50_000);
    text.push_str(",,\n\n,,\n");
    let run = check_generated("edited.csv", text.as_bytes());
    let codes: BTreeSet<&str> = diagnostics(&run.json)
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert!(!codes.contains("too-many-rows"), "{codes:?}");
    assert_eq!(run.json["summary"]["create"], 50_000);
    assert_eq!(run.json["summary"]["blank"], 0);
    assert_eq!(run.exit, 0);
}

/// A file over 20 MiB: `file-too-large`, and nothing is checked row by row.
#[test]
fn file_too_large() {
    let limit = 20 * 1024 * 1024;
    let mut text = new_students_csv(0).into_bytes();
    while text.len() <= limit {
        text.extend_from_slice("Ana,Pérez,01\n".as_bytes());
    }
    let run = check_generated("edited.csv", &text);
    let diags = diagnostics(&run.json);
    assert!(
        diags
            .iter()
            .any(|d| d["code"] == "file-too-large" && d["row"].is_null()),
        "no file-too-large"
    );
    assert!(
        diags
            .iter()
            .all(|d| d["row"].is_null() && d["severity"] == "error"),
        "row diagnostics on a file that is too large"
    );
    assert_eq!(run.exit, 1);
}
