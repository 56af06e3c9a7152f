//! Installs what the build needs, or says exactly what is missing: the wasm32 target, the
//! wasm-bindgen CLI of the version Cargo.lock pins, Node.js with npm, Chromium and SQLite's
//! command line.

use std::path::Path;

use crate::cmd;

/// Everything `cargo xtask run` and `cargo xtask test` need.
pub fn setup() -> Result<(), String> {
    wasm_bindgen_cli()?;
    node()?;
    chromium()?;
    sqlite3()
}

/// The Rust side only: the wasm32 target and the wasm-bindgen CLI.
pub fn wasm_target() -> Result<(), String> {
    cmd::step("set-up: wasm32-unknown-unknown target", || {
        let installed = cmd::output("rustup", &["target", "list", "--installed"]).map_err(|e| {
            format!("{e}\nrustup is needed to add the wasm32 target (https://rustup.rs)")
        })?;
        if installed
            .lines()
            .any(|l| l.trim() == "wasm32-unknown-unknown")
        {
            println!("already installed");
            return Ok(());
        }
        cmd::run("rustup", &["target", "add", "wasm32-unknown-unknown"]).map_err(|e| {
            format!("{e}\nthe wasm32 target could not be installed; run `rustup target add wasm32-unknown-unknown` by hand")
        })
    })
}

/// The version of the `wasm-bindgen` crate in Cargo.lock: the CLI must be the same.
pub fn locked_wasm_bindgen() -> Result<String, String> {
    let lock = std::fs::read_to_string(cmd::root().join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        let version = lines
            .clone()
            .next()
            .and_then(|l| l.trim().strip_prefix("version = "));
        if let (true, Some(version)) = (line.trim() == "name = \"wasm-bindgen\"", version) {
            return Ok(version.trim_matches('"').to_owned());
        }
    }
    Err("Cargo.lock has no wasm-bindgen package".to_owned())
}

/// The wasm-bindgen CLI, installed with cargo when missing or of another version.
pub fn wasm_bindgen_cli() -> Result<(), String> {
    wasm_target()?;
    cmd::step("set-up: wasm-bindgen CLI", || {
        let want = locked_wasm_bindgen()?;
        let have = cmd::output("wasm-bindgen", &["--version"]).unwrap_or_default();
        if have.split_whitespace().nth(1) == Some(want.as_str()) {
            println!("wasm-bindgen {want} already installed");
            return Ok(());
        }
        // Without --locked: the registry mirror lacks one of the CLI's locked dependencies.
        cmd::cargo(&["install", "wasm-bindgen-cli", "--version", &want]).map_err(|e| {
            format!(
                "{e}\nthe wasm-bindgen CLI {want} (the version Cargo.lock pins) could not be installed; \
                 run `cargo install wasm-bindgen-cli --version {want}` by hand"
            )
        })
    })
}

/// Node.js 18 or newer with npm, from Debian's packages when missing.
pub fn node() -> Result<(), String> {
    cmd::step("set-up: Node.js and npm", || {
        let version = cmd::output("node", &["--version"]).unwrap_or_default();
        let major: u32 = version
            .trim()
            .trim_start_matches('v')
            .split('.')
            .next()
            .and_then(|m| m.parse().ok())
            .unwrap_or(0);
        if major >= 18 && cmd::output("npm", &["--version"]).is_ok() {
            println!("node {} already installed", version.trim());
            return Ok(());
        }
        apt_install(&["nodejs", "npm"]).map_err(|e| {
            format!("{e}\nNode.js 18 or newer with npm is needed; install it by hand (Debian: apt-get install nodejs npm)")
        })
    })
}

/// Debian's Chromium, which the browser tests drive.
pub fn chromium() -> Result<(), String> {
    cmd::step("set-up: Chromium", || {
        if Path::new(CHROMIUM).exists() {
            println!("{CHROMIUM} already installed");
            return Ok(());
        }
        apt_install(&["chromium"]).map_err(|e| {
            format!("{e}\nthe browser tests need Debian's Chromium at {CHROMIUM}: apt-get install chromium")
        })
    })
}

/// SQLite's command line, with which a browser test adds a teacher to its server's database.
pub fn sqlite3() -> Result<(), String> {
    if Path::new("/usr/bin/sqlite3").exists() {
        return Ok(());
    }
    cmd::step("set-up: sqlite3 (apt)", || {
        apt_install(&["sqlite3"]).map_err(|e| {
            format!("{e}\nthe browser tests need SQLite's command line: apt-get install sqlite3")
        })
    })
}

/// Where the browser tests find Chromium.
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// GNU time (`/usr/bin/time`), which the benchmarks use to read a process's peak memory.
pub fn gnu_time() -> Result<(), String> {
    if Path::new("/usr/bin/time").exists() {
        return Ok(());
    }
    cmd::step("set-up: GNU time (apt)", || {
        apt_install(&["time"])
            .map_err(|e| format!("{e}\nthe memory benchmark needs GNU time: apt-get install time"))
    })
}

/// Installs Debian packages (after `apt-get update`), as root or through sudo without a
/// password.
pub fn apt_install(packages: &[&str]) -> Result<(), String> {
    let (program, prefix): (&str, &[&str]) = if cmd::running_as_root() {
        ("apt-get", &[])
    } else {
        ("sudo", &["-n", "apt-get"])
    };
    let mut update = prefix.to_vec();
    update.push("update");
    cmd::run(program, &update)?;
    let mut install = prefix.to_vec();
    install.extend(["install", "-y"]);
    install.extend(packages);
    cmd::run(program, &install)
}
