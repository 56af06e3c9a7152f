//! The `rollcall` command line as a teacher's script sees it: output, exit status, errors.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture(case: &str, file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/examples")
        .join(case)
        .join(file)
}

fn rollcall(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rollcall"))
        .args(args)
        .output()
        .expect("rollcall runs")
}

fn path(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("utf-8")
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).expect("utf-8")
}

#[test]
fn text_output_is_compiler_style_with_a_summary() {
    let edited = fixture("guid-modified", "edited.csv");
    let export = fixture("guid-modified", "export.csv");
    let out = rollcall(&["check", path(&edited), "--original", path(&export)]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert_eq!(
        lines[0],
        format!(
            "{}:7: error[guid-modified]: Student GUID was changed. Put back the original value 45038e22-0bc4-421b-9439-852083d9fca7 of Liam Lopez.",
            path(&edited)
        )
    );
    assert_eq!(
        lines[1],
        "40 rows: 0 to update, 0 to create, 39 unchanged, 1 with errors, 0 blank, 0 not in file; 1 errors, 0 warnings, 0 infos"
    );
}

#[test]
fn options_come_in_any_order_and_spanish_is_complete() {
    let edited = fixture("grades", "edited.csv");
    let export = fixture("grades", "export.csv");
    let out = rollcall(&[
        "--lang",
        "es",
        "check",
        "--original",
        path(&export),
        path(&edited),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.contains(":4: error[invalid-grade]: El grado «Grade Z» no es un nivel válido."),
        "{text}"
    );
    assert!(
        text.contains(":8: nota[grade-normalized]: El grado «1st» se guardará como 01."),
        "{text}"
    );
    assert!(text.ends_with("3 errores, 0 avisos, 2 notas\n"), "{text}");
}

#[test]
fn json_output_is_the_report_whatever_the_exit_status() {
    let edited = fixture("clean-edit", "edited.csv");
    let export = fixture("clean-edit", "export.csv");
    let out = rollcall(&[
        "check",
        path(&edited),
        "--original",
        path(&export),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(report["summary"]["update"], 4);
    assert_eq!(report["file"]["format"], "csv");
    let again = rollcall(&[
        "check",
        path(&edited),
        "--original",
        path(&export),
        "--format",
        "json",
    ]);
    assert_eq!(out.stdout, again.stdout, "deterministic");
    let missing = fixture("missing-column", "edited.csv");
    let out = rollcall(&["check", path(&missing), "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(report["diagnostics"][0]["code"], "missing-column");
}

#[test]
fn json_lists_unchanged_rows_only_with_all_rows() {
    let edited = fixture("clean-edit", "edited.csv");
    let export = fixture("clean-edit", "export.csv");
    let args = [
        "check",
        path(&edited),
        "--original",
        path(&export),
        "--format",
        "json",
    ];
    let lean = rollcall(&args);
    let all = rollcall(&[&args[..], &["--all-rows"]].concat());
    assert_eq!(lean.status.code(), all.status.code());
    let lean: serde_json::Value = serde_json::from_str(&stdout(&lean)).expect("json");
    let all: serde_json::Value = serde_json::from_str(&stdout(&all)).expect("json");
    let entries = |report: &serde_json::Value| report["rows"].as_array().expect("rows").clone();
    let unchanged = all["summary"]["unchanged"].as_u64().expect("count") as usize;
    assert!(unchanged > 0);
    assert_eq!(
        entries(&all)
            .iter()
            .filter(|r| r["outcome"] == "unchanged")
            .count(),
        unchanged
    );
    // The lean report is the full one without the unchanged rows that carry no diagnostic.
    let diagnosed = |row: &serde_json::Value| {
        lean["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .any(|d| !row.is_null() && &d["row"] == row)
    };
    let kept: Vec<serde_json::Value> = entries(&all)
        .into_iter()
        .filter(|r| r["outcome"] != "unchanged" || diagnosed(&r["row"]))
        .collect();
    assert!(kept.len() < entries(&all).len());
    assert_eq!(entries(&lean), kept);
    assert_eq!(lean["summary"], all["summary"]);
    assert_eq!(lean["diagnostics"], all["diagnostics"]);
}

#[test]
fn unreadable_files_exit_2_and_still_report() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pdf = dir.path().join("roster.xlsx");
    std::fs::write(&pdf, b"%PDF-1.7 not a workbook").expect("write");
    let out = rollcall(&["check", path(&pdf), "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(report["diagnostics"][0]["code"], "file-unreadable");
    // An unreadable original is exit 2 too.
    let edited = fixture("clean-edit", "edited.csv");
    let out = rollcall(&["check", path(&edited), "--original", path(&pdf)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stdout(&out).contains("roster.xlsx cannot be read"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn os_errors_are_one_clear_line() {
    let out = rollcall(&["check", "/no/such/roster.csv"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "rollcall: cannot read /no/such/roster.csv: no such file\n"
    );
    assert!(stdout(&out).is_empty());
    let out = rollcall(&["check", "/tmp"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    let out = rollcall(&["check", "/no/such.csv", "--lang", "es"]);
    assert_eq!(
        stderr(&out),
        "rollcall: no se puede leer /no/such.csv: el archivo no existe\n"
    );
}

#[test]
fn a_wrong_command_line_exits_2_with_usage() {
    for args in [
        &["check"][..],
        &["check", "a.csv", "--format", "xml"],
        &["frobnicate", "x"],
        &[],
    ] {
        let out = rollcall(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&out).contains("Usage:"),
            "{args:?}: {}",
            stderr(&out)
        );
        assert!(!stderr(&out).contains("panicked"));
    }
    let out = rollcall(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("Uso:"));
}

#[test]
fn changeset_holds_back_rows_with_errors() {
    let edited = fixture("new-students", "edited.csv");
    let export = fixture("new-students", "export.csv");
    let dir = tempfile::tempdir().expect("tempdir");
    let out_file = dir.path().join("changes.json");
    let out = rollcall(&[
        "changeset",
        path(&edited),
        "--original",
        path(&export),
        "--school",
        "lincoln",
        "-o",
        path(&out_file),
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the guid-removed row is held back"
    );
    assert!(stderr(&out).contains("error[guid-removed]"));
    let change_set: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out_file).expect("written")).expect("json");
    assert_eq!(change_set["school"], "lincoln");
    let id = change_set["id"].as_str().expect("id");
    assert_eq!(uuid_version(id), Some('4'), "{id}");
    assert!(
        change_set["created_at"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z'))
    );
    let ops = change_set["ops"].as_array().expect("ops");
    let rows: Vec<(String, u64)> = ops
        .iter()
        .map(|op| {
            (
                op["op"].as_str().unwrap_or("").to_owned(),
                op["row"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(rows, [("create".to_owned(), 41), ("create".to_owned(), 42)]);
    assert_eq!(ops[0]["values"]["first_name"], "Wren");
    // Updates carry the student's GUID, the fingerprint of the export row, and only what changed.
    let clean = fixture("clean-edit", "edited.csv");
    let export = fixture("clean-edit", "export.csv");
    let out = rollcall(&[
        "changeset",
        path(&clean),
        "--original",
        path(&export),
        "--school",
        "s",
        "--id",
        "fixed",
        "--created-at",
        "2026-01-01T00:00:00Z",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let change_set: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(change_set["id"], "fixed");
    let ops = change_set["ops"].as_array().expect("ops");
    assert_eq!(ops.len(), 4);
    let password = ops
        .iter()
        .find(|op| op["set"].get("password").is_some())
        .expect("a password update");
    assert_eq!(password["set"]["password"], "Sunflower!42");
    assert_eq!(password["guid"], "cdabc3ea-4940-4b81-a500-08d80c386144");
    assert_eq!(password["base"].as_str().map(str::len), Some(32));
}

#[test]
fn changeset_writes_a_file_that_trips_a_guard_only_once_it_is_confirmed() {
    let case =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/guards/sorted-column");
    let (edited, export) = (case.join("edited.csv"), case.join("export.csv"));
    let dir = tempfile::tempdir().expect("tempdir");
    let out_file = dir.path().join("changes.json");
    let base = [
        "changeset",
        path(&edited),
        "--original",
        path(&export),
        "--school",
        "lincoln",
        "-o",
        path(&out_file),
    ];
    let out = rollcall(&base);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(!out_file.exists(), "nothing is written unconfirmed");
    let said = stderr(&out);
    assert!(said.contains("warning[mass-change]"), "{said}");
    assert!(
        said.contains("Last Name changes for 28 of the 30"),
        "{said}"
    );
    assert!(said.contains("--confirm mass-change"), "{said}");
    let out = rollcall(&[&base[..], &["--lang", "es"]].concat());
    assert!(stderr(&out).contains("vuelva a ejecutarlo con --confirm mass-change"));

    // Confirming another guard is not enough; confirming this one writes it, saying so.
    let out = rollcall(&[&base[..], &["--confirm", "mass-create"]].concat());
    assert_eq!(out.status.code(), Some(1));
    assert!(!out_file.exists());
    let out = rollcall(&[&base[..], &["--confirm", "mass-change"]].concat());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let change_set: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out_file).expect("written")).expect("json");
    assert_eq!(change_set["confirm"], serde_json::json!(["mass-change"]));
    assert_eq!(change_set["ops"].as_array().map(Vec::len), Some(28));

    // A change-set that trips nothing carries no `confirm`.
    let clean = fixture("clean-edit", "edited.csv");
    let clean_export = fixture("clean-edit", "export.csv");
    let out = rollcall(&[
        "changeset",
        path(&clean),
        "--original",
        path(&clean_export),
        "--school",
        "s",
        "--confirm",
        "mass-change,mass-create",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let change_set: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert!(change_set.get("confirm").is_none(), "{change_set}");

    // Only the guards can be confirmed, and only by changeset.
    let out = rollcall(&[&base[..], &["--confirm", "guid-modified"]].concat());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--confirm takes mass-change and mass-create"));
    let out = rollcall(&["check", path(&edited), "--confirm", "mass-change"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--confirm belongs to changeset"));
}

fn uuid_version(id: &str) -> Option<char> {
    id.split('-').nth(2).and_then(|part| part.chars().next())
}
