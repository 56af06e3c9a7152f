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

const STUDENTS: usize = 10_000;

/// The PostgreSQL server to run the PostgreSQL benchmarks on, if any.
const POSTGRES_VAR: &str = "ROLLCALL_BENCH_POSTGRES";

/// One HTTP/1.1 exchange; returns the status and the body.
fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, Vec<u8>) {
    let mut stream = TcpStream::connect(addr).expect("connect");
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).expect("write");
    stream.write_all(body).expect("write");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).expect("read");
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("head")
        + 4;
    let head = String::from_utf8_lossy(&response[..split]).into_owned();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status");
    (status, response[split..].to_vec())
}

struct Bench {
    runtime: tokio::runtime::Runtime,
    store: Store,
    addr: SocketAddr,
    cookie: String,
    csrf: String,
    password: String,
    database: Database,
}

/// Where a benchmark's data lives: a SQLite file in a temporary folder, or a PostgreSQL schema
/// made for the run (dropped by [`Bench::finish`]).
enum Database {
    /// The folder of the database file, removed when dropped.
    Sqlite {
        _dir: tempfile::TempDir,
    },
    Postgres {
        server: String,
        schema: String,
    },
}

impl Database {
    fn sqlite() -> (Database, String) {
        let dir = tempfile::tempdir().expect("dir");
        let url = format!("sqlite://{}", dir.path().join("bench.db").display());
        (Database::Sqlite { _dir: dir }, url)
    }

    /// A new schema `rollcall_bench_…` on `server`, and the URL that puts it first on the
    /// search path.
    async fn postgres(server: &str) -> (Database, String) {
        use sqlx::Connection;
        let schema = format!("rollcall_bench_{}", uuid::Uuid::new_v4().simple());
        let mut conn = sqlx::PgConnection::connect(server)
            .await
            .unwrap_or_else(|e| panic!("cannot connect to {POSTGRES_VAR}={server}: {e}"));
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
            .execute(&mut conn)
            .await
            .expect("create the benchmark's schema");
        let _ = conn.close().await;
        let separator = if server.contains('?') { '&' } else { '?' };
        let url = format!("{server}{separator}options[search_path]={schema}");
        let database = Database::Postgres {
            server: server.to_owned(),
            schema,
        };
        (database, url)
    }
}

impl Bench {
    fn new(database: Option<&str>) -> Bench {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let (database, url) = match database {
            Some(server) => runtime.block_on(Database::postgres(server)),
            None => Database::sqlite(),
        };
        let (store, addr, passwords) = runtime.block_on(async {
            let store = Store::open(&url).await.expect("store");
            let passwords = demo::seed(&store, demo::STUDENTS).await.expect("seed");
            let students: Vec<NewStudent> = (0..STUDENTS)
                .map(|i| NewStudent {
                    record: StudentRecord {
                        guid: uuid::Uuid::new_v4().to_string(),
                        student_id: Some(format!("{:07}", 5_000_000 + i)),
                        first_name: format!("First{i}"),
                        last_name: format!("Last{}", i % 500),
                        grade: "04".to_owned(),
                        username: format!("bench.{i}"),
                        classes: Vec::new(),
                    },
                    password_hash: None,
                })
                .collect();
            store
                .insert_students(LINCOLN, DISTRICT, &students, "2026-11-22T00:00:00Z")
                .await
                .expect("students");
            // Behind a trusted proxy, so the sign-in benchmark's clients can each have their
            // own address (X-Forwarded-For, all in the loopback range).
            let state = AppState::new(store.clone()).reached(Reach::new(None, true));
            state.start_worker();
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            let addr = listener.local_addr().expect("addr");
            tokio::spawn(async move { axum::serve(listener, app(state)).await });
            (store, addr, passwords)
        });
        let password = &passwords
            .iter()
            .find(|(e, _)| e == TEACHER)
            .expect("teacher")
            .1;
        let body = serde_json::json!({"email": TEACHER, "password": password}).to_string();
        let mut stream = TcpStream::connect(addr).expect("connect");
        let request = format!(
            "POST /api/session HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(request.as_bytes()).expect("write");
        let mut response = String::new();
        stream.read_to_string(&mut response).expect("read");
        let cookie = response
            .lines()
            .find_map(|l| l.strip_prefix("set-cookie: "))
            .and_then(|c| c.split(';').next())
            .expect("cookie")
            .to_owned();
        let json: serde_json::Value =
            serde_json::from_str(response.split("\r\n\r\n").nth(1).expect("body")).expect("json");
        let csrf = json["csrf"].as_str().expect("csrf").to_owned();
        Bench {
            runtime,
            store,
            addr,
            cookie,
            csrf,
            password: password.clone(),
            database,
        }
    }

    /// Stops the server and removes its data (a PostgreSQL schema is dropped).
    fn finish(self) {
        let Bench {
            runtime,
            store,
            database,
            ..
        } = self;
        // The server and its queue stop first, so nothing uses the data while it goes.
        runtime.shutdown_timeout(Duration::from_secs(5));
        drop(store);
        if let Database::Postgres { server, schema } = database {
            let dropped = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(sqlx::Error::Io)
                .and_then(|runtime| {
                    runtime.block_on(async {
                        use sqlx::Connection;
                        let mut conn = sqlx::PgConnection::connect(&server).await?;
                        let drop = format!("DROP SCHEMA IF EXISTS {schema} CASCADE");
                        sqlx::raw_sql(sqlx::AssertSqlSafe(drop))
                            .execute(&mut conn)
                            .await?;
                        conn.close().await
                    })
                });
            if let Err(e) = dropped {
                eprintln!("cannot drop the benchmark's schema {schema}: {e}");
            }
        }
    }

    /// A correct sign-in of the teacher from her own address, retried while the server says it
    /// is busy or asks to wait; how long until it succeeded.
    fn sign_in(&self) -> Duration {
        let body = serde_json::json!({"email": TEACHER, "password": self.password}).to_string();
        let headers = [
            ("Content-Type", "application/json"),
            ("X-Forwarded-For", "127.0.2.1"),
        ];
        let start = Instant::now();
        loop {
            let (status, reply) =
                http(self.addr, "POST", "/api/session", &headers, body.as_bytes());
            match status {
                200 => return start.elapsed(),
                429 | 503 if start.elapsed() < Duration::from_secs(60) => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                _ => panic!(
                    "sign-in answered {status}: {}",
                    String::from_utf8_lossy(&reply)
                ),
            }
        }
    }

    /// Posts a change-set and returns how long until the server reports it finished.
    fn upload(&self, ops: Vec<Op>) -> Duration {
        let set = serde_json::json!({
            "id": uuid::Uuid::new_v4().to_string(), "school": LINCOLN,
            "created_at": "2026-11-22T10:00:00Z", "ops": ops,
            // Every student changes, on purpose: the guard is confirmed.
            "confirm": ["mass-change", "mass-create"],
        });
        let body = serde_json::to_vec(&set).expect("json");
        let headers = [
            ("Cookie", self.cookie.as_str()),
            ("X-CSRF-Token", self.csrf.as_str()),
            ("Content-Type", "application/json"),
        ];
        let start = Instant::now();
        let (status, reply) = http(
            self.addr,
            "POST",
            &format!("/api/schools/{LINCOLN}/uploads"),
            &headers,
            &body,
        );
        assert_eq!(status, 202, "{}", String::from_utf8_lossy(&reply));
        let id = serde_json::from_slice::<serde_json::Value>(&reply).expect("json")["id"]
            .as_str()
            .expect("id")
            .to_owned();
        loop {
            let (_, reply) = http(
                self.addr,
                "GET",
                &format!("/api/schools/{LINCOLN}/uploads"),
                &headers[..1],
                b"",
            );
            let history: serde_json::Value = serde_json::from_slice(&reply).expect("json");
            let upload = history
                .as_array()
                .and_then(|h| h.iter().find(|u| u["id"] == id.as_str()))
                .expect("upload");
            let status: Option<UploadStatus> =
                upload["status"].as_str().and_then(|s| s.parse().ok());
            match status {
                Some(UploadStatus::Completed) => return start.elapsed(),
                Some(UploadStatus::Queued | UploadStatus::InProgress) => {
                    std::thread::sleep(Duration::from_millis(5))
                }
                other => panic!("upload ended {other:?}: {upload}"),
            }
        }
    }

    /// Updates of every bench student: name, grade, Student ID and username, against their
    /// current values (so each run changes all 10,000). On PostgreSQL the tables are vacuumed
    /// first (see the module comment).
    fn updates(&self, round: usize) -> Vec<Op> {
        if self.store.backend() == rollcall_server::store::Backend::Postgres {
            self.runtime
                .block_on(
                    sqlx::raw_sql("VACUUM (ANALYZE) students, upload_rows, uploads")
                        .execute(self.store.pool()),
                )
                .expect("vacuum");
        }
        let students = self
            .runtime
            .block_on(self.store.students(LINCOLN))
            .expect("students");
        students
            .iter()
            .filter(|s| s.username.starts_with("bench."))
            .enumerate()
            .map(|(i, s)| {
                let set: BTreeMap<Field, String> = [
                    (Field::FirstName, format!("First{i}r{round}")),
                    (
                        Field::Grade,
                        if round.is_multiple_of(2) { "05" } else { "04" }.to_owned(),
                    ),
                    (
                        Field::StudentId,
                        format!("{:07}", 6_000_000 + (round % 2) * 100_000 + i),
                    ),
                    (Field::Username, format!("bench.{i}.r{}", round % 2)),
                ]
                .into_iter()
                .collect();
                Op::Update {
                    row: rollcall_core::SheetRow::new(i as u32 + 2),
                    guid: s.guid.clone(),
                    base: Some(s.fingerprint()),
                    set: set.into_iter().collect(),
                }
            })
            .collect()
    }
}

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
