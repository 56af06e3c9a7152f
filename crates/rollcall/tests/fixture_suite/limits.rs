//! Limits that need big files: generated here, not committed.

use super::*;

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
