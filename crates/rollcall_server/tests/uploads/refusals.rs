//! Bad uploads get clear errors and change nothing; another school's teacher cannot reach
//! Lincoln's uploads.

use super::*;

#[tokio::test]
async fn bad_uploads_get_clear_errors_and_change_nothing() {
    let server = Server::demo().await;
    let teacher = server.sign_in(TEACHER).await;
    let (_, original) = export(&server, &teacher).await;
    let path = format!("/api/schools/{LINCOLN}/uploads");
    let good = change_set(
        &edit(&original, &[(1, 2, "X")], &[]),
        &original,
        "00000000-0000-4000-8000-0000000000aa",
    );
    let mut json = serde_json::to_value(&good).expect("json");
    let cases: Vec<(serde_json::Value, &str)> = vec![
        (
            {
                let mut j = json.clone();
                j["extra"] = serde_json::json!(1);
                j
            },
            "Unknown field \"extra\"",
        ),
        (
            {
                let mut j = json.clone();
                j["ops"][0]["sett"] = serde_json::json!({});
                j
            },
            "Unknown field \"sett\"",
        ),
        (
            {
                let mut j = json.clone();
                j["school"] = serde_json::json!(ROOSEVELT);
                j
            },
            "not \"lincoln-elementary\"",
        ),
        (
            {
                let mut j = json.clone();
                j["id"] = serde_json::json!("not-a-uuid");
                j
            },
            "not a UUID",
        ),
        (
            {
                let mut j = json.clone();
                j["ops"][0]["row"] = serde_json::json!(1);
                j
            },
            "Row 1 is not a data row",
        ),
        (
            {
                let mut j = json.clone();
                let op = j["ops"][0].clone();
                j["ops"].as_array_mut().expect("ops").push(op);
                j
            },
            "appears twice",
        ),
        (
            {
                let mut j = json.clone();
                j["ops"][0]["op"] = serde_json::json!("delete");
                j
            },
            "malformed",
        ),
    ];
    for (body, message) in cases {
        let reply = server.post_json(&teacher, &path, body).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{message}: {}",
            reply.text()
        );
        assert!(
            reply.json()["error"]["message"]
                .as_str()
                .unwrap_or_default()
                .contains(message),
            "{message}: {}",
            reply.text()
        );
    }
    json["ops"] = serde_json::json!([]);
    let not_json = server
        .send(
            axum::http::Request::post(&path)
                .header(header::COOKIE, &teacher.cookie)
                .header("x-csrf-token", &teacher.csrf)
                .header(header::CONTENT_TYPE, "application/json")
                .body(axum::body::Body::from("{\"id\": "))
                .expect("request"),
        )
        .await;
    assert_eq!(not_json.status, StatusCode::BAD_REQUEST);
    // A file that fails a file-level rule is refused whole.
    let missing = server
        .post_file(&teacher, &path, "names.csv", b"Name,Class\nAda,3\n")
        .await;
    assert_eq!(
        missing.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        missing.text()
    );
    assert!(
        missing.json()["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("First Name")
    );
    // A zip bomb, and too many rows.
    let bomb = include_bytes!("../../../../tests/fixtures/files/zip-bomb-xlsx/edited.xlsx");
    let refused = server.post_file(&teacher, &path, "edited.xlsx", bomb).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.text()
    );
    assert_eq!(refused.error_code(), "file-rejected");
    let mut many = String::from("First Name,Last Name,Grade Level\n");
    for i in 0..50_001 {
        many.push_str(&format!("A{i},B,03\n"));
    }
    let refused = server
        .post_file(&teacher, &path, "many.csv", many.as_bytes())
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.text()
    );
    assert!(
        refused.text().contains("50,000") || refused.text().contains("50000"),
        "{}",
        refused.text()
    );
    let mut huge = serde_json::to_value(&good).expect("json");
    let op = huge["ops"][0].clone();
    huge["ops"] = serde_json::Value::Array(
        (0..50_001)
            .map(|i| {
                let mut o = op.clone();
                o["row"] = serde_json::json!(i + 2);
                o
            })
            .collect(),
    );
    let refused = server.post_json(&teacher, &path, huge).await;
    assert_eq!(
        refused.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        refused.text()
    );
    // Too large.
    let big = vec![b'a'; 20 * 1024 * 1024 + 10];
    let large = server.post_file(&teacher, &path, "big.csv", &big).await;
    assert_eq!(
        large.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        large.text()
    );
    // Nothing was stored or changed.
    let history = server.get(Some(&teacher), &path).await.json();
    assert_eq!(history.as_array().map(Vec::len), Some(0));
    let roster = server
        .get(Some(&teacher), &format!("/api/schools/{LINCOLN}/roster"))
        .await
        .json();
    assert_ne!(roster[0]["first_name"], "X");
}

#[tokio::test]
async fn another_schools_teacher_cannot_reach_lincolns_uploads() {
    let server = Server::demo().await;
    let teacher = server.sign_in(TEACHER).await;
    let other = server.sign_in(OTHER).await;
    let (_, original) = export(&server, &teacher).await;
    let set = change_set(
        &edit(&original, &[(1, 2, "Zed")], &[]),
        &original,
        "00000000-0000-4000-8000-0000000000bb",
    );
    let path = format!("/api/schools/{LINCOLN}/uploads");
    let id = server
        .post_json(&teacher, &path, serde_json::to_value(&set).expect("json"))
        .await
        .json()["id"]
        .as_str()
        .expect("id")
        .to_owned();
    server.wait_for(&teacher, LINCOLN, &id).await;
    for route in [
        path.clone(),
        format!("{path}/{id}"),
        format!("{path}/{id}/files/uploaded?format=csv"),
        format!("{path}/{id}/files/completed?format=xlsx"),
        format!("{path}/{id}/files/error"),
    ] {
        let reply = server.get(Some(&other), &route).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{route}");
        assert_eq!(reply.error_code(), "not-found");
        assert_eq!(
            server.get(Some(&teacher), &route).await.status,
            StatusCode::OK,
            "{route}"
        );
    }
    let post = server
        .post_json(&other, &path, serde_json::to_value(&set).expect("json"))
        .await;
    assert_eq!(post.status, StatusCode::NOT_FOUND);
    let upload = server
        .post_file(&other, &path, "edited.csv", &original)
        .await;
    assert_eq!(upload.status, StatusCode::NOT_FOUND);
    // Lincoln's upload id is unknown under Roosevelt, even for a teacher of both.
    let cross = server
        .get(
            Some(&teacher),
            &format!("/api/schools/{ROOSEVELT}/uploads/{id}"),
        )
        .await;
    assert_eq!(cross.status, StatusCode::NOT_FOUND);
    // An unknown file name is 404 too.
    assert_eq!(
        server
            .get(Some(&teacher), &format!("{path}/{id}/files/secrets"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}
