//! Uploads through the HTTP API end to end: the server runs in-process on a real 127.0.0.1
//! socket and is driven over HTTP/1.1, from the POST to the poll that sees the upload finished.
//! Every benchmark runs on SQLite; with `ROLLCALL_BENCH_POSTGRES=postgres://USER@HOST:PORT/DB`
//! (a role that may create schemas) the 10,000-row one runs on PostgreSQL too, in a schema of
//! its own made for the run and dropped after it.
//!
//! - `updates-10k`: a 10,000-row change-set of updates without passwords (names, grades,
//!   Student IDs, usernames), on SQLite; target ≤ 2 s.
//! - `updates-10k-postgres`: the same on PostgreSQL; target ≤ 2 s. Between rounds, outside the
//!   timing, the benchmark runs the VACUUM a server's autovacuum runs in the background: each
//!   round rewrites all 10,000 students and flips their usernames and Student IDs back to the
//!   values of two rounds before, so within seconds every unique check would meet the dead
//!   versions of its key left by every earlier round (measured: rounds slowing from 1 s to 5 s
//!   until autovacuum caught up), a pile-up no school's uploads make.
//! - `creates-1k`: a 1,000-row change-set of new students, whose cost is the Argon2id hashing of
//!   their temporary passwords (19 MiB, t=2, p=1; both cores).
//! - `argon2id-hash`: one hash, for hashes per second per core.
//! - `sign-in-under-attack`: a teacher's correct sign-in while 50 clients, each from its own
//!   address, send wrong passwords for other emails as fast as they are answered (every guess
//!   costs an Argon2id verification until the client's address is throttled); target: the
//!   median under 1 s. A busy answer (503) or a wait (429) is retried, and counted in the time.

mod client;
mod setup;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, criterion_group, criterion_main};
use rollcall_core::{Field, Op};
use rollcall_server::demo::{DISTRICT, LINCOLN, TEACHER};
use rollcall_server::store::uploads::UploadStatus;
use rollcall_server::store::{NewStudent, StudentRecord};
use rollcall_server::{AppState, Reach, Store, app, auth, demo};

use client::*;
use setup::*;

const STUDENTS: usize = 10_000;

/// The PostgreSQL server to run the PostgreSQL benchmarks on, if any.
const POSTGRES_VAR: &str = "ROLLCALL_BENCH_POSTGRES";

/// The 10,000-row change-set that moves every bench student to other classes of the teacher
/// (two classes each, another two every round), POST to Completed.
fn classes_10k(group: &mut BenchmarkGroup<'_, WallTime>, bench: &Bench) {
    let mut round = 0;
    group.bench_function("classes-10k", |b| {
        b.iter_custom(|iterations| {
            let mut total = Duration::ZERO;
            for _ in 0..iterations {
                round += 1;
                let ops: Vec<Op> = bench
                    .updates(round)
                    .into_iter()
                    .enumerate()
                    .map(|(i, op)| match op {
                        Op::Update {
                            row, guid, base, ..
                        } => {
                            let first = (i + round) % 40;
                            let classes = vec![
                                format!("Class {first:02}"),
                                format!("Class {:02}", (first + 1 + round % 7) % 40),
                            ];
                            let set = rollcall_core::Values {
                                fields: BTreeMap::new(),
                                classes: Some(classes),
                            };
                            Op::Update {
                                row,
                                guid,
                                base,
                                set,
                            }
                        }
                        other => other,
                    })
                    .collect();
                assert_eq!(ops.len(), STUDENTS);
                total += bench.upload(ops);
            }
            total
        })
    });
}

/// The 10,000-row change-set of updates, POST to Completed, as `name`.
fn updates_10k(group: &mut BenchmarkGroup<'_, WallTime>, name: &str, bench: &Bench) {
    let mut round = 0;
    group.bench_function(name, |b| {
        b.iter_custom(|iterations| {
            let mut total = Duration::ZERO;
            for _ in 0..iterations {
                round += 1;
                let ops = bench.updates(round);
                assert_eq!(ops.len(), STUDENTS);
                total += bench.upload(ops);
            }
            total
        })
    });
}

fn benches(c: &mut Criterion) {
    let bench = Bench::new(None);
    let mut group = c.benchmark_group("server");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    updates_10k(&mut group, "updates-10k", &bench);
    classes_10k(&mut group, &bench);
    match std::env::var(POSTGRES_VAR) {
        Ok(server) if !server.is_empty() => {
            let on_postgres = Bench::new(Some(&server));
            updates_10k(&mut group, "updates-10k-postgres", &on_postgres);
            on_postgres.finish();
        }
        _ => println!("{POSTGRES_VAR} is not set: updates-10k-postgres skipped"),
    }
    let mut batch = 0;
    group.bench_function("creates-1k", |b| {
        b.iter_custom(|iterations| {
            let mut total = Duration::ZERO;
            for _ in 0..iterations {
                batch += 1;
                let ops: Vec<Op> = (0..1000)
                    .map(|i| Op::Create {
                        row: rollcall_core::SheetRow::new(i + 2),
                        values: [
                            (Field::FirstName, format!("New{i}")),
                            (Field::LastName, format!("Batch{batch}")),
                            (Field::Grade, "02".to_owned()),
                        ]
                        .into_iter()
                        .collect(),
                    })
                    .collect();
                total += bench.upload(ops);
            }
            total
        })
    });
    group.bench_function("argon2id-hash", |b| {
        b.iter(|| auth::hash_password("Sunflower!Garden42"))
    });
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let attackers: Vec<_> = (0..50)
        .map(|client| {
            let (addr, stop) = (bench.addr, stop.clone());
            std::thread::spawn(move || {
                let address = format!("127.0.1.{}", client + 1);
                let headers = [
                    ("Content-Type", "application/json"),
                    ("X-Forwarded-For", address.as_str()),
                ];
                let mut guess = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    guess += 1;
                    let body = serde_json::json!({
                        "email": format!("guess{client}.{guess}@demo.school"),
                        "password": "not-the-password",
                    });
                    http(
                        addr,
                        "POST",
                        "/api/session",
                        &headers,
                        body.to_string().as_bytes(),
                    );
                }
            })
        })
        .collect();
    group.bench_function("sign-in-under-attack", |b| {
        b.iter_custom(|iterations| (0..iterations).map(|_| bench.sign_in()).sum())
    });
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for attacker in attackers {
        let _ = attacker.join();
    }
    group.finish();
    bench.finish();
}

criterion_group!(server, benches);
criterion_main!(server);
