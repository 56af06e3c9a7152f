//! Test helpers: a fresh demo database per test, requests through `app(state).oneshot`, and
//! signing in as the demo teachers.
#![allow(dead_code)]

use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};
use http_body_util::BodyExt;
use rollcall_server::{AppState, Clock, Store, app, demo};
use tower::ServiceExt;

pub struct Server {
    pub state: AppState,
    pub passwords: Vec<(String, String)>,
    /// The database (`sqlite://…` or `postgres://…`), which sibling servers share.
    pub url: String,
    _dir: std::sync::Arc<TestDir>,
}

/// A signed-in teacher: the session cookie and the CSRF token.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub cookie: String,
    pub csrf: String,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: header::HeaderName) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    }

    /// The export id in an export's file name (`students-{school}-{id}.csv|xlsx`).
    pub fn export_id(&self, school: &str) -> String {
        let disposition = self.header(header::CONTENT_DISPOSITION);
        disposition
            .split('"')
            .nth(1)
            .unwrap_or_default()
            .trim_start_matches(&format!("students-{school}-"))
            .trim_end_matches(".csv")
            .trim_end_matches(".xlsx")
            .to_owned()
    }

    /// The `{"error": {"code", "message"}}` body of an error reply.
    pub fn error_code(&self) -> String {
        let json = self.json();
        assert!(
            json["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "an error needs a message: {json}"
        );
        json["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
}

/// The PostgreSQL server the tests run on instead of SQLite, when one is given
/// (`cargo xtask test` runs the server's tests once without and once with it).
pub fn postgres() -> Option<String> {
    rollcall_server::testing::postgres_for_tests()
}

/// A fresh, empty database for one test (see `rollcall_server::testing::fresh_database`).
pub async fn database_url(dir: &tempfile::TempDir) -> String {
    rollcall_server::testing::fresh_database(dir.path()).await
}

/// Drops a test's PostgreSQL schema (named in `dir`), if it made one.
pub fn drop_database(dir: &std::path::Path) {
    rollcall_server::testing::drop_database(dir)
}

/// A test's folder, and its PostgreSQL schema dropped with it.
pub struct TestDir(pub tempfile::TempDir);

impl Drop for TestDir {
    fn drop(&mut self) {
        drop_database(self.0.path());
    }
}

impl Server {
    pub async fn demo() -> Server {
        let server = Server::demo_stopped(std::time::Duration::from_secs(10)).await;
        server.state.start_worker();
        server
    }

    /// [`Server::demo`] reading the time from `clock` (a fixed one,
    /// `rollcall_server::testing::fixed_clock()`): the seed, sessions, uploads, exports and the
    /// audit table all write its time, and the test moves it on.
    pub async fn demo_with_clock(clock: Clock) -> Server {
        let server =
            Server::demo_stopped_with_clock(std::time::Duration::from_secs(10), clock).await;
        server.state.start_worker();
        server
    }

    /// A fresh demo database whose writes wait at most `busy_timeout` for a lock, its queue
    /// worker not started: set `state.queue`'s hooks and retries, then `state.start_worker()`.
    pub async fn demo_stopped(busy_timeout: std::time::Duration) -> Server {
        Server::demo_stopped_with_clock(busy_timeout, Clock::system()).await
    }

    /// [`Server::demo_stopped`] reading the time from `clock`.
    pub async fn demo_stopped_with_clock(
        busy_timeout: std::time::Duration,
        clock: Clock,
    ) -> Server {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = database_url(&dir).await;
        let store = Store::open_with_busy_timeout(&url, busy_timeout)
            .await
            .expect("store")
            .with_clock(clock);
        let passwords = demo::seed(&store, demo::STUDENTS).await.expect("seed");
        Server {
            state: AppState::new(store),
            passwords,
            url,
            _dir: std::sync::Arc::new(TestDir(dir)),
        }
    }

    /// A second server on the same database, as a second `rollcall serve` process would be:
    /// its own store (pool), state and queue, the same clock; its worker not started.
    pub async fn sibling(&self) -> Server {
        let store = Store::open(&self.url)
            .await
            .expect("store")
            .with_clock(self.state.store.clock().clone());
        Server {
            state: AppState::new(store),
            passwords: self.passwords.clone(),
            url: self.url.clone(),
            _dir: self._dir.clone(),
        }
    }

    /// Adds a teacher of `schools` who can then sign in like a demo teacher.
    pub async fn add_teacher(&mut self, id: &str, email: &str, schools: &[&str]) {
        let password = format!("{id}-Sunflower!42");
        let hash = rollcall_server::auth::hash_password(&password).expect("hash");
        let store = &self.state.store;
        store
            .upsert_teacher(id, email, id, &hash)
            .await
            .expect("teacher");
        for school in schools {
            store
                .add_teacher_to_school(id, school)
                .await
                .expect("school");
        }
        self.passwords.push((email.to_owned(), password));
    }

    pub fn password(&self, email: &str) -> String {
        self.passwords
            .iter()
            .find(|(e, _)| e == email)
            .map(|(_, p)| p.clone())
            .expect("demo teacher")
    }

    pub async fn send(&self, request: Request<Body>) -> Reply {
        send_to(app(self.state.clone()), request).await
    }

    pub async fn sign_in_as(&self, email: &str, password: &str) -> Reply {
        let body = serde_json::json!({"email": email, "password": password}).to_string();
        self.send(
            Request::post("/api/session")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body))
                .expect("request"),
        )
        .await
    }

    pub async fn sign_in(&self, email: &str) -> SignedIn {
        let reply = self.sign_in_as(email, &self.password(email)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
        let cookie = reply
            .header(header::SET_COOKIE)
            .split(';')
            .next()
            .unwrap_or_default()
            .to_owned();
        let csrf = reply.json()["csrf"].as_str().unwrap_or_default().to_owned();
        SignedIn { cookie, csrf }
    }

    pub async fn get(&self, who: Option<&SignedIn>, path: &str) -> Reply {
        let mut request = Request::get(path);
        if let Some(who) = who {
            request = request.header(header::COOKIE, &who.cookie);
        }
        self.send(request.body(Body::empty()).expect("request"))
            .await
    }

    /// The school's export in `format` (`csv` or `xlsx`) as `who` downloads it.
    pub async fn export(&self, who: &SignedIn, school: &str, format: &str) -> Reply {
        let path = format!("/api/schools/{school}/export?format={format}");
        self.get(Some(who), &path).await
    }

    /// An unsafe request with the session's CSRF token.
    pub async fn post_json(&self, who: &SignedIn, path: &str, body: serde_json::Value) -> Reply {
        self.send(
            Request::post(path)
                .header(header::COOKIE, &who.cookie)
                .header("x-csrf-token", &who.csrf)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .expect("request"),
        )
        .await
    }
}

impl Server {
    /// Posts a file as `multipart/form-data`, field `file`.
    pub async fn post_file(&self, who: &SignedIn, path: &str, name: &str, bytes: &[u8]) -> Reply {
        self.post_file_with(who, path, name, bytes, &[]).await
    }

    /// [`Server::post_file`] with more request headers.
    pub async fn post_file_with(
        &self,
        who: &SignedIn,
        path: &str,
        name: &str,
        bytes: &[u8],
        headers: &[(header::HeaderName, &str)],
    ) -> Reply {
        let boundary = "rollcall-test-boundary-7d2f";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let mut request = Request::post(path)
            .header(header::COOKIE, &who.cookie)
            .header("x-csrf-token", &who.csrf)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            );
        for (name, value) in headers {
            request = request.header(name, *value);
        }
        self.send(request.body(Body::from(body)).expect("request"))
            .await
    }

    /// Polls an upload until its status is final; returns the upload with its rows.
    pub async fn wait_for(&self, who: &SignedIn, school: &str, id: &str) -> serde_json::Value {
        for _ in 0..600 {
            let reply = self
                .get(Some(who), &format!("/api/schools/{school}/uploads/{id}"))
                .await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
            let json = reply.json();
            let status = json["status"].as_str().unwrap_or_default().to_owned();
            if !["Queued", "In Progress"].contains(&status.as_str()) {
                return json;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("upload {id} did not finish");
    }
}

/// Sends `request` through `router` and collects the reply.
pub async fn send_to(router: axum::Router, request: Request<Body>) -> Reply {
    let response: Response<Body> = router.oneshot(request).await.expect("infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes()
        .to_vec();
    Reply {
        status,
        headers,
        body,
    }
}

/// The records of a CSV file after its header, as text cells.
pub fn csv_records(bytes: &[u8]) -> Vec<Vec<String>> {
    csv::Reader::from_reader(bytes)
        .records()
        .map(|r| r.expect("record").iter().map(str::to_owned).collect())
        .collect()
}
