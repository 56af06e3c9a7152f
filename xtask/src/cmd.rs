//! Running programs: each call prints what it runs and fails with a sentence naming it.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// Runs a program in the workspace root; an error names the command and how it failed.
pub fn run(program: &str, args: &[&str]) -> Result<(), String> {
    run_in(".", program, args)
}

/// Runs a program in `folder` (relative to the workspace root).
pub fn run_in(folder: &str, program: &str, args: &[&str]) -> Result<(), String> {
    run_in_env(folder, &[], program, args)
}

/// Runs a program in `folder` with extra environment variables, set for it alone.
pub fn run_in_env(
    folder: &str,
    env: &[(&str, &str)],
    program: &str,
    args: &[&str],
) -> Result<(), String> {
    let vars: String = env.iter().map(|(k, v)| format!("{k}={v} ")).collect();
    let line = format!("{vars}{program} {}", args.join(" "));
    let shown = if folder == "." {
        line.clone()
    } else {
        format!("(in {folder}) {line}")
    };
    println!("$ {shown}");
    let status = Command::new(program)
        .args(args)
        .envs(env.iter().copied())
        .current_dir(root().join(folder))
        .status()
        .map_err(|e| format!("could not start `{line}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{line}` failed ({status})"))
    }
}

/// Runs a program and returns its standard output.
pub fn output(program: &str, args: &[&str]) -> Result<String, String> {
    let line = format!("{program} {}", args.join(" "));
    let out = Command::new(program)
        .args(args)
        .current_dir(root())
        .output()
        .map_err(|e| format!("could not start `{line}`: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "`{line}` failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

pub fn cargo(args: &[&str]) -> Result<(), String> {
    cargo_env(&[], args)
}

/// Runs cargo in the workspace root with extra environment variables, set for it alone.
pub fn cargo_env(env: &[(&str, &str)], args: &[&str]) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    run_in_env(".", env, &cargo, args)
}

/// Whether this process runs as root (`id -u` says 0).
pub fn running_as_root() -> bool {
    output("id", &["-u"]).is_ok_and(|id| id.trim() == "0")
}

/// One named step of a task, announced before it runs. A Ctrl-C noted while it ran (see
/// `postgres`) ends the task after it.
pub fn step<T>(name: &str, body: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    println!("\n== {name}");
    let result = body().map_err(|e| format!("{name}: {e}"));
    if crate::postgres::interrupted() {
        return Err(format!("{name}: interrupted (Ctrl-C)"));
    }
    result
}
