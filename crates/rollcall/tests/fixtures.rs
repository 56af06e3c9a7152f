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

#[path = "fixture_suite/binary.rs"]
mod binary;
#[path = "fixture_suite/limits.rs"]
mod limits;
#[path = "fixture_suite/reports.rs"]
mod reports;

use binary::*;
use reports::*;

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
    classes_duplicate_rows => "classes/duplicate-rows",
    classes_edits => "classes/edits",
    classes_edits_ods => "classes/edits-ods",
    classes_edits_xls => "classes/edits-xls",
    classes_edits_xlsx => "classes/edits-xlsx",
    classes_invalid => "classes/invalid",
    classes_no_original => "classes/no-original",
    classes_semicolon_quoting => "classes/semicolon-quoting",
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
    guards_a_quarter_exactly => "guards/a-quarter-exactly",
    guards_many_new_students => "guards/many-new-students",
    guards_pasted_one_row_off => "guards/pasted-one-row-off",
    guards_small_class => "guards/small-class",
    guards_sorted_column => "guards/sorted-column",
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
        "invalid-class",
        "classes-normalized",
        "new-class",
        "similar-class",
        "mass-change",
        "mass-create",
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
