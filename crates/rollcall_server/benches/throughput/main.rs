//! Throughput of `rollcall serve` processes sharing one PostgreSQL, and how fast the API answers
//! meanwhile: 30 simulated teachers make 300 uploads of 100 rows on loopback, first against one
//! process, then against three (each request goes to the next process in turn, as a load
//! balancer without sticky sessions would send it, so an upload is often stored by one
//! process, applied by another and polled at a third).
//!
//! The district has 10 schools of 300 students; each school has 3 teachers and each teacher a
//! class of 100 students. A teacher, 10 times over: GETs the school's roster (as the page does
//! before comparing a file), POSTs a change-set updating the first name and grade of each of
//! her 100 students (updates of existing students, without passwords: no Argon2 hashing, so
//! the queue and the API are what is measured), and polls the Upload History every 250 ms
//! (the page polls every 1.5 s) until the upload is Completed; then the next upload.
//!
//! Reported for each number of processes: uploads completed per minute (300 over the wall time
//! from the first request to the last completion), the median and 99th percentile of every
//! API answer's time, and of the page's GETs alone (roster and Upload History; target: p99
//! under 200 ms).
//!
//! Not a criterion benchmark (`harness = false`): `cargo xtask bench` runs it and reads the
//! JSON it writes. Environment:
//! - `ROLLCALL_BENCH_POSTGRES=postgres://USER@HOST:PORT/DB` (required; without it the benchmark
//!   says so and does nothing): a role that may create schemas; each run gets a schema of its
//!   own, dropped after it.
//! - `ROLLCALL_BIN`: the `rollcall` binary (default: the workspace's `target/release/rollcall`,
//!   which `cargo build --release -p rollcall` makes).
//! - `ROLLCALL_BENCH_OUT`: where the JSON result goes (default: `target/bench-throughput.json`).

mod client;
mod figures;
mod setup;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use rollcall_core::{Field, Op};
use rollcall_server::store::uploads::UploadStatus;
use rollcall_server::store::{NewStudent, StudentRecord};
use rollcall_server::{Store, auth};

use client::*;
use figures::*;
use setup::*;

const POSTGRES_VAR: &str = "ROLLCALL_BENCH_POSTGRES";
const SCHOOLS: usize = 10;
const TEACHERS_PER_SCHOOL: usize = 3;
const TEACHERS: usize = SCHOOLS * TEACHERS_PER_SCHOOL;
/// Students of one teacher's class, and rows of each upload.
const ROWS: usize = 100;
const UPLOADS: usize = 300;
const UPLOADS_PER_TEACHER: usize = UPLOADS / TEACHERS;
/// How often a teacher polls the Upload History while her upload runs.
const POLL: Duration = Duration::from_millis(250);
/// The page's GETs must answer within this at the 99th percentile.
const PAGE_GET_P99_TARGET: Duration = Duration::from_millis(200);
const PASSWORD: &str = "Bench-Throughput-42";
const DISTRICT: &str = "bench-district";

const FIRST: [&str; 8] = [
    "Avery", "Blake", "Casey", "Devon", "Emery", "Finley", "Harper", "Jordan",
];

fn school(s: usize) -> String {
    format!("bench-school-{s:02}")
}

fn teacher_email(t: usize) -> String {
    format!("teacher{t:02}@bench.school")
}

fn run(server: &str, binary: &Path, processes: usize) -> Figures {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let schema = Schema::create(&runtime, server);
    let url = schema.url();
    runtime.block_on(seed(&url));
    let servers = Servers::start(binary, &url, processes);
    let clients: Vec<Client> = (0..TEACHERS).map(|t| sign_in(&servers.addrs, t)).collect();
    let start = Arc::new(Barrier::new(TEACHERS + 1));
    let threads: Vec<_> = clients
        .into_iter()
        .enumerate()
        .map(|(t, client)| {
            let start = start.clone();
            std::thread::spawn(move || teacher(client, t, start))
        })
        .collect();
    start.wait();
    let began = Instant::now();
    let records: Vec<Record> = threads
        .into_iter()
        .map(|t| t.join().expect("a teacher's thread"))
        .collect();
    let seconds = began.elapsed().as_secs_f64();
    drop(servers);
    schema.drop_with(&runtime);

    let mut all = Vec::new();
    let mut page = Vec::new();
    let mut by_kind: BTreeMap<Kind, Vec<Duration>> = BTreeMap::new();
    let mut done = Vec::new();
    let (mut errors, mut not_completed) = (0, 0);
    for record in records {
        for (kind, times) in record.times {
            all.extend(&times);
            if kind != Kind::Post {
                page.extend(&times);
            }
            by_kind.entry(kind).or_default().extend(times);
        }
        done.extend(record.completed);
        errors += record.errors;
        not_completed += record.not_completed;
    }
    for times in [&mut all, &mut page, &mut done] {
        times.sort();
    }
    let pair = |sorted: &[Duration]| (percentile(sorted, 0.5), percentile(sorted, 0.99));
    Figures {
        processes,
        seconds,
        uploads_per_minute: done.len() as f64 / (seconds / 60.0),
        completed: done.len(),
        not_completed,
        requests: all.len(),
        errors,
        api: pair(&all),
        page_gets: pair(&page),
        by_kind: by_kind
            .into_iter()
            .map(|(kind, mut times)| {
                times.sort();
                let (p50, p99) = pair(&times);
                (kind, (p50, p99, times.len()))
            })
            .collect(),
        upload_done: pair(&done),
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn main() {
    let server = match std::env::var(POSTGRES_VAR) {
        Ok(server) if !server.is_empty() => server,
        _ => {
            println!("{POSTGRES_VAR} is not set: the throughput benchmark needs a PostgreSQL");
            return;
        }
    };
    let binary = std::env::var_os("ROLLCALL_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/release/rollcall"));
    assert!(
        binary.is_file(),
        "{} is missing: build it with `cargo build --release -p rollcall` (or set ROLLCALL_BIN)",
        binary.display()
    );
    println!(
        "throughput: {TEACHERS} teachers ({TEACHERS_PER_SCHOOL} in each of {SCHOOLS} schools) \
         make {UPLOADS} uploads of {ROWS} rows on loopback, polling the Upload History every \
         {} ms; the rows update existing students' first names and grades (no passwords, so \
         no Argon2 hashing: the queue and the API are measured)",
        POLL.as_millis()
    );
    let runs: Vec<Figures> = [1, 3]
        .into_iter()
        .map(|processes| {
            println!("running with {processes} `rollcall serve` process(es)…");
            run(&server, &binary, processes)
        })
        .collect();
    println!(
        "\n| processes | wall time | uploads/min | API p50 | API p99 | page GETs p50 | page GETs p99 (< {} ms) | POST p99 | POST → Completed p50 / p99 | not Completed | errors |",
        PAGE_GET_P99_TARGET.as_millis()
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for f in &runs {
        let post = f.by_kind.get(&Kind::Post).map_or(f64::NAN, |k| k.1);
        println!(
            "| {} | {:.1} s | {:.0} | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} ms {} | {:.1} ms | {:.0} / {:.0} ms | {} | {} |",
            f.processes,
            f.seconds,
            f.uploads_per_minute,
            f.api.0,
            f.api.1,
            f.page_gets.0,
            f.page_gets.1,
            if f.page_gets.1 < PAGE_GET_P99_TARGET.as_secs_f64() * 1e3 {
                "met"
            } else {
                "MISSED"
            },
            post,
            f.upload_done.0,
            f.upload_done.1,
            f.not_completed,
            f.errors,
        );
    }
    let json = serde_json::json!({
        "teachers": TEACHERS,
        "schools": SCHOOLS,
        "uploads": UPLOADS,
        "rows": ROWS,
        "poll_ms": POLL.as_millis() as u64,
        "runs": runs
            .iter()
            .map(|f| (f.processes.to_string(), f.json()))
            .collect::<serde_json::Map<_, _>>(),
    });
    let out = std::env::var_os("ROLLCALL_BENCH_OUT")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/bench-throughput.json"));
    std::fs::write(&out, format!("{json:#}\n"))
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
    println!("\n(written to {})", out.display());
}
