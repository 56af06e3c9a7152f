//! Students' accounts: a temporary password signs in once and then only lets the student set
//! her own; unused for 90 days it expires (the clock is fixed by the test); a teacher's reset
//! gives a new one, shown once; the Completed File shows a temporary password only while it
//! can be used, and the database keeps its text no longer.

use std::time::{Duration, SystemTime};

use rollcall_server::Clock;

use super::*;

const DAY: Duration = Duration::from_secs(24 * 60 * 60);

fn start() -> SystemTime {
    // 2026-09-01T08:00:00Z
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_788_249_600)
}

/// A new student created by an upload, as her Completed File row shows her: (GUID, username,
/// temporary password); and the upload's id.
struct Created {
    upload: String,
    rows: Vec<(String, String, String)>,
}

/// Uploads `names` (first names; last name Quill, grade 03) as new students.
async fn create(server: &Server, teacher: &common::SignedIn, names: &[&str]) -> Created {
    let mut csv = rollcall_server::files::HEADER.join(",");
    for name in names {
        csv.push_str(&format!("\r\n,,{name},Quill,03,,,"));
    }
    let reply = server
        .post_file(
            teacher,
            &format!("/api/schools/{LINCOLN}/uploads"),
            "new.csv",
            csv.as_bytes(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text());
    let upload = reply.json()["id"].as_str().expect("id").to_owned();
    let done = server.wait_for(teacher, LINCOLN, &upload).await;
    assert_eq!(done["status"], "Completed", "{done}");
    let rows = completed(server, teacher, &upload)
        .await
        .into_iter()
        .map(|r| (r[0].clone(), r[5].clone(), r[6].clone()))
        .collect();
    Created { upload, rows }
}

/// The Completed File's data rows (its header left out).
async fn completed(server: &Server, teacher: &common::SignedIn, upload: &str) -> Vec<Vec<String>> {
    let reply = server
        .get(
            Some(teacher),
            &format!("/api/schools/{LINCOLN}/uploads/{upload}/files/completed?format=csv"),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    common::csv_records(&reply.body)
}

/// The roster's `password` and `password_expires_at` of the student with this username.
async fn password_state(
    server: &Server,
    teacher: &common::SignedIn,
    username: &str,
) -> (String, serde_json::Value) {
    let roster = server
        .get(Some(teacher), &format!("/api/schools/{LINCOLN}/roster"))
        .await
        .json();
    let student = roster
        .as_array()
        .and_then(|r| r.iter().find(|s| s["username"] == username))
        .cloned()
        .expect("on the roster");
    (
        student["password"].as_str().unwrap_or_default().to_owned(),
        student["password_expires_at"].clone(),
    )
}

/// A student's sign-in: the reply, and her session (cookie, CSRF token) when it opened one.
async fn student_sign_in(
    server: &Server,
    username: &str,
    password: &str,
) -> (common::Reply, Option<common::SignedIn>) {
    let body = serde_json::json!({"username": username, "password": password});
    let reply = server
        .send(
            Request::post("/api/student/session")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .expect("request"),
        )
        .await;
    let session = (reply.status == StatusCode::OK).then(|| common::SignedIn {
        cookie: reply
            .header(header::SET_COOKIE)
            .split(';')
            .next()
            .unwrap_or_default()
            .to_owned(),
        csrf: reply.json()["csrf"].as_str().unwrap_or_default().to_owned(),
    });
    (reply, session)
}

/// Whether the SQLite database's files (the database and its log) hold `text` (on PostgreSQL,
/// whose files the test cannot read: never).
fn database_holds(server: &Server, text: &str) -> bool {
    let Some(path) = server.url.strip_prefix("sqlite://") else {
        return false;
    };
    [path.to_owned(), format!("{path}-wal")].iter().any(|file| {
        std::fs::read(file)
            .map(|bytes| bytes.windows(text.len()).any(|w| w == text.as_bytes()))
            .unwrap_or(false)
    })
}

#[tokio::test]
async fn a_temporary_password_signs_in_once_and_then_only_sets_her_own() {
    let server = Server::demo_with_clock(Clock::fixed(start())).await;
    let teacher = server.sign_in(TEACHER).await;
    let created = create(&server, &teacher, &["Tessa"]).await;
    let (_, username, temporary) = created.rows[0].clone();
    assert_eq!(username, "tessa.quill");
    assert_eq!(temporary.len(), 19, "a temporary password: {temporary}");
    assert!(database_holds(&server, &temporary) || !server.url.starts_with("sqlite"));
    let expires = serde_json::json!("2026-11-30T08:00:00Z");
    assert_eq!(
        password_state(&server, &teacher, &username).await,
        ("temporary".to_owned(), expires)
    );

    let (reply, session) = student_sign_in(&server, "Tessa.Quill ", &temporary).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let json = reply.json();
    assert_eq!(json["must_change_password"], true);
    assert_eq!(json["student"]["first_name"], "Tessa");
    assert!(
        reply
            .header(header::SET_COOKIE)
            .starts_with("rollcall_student=")
    );
    let session = session.expect("a session");

    // Used once: never again, and its text is gone from the Completed File and the database.
    let (again, _) = student_sign_in(&server, &username, &temporary).await;
    assert_eq!(again.status, StatusCode::UNAUTHORIZED);
    assert_eq!(again.error_code(), "unauthorized");
    assert_eq!(
        completed(&server, &teacher, &created.upload).await[0][6],
        "(changed)"
    );
    assert!(
        !database_holds(&server, &temporary),
        "the used temporary password's text is erased"
    );
    let state = password_state(&server, &teacher, &username).await;
    assert_eq!(state.0, "unset");

    // The session can set her own password, with the CSRF token, by the Password rule.
    let path = "/api/student/password";
    let mut no_token = session.clone();
    no_token.csrf = "wrong".to_owned();
    let reply = server
        .post_json(
            &no_token,
            path,
            serde_json::json!({"password": "Blue-Heron-2027"}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    for weak in ["short", "tessa.quill", " Blue-Heron-2027"] {
        let reply = server
            .post_json(&session, path, serde_json::json!({"password": weak}))
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{weak:?}");
        assert!(reply.text().contains("The password"), "{}", reply.text());
    }
    let reply = server
        .post_json(
            &session,
            path,
            serde_json::json!({"password": "Blue-Heron-2027"}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.json()["must_change_password"], false);

    let (reply, _) = student_sign_in(&server, &username, "Blue-Heron-2027").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json()["must_change_password"], false);
    let state = password_state(&server, &teacher, &username).await;
    assert_eq!(state, ("own".to_owned(), serde_json::Value::Null));
    let (reply, _) = student_sign_in(&server, &username, &temporary).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    // A teacher's session is not a student's, nor the other way round.
    let reply = server
        .post_json(
            &teacher,
            path,
            serde_json::json!({"password": "Another-Pass-42"}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_unused_temporary_password_expires_after_90_days() {
    let clock = Clock::fixed(start());
    let server = Server::demo_with_clock(clock.clone()).await;
    let teacher = server.sign_in(TEACHER).await;
    let created = create(&server, &teacher, &["Uma", "Vera"]).await;
    let (uma, vera) = (created.rows[0].clone(), created.rows[1].clone());

    clock.set(start() + 90 * DAY - Duration::from_secs(60));
    let (reply, _) = student_sign_in(&server, &uma.1, &uma.2).await;
    assert_eq!(
        reply.status,
        StatusCode::OK,
        "a minute before 90 days: {}",
        reply.text()
    );

    clock.set(start() + 90 * DAY + Duration::from_secs(1));
    let (reply, _) = student_sign_in(&server, &vera.1, &vera.2).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.error_code(), "password-expired");
    assert!(reply.text().contains("Ask your teacher"));
    // A wrong password says nothing about expiry.
    let (reply, _) = student_sign_in(&server, &vera.1, "not-her-password").await;
    assert_eq!(reply.error_code(), "unauthorized");

    // The teacher's session of 90 days ago has long ended.
    let teacher = server.sign_in(TEACHER).await;
    let rows = completed(&server, &teacher, &created.upload).await;
    assert_eq!(
        (rows[0][6].as_str(), rows[1][6].as_str()),
        ("(changed)", "(expired)")
    );
    assert_eq!(
        password_state(&server, &teacher, &vera.1).await.0,
        "expired"
    );
    assert!(!database_holds(&server, &vera.2));
}

#[tokio::test]
async fn a_teachers_reset_gives_a_new_temporary_password_shown_once() {
    let server = Server::demo_with_clock(Clock::fixed(start())).await;
    let teacher = server.sign_in(TEACHER).await;
    let created = create(&server, &teacher, &["Wanda"]).await;
    let (guid, username, first) = created.rows[0].clone();
    let path = format!("/api/schools/{LINCOLN}/students/{guid}/password-reset");

    let reply = server
        .post_json(&teacher, &path, serde_json::json!({}))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let reset = reply.json();
    assert_eq!(reset["username"], username.as_str());
    assert_eq!(reset["expires_at"], "2026-11-30T08:00:00Z", "90 days on");
    let second = reset["temporary_password"]
        .as_str()
        .expect("password")
        .to_owned();
    assert_ne!(second, first);

    let (reply, _) = student_sign_in(&server, &username, &first).await;
    assert_eq!(
        reply.status,
        StatusCode::UNAUTHORIZED,
        "the first one is replaced"
    );
    assert_eq!(
        completed(&server, &teacher, &created.upload).await[0][6],
        "(changed)"
    );
    assert!(!database_holds(&server, &first));
    let (reply, _) = student_sign_in(&server, &username, &second).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json()["must_change_password"], true);

    let resets: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit WHERE kind = 'password-reset' AND detail = $1",
    )
    .bind(&guid)
    .fetch_one(server.state.store.pool())
    .await
    .expect("audit");
    assert_eq!(resets, 1);

    // Another school's teacher, an unknown student, and a request without the token get nothing.
    let other = server.sign_in(OTHER).await;
    let reply = server.post_json(&other, &path, serde_json::json!({})).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let roosevelt = format!("/api/schools/{ROOSEVELT}/students/{guid}/password-reset");
    let reply = server
        .post_json(&other, &roosevelt, serde_json::json!({}))
        .await;
    assert_eq!(
        reply.status,
        StatusCode::NOT_FOUND,
        "not a Roosevelt student"
    );
    let unknown = format!(
        "/api/schools/{LINCOLN}/students/00000000-0000-4000-8000-000000000000/password-reset"
    );
    let reply = server
        .post_json(&teacher, &unknown, serde_json::json!({}))
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let mut no_token = teacher.clone();
    no_token.csrf = "wrong".to_owned();
    let reply = server
        .post_json(&no_token, &path, serde_json::json!({}))
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
}
