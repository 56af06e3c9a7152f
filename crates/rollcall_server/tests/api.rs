//! The HTTP API through `app(state).oneshot(request)`: sign-in, sessions, CSRF, school scope,
//! Export Students and the username check, on a fresh demo database per test.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::Server;
use rollcall_core::{Input, Options, check};
use rollcall_server::demo::{LINCOLN, OTHER, ROOSEVELT, TEACHER};
use rollcall_server::store::{NewStudent, StudentRecord};

#[tokio::test]
async fn signing_in_sets_a_strict_http_only_cookie_and_lists_the_schools() {
    let server = Server::demo().await;
    let reply = server.sign_in_as(TEACHER, &server.password(TEACHER)).await;
    assert_eq!(reply.status, StatusCode::OK);
    let cookie = reply.header(header::SET_COOKIE);
    assert!(cookie.starts_with("rollcall_session="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let json = reply.json();
    assert_eq!(json["teacher"]["email"], TEACHER);
    assert_eq!(
        json["schools"],
        serde_json::json!([
            {"id": LINCOLN, "name": "Lincoln Elementary"},
            {"id": ROOSEVELT, "name": "Roosevelt Middle"}
        ])
    );
    assert_eq!(json["csrf"].as_str().map(str::len), Some(64));
    // The password appears nowhere in the answer.
    assert!(!reply.text().contains(&server.password(TEACHER)));
    // The email is matched whatever its case.
    let upper = server
        .sign_in_as("Teacher@Demo.School", &server.password(TEACHER))
        .await;
    assert_eq!(upper.status, StatusCode::OK);
}

#[tokio::test]
async fn a_wrong_password_or_an_unknown_email_is_401_with_the_same_message() {
    let server = Server::demo().await;
    let wrong = server.sign_in_as(TEACHER, "not-the-password").await;
    let unknown = server.sign_in_as("nobody@demo.school", "whatever").await;
    for reply in [&wrong, &unknown] {
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
        assert_eq!(reply.error_code(), "unauthorized");
        assert!(reply.headers.get(header::SET_COOKIE).is_none());
    }
    assert_eq!(
        wrong.json()["error"]["message"],
        unknown.json()["error"]["message"]
    );
}

#[tokio::test]
async fn repeated_failed_sign_ins_are_refused_for_a_while() {
    let server = Server::demo().await;
    for _ in 0..5 {
        assert_eq!(
            server.sign_in_as(OTHER, "guess").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    // Even the right password is refused now, with how long to wait.
    let refused = server.sign_in_as(OTHER, &server.password(OTHER)).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(refused.error_code(), "too-many-requests");
    let wait: u64 = refused
        .header(header::RETRY_AFTER)
        .parse()
        .expect("Retry-After");
    assert!((1..=900).contains(&wait), "{wait}");
    // Another teacher is not affected.
    assert_eq!(
        server
            .sign_in_as(TEACHER, &server.password(TEACHER))
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn malformed_sign_in_bodies_are_400() {
    let server = Server::demo().await;
    for (content_type, body) in [
        ("application/json", "{\"email\": "),
        (
            "application/json",
            "{\"email\": \"a\", \"password\": \"b\", \"admin\": true}",
        ),
        ("application/json", "[]"),
        ("text/plain", "{\"email\": \"a\", \"password\": \"b\"}"),
    ] {
        let reply = server
            .send(
                Request::post("/api/session")
                    .header(header::CONTENT_TYPE, content_type)
                    .body(Body::from(body))
                    .expect("request"),
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{body}: {}",
            reply.text()
        );
        assert_eq!(reply.error_code(), "bad-request");
    }
}

#[tokio::test]
async fn signing_out_ends_the_session() {
    let server = Server::demo().await;
    let teacher = server.sign_in(TEACHER).await;
    let who = server.get(Some(&teacher), "/api/session").await;
    assert_eq!(who.json()["teacher"]["email"], TEACHER);
    let out = server
        .send(
            Request::delete("/api/session")
                .header(header::COOKIE, &teacher.cookie)
                .header("x-csrf-token", &teacher.csrf)
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(out.status, StatusCode::OK);
    assert!(out.header(header::SET_COOKIE).contains("Max-Age=0"));
    let after = server
        .get(Some(&teacher), &format!("/api/schools/{LINCOLN}/roster"))
        .await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
}

/// Every route of a school, as (method, path, JSON body).
fn school_routes(
    school: &str,
    export: &str,
) -> Vec<(&'static str, String, Option<serde_json::Value>)> {
    vec![
        ("GET", format!("/api/schools/{school}/roster"), None),
        (
            "GET",
            format!("/api/schools/{school}/export?format=csv"),
            None,
        ),
        (
            "GET",
            format!("/api/schools/{school}/export?format=xlsx"),
            None,
        ),
        (
            "GET",
            format!("/api/schools/{school}/exports/{export}"),
            None,
        ),
        (
            "POST",
            format!("/api/schools/{school}/usernames"),
            Some(serde_json::json!({"usernames": ["finn.wong"]})),
        ),
    ]
}

async fn request(
    server: &Server,
    who: Option<&common::SignedIn>,
    method: &str,
    path: &str,
    body: &Option<serde_json::Value>,
    csrf: bool,
) -> common::Reply {
    let mut request = Request::builder().method(method).uri(path);
    if let Some(who) = who {
        request = request.header(header::COOKIE, &who.cookie);
        if csrf {
            request = request.header("x-csrf-token", &who.csrf);
        }
    }
    let body = match body {
        Some(json) => {
            request = request.header(header::CONTENT_TYPE, "application/json");
            Body::from(json.to_string())
        }
        None => Body::empty(),
    };
    server.send(request.body(body).expect("request")).await
}

/// A Lincoln export made by the teacher of both schools; returns its id.
async fn lincoln_export(server: &Server) -> String {
    let teacher = server.sign_in(TEACHER).await;
    let reply = server
        .get(
            Some(&teacher),
            &format!("/api/schools/{LINCOLN}/export?format=csv"),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    reply.export_id(LINCOLN)
}

#[tokio::test]
async fn a_teacher_of_another_school_gets_404_on_every_route_of_lincoln() {
    let server = Server::demo().await;
    let export = lincoln_export(&server).await;
    let other = server.sign_in(OTHER).await;
    let teacher = server.sign_in(TEACHER).await;
    for (method, path, body) in school_routes(LINCOLN, &export) {
        let refused = request(&server, Some(&other), method, &path, &body, true).await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND, "{method} {path}");
        assert_eq!(refused.error_code(), "not-found", "{method} {path}");
        // Lincoln's own teacher is let in.
        let allowed = request(&server, Some(&teacher), method, &path, &body, true).await;
        assert_eq!(
            allowed.status,
            StatusCode::OK,
            "{method} {path}: {}",
            allowed.text()
        );
    }
    // An unknown school answers exactly like a school that is not yours.
    let unknown = server
        .get(Some(&other), "/api/schools/no-such-school/roster")
        .await;
    let foreign = server
        .get(Some(&other), &format!("/api/schools/{LINCOLN}/roster"))
        .await;
    assert_eq!(unknown.status, foreign.status);
    assert_eq!(unknown.body, foreign.body);
    // Another school's export id is unknown in this school too.
    let teacher_roosevelt = server
        .get(
            Some(&teacher),
            &format!("/api/schools/{ROOSEVELT}/exports/{export}"),
        )
        .await;
    assert_eq!(teacher_roosevelt.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn every_school_route_needs_a_session_and_unsafe_ones_the_csrf_token() {
    let server = Server::demo().await;
    let export = lincoln_export(&server).await;
    let teacher = server.sign_in(TEACHER).await;
    for (method, path, body) in school_routes(LINCOLN, &export) {
        let anonymous = request(&server, None, method, &path, &body, false).await;
        assert_eq!(
            anonymous.status,
            StatusCode::UNAUTHORIZED,
            "{method} {path}"
        );
        assert_eq!(anonymous.error_code(), "unauthorized");
        let forged = server
            .send(
                Request::builder()
                    .method(method)
                    .uri(&path)
                    .header(header::COOKIE, "rollcall_session=0123456789abcdef")
                    .body(Body::empty())
                    .expect("request"),
            )
            .await;
        assert_eq!(forged.status, StatusCode::UNAUTHORIZED, "{method} {path}");
        if method != "GET" {
            let no_token = request(&server, Some(&teacher), method, &path, &body, false).await;
            assert_eq!(no_token.status, StatusCode::FORBIDDEN, "{method} {path}");
            assert_eq!(no_token.error_code(), "bad-csrf-token");
        }
    }
}

fn check_against_itself(bytes: &[u8], name: &str) -> rollcall_core::Report {
    check(
        Input::new(bytes, Some(name)),
        Some(Input::new(bytes, Some(name))),
        &Options::default(),
    )
}

#[tokio::test]
async fn export_csv_has_the_spec_columns_text_ids_and_no_passwords() {
    let server = Server::demo().await;
    let teacher = server.sign_in(TEACHER).await;
    let reply = server
        .get(
            Some(&teacher),
            &format!("/api/schools/{LINCOLN}/export?format=csv"),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.header(header::CONTENT_TYPE),
        "text/csv; charset=utf-8"
    );
    let disposition = reply.header(header::CONTENT_DISPOSITION);
    assert!(
        disposition.starts_with(&format!("attachment; filename=\"students-{LINCOLN}-")),
        "{disposition}"
    );
    let text = reply.text();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "Student GUID,Student ID,First Name,Last Name,Grade Level,Username,Password"
    );
    assert_eq!(lines.len(), 61);
    assert!(
        lines[1..].iter().all(|l| l.ends_with(',')),
        "Password column empty"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.split(',').nth(1).is_some_and(|id| id.starts_with("00")))
    );
    let roster = server
        .get(Some(&teacher), &format!("/api/schools/{LINCOLN}/roster"))
        .await
        .json();
    assert_eq!(roster.as_array().map(Vec::len), Some(60));
    assert_eq!(lines[1].split(',').next(), roster[0]["guid"].as_str());
    let report = check_against_itself(&reply.body, "export.csv");
    assert_eq!(report.summary.unchanged, 60);
    assert_eq!(
        report.summary.errors + report.summary.warnings,
        0,
        "{:?}",
        report.diagnostics
    );

    // The stored snapshot gives back the same file.
    let export = reply.export_id(LINCOLN);
    let again = server
        .get(
            Some(&teacher),
            &format!("/api/schools/{LINCOLN}/exports/{export}"),
        )
        .await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.body, reply.body);
    let missing = server
        .get(
            Some(&teacher),
            &format!("/api/schools/{LINCOLN}/exports/nope"),
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

fn zipped_part(bytes: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("xlsx is a zip");
    let mut part = archive.by_name(name).expect(name);
    let mut text = String::new();
    std::io::Read::read_to_string(&mut part, &mut text).expect("utf-8");
    text
}

#[tokio::test]
async fn export_xlsx_keeps_leading_zeros_and_names_its_export() {
    let server = Server::demo().await;
    let teacher = server.sign_in(TEACHER).await;
    let csv = server
        .get(
            Some(&teacher),
            &format!("/api/schools/{LINCOLN}/export?format=csv"),
        )
        .await;
    let reply = server
        .get(
            Some(&teacher),
            &format!("/api/schools/{LINCOLN}/export?format=xlsx"),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.header(header::CONTENT_TYPE),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let disposition = reply.header(header::CONTENT_DISPOSITION);
    let export = reply.export_id(LINCOLN);
    assert_eq!(export.len(), 36, "{disposition}");
    assert!(zipped_part(&reply.body, "docProps/custom.xml").contains(&export));
    // The workbook, read by the rule engine, equals the CSV export cell for cell.
    let report = check(
        Input::new(&reply.body, Some("export.xlsx")),
        Some(Input::new(&csv.body, Some("export.csv"))),
        &Options::default(),
    );
    assert_eq!(report.file.sheet.as_deref(), Some("Students"));
    assert_eq!(report.summary.unchanged, 60, "{:?}", report.diagnostics);
    assert_eq!(
        report.summary.errors + report.summary.warnings,
        0,
        "{:?}",
        report.diagnostics
    );
    // Student IDs and grades are text cells: "008761" stays "008761".
    let sheet = zipped_part(&reply.body, "xl/worksheets/sheet1.xml");
    assert!(!sheet.contains("t=\"n\""), "no number cells");
}

#[tokio::test]
async fn formula_like_cells_are_escaped_in_both_formats() {
    let server = Server::demo().await;
    let dangerous = [
        "=HYPERLINK(\"http://x\")",
        "+1",
        "-Ann",
        "@SUM(A1)",
        "\tTab",
        "\rReturn",
    ];
    let students: Vec<NewStudent> = dangerous
        .iter()
        .enumerate()
        .map(|(i, name)| NewStudent {
            record: StudentRecord {
                guid: format!("00000000-0000-4000-8000-00000000000{i}"),
                student_id: Some(format!("99000{i}")),
                first_name: (*name).to_owned(),
                last_name: "Test".to_owned(),
                grade: "03".to_owned(),
                username: format!("danger{i}"),
            },
            password_hash: None,
        })
        .collect();
    server
        .state
        .store
        .insert_students(
            LINCOLN,
            rollcall_server::demo::DISTRICT,
            &students,
            "2026-11-22T00:00:00Z",
        )
        .await
        .expect("insert");
    let teacher = server.sign_in(TEACHER).await;
    let csv = server
        .get(
            Some(&teacher),
            &format!("/api/schools/{LINCOLN}/export?format=csv"),
        )
        .await
        .text();
    let first_names: Vec<String> = csv::Reader::from_reader(csv.as_bytes())
        .records()
        .map(|record| record.expect("CSV record")[2].to_owned())
        .collect();
    for name in dangerous {
        assert!(
            first_names.contains(&format!("'{name}")),
            "{name:?} not escaped: {first_names:?}"
        );
        assert!(
            !first_names.iter().any(|n| n == name),
            "{name:?} written as is"
        );
    }
    let xlsx = server
        .get(
            Some(&teacher),
            &format!("/api/schools/{LINCOLN}/export?format=xlsx"),
        )
        .await;
    let styles = zipped_part(&xlsx.body, "xl/styles.xml");
    assert!(styles.contains("quotePrefix=\"1\""), "{styles}");
    let sheet = zipped_part(&xlsx.body, "xl/worksheets/sheet1.xml");
    let strings = zipped_part(&xlsx.body, "xl/sharedStrings.xml");
    assert!(
        strings.contains("=HYPERLINK") && !strings.contains("'=HYPERLINK"),
        "value kept as is"
    );
    assert!(!sheet.contains("<f>"), "no formula cells");
}

#[tokio::test]
async fn usernames_taken_outside_the_school_are_reported() {
    let server = Server::demo().await;
    let teacher = server.sign_in(TEACHER).await;
    let roosevelt = server
        .get(Some(&teacher), &format!("/api/schools/{ROOSEVELT}/roster"))
        .await
        .json();
    let lincoln = server
        .get(Some(&teacher), &format!("/api/schools/{LINCOLN}/roster"))
        .await
        .json();
    let theirs = roosevelt[0]["username"]
        .as_str()
        .expect("username")
        .to_uppercase();
    let ours = lincoln[0]["username"]
        .as_str()
        .expect("username")
        .to_owned();
    let reply = server
        .post_json(
            &teacher,
            &format!("/api/schools/{LINCOLN}/usernames"),
            serde_json::json!({"usernames": [theirs, ours, "free.name"]}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json(), serde_json::json!({"taken": [theirs]}));
    let too_many: Vec<String> = (0..1001).map(|i| format!("u{i}")).collect();
    let refused = server
        .post_json(
            &teacher,
            &format!("/api/schools/{LINCOLN}/usernames"),
            serde_json::json!({"usernames": too_many}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::PAYLOAD_TOO_LARGE);
    let unknown_field = server
        .post_json(
            &teacher,
            &format!("/api/schools/{LINCOLN}/usernames"),
            serde_json::json!({"names": []}),
        )
        .await;
    assert_eq!(unknown_field.status, StatusCode::BAD_REQUEST);
}

/// GET `path` from the page's router.
async fn page_get(dir: Option<&std::path::Path>, path: &str) -> common::Reply {
    let request = Request::get(path).body(Body::empty()).expect("request");
    common::send_to(rollcall_server::page(dir), request).await
}

#[tokio::test]
async fn the_root_serves_the_page_or_says_how_to_build_it() {
    let reply = page_get(None, "/").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.text().contains("cargo xtask web"), "{}", reply.text());

    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("index.html"), "<title>Rollcall</title>").expect("write");
    std::fs::write(dir.path().join("rollcall_web_bg.wasm"), b"\0asm").expect("write");
    let reply = page_get(Some(dir.path()), "/").await;
    assert_eq!(reply.status, StatusCode::OK);
    let content_type = reply.header(header::CONTENT_TYPE);
    assert!(content_type.starts_with("text/html"), "{content_type}");
    assert!(reply.text().contains("<title>Rollcall</title>"));
    let wasm = page_get(Some(dir.path()), "/rollcall_web_bg.wasm").await;
    assert_eq!(wasm.header(header::CONTENT_TYPE), "application/wasm");
    let outside = page_get(Some(dir.path()), "/../Cargo.toml").await;
    assert_ne!(outside.status, StatusCode::OK);
}

#[tokio::test]
async fn the_exports_list_is_the_teachers_own_newest_first() {
    let server = Server::demo().await;
    let teacher = server.sign_in(TEACHER).await;
    let other = server.sign_in(OTHER).await;
    let path = format!("/api/schools/{ROOSEVELT}/exports");
    assert_eq!(
        server.get(Some(&teacher), &path).await.json(),
        serde_json::json!([])
    );
    let first = server
        .get(
            Some(&teacher),
            &format!("/api/schools/{ROOSEVELT}/export?format=csv"),
        )
        .await
        .export_id(ROOSEVELT);
    let second = server
        .get(
            Some(&teacher),
            &format!("/api/schools/{ROOSEVELT}/export?format=xlsx"),
        )
        .await
        .export_id(ROOSEVELT);
    let list = server.get(Some(&teacher), &path).await.json();
    let ids: Vec<&str> = list
        .as_array()
        .expect("list")
        .iter()
        .map(|e| e["id"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(ids, [second.as_str(), first.as_str()]);
    assert_eq!(list[0]["format"], "xlsx");
    // Another teacher of the school does not see them; a stranger to the school gets 404.
    assert_eq!(
        server.get(Some(&other), &path).await.json(),
        serde_json::json!([])
    );
    let lincoln = server
        .get(Some(&other), &format!("/api/schools/{LINCOLN}/exports"))
        .await;
    assert_eq!(lincoln.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn seeding_twice_keeps_one_roster_and_renews_the_passwords() {
    let server = Server::demo().await;
    let again = rollcall_server::demo::seed(&server.state.store, rollcall_server::demo::STUDENTS)
        .await
        .expect("seed");
    assert_ne!(again, server.passwords);
    assert_eq!(
        server
            .state
            .store
            .students(LINCOLN)
            .await
            .expect("students")
            .len(),
        60
    );
    assert_eq!(
        server
            .state
            .store
            .students(ROOSEVELT)
            .await
            .expect("students")
            .len(),
        60
    );
}
