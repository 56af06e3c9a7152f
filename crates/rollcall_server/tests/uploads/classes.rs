//! Classes through the server: each teacher's own in her export, her uploads and `…/classes`;
//! another teacher's classes of the same students never change.

use super::*;

/// A second teacher of Lincoln, whom the demo does not have.
const SECOND: &str = "second@demo.school";

/// The Classes cell of every student in `who`'s export of Lincoln, by GUID.
async fn classes_by_guid(server: &Server, who: &SignedIn) -> Vec<(String, String)> {
    let (_, bytes) = export(server, who).await;
    common::csv_records(&bytes)
        .into_iter()
        .map(|cells| (cells[0].clone(), cells[7].clone()))
        .collect()
}

async fn classes(server: &Server, who: &SignedIn) -> Vec<(String, u64)> {
    let reply = server
        .get(Some(who), &format!("/api/schools/{LINCOLN}/classes"))
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    reply
        .json()
        .as_array()
        .expect("a list")
        .iter()
        .map(|c| {
            let name = c["name"].as_str().expect("name").to_owned();
            (name, c["students"].as_u64().expect("count"))
        })
        .collect()
}

async fn upload_file(server: &Server, who: &SignedIn, bytes: &[u8]) -> serde_json::Value {
    let path = format!("/api/schools/{LINCOLN}/uploads");
    let reply = server.post_file(who, &path, "edited.csv", bytes).await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text());
    let id = reply.json()["id"].as_str().expect("id").to_owned();
    server.wait_for(who, LINCOLN, &id).await
}

#[tokio::test]
async fn two_teachers_of_a_school_each_roster_their_own_classes() {
    let mut server = Server::demo().await;
    server.add_teacher("second", SECOND, &[LINCOLN]).await;
    let teacher = server.sign_in(TEACHER).await;
    let second = server.sign_in(SECOND).await;
    let theirs_before = classes_by_guid(&server, &teacher).await;
    assert_eq!(
        classes(&server, &teacher).await,
        [
            ("Homeroom 3A".to_owned(), 40),
            ("Math 3".to_owned(), 30),
            ("Reading Group B".to_owned(), 12)
        ]
    );
    assert!(classes(&server, &second).await.is_empty());

    // The second teacher's export has the Classes column, empty: she has no class yet.
    let (_, export_bytes) = export(&server, &second).await;
    let mine = classes_by_guid(&server, &second).await;
    assert!(mine.iter().all(|(_, cell)| cell.is_empty()));

    // She puts the first students in classes of her own; one is named twice, in two spellings.
    let edited = edit(
        &export_bytes,
        &[
            (1, 7, "Math 3; Art Club"),
            (2, 7, "art club"),
            (3, 7, "Chess"),
        ],
        &[",,Nia,New,03,,,Chess; Art Club"],
    );
    let done = upload_file(&server, &second, &edited).await;
    assert_eq!(done["status"], "Completed", "{done}");
    assert_eq!(done["counts"]["created"], 1, "{done}");
    assert_eq!(
        classes(&server, &second).await,
        [
            ("Art Club".to_owned(), 3),
            ("Chess".to_owned(), 2),
            ("Math 3".to_owned(), 1)
        ],
        "each class created once, spelled as first named"
    );
    let mine = classes_by_guid(&server, &second).await;
    assert_eq!(mine[0].1, "Art Club; Math 3");
    assert_eq!(mine[1].1, "Art Club");
    assert_eq!(mine[2].1, "Chess");
    assert_eq!(mine.last().map(|m| m.1.as_str()), Some("Art Club; Chess"));

    // The first teacher's classes of the same students are as they were, and her "Math 3" is
    // hers alone.
    let theirs = classes_by_guid(&server, &teacher).await;
    assert_eq!(&theirs[..theirs_before.len()], &theirs_before[..]);
    assert_eq!(
        classes(&server, &teacher).await[1],
        ("Math 3".to_owned(), 30)
    );

    // The Completed File lists the classes each applied row left its student in.
    let id = done["id"].as_str().expect("id");
    let completed = server
        .get(
            Some(&second),
            &format!("/api/schools/{LINCOLN}/uploads/{id}/files/completed?format=csv"),
        )
        .await;
    let rows = csv_rows(&completed.body);
    assert_eq!(rows[0].last().map(String::as_str), Some("Classes"));
    assert_eq!(rows[1][7], "Art Club; Math 3");
    assert_eq!(rows[2][7], "Art Club", "spelled as the class it joins");
    assert_eq!(rows.last().map(|r| r[7].as_str()), Some("Art Club; Chess"));
}

#[tokio::test]
async fn moving_and_clearing_classes_and_reimporting_an_export_changes_nothing_else() {
    let server = Server::demo().await;
    let teacher = server.sign_in(TEACHER).await;
    let (_, original) = export(&server, &teacher).await;
    let before = classes_by_guid(&server, &teacher).await;
    assert_eq!(before[0].1, "Homeroom 3A; Math 3; Reading Group B");

    // Re-importing the export as it is changes nothing.
    let done = upload_file(&server, &teacher, &original).await;
    assert_eq!(done["status"], "Completed", "{done}");
    assert_eq!(done["counts"]["applied"], 0, "{done}");
    assert_eq!(classes_by_guid(&server, &teacher).await, before);

    // Student 1 leaves Math 3 (names typed in another case); student 2 leaves every class.
    let edited = edit(
        &original,
        &[(1, 7, "reading group b;HOMEROOM 3a"), (2, 7, "")],
        &[],
    );
    let done = upload_file(&server, &teacher, &edited).await;
    assert_eq!(done["status"], "Completed", "{done}");
    assert_eq!(done["counts"]["updated"], 2, "{done}");
    let after = classes_by_guid(&server, &teacher).await;
    assert_eq!(
        after[0].1, "Homeroom 3A; Reading Group B",
        "spelled as the classes are"
    );
    assert_eq!(after[1].1, "");
    assert_eq!(&after[2..], &before[2..]);
    assert_eq!(
        classes(&server, &teacher).await,
        [
            ("Homeroom 3A".to_owned(), 39),
            ("Math 3".to_owned(), 29),
            ("Reading Group B".to_owned(), 12)
        ]
    );
}

#[tokio::test]
async fn a_change_set_without_classes_leaves_them_and_one_with_classes_sets_them() {
    let server = Server::demo().await;
    let teacher = server.sign_in(TEACHER).await;
    let (_, original) = export(&server, &teacher).await;
    let before = classes_by_guid(&server, &teacher).await;
    // A file without a Classes column: classes stay as they are.
    let text = String::from_utf8(original.clone()).expect("utf-8");
    let without: String = text
        .lines()
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            cells[..7].join(",") + "\r\n"
        })
        .collect();
    let edited = edit(without.as_bytes(), &[(1, 2, "Renamed")], &[]);
    let set = change_set(
        &edited,
        without.as_bytes(),
        "7a3c1e2b-4d5f-4a6b-8c7d-9e0f1a2b3c4d",
    );
    let path = format!("/api/schools/{LINCOLN}/uploads");
    let reply = server
        .post_json(&teacher, &path, serde_json::to_value(&set).expect("json"))
        .await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text());
    let id = reply.json()["id"].as_str().expect("id").to_owned();
    let done = server.wait_for(&teacher, LINCOLN, &id).await;
    assert_eq!(done["counts"]["updated"], 1, "{done}");
    assert_eq!(classes_by_guid(&server, &teacher).await, before);
    // Its Uploaded File has no Classes column: re-imported, it must not clear them.
    let uploaded = server
        .get(
            Some(&teacher),
            &format!("/api/schools/{LINCOLN}/uploads/{id}/files/uploaded?format=csv"),
        )
        .await;
    assert_eq!(csv_rows(&uploaded.body)[0].len(), 7);

    // With the Classes column, the change-set carries the student's whole list.
    let (_, original) = export(&server, &teacher).await;
    let edited = edit(&original, &[(1, 7, "Math 3; Science Club")], &[]);
    let set = change_set(&edited, &original, "8b4d2f3c-5e6a-4b7c-9d8e-0f1a2b3c4d5e");
    let op = serde_json::to_value(&set.ops[0]).expect("json");
    assert_eq!(
        op["set"]["classes"],
        serde_json::json!(["Math 3", "Science Club"])
    );
    let reply = server
        .post_json(&teacher, &path, serde_json::to_value(&set).expect("json"))
        .await;
    let id = reply.json()["id"].as_str().expect("id").to_owned();
    let done = server.wait_for(&teacher, LINCOLN, &id).await;
    assert_eq!(done["status"], "Completed", "{done}");
    assert_eq!(
        classes_by_guid(&server, &teacher).await[0].1,
        "Math 3; Science Club"
    );
}
