//! What the benchmarks stand on: the server in-process on a real socket, its data (a SQLite
//! file or a PostgreSQL schema of its own), the signed-in teacher, and the change-sets.

use super::*;

pub(crate) struct Bench {
    runtime: tokio::runtime::Runtime,
    store: Store,
    pub(crate) addr: SocketAddr,
    pub(crate) cookie: String,
    pub(crate) csrf: String,
    pub(crate) password: String,
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
    pub(crate) fn new(database: Option<&str>) -> Bench {
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
    pub(crate) fn finish(self) {
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

    /// Updates of every bench student: name, grade, Student ID and username, against their
    /// current values (so each run changes all 10,000). On PostgreSQL the tables are vacuumed
    /// first (see `updates-10k-postgres` in the comment of main.rs).
    pub(crate) fn updates(&self, round: usize) -> Vec<Op> {
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
