//! `cargo xtask test`'s check that every Rust source file of the project stays under 500 lines:
//! a longer file holds more than one thing and is split into modules named for what they hold.

use std::path::Path;

use crate::cmd;

/// The fewest lines a file may not reach.
const MOST_LINES: usize = 500;

/// The folders whose `.rs` files are the project's own (build output and npm's are skipped).
const FOLDERS: [&str; 5] = [
    "crates",
    "web/src",
    "xtask/src",
    "fuzz/fuzz_targets",
    "fuzz/tools",
];

/// Fails naming each source file of [`MOST_LINES`] lines or more.
pub fn check() -> Result<(), String> {
    let root = cmd::root();
    let mut long = Vec::new();
    for folder in FOLDERS {
        walk(&root.join(folder), &mut long)?;
    }
    if long.is_empty() {
        return Ok(());
    }
    long.sort();
    let list: Vec<String> = long
        .iter()
        .map(|(path, lines)| format!("  {path}: {lines} lines"))
        .collect();
    Err(format!(
        "these source files have {MOST_LINES} lines or more; split each into modules:\n{}",
        list.join("\n")
    ))
}

fn walk(folder: &Path, long: &mut Vec<(String, usize)>) -> Result<(), String> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Ok(()); // a folder this checkout does not have
    };
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot list {}: {e}", folder.display()))?
            .path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if path.is_dir() {
            if !matches!(name, "target" | "node_modules") {
                walk(&path, long)?;
            }
        } else if name.ends_with(".rs") {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let lines = text.lines().count();
            if lines >= MOST_LINES {
                let shown = path.strip_prefix(cmd::root()).unwrap_or(&path);
                long.push((shown.display().to_string(), lines));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_file_of_500_lines_is_named_and_build_output_is_skipped() {
        let dir = std::env::temp_dir().join(format!("xtask-sizes-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("src")).expect("folder");
        std::fs::create_dir_all(dir.join("target")).expect("folder");
        std::fs::write(dir.join("src/long.rs"), "//\n".repeat(500)).expect("write");
        std::fs::write(dir.join("src/short.rs"), "//\n".repeat(499)).expect("write");
        std::fs::write(dir.join("target/made.rs"), "//\n".repeat(900)).expect("write");
        let mut long = Vec::new();
        super::walk(&dir, &mut long).expect("walk");
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(long.len(), 1, "{long:?}");
        assert!(
            long[0].0.ends_with("long.rs") && long[0].1 == 500,
            "{long:?}"
        );
    }
}
