//! The diff against the export: students not in the file, what a row changes, and repairs.

use super::*;

#[test]
fn students_not_in_the_file_are_listed_not_deleted() {
    let report = check_case(&[&ana("00123,Ana,Lopez,03,ana.lopez,")], &[]);
    let infos: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.code().as_str() == "row-not-in-file")
        .collect();
    assert_eq!(infos.len(), 2);
    assert!(infos.iter().all(|d| d.row.is_none()));
    assert!(
        infos[0]
            .message(Lang::En)
            .starts_with("Ben Kim (export row 3"),
        "{}",
        infos[0].message(Lang::En)
    );
    assert_eq!(report.summary.absent, 2);
    let absent: Vec<_> = report
        .rows
        .iter()
        .filter(|r| r.outcome == Outcome::Absent)
        .collect();
    assert_eq!(absent.len(), 2);
    assert_eq!(
        (absent[0].row, absent[0].export_row),
        (None, Some(SheetRow::new(3)))
    );
    assert_eq!(absent[1].guid.as_deref(), Some(CARA));
}

#[test]
fn mojibake_in_a_changed_name_is_repaired() {
    let report = check_case(
        &[&ana("00123,AnÃ¡,Lopez,03,ana.lopez,")],
        &[(2, "mojibake")],
    );
    assert_eq!(
        find(&report, "mojibake")
            .fix
            .as_ref()
            .map(|f| f.value.as_str()),
        Some("Aná")
    );
    assert_eq!(
        report.rows[0].outcome,
        Outcome::Update,
        "a warning does not hold the row back"
    );
    // An unchanged name is not reported, garbled or not.
    let export = EXPORT.replace("Cara,Díaz", "Cara,DÃ\u{AD}az");
    let report = run(Some(&export), &export);
    assert_eq!(findings(&report), []);
}

#[test]
fn changes_list_old_and_new_and_mask_passwords() {
    let report = check_case(&[&ana("00123,Anne,Lopez,3rd,Ana.Lopez,Sunflower!42")], &[]);
    let row = &report.rows[0];
    assert_eq!(row.outcome, Outcome::Update);
    let changes: Vec<_> = row
        .changes
        .iter()
        .map(|c| (c.field.as_str(), c.old.as_deref(), c.new.as_str()))
        .collect();
    assert_eq!(
        changes,
        [
            ("first_name", Some("Ana"), "Anne"),
            ("password", None, "••••••••")
        ]
    );
    assert!(!report.to_json(Lang::En).contains("Sunflower"));
}

#[test]
fn blank_student_id_username_and_password_leave_values_alone() {
    let report = check_case(&[&ana(",Ana,Lopez,03,,")], &[]);
    assert_eq!((report.summary.rows, report.summary.unchanged), (1, 1));
}

#[test]
fn usernames_change_only_through_the_student_id() {
    let header = "Student ID,First Name,Last Name,Grade Level,Username";
    let report = run(
        Some(EXPORT),
        &format!("{header}\n00123,Ana,Lopez,03,ana.l\n"),
    );
    assert_eq!(findings(&report), []);
    let change = &report.rows[0].changes[0];
    assert_eq!(
        (change.field.as_str(), change.new.as_str()),
        ("username", "ana.l")
    );
    // Without a Student ID a new username cannot find the student: it is a new student.
    let header = "First Name,Last Name,Grade Level,Username";
    let report = run(Some(EXPORT), &format!("{header}\nAna,Lopez,03,ana.l\n"));
    assert_eq!(findings(&report), [(Some(2), "possible-duplicate")]);
}

#[test]
fn without_a_roster_guid_rows_update_and_others_create() {
    let edited =
        format!("{HEADER}\n{ANA},,Ana,Lopez,03,,\n,,Zed,Young,05,,\nbad-guid,,Yan,Li,05,,\n");
    let report = run(None, &edited);
    let outcomes: Vec<_> = report.rows.iter().map(|r| r.outcome).collect();
    assert_eq!(outcomes, [Outcome::Update, Outcome::Create, Outcome::Error]);
    assert!(report.rows[0].changes.is_empty());
    assert_eq!(findings(&report), [(Some(4), "invalid-guid")]);
}

#[test]
fn the_report_lists_rows_in_order_then_absent_students() {
    let report = check_case(
        &[
            &ana("00123,Ana,Lopez,03,ana.lopez,"),
            "",
            ",,Zed,Young,05,,",
        ],
        &[],
    );
    // Ana's unchanged row is only counted.
    let rows: Vec<_> = report
        .rows
        .iter()
        .map(|r| (r.row.map(SheetRow::get), r.outcome))
        .collect();
    assert_eq!(
        rows,
        [
            (Some(4), Outcome::Create),
            (None, Outcome::Absent),
            (None, Outcome::Absent),
        ]
    );
    assert_eq!(report.summary.blank, 1);
    assert_eq!(report.summary.rows, 2);
    assert_eq!(report.summary.unchanged, 1);
}

/// The report of `edited` against the export, with every non-blank row listed or not.
fn run_rows(edited: &str, all_rows: bool) -> (Report, String) {
    let options = Options {
        all_rows,
        ..Options::default()
    };
    let checker = Checker::new(
        Input::new(edited.as_bytes(), Some("edited.csv")),
        Some(Input::new(EXPORT.as_bytes(), Some("export.csv"))),
        &options,
    );
    let mut streamed = Vec::new();
    checker
        .write_report_json(&mut streamed, Lang::En)
        .expect("write");
    (
        checker.report(),
        String::from_utf8(streamed).expect("utf-8"),
    )
}

#[test]
fn the_report_lists_unchanged_rows_only_with_diagnostics_or_when_asked() {
    let edited = format!(
        "{HEADER}\n{}\n\n{BEN},456,Ben,Kim,04,Ben.Kim,\n{CARA},789,Cara,Díaz,KG,cara.diaz,\n,,Zed,Young,05,,\n",
        ana("00123,Ana,Lopez,03,ana.lopez,")
    );
    let rows = |report: &Report| -> Vec<(Option<u32>, Outcome)> {
        report
            .rows
            .iter()
            .map(|r| (r.row.map(SheetRow::get), r.outcome))
            .collect()
    };
    let (lean, lean_json) = run_rows(&edited, false);
    // Ben's row is unchanged but carries username-normalized; Ana's and Cara's are only counted.
    assert_eq!(
        rows(&lean),
        [(Some(4), Outcome::Unchanged), (Some(6), Outcome::Create)]
    );
    assert_eq!(lean.summary.unchanged, 3);
    assert_eq!(lean_json, lean.to_json(Lang::En));
    let (all, all_json) = run_rows(&edited, true);
    assert_eq!(
        rows(&all),
        [
            (Some(2), Outcome::Unchanged),
            (Some(4), Outcome::Unchanged),
            (Some(5), Outcome::Unchanged),
            (Some(6), Outcome::Create),
        ]
    );
    assert_eq!(all_json, all.to_json(Lang::En));
    // Only `rows` differs.
    assert_eq!(
        (&lean.summary, &lean.diagnostics),
        (&all.summary, &all.diagnostics)
    );
    // A file with nothing to do lists nothing.
    let (untouched, json) = run_rows(EXPORT, false);
    assert!(untouched.rows.is_empty());
    assert!(json.ends_with(r#""rows":[]}"#), "{json}");
}

#[test]
fn an_unreadable_original_is_reported_and_stops_the_check() {
    let report = run(Some("Name,Grade\nAna,03\n"), EXPORT);
    assert_eq!(findings(&report), [(None, "file-unreadable")]);
    assert!(
        report.diagnostics[0]
            .message(Lang::En)
            .starts_with("export.csv cannot be read: it is not a roster export")
    );
    assert!(report.is_unreadable());
    assert!(report.rows.is_empty());
}

#[test]
fn messages_exist_in_spanish() {
    let edited = format!("{HEADER}\n{ANA},123,Ana,Lopez,Grade Z,ana.lopez,\n");
    let report = check(
        Input::new(edited.as_bytes(), Some("e.csv")),
        Some(Input::new(EXPORT.as_bytes(), Some("x.csv"))),
        &Options::default(),
    );
    let messages: Vec<_> = report
        .diagnostics
        .iter()
        .map(|d| d.message(Lang::Es))
        .collect();
    assert!(messages.contains(&"El ID de alumno 123 perdió sus ceros iniciales; el valor exportado es 00123. Vuelva a poner 00123 y dé formato de Texto a la columna antes de guardar.".to_owned()), "{messages:#?}");
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("El grado «Grade Z» no es un nivel válido"))
    );
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("Ben Kim (fila 3 de la exportación"))
    );
}

#[test]
fn the_report_json_has_the_contract_shape() {
    let edited = format!("{HEADER}\n{ANA},00123,Anne,Lopez,03,ana.lopez,\n");
    let report = run(
        Some(&EXPORT.lines().take(2).collect::<Vec<_>>().join("\n")),
        &edited,
    );
    insta::assert_snapshot!(report.to_json(Lang::En), @r#"{"file":{"format":"csv","sheet":null,"encoding":"utf-8","delimiter":",","columns":[{"header":"Student GUID","field":"guid","index":0},{"header":"Student ID","field":"student_id","index":1},{"header":"First Name","field":"first_name","index":2},{"header":"Last Name","field":"last_name","index":3},{"header":"Grade Level","field":"grade","index":4},{"header":"Username","field":"username","index":5},{"header":"Password","field":"password","index":6}]},"summary":{"rows":1,"unchanged":0,"update":1,"create":0,"error":0,"blank":0,"absent":0,"errors":0,"warnings":0,"infos":0},"diagnostics":[],"rows":[{"row":2,"export_row":2,"outcome":"update","guid":"11111111-1111-4111-8111-111111111111","matched_by":"guid","changes":[{"field":"first_name","old":"Ana","new":"Anne"}]}]}"#);
}
