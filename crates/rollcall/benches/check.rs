//! The rule engine's speed on 50,000 rows (files from `cargo xtask bench`):
//! the csv crate's floor, `rollcall check` end to end, and one incremental cell re-check.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
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

fn benches(c: &mut Criterion) {
    let export = read("export.csv");
    let edited = read("edited.csv");
    let dir = data_dir();
    let mut group = c.benchmark_group("check-50k");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(8));
    group.bench_function("csv-floor", |b| {
        b.iter(|| {
            csv_floor(std::hint::black_box(&export)) + csv_floor(std::hint::black_box(&edited))
        })
    });
    let check = |threads: Option<&str>| {
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
    };
    group.bench_function("rollcall-check-json", |b| b.iter(|| check(None)));
    // The same on one thread: the check's whole CPU cost, which is what it takes when the
    // machine's other core is busy with something else.
    group.bench_function("rollcall-check-json-one-thread", |b| {
        b.iter(|| check(Some("1")))
    });
    group.bench_function("check-in-process", |b| {
        b.iter(|| {
            let checker = Checker::new(
                Input::new(&edited, Some("edited.csv")),
                Some(Input::new(&export, Some("export.csv"))),
                &Options::default(),
            );
            let mut json = Vec::with_capacity(8 << 20);
            checker.write_report_json(&mut json).expect("write");
            json.len()
        })
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
                .set_cell(25_002, Field::Username, value)
                .expect("edit")
        })
    });
    group.finish();
}

criterion_group!(check, benches);
criterion_main!(check);
