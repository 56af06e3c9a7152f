//! Export Students in CSV and XLSX, escaped formulas, and the list of a teacher's exports.

use super::*;

fn check_against_itself(bytes: &[u8], name: &str) -> rollcall_core::Report {
    check(
        Input::new(bytes, Some(name)),
        Some(Input::new(bytes, Some(name))),
        &Options::default(),
    )
}

#[tokio::test]
async fn export_csv_has_the_spec_columns_text_ids_and_no_passwords() {
    let server = Server::demo().await;
    let teacher = server.sign_in(TEACHER).await;
    let reply = server.export(&teacher, LINCOLN, "csv").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.header(header::CONTENT_TYPE),
        "text/csv; charset=utf-8"
    );
    let disposition = reply.header(header::CONTENT_DISPOSITION);
    assert!(
        disposition.starts_with(&format!("attachment; filename=\"students-{LINCOLN}-")),
        "{disposition}"
    );
    let text = reply.text();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "Student GUID,Student ID,First Name,Last Name,Grade Level,Username,Password,Classes"
    );
    assert_eq!(lines.len(), 61);
    let records = common::csv_records(&reply.body);
    assert!(
        records.iter().all(|cells| cells[6].is_empty()),
        "Password column empty"
    );
    // The exporting teacher's demo classes, sorted; some students are in none.
    assert_eq!(records[0][7], "Homeroom 3A; Math 3; Reading Group B");
    assert_eq!(records[2][7], "Math 3");
    assert!(records.iter().any(|cells| cells[7].is_empty()));
    assert!(
        lines
            .iter()
            .any(|l| l.split(',').nth(1).is_some_and(|id| id.starts_with("00")))
    );
    let roster = server
        .get(Some(&teacher), &format!("/api/schools/{LINCOLN}/roster"))
        .await
        .json();
    assert_eq!(roster.as_array().map(Vec::len), Some(60));
    assert_eq!(lines[1].split(',').next(), roster[0]["guid"].as_str());
    let report = check_against_itself(&reply.body, "export.csv");
    assert_eq!(report.summary.unchanged, 60);
    assert_eq!(
        report.summary.errors + report.summary.warnings,
        0,
        "{:?}",
        report.diagnostics
    );

    // The stored snapshot gives back the same file.
    let export = reply.export_id(LINCOLN);
    let again = server
        .get(
            Some(&teacher),
            &format!("/api/schools/{LINCOLN}/exports/{export}"),
        )
        .await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.body, reply.body);
    let missing = server
        .get(
            Some(&teacher),
            &format!("/api/schools/{LINCOLN}/exports/nope"),
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

/// An export's snapshot is the CSV of its moment, whatever its format and whatever changed
/// since; one stored before exports kept their CSV (rows in `export_rows`) answers the same.
#[tokio::test]
async fn an_exports_snapshot_is_its_csv_of_the_moment_old_ones_too() {
    let server = Server::demo().await;
    let teacher = server.sign_in(TEACHER).await;
    let csv = server.export(&teacher, LINCOLN, "csv").await;
    let xlsx = server.export(&teacher, LINCOLN, "xlsx").await;
    let export = xlsx.export_id(LINCOLN);
    let pool = server.state.store.pool();
    sqlx::query("UPDATE students SET first_name = 'Changed' WHERE school_id = $1")
        .bind(LINCOLN)
        .execute(pool)
        .await
        .expect("rename");
    let path = format!("/api/schools/{LINCOLN}/exports/{export}");
    let snapshot = server.get(Some(&teacher), &path).await;
    assert_eq!(snapshot.status, StatusCode::OK);
    assert_eq!(
        snapshot.body, csv.body,
        "the XLSX export's rows as CSV, before the rename"
    );

    // As migration 8 left an export: no snapshot, its rows one by one.
    let old = "00000000-0000-4000-8000-0000000000aa";
    sqlx::query(
        "INSERT INTO exports (id, school_id, teacher_id, format, created_at, seq)
         SELECT $1, school_id, teacher_id, format, created_at, seq FROM exports WHERE id = $2",
    )
    .bind(old)
    .bind(&export)
    .execute(pool)
    .await
    .expect("old export");
    sqlx::query(
        "INSERT INTO export_rows (export_id, row, guid, student_id, first_name, last_name,
             grade, username, fingerprint, classes)
         VALUES ($1, 2, '11111111-1111-4111-8111-111111111111', '00123', 'Ann', 'Lee', '03',
             'ann.lee', '', 'Math 3; Art')",
    )
    .bind(old)
    .execute(pool)
    .await
    .expect("old rows");
    let reply = server
        .get(
            Some(&teacher),
            &format!("/api/schools/{LINCOLN}/exports/{old}"),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let text = reply.text();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert_eq!(lines[0], csv.text().lines().next().unwrap_or_default());
    assert!(
        lines[1].starts_with("11111111-1111-4111-8111-111111111111,00123,Ann,Lee,03,ann.lee,"),
        "{text}"
    );
    assert!(
        lines[1].ends_with("Art; Math 3") || lines[1].ends_with("Math 3; Art"),
        "{text}"
    );
}

fn zipped_part(bytes: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("xlsx is a zip");
    let mut part = archive.by_name(name).expect(name);
    let mut text = String::new();
    std::io::Read::read_to_string(&mut part, &mut text).expect("utf-8");
    text
}

#[tokio::test]
async fn export_xlsx_keeps_leading_zeros_and_names_its_export() {
    let server = Server::demo().await;
    let teacher = server.sign_in(TEACHER).await;
    let csv = server.export(&teacher, LINCOLN, "csv").await;
    let reply = server.export(&teacher, LINCOLN, "xlsx").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.header(header::CONTENT_TYPE),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let disposition = reply.header(header::CONTENT_DISPOSITION);
    let export = reply.export_id(LINCOLN);
    assert_eq!(export.len(), 36, "{disposition}");
    assert!(zipped_part(&reply.body, "docProps/custom.xml").contains(&export));
    // The workbook, read by the rule engine, equals the CSV export cell for cell.
    let report = check(
        Input::new(&reply.body, Some("export.xlsx")),
        Some(Input::new(&csv.body, Some("export.csv"))),
        &Options::default(),
    );
    assert_eq!(report.file.sheet.as_deref(), Some("Students"));
    assert_eq!(report.summary.unchanged, 60, "{:?}", report.diagnostics);
    assert_eq!(
        report.summary.errors + report.summary.warnings,
        0,
        "{:?}",
        report.diagnostics
    );
    // Student IDs and grades are text cells: "008761" stays "008761".
    let sheet = zipped_part(&reply.body, "xl/worksheets/sheet1.xml");
    assert!(!sheet.contains("t=\"n\""), "no number cells");
}

#[tokio::test]
async fn formula_like_cells_are_escaped_in_both_formats() {
    let server = Server::demo().await;
    let dangerous = [
        "=HYPERLINK(\"http://x\")",
        "+1",
        "-Ann",
        "@SUM(A1)",
        "\tTab",
        "\rReturn",
    ];
    let students: Vec<NewStudent> = dangerous
        .iter()
        .enumerate()
        .map(|(i, name)| NewStudent {
            record: StudentRecord {
                guid: format!("00000000-0000-4000-8000-00000000000{i}"),
                student_id: Some(format!("99000{i}")),
                first_name: (*name).to_owned(),
                last_name: "Test".to_owned(),
                grade: "03".to_owned(),
                username: format!("danger{i}"),
                classes: Vec::new(),
            },
            password_hash: None,
        })
        .collect();
    server
        .state
        .store
        .insert_students(
            LINCOLN,
            rollcall_server::demo::DISTRICT,
            &students,
            "2026-11-22T00:00:00Z",
        )
        .await
        .expect("insert");
    let teacher = server.sign_in(TEACHER).await;
    let csv = server.export(&teacher, LINCOLN, "csv").await.text();
    let first_names: Vec<String> = csv::Reader::from_reader(csv.as_bytes())
        .records()
        .map(|record| record.expect("CSV record")[2].to_owned())
        .collect();
    for name in dangerous {
        assert!(
            first_names.contains(&format!("'{name}")),
            "{name:?} not escaped: {first_names:?}"
        );
        assert!(
            !first_names.iter().any(|n| n == name),
            "{name:?} written as is"
        );
    }
    let xlsx = server.export(&teacher, LINCOLN, "xlsx").await;
    let styles = zipped_part(&xlsx.body, "xl/styles.xml");
    assert!(styles.contains("quotePrefix=\"1\""), "{styles}");
    let sheet = zipped_part(&xlsx.body, "xl/worksheets/sheet1.xml");
    let strings = zipped_part(&xlsx.body, "xl/sharedStrings.xml");
    assert!(
        strings.contains("=HYPERLINK") && !strings.contains("'=HYPERLINK"),
        "value kept as is"
    );
    assert!(!sheet.contains("<f>"), "no formula cells");
}

#[tokio::test]
async fn the_exports_list_is_the_teachers_own_newest_first() {
    let server = Server::demo().await;
    let teacher = server.sign_in(TEACHER).await;
    let other = server.sign_in(OTHER).await;
    let path = format!("/api/schools/{ROOSEVELT}/exports");
    assert_eq!(
        server.get(Some(&teacher), &path).await.json(),
        serde_json::json!([])
    );
    let first = server
        .export(&teacher, ROOSEVELT, "csv")
        .await
        .export_id(ROOSEVELT);
    let second = server
        .export(&teacher, ROOSEVELT, "xlsx")
        .await
        .export_id(ROOSEVELT);
    let list = server.get(Some(&teacher), &path).await.json();
    let ids: Vec<&str> = list
        .as_array()
        .expect("list")
        .iter()
        .map(|e| e["id"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(ids, [second.as_str(), first.as_str()]);
    assert_eq!(list[0]["format"], "xlsx");
    // Another teacher of the school does not see them; a stranger to the school gets 404.
    assert_eq!(
        server.get(Some(&other), &path).await.json(),
        serde_json::json!([])
    );
    let lincoln = server
        .get(Some(&other), &format!("/api/schools/{LINCOLN}/exports"))
        .await;
    assert_eq!(lincoln.status, StatusCode::NOT_FOUND);
}
