//! Reverting an upload: every field and class membership it changed is put back on the students
//! who still hold what it set, as a new upload through the queue; a student changed since is
//! `stale-row` and keeps her values; students it created are kept; a revert can be reverted;
//! after 30 days, or before the upload completed, or by another teacher, 409.

use std::time::Duration;

use rollcall_server::Clock;

use super::*;

const DAY: Duration = Duration::from_secs(24 * 60 * 60);

/// What the roster says of each student that an upload can change, in roster order.
async fn roster(server: &Server, who: &SignedIn) -> Vec<[String; 7]> {
    let reply = server
        .get(Some(who), &format!("/api/schools/{LINCOLN}/roster"))
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let json = reply.json();
    let students = json["students"].as_array().or(json.as_array()).cloned();
    students
        .expect("students")
        .iter()
        .map(|s| {
            let text = |key: &str| s[key].as_str().unwrap_or_default().to_owned();
            let classes: Vec<String> = s["classes"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|c| c.as_str().unwrap_or_default().to_owned())
                .collect();
            [
                text("guid"),
                text("student_id"),
                text("first_name"),
                text("last_name"),
                text("grade"),
                text("username"),
                classes.join("; "),
            ]
        })
        .collect()
}

/// Posts `edited` as a change-set against `original`, its guards confirmed; waits for it.
async fn upload(
    server: &Server,
    who: &SignedIn,
    edited: &[u8],
    original: &[u8],
    id: &str,
) -> serde_json::Value {
    let mut set = change_set(edited, original, id);
    set.confirm = vec!["mass-change".to_owned(), "mass-create".to_owned()];
    let found = rollcall_server::upload::change_set_guards(&set, 60);
    set.confirm
        .retain(|code| found.iter().any(|d| d.code().as_str() == code));
    let reply = server
        .post_json(
            who,
            &format!("/api/schools/{LINCOLN}/uploads?file_name=edited.csv"),
            serde_json::to_value(&set).expect("json"),
        )
        .await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text());
    let id = reply.json()["id"].as_str().expect("id").to_owned();
    server.wait_for(who, LINCOLN, &id).await
}

async fn revert(server: &Server, who: &SignedIn, id: &str) -> common::Reply {
    server
        .post_json(
            who,
            &format!("/api/schools/{LINCOLN}/uploads/{id}/revert"),
            serde_json::json!({}),
        )
        .await
}

/// Reverts `id` and waits for the revert.
async fn reverted(server: &Server, who: &SignedIn, id: &str) -> serde_json::Value {
    let reply = revert(server, who, id).await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text());
    let revert = reply.json()["id"].as_str().expect("id").to_owned();
    server.wait_for(who, LINCOLN, &revert).await
}

/// The export with its Last Name column sorted on its own (every other column left as it
/// was), classes moved for the first three students and one student added.
fn scrambled(original: &[u8]) -> Vec<u8> {
    let rows = common::csv_records(original);
    let mut last: Vec<String> = rows.iter().map(|r| r[3].clone()).collect();
    last.sort();
    let mut cells: Vec<(usize, usize, String)> = last
        .into_iter()
        .enumerate()
        .map(|(i, name)| (i + 1, 3, name))
        .collect();
    cells.push((1, 7, "Math 3; Science Club".to_owned()));
    cells.push((2, 7, String::new()));
    cells.push((3, 7, "Reading Group B".to_owned()));
    cells.push((4, 4, "05".to_owned()));
    let cells: Vec<(usize, usize, &str)> =
        cells.iter().map(|(r, c, v)| (*r, *c, v.as_str())).collect();
    edit(original, &cells, &[",,Nell,Newcomer,03,,,Math 3"])
}

#[tokio::test]
async fn a_revert_puts_back_every_field_and_class_of_a_mass_rename() {
    let server = Server::demo().await;
    let teacher = server.sign_in(TEACHER).await;
    let (_, original) = export(&server, &teacher).await;
    let before = roster(&server, &teacher).await;
    let done = upload(
        &server,
        &teacher,
        &scrambled(&original),
        &original,
        "00000000-0000-4000-8000-0000000ee001",
    )
    .await;
    assert_eq!(done["status"], "Completed", "{done}");
    let after = roster(&server, &teacher).await;
    assert_eq!(after.len(), 61);
    let changed = before.iter().zip(&after).filter(|(b, a)| b != a).count();
    assert!(changed > 40, "the scramble changed {changed} students");
    let upload_id = done["id"].as_str().expect("id").to_owned();
    let entry = done["revertible_until"].as_str().expect("revertible");
    assert!(entry > done["finished_at"].as_str().expect("finished"));

    let undone = reverted(&server, &teacher, &upload_id).await;
    assert_eq!(undone["status"], "Completed", "{undone}");
    assert_eq!(undone["reverts"], upload_id.as_str());
    assert_eq!(undone["file_name"], "Revert of edited.csv");
    assert_eq!(undone["counts"]["kept"], 1, "{undone}");
    assert_eq!(undone["counts"]["failed"], 0);
    assert_eq!(undone["counts"]["updated"], changed as u64);
    let restored = roster(&server, &teacher).await;
    assert_eq!(restored[..60], before[..], "the roster is as it was");
    assert_eq!(
        restored[60][2..4],
        ["Nell".to_owned(), "Newcomer".to_owned()]
    );

    // The original now names its revert and can no longer be reverted; a second click gets
    // the same revert.
    let first = server
        .get(
            Some(&teacher),
            &format!("/api/schools/{LINCOLN}/uploads/{upload_id}"),
        )
        .await
        .json();
    assert_eq!(first["reverted_by"], undone["id"]);
    assert!(first.get("revertible_until").is_none(), "{first}");
    let again = revert(&server, &teacher, &upload_id).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.json()["id"], undone["id"]);

    // The revert's Completed File says which students were put back and which kept.
    let revert_id = undone["id"].as_str().expect("id");
    let file = server
        .get(
            Some(&teacher),
            &format!("/api/schools/{LINCOLN}/uploads/{revert_id}/files/completed?format=csv"),
        )
        .await;
    let rows = csv_rows(&file.body);
    assert_eq!(rows[0].last().map(String::as_str), Some("Revert"));
    assert_eq!(rows.len() - 1, changed + 1);
    let kept: Vec<&Vec<String>> = rows.iter().filter(|r| r[8].starts_with("Kept")).collect();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0][2], "Nell");

    // A revert of the revert puts the upload's values back again.
    let redone = reverted(&server, &teacher, revert_id).await;
    assert_eq!(redone["status"], "Completed", "{redone}");
    assert_eq!(roster(&server, &teacher).await, after);
}

#[tokio::test]
async fn a_student_changed_since_is_stale_and_keeps_her_values() {
    let server = Server::demo().await;
    let teacher = server.sign_in(TEACHER).await;
    let (_, original) = export(&server, &teacher).await;
    let before = roster(&server, &teacher).await;
    let edited = edit(
        &original,
        &[
            (1, 2, "Renamed1"),
            (2, 2, "Renamed2"),
            // Student 3 is in Math 3 only.
            (3, 7, "Homeroom 3A"),
            (4, 4, "05"),
        ],
        &[],
    );
    let done = upload(
        &server,
        &teacher,
        &edited,
        &original,
        "00000000-0000-4000-8000-0000000ee002",
    )
    .await;
    assert_eq!(done["status"], "Completed", "{done}");
    // Since then: student 1's first name and student 3's classes changed again.
    let (_, now) = export(&server, &teacher).await;
    let again = edit(&now, &[(1, 2, "Later"), (3, 7, "Reading Group B")], &[]);
    let later = upload(
        &server,
        &teacher,
        &again,
        &now,
        "00000000-0000-4000-8000-0000000ee003",
    )
    .await;
    assert_eq!(later["status"], "Completed", "{later}");

    let id = done["id"].as_str().expect("id");
    let undone = reverted(&server, &teacher, id).await;
    assert_eq!(undone["status"], "Completed with Errors", "{undone}");
    let failed: Vec<(u64, String)> = undone["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter(|r| r["state"] == "failed")
        .map(|r| {
            let code = r["errors"][0]["code"].as_str().unwrap_or_default();
            (r["row"].as_u64().expect("row"), code.to_owned())
        })
        .collect();
    assert_eq!(
        failed,
        [(2, "stale-row".to_owned()), (4, "stale-row".to_owned())]
    );
    let restored = roster(&server, &teacher).await;
    assert_eq!(restored[0][2], "Later", "changed since: kept");
    assert_eq!(restored[2][6], "Reading Group B", "changed since: kept");
    assert_eq!(restored[1], before[1], "put back");
    assert_eq!(restored[3], before[3], "put back");

    // The Error File lists the stale rows with their messages.
    let file = server
        .get(
            Some(&teacher),
            &format!(
                "/api/schools/{LINCOLN}/uploads/{}/files/error?format=csv",
                undone["id"].as_str().expect("id")
            ),
        )
        .await;
    let rows = csv_rows(&file.body);
    assert_eq!(rows.len(), 3);
    assert!(
        rows[1].last().is_some_and(|m| m.contains("changed")),
        "{rows:?}"
    );
}

#[tokio::test]
async fn a_revert_is_refused_after_30_days_before_completion_and_to_others() {
    let start = humantime::parse_rfc3339("2026-09-01T08:00:00Z").expect("time");
    let clock = Clock::fixed(start);
    let mut server = Server::demo_with_clock(clock.clone()).await;
    server
        .add_teacher("second", "second@demo.school", &[LINCOLN])
        .await;
    let teacher = server.sign_in(TEACHER).await;
    let second = server.sign_in("second@demo.school").await;
    let (_, original) = export(&server, &teacher).await;
    let edited = edit(&original, &[(1, 2, "Renamed1")], &[]);
    let done = upload(
        &server,
        &teacher,
        &edited,
        &original,
        "00000000-0000-4000-8000-0000000ee004",
    )
    .await;
    let id = done["id"].as_str().expect("id");
    assert_eq!(done["revertible_until"], "2026-10-01T08:00:00Z", "{done}");

    // Another teacher of the school: the classes it changed are not hers.
    let reply = revert(&server, &second, id).await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.text());
    assert_eq!(reply.error_code(), "conflict");
    // Another school, or no such upload: 404.
    let reply = server
        .post_json(
            &teacher,
            &format!("/api/schools/{ROOSEVELT}/uploads/{id}/revert"),
            serde_json::json!({}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let reply = revert(&server, &teacher, "no-such-upload").await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);

    // 30 days and a second after it ended: too old, in either language.
    clock.set(start + 30 * DAY + Duration::from_secs(1));
    // (Her session ended meanwhile.)
    let teacher = server.sign_in(TEACHER).await;
    let reply = revert(&server, &teacher, id).await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.text());
    assert_eq!(reply.error_code(), "conflict");
    let message = reply.json()["error"]["message"].clone();
    assert!(
        message
            .as_str()
            .is_some_and(|m| m.contains("reverted for 30 days")),
        "{message}"
    );
    let spanish = server
        .send(
            axum::http::Request::post(format!("/api/schools/{LINCOLN}/uploads/{id}/revert"))
                .header(header::COOKIE, &teacher.cookie)
                .header("x-csrf-token", &teacher.csrf)
                .header(header::ACCEPT_LANGUAGE, "es")
                .body(axum::body::Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(spanish.status, StatusCode::CONFLICT);
    let message = spanish.json()["error"]["message"].clone();
    assert!(
        message.as_str().is_some_and(|m| m.contains("30 días")),
        "{message}"
    );

    // Within the 30 days it is put back; the audit table names who reverted what.
    clock.set(start + 30 * DAY - Duration::from_secs(60));
    let teacher = server.sign_in(TEACHER).await;
    let undone = reverted(&server, &teacher, id).await;
    assert_eq!(undone["status"], "Completed", "{undone}");
    let audit = server.state.store.audit_entries().await.expect("audit");
    let revert_id = undone["id"].as_str().expect("id");
    assert!(
        audit.iter().any(|e| e.kind == "revert"
            && e.detail.as_deref() == Some(&format!("{revert_id} reverts {id}"))),
        "{audit:?}"
    );
}

#[tokio::test]
async fn an_upload_not_completed_cannot_be_reverted() {
    let server = Server::demo_stopped(Duration::from_secs(10)).await;
    let teacher = server.sign_in(TEACHER).await;
    let (_, original) = export(&server, &teacher).await;
    let set = change_set(
        &edit(&original, &[(1, 2, "Renamed1")], &[]),
        &original,
        "00000000-0000-4000-8000-0000000ee005",
    );
    let reply = server
        .post_json(
            &teacher,
            &format!("/api/schools/{LINCOLN}/uploads"),
            serde_json::to_value(&set).expect("json"),
        )
        .await;
    assert_eq!(reply.status, StatusCode::ACCEPTED);
    let id = reply.json()["id"].as_str().expect("id").to_owned();
    // The queue is not running: the upload is still Queued.
    let reply = revert(&server, &teacher, &id).await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.text());
    assert_eq!(reply.error_code(), "conflict");
    let entry = server
        .get(
            Some(&teacher),
            &format!("/api/schools/{LINCOLN}/uploads/{id}"),
        )
        .await
        .json();
    assert!(entry.get("revertible_until").is_none(), "{entry}");
}
