//! What a run stands on: the `rollcall serve` processes, the schema of its own, the district.

use super::*;

/// The `rollcall serve` processes of a run; killed when dropped.
pub(crate) struct Servers {
    pub(crate) children: Vec<Child>,
    pub(crate) addrs: Vec<String>,
}

impl Servers {
    pub(crate) fn start(binary: &Path, url: &str, count: usize) -> Servers {
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
pub(crate) struct Schema {
    pub(crate) server: String,
    pub(crate) name: String,
}

impl Schema {
    pub(crate) fn create(runtime: &tokio::runtime::Runtime, server: &str) -> Schema {
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
    pub(crate) fn url(&self) -> String {
        let separator = if self.server.contains('?') { '&' } else { '?' };
        format!(
            "{}{separator}options[search_path]={}",
            self.server, self.name
        )
    }

    pub(crate) fn drop_with(self, runtime: &tokio::runtime::Runtime) {
        let sql = format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name);
        if let Err(e) = runtime.block_on(Schema::execute(&self.server, &sql)) {
            eprintln!("cannot drop the schema {}: {e}", self.name);
        }
    }
}

/// The district: 10 schools of 300 students, 3 teachers each (one shared password, hashed
/// once), each teacher's class of 100 known by its usernames `tNN.…`.
pub(crate) async fn seed(url: &str) {
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
                    classes: Vec::new(),
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
