//! Sessions: one ended when another starts from it, expired ones purged, a teacher's others
//! ended by a password change.

use super::*;

#[tokio::test]
async fn signing_in_ends_the_session_it_was_sent_with_and_purges_expired_ones() {
    let server = Server::demo().await;
    let first = server.sign_in(TEACHER).await;
    let teacher_id = server.get(Some(&first), "/api/session").await.json()["teacher"]["id"]
        .as_str()
        .expect("teacher id")
        .to_owned();
    let now = server.state.store.clock().unix_seconds();
    server
        .state
        .store
        .insert_session("expired-session", &teacher_id, "csrf", now - 10)
        .await
        .expect("insert");

    let again = sign_in_with(
        &server,
        TEACHER,
        &server.password(TEACHER),
        &[("cookie", first.cookie.as_str())],
    )
    .await;
    assert_eq!(again.status, StatusCode::OK);
    assert_ne!(cookie_of(&again), first.cookie);
    assert_eq!(
        server.get(Some(&first), "/api/session").await.status,
        StatusCode::UNAUTHORIZED,
        "the session the browser sent still works"
    );
    let expired: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE expires_at <= $1")
        .bind(now)
        .fetch_one(server.state.store.pool())
        .await
        .expect("count");
    assert_eq!(expired, 0);
}

#[tokio::test]
async fn a_password_change_ends_the_teachers_other_sessions() {
    // There is no route for a teacher's password yet: the store function is what one will call.
    let server = Server::demo().await;
    let here = server.sign_in(TEACHER).await;
    let elsewhere = server.sign_in(TEACHER).await;
    let other_teacher = server.sign_in(OTHER).await;
    let teacher_id = server.get(Some(&here), "/api/session").await.json()["teacher"]["id"]
        .as_str()
        .expect("teacher id")
        .to_owned();
    let token = here.cookie.split_once('=').expect("cookie").1;
    let hash = auth::hash_password("Brand-New-Passw0rd").expect("hash");
    server
        .state
        .store
        .set_teacher_password(&teacher_id, &hash, Some(&auth::token_hash(token)))
        .await
        .expect("set password");
    for (who, status) in [
        (&here, StatusCode::OK),
        (&elsewhere, StatusCode::UNAUTHORIZED),
        (&other_teacher, StatusCode::OK),
    ] {
        assert_eq!(server.get(Some(who), "/api/session").await.status, status);
    }
    let now = server.state.store.clock().unix_seconds();
    assert_eq!(
        server
            .state
            .store
            .session_count(&teacher_id, now)
            .await
            .expect("count"),
        1
    );
    assert_eq!(
        server
            .sign_in_as(TEACHER, "Brand-New-Passw0rd")
            .await
            .status,
        StatusCode::OK
    );
}
