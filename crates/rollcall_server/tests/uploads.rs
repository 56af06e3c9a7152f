//! Uploads end to end through `app(state).oneshot`: change-sets and files are stored, queued,
//! re-checked with the rule engine against the current roster and applied; the Upload History
//! and its three files; replays, stale rows, bad input and school scope.

mod common;

use axum::http::{StatusCode, header};
use common::{Server, SignedIn};
use rollcall_core::{Input, Options};
use rollcall_server::demo::{LINCOLN, OTHER, ROOSEVELT, TEACHER};

const SECRET: &str = "Sunflower!Garden42";

/// Exports Lincoln as CSV: (export id, bytes).
async fn export(server: &Server, who: &SignedIn) -> (String, Vec<u8>) {
    let reply = server
        .get(
            Some(who),
            &format!("/api/schools/{LINCOLN}/export?format=csv"),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    (reply.export_id(LINCOLN), reply.body)
}

/// Replaces cells of the CSV: (data line index from 1, column, value); appends extra lines.
fn edit(csv: &[u8], cells: &[(usize, usize, &str)], extra: &[&str]) -> Vec<u8> {
    let text = String::from_utf8(csv.to_vec()).expect("utf-8");
    let mut lines: Vec<Vec<String>> = text
        .lines()
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect();
    for (line, column, value) in cells {
        lines[*line][*column] = (*value).to_owned();
    }
    let mut out: Vec<String> = lines.iter().map(|l| l.join(",")).collect();
    out.extend(extra.iter().map(|l| (*l).to_owned()));
    (out.join("\r\n") + "\r\n").into_bytes()
}

/// What the page does: check the edited file against the export and take its change-set.
fn change_set(edited: &[u8], original: &[u8], id: &str) -> rollcall_core::ChangeSet {
    let (_, set) = rollcall_core::change_set(
        Input::new(edited, Some("edited.csv")),
        Input::new(original, Some("export.csv")),
        LINCOLN,
        id,
        "2026-11-22T10:00:00Z",
        &Options::default(),
    );
    set
}

fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let mut reader = csv::Reader::from_reader(bytes);
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_owned)
        .collect();
    let mut rows = vec![header];
    rows.extend(
        reader
            .records()
            .map(|r| r.expect("record").iter().map(str::to_owned).collect()),
    );
    rows
}

#[tokio::test]
async fn a_change_set_is_queued_rechecked_applied_and_its_three_files_downloaded() {
    let server = Server::demo().await;
    let teacher = server.sign_in(TEACHER).await;
    let (_, original) = export(&server, &teacher).await;
    let edited = edit(
        &original,
        &[(1, 2, "Gracie"), (2, 6, SECRET)],
        &[",,Li,Wu,03,,", ",,Ana,Wu,04,ana.wu.new,"],
    );
    let mut set = change_set(&edited, &original, "3f1e1a52-9c1b-4b7e-8a57-2b8f4c1d9e10");
    assert_eq!(set.ops.len(), 4, "{set:?}");
    // A row the page would never send: the server must still refuse it.
    let guid3 = csv_rows(&original)[3][0].clone();
    set.ops.push(rollcall_core::Op::Update {
        row: rollcall_core::SheetRow::new(4),
        guid: guid3,
        base: None,
        set: [(rollcall_core::Field::Grade, "Z9".to_owned())]
            .into_iter()
            .collect(),
    });
    set.ops.sort_by_key(|op| match op {
        rollcall_core::Op::Update { row, .. } | rollcall_core::Op::Create { row, .. } => *row,
    });
    let reply = server
        .post_json(
            &teacher,
            &format!("/api/schools/{LINCOLN}/uploads"),
            serde_json::to_value(&set).expect("json"),
        )
        .await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text());
    assert_eq!(reply.json()["status"], "Queued");
    let id = reply.json()["id"].as_str().expect("id").to_owned();
    let done = server.wait_for(&teacher, LINCOLN, &id).await;
    assert_eq!(done["status"], "Completed with Errors", "{done}");
    assert_eq!(
        done["counts"],
        serde_json::json!({"rows": 5, "applied": 4, "created": 2, "updated": 2, "failed": 1})
    );
    let failed: Vec<&serde_json::Value> = done["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter(|r| r["state"] == "failed")
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["row"], 4);
    assert_eq!(failed[0]["errors"][0]["code"], "invalid-grade");
    assert!(!done.to_string().contains(SECRET));

    // The roster changed.
    let roster = server
        .get(Some(&teacher), &format!("/api/schools/{LINCOLN}/roster"))
        .await
        .json();
    let roster = roster.as_array().expect("roster");
    assert_eq!(roster.len(), 62);
    assert_eq!(roster[0]["first_name"], "Gracie");
    let li = roster
        .iter()
        .find(|s| s["first_name"] == "Li")
        .expect("Li Wu created");
    assert_eq!(li["username"], "li.wu");
    assert_eq!(li["grade"], "03");
    let ana = roster
        .iter()
        .find(|s| s["first_name"] == "Ana")
        .expect("Ana Wu created");
    assert_eq!(ana["username"], "ana.wu.new");
    // Row 3's new password is stored as an Argon2id hash.
    let guid2 = csv_rows(&original)[2][0].clone();
    let (hash, temporary, _) = server
        .state
        .store
        .student_password(&guid2)
        .await
        .expect("store")
        .expect("student");
    let hash = hash.expect("hash");
    assert!(
        hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{hash}"
    );
    assert!(rollcall_server::auth::verify_password(&hash, SECRET));
    assert!(!temporary);

    // Uploaded File: every row as uploaded, no password anywhere.
    let files = format!("/api/schools/{LINCOLN}/uploads/{id}/files");
    let uploaded = server
        .get(Some(&teacher), &format!("{files}/uploaded?format=csv"))
        .await;
    assert_eq!(uploaded.status, StatusCode::OK);
    let rows = csv_rows(&uploaded.body);
    assert_eq!(rows.len(), 6);
    assert!(rows[1..].iter().all(|r| r[6].is_empty()));
    assert!(!uploaded.text().contains(SECRET));
    // Completed File: the applied rows with GUIDs; Li's temporary password, only here.
    let completed = csv_rows(
        &server
            .get(Some(&teacher), &format!("{files}/completed?format=csv"))
            .await
            .body,
    );
    assert_eq!(completed.len(), 5);
    let li_row = completed
        .iter()
        .find(|r| r[2] == "Li")
        .expect("Li in the Completed File");
    assert_eq!(li_row[0], li["guid"].as_str().expect("guid"));
    assert_eq!(li_row[5], "li.wu");
    let temporary_password = li_row[6].clone();
    assert_eq!(temporary_password.len(), 19, "{temporary_password}");
    let (li_hash, li_temporary, li_expires) = server
        .state
        .store
        .student_password(li_row[0].as_str())
        .await
        .expect("store")
        .expect("student");
    assert!(rollcall_server::auth::verify_password(
        &li_hash.expect("hash"),
        &temporary_password
    ));
    assert!(li_temporary);
    assert!(li_expires.is_some());
    assert!(completed.iter().all(|r| !r.contains(&SECRET.to_owned())));
    // Error File: the failed row with the Error column at the far right.
    let error = csv_rows(
        &server
            .get(Some(&teacher), &format!("{files}/error?format=csv"))
            .await
            .body,
    );
    assert_eq!(error[0].last().map(String::as_str), Some("Error"));
    assert_eq!(error.len(), 2);
    assert!(error[1][7].contains("Z9"), "{:?}", error[1]);
    // XLSX downloads read back with the rule engine.
    let xlsx = server
        .get(Some(&teacher), &format!("{files}/completed?format=xlsx"))
        .await;
    let report = rollcall_core::check(
        Input::new(&xlsx.body, Some("completed.xlsx")),
        None,
        &Options::default(),
    );
    assert_eq!(report.summary.rows, 4);

    // Nothing left to apply holds a password.
    let ops: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM upload_rows WHERE op IS NOT NULL")
        .fetch_one(server.state.store.pool())
        .await
        .expect("count");
    assert_eq!(ops, 0);
    let stored: Vec<String> = sqlx::query_scalar("SELECT cells FROM upload_rows")
        .fetch_all(server.state.store.pool())
        .await
        .expect("cells");
    assert!(stored.iter().all(|c| !c.contains(SECRET)));

    // History, newest first.
    let history = server
        .get(Some(&teacher), &format!("/api/schools/{LINCOLN}/uploads"))
        .await
        .json();
    assert_eq!(history[0]["id"], id.as_str());
    assert_eq!(history[0]["status"], "Completed with Errors");

    // A replay returns the first result and changes nothing.
    let replay = server
        .post_json(
            &teacher,
            &format!("/api/schools/{LINCOLN}/uploads"),
            serde_json::to_value(&set).expect("json"),
        )
        .await;
    assert_eq!(replay.status, StatusCode::OK);
    assert_eq!(
        replay.json(),
        serde_json::json!({"id": id, "status": "Completed with Errors"})
    );
    let after = server
        .get(Some(&teacher), &format!("/api/schools/{LINCOLN}/roster"))
        .await
        .json();
    assert_eq!(after.as_array().map(Vec::len), Some(62));
    let history = server
        .get(Some(&teacher), &format!("/api/schools/{LINCOLN}/uploads"))
        .await
        .json();
    assert_eq!(history.as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn two_change_sets_for_the_same_student_one_wins_the_other_is_stale() {
    let server = Server::demo().await;
    let teacher = server.sign_in(TEACHER).await;
    let (_, original) = export(&server, &teacher).await;
    let first = change_set(
        &edit(&original, &[(5, 2, "Alpha")], &[]),
        &original,
        "00000000-0000-4000-8000-000000000001",
    );
    let second = change_set(
        &edit(&original, &[(5, 2, "Beta")], &[]),
        &original,
        "00000000-0000-4000-8000-000000000002",
    );
    let path = format!("/api/schools/{LINCOLN}/uploads");
    let a = server
        .post_json(&teacher, &path, serde_json::to_value(&first).expect("json"))
        .await;
    let b = server
        .post_json(
            &teacher,
            &path,
            serde_json::to_value(&second).expect("json"),
        )
        .await;
    let a = server
        .wait_for(&teacher, LINCOLN, a.json()["id"].as_str().expect("id"))
        .await;
    let b = server
        .wait_for(&teacher, LINCOLN, b.json()["id"].as_str().expect("id"))
        .await;
    assert_eq!(a["status"], "Completed");
    assert_eq!(b["status"], "Failed");
    assert_eq!(b["rows"][0]["errors"][0]["code"], "stale-row");
    assert!(
        b["rows"][0]["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("Export Students again")
    );
    let roster = server
        .get(Some(&teacher), &format!("/api/schools/{LINCOLN}/roster"))
        .await
        .json();
    assert_eq!(roster[4]["first_name"], "Alpha");
}

#[tokio::test]
async fn a_file_upload_applies_good_rows_and_its_error_file_is_fixed_and_reimported() {
    let server = Server::demo().await;
    let teacher = server.sign_in(TEACHER).await;
    let (_, original) = export(&server, &teacher).await;
    let edited = edit(
        &original,
        &[(1, 3, "Okafor-Smith"), (2, 4, "Grade Q")],
        &[",,Noor,Haddad,02,,"],
    );
    let path = format!("/api/schools/{LINCOLN}/uploads");
    let reply = server
        .post_file(&teacher, &path, "edited.csv", &edited)
        .await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text());
    let id = reply.json()["id"].as_str().expect("id").to_owned();
    let done = server.wait_for(&teacher, LINCOLN, &id).await;
    assert_eq!(done["status"], "Completed with Errors", "{done}");
    assert_eq!(done["counts"]["applied"], 2);
    assert_eq!(done["counts"]["failed"], 1);
    assert_eq!(done["file_name"], "edited.csv");

    // The teacher fixes the Error File and uploads it as it is.
    let error = server
        .get(
            Some(&teacher),
            &format!("{path}/{id}/files/error?format=csv"),
        )
        .await;
    let fixed = String::from_utf8(error.body)
        .expect("utf-8")
        .replace("Grade Q", "03");
    let again = server
        .post_file(&teacher, &path, "error-fixed.csv", fixed.as_bytes())
        .await;
    assert_eq!(again.status, StatusCode::ACCEPTED, "{}", again.text());
    let done = server
        .wait_for(&teacher, LINCOLN, again.json()["id"].as_str().expect("id"))
        .await;
    assert_eq!(done["status"], "Completed", "{done}");
    assert_eq!(done["counts"]["applied"], 1);
    let roster = server
        .get(Some(&teacher), &format!("/api/schools/{LINCOLN}/roster"))
        .await
        .json();
    assert_eq!(roster[1]["grade"], "03");
    assert_eq!(roster[0]["last_name"], "Okafor-Smith");
    assert!(
        roster
            .as_array()
            .expect("roster")
            .iter()
            .any(|s| s["first_name"] == "Noor")
    );

    // The same Error File re-imported as XLSX works too.
    let xlsx = server
        .get(
            Some(&teacher),
            &format!("{path}/{id}/files/error?format=xlsx"),
        )
        .await;
    let report = rollcall_core::check(
        Input::new(&xlsx.body, Some("error.xlsx")),
        None,
        &Options::default(),
    );
    assert_eq!(report.summary.rows, 1);
    assert!(
        report
            .diagnostics
            .iter()
            .all(|d| d.code().as_str() != "missing-column")
    );
}

#[tokio::test]
async fn bad_uploads_get_clear_errors_and_change_nothing() {
    let server = Server::demo().await;
    let teacher = server.sign_in(TEACHER).await;
    let (_, original) = export(&server, &teacher).await;
    let path = format!("/api/schools/{LINCOLN}/uploads");
    let good = change_set(
        &edit(&original, &[(1, 2, "X")], &[]),
        &original,
        "00000000-0000-4000-8000-0000000000aa",
    );
    let mut json = serde_json::to_value(&good).expect("json");
    let cases: Vec<(serde_json::Value, &str)> = vec![
        (
            {
                let mut j = json.clone();
                j["extra"] = serde_json::json!(1);
                j
            },
            "Unknown field \"extra\"",
        ),
        (
            {
                let mut j = json.clone();
                j["ops"][0]["sett"] = serde_json::json!({});
                j
            },
            "Unknown field \"sett\"",
        ),
        (
            {
                let mut j = json.clone();
                j["school"] = serde_json::json!(ROOSEVELT);
                j
            },
            "not \"lincoln-elementary\"",
        ),
        (
            {
                let mut j = json.clone();
                j["id"] = serde_json::json!("not-a-uuid");
                j
            },
            "not a UUID",
        ),
        (
            {
                let mut j = json.clone();
                j["ops"][0]["row"] = serde_json::json!(1);
                j
            },
            "Row 1 is not a data row",
        ),
        (
            {
                let mut j = json.clone();
                let op = j["ops"][0].clone();
                j["ops"].as_array_mut().expect("ops").push(op);
                j
            },
            "appears twice",
        ),
        (
            {
                let mut j = json.clone();
                j["ops"][0]["op"] = serde_json::json!("delete");
                j
            },
            "malformed",
        ),
    ];
    for (body, message) in cases {
        let reply = server.post_json(&teacher, &path, body).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{message}: {}",
            reply.text()
        );
        assert!(
            reply.json()["error"]["message"]
                .as_str()
                .unwrap_or_default()
                .contains(message),
            "{message}: {}",
            reply.text()
        );
    }
    json["ops"] = serde_json::json!([]);
    let not_json = server
        .send(
            axum::http::Request::post(&path)
                .header(header::COOKIE, &teacher.cookie)
                .header("x-csrf-token", &teacher.csrf)
                .header(header::CONTENT_TYPE, "application/json")
                .body(axum::body::Body::from("{\"id\": "))
                .expect("request"),
        )
        .await;
    assert_eq!(not_json.status, StatusCode::BAD_REQUEST);
    // A file that fails a file-level rule is refused whole.
    let missing = server
        .post_file(&teacher, &path, "names.csv", b"Name,Class\nAda,3\n")
        .await;
    assert_eq!(
        missing.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        missing.text()
    );
    assert!(
        missing.json()["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("First Name")
    );
    // A zip bomb, and too many rows.
    let bomb = include_bytes!("../../../tests/fixtures/files/zip-bomb-xlsx/edited.xlsx");
    let refused = server.post_file(&teacher, &path, "edited.xlsx", bomb).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.text()
    );
    assert_eq!(refused.error_code(), "file-rejected");
    let mut many = String::from("First Name,Last Name,Grade Level\n");
    for i in 0..50_001 {
        many.push_str(&format!("A{i},B,03\n"));
    }
    let refused = server
        .post_file(&teacher, &path, "many.csv", many.as_bytes())
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.text()
    );
    assert!(
        refused.text().contains("50,000") || refused.text().contains("50000"),
        "{}",
        refused.text()
    );
    let mut huge = serde_json::to_value(&good).expect("json");
    let op = huge["ops"][0].clone();
    huge["ops"] = serde_json::Value::Array(
        (0..50_001)
            .map(|i| {
                let mut o = op.clone();
                o["row"] = serde_json::json!(i + 2);
                o
            })
            .collect(),
    );
    let refused = server.post_json(&teacher, &path, huge).await;
    assert_eq!(
        refused.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        refused.text()
    );
    // Too large.
    let big = vec![b'a'; 20 * 1024 * 1024 + 10];
    let large = server.post_file(&teacher, &path, "big.csv", &big).await;
    assert_eq!(
        large.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        large.text()
    );
    // Nothing was stored or changed.
    let history = server.get(Some(&teacher), &path).await.json();
    assert_eq!(history.as_array().map(Vec::len), Some(0));
    let roster = server
        .get(Some(&teacher), &format!("/api/schools/{LINCOLN}/roster"))
        .await
        .json();
    assert_ne!(roster[0]["first_name"], "X");
}

#[tokio::test]
async fn another_schools_teacher_cannot_reach_lincolns_uploads() {
    let server = Server::demo().await;
    let teacher = server.sign_in(TEACHER).await;
    let other = server.sign_in(OTHER).await;
    let (_, original) = export(&server, &teacher).await;
    let set = change_set(
        &edit(&original, &[(1, 2, "Zed")], &[]),
        &original,
        "00000000-0000-4000-8000-0000000000bb",
    );
    let path = format!("/api/schools/{LINCOLN}/uploads");
    let id = server
        .post_json(&teacher, &path, serde_json::to_value(&set).expect("json"))
        .await
        .json()["id"]
        .as_str()
        .expect("id")
        .to_owned();
    server.wait_for(&teacher, LINCOLN, &id).await;
    for route in [
        path.clone(),
        format!("{path}/{id}"),
        format!("{path}/{id}/files/uploaded?format=csv"),
        format!("{path}/{id}/files/completed?format=xlsx"),
        format!("{path}/{id}/files/error"),
    ] {
        let reply = server.get(Some(&other), &route).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{route}");
        assert_eq!(reply.error_code(), "not-found");
        assert_eq!(
            server.get(Some(&teacher), &route).await.status,
            StatusCode::OK,
            "{route}"
        );
    }
    let post = server
        .post_json(&other, &path, serde_json::to_value(&set).expect("json"))
        .await;
    assert_eq!(post.status, StatusCode::NOT_FOUND);
    let upload = server
        .post_file(&other, &path, "edited.csv", &original)
        .await;
    assert_eq!(upload.status, StatusCode::NOT_FOUND);
    // Lincoln's upload id is unknown under Roosevelt, even for a teacher of both.
    let cross = server
        .get(
            Some(&teacher),
            &format!("/api/schools/{ROOSEVELT}/uploads/{id}"),
        )
        .await;
    assert_eq!(cross.status, StatusCode::NOT_FOUND);
    // An unknown file name is 404 too.
    assert_eq!(
        server
            .get(Some(&teacher), &format!("{path}/{id}/files/secrets"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

/// Reads an update and, if it applies, writes it, as the worker does.
async fn update(
    tx: &mut sqlx::AnyConnection,
    school: &str,
    guid: &str,
    base: Option<&str>,
    set: &std::collections::BTreeMap<rollcall_core::Field, String>,
) -> Result<(), rollcall_server::store::apply::Conflict> {
    use rollcall_server::store::Store;
    use rollcall_server::store::apply::prepared;
    let found = Store::students_by_guid(tx, school, &[guid])
        .await
        .expect("query");
    let prepared = prepared(guid, found.into_values().next(), base, set)?;
    Store::write_update(tx, &prepared, None, "now")
        .await
        .expect("query")
}

#[tokio::test]
async fn a_row_that_collides_when_written_changes_nothing_and_says_why() {
    use rollcall_server::store::apply::Conflict;
    let server = Server::demo().await;
    let students = server
        .state
        .store
        .students(LINCOLN)
        .await
        .expect("students");
    let (first, second) = (&students[0], &students[1]);
    let mut tx = server.state.store.pool().begin().await.expect("begin");
    let set = [(
        rollcall_core::Field::Username,
        second.username.to_uppercase(),
    )]
    .into_iter()
    .collect();
    let applied = update(&mut tx, LINCOLN, &first.guid, None, &set).await;
    assert_eq!(
        applied,
        Err(Conflict::UsernameTaken(second.username.to_uppercase()))
    );
    let set = [(
        rollcall_core::Field::StudentId,
        second.student_id.clone().expect("id"),
    )]
    .into_iter()
    .collect();
    let applied = update(&mut tx, LINCOLN, &first.guid, None, &set).await;
    assert_eq!(
        applied,
        Err(Conflict::StudentIdTaken(
            second.student_id.clone().expect("id")
        ))
    );
    let stale = update(&mut tx, LINCOLN, &first.guid, Some("0000"), &set).await;
    assert!(matches!(stale, Err(Conflict::Stale(_))));
    let unknown = update(&mut tx, ROOSEVELT, &first.guid, None, &set).await;
    assert_eq!(unknown, Err(Conflict::UnknownGuid(first.guid.clone())));
    tx.commit().await.expect("commit");
    assert_eq!(
        server
            .state
            .store
            .students(LINCOLN)
            .await
            .expect("students"),
        students
    );
}

#[tokio::test]
async fn rows_messages_follow_the_teachers_language() {
    let server = Server::demo().await;
    let teacher = server.sign_in(TEACHER).await;
    let (_, original) = export(&server, &teacher).await;
    let edited = edit(&original, &[(2, 4, "Grade Q")], &[]);
    let path = format!("/api/schools/{LINCOLN}/uploads");
    let reply = server
        .post_file_with(
            &teacher,
            &path,
            "e.csv",
            &edited,
            &[(header::ACCEPT_LANGUAGE, "es-MX,es;q=0.9,en;q=0.5")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text());
    let done = server
        .wait_for(&teacher, LINCOLN, reply.json()["id"].as_str().expect("id"))
        .await;
    let message = done["rows"][0]["errors"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        message.starts_with("El grado") || message.contains("grado"),
        "{message}"
    );
}

/// Two requests that write at once: the second waits for the first instead of failing. A
/// transaction that read before the other one committed could not write at all ("database is
/// locked", at once): an upload failed that way when a second upload arrived mid-batch.
#[tokio::test]
async fn a_write_waits_for_another_writer_instead_of_failing() {
    let server = Server::demo().await;
    let store = server.state.store.clone();
    let mut tx = store.begin_write().await.expect("begin");
    let students: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM students")
        .fetch_one(&mut *tx)
        .await
        .expect("read");
    assert!(students > 0);
    let other = {
        let store = store.clone();
        tokio::spawn(async move {
            let mut other = store.begin_write().await?;
            sqlx::query("UPDATE students SET last_name = last_name || 'b'")
                .execute(&mut *other)
                .await?;
            other.commit().await
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    sqlx::query("UPDATE students SET first_name = first_name || 'a'")
        .execute(&mut *tx)
        .await
        .expect("a write after the read");
    tx.commit().await.expect("commit");
    other
        .await
        .expect("task")
        .expect("the other write, after this one");
}
