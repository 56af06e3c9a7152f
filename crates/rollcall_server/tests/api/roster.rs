//! The username check and the demo seed.

use super::*;

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
