//! docs/api.md's report and change-set: the document's two CSV files checked by the command
//! line, whose JSON must be what the document shows.

use std::process::Command;

use rollcall_server::testing::doc_examples::{code_blocks, json_matches};

/// The document's blocks of one language, in order.
fn blocks(lang: &str) -> Vec<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/api.md");
    let document = std::fs::read_to_string(path).expect("docs/api.md");
    code_blocks(&document)
        .into_iter()
        .filter(|block| block.lang == lang)
        .map(|block| block.text)
        .collect()
}

/// Runs `rollcall` on the document's export and edited file; returns its standard output.
fn rollcall(args: &[&str]) -> serde_json::Value {
    let dir = tempfile::tempdir().expect("temp dir");
    let files = blocks("csv");
    std::fs::write(dir.path().join("export.csv"), &files[0]).expect("write");
    std::fs::write(dir.path().join("edited.csv"), &files[1]).expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_rollcall"))
        .args(args)
        .current_dir(dir.path())
        .output()
        .expect("run rollcall");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn shown(k: usize) -> serde_json::Value {
    serde_json::from_str(&blocks("json")[k]).expect("the document's JSON parses")
}

#[test]
fn the_documents_report_is_what_check_prints() {
    let report = rollcall(&[
        "check",
        "edited.csv",
        "--original",
        "export.csv",
        "--format",
        "json",
    ]);
    if let Err(difference) = json_matches(&shown(0), &report) {
        panic!("docs/api.md's report: {difference}");
    }
}

#[test]
fn the_documents_change_set_is_what_changeset_prints() {
    let change_set = rollcall(&[
        "changeset",
        "edited.csv",
        "--original",
        "export.csv",
        "--school",
        "lincoln-elementary",
        "--id",
        "0b6f2a9e-3c1d-4e5f-8a7b-9c0d1e2f3a4b",
        "--created-at",
        "2026-12-03T09:00:00Z",
    ]);
    if let Err(difference) = json_matches(&shown(1), &change_set) {
        panic!("docs/api.md's change-set: {difference}");
    }
}
