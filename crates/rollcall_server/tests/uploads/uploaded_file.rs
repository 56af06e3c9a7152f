//! A file upload's Uploaded File is the sheet as read: every column (unknown ones and an old
//! `Error` column too) and every row, unchanged ones included, with every Password cell blank;
//! its Error File gives the failed rows whole, the old `Error` column replaced by the new one.

use super::*;

#[tokio::test]
async fn the_uploaded_file_keeps_every_column_and_row_but_no_password() {
    let server = Server::demo().await;
    let teacher = server.sign_in(TEACHER).await;
    let (_, original) = export(&server, &teacher).await;
    let text = String::from_utf8(original).expect("utf-8");
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    lines[0].push_str(",Notes,Error");
    for (k, line) in lines.iter_mut().enumerate().skip(1) {
        line.push_str(&format!(",note {k},"));
    }
    // Row 2 renamed with a new password, row 4 an impossible grade (with the message of an
    // earlier Error File beside it), and a new student with a password.
    let mut cells: Vec<String> = lines[1].split(',').map(str::to_owned).collect();
    cells[2] = "Renamed".to_owned();
    cells[6] = SECRET.to_owned();
    lines[1] = cells.join(",");
    let mut cells: Vec<String> = lines[3].split(',').map(str::to_owned).collect();
    cells[4] = "Grade Z".to_owned();
    cells[9] = "an old message".to_owned();
    lines[3] = cells.join(",");
    lines.push(format!(",,Nora,Newcomer,03,,{SECRET},,new note,"));
    let file = (lines.join("\r\n") + "\r\n").into_bytes();

    let path = format!("/api/schools/{LINCOLN}/uploads");
    let reply = server.post_file(&teacher, &path, "edited.csv", &file).await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text());
    let id = reply.json()["id"].as_str().expect("id").to_owned();
    let done = server.wait_for(&teacher, LINCOLN, &id).await;
    assert_eq!(done["counts"]["failed"], 1, "{done}");
    assert_eq!(done["counts"]["applied"], 2, "{done}");

    let download = |which: &str| {
        let route = format!("{path}/{id}/files/{which}?format=csv");
        let server = &server;
        let teacher = &teacher;
        async move { csv_rows(&server.get(Some(teacher), &route).await.body) }
    };
    let uploaded = download("uploaded").await;
    assert_eq!(
        uploaded[0],
        [
            "Student GUID",
            "Student ID",
            "First Name",
            "Last Name",
            "Grade Level",
            "Username",
            "Password",
            "Classes",
            "Notes",
            "Error"
        ]
    );
    assert_eq!(uploaded.len(), 1 + 61, "every row, the unchanged ones too");
    assert!(
        uploaded.iter().skip(1).all(|row| row[6].is_empty()),
        "no password"
    );
    assert_eq!(uploaded[1][2], "Renamed");
    assert_eq!(uploaded[2][8], "note 2", "an unchanged row, whole");
    assert_eq!(uploaded[3][9], "an old message");
    assert_eq!(
        uploaded[61][2..4],
        ["Nora".to_owned(), "Newcomer".to_owned()]
    );
    assert!(!uploaded.concat().iter().any(|cell| cell.contains(SECRET)));

    let errors = download("error").await;
    assert_eq!(
        errors[0].len(),
        10,
        "the old Error column gives way to the new one"
    );
    assert_eq!(errors[0][8..], ["Notes".to_owned(), "Error".to_owned()]);
    assert_eq!(errors.len(), 2);
    assert_eq!(errors[1][4], "Grade Z");
    assert_eq!(errors[1][8], "note 3");
    assert!(errors[1][9].contains("Grade"), "{:?}", errors[1]);
    assert!(!errors[1][9].contains("an old message"));

    // The Completed File lists the rows applied, in the export's columns.
    let completed = download("completed").await;
    assert_eq!(completed.len(), 3);
}
