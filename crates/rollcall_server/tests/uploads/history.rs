//! The Upload History in pages, and the times it shows: every one comes from the server's
//! clock, which these tests fix.

use rollcall_protocol::{HISTORY_PAGE_SIZE, TOTAL_COUNT_HEADER};
use rollcall_server::testing::fixed_clock;

use super::*;

/// Posts an empty change-set named `name` to `school`; returns the upload's id.
async fn post_empty(server: &Server, who: &SignedIn, school: &str, name: &str) -> String {
    let set = serde_json::json!({
        "id": uuid::Uuid::new_v4().to_string(),
        "school": school,
        "created_at": "2026-03-02T08:00:00Z",
        "ops": [],
    });
    let reply = server
        .post_json(
            who,
            &format!("/api/schools/{school}/uploads?file_name={name}"),
            set,
        )
        .await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text());
    reply.json()["id"].as_str().expect("id").to_owned()
}

/// One page of Lincoln's history: its entries' ids and the total it announces.
async fn history_page(server: &Server, who: &SignedIn, query: &str) -> (Vec<String>, String) {
    let reply = server
        .get(Some(who), &format!("/api/schools/{LINCOLN}/uploads{query}"))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{query}: {}", reply.text());
    let ids = reply
        .json()
        .as_array()
        .expect("an array")
        .iter()
        .map(|entry| entry["id"].as_str().expect("id").to_owned())
        .collect();
    (
        ids,
        reply.header(TOTAL_COUNT_HEADER.try_into().expect("a header")),
    )
}

#[tokio::test]
async fn the_history_comes_in_pages_of_fifty_newest_first() {
    // Not started: the uploads stay queued, and only the history is read.
    let clock = fixed_clock();
    let server =
        Server::demo_stopped_with_clock(std::time::Duration::from_secs(10), clock.clone()).await;
    let teacher = server.sign_in(TEACHER).await;
    let mut posted = Vec::new();
    for n in 0..120 {
        // Several uploads each second: the order stored breaks the ties.
        if n % 7 == 0 {
            clock.advance(std::time::Duration::from_secs(1));
        }
        posted.push(post_empty(&server, &teacher, LINCOLN, &format!("upload-{n}.csv")).await);
    }
    // Another school's uploads are not Lincoln's.
    post_empty(&server, &teacher, ROOSEVELT, "roosevelt.csv").await;
    let newest_first: Vec<String> = posted.into_iter().rev().collect();

    let (first, total) = history_page(&server, &teacher, "").await;
    assert_eq!(total, "120");
    let mut seen = Vec::new();
    for (page, size) in [(1, 50), (2, 50), (3, 20)] {
        let (ids, total) = history_page(&server, &teacher, &format!("?page={page}")).await;
        assert_eq!(ids.len(), size, "page {page}");
        assert_eq!(total, "120", "page {page}");
        seen.extend(ids);
    }
    assert_eq!(
        seen, newest_first,
        "pages 1 to 3 hold every upload once, in order"
    );
    assert_eq!(
        first,
        seen[..HISTORY_PAGE_SIZE as usize],
        "no page is page 1"
    );
    let (past_the_end, total) = history_page(&server, &teacher, "?page=4").await;
    assert!(past_the_end.is_empty(), "{past_the_end:?}");
    assert_eq!(total, "120");

    for bad in ["0", "-1", "two", "", "1.5", "99999999999"] {
        let reply = server
            .get(
                Some(&teacher),
                &format!("/api/schools/{LINCOLN}/uploads?page={bad}"),
            )
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "page={bad}");
        assert_eq!(reply.error_code(), "bad-request", "page={bad}");
    }
}

#[tokio::test]
async fn every_time_the_server_shows_is_its_clocks() {
    let clock = fixed_clock();
    let server =
        Server::demo_stopped_with_clock(std::time::Duration::from_secs(10), clock.clone()).await;
    let teacher = server.sign_in(TEACHER).await;

    // The export, at the fixed time (to the second).
    let (export_id, original) = export(&server, &teacher).await;
    let exports = server
        .get(Some(&teacher), &format!("/api/schools/{LINCOLN}/exports"))
        .await
        .json();
    assert_eq!(exports[0]["id"], export_id.as_str());
    assert_eq!(exports[0]["created_at"], "2026-03-02T08:15:30Z");

    // An upload stored an hour later and finished five minutes after that.
    clock.advance(std::time::Duration::from_secs(60 * 60));
    let edited = edit(&original, &[], &[",,Tia,Time,03,,"]);
    let set = change_set(&edited, &original, "7a0c6b1e-5d4f-4c3b-9a2e-1f0e9d8c7b6a");
    let reply = server
        .post_json(
            &teacher,
            &format!("/api/schools/{LINCOLN}/uploads"),
            serde_json::to_value(&set).expect("json"),
        )
        .await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text());
    let id = reply.json()["id"].as_str().expect("id").to_owned();
    clock.advance(std::time::Duration::from_secs(5 * 60));
    server.state.start_worker();
    let done = server.wait_for(&teacher, LINCOLN, &id).await;
    assert_eq!(done["status"], "Completed", "{done}");

    let history = server
        .get(Some(&teacher), &format!("/api/schools/{LINCOLN}/uploads"))
        .await
        .json();
    assert_eq!(history[0]["id"], id.as_str());
    assert_eq!(history[0]["created_at"], "2026-03-02T09:15:30Z");
    assert_eq!(history[0]["finished_at"], "2026-03-02T09:20:30Z");

    // The new student's temporary password lasts 90 days from when the row was applied.
    let guid = done["rows"][0]["guid"].as_str().expect("a new student");
    let (_, temporary, expires) = server
        .state
        .store
        .student_password(guid)
        .await
        .expect("read")
        .expect("the student");
    assert!(temporary);
    assert_eq!(expires.as_deref(), Some("2026-05-31T09:20:30Z"));

    // The queue's claim, in milliseconds, and the sign-in in the audit table.
    let claims = server.state.store.upload_claims(&id).await.expect("claims");
    assert_eq!(claims.len(), 1, "{claims:?}");
    assert_eq!(claims[0].claimed_at, clock.unix_millis());
    assert_eq!(claims[0].until, clock.unix_millis());
    let audit = server.state.store.audit_entries().await.expect("audit");
    assert_eq!(audit[0].kind, "sign-in");
    assert_eq!(audit[0].at, "2026-03-02T08:15:30.250Z");
}

/// Rows are read into typed records: a status no enum knows (a damaged database) is an error the
/// API answers 500, not a panic.
#[tokio::test]
async fn a_damaged_status_is_an_error_not_a_panic() {
    let server =
        Server::demo_stopped_with_clock(std::time::Duration::from_secs(10), fixed_clock()).await;
    let teacher = server.sign_in(TEACHER).await;
    let id = post_empty(&server, &teacher, LINCOLN, "damaged.csv").await;
    sqlx::query("UPDATE uploads SET status = 'Done' WHERE id = $1")
        .bind(&id)
        .execute(server.state.store.pool())
        .await
        .expect("damage");
    let read = server.state.store.uploads(LINCOLN).await;
    assert!(
        matches!(read, Err(sqlx::Error::ColumnDecode { ref index, .. }) if index.contains("status")),
        "{read:?}"
    );
    let reply = server
        .get(Some(&teacher), &format!("/api/schools/{LINCOLN}/uploads"))
        .await;
    assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(reply.error_code(), "internal");
}
