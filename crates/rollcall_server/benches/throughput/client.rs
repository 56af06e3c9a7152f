//! A simulated teacher: her HTTP client, signing in, and her uploads with the polls between.

use super::*;

/// What a request was, for the answer-time statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Kind {
    /// `GET …/roster`: a page GET.
    Roster,
    /// `POST …/uploads`.
    Post,
    /// `GET …/uploads`, the Upload History the page polls: a page GET.
    History,
}

/// One teacher's record of a run.
#[derive(Default)]
pub(crate) struct Record {
    /// Every API answer's time, by kind.
    pub(crate) times: BTreeMap<Kind, Vec<Duration>>,
    /// Answers that were not a success (retried).
    pub(crate) errors: usize,
    /// Uploads that ended Completed, and their time from POST to the poll that saw it.
    pub(crate) completed: Vec<Duration>,
    /// Uploads that ended otherwise (Completed with Errors, Failed).
    pub(crate) not_completed: usize,
}

/// A signed-in teacher's HTTP client.
pub(crate) struct Client {
    pub(crate) agent: ureq::Agent,
    pub(crate) addrs: Vec<String>,
    pub(crate) next: usize,
    pub(crate) cookie: String,
    pub(crate) csrf: String,
}

impl Client {
    pub(crate) fn agent() -> ureq::Agent {
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into()
    }

    /// The next process's base URL: requests go round the processes.
    pub(crate) fn base(&mut self) -> String {
        self.next += 1;
        format!("http://{}", self.addrs[self.next % self.addrs.len()])
    }

    /// A request and its answer (status, body), timed into `record` under `kind`.
    pub(crate) fn send(
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
pub(crate) fn sign_in(addrs: &[String], t: usize) -> Client {
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

pub(crate) fn student_of(json: &serde_json::Value) -> StudentRecord {
    let text = |key: &str| json[key].as_str().unwrap_or_default().to_owned();
    StudentRecord {
        guid: text("guid"),
        student_id: json["student_id"].as_str().map(str::to_owned),
        first_name: text("first_name"),
        last_name: text("last_name"),
        grade: text("grade"),
        username: text("username"),
        classes: Vec::new(),
    }
}

/// One teacher's uploads, after `start`.
pub(crate) fn teacher(mut client: Client, t: usize, start: Arc<Barrier>) -> Record {
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
            // A whole class renamed each round, on purpose: the guard is confirmed.
            "confirm": ["mass-change"],
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
