//! Multipart file names and the audit table.

use super::*;

/// Exports Lincoln as CSV.
async fn lincoln_csv(server: &Server, who: &SignedIn) -> Vec<u8> {
    let reply = server.export(who, LINCOLN, "csv").await;
    assert_eq!(reply.status, StatusCode::OK);
    reply.body
}

#[tokio::test]
async fn a_multipart_file_name_loses_its_folders_like_a_change_sets() {
    let server = Server::demo().await;
    let teacher = server.sign_in(TEACHER).await;
    let csv = lincoln_csv(&server, &teacher).await;
    let path = format!("/api/schools/{LINCOLN}/uploads");
    for (given, listed) in [
        ("../../etc/roster.csv", "roster.csv"),
        ("/home/t/Class 4B.csv", "Class 4B.csv"),
    ] {
        let reply = server.post_file(&teacher, &path, given, &csv).await;
        assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text());
        let id = reply.json()["id"].as_str().expect("id").to_owned();
        let done = server.wait_for(&teacher, LINCOLN, &id).await;
        assert_eq!(done["file_name"], listed, "{given}");
    }
}

#[tokio::test]
async fn sign_ins_failed_sign_ins_and_completed_file_downloads_are_audited() {
    let server = Server::demo().await;
    let store = &server.state.store;
    let teacher = server.sign_in(TEACHER).await;
    assert_eq!(
        server
            .sign_in_as(" OTHER@demo.school", "guess")
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        server
            .sign_in_as("Nobody@Demo.School", "guess")
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let teacher_id = server.get(Some(&teacher), "/api/session").await.json()["teacher"]["id"]
        .as_str()
        .expect("id")
        .to_owned();

    let csv = lincoln_csv(&server, &teacher).await;
    let path = format!("/api/schools/{LINCOLN}/uploads");
    let reply = server.post_file(&teacher, &path, "same.csv", &csv).await;
    let id = reply.json()["id"].as_str().expect("id").to_owned();
    server.wait_for(&teacher, LINCOLN, &id).await;
    // The Error File is not audited; the Completed File is.
    for which in ["error", "completed"] {
        let file = server
            .get(
                Some(&teacher),
                &format!("{path}/{id}/files/{which}?format=csv"),
            )
            .await;
        assert_eq!(file.status, StatusCode::OK, "{which}");
    }

    let entries = store.audit_entries().await.expect("audit");
    let kinds: Vec<(&str, Option<&str>, Option<&str>)> = entries
        .iter()
        .map(|e| (e.kind.as_str(), e.teacher.as_deref(), e.email.as_deref()))
        .collect();
    assert!(
        kinds.contains(&("sign-in", Some(teacher_id.as_str()), Some(TEACHER))),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&("sign-in-failed", None, Some("nobody@demo.school"))),
        "{kinds:?}"
    );
    let other_failed = entries
        .iter()
        .find(|e| e.kind == "sign-in-failed" && e.email.as_deref() == Some(OTHER))
        .expect("the failed sign-in of a teacher");
    assert!(other_failed.teacher.is_some());
    let downloads: Vec<_> = entries
        .iter()
        .filter(|e| e.kind == "completed-file-download")
        .collect();
    assert_eq!(downloads.len(), 1, "{entries:?}");
    assert_eq!(downloads[0].teacher.as_deref(), Some(teacher_id.as_str()));
    assert_eq!(
        downloads[0].detail.as_deref(),
        Some(format!("{id}/completed").as_str())
    );
    assert!(entries.iter().all(|e| e.at.ends_with('Z')));
}
