//! Hostile files (tests/fixtures/hostile/): a few kilobytes that ask a reader for gigabytes,
//! and 20 MiB CSVs built to make a parser keep millions of fields or lines. Each is checked
//! by `rollcall check` in a child process whose address space is capped at 512 MiB: it must
//! answer with the file-level diagnostic `verdicts.json` names, and exit on its own within 2 s
//! (a reader that allocated by the file's word would be killed by the cap; one that looped
//! would be killed by the watchdog).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The address space the child may use, in KiB (`ulimit -v`).
const ADDRESS_SPACE_KIB: u32 = 512 * 1024;
/// How long the child may take before it is killed as hung.
const WATCHDOG: Duration = Duration::from_secs(2);

fn hostile_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/hostile")
}

/// The 20 MiB CSVs of the set, written to `dir`.
fn write_csv_cases(dir: &Path) {
    const SIZE: usize = 20 * 1024 * 1024;
    let mut quoted = vec![b'a'; SIZE];
    quoted[0] = b'"';
    quoted[SIZE - 1] = b'"';
    std::fs::write(dir.join("quoted-field.csv"), quoted).expect("write");
    std::fs::write(dir.join("delimiters.csv"), vec![b','; SIZE]).expect("write");
    let header = b"First Name,Last Name,Grade\n";
    let mut lines = header.to_vec();
    lines.resize(SIZE, b'\n');
    std::fs::write(dir.join("line-breaks.csv"), lines).expect("write");
}

/// Runs `rollcall check FILE --format json` capped and watched; its exit code and output.
fn check_capped(file: &Path) -> (Option<i32>, String, Duration) {
    let started = Instant::now();
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v {ADDRESS_SPACE_KIB} && exec \"$0\" \"$@\""
        ))
        .arg(env!("CARGO_BIN_EXE_rollcall"))
        .args([
            "check",
            file.to_str().expect("utf-8 path"),
            "--format",
            "json",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sh runs");
    // The output is small (the files are refused), so the pipes cannot fill while we wait.
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if started.elapsed() > WATCHDOG {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{}: still running after {WATCHDOG:?}", file.display());
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let elapsed = started.elapsed();
    let output = child.wait_with_output().expect("output");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.code().is_some(),
        "{}: killed ({}); stderr: {stderr}",
        file.display(),
        output.status
    );
    (
        output.status.code(),
        String::from_utf8(output.stdout).expect("utf-8"),
        elapsed,
    )
}

#[test]
fn every_hostile_file_is_refused_within_the_memory_cap_and_in_time() {
    let dir = hostile_dir();
    let expect: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("verdicts.json")).expect("verdicts.json"),
    )
    .expect("json");
    let generated = tempfile::tempdir().expect("temp dir");
    write_csv_cases(generated.path());
    let files = expect["files"].as_object().expect("files");
    assert!(files.len() >= 13, "the whole set is listed");
    for (name, verdict) in files {
        let path = if name.ends_with(".csv") {
            generated.path().join(name)
        } else {
            dir.join(name)
        };
        let (code, stdout, elapsed) = check_capped(&path);
        let report: serde_json::Value = serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("{name}: not a JSON report ({e}): {stdout:.300}"));
        let file_level: Vec<&str> = report["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .filter(|d| d["row"].is_null() && d["severity"] == "error")
            .map(|d| d["code"].as_str().expect("code"))
            .collect();
        match verdict["code"].as_str() {
            Some(expected) => {
                assert!(
                    file_level.contains(&expected),
                    "{name} ({elapsed:?}): {file_level:?}"
                );
                let status = if expected == "file-unreadable" { 2 } else { 1 };
                assert_eq!(code, Some(status), "{name}");
                assert_eq!(report["summary"]["rows"], 0, "{name}: no row is checked");
            }
            None => {
                assert!(file_level.is_empty(), "{name}: {file_level:?}");
                assert_eq!(report["summary"]["rows"], verdict["rows"], "{name}");
            }
        }
    }
}

#[test]
fn the_workbooks_are_what_make_py_writes() {
    // make.py is the record of how each file was made; the files are what the tests read.
    let dir = hostile_dir();
    let script = std::fs::read_to_string(dir.join("make.py")).expect("make.py");
    let expect = std::fs::read_to_string(dir.join("verdicts.json")).expect("verdicts.json");
    for entry in std::fs::read_dir(&dir).expect("dir") {
        let name = entry
            .expect("entry")
            .file_name()
            .into_string()
            .expect("name");
        if name.ends_with(".py") || name.ends_with(".json") {
            continue;
        }
        assert!(
            script.contains(&format!("\"{name}\"")),
            "{name} is made by make.py"
        );
        assert!(
            expect.contains(&format!("\"{name}\"")),
            "{name} has a verdict"
        );
    }
}
