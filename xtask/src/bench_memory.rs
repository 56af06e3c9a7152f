//! Peak resident memory of `rollcall check` (the release binary) on the hostile files of
//! tests/fixtures/hostile/ and on the 50,000-row XLSX: the reader promises at most 512 MiB
//! for any file within the limits.

use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::{cmd, setup};

/// The promise: 512 MiB.
const MOST_KIB: u64 = 512 * 1024;

/// The 20 MiB CSVs of the hostile set (verdicts.json says how they are made), written to `dir`.
fn write_hostile_csvs(dir: &Path) -> Result<Vec<PathBuf>, String> {
    const SIZE: usize = 20 * 1024 * 1024;
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut quoted = vec![b'a'; SIZE];
    quoted[0] = b'"';
    quoted[SIZE - 1] = b'"';
    let mut lines = b"First Name,Last Name,Grade\n".to_vec();
    lines.resize(SIZE, b'\n');
    let files = [
        ("quoted-field.csv", quoted),
        ("delimiters.csv", vec![b','; SIZE]),
        ("line-breaks.csv", lines),
    ];
    let mut paths = Vec::new();
    for (name, data) in files {
        let path = dir.join(name);
        std::fs::write(&path, data).map_err(|e| format!("{}: {e}", path.display()))?;
        paths.push(path);
    }
    Ok(paths)
}

/// Peak resident memory, in KiB, of `rollcall check FILE --format json` (GNU time's %M).
fn peak_kib(binary: &Path, file: &Path) -> Result<u64, String> {
    let out = Command::new("/usr/bin/time")
        .args(["-f", "%M"])
        .arg(binary)
        .args(["check", &file.to_string_lossy(), "--format", "json"])
        .stdout(Stdio::null())
        .output()
        .map_err(|e| format!("/usr/bin/time: {e}"))?;
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .last()
        .and_then(|line| line.trim().parse().ok())
        .ok_or_else(|| format!("no peak memory for {}", file.display()))
}

/// Adds the memory rows to the table; returns whether every file stayed under the promise.
pub fn memory_table(table: &mut String, dir: &Path) -> Result<bool, String> {
    setup::gnu_time()?;
    crate::release_cli("the memory measurements")?;
    let binary = cmd::root().join("target/release/rollcall");
    let hostile = cmd::root().join("tests/fixtures/hostile");
    let mut files = write_hostile_csvs(&dir.join("hostile"))?;
    for entry in std::fs::read_dir(&hostile).map_err(|e| format!("{}: {e}", hostile.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("xlsx" | "xls" | "ods")
        ) {
            files.push(path);
        }
    }
    let mut worst = (0, String::new());
    for file in &files {
        let kib = cmd::step(&format!("peak memory: {}", file.display()), || {
            peak_kib(&binary, file)
        })?;
        if kib > worst.0 {
            let name = file.file_name().map(|n| n.to_string_lossy().into_owned());
            worst = (kib, name.unwrap_or_default());
        }
    }
    let xlsx = peak_kib(&binary, &dir.join("edited.xlsx"))?;
    let mib = |kib: u64| kib as f64 / 1024.0;
    let _ = writeln!(
        table,
        "| peak resident memory of `rollcall check`, worst of the {} hostile files ({}) | {:.0} MiB | < 512 MiB | {} |",
        files.len(),
        worst.1,
        mib(worst.0),
        crate::bench::verdict(worst.0 < MOST_KIB)
    );
    let _ = writeln!(
        table,
        "| peak resident memory of `rollcall check` on the 50,000-row XLSX | {:.0} MiB | < 512 MiB | {} |",
        mib(xlsx),
        crate::bench::verdict(xlsx < MOST_KIB)
    );
    Ok(worst.0 < MOST_KIB && xlsx < MOST_KIB)
}
