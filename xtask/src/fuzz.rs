//! `cargo xtask fuzz --minutes N`: runs every cargo-fuzz target of `fuzz/` for N minutes, one
//! after the other, and fails if any of them saved a crash, a timeout or an out-of-memory input.
//!
//! Not part of `cargo xtask test`: it is run by hand (see fuzz/README.md). It installs
//! cargo-fuzz when missing, seeds the corpora with `fuzz/seed.sh`, builds the targets without a
//! sanitizer, and fuzzes each in libFuzzer's fork mode with one worker, carrying on past crashes
//! so that a run always lasts its time. The stable compiler accepts cargo-fuzz's `-Z` flags
//! under `RUSTC_BOOTSTRAP=1`, which is set for the cargo-fuzz commands only.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use crate::cmd;

/// The targets of fuzz/Cargo.toml, in the order they run.
const TARGETS: [&str; 3] = ["read_any", "check_pair", "incremental_check"];

/// The cargo-fuzz version installed when none is.
const CARGO_FUZZ: &str = "0.13.2";

/// Memory a run may use before libFuzzer saves the input as an OOM (MB).
const RSS_LIMIT_MB: u32 = 1024;

/// Seconds one input may take before libFuzzer saves it as a timeout.
const TIMEOUT_S: u32 = 10;

/// The environment of the cargo-fuzz commands.
const BOOTSTRAP: [(&str, &str); 1] = [("RUSTC_BOOTSTRAP", "1")];

pub fn fuzz(args: &[String]) -> Result<(), String> {
    let minutes = minutes(args)?;
    cargo_fuzz()?;
    cmd::step("seed the corpora (fuzz/seed.sh)", || {
        cmd::run_in("fuzz", "./seed.sh", &[])
    })?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    cmd::step("build the fuzz targets", || {
        cmd::run_in_env(
            "fuzz",
            &BOOTSTRAP,
            &cargo,
            &["fuzz", "build", "--sanitizer", "none"],
        )
    })?;
    let mut runs = Vec::new();
    for target in TARGETS {
        let before = artifacts(target);
        let step = format!("fuzz {target} for {minutes} min");
        let run = cmd::step(&step, || run(&cargo, target, minutes));
        let after = artifacts(target);
        runs.push((target, run, before, after));
    }

    println!("\n== fuzzing summary ({minutes} min a target)\n");
    println!(
        "| target | time | execs | cov / ft | corpus | crashes / timeouts / OOMs (new) | other |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- |");
    let mut failures = Vec::new();
    for (target, run, before, after) in &runs {
        let stats = match run {
            Ok(stats) => stats.clone(),
            Err(e) => {
                failures.push(e.clone());
                Stats::default()
            }
        };
        let files = count_files(&cmd::root().join("fuzz/corpus").join(target));
        println!(
            "| `{target}` | {} | {} | {} / {} | {} ({files} files) | {} / {} / {} ({}) | {} |",
            stats.time,
            stats.execs,
            stats.cov,
            stats.ft,
            stats.corp,
            after.crashes,
            after.timeouts,
            after.ooms,
            after.total() - before.total().min(after.total()),
            after.other,
        );
        if after.total() > before.total() {
            failures.push(format!(
                "{target} saved {} new artifact(s) in fuzz/artifacts/{target}/",
                after.total() - before.total()
            ));
        }
    }
    println!(
        "\n(artifacts are counted in fuzz/artifacts/<target>/; triage them with fuzz/tools/triage.py)"
    );
    if failures.is_empty() {
        println!("\nxtask: no target found a crash, a timeout or an out-of-memory input");
        Ok(())
    } else {
        Err(failures.join("; "))
    }
}

/// `--minutes N` (or `--minutes=N`); 10 when not given.
fn minutes(args: &[String]) -> Result<u32, String> {
    let usage = "usage: cargo xtask fuzz [--minutes N]";
    let mut minutes = 10;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let value = match arg.as_str() {
            "--minutes" => args.next().map(String::as_str),
            other => match other.strip_prefix("--minutes=") {
                Some(value) => Some(value),
                None => return Err(format!("unknown argument {other}\n{usage}")),
            },
        };
        minutes = value
            .and_then(|v| v.parse().ok())
            .filter(|&m| m > 0)
            .ok_or_else(|| format!("--minutes needs a whole number above 0\n{usage}"))?;
    }
    Ok(minutes)
}

/// cargo-fuzz, installed with cargo when missing.
fn cargo_fuzz() -> Result<(), String> {
    cmd::step("set-up: cargo-fuzz", || {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        if let Ok(version) = cmd::output(&cargo, &["fuzz", "--version"]) {
            println!("{} already installed", version.trim());
            return Ok(());
        }
        let locked = ["install", "cargo-fuzz", "--version", CARGO_FUZZ, "--locked"];
        cmd::cargo(&locked)
            .or_else(|e| {
                println!("{e}\nthe locked build failed; trying without --locked");
                cmd::cargo(&locked[..4])
            })
            .map_err(|e| {
                format!(
                    "{e}\ncargo-fuzz could not be installed; run `cargo install cargo-fuzz --version {CARGO_FUZZ}` by hand"
                )
            })
    })
}

/// What libFuzzer's last status line said (`#N: cov: … ft: … corp: … time: …s`), as printed.
#[derive(Clone)]
struct Stats {
    execs: String,
    cov: String,
    ft: String,
    corp: String,
    time: String,
}

impl Default for Stats {
    fn default() -> Self {
        let none = || "?".to_owned();
        Stats {
            execs: none(),
            cov: none(),
            ft: none(),
            corp: none(),
            time: none(),
        }
    }
}

impl Stats {
    /// The figures of a fork-mode status line, or `None` for any other line.
    fn parse(line: &str) -> Option<Stats> {
        let (execs, rest) = line.strip_prefix('#')?.split_once(": ")?;
        if !rest.starts_with("cov: ") {
            return None;
        }
        let words: Vec<&str> = rest.split_whitespace().collect();
        let after = |key: &str| {
            words
                .iter()
                .position(|w| *w == key)
                .and_then(|i| words.get(i + 1))
                .map(|v| (*v).to_owned())
        };
        Some(Stats {
            execs: execs.to_owned(),
            cov: after("cov:")?,
            ft: after("ft:")?,
            corp: after("corp:")?,
            time: after("time:").unwrap_or_else(|| "?".to_owned()),
        })
    }
}

/// Fuzzes `target` for `minutes` in fork mode; libFuzzer's output is shown as it comes, and its
/// last status line kept.
fn run(cargo: &str, target: &str, minutes: u32) -> Result<Stats, String> {
    let corpus = format!("corpus/{target}");
    let flags = [
        "-fork=1".to_owned(),
        "-ignore_crashes=1".to_owned(),
        "-ignore_timeouts=1".to_owned(),
        "-ignore_ooms=1".to_owned(),
        "-print_final_stats=1".to_owned(),
        format!("-rss_limit_mb={RSS_LIMIT_MB}"),
        format!("-timeout={TIMEOUT_S}"),
        format!("-max_total_time={}", u64::from(minutes) * 60),
    ];
    let mut args = vec!["fuzz", "run", target, "--sanitizer", "none", &corpus, "--"];
    args.extend(flags.iter().map(String::as_str));
    let line = format!("RUSTC_BOOTSTRAP=1 {cargo} {}", args.join(" "));
    println!("$ (in fuzz) {line}");
    let mut child = Command::new(cargo)
        .args(&args)
        .envs(BOOTSTRAP)
        .current_dir(cmd::root().join("fuzz"))
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start `{line}`: {e}"))?;
    let mut stats = None;
    if let Some(stderr) = child.stderr.take() {
        for text in BufReader::new(stderr).lines() {
            let text = text.map_err(|e| format!("reading the output of `{line}`: {e}"))?;
            eprintln!("{text}");
            stats = Stats::parse(&text).or(stats);
        }
    }
    let status = child
        .wait()
        .map_err(|e| format!("waiting for `{line}`: {e}"))?;
    if !status.success() {
        return Err(format!("`{line}` failed ({status})"));
    }
    Ok(stats.unwrap_or_default())
}

/// The files libFuzzer saved in fuzz/artifacts/<target>/, by kind.
#[derive(Default)]
struct Artifacts {
    crashes: usize,
    timeouts: usize,
    ooms: usize,
    other: usize,
}

impl Artifacts {
    fn total(&self) -> usize {
        self.crashes + self.timeouts + self.ooms + self.other
    }
}

fn artifacts(target: &str) -> Artifacts {
    let dir = cmd::root().join("fuzz/artifacts").join(target);
    let mut found = Artifacts::default();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let kind = if name.starts_with("crash-") {
            &mut found.crashes
        } else if name.starts_with("timeout-") {
            &mut found.timeouts
        } else if name.starts_with("oom-") {
            &mut found.ooms
        } else {
            &mut found.other
        };
        *kind += 1;
    }
    found
}

fn count_files(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| entries.flatten().count())
        .unwrap_or(0)
}
