//! Reading a report: its (row, code) pairs, verdicts, and the invariants every report keeps.

use super::*;

// ------------------------------------------------------------------------------------------------
// Reading reports
// ------------------------------------------------------------------------------------------------

pub(crate) type Pair = (Option<u64>, String);

pub(crate) fn pair_text(pair: &Pair) -> String {
    match pair.0 {
        Some(row) => format!("[{row}, {}]", pair.1),
        None => format!("[null, {}]", pair.1),
    }
}

pub(crate) fn pairs_text(pairs: &BTreeSet<Pair>) -> String {
    let items: Vec<String> = pairs.iter().map(pair_text).collect();
    format!("[{}]", items.join(", "))
}

pub(crate) fn diagnostics(report: &Value) -> &[Value] {
    report["diagnostics"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

pub(crate) fn actual_pairs(report: &Value, severity: &str) -> BTreeSet<Pair> {
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

pub(crate) fn expected_pairs(case: &str, expect: &Value, key: &str) -> Option<BTreeSet<Pair>> {
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
pub(crate) fn verdicts(report: &Value) -> Vec<(Option<u64>, String, String)> {
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
pub(crate) fn spec_severity(code: &str) -> &'static str {
    match code {
        "unknown-column" | "encoding-fallback" | "possible-duplicate" | "mojibake"
        | "similar-class" | "mass-change" | "mass-create" => "warning",
        "sheet-chosen"
        | "grade-normalized"
        | "username-normalized"
        | "row-not-in-file"
        | "classes-normalized"
        | "new-class" => "info",
        _ => "error",
    }
}

/// Codes whose diagnostics have `"row": null` (SPEC.md sections 5 and 6).
pub(crate) fn is_file_level(code: &str) -> bool {
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
            | "mass-change"
            | "mass-create"
    )
}

/// The report invariants SPEC.md section 6 states for every report; `all_rows` says whether
/// its `rows` list every non-blank row or leave out the unchanged ones without diagnostics.
pub(crate) fn check_invariants(report: &Value, all_rows: bool, failures: &mut Vec<String>) {
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
pub(crate) fn check_row_expectation(report: &Value, want: &Value, failures: &mut Vec<String>) {
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
pub(crate) fn pretty(json: &str) -> String {
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
pub(crate) fn without_messages(report: &Value) -> Value {
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
