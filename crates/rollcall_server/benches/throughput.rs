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

/// What a request was, for the answer-time statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    /// `GET …/roster`: a page GET.
    Roster,
    /// `POST …/uploads`.
    Post,
    /// `GET …/uploads`, the Upload History the page polls: a page GET.
    History,
}

/// One teacher's record of a run.
#[derive(Default)]
struct Record {
    /// Every API answer's time, by kind.
    times: BTreeMap<Kind, Vec<Duration>>,
    /// Answers that were not a success (retried).
    errors: usize,
    /// Uploads that ended Completed, and their time from POST to the poll that saw it.
    completed: Vec<Duration>,
    /// Uploads that ended otherwise (Completed with Errors, Failed).
    not_completed: usize,
}

/// A signed-in teacher's HTTP client.
struct Client {
    agent: ureq::Agent,
    addrs: Vec<String>,
    next: usize,
    cookie: String,
    csrf: String,
}

impl Client {
    fn agent() -> ureq::Agent {
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into()
    }

    /// The next process's base URL: requests go round the processes.
    fn base(&mut self) -> String {
        self.next += 1;
        format!("http://{}", self.addrs[self.next % self.addrs.len()])
    }

    /// A request and its answer (status, body), timed into `record` under `kind`.
    fn send(
        &mut self,
        record: &mut Record,
        kind: Kind,
        path: &str,
        body: Option<&[u8]>,
    ) -> (u16, String) {
        let url = format!("{}{path}", self.base());
        let start = Instant::now();
        let answer = match body {
            None => self.agent.get(&url).header("Cookie", &self.cookie).call(),
            Some(body) => self
                .agent
                .post(&url)
                .header("Cookie", &self.cookie)
                .header("X-CSRF-Token", &self.csrf)
                .content_type("application/json")
                .send(body),
        };
        let (status, text) = match answer {
            Ok(mut response) => {
                let status = response.status().as_u16();
                let text = response.body_mut().read_to_string().unwrap_or_default();
                (status, text)
            }
            Err(e) => {
                eprintln!("{kind:?} {url}: {e}");
                (0, String::new())
            }
        };
        record.times.entry(kind).or_default().push(start.elapsed());
        if !(200..300).contains(&status) {
            record.errors += 1;
        }
        (status, text)
    }
}

/// Signs a teacher in at the first process.
fn sign_in(addrs: &[String], t: usize) -> Client {
    let agent = Client::agent();
    let body = serde_json::json!({"email": teacher_email(t), "password": PASSWORD}).to_string();
    let mut response = agent
        .post(&format!("http://{}/api/session", addrs[0]))
        .content_type("application/json")
        .send(body.as_bytes())
        .expect("sign in");
    let status = response.status().as_u16();
    let cookie = response
        .headers()
        .get("set-cookie")
        .and_then(|c| c.to_str().ok())
        .and_then(|c| c.split(';').next())
        .map(str::to_owned);
    let text = response.body_mut().read_to_string().expect("sign-in body");
    assert_eq!(status, 200, "sign-in of teacher {t}: {text}");
    let json: serde_json::Value = serde_json::from_str(&text).expect("sign-in json");
    Client {
        agent,
        addrs: addrs.to_vec(),
        next: t,
        cookie: cookie.expect("session cookie"),
        csrf: json["csrf"].as_str().expect("csrf").to_owned(),
    }
}

fn student_of(json: &serde_json::Value) -> StudentRecord {
    let text = |key: &str| json[key].as_str().unwrap_or_default().to_owned();
    StudentRecord {
        guid: text("guid"),
        student_id: json["student_id"].as_str().map(str::to_owned),
        first_name: text("first_name"),
        last_name: text("last_name"),
        grade: text("grade"),
        username: text("username"),
    }
}

/// One teacher's uploads, after `start`.
fn teacher(mut client: Client, t: usize, start: Arc<Barrier>) -> Record {
    let school = school(t / TEACHERS_PER_SCHOOL);
    let class = format!("t{t:02}.");
    let mut record = Record::default();
    start.wait();
    for round in 1..=UPLOADS_PER_TEACHER {
        let roster_path = format!("/api/schools/{school}/roster");
        let roster = loop {
            let (status, text) = client.send(&mut record, Kind::Roster, &roster_path, None);
            if status == 200 {
                break serde_json::from_str::<serde_json::Value>(&text).expect("roster json");
            }
            std::thread::sleep(Duration::from_millis(100));
        };
        let ops: Vec<Op> = roster
            .as_array()
            .expect("roster")
            .iter()
            .map(student_of)
            .filter(|s| s.username.starts_with(&class))
            .enumerate()
            .map(|(i, s)| Op::Update {
                row: rollcall_core::SheetRow::new(i as u32 + 2),
                guid: s.guid.clone(),
                base: Some(s.fingerprint()),
                set: [
                    (
                        Field::FirstName,
                        FIRST[(i + round) % FIRST.len()].to_owned(),
                    ),
                    (
                        Field::Grade,
                        if round % 2 == 0 { "05" } else { "04" }.to_owned(),
                    ),
                ]
                .into_iter()
                .collect(),
            })
            .collect();
        assert_eq!(ops.len(), ROWS, "teacher {t}'s class");
        let set = serde_json::json!({
            "id": uuid::Uuid::new_v4().to_string(), "school": school,
            "created_at": "2026-11-22T10:00:00Z", "ops": ops,
        });
        let body = serde_json::to_vec(&set).expect("json");
        let uploads = format!("/api/schools/{school}/uploads");
        let posted = Instant::now();
        let id = loop {
            let (status, text) = client.send(&mut record, Kind::Post, &uploads, Some(&body));
            // 202 stored; 200 a replay of the same change-set (stored by an earlier try).
            if status == 202 || status == 200 {
                let json: serde_json::Value = serde_json::from_str(&text).expect("upload json");
                break json["id"].as_str().expect("upload id").to_owned();
            }
            eprintln!("teacher {t}: upload answered {status}: {text}");
            std::thread::sleep(Duration::from_millis(100));
        };
        loop {
            std::thread::sleep(POLL);
            let (status, text) = client.send(&mut record, Kind::History, &uploads, None);
            if status != 200 {
                continue;
            }
            let history: serde_json::Value = serde_json::from_str(&text).expect("history json");
            let upload = history
                .as_array()
                .and_then(|h| h.iter().find(|u| u["id"] == id.as_str()))
                .expect("the upload in the history");
            let status: Option<UploadStatus> =
                upload["status"].as_str().and_then(|s| s.parse().ok());
            match status {
                Some(UploadStatus::Completed) => {
                    record.completed.push(posted.elapsed());
                    break;
                }
                Some(UploadStatus::Queued | UploadStatus::InProgress) => {}
                other => {
                    eprintln!("teacher {t}: upload {id} ended {other:?}: {upload}");
                    record.not_completed += 1;
                    break;
                }
            }
        }
    }
    record
}

/// The `rollcall serve` processes of a run; killed when dropped.
struct Servers {
    children: Vec<Child>,
    addrs: Vec<String>,
}

impl Servers {
    fn start(binary: &Path, url: &str, count: usize) -> Servers {
        let mut servers = Servers {
            children: Vec::new(),
            addrs: Vec::new(),
        };
        for n in 0..count {
            let mut child = Command::new(binary)
                .args(["serve", "--db", url, "--addr", "127.0.0.1:0"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap_or_else(|e| panic!("cannot run {}: {e}", binary.display()));
            let stdout = child.stdout.take().expect("stdout");
            let stderr = child.stderr.take().expect("stderr");
            servers.children.push(child);
            std::thread::spawn(move || {
                for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                    eprintln!("[serve {n}] {line}");
                }
            });
            let (tx, rx) = std::sync::mpsc::channel();
            std::thread::spawn(move || {
                for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                    // "Rollcall is running at http://127.0.0.1:PORT/"
                    if let Some(addr) = line.split("http://").nth(1) {
                        let _ = tx.send(addr.trim_end_matches('/').to_owned());
                    }
                }
            });
            let addr = rx
                .recv_timeout(Duration::from_secs(120))
                .unwrap_or_else(|_| panic!("rollcall serve {n} did not start listening"));
            servers.addrs.push(addr);
        }
        servers
    }
}

impl Drop for Servers {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A schema made for one run, dropped when the run ends.
struct Schema {
    server: String,
    name: String,
}

impl Schema {
    fn create(runtime: &tokio::runtime::Runtime, server: &str) -> Schema {
        let name = format!("rollcall_bench_{}", uuid::Uuid::new_v4().simple());
        runtime
            .block_on(Schema::execute(server, &format!("CREATE SCHEMA {name}")))
            .unwrap_or_else(|e| panic!("cannot create a schema on {POSTGRES_VAR}={server}: {e}"));
        Schema {
            server: server.to_owned(),
            name,
        }
    }

    async fn execute(server: &str, sql: &str) -> Result<(), sqlx::Error> {
        use sqlx::Connection;
        let mut conn = sqlx::PgConnection::connect(server).await?;
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
            .execute(&mut conn)
            .await?;
        conn.close().await
    }

    /// The URL that puts the schema first on the search path.
    fn url(&self) -> String {
        let separator = if self.server.contains('?') { '&' } else { '?' };
        format!(
            "{}{separator}options[search_path]={}",
            self.server, self.name
        )
    }

    fn drop_with(self, runtime: &tokio::runtime::Runtime) {
        let sql = format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name);
        if let Err(e) = runtime.block_on(Schema::execute(&self.server, &sql)) {
            eprintln!("cannot drop the schema {}: {e}", self.name);
        }
    }
}

/// The district: 10 schools of 300 students, 3 teachers each (one shared password, hashed
/// once), each teacher's class of 100 known by its usernames `tNN.…`.
async fn seed(url: &str) {
    let store = Store::open(url).await.expect("store");
    let hash = auth::hash_password(PASSWORD).expect("hash");
    let now = "2026-11-22T00:00:00Z";
    store
        .insert_district(DISTRICT, "Bench District")
        .await
        .expect("district");
    for s in 0..SCHOOLS {
        let id = school(s);
        store
            .insert_school(&id, DISTRICT, &format!("Bench School {s}"))
            .await
            .expect("school");
        let mut students = Vec::new();
        for t in s * TEACHERS_PER_SCHOOL..(s + 1) * TEACHERS_PER_SCHOOL {
            let teacher = format!("bench-teacher-{t:02}");
            store
                .upsert_teacher(&teacher, &teacher_email(t), &format!("Teacher {t}"), &hash)
                .await
                .expect("teacher");
            store
                .add_teacher_to_school(&teacher, &id)
                .await
                .expect("teacher's school");
            students.extend((0..ROWS).map(|i| NewStudent {
                record: StudentRecord {
                    guid: uuid::Uuid::new_v4().to_string(),
                    student_id: Some(format!("{:07}", 7_000_000 + t * ROWS + i)),
                    first_name: FIRST[i % FIRST.len()].to_owned(),
                    last_name: "Bench".to_owned(),
                    grade: "04".to_owned(),
                    username: format!("t{t:02}.s{i:03}"),
                },
                password_hash: None,
            }));
        }
        store
            .insert_students(&id, DISTRICT, &students, now)
            .await
            .expect("students");
    }
    store.pool().close().await;
}

/// Percentile `q` (0..=1) of sorted times, in milliseconds.
fn percentile(sorted: &[Duration], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1].as_secs_f64() * 1e3
}

/// A run's figures.
struct Figures {
    processes: usize,
    seconds: f64,
    uploads_per_minute: f64,
    completed: usize,
    not_completed: usize,
    requests: usize,
    errors: usize,
    /// p50 and p99 in ms: every answer; the page's GETs; each kind; POST to Completed.
    api: (f64, f64),
    page_gets: (f64, f64),
    by_kind: BTreeMap<Kind, (f64, f64, usize)>,
    upload_done: (f64, f64),
}

impl Figures {
    fn json(&self) -> serde_json::Value {
        let kinds: serde_json::Map<String, serde_json::Value> = self
            .by_kind
            .iter()
            .map(|(kind, (p50, p99, n))| {
                (
                    format!("{kind:?}").to_lowercase(),
                    serde_json::json!({"p50_ms": p50, "p99_ms": p99, "requests": n}),
                )
            })
            .collect();
        serde_json::json!({
            "processes": self.processes,
            "seconds": self.seconds,
            "uploads_per_minute": self.uploads_per_minute,
            "completed": self.completed,
            "not_completed": self.not_completed,
            "requests": self.requests,
            "errors": self.errors,
            "api_p50_ms": self.api.0,
            "api_p99_ms": self.api.1,
            "page_get_p50_ms": self.page_gets.0,
            "page_get_p99_ms": self.page_gets.1,
            "upload_p50_ms": self.upload_done.0,
            "upload_p99_ms": self.upload_done.1,
            "kinds": kinds,
        })
    }
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
