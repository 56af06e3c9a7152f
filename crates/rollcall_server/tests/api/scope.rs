//! School scope: another school's routes are 404, every route needs a session and unsafe ones
//! the CSRF token.

use super::*;

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
