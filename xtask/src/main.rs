//! `cargo xtask`: the project's task runner (rust-analyzer's xtask pattern).
//!
//! - `cargo xtask setup`  installs what the build needs (the wasm32 target)
//! - `cargo xtask run`    sets up, builds and starts `rollcall serve --demo` (on SQLite; with
//!   `--postgres`, two of them on one throw-away PostgreSQL, at 127.0.0.1:8080 and :8081)
//! - `cargo xtask test`   every test: format, lints, unit, fixture, property, the server's tests
//!   again on a throw-away PostgreSQL (or the one `ROLLCALL_TEST_POSTGRES` names), wasm32
//!   build, docs
//! - `cargo xtask bench`  generates the 50,000-row files and runs the benchmarks
//! - `cargo xtask docs`   regenerates docs/rules.md from the code registry
//! - `cargo xtask pkg`    builds the npm package (`pkg/dist`) from `crates/rollcall_wasm`
//! - `cargo xtask web`    builds the page (`web/dist`) from `web/`
//! - `cargo xtask fuzz --minutes N`  runs every cargo-fuzz target of `fuzz/` for N minutes
//!   each (by hand only: not part of `test`); fails if any saved a crash, timeout or OOM
//! - `cargo xtask pg-smoke`  (not in the usage line) starts and stops a throw-away PostgreSQL of
//!   each kind and checks that it answered and left nothing behind (for when the PostgreSQL step
//!   of `test` cannot start its server)
//!
//! `postgres` makes the throw-away PostgreSQL servers (initdb into a temporary folder, stopped
//! and removed on drop); `run_postgres` runs the two servers of `run --postgres`.

mod bench;
mod bench_data;
mod bench_memory;
mod cmd;
mod docs;
mod file_sizes;
mod fuzz;
mod npm;
mod pkg;
mod postgres;
mod run_postgres;
mod setup;
mod test_bins;
mod web;

use std::process::ExitCode;

const USAGE: &str =
    "usage: cargo xtask <setup|run [--postgres]|test|bench|docs|pkg|web|fuzz [--minutes N]>";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("setup") => setup::setup(),
        Some("run") => run(&args[1..]),
        Some("test") => test(),
        Some("bench") => bench::bench(),
        Some("docs") => docs::write(),
        Some("pkg") => pkg::build(),
        Some("web") => web::build(),
        Some("fuzz") => fuzz::fuzz(&args[1..]),
        Some("pg-smoke") => postgres::smoke(),
        Some("-h" | "--help") | None => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown task {other}\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nxtask: FAILED: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Sets up, builds, and starts `rollcall serve --demo` on its embedded SQLite database
/// (`rollcall.db`), which prints the URL and the demo sign-ins. Extra arguments go to `serve`
/// (for example `--addr 127.0.0.1:9000`). With `--postgres`: two servers on one throw-away
/// PostgreSQL (`run_postgres`); the other extra arguments go to both.
fn run(extra: &[String]) -> Result<(), String> {
    // `cargo xtask run -- --addr …` and `cargo xtask run --addr …` both work.
    let extra: Vec<String> = extra.iter().skip_while(|a| *a == "--").cloned().collect();
    let on_postgres = extra.iter().any(|a| a == "--postgres");
    let extra: Vec<String> = extra.into_iter().filter(|a| a != "--postgres").collect();
    if on_postgres {
        run_postgres::check_args(&extra)?;
    }
    setup::setup()?;
    web::build()?;
    release_cli("the server")?;
    let root = cmd::root();
    let binary = root.join("target/release/rollcall");
    if on_postgres {
        return run_postgres::run(&binary, &root, &extra);
    }
    println!(
        "\n== rollcall serve --demo (Ctrl-C stops it)\n\n\
         Also try the command line on a bundled example:\n  \
         target/release/rollcall check tests/fixtures/examples/new-students/edited.csv \\\n    \
         --original tests/fixtures/examples/new-students/export.csv\n"
    );
    let status = std::process::Command::new(&binary)
        .args(["serve", "--demo"])
        .args(&extra)
        .current_dir(&root)
        .status()
        .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("rollcall serve stopped ({status})"))
    }
}

/// Builds the release `rollcall` binary, which `purpose` needs.
pub fn release_cli(purpose: &str) -> Result<(), String> {
    cmd::step(&format!("the release command line, for {purpose}"), || {
        cmd::cargo(&["build", "--release", "-p", "rollcall"])
    })
}

/// Every test the project has.
fn test() -> Result<(), String> {
    setup::setup()?;
    cmd::step("format", || cmd::cargo(&["fmt", "--all", "--check"]))?;
    cmd::step("lints", || {
        cmd::cargo(&[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ])
    })?;
    cmd::step("tests", || cmd::cargo(&["test", "--workspace"]))?;
    cmd::step("server tests on PostgreSQL", || {
        // The tests read ROLLCALL_TEST_POSTGRES and make their own schemas on that server. Set
        // by the caller, it is inherited as it is (and not shown: it may hold a password).
        // `pg` is dropped at the end of this step: a throw-away server stops, its folder goes.
        let pg = postgres::for_tests()?;
        let env = [(postgres::TEST_URL_VAR, pg.url())];
        let env: &[(&str, &str)] = if pg.started() { &env } else { &[] };
        test_bins::run("rollcall_server", &[], env)?;
        // The command line's tests that start `rollcall serve` processes.
        test_bins::run("rollcall", &["processes"], env)
    })?;
    cmd::step(
        "rollcall_core and rollcall_protocol build for wasm32-unknown-unknown",
        || {
            cmd::cargo(&[
                "build",
                "-p",
                "rollcall_core",
                "-p",
                "rollcall_protocol",
                "--target",
                "wasm32-unknown-unknown",
            ])
        },
    )?;
    // The fuzz targets are built only by `cargo xtask fuzz` (on nightly); checking them here
    // keeps them in step with the engine's API.
    cmd::step("the fuzz targets compile", || {
        cmd::cargo(&["check", "--manifest-path", "fuzz/Cargo.toml", "--bins"])
    })?;
    cmd::step("docs/rules.md is up to date", docs::check)?;
    cmd::step("every source file is under 500 lines", file_sizes::check)?;
    pkg::build()?;
    web::build()?;
    release_cli("the parity test and the page")?;
    cmd::step("npm package: node --test (API, types, npm pack)", || {
        npm::ci("pkg")?;
        cmd::run_in("pkg", "npm", &["test"])
    })?;
    cmd::step(
        "end to end: parity with the command line, headless Chromium",
        || {
            npm::ci("tests/e2e")?;
            cmd::run_in("tests/e2e", "npm", &["test"])
        },
    )?;
    println!("\nxtask: every test passed");
    Ok(())
}
