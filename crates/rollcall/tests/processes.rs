//! Several real `rollcall serve` processes on one database, as a district runs them: two on a
//! SQLite file, three on PostgreSQL (when `ROLLCALL_TEST_POSTGRES` names a server). Six
//! teachers in three schools each make five uploads over HTTP, every step (sign-in, export,
//! upload, polling, the Completed File) sent to a process chosen at random. One upload is large;
//! while it is being applied the process holding its lease is killed (SIGKILL) and not
//! restarted. Every upload must still finish, the large one taken over by another process once
//! the lease lapses; every row must be applied exactly once, the Completed Files must hold the
//! uploaded rows, and no two claims of an upload may overlap.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rollcall_server::store::uploads::{RowState, UploadStatus};
use rollcall_server::store::{NewStudent, Store, StudentRecord};
use rollcall_server::upload::lease::LEASE;
use rollcall_server::{auth, demo, testing};

/// Uploads each teacher makes.
const UPLOADS_EACH: usize = 5;
/// New students in the large upload. Each gets a generated temporary password hashed with
/// Argon2id (about 20 to 40 ms of one core each, even in a debug build: argon2 is optimised in
/// the dev profile), which is what makes it slow: about 9 s of two cores, more under load.
const LARGE: usize = 480;
/// Rows the large upload must have applied before its process is killed (four batches): the
/// rest, after the takeover, must fit in the time left once the lease lapsed.
const APPLIED_BEFORE_KILL: usize = 128;
/// Every upload must be final this long after the kill (the lease, then time to finish).
const AFTER_KILL: Duration = Duration::from_secs(LEASE.as_secs() + 30);
/// The third school, seeded with this many students.
const JEFFERSON: &str = "jefferson-high";
const JEFFERSON_STUDENTS: usize = 40;

/// The tests run one after the other: five server processes at once are too many for two cores.
static SERIAL: Mutex<()> = Mutex::new(());

#[test]
fn two_processes_share_a_sqlite_file() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let dir = Folder(tempfile::tempdir().expect("temp dir"));
    let url = format!("sqlite://{}", dir.0.path().join("rollcall.db").display());
    run("SQLite", &url, 2);
}

#[test]
fn three_processes_share_a_postgresql_database() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    if testing::postgres_for_tests().is_none() {
        println!(
            "three_processes_share_a_postgresql_database: not run; set ROLLCALL_TEST_POSTGRES=postgres://… to run it"
        );
        return;
    }
    let dir = Folder(tempfile::tempdir().expect("temp dir"));
    let url = runtime().block_on(testing::fresh_database(dir.0.path()));
    run("PostgreSQL", &url, 3);
}

/// A test's folder; its PostgreSQL schema, if any, is dropped with it.
struct Folder(tempfile::TempDir);

impl Drop for Folder {
    fn drop(&mut self) {
        testing::drop_database(self.0.path());
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

/// xorshift64*: the same choices on every run (the timing still varies).
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % n
    }
}

/// A number as letters (names hold no digits): 0 → "a", 12 → "bc".
fn letters(n: usize) -> String {
    n.to_string()
        .bytes()
        .map(|d| char::from(b'a' + (d - b'0')))
        .collect()
}

// The processes.

/// One `rollcall serve` process.
struct Process {
    child: Child,
    base: String,
    /// Its queue's name in leases and claims.
    owner: String,
}

/// Every process started; all are killed when this is dropped, whatever happened.
struct Processes(Vec<Process>);

impl Drop for Processes {
    fn drop(&mut self) {
        for process in &mut self.0 {
            let _ = process.child.kill();
            let _ = process.child.wait();
        }
    }
}

/// Starts `rollcall serve` on `url` at a port the system picks, and reads the address and the
/// queue worker id it prints. Its further output is passed on, marked with its number.
fn start(url: &str, number: usize, processes: &mut Processes) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rollcall"))
        .args(["serve", "--db", url, "--addr", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("rollcall serve starts");
    let stdout = child.stdout.take().expect("stdout");
    let stderr = child.stderr.take().expect("stderr");
    // Pushed first, so that it is killed even if it never says where it listens.
    processes.0.push(Process {
        child,
        base: String::new(),
        owner: String::new(),
    });
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let (mut base, mut owner) = (None, None);
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            println!("[process {number}] {line}");
            if let Some(rest) = line.strip_prefix("Rollcall is running at ") {
                base = Some(rest.trim_end_matches('/').to_owned());
            }
            if let Some(rest) = line.strip_prefix("Queue worker id: ") {
                owner = Some(rest.to_owned());
            }
            if let (Some(base), Some(owner)) = (&base, &owner) {
                let _ = tx.send((base.clone(), owner.clone()));
            }
        }
    });
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            eprintln!("[process {number}] {line}");
        }
    });
    let (base, owner) = rx
        .recv_timeout(Duration::from_secs(60))
        .unwrap_or_else(|_| panic!("process {number} did not say where it listens"));
    let process = processes.0.last_mut().expect("pushed");
    process.base = base;
    process.owner = owner;
}

/// Waits until the process answers HTTP.
fn wait_until_answering(base: &str) {
    let agent = agent();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if agent.get(format!("{base}/api/session")).call().is_ok() {
            return;
        }
        assert!(Instant::now() < deadline, "{base} does not answer");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

/// The processes as the teachers reach them: any that has not been killed.
struct Cluster {
    bases: Vec<String>,
    alive: Vec<AtomicBool>,
}

impl Cluster {
    fn pick(&self, rng: &mut Rng) -> usize {
        loop {
            let p = rng.below(self.bases.len());
            if self.alive[p].load(Ordering::SeqCst) {
                return p;
            }
        }
    }
}

// A teacher's HTTP client.

struct Reply {
    status: u16,
    cookie: Option<String>,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
                    .chars()
                    .take(500)
                    .collect::<String>()
            )
        })
    }

    fn expect(self, status: u16, what: &str) -> Reply {
        assert_eq!(
            self.status,
            status,
            "{what}: {}",
            String::from_utf8_lossy(&self.body)
                .chars()
                .take(500)
                .collect::<String>()
        );
        self
    }
}

/// A POST's body and its headers.
type Post<'a> = (&'a [u8], &'a [(&'a str, String)]);

struct Client {
    cluster: Arc<Cluster>,
    agent: ureq::Agent,
    rng: Rng,
    cookie: String,
    csrf: String,
    /// Requests answered, by process.
    answered: Vec<usize>,
}

impl Client {
    /// Sends a request to a live process chosen at random. A request that a killed process
    /// never answered is sent again to another (an upload with the same Idempotency-Key, so it
    /// is stored once); one a live process did not answer fails the test.
    fn send(&mut self, path: &str, body: Option<Post<'_>>) -> Reply {
        for _ in 0..10 {
            let p = self.cluster.pick(&mut self.rng);
            let url = format!("{}{path}", self.cluster.bases[p]);
            let result = match body {
                None => self.agent.get(&url).header("cookie", &self.cookie).call(),
                Some((bytes, headers)) => {
                    let mut request = self
                        .agent
                        .post(&url)
                        .header("cookie", &self.cookie)
                        .header("x-csrf-token", &self.csrf);
                    for (name, value) in headers {
                        request = request.header(*name, value);
                    }
                    request.send(bytes)
                }
            };
            let mut response = match result {
                Ok(response) => response,
                Err(e) if !self.cluster.alive[p].load(Ordering::SeqCst) => {
                    println!("{path}: process {p} was killed ({e}); sent again");
                    continue;
                }
                Err(e) => panic!("process {p} did not answer {path}: {e}"),
            };
            let cookie = response
                .headers()
                .get("set-cookie")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(';').next())
                .map(str::to_owned);
            let body = response
                .body_mut()
                .with_config()
                .limit(64 << 20)
                .read_to_vec();
            let body = match body {
                Ok(body) => body,
                Err(e) if !self.cluster.alive[p].load(Ordering::SeqCst) => {
                    println!("{path}: process {p} was killed ({e}); sent again");
                    continue;
                }
                Err(e) => panic!("process {p} broke off its answer to {path}: {e}"),
            };
            self.answered[p] += 1;
            return Reply {
                status: response.status().as_u16(),
                cookie,
                body,
            };
        }
        panic!("{path}: no process answered");
    }

    fn get(&mut self, path: &str) -> Reply {
        self.send(path, None)
    }

    fn sign_in(&mut self, email: &str, password: &str) {
        let body = serde_json::json!({"email": email, "password": password}).to_string();
        let headers = [("content-type", "application/json".to_owned())];
        let reply = self
            .send("/api/session", Some((body.as_bytes(), &headers)))
            .expect(200, "sign-in");
        self.cookie = reply.cookie.clone().expect("a session cookie");
        self.csrf = reply.json()["csrf"].as_str().expect("csrf").to_owned();
    }

    /// Posts a file as the page does (`multipart/form-data`, field `file`) with an
    /// Idempotency-Key; returns the upload's id.
    fn upload(&mut self, school: &str, name: &str, bytes: &[u8]) -> String {
        let boundary = "rollcall-processes-boundary-51c9";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
             Content-Type: text/csv\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let headers = [
            (
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            ),
            ("idempotency-key", uuid::Uuid::new_v4().to_string()),
        ];
        let reply = self
            .send(
                &format!("/api/schools/{school}/uploads"),
                Some((&body, &headers)),
            )
            .expect(202, "upload");
        reply.json()["id"].as_str().expect("id").to_owned()
    }
}

fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(bytes)
        .records()
        .map(|r| r.expect("record").iter().map(str::to_owned).collect())
        .collect()
}

fn csv_file(rows: &[Vec<String>]) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    writer
        .write_record(rollcall_server::files::HEADER)
        .expect("header");
    for row in rows {
        writer.write_record(row).expect("row");
    }
    writer.into_inner().expect("csv")
}

// The teachers and what they upload.

#[derive(Debug, Clone)]
struct TeacherPlan {
    number: usize,
    email: String,
    password: String,
    school: &'static str,
    grades: &'static [&'static str],
    /// The seeded students only this teacher updates (so no two uploads race for one).
    owned: Vec<String>,
}

/// A row of an upload as the teacher wrote it: an update (`guid`) or a new student.
#[derive(Debug, Clone)]
struct Sent {
    guid: Option<String>,
    student_id: String,
    first: String,
    last: String,
    grade: String,
    /// Given in the file (an update's is the student's own).
    username: Option<String>,
}

/// One upload, as the teacher saw it through.
#[derive(Debug, Clone)]
struct Done {
    teacher: usize,
    school: &'static str,
    id: String,
    large: bool,
    sent: Vec<Sent>,
    status: UploadStatus,
    /// The Completed File's rows.
    completed: Vec<Vec<String>>,
    finished_at: Instant,
}

/// What the teachers share with the test: the large upload's id once it is stored.
struct Shared {
    large: Mutex<Option<(String, &'static str)>>,
}

/// Polls an upload until its status is final.
fn wait_final(client: &mut Client, school: &str, id: &str) -> (UploadStatus, Instant) {
    let deadline = Instant::now() + Duration::from_secs(240);
    loop {
        let reply = client
            .get(&format!("/api/schools/{school}/uploads/{id}"))
            .expect(200, "an upload");
        let json = reply.json();
        let status: UploadStatus = json["status"]
            .as_str()
            .unwrap_or_default()
            .parse()
            .expect("a status");
        if status.is_final() {
            return (status, Instant::now());
        }
        assert!(Instant::now() < deadline, "upload {id} never finished");
        std::thread::sleep(Duration::from_millis(150));
    }
}

/// A teacher's five rounds: sign in, export, edit, upload, wait, download the Completed File.
fn teacher(plan: TeacherPlan, cluster: Arc<Cluster>, shared: Arc<Shared>, seed: u64) -> Vec<Done> {
    let processes = cluster.bases.len();
    let mut client = Client {
        cluster,
        agent: agent(),
        rng: Rng::new(seed),
        cookie: String::new(),
        csrf: String::new(),
        answered: vec![0; processes],
    };
    let t = plan.number;
    let school = plan.school;
    let mut done = Vec::new();
    for k in 0..UPLOADS_EACH {
        let large = t == 4 && k == 0;
        client.sign_in(&plan.email, &plan.password);
        let export = client
            .get(&format!("/api/schools/{school}/export?format=csv"))
            .expect(200, "export");
        let exported = csv_rows(&export.body);
        let mine: Vec<&Vec<String>> = exported
            .iter()
            .filter(|row| plan.owned.contains(&row[0]))
            .collect();
        assert_eq!(mine.len(), plan.owned.len(), "the export has every student");
        let mut rows: Vec<Vec<String>> = Vec::new();
        let mut sent = Vec::new();
        if large {
            for i in 0..LARGE {
                let first = format!("Big{}", letters(i));
                let last = "Load".to_owned();
                let grade = plan.grades[i % plan.grades.len()].to_owned();
                rows.push(vec![
                    String::new(),
                    String::new(),
                    first.clone(),
                    last.clone(),
                    grade.clone(),
                    String::new(),
                    String::new(),
                ]);
                sent.push(Sent {
                    guid: None,
                    student_id: String::new(),
                    first,
                    last,
                    grade,
                    username: None,
                });
            }
        } else {
            // Three of the teacher's students updated, two sent unchanged (not part of the
            // upload's work), four new students: two with a username and Student ID, two
            // without (generated username, temporary password).
            let mut picked: Vec<usize> = Vec::new();
            while picked.len() < 5 {
                let i = client.rng.below(mine.len());
                if !picked.contains(&i) {
                    picked.push(i);
                }
            }
            for (n, &i) in picked.iter().enumerate() {
                let mut row = mine[i].clone();
                if n < 3 {
                    row[2] = format!("Upd{}x{}x{}", letters(t), letters(k), letters(n));
                    row[4] = plan.grades[(k + n) % plan.grades.len()].to_owned();
                    sent.push(Sent {
                        guid: Some(row[0].clone()),
                        student_id: row[1].clone(),
                        first: row[2].clone(),
                        last: row[3].clone(),
                        grade: row[4].clone(),
                        username: Some(row[5].clone()),
                    });
                }
                rows.push(row);
            }
            for i in 0..4 {
                let first = format!("New{}x{}x{}", letters(t), letters(k), letters(i));
                let last = format!("Proc{}", letters(t));
                let grade = plan.grades[i % plan.grades.len()].to_owned();
                let (student_id, username) = if i % 2 == 0 {
                    (
                        format!("PX-{t}-{k}-{i}"),
                        Some(format!("px.t{t}.u{k}.n{i}")),
                    )
                } else {
                    (String::new(), None)
                };
                rows.push(vec![
                    String::new(),
                    student_id.clone(),
                    first.clone(),
                    last.clone(),
                    grade.clone(),
                    username.clone().unwrap_or_default(),
                    String::new(),
                ]);
                sent.push(Sent {
                    guid: None,
                    student_id,
                    first,
                    last,
                    grade,
                    username,
                });
            }
        }
        let name = format!("students-{school}-teacher{t}-upload{k}.csv");
        let id = client.upload(school, &name, &csv_file(&rows));
        if large {
            *shared.large.lock().expect("shared") = Some((id.clone(), school));
        }
        let (status, finished_at) = wait_final(&mut client, school, &id);
        let completed = client
            .get(&format!(
                "/api/schools/{school}/uploads/{id}/files/completed?format=csv"
            ))
            .expect(200, "the Completed File");
        done.push(Done {
            teacher: t,
            school,
            id,
            large,
            sent,
            status,
            completed: csv_rows(&completed.body),
            finished_at,
        });
    }
    println!(
        "teacher {t} ({school}): requests answered by each process: {:?}",
        client.answered
    );
    done
}

// The test.

/// The teachers' uploads; a teacher's failure fails the test with its message.
fn join(teachers: Vec<std::thread::JoinHandle<Vec<Done>>>) -> Vec<Done> {
    let mut done = Vec::new();
    for (number, teacher) in teachers.into_iter().enumerate() {
        match teacher.join() {
            Ok(uploads) => done.extend(uploads),
            Err(panic) => {
                let message = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_default();
                panic!("teacher {number} failed: {message}");
            }
        }
    }
    done
}

/// Seeds the demo, a third school and four more teachers: six teachers, two in each school.
async fn seed(store: &Store) -> Vec<TeacherPlan> {
    let sign_ins = demo::seed(store, demo::STUDENTS).await.expect("demo");
    let demo_password = |email: &str| {
        sign_ins
            .iter()
            .find(|(e, _)| e == email)
            .map(|(_, p)| p.clone())
            .expect("demo sign-in")
    };
    store
        .insert_school(JEFFERSON, demo::DISTRICT, "Jefferson High")
        .await
        .expect("school");
    let students: Vec<NewStudent> = (0..JEFFERSON_STUDENTS)
        .map(|i| NewStudent {
            record: StudentRecord {
                guid: uuid::Uuid::new_v4().to_string(),
                student_id: Some(format!("J{i:05}")),
                first_name: format!("Jo{}", letters(i)),
                last_name: "Jefferson".to_owned(),
                grade: ["09", "10", "11", "12"][i % 4].to_owned(),
                username: format!("jo{i}.jefferson"),
            },
            password_hash: None,
        })
        .collect();
    let now = humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string();
    store
        .insert_students(JEFFERSON, demo::DISTRICT, &students, &now)
        .await
        .expect("students");
    const LINCOLN_GRADES: &[&str] = &["KG", "01", "02", "03", "04", "05"];
    const ROOSEVELT_GRADES: &[&str] = &["06", "07", "08"];
    const JEFFERSON_GRADES: &[&str] = &["09", "10", "11", "12"];
    let mut teachers = vec![
        (
            demo::TEACHER.to_owned(),
            demo_password(demo::TEACHER),
            demo::LINCOLN,
            LINCOLN_GRADES,
        ),
        (
            demo::OTHER.to_owned(),
            demo_password(demo::OTHER),
            demo::ROOSEVELT,
            ROOSEVELT_GRADES,
        ),
    ];
    for (n, school, grades) in [
        (2, demo::LINCOLN, LINCOLN_GRADES),
        (3, demo::ROOSEVELT, ROOSEVELT_GRADES),
        (4, JEFFERSON, JEFFERSON_GRADES),
        (5, JEFFERSON, JEFFERSON_GRADES),
    ] {
        let (id, email) = (format!("teacher-{n}"), format!("teacher{n}@processes.test"));
        let password = auth::random_token();
        let hash = auth::hash_password_off_thread(password.clone())
            .await
            .expect("hash");
        store
            .upsert_teacher(&id, &email, &format!("Teacher {}", letters(n)), &hash)
            .await
            .expect("teacher");
        store
            .add_teacher_to_school(&id, school)
            .await
            .expect("teacher's school");
        teachers.push((email, password, school, grades));
    }
    // Teachers 0 and 2 work in Lincoln, 1 and 3 in Roosevelt, 4 and 5 in Jefferson; of the
    // seeded students the first of the two teachers updates every other one, the second the rest.
    let mut plans = Vec::new();
    let mut slot: HashMap<&str, usize> = HashMap::new();
    for (number, (email, password, school, grades)) in teachers.into_iter().enumerate() {
        let s = slot.entry(school).or_default();
        let owned = store
            .students(school)
            .await
            .expect("students")
            .into_iter()
            .enumerate()
            .filter(|(i, _)| i % 2 == *s)
            .map(|(_, student)| student.guid)
            .collect();
        *s += 1;
        plans.push(TeacherPlan {
            number,
            email,
            password,
            school,
            grades,
            owned,
        });
    }
    plans
}

fn run(backend: &str, url: &str, count: usize) {
    let began = Instant::now();
    let runtime = runtime();
    let store = runtime.block_on(Store::open(url)).expect("store");
    let plans = runtime.block_on(seed(&store));
    let schools = [demo::LINCOLN, demo::ROOSEVELT, JEFFERSON];
    let before: HashMap<&str, Vec<StudentRecord>> = schools
        .iter()
        .map(|s| (*s, runtime.block_on(store.students(s)).expect("students")))
        .collect();

    let mut processes = Processes(Vec::new());
    for number in 0..count {
        start(url, number, &mut processes);
    }
    for process in &processes.0 {
        wait_until_answering(&process.base);
    }
    let owners: Vec<String> = processes.0.iter().map(|p| p.owner.clone()).collect();
    let cluster = Arc::new(Cluster {
        bases: processes.0.iter().map(|p| p.base.clone()).collect(),
        alive: (0..count).map(|_| AtomicBool::new(true)).collect(),
    });
    let started = Instant::now();
    println!(
        "{backend}: {count} processes answering after {:.1} s",
        (started - began).as_secs_f64()
    );

    let shared = Arc::new(Shared {
        large: Mutex::new(None),
    });
    let teachers: Vec<_> = plans
        .iter()
        .cloned()
        .map(|plan| {
            let (cluster, shared) = (cluster.clone(), shared.clone());
            let seed = 0x5EED_0000 + plan.number as u64 + 100 * count as u64;
            std::thread::spawn(move || teacher(plan, cluster, shared, seed))
        })
        .collect();

    // Kill the process working on the large upload once some of its rows are applied.
    let deadline = Instant::now() + Duration::from_secs(120);
    let (large, large_school) = loop {
        if let Some(found) = shared.large.lock().expect("shared").clone() {
            break found;
        }
        if teachers[4].is_finished() {
            join(teachers);
            unreachable!("teacher 4 finished without storing the large upload");
        }
        assert!(
            Instant::now() < deadline,
            "the large upload was never stored"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let (victim, applied_at_kill) = loop {
        let upload = runtime
            .block_on(store.upload(large_school, &large))
            .expect("upload")
            .expect("the large upload");
        let rows = runtime.block_on(store.upload_rows(&large)).expect("rows");
        let applied = rows.iter().filter(|r| r.state == RowState::Applied).count();
        assert!(
            !upload.summary.status.is_final(),
            "the large upload finished ({}) before it could be interrupted: make LARGE larger",
            upload.summary.status
        );
        if upload.summary.status == UploadStatus::InProgress && applied >= APPLIED_BEFORE_KILL {
            let claims = runtime
                .block_on(store.upload_claims(&large))
                .expect("claims");
            let holder = &claims.last().expect("a claim").owner;
            let victim = owners
                .iter()
                .position(|o| o == holder)
                .unwrap_or_else(|| panic!("no process is {holder}"));
            break (victim, applied);
        }
        assert!(Instant::now() < deadline, "the large upload did not start");
        std::thread::sleep(Duration::from_millis(20));
    };
    cluster.alive[victim].store(false, Ordering::SeqCst);
    processes.0[victim].child.kill().expect("kill");
    let killed_at = Instant::now();
    let killed_at_millis = rollcall_server::Clock::system().unix_millis();
    let status = processes.0[victim].child.wait().expect("wait");
    let rows = runtime.block_on(store.upload_rows(&large)).expect("rows");
    let applied_after_kill = rows.iter().filter(|r| r.state == RowState::Applied).count();
    println!(
        "{backend}: killed process {victim} ({status}) {:.1} s in, holding the large upload with {applied_at_kill} (then {applied_after_kill}) of {LARGE} rows applied",
        (killed_at - started).as_secs_f64()
    );
    assert!(
        applied_after_kill < LARGE,
        "the large upload finished as its process was killed: make LARGE larger"
    );

    let done = join(teachers);
    let last_final = done.iter().map(|d| d.finished_at).max().expect("uploads");
    println!(
        "{backend}: every upload final {:.1} s after the kill, {:.1} s after the start ({:.1} s with setup)",
        (last_final - killed_at).as_secs_f64(),
        (last_final - started).as_secs_f64(),
        began.elapsed().as_secs_f64()
    );

    // Every upload is final, in time, and Completed (the teachers never race for a student).
    assert_eq!(done.len(), plans.len() * UPLOADS_EACH);
    for d in &done {
        assert!(
            d.finished_at <= killed_at + AFTER_KILL,
            "upload {} of teacher {} was final {:.1} s after the kill",
            d.id,
            d.teacher,
            (d.finished_at - killed_at).as_secs_f64()
        );
        if d.status != UploadStatus::Completed {
            let rows = runtime.block_on(store.upload_rows(&d.id)).expect("rows");
            let errors: Vec<_> = rows
                .iter()
                .filter(|r| r.state == RowState::Failed)
                .collect();
            panic!(
                "upload {} of teacher {} is {}: {errors:?}",
                d.id, d.teacher, d.status
            );
        }
    }

    // Each school lists exactly the uploads sent to it (a request sent again stored nothing).
    for school in schools {
        let listed: HashSet<String> = runtime
            .block_on(store.uploads(school))
            .expect("uploads")
            .into_iter()
            .map(|u| u.summary.id)
            .collect();
        let sent: HashSet<String> = done
            .iter()
            .filter(|d| d.school == school)
            .map(|d| d.id.clone())
            .collect();
        assert_eq!(listed, sent, "{school}'s uploads");
    }

    // Every row applied once: none left pending, the Completed File is the rows uploaded.
    let mut expected: HashMap<&str, BTreeMap<String, Sent>> = HashMap::new();
    for school in schools {
        expected.insert(
            school,
            before[school]
                .iter()
                .map(|s| {
                    (
                        s.guid.clone(),
                        Sent {
                            guid: Some(s.guid.clone()),
                            student_id: s.student_id.clone().unwrap_or_default(),
                            first: s.first_name.clone(),
                            last: s.last_name.clone(),
                            grade: s.grade.clone(),
                            username: Some(s.username.clone()),
                        },
                    )
                })
                .collect(),
        );
    }
    let mut ordered: Vec<&Done> = done.iter().collect();
    // Uploads of one teacher in the order they were made (each waited for the one before).
    ordered.sort_by_key(|d| d.finished_at);
    for d in ordered {
        let rows = runtime.block_on(store.upload_rows(&d.id)).expect("rows");
        assert_eq!(rows.len(), d.sent.len(), "upload {}'s rows", d.id);
        assert!(
            rows.iter().all(|r| r.state == RowState::Applied),
            "upload {} has rows not applied",
            d.id
        );
        assert_eq!(
            d.completed.len(),
            d.sent.len(),
            "upload {}'s Completed File",
            d.id
        );
        let school = expected.get_mut(d.school).expect("school");
        for (sent, got) in d.sent.iter().zip(&d.completed) {
            let what = format!(
                "upload {} (teacher {}): {sent:?} → {got:?}",
                d.id, d.teacher
            );
            assert_eq!(got.len(), 7, "{what}");
            assert_eq!(
                (&got[1], &got[2], &got[3], &got[4]),
                (&sent.student_id, &sent.first, &sent.last, &sent.grade),
                "{what}"
            );
            match &sent.username {
                Some(username) => assert_eq!(&got[5], username, "{what}"),
                None => assert!(!got[5].is_empty(), "{what}"),
            }
            match &sent.guid {
                Some(guid) => {
                    assert_eq!(&got[0], guid, "{what}");
                    assert_eq!(got[6], "", "an update shows no password: {what}");
                    assert!(school.contains_key(guid), "{what}");
                }
                None => {
                    assert!(uuid::Uuid::parse_str(&got[0]).is_ok(), "{what}");
                    assert!(!got[6].is_empty(), "a temporary password: {what}");
                    assert!(!school.contains_key(&got[0]), "created twice: {what}");
                }
            }
            school.insert(
                got[0].clone(),
                Sent {
                    guid: Some(got[0].clone()),
                    username: Some(got[5].clone()),
                    ..sent.clone()
                },
            );
        }
    }
    // The stored students are exactly those: seeded, updated as last uploaded, created once.
    for school in schools {
        let stored: BTreeMap<String, StudentRecord> = runtime
            .block_on(store.students(school))
            .expect("students")
            .into_iter()
            .map(|s| (s.guid.clone(), s))
            .collect();
        let want = &expected[school];
        assert_eq!(
            stored.len(),
            want.len(),
            "{school}: {} students stored, {} expected",
            stored.len(),
            want.len()
        );
        for (guid, sent) in want {
            let s = stored
                .get(guid)
                .unwrap_or_else(|| panic!("{school}: {guid} missing"));
            assert_eq!(
                (
                    s.student_id.clone().unwrap_or_default(),
                    &s.first_name,
                    &s.last_name,
                    &s.grade,
                    Some(&s.username)
                ),
                (
                    sent.student_id.clone(),
                    &sent.first,
                    &sent.last,
                    &sent.grade,
                    sent.username.as_ref()
                ),
                "{school}: {guid}"
            );
        }
    }

    // No two claims of an upload overlap; the large one was taken over by another process.
    for d in &done {
        let claims = runtime
            .block_on(store.upload_claims(&d.id))
            .expect("claims");
        assert!(!claims.is_empty(), "upload {} was never claimed", d.id);
        for claim in &claims {
            assert!(claim.claimed_at <= claim.until, "{claim:?}");
        }
        for pair in claims.windows(2) {
            assert!(
                pair[0].until <= pair[1].claimed_at,
                "upload {}: claims overlap: {pair:?}",
                d.id
            );
        }
        if d.large {
            assert!(claims.len() >= 2, "the large upload's claims: {claims:?}");
            assert_eq!(claims[0].owner, owners[victim], "{claims:?}");
            let last = &claims.last().expect("claims").owner;
            assert!(
                last != &owners[victim] && owners.contains(last),
                "{claims:?}"
            );
            // Taken over soon after the lease lapsed (the queue polls every second).
            assert!(
                claims[1].claimed_at - claims[0].until < 10_000,
                "taken over late: {claims:?}"
            );
            let last = claims.last().expect("claims");
            println!(
                "{backend}: the large upload was worked on for {:.1} s ({:.1} s by process {victim} \
                 until it was killed, {:.1} s by process {} after its lease lapsed); its claims \
                 (process, ms held): {:?}",
                ((killed_at_millis - claims[0].claimed_at) + (last.until - last.claimed_at)) as f64
                    / 1000.0,
                (killed_at_millis - claims[0].claimed_at) as f64 / 1000.0,
                (last.until - last.claimed_at) as f64 / 1000.0,
                owners
                    .iter()
                    .position(|o| *o == last.owner)
                    .unwrap_or(usize::MAX),
                claims
                    .iter()
                    .map(|c| (
                        owners.iter().position(|o| *o == c.owner),
                        c.until - c.claimed_at
                    ))
                    .collect::<Vec<_>>()
            );
        }
    }
    runtime.block_on(store.pool().close());
    drop(processes);
}
