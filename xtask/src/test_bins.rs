//! Running tests again, with another environment, from the executables `cargo test
//! --workspace` built.
//!
//! `cargo test -p rollcall_server` resolves features for that one package, so it builds a second
//! copy of most dependencies beside the workspace's; on CI that second copy filled the disk. The
//! PostgreSQL pass therefore asks cargo for the test executables the workspace build made (a
//! no-op build) and runs the chosen ones itself, the way `cargo test` does: from the package's
//! folder, with `CARGO_MANIFEST_DIR` set.

use std::path::{Path, PathBuf};
use std::process::Command;

/// One test executable: which package and target it is, and where it runs.
struct TestBin {
    package: String,
    target: String,
    executable: PathBuf,
    package_dir: PathBuf,
}

/// Runs the test executables of `package` (every one of them when `targets` is empty, else only
/// those targets) with `env` added, failing on the first that fails.
pub fn run(package: &str, targets: &[&str], env: &[(&str, &str)]) -> Result<(), String> {
    let chosen: Vec<TestBin> = built()?
        .into_iter()
        .filter(|b| b.package == package && (targets.is_empty() || targets.contains(&&*b.target)))
        .collect();
    if chosen.is_empty() {
        return Err(format!(
            "`cargo test --workspace` built no tests of {package}"
        ));
    }
    let shown: String = env.iter().map(|(k, _)| format!("{k}=… ")).collect();
    for bin in chosen {
        println!(
            "$ (in {}) {shown}{}",
            bin.package_dir.display(),
            bin.executable.display()
        );
        let status = Command::new(&bin.executable)
            .envs(env.iter().copied())
            .env("CARGO_MANIFEST_DIR", &bin.package_dir)
            .current_dir(&bin.package_dir)
            .status()
            .map_err(|e| format!("could not start {}: {e}", bin.executable.display()))?;
        if !status.success() {
            return Err(format!(
                "{package}'s test `{}` failed ({status})",
                bin.target
            ));
        }
    }
    Ok(())
}

/// The test executables of the workspace, as `cargo test --workspace --no-run` lists them.
fn built() -> Result<Vec<TestBin>, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let out = Command::new(&cargo)
        .args([
            "test",
            "--workspace",
            "--no-run",
            "--message-format=json-render-diagnostics",
        ])
        .current_dir(crate::cmd::root())
        .output()
        .map_err(|e| format!("could not start `cargo test --no-run`: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "`cargo test --workspace --no-run` failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter_map(|m| test_bin(&m))
        .collect())
}

/// A `compiler-artifact` message of a test executable, read; anything else is `None`.
fn test_bin(message: &serde_json::Value) -> Option<TestBin> {
    if message["reason"] != "compiler-artifact" || message["profile"]["test"] != true {
        return None;
    }
    let manifest = Path::new(message["manifest_path"].as_str()?);
    let package_dir = manifest.parent()?.to_path_buf();
    Some(TestBin {
        package: package_name(message["package_id"].as_str()?, &package_dir)?,
        target: message["target"]["name"].as_str()?.to_owned(),
        executable: PathBuf::from(message["executable"].as_str()?),
        package_dir,
    })
}

/// A package id's name: `path+file:///…/rollcall_server#0.1.0` (the folder's name, unless the id
/// names it: `…#name@0.1.0`), or the older `rollcall_server 0.1.0 (path+file:///…)`.
fn package_name(id: &str, dir: &Path) -> Option<String> {
    if let Some((_, fragment)) = id.rsplit_once('#') {
        return Some(match fragment.split_once('@') {
            Some((name, _)) => name.to_owned(),
            None => dir.file_name()?.to_str()?.to_owned(),
        });
    }
    id.split_whitespace().next().map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_test_executables_message() {
        let line = r#"{"reason":"compiler-artifact","package_id":"path+file:///w/crates/rollcall_server#0.1.0","manifest_path":"/w/crates/rollcall_server/Cargo.toml","target":{"name":"uploads"},"profile":{"test":true},"executable":"/w/target/debug/deps/uploads-1"}"#;
        let bin = test_bin(&serde_json::from_str(line).unwrap()).unwrap();
        assert_eq!(bin.package, "rollcall_server");
        assert_eq!(bin.target, "uploads");
        assert_eq!(bin.package_dir, Path::new("/w/crates/rollcall_server"));
        assert_eq!(bin.executable, Path::new("/w/target/debug/deps/uploads-1"));
    }

    #[test]
    fn skips_libraries_and_names_other_id_forms() {
        let lib = r#"{"reason":"compiler-artifact","package_id":"x","manifest_path":"/w/Cargo.toml","target":{"name":"x"},"profile":{"test":false},"executable":null}"#;
        assert!(test_bin(&serde_json::from_str(lib).unwrap()).is_none());
        let dir = Path::new("/w/crates/rollcall");
        assert_eq!(
            package_name("path+file:///w/crates/x#rollcall@0.1.0", dir).as_deref(),
            Some("rollcall")
        );
        assert_eq!(
            package_name("rollcall 0.1.0 (path+file:///w/crates/rollcall)", dir).as_deref(),
            Some("rollcall")
        );
    }
}
