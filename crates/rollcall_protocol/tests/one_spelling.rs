//! The server's and the page's sources never spell an upload status, an error code or a
//! worker's row code themselves, nor write a row state into SQL text: they use this crate's enums, so a value has
//! one spelling.
//! (Row states and upload kinds in lower case also read as English words, CSS classes and
//! HTML attributes, so only their SQL form is looked for.)

use std::path::{Path, PathBuf};

use rollcall_protocol::{ErrorCode, RowState, UploadStatus, WorkerCode};

fn sources(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            sources(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

#[test]
fn no_source_of_the_server_or_the_page_spells_a_status_state_or_error_code_itself() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    for dir in [
        "crates/rollcall_server/src",
        "crates/rollcall_server/benches",
        "web/src",
    ] {
        sources(&root.join(dir), &mut files);
    }
    assert!(files.len() > 10, "the sources were not found: {files:?}");
    let mut spelled: Vec<String> = UploadStatus::ALL
        .iter()
        .map(|s| format!("\"{}\"", s.as_str()))
        .collect();
    spelled.extend(RowState::ALL.iter().map(|s| format!("'{}'", s.as_str())));
    spelled.extend(ErrorCode::ALL.iter().map(|c| format!("\"{}\"", c.as_str())));
    spelled.extend(
        WorkerCode::ALL
            .iter()
            .map(|c| format!("\"{}\"", c.as_str())),
    );
    let mut found = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("readable");
        for (number, line) in text.lines().enumerate() {
            for literal in &spelled {
                if line.contains(literal.as_str()) {
                    found.push(format!("{}:{}: {literal}", file.display(), number + 1));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "use rollcall_protocol's enums: {found:#?}"
    );
}
