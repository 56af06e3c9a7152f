//! Running the built `rollcall` binary on a case.

use super::*;

// ------------------------------------------------------------------------------------------------
// Running the binary
// ------------------------------------------------------------------------------------------------

pub(crate) fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

pub(crate) struct Run {
    pub(crate) stdout: String,
    pub(crate) json: Value,
    pub(crate) exit: i32,
}

/// Runs `rollcall check` in `dir` with paths relative to it, so messages naming the file do not
/// depend on where the repository is.
pub(crate) fn rollcall_check(
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
pub(crate) struct Invocation {
    pub(crate) dir: PathBuf,
    pub(crate) edited: String,
    pub(crate) original: Option<String>,
}

pub(crate) fn load_expect(case: &str) -> (Invocation, Value) {
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
pub(crate) fn run(invocation: &Invocation, lang: Option<&str>) -> Run {
    rollcall_check(
        &invocation.dir,
        &invocation.edited,
        invocation.original.as_deref(),
        lang,
        false,
    )
}

/// The report with `--all-rows`: every non-blank row.
pub(crate) fn run_all_rows(invocation: &Invocation, lang: Option<&str>) -> Run {
    rollcall_check(
        &invocation.dir,
        &invocation.edited,
        invocation.original.as_deref(),
        lang,
        true,
    )
}
