//! Change-sets and files stored, queued, re-checked and applied; their three files, replays
//! and stale rows, and the rows' messages in the teacher's language.

use super::*;

#[tokio::test]
async fn a_change_set_is_queued_rechecked_applied_and_its_three_files_downloaded() {
    let server = Server::demo().await;
    let teacher = server.sign_in(TEACHER).await;
    let (_, original) = export(&server, &teacher).await;
    let edited = edit(
        &original,
        &[(1, 2, "Gracie"), (2, 6, SECRET)],
        &[",,Li,Wu,03,,", ",,Ana,Wu,04,ana.wu.new,"],
    );
    let mut set = change_set(&edited, &original, "3f1e1a52-9c1b-4b7e-8a57-2b8f4c1d9e10");
    assert_eq!(set.ops.len(), 4, "{set:?}");
    // A row the page would never send: the server must still refuse it.
    let guid3 = csv_rows(&original)[3][0].clone();
    set.ops.push(rollcall_core::Op::Update {
        row: rollcall_core::SheetRow::new(4),
        guid: guid3,
        base: None,
        set: [(rollcall_core::Field::Grade, "Z9".to_owned())]
            .into_iter()
            .collect(),
    });
    set.ops.sort_by_key(rollcall_core::Op::row);
    let reply = server
        .post_json(
            &teacher,
            &format!("/api/schools/{LINCOLN}/uploads"),
            serde_json::to_value(&set).expect("json"),
        )
        .await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text());
    assert_eq!(reply.json()["status"], "Queued");
    let id = reply.json()["id"].as_str().expect("id").to_owned();
    let done = server.wait_for(&teacher, LINCOLN, &id).await;
    assert_eq!(done["status"], "Completed with Errors", "{done}");
    assert_eq!(
        done["counts"],
        serde_json::json!({"rows": 5, "applied": 4, "created": 2, "updated": 2, "failed": 1})
    );
    let failed: Vec<&serde_json::Value> = done["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter(|r| r["state"] == "failed")
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["row"], 4);
    assert_eq!(failed[0]["errors"][0]["code"], "invalid-grade");
    assert!(!done.to_string().contains(SECRET));

    // The roster changed.
    let roster = server
        .get(Some(&teacher), &format!("/api/schools/{LINCOLN}/roster"))
        .await
        .json();
    let roster = roster.as_array().expect("roster");
    assert_eq!(roster.len(), 62);
    assert_eq!(roster[0]["first_name"], "Gracie");
    let li = roster
        .iter()
        .find(|s| s["first_name"] == "Li")
        .expect("Li Wu created");
    assert_eq!(li["username"], "li.wu");
    assert_eq!(li["grade"], "03");
    let ana = roster
        .iter()
        .find(|s| s["first_name"] == "Ana")
        .expect("Ana Wu created");
    assert_eq!(ana["username"], "ana.wu.new");
    // Row 3's new password is stored as an Argon2id hash.
    let guid2 = csv_rows(&original)[2][0].clone();
    let (hash, temporary, _) = server
        .state
        .store
        .student_password(&guid2)
        .await
        .expect("store")
        .expect("student");
    let hash = hash.expect("hash");
    assert!(
        hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{hash}"
    );
    assert!(rollcall_server::auth::verify_password(&hash, SECRET));
    assert!(!temporary);

    // Uploaded File: every row as uploaded, no password anywhere.
    let files = format!("/api/schools/{LINCOLN}/uploads/{id}/files");
    let uploaded = server
        .get(Some(&teacher), &format!("{files}/uploaded?format=csv"))
        .await;
    assert_eq!(uploaded.status, StatusCode::OK);
    let rows = csv_rows(&uploaded.body);
    assert_eq!(rows.len(), 6);
    assert!(rows[1..].iter().all(|r| r[6].is_empty()));
    assert!(!uploaded.text().contains(SECRET));
    // Completed File: the applied rows with GUIDs; Li's temporary password, only here.
    let completed = csv_rows(
        &server
            .get(Some(&teacher), &format!("{files}/completed?format=csv"))
            .await
            .body,
    );
    assert_eq!(completed.len(), 5);
    let li_row = completed
        .iter()
        .find(|r| r[2] == "Li")
        .expect("Li in the Completed File");
    assert_eq!(li_row[0], li["guid"].as_str().expect("guid"));
    assert_eq!(li_row[5], "li.wu");
    let temporary_password = li_row[6].clone();
    assert_eq!(temporary_password.len(), 19, "{temporary_password}");
    let (li_hash, li_temporary, li_expires) = server
        .state
        .store
        .student_password(li_row[0].as_str())
        .await
        .expect("store")
        .expect("student");
    assert!(rollcall_server::auth::verify_password(
        &li_hash.expect("hash"),
        &temporary_password
    ));
    assert!(li_temporary);
    assert!(li_expires.is_some());
    assert!(completed.iter().all(|r| !r.contains(&SECRET.to_owned())));
    // Error File: the failed row with the Error column at the far right.
    let error = csv_rows(
        &server
            .get(Some(&teacher), &format!("{files}/error?format=csv"))
            .await
            .body,
    );
    assert_eq!(error[0].last().map(String::as_str), Some("Error"));
    assert_eq!(error.len(), 2);
    assert!(error[1][7].contains("Z9"), "{:?}", error[1]);
    // XLSX downloads read back with the rule engine.
    let xlsx = server
        .get(Some(&teacher), &format!("{files}/completed?format=xlsx"))
        .await;
    let report = rollcall_core::check(
        Input::new(&xlsx.body, Some("completed.xlsx")),
        None,
        &Options::default(),
    );
    assert_eq!(report.summary.rows, 4);

    // Nothing left to apply holds a password.
    let ops: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM upload_rows WHERE op IS NOT NULL")
        .fetch_one(server.state.store.pool())
        .await
        .expect("count");
    assert_eq!(ops, 0);
    let stored: Vec<String> = sqlx::query_scalar("SELECT cells FROM upload_rows")
        .fetch_all(server.state.store.pool())
        .await
        .expect("cells");
    assert!(stored.iter().all(|c| !c.contains(SECRET)));

    // History, newest first.
    let history = server
        .get(Some(&teacher), &format!("/api/schools/{LINCOLN}/uploads"))
        .await
        .json();
    assert_eq!(history[0]["id"], id.as_str());
    assert_eq!(history[0]["status"], "Completed with Errors");

    // A replay returns the first result and changes nothing.
    let replay = server
        .post_json(
            &teacher,
            &format!("/api/schools/{LINCOLN}/uploads"),
            serde_json::to_value(&set).expect("json"),
        )
        .await;
    assert_eq!(replay.status, StatusCode::OK);
    assert_eq!(
        replay.json(),
        serde_json::json!({"id": id, "status": "Completed with Errors"})
    );
    let after = server
        .get(Some(&teacher), &format!("/api/schools/{LINCOLN}/roster"))
        .await
        .json();
    assert_eq!(after.as_array().map(Vec::len), Some(62));
    let history = server
        .get(Some(&teacher), &format!("/api/schools/{LINCOLN}/uploads"))
        .await
        .json();
    assert_eq!(history.as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn two_change_sets_for_the_same_student_one_wins_the_other_is_stale() {
    let server = Server::demo().await;
    let teacher = server.sign_in(TEACHER).await;
    let (_, original) = export(&server, &teacher).await;
    let first = change_set(
        &edit(&original, &[(5, 2, "Alpha")], &[]),
        &original,
        "00000000-0000-4000-8000-000000000001",
    );
    let second = change_set(
        &edit(&original, &[(5, 2, "Beta")], &[]),
        &original,
        "00000000-0000-4000-8000-000000000002",
    );
    let path = format!("/api/schools/{LINCOLN}/uploads");
    let a = server
        .post_json(&teacher, &path, serde_json::to_value(&first).expect("json"))
        .await;
    let b = server
        .post_json(
            &teacher,
            &path,
            serde_json::to_value(&second).expect("json"),
        )
        .await;
    let a = server
        .wait_for(&teacher, LINCOLN, a.json()["id"].as_str().expect("id"))
        .await;
    let b = server
        .wait_for(&teacher, LINCOLN, b.json()["id"].as_str().expect("id"))
        .await;
    assert_eq!(a["status"], "Completed");
    assert_eq!(b["status"], "Failed");
    assert_eq!(b["rows"][0]["errors"][0]["code"], "stale-row");
    assert!(
        b["rows"][0]["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("Export Students again")
    );
    let roster = server
        .get(Some(&teacher), &format!("/api/schools/{LINCOLN}/roster"))
        .await
        .json();
    assert_eq!(roster[4]["first_name"], "Alpha");
}

#[tokio::test]
async fn a_file_upload_applies_good_rows_and_its_error_file_is_fixed_and_reimported() {
    let server = Server::demo().await;
    let teacher = server.sign_in(TEACHER).await;
    let (_, original) = export(&server, &teacher).await;
    let edited = edit(
        &original,
        &[(1, 3, "Okafor-Smith"), (2, 4, "Grade Q")],
        &[",,Noor,Haddad,02,,"],
    );
    let path = format!("/api/schools/{LINCOLN}/uploads");
    let reply = server
        .post_file(&teacher, &path, "edited.csv", &edited)
        .await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text());
    let id = reply.json()["id"].as_str().expect("id").to_owned();
    let done = server.wait_for(&teacher, LINCOLN, &id).await;
    assert_eq!(done["status"], "Completed with Errors", "{done}");
    assert_eq!(done["counts"]["applied"], 2);
    assert_eq!(done["counts"]["failed"], 1);
    assert_eq!(done["file_name"], "edited.csv");

    // The teacher fixes the Error File and uploads it as it is.
    let error = server
        .get(
            Some(&teacher),
            &format!("{path}/{id}/files/error?format=csv"),
        )
        .await;
    let fixed = String::from_utf8(error.body)
        .expect("utf-8")
        .replace("Grade Q", "03");
    let again = server
        .post_file(&teacher, &path, "error-fixed.csv", fixed.as_bytes())
        .await;
    assert_eq!(again.status, StatusCode::ACCEPTED, "{}", again.text());
    let done = server
        .wait_for(&teacher, LINCOLN, again.json()["id"].as_str().expect("id"))
        .await;
    assert_eq!(done["status"], "Completed", "{done}");
    assert_eq!(done["counts"]["applied"], 1);
    let roster = server
        .get(Some(&teacher), &format!("/api/schools/{LINCOLN}/roster"))
        .await
        .json();
    assert_eq!(roster[1]["grade"], "03");
    assert_eq!(roster[0]["last_name"], "Okafor-Smith");
    assert!(
        roster
            .as_array()
            .expect("roster")
            .iter()
            .any(|s| s["first_name"] == "Noor")
    );

    // The same Error File re-imported as XLSX works too.
    let xlsx = server
        .get(
            Some(&teacher),
            &format!("{path}/{id}/files/error?format=xlsx"),
        )
        .await;
    let report = rollcall_core::check(
        Input::new(&xlsx.body, Some("error.xlsx")),
        None,
        &Options::default(),
    );
    assert_eq!(report.summary.rows, 1);
    assert!(
        report
            .diagnostics
            .iter()
            .all(|d| d.code().as_str() != "missing-column")
    );
}

#[tokio::test]
async fn row_errors_are_worded_for_whoever_reads_them_and_the_error_file_for_the_uploader() {
    let server = Server::demo().await;
    let teacher = server.sign_in(TEACHER).await;
    let (_, original) = export(&server, &teacher).await;
    let edited = edit(&original, &[(2, 4, "Grade Q")], &[]);
    let path = format!("/api/schools/{LINCOLN}/uploads");
    let reply = server
        .post_file_with(
            &teacher,
            &path,
            "e.csv",
            &edited,
            &[(header::ACCEPT_LANGUAGE, "es-MX,es;q=0.9,en;q=0.5")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text());
    let id = reply.json()["id"].as_str().expect("id").to_owned();
    // Asked without a language: English, though the upload was made in Spanish.
    let done = server.wait_for(&teacher, LINCOLN, &id).await;
    let error = &done["rows"][0]["errors"][0];
    assert_eq!(error["code"], "invalid-grade", "{done}");
    let english = error["message"].as_str().unwrap_or_default().to_owned();
    assert!(
        english.contains("Grade Q") && english.contains("grade"),
        "{english}"
    );
    // Asked in Spanish: the same error, in Spanish.
    let spanish = server
        .send(
            axum::http::Request::get(format!("{path}/{id}"))
                .header(header::COOKIE, &teacher.cookie)
                .header(header::ACCEPT_LANGUAGE, "es")
                .body(axum::body::Body::empty())
                .expect("request"),
        )
        .await
        .json();
    let error = &spanish["rows"][0]["errors"][0];
    assert_eq!(error["code"], "invalid-grade", "{spanish}");
    let message = error["message"].as_str().unwrap_or_default().to_owned();
    assert!(
        message.contains("Grade Q") && message.contains("grado"),
        "{message}"
    );
    assert_ne!(message, english);
    // The Error File, which the uploader fixes and uploads again, is in her language.
    let file = server
        .get(
            Some(&teacher),
            &format!("{path}/{id}/files/error?format=csv"),
        )
        .await;
    assert_eq!(file.status, StatusCode::OK);
    assert!(file.text().contains(&message), "{}", file.text());
}
