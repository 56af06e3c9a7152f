//! docs/api.md's HTTP examples, run in order against a demo server: each request as the document
//! writes it, and its answer compared with the one the document shows (status, the headers
//! shown, and the body, where `…` stands for what differs from run to run).

mod common;

use axum::body::Body;
use axum::http::{Request, header};
use common::{Reply, Server};
use rollcall_server::testing::doc_examples::{ANY, code_blocks, json_matches, text_matches};

/// One request as the document writes it.
struct Shown {
    head: String,
    headers: Vec<(String, String)>,
    body: String,
}

fn parse(text: &str) -> Shown {
    let (top, body) = text.split_once("\n\n").unwrap_or((text, ""));
    let mut lines = top.lines();
    let head = lines.next().unwrap_or_default().to_owned();
    let headers = lines
        .filter_map(|line| line.split_once(": "))
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect();
    Shown {
        head,
        headers,
        body: body.trim().to_owned(),
    }
}

/// What the exchanges so far taught: the teacher's and the student's sessions (cookie and
/// token), the last upload's id, and the student and temporary password of the last Completed
/// File.
#[derive(Default)]
struct Session {
    cookie: Option<String>,
    csrf: String,
    student_cookie: Option<String>,
    student_csrf: String,
    upload: String,
    student: String,
    temporary: String,
}

async fn send(server: &Server, session: &Session, request: &Shown) -> Reply {
    let (method, path) = request.head.split_once(' ').expect("METHOD PATH");
    let path = path
        .replace("{upload}", &session.upload)
        .replace("{student}", &session.student);
    // A student's requests carry her session, a teacher's his.
    let (cookie, csrf) = if path.starts_with("/api/student/") {
        (&session.student_cookie, &session.student_csrf)
    } else {
        (&session.cookie, &session.csrf)
    };
    let mut builder = Request::builder().method(method).uri(&path);
    if let Some(cookie) = cookie {
        builder = builder.header(header::COOKIE, cookie);
    }
    for (name, value) in &request.headers {
        let value = if name == "X-CSRF-Token" && value == ANY {
            csrf.clone()
        } else {
            value.clone()
        };
        builder = builder.header(name, value);
    }
    let mut body = request.body.replace("{student}", &session.student);
    if let Ok(mut json) = serde_json::from_str::<serde_json::Value>(&body) {
        // A teacher's sign-in password is the one the demo printed; a student's the
        // temporary one of the last Completed File.
        if json["password"] == ANY {
            json["password"] = match json["email"].as_str() {
                Some(email) => server.password(email),
                None => session.temporary.clone(),
            }
            .into();
            body = json.to_string();
        }
    }
    if request
        .headers
        .iter()
        .any(|(name, value)| name == "Content-Type" && value.starts_with("multipart/"))
    {
        // A multipart body's lines end in CRLF.
        body = format!("{}\r\n", body.replace('\n', "\r\n"));
    }
    server
        .send(builder.body(Body::from(body)).expect("request"))
        .await
}

/// Asks again while an upload is still waiting or being applied: the document shows them done.
async fn settled(server: &Server, session: &Session, request: &Shown, mut reply: Reply) -> Reply {
    for _ in 0..200 {
        let json: serde_json::Value = serde_json::from_slice(&reply.body).unwrap_or_default();
        let entries = match json {
            serde_json::Value::Array(entries) => entries,
            one => vec![one],
        };
        let waiting = request.head.starts_with("GET ")
            && entries.iter().any(|entry| {
                ["Queued", "In Progress"].contains(&entry["status"].as_str().unwrap_or(""))
            });
        if !waiting {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        reply = send(server, session, request).await;
    }
    reply
}

fn check_answer(request: &Shown, shown: &Shown, reply: &Reply) -> Result<(), String> {
    let status = shown.head.split(' ').nth(1).unwrap_or_default();
    if reply.status.as_str() != status {
        return Err(format!(
            "status {} instead of {status}: {}",
            reply.status,
            reply.text()
        ));
    }
    for (name, value) in &shown.headers {
        let actual = reply
            .headers
            .get(name.as_str())
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if !text_matches(value, actual) {
            return Err(format!(
                "header {name} is {actual:?}, the document shows {value:?}"
            ));
        }
    }
    let text = reply.text();
    let text = text.trim_start_matches('\u{feff}');
    if shown.body.starts_with(['{', '[']) {
        let shown_json = serde_json::from_str(&shown.body)
            .map_err(|e| format!("the document's JSON does not parse: {e}"))?;
        let actual = serde_json::from_str(text).map_err(|e| format!("not JSON ({e}): {text}"))?;
        return json_matches(&shown_json, &actual);
    }
    // A file: line by line, `…` alone standing for any number of lines.
    let lines: Vec<&str> = text.lines().collect();
    let shown_lines: Vec<&str> = shown.body.lines().collect();
    for (k, line) in shown_lines.iter().enumerate() {
        if *line == ANY {
            return Ok(());
        }
        let actual = lines.get(k).copied().unwrap_or_default();
        if !text_matches(line, actual) {
            return Err(format!(
                "line {} is {actual:?}, the document shows {line:?}",
                k + 1
            ));
        }
    }
    if lines.len() != shown_lines.len() {
        return Err(format!(
            "{} lines, the document shows {}",
            lines.len(),
            shown_lines.len()
        ));
    }
    let _ = request;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_documents_http_examples_are_what_the_server_answers() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/api.md");
    let document = std::fs::read_to_string(path).expect("docs/api.md");
    let blocks: Vec<String> = code_blocks(&document)
        .into_iter()
        .filter(|block| block.lang == "http")
        .map(|block| block.text)
        .collect();
    assert!(blocks.len() >= 20, "the document shows its exchanges");
    let server = Server::demo().await;
    let mut session = Session::default();
    for pair in blocks.chunks(2) {
        let [request, answer] = pair else {
            panic!("a request without an answer: {}", pair[0]);
        };
        let (request, shown) = (parse(request), parse(answer));
        assert!(
            shown.head.starts_with("HTTP/1.1 "),
            "not an answer: {}",
            shown.head
        );
        if request.head.ends_with("/revert") {
            // An upload is reverted once it is completed.
            let path = format!("/api/schools/lincoln-elementary/uploads/{}", session.upload);
            let head = format!("GET {path}");
            let asked = Shown {
                head,
                headers: Vec::new(),
                body: String::new(),
            };
            let reply = send(&server, &session, &asked).await;
            settled(&server, &session, &asked, reply).await;
        }
        let reply = send(&server, &session, &request).await;
        let reply = settled(&server, &session, &request, reply).await;
        if let Err(difference) = check_answer(&request, &shown, &reply) {
            panic!("docs/api.md, {}: {difference}", request.head);
        }
        if request.head == "POST /api/session" {
            let cookie = reply.header(header::SET_COOKIE);
            session.cookie = cookie.split(';').next().map(str::to_owned);
            session.csrf = reply.json()["csrf"].as_str().unwrap_or_default().to_owned();
        }
        if request.head == "POST /api/student/session" {
            let cookie = reply.header(header::SET_COOKIE);
            session.student_cookie = cookie.split(';').next().map(str::to_owned);
            session.student_csrf = reply.json()["csrf"].as_str().unwrap_or_default().to_owned();
        }
        if request.head.contains("/uploads") && reply.status.as_u16() == 202 {
            session.upload = reply.json()["id"].as_str().unwrap_or_default().to_owned();
        }
        if request.head.contains("/files/completed?format=csv") {
            // The last student listed, and her temporary password.
            let text = reply.text();
            let last = text.lines().last().unwrap_or_default();
            let cells: Vec<&str> = last.split(',').collect();
            session.student = cells[0].to_owned();
            session.temporary = cells[6].to_owned();
        }
    }
}

#[test]
fn the_document_lists_every_error_code_the_api_answers_with() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/api.md");
    let document = std::fs::read_to_string(path).expect("docs/api.md");
    let codes = rollcall_protocol::WorkerCode::ALL
        .iter()
        .map(|code| code.as_str())
        .chain(
            rollcall_protocol::ErrorCode::ALL
                .iter()
                .map(|code| code.as_str()),
        );
    for code in codes {
        assert!(
            document.contains(&format!("`{code}`")),
            "docs/api.md does not name `{code}`"
        );
    }
}
