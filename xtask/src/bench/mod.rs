//! `cargo xtask bench`: generate the files, run the criterion benchmarks, print the table. The
//! server's benchmarks also run on a throw-away PostgreSQL (durable defaults), started for them
//! and stopped after them: the 10,000-row upload beside SQLite's, and the throughput of one and
//! of three `rollcall serve` processes sharing it.

use std::fmt::Write;

use crate::postgres::{Postgres, Purpose};
use crate::{bench_data, cmd, npm, pkg, web};

mod package;
mod server;

use package::package_table;
use server::server_table;

/// A measurement's median and mean, in nanoseconds.
///
/// Targets are judged on the median. This machine shares its cores with others: a run of the
/// same binary now and then takes two or three times as long, and those few runs move the mean
/// far more than the typical run. The median says what a run takes; the mean is shown beside it.
#[derive(Clone, Copy)]
struct Time {
    median: f64,
    mean: f64,
}

impl Time {
    /// "35.8 ms (mean 44.5 ms)".
    fn shown(self) -> String {
        format!("{} (mean {})", human(self.median), human(self.mean))
    }
}

/// The numbers at `pointers` (JSON pointers) in the JSON file at `path`.
fn json_numbers<const N: usize>(
    path: &std::path::Path,
    pointers: [&str; N],
) -> Result<[f64; N], String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut numbers = [0.0; N];
    for (number, pointer) in numbers.iter_mut().zip(pointers) {
        *number = json
            .pointer(pointer)
            .and_then(serde_json::Value::as_f64)
            .ok_or_else(|| format!("{}: no number at {pointer}", path.display()))?;
    }
    Ok(numbers)
}

/// Criterion's median and mean estimates for a benchmark.
fn criterion_time(group: &str, name: &str) -> Result<Time, String> {
    let path = cmd::root()
        .join("target/criterion")
        .join(group)
        .join(name)
        .join("new/estimates.json");
    let [median, mean] = json_numbers(&path, ["/median/point_estimate", "/mean/point_estimate"])?;
    Ok(Time { median, mean })
}

/// A ratio timed in alternation (`paired.json`, `paired-classes.json`,
/// `paired-classes-in-process.json`, written by the check benchmark beside its data).
struct Paired {
    rounds: u64,
    median: f64,
    low: f64,
    high: f64,
}

fn paired_ratio(dir: &std::path::Path, file: &str) -> Result<Paired, String> {
    let [rounds, median, low, high] = json_numbers(
        &dir.join(file),
        ["/rounds", "/median", "/low_quartile", "/high_quartile"],
    )?;
    Ok(Paired {
        rounds: rounds as u64,
        median,
        low,
        high,
    })
}

/// A Node benchmark's median and mean (`{"median_ms": …, "mean_ms": …}`).
fn node_time(json: &serde_json::Value, name: &str) -> Time {
    let ms = |which: &str| json[name][which].as_f64().unwrap_or(f64::NAN) * 1e6;
    Time {
        median: ms("median_ms"),
        mean: ms("mean_ms"),
    }
}

fn human(ns: f64) -> String {
    if ns < 0.0 {
        // A difference of two times can be below zero.
        format!("-{}", human(-ns))
    } else if ns >= 1e9 {
        format!("{:.2} s", ns / 1e9)
    } else if ns >= 1e6 {
        format!("{:.1} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.1} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

pub fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "MISSED" }
}

pub fn bench() -> Result<(), String> {
    let dir = cmd::root().join("target/bench-data");
    let description = cmd::step("generate the benchmark files", || {
        bench_data::generate(&dir).map(|d| {
            println!("{d}");
        })
    });
    description?;
    cmd::step("criterion: rollcall check", || {
        cmd::cargo(&["bench", "-p", "rollcall", "--bench", "check"])
    })?;
    let floor = criterion_time("check-50k", "csv-floor")?;
    let full = criterion_time("check-50k", "rollcall-check-json")?;
    let cell = criterion_time("check-50k", "single-cell-recheck")?;
    let in_process = criterion_time("check-50k", "check-in-process")?;
    let with_classes = criterion_time("check-50k", "check-in-process-classes")?;
    let full_classes = criterion_time("check-50k", "rollcall-check-json-classes")?;
    let one_thread = criterion_time("check-50k", "rollcall-check-json-one-thread")?;
    let paired = paired_ratio(&dir, "paired.json")?;
    let paired_classes = paired_ratio(&dir, "paired-classes.json")?;
    let paired_in_process = paired_ratio(&dir, "paired-classes-in-process.json")?;
    // Both ratio targets are judged where both of their sides are timed at the same moment.
    let full_met = paired.median <= 4.0;
    let cell_met = cell.median <= 1e6;
    let classes_met = paired_classes.median <= 1.15;
    let mut table = String::new();
    let _ = writeln!(
        table,
        "| measurement (50,000 rows) | median (mean) | target, on the median | |"
    );
    let _ = writeln!(table, "| --- | --- | --- | --- |");
    let _ = writeln!(
        table,
        "| csv crate reads every field of both files (floor) | {} | | |",
        floor.shown()
    );
    let _ = writeln!(
        table,
        "| `rollcall check --original … --format json`, end to end | {} | ≤ 4× floor: judged on the ratio timed in alternation, below | {:.2}× floor by criterion's medians (means: {:.2}×) |",
        full.shown(),
        full.median / floor.median,
        full.mean / floor.mean,
    );
    let _ = writeln!(
        table,
        "| that check ÷ the floor, timed in alternation ({} rounds, each 5 floors and 3 checks back to back, so both sides see the same moment of the shared machine; criterion times them seconds apart) | {:.2}× (quartiles {:.2}× to {:.2}×) | ≤ 4× | {} |",
        paired.rounds,
        paired.median,
        paired.low,
        paired.high,
        verdict(full_met)
    );
    let _ = writeln!(
        table,
        "| the same check and JSON in-process, warm (no process start, no cold memory) | {} | (for comparison) | {:.2}× floor |",
        in_process.shown(),
        in_process.median / floor.median
    );
    let _ = writeln!(
        table,
        "| `rollcall check` end to end of the pair with a Classes column (two classes a student, 5% of the rows moving class; the files 27% larger) | {} | ≤ 1.15× the check without classes: judged on the ratio timed in alternation, below | {:.2}× by criterion's medians |",
        full_classes.shown(),
        full_classes.median / full.median,
    );
    let _ = writeln!(
        table,
        "| that ratio timed in alternation ({} rounds, each 3 checks without classes and 3 with, back to back) | {:.2}× (quartiles {:.2}× to {:.2}×) | ≤ 1.15× | {} |",
        paired_classes.rounds,
        paired_classes.median,
        paired_classes.low,
        paired_classes.high,
        verdict(classes_met)
    );
    let _ = writeln!(
        table,
        "| the in-process check of the pair with classes, warm | {} | (for comparison) | {:.2}× the in-process check without by criterion's medians; {:.2}× in alternation (quartiles {:.2}× to {:.2}×) |",
        with_classes.shown(),
        with_classes.median / in_process.median,
        paired_in_process.median,
        paired_in_process.low,
        paired_in_process.high,
    );
    let _ = writeln!(
        table,
        "| the same check end to end on one thread (`RAYON_NUM_THREADS=1`: its whole CPU cost, what it takes when the other core is busy) | {} | (for comparison) | {:.2}× floor |",
        one_thread.shown(),
        one_thread.median / floor.median
    );
    let _ = writeln!(
        table,
        "| single-cell re-check (incremental checker) | {} | ≤ 1 ms | {} |",
        cell.shown(),
        verdict(cell_met)
    );
    let memory_met = crate::bench_memory::memory_table(&mut table, &dir)?;
    let server_met = server_table(&mut table)?;
    let package_met = package_table(&mut table, &dir)?;
    let page_met = page_table(&mut table)?;
    println!("\n{table}");
    let path = cmd::root().join("target/bench-report.md");
    std::fs::write(&path, &table).map_err(|e| format!("{}: {e}", path.display()))?;
    println!("(also written to {})", path.display());
    if !full_met
        || !cell_met
        || !classes_met
        || !memory_met
        || !package_met
        || !server_met
        || !page_met
    {
        return Err("a speed or size target was missed".to_owned());
    }
    Ok(())
}

/// The page in headless Chromium against `rollcall serve` with a 50,000-student school
/// (tests/e2e/bench-page.mjs). Returns whether every target was met.
fn page_table(table: &mut String) -> Result<bool, String> {
    web::build()?;
    crate::release_cli("the page")?;
    let json = cmd::step("headless Chromium: the page on 50,000 rows", || {
        node_result("tests/e2e", "tests/e2e/bench-page.mjs", &[])
    })?;
    let (csv, xlsx, edit, language) = (
        node_time(&json, "csv"),
        node_time(&json, "xlsx"),
        node_time(&json, "edit"),
        node_time(&json, "language"),
    );
    let rows = [
        (
            "the page: edited 50,000-row CSV chosen → table shown, headless Chromium",
            csv,
            1e9,
            "≤ 1 s",
        ),
        (
            "the page: edited 50,000-row XLSX chosen → table shown, headless Chromium",
            xlsx,
            2e9,
            "≤ 2 s",
        ),
        (
            "the page: a cell edited → its diagnostics shown",
            edit,
            50e6,
            "≤ 50 ms",
        ),
        (
            "the page: language switched (50,000 rows, with edits) → messages reworded",
            language,
            50e6,
            "≤ 50 ms",
        ),
    ];
    for (what, time, target, shown) in rows {
        let _ = writeln!(
            table,
            "| {what} | {} | {shown} | {} |",
            time.shown(),
            verdict(time.median <= target)
        );
    }
    Ok(rows
        .iter()
        .all(|(_, time, target, _)| time.median <= *target))
}

/// Installs `folder`'s npm packages, runs the Node `script` and reads the JSON result it prints
/// on its last line.
fn node_result(folder: &str, script: &str, args: &[&str]) -> Result<serde_json::Value, String> {
    npm::ci(folder)?;
    let out = cmd::output("node", &[&[script], args].concat())?;
    out.lines()
        .last()
        .and_then(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .ok_or_else(|| format!("{script} printed no result: {out}"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn human_times_pick_their_unit_and_keep_a_sign() {
        assert_eq!(super::human(2.5e9), "2.50 s");
        assert_eq!(super::human(952_600.0), "952.6 µs");
        assert_eq!(super::human(12.0), "12 ns");
        assert_eq!(super::human(-1.25e6), "-1.2 ms");
    }

    #[test]
    fn json_numbers_reads_nested_numbers_and_names_what_is_missing() {
        let path = std::env::temp_dir().join(format!("xtask-json-{}.json", std::process::id()));
        std::fs::write(&path, r#"{"median":{"point_estimate":2.5},"rounds":30}"#).unwrap();
        let found = super::json_numbers(&path, ["/median/point_estimate", "/rounds"]);
        let missing = super::json_numbers(&path, ["/mean/point_estimate"]);
        std::fs::remove_file(&path).unwrap();
        assert_eq!(found, Ok([2.5, 30.0]));
        let message = missing.unwrap_err();
        assert!(
            message.ends_with("no number at /mean/point_estimate"),
            "{message}"
        );
    }
}
