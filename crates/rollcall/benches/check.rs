//! The rule engine's speed on 50,000 rows (files from `cargo xtask bench`):
//! the csv crate's floor, `rollcall check` end to end (and on one thread, and in-process), one
//! incremental cell re-check, and the check's ratio to the floor measured in alternation.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use criterion::Criterion;
use rollcall_core::{Checker, Field, Input, Options};

/// The allocator the `rollcall` binary uses, so that in-process figures compare with it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn data_dir() -> PathBuf {
    std::env::var_os("ROLLCALL_BENCH_DATA").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-data"),
        PathBuf::from,
    )
}

fn read(name: &str) -> Vec<u8> {
    let path = data_dir().join(name);
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run `cargo xtask bench`, which generates the files)",
            path.display()
        )
    })
}

/// Reads every field of a CSV with the csv crate: the least any checker must do.
fn csv_floor(bytes: &[u8]) -> usize {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut record = csv::StringRecord::new();
    let mut total = 0;
    while reader.read_record(&mut record).unwrap_or(false) {
        total += record.iter().map(str::len).sum::<usize>();
    }
    total
}

/// The floor: the csv crate reads every field of both files.
fn floor(export: &[u8], edited: &[u8]) -> usize {
    csv_floor(std::hint::black_box(export)) + csv_floor(std::hint::black_box(edited))
}

/// `rollcall check --original … --format json` end to end, on `threads` threads if given.
fn check(dir: &Path, threads: Option<&str>) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rollcall"));
    command
        .arg("check")
        .arg(dir.join("edited.csv"))
        .arg("--original")
        .arg(dir.join("export.csv"))
        .args(["--format", "json"])
        .stdout(Stdio::null());
    if let Some(threads) = threads {
        command.env("RAYON_NUM_THREADS", threads);
    }
    let status = command.status().expect("rollcall runs");
    assert!(status.code().is_some_and(|code| code <= 1), "{status}");
}

/// The check and its JSON report in-process, warm: the length of the JSON.
fn in_process(export: &[u8], edited: &[u8]) -> usize {
    let checker = Checker::new(
        Input::new(edited, Some("edited.csv")),
        Some(Input::new(export, Some("export.csv"))),
        &Options::default(),
    );
    let mut json = Vec::with_capacity(8 << 20);
    checker
        .write_report_json(&mut json, rollcall_core::Lang::En)
        .expect("write");
    json.len()
}

fn benches(c: &mut Criterion) {
    let export = read("export.csv");
    let edited = read("edited.csv");
    let dir = data_dir();
    let mut group = c.benchmark_group("check-50k");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(8));
    group.bench_function("csv-floor", |b| b.iter(|| floor(&export, &edited)));
    group.bench_function("rollcall-check-json", |b| b.iter(|| check(&dir, None)));
    // The same on one thread: the check's whole CPU cost, which is what it takes when the
    // machine's other core is busy with something else.
    group.bench_function("rollcall-check-json-one-thread", |b| {
        b.iter(|| check(&dir, Some("1")))
    });
    group.bench_function("check-in-process", |b| {
        b.iter(|| in_process(&export, &edited))
    });
    // The same pair with a Classes column: two classes a student, 5% of the rows moving.
    let classes_dir = dir.join("classes");
    group.bench_function("rollcall-check-json-classes", |b| {
        b.iter(|| check(&classes_dir, None))
    });
    let (export_classes, edited_classes) = (read("classes/export.csv"), read("classes/edited.csv"));
    group.bench_function("check-in-process-classes", |b| {
        b.iter(|| in_process(&export_classes, &edited_classes))
    });
    let mut checker = Checker::new(
        Input::new(&edited, Some("edited.csv")),
        Some(Input::new(&export, Some("export.csv"))),
        &Options::default(),
    );
    let mut flip = false;
    group.bench_function("single-cell-recheck", |b| {
        b.iter(|| {
            flip = !flip;
            let value = if flip { "s0.taken" } else { "s25000.changed" };
            checker
                .set_cell(rollcall_core::SheetRow::new(25_002), Field::Username, value)
                .expect("edit")
        })
    });
    group.finish();
}

/// The median of `runs` timings of `f`, in seconds.
fn median_time(runs: usize, mut f: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[runs / 2]
}

/// The ratios that targets are judged on, each timed in alternation: a round times both sides
/// back to back and keeps their ratio. Criterion measures two benchmarks one after the other,
/// seconds apart, and a machine that shares its cores can be slower for one than for the other;
/// here both sides of each ratio see the same moment. Each is written beside the data (the
/// median ratio and its quartiles):
/// - `paired.json`: `rollcall check` end to end (median of 3) over the floor (median of 5);
/// - `paired-classes.json`: `rollcall check` end to end of the pair with a Classes column over
///   the same check of the pair without (median of 3 each);
/// - `paired-classes-in-process.json`: the same two checks in-process and warm (median of 3
///   each), for comparison: in a process that checks again and again, the allocator's handing
///   back and taking again of memory (and the kernel's clearing of it) weighs with the files'
///   size, and the pair with classes is 27% larger.
fn paired() {
    let (export, edited) = (read("export.csv"), read("edited.csv"));
    let dir = data_dir();
    write_ratio("paired.json", "rollcall check / floor", || {
        let floor_time = median_time(5, || {
            std::hint::black_box(floor(&export, &edited));
        });
        median_time(3, || check(&dir, None)) / floor_time
    });
    let classes_dir = dir.join("classes");
    write_ratio(
        "paired-classes.json",
        "rollcall check with classes / without",
        || {
            let without = median_time(3, || check(&dir, None));
            let with = median_time(3, || check(&classes_dir, None));
            with / without
        },
    );
    let (export_classes, edited_classes) = (read("classes/export.csv"), read("classes/edited.csv"));
    write_ratio(
        "paired-classes-in-process.json",
        "in-process check with classes / without",
        || {
            let without = median_time(3, || {
                std::hint::black_box(in_process(&export, &edited));
            });
            let with = median_time(3, || {
                std::hint::black_box(in_process(&export_classes, &edited_classes));
            });
            with / without
        },
    );
}

/// Times `round` (which returns a ratio) 30 times after a warm-up; writes the median ratio and
/// its quartiles to `file` beside the data.
fn write_ratio(file: &str, what: &str, mut round: impl FnMut() -> f64) {
    const ROUNDS: usize = 30;
    round(); // warm-up
    let mut ratios: Vec<f64> = (0..ROUNDS).map(|_| round()).collect();
    ratios.sort_by(f64::total_cmp);
    let (low, median, high) = (
        ratios[ROUNDS / 4],
        ratios[ROUNDS / 2],
        ratios[3 * ROUNDS / 4],
    );
    println!(
        "check-50k/{file}: {what}, {ROUNDS} rounds: median {median:.2}x (quartiles {low:.2}x to {high:.2}x)"
    );
    let json = format!(
        "{{\"rounds\":{ROUNDS},\"median\":{median},\"low_quartile\":{low},\"high_quartile\":{high}}}\n"
    );
    let path = data_dir().join(file);
    std::fs::write(&path, json).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

/// Criterion's benchmarks, then the paired ratio: when no benchmark is named or a name given
/// contains "paired", and not when criterion only lists or tests the benchmarks.
fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    benches(&mut criterion);
    criterion.final_summary();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let only_listing = args.iter().any(|arg| arg == "--list" || arg == "--test");
    let filters: Vec<&String> = args.iter().filter(|arg| !arg.starts_with('-')).collect();
    if !only_listing && (filters.is_empty() || filters.iter().any(|f| f.contains("paired"))) {
        paired();
    }
}
