//! Signing in and out: the cookie, wrong passwords, the brake, malformed bodies.

use super::*;

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
