//! `cargo xtask bench`: generate the files, run the criterion benchmarks, print the table.

use std::fmt::Write;

use crate::{bench_data, cmd};

/// Criterion's mean estimate for a benchmark, in nanoseconds.
fn mean_ns(group: &str, name: &str) -> Result<f64, String> {
    let path = cmd::root()
        .join("target/criterion")
        .join(group)
        .join(name)
        .join("new/estimates.json");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    json["mean"]["point_estimate"]
        .as_f64()
        .ok_or_else(|| format!("{}: no mean estimate", path.display()))
}

fn human(ns: f64) -> String {
    if ns >= 1e9 {
        format!("{:.2} s", ns / 1e9)
    } else if ns >= 1e6 {
        format!("{:.1} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.1} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

fn verdict(ok: bool) -> &'static str {
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
    let floor = mean_ns("check-50k", "csv-floor")?;
    let full = mean_ns("check-50k", "rollcall-check-json")?;
    let cell = mean_ns("check-50k", "single-cell-recheck")?;
    let in_process = mean_ns("check-50k", "check-in-process")?;
    let mut table = String::new();
    let _ = writeln!(table, "| measurement (50,000 rows) | mean | target | |");
    let _ = writeln!(table, "| --- | --- | --- | --- |");
    let _ = writeln!(
        table,
        "| csv crate reads every field of both files (floor) | {} | | |",
        human(floor)
    );
    let _ = writeln!(
        table,
        "| `rollcall check --original … --format json`, end to end | {} | ≤ 4× floor ({}) | {:.2}× floor, {} |",
        human(full),
        human(4.0 * floor),
        full / floor,
        verdict(full <= 4.0 * floor)
    );
    let _ = writeln!(
        table,
        "| the same check and JSON in-process, warm (no process start, no cold memory) | {} | (for comparison) | {:.2}× floor |",
        human(in_process),
        in_process / floor
    );
    let _ = writeln!(
        table,
        "| single-cell re-check (incremental checker) | {} | ≤ 1 ms | {} |",
        human(cell),
        verdict(cell <= 1e6)
    );
    println!("\n{table}");
    let path = cmd::root().join("target/bench-report.md");
    std::fs::write(&path, &table).map_err(|e| format!("{}: {e}", path.display()))?;
    println!("(also written to {})", path.display());
    if full > 4.0 * floor || cell > 1e6 {
        return Err("a speed target was missed".to_owned());
    }
    Ok(())
}
