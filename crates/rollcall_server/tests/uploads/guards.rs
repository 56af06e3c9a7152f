//! The guards on the server: an upload that changes one field for too many students, or creates
//! too many, is refused with 409 `confirm-needed` (listing the guards) until it confirms them.

use super::*;

/// Lincoln's export with the first names of its first `count` students changed.
fn renamed(original: &[u8], count: usize) -> Vec<u8> {
    let names: Vec<String> = (1..=count).map(|i| format!("Renamed{i}")).collect();
    let cells: Vec<(usize, usize, &str)> = names
        .iter()
        .enumerate()
        .map(|(i, name)| (i + 1, 2, name.as_str()))
        .collect();
    edit(original, &cells, &[])
}

/// The number of uploads in Lincoln's history.
async fn history_len(server: &Server, who: &SignedIn) -> usize {
    let reply = server
        .get(Some(who), &format!("/api/schools/{LINCOLN}/uploads"))
        .await;
    reply.json().as_array().map_or(0, Vec::len)
}

async fn first_names(server: &Server, who: &SignedIn) -> Vec<String> {
    let reply = server
        .get(Some(who), &format!("/api/schools/{LINCOLN}/roster"))
        .await;
    let roster = reply.json();
    let students = roster["students"].as_array().or(roster.as_array()).cloned();
    students
        .unwrap_or_default()
        .iter()
        .map(|s| s["first_name"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn an_unconfirmed_mass_change_is_refused_and_a_confirmed_one_applied() {
    let server = Server::demo().await;
    let teacher = server.sign_in(TEACHER).await;
    let (_, original) = export(&server, &teacher).await;
    let path = format!("/api/schools/{LINCOLN}/uploads");
    let set = change_set(
        &renamed(&original, 20),
        &original,
        "00000000-0000-4000-8000-00000000c001",
    );
    assert_eq!(set.ops.len(), 20);
    let before = first_names(&server, &teacher).await;

    // 20 of Lincoln's 60 students: more than a quarter.
    let reply = server
        .post_json(&teacher, &path, serde_json::to_value(&set).expect("json"))
        .await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.text());
    assert_eq!(reply.error_code(), "confirm-needed");
    let guards = reply.json()["error"]["guards"].clone();
    assert_eq!(guards.as_array().map(Vec::len), Some(1), "{guards}");
    assert_eq!(guards[0]["code"], "mass-change");
    let message = guards[0]["message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with("First Name changes for 20 of the 60 existing students"),
        "{message}"
    );
    assert_eq!(history_len(&server, &teacher).await, 0, "nothing stored");
    assert_eq!(first_names(&server, &teacher).await, before);

    // In Spanish, the guards too.
    let reply = server
        .send(
            axum::http::Request::post(&path)
                .header(header::COOKIE, &teacher.cookie)
                .header("x-csrf-token", &teacher.csrf)
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::ACCEPT_LANGUAGE, "es")
                .body(axum::body::Body::from(
                    serde_json::to_string(&set).expect("json"),
                ))
                .expect("request"),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    let spanish = reply.json()["error"]["guards"][0]["message"].clone();
    assert!(
        spanish
            .as_str()
            .is_some_and(|m| m.starts_with("First Name cambia en 20 de los 60")),
        "{spanish}"
    );

    // Confirming another guard is not enough.
    let mut wrong = set.clone();
    wrong.confirm = vec!["mass-create".to_owned()];
    let reply = server
        .post_json(&teacher, &path, serde_json::to_value(&wrong).expect("json"))
        .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);

    // Confirmed: stored, applied.
    let mut confirmed = set.clone();
    confirmed.confirm = vec!["mass-change".to_owned()];
    let reply = server
        .post_json(
            &teacher,
            &path,
            serde_json::to_value(&confirmed).expect("json"),
        )
        .await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text());
    let id = reply.json()["id"].as_str().expect("id").to_owned();
    let done = server.wait_for(&teacher, LINCOLN, &id).await;
    assert_eq!(done["status"], "Completed", "{done}");
    let after = first_names(&server, &teacher).await;
    assert_eq!(
        after.iter().filter(|n| n.starts_with("Renamed")).count(),
        20
    );
}

#[tokio::test]
async fn a_few_changes_need_no_confirmation() {
    let server = Server::demo().await;
    let teacher = server.sign_in(TEACHER).await;
    let (_, original) = export(&server, &teacher).await;
    // 15 of 60 is a quarter exactly.
    let set = change_set(
        &renamed(&original, 15),
        &original,
        "00000000-0000-4000-8000-00000000c002",
    );
    let reply = server
        .post_json(
            &teacher,
            &format!("/api/schools/{LINCOLN}/uploads"),
            serde_json::to_value(&set).expect("json"),
        )
        .await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text());
}

#[tokio::test]
async fn a_file_confirms_its_guards_in_the_query() {
    let server = Server::demo().await;
    let teacher = server.sign_in(TEACHER).await;
    let (_, original) = export(&server, &teacher).await;
    let new_students: Vec<String> = (0..25)
        .map(|i| format!(",,Newcomer{i},Pupil,03,,,"))
        .collect();
    let extra: Vec<&str> = new_students.iter().map(String::as_str).collect();
    let edited = edit(&renamed(&original, 30), &[], &extra);
    let path = format!("/api/schools/{LINCOLN}/uploads");

    let reply = server
        .post_file(&teacher, &path, "edited.csv", &edited)
        .await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.text());
    let codes: Vec<String> = reply.json()["error"]["guards"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|g| g["code"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(codes, ["mass-change", "mass-create"]);
    let reply = server
        .post_file(
            &teacher,
            &format!("{path}?confirm=mass-change"),
            "edited.csv",
            &edited,
        )
        .await;
    assert_eq!(
        reply.status,
        StatusCode::CONFLICT,
        "mass-create is not confirmed"
    );
    assert_eq!(history_len(&server, &teacher).await, 0);

    let reply = server
        .post_file(
            &teacher,
            &format!("{path}?confirm=mass-change,mass-create"),
            "edited.csv",
            &edited,
        )
        .await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text());
    let id = reply.json()["id"].as_str().expect("id").to_owned();
    let done = server.wait_for(&teacher, LINCOLN, &id).await;
    assert_eq!(done["status"], "Completed", "{done}");
    assert_eq!(first_names(&server, &teacher).await.len(), 85);
}
