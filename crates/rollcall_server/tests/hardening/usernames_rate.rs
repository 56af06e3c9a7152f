//! The `usernames` rate: thirty requests a minute per teacher.

use super::*;

#[tokio::test]
async fn usernames_is_limited_to_thirty_requests_a_minute_per_teacher() {
    let server = Server::demo().await;
    let teacher = server.sign_in(TEACHER).await;
    let other = server.sign_in(OTHER).await;
    let body = serde_json::json!({"usernames": ["someone"]});
    for _ in 0..30 {
        let reply = server
            .post_json(
                &teacher,
                &format!("/api/schools/{LINCOLN}/usernames"),
                body.clone(),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    }
    let refused = server
        .post_json(
            &teacher,
            &format!("/api/schools/{LINCOLN}/usernames"),
            body.clone(),
        )
        .await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(refused.error_code(), "too-many-requests");
    let wait: u64 = refused
        .header(header::RETRY_AFTER)
        .parse()
        .expect("Retry-After");
    assert!((1..=60).contains(&wait), "{wait}");
    // Another teacher has a rate of her own.
    let roosevelt = rollcall_server::demo::ROOSEVELT;
    let theirs = server
        .post_json(&other, &format!("/api/schools/{roosevelt}/usernames"), body)
        .await;
    assert_eq!(theirs.status, StatusCode::OK);
}
