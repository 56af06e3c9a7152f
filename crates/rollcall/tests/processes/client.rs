//! A teacher's HTTP client and the CSV files it sends and reads.

use super::*;

pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) cookie: Option<String>,
    pub(crate) body: Vec<u8>,
}

impl Reply {
    pub(crate) fn json(&self) -> serde_json::Value {
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

    pub(crate) fn expect(self, status: u16, what: &str) -> Reply {
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
pub(crate) type Post<'a> = (&'a [u8], &'a [(&'a str, String)]);

pub(crate) struct Client {
    pub(crate) cluster: Arc<Cluster>,
    pub(crate) agent: ureq::Agent,
    pub(crate) rng: Rng,
    pub(crate) cookie: String,
    pub(crate) csrf: String,
    /// Requests answered, by process.
    pub(crate) answered: Vec<usize>,
}

impl Client {
    /// Sends a request to a live process chosen at random. A request that a killed process
    /// never answered is sent again to another (an upload with the same Idempotency-Key, so it
    /// is stored once); one a live process did not answer fails the test.
    pub(crate) fn send(&mut self, path: &str, body: Option<Post<'_>>) -> Reply {
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

    pub(crate) fn get(&mut self, path: &str) -> Reply {
        self.send(path, None)
    }

    pub(crate) fn sign_in(&mut self, email: &str, password: &str) {
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
    pub(crate) fn upload(&mut self, school: &str, name: &str, bytes: &[u8]) -> String {
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
                // Whole classes at once, on purpose: the guards are confirmed.
                &format!("/api/schools/{school}/uploads?confirm=mass-change,mass-create"),
                Some((&body, &headers)),
            )
            .expect(202, "upload");
        reply.json()["id"].as_str().expect("id").to_owned()
    }
}

pub(crate) fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(bytes)
        .records()
        .map(|r| r.expect("record").iter().map(str::to_owned).collect())
        .collect()
}

pub(crate) fn csv_file(rows: &[Vec<String>]) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    // The export's columns, as many as the widest row has; a shorter row (a new student a
    // test made) gets empty cells after its last.
    let header = rollcall_server::files::HEADER;
    let width = rows.iter().map(Vec::len).max().unwrap_or(header.len());
    let width = width.min(header.len());
    writer.write_record(&header[..width]).expect("header");
    for row in rows {
        let cells = row.iter().map(String::as_str).chain(std::iter::repeat(""));
        writer.write_record(cells.take(width)).expect("row");
    }
    writer.into_inner().expect("csv")
}
