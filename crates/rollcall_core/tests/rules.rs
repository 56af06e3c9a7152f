//! One `check(export, edited)` case per cross-row, roster and diff rule, good and bad.

use rollcall_core::{Checker, Input, Lang, Options, Outcome, Report, Severity, SheetRow, check};

const EXPORT: &str = "\
Student GUID,Student ID,First Name,Last Name,Grade Level,Username,Password
11111111-1111-4111-8111-111111111111,00123,Ana,Lopez,03,ana.lopez,
22222222-2222-4222-8222-222222222222,456,Ben,Kim,04,ben.kim,
33333333-3333-4333-8333-333333333333,789,Cara,Díaz,KG,cara.diaz,
";

const ANA: &str = "11111111-1111-4111-8111-111111111111";
const BEN: &str = "22222222-2222-4222-8222-222222222222";
const CARA: &str = "33333333-3333-4333-8333-333333333333";
const HEADER: &str = "Student GUID,Student ID,First Name,Last Name,Grade Level,Username,Password";

fn run(export: Option<&str>, edited: &str) -> Report {
    check(
        Input::new(edited.as_bytes(), Some("edited.csv")),
        export.map(|e| Input::new(e.as_bytes(), Some("export.csv"))),
        &Options::default(),
    )
}

/// The (row, code) pairs of every error and warning.
fn findings(report: &Report) -> Vec<(Option<u32>, &'static str)> {
    report
        .diagnostics
        .iter()
        .filter(|d| d.severity() != Severity::Info)
        .map(|d| (d.row.map(SheetRow::get), d.code().as_str()))
        .collect()
}

fn check_case(edited_rows: &[&str], expect: &[(u32, &str)]) -> Report {
    let edited = format!("{HEADER}\n{}\n", edited_rows.join("\n"));
    let report = run(Some(EXPORT), &edited);
    let expect: Vec<(Option<u32>, &str)> = expect.iter().map(|&(r, c)| (Some(r), c)).collect();
    assert_eq!(
        findings(&report),
        expect,
        "{edited}\n{:#?}",
        report.diagnostics
    );
    report
}

/// The first diagnostic with this code.
fn find<'a>(report: &'a Report, code: &str) -> &'a rollcall_core::Diagnostic {
    report
        .diagnostics
        .iter()
        .find(|d| d.code().as_str() == code)
        .unwrap_or_else(|| panic!("no {code} in {:#?}", report.diagnostics))
}

fn ana(rest: &str) -> String {
    format!("{ANA},{rest}")
}

#[test]
fn an_untouched_export_changes_nothing() {
    let report = run(Some(EXPORT), EXPORT);
    assert!(report.diagnostics.is_empty());
    assert_eq!(report.summary.unchanged, 3);
    assert!(report.rows.iter().all(|r| r.changes.is_empty()));
}

#[test]
fn unknown_guid() {
    check_case(
        &["aaaaaaaa-1111-4111-8111-111111111111,999,Zed,Young,05,zed.young,"],
        &[(2, "unknown-guid")],
    );
    check_case(&[&ana("00123,Ana,Lopez,03,ana.lopez,")], &[]);
}

#[test]
fn invalid_guid_when_it_identifies_nobody() {
    let report = check_case(
        &["not-a-guid,999,Zed,Young,05,zed.young,"],
        &[(2, "invalid-guid")],
    );
    assert_eq!(report.rows[0].outcome, Outcome::Error);
}

#[test]
fn guid_modified_offers_the_original() {
    let report = check_case(
        &["22222222-2222-4222-8222-22222222222X,456,Ben,Kim,04,ben.kim,"],
        &[(2, "guid-modified")],
    );
    let fix = find(&report, "guid-modified").fix.as_ref().expect("a fix");
    assert_eq!(
        (fix.row.get(), fix.field.as_str(), fix.value.as_str()),
        (2, "guid", BEN)
    );
    assert_eq!(report.rows[0].export_row, Some(SheetRow::new(3)));
    // A well-formed GUID of nobody that still identifies Ben by username.
    check_case(
        &["aaaaaaaa-2222-4222-8222-222222222222,,Ben,Kim,04,ben.kim,"],
        &[(2, "guid-modified")],
    );
}

#[test]
fn guid_removed_only_in_a_file_with_a_guid_column() {
    let report = check_case(&[",456,Ben,Kim,04,ben.kim,"], &[(2, "guid-removed")]);
    assert_eq!(
        find(&report, "guid-removed")
            .fix
            .as_ref()
            .map(|f| f.value.as_str()),
        Some(BEN)
    );
    // Without a GUID column the Student ID matches Ben.
    let edited = "Student ID,First Name,Last Name,Grade Level\n456,Ben,Kim,05\n";
    let report = run(Some(EXPORT), edited);
    assert_eq!(findings(&report), []);
    assert_eq!(report.rows[0].outcome, Outcome::Update);
    assert_eq!(report.rows[0].guid.as_deref(), Some(BEN));
}

#[test]
fn a_guid_on_another_row_is_not_identified_again() {
    // Ben's GUID is on row 2, so row 3 (blank GUID, Ben's Student ID) matches Ben too.
    check_case(
        &[
            &format!("{BEN},456,Ben,Kim,04,ben.kim,"),
            ",456,Benjamin,Kim,04,,",
        ],
        &[
            (2, "duplicate-match"),
            (2, "duplicate-student-id"),
            (3, "duplicate-match"),
            (3, "duplicate-student-id"),
        ],
    );
}

#[test]
fn possible_duplicate_names_the_existing_student() {
    let report = check_case(&[",,ANA,López,03,,"], &[(2, "possible-duplicate")]);
    let message = &find(&report, "possible-duplicate").message(Lang::En);
    assert!(message.contains("export row 2"), "{message}");
    assert!(
        message.contains("ana.lopez") && message.contains(ANA),
        "{message}"
    );
    assert_eq!(report.rows[0].outcome, Outcome::Create);
    check_case(&[",,Ana,Lopez,04,,"], &[]);
}

#[test]
fn duplicate_guid_marks_every_row() {
    check_case(
        &[
            &ana("00123,Ana,Lopez,03,ana.lopez,"),
            &ana(",Ana,Lopez,03,,"),
        ],
        &[
            (2, "duplicate-guid"),
            (2, "duplicate-match"),
            (3, "duplicate-guid"),
            (3, "duplicate-match"),
        ],
    );
}

#[test]
fn duplicate_student_id_and_username_on_new_rows() {
    let report = check_case(
        &[",900,Zed,Young,05,zed,", ",900,Yan,Li,05,ZED,"],
        &[
            (2, "duplicate-student-id"),
            (2, "duplicate-username"),
            (3, "duplicate-student-id"),
            (3, "duplicate-username"),
        ],
    );
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.code().as_str() == "username-normalized")
    );
    assert!(
        find(&report, "duplicate-student-id")
            .message(Lang::En)
            .contains("row 3")
    );
}

#[test]
fn student_id_taken_by_a_student_not_in_the_file() {
    let report = check_case(
        &[&ana("456,Ana,Lopez,03,ana.lopez,")],
        &[(2, "student-id-taken")],
    );
    assert!(
        find(&report, "student-id-taken")
            .message(Lang::En)
            .contains("Ben Kim"),
        "{}",
        find(&report, "student-id-taken").message(Lang::En)
    );
    // Trading Student IDs between rows with GUIDs is fine.
    check_case(
        &[
            &ana("456,Ana,Lopez,03,ana.lopez,"),
            &format!("{BEN},00123,Ben,Kim,04,ben.kim,"),
        ],
        &[],
    );
}

#[test]
fn username_taken_and_username_trades() {
    check_case(
        &[&ana("00123,Ana,Lopez,03,ben.kim,")],
        &[(2, "username-taken")],
    );
    let report = check_case(
        &[
            &ana("00123,Ana,Lopez,03,ben.kim,"),
            &format!("{BEN},456,Ben,Kim,04,ana.lopez,"),
        ],
        &[],
    );
    assert_eq!(report.summary.update, 2);
}

#[test]
fn match_conflict_without_guids() {
    let header = "Student ID,First Name,Last Name,Grade Level,Username";
    let report = run(
        Some(EXPORT),
        &format!("{header}\n00123,Ana,Lopez,03,ben.kim\n"),
    );
    assert_eq!(findings(&report), [(Some(2), "match-conflict")]);
    // When Ben's own row gives up the username, Ana may take it (a username trade).
    let report = run(
        Some(EXPORT),
        &format!("{header}\n00123,Ana,Lopez,03,ben.kim\n456,Ben,Kim,04,benjamin.kim\n"),
    );
    assert_eq!(findings(&report), []);
    assert_eq!(report.summary.update, 2);
}

#[test]
fn only_one_matching_error_per_row() {
    // A GUID row taking both Ben's Student ID and Cara's username: student-id-taken comes first.
    check_case(
        &[&ana("456,Ana,Lopez,03,cara.diaz,")],
        &[(2, "student-id-taken")],
    );
}

#[test]
fn duplicate_match_by_student_id_and_username() {
    let header = "Student ID,First Name,Last Name,Grade Level,Username";
    let report = run(
        Some(EXPORT),
        &format!("{header}\n00123,Ana,Lopez,03,\n,Ana,Lopez,03,ana.lopez\n"),
    );
    assert_eq!(
        findings(&report),
        [(Some(2), "duplicate-match"), (Some(3), "duplicate-match")]
    );
}

#[test]
fn leading_zeros_lost_offers_the_exported_id() {
    let report = check_case(
        &[&ana("123,Ana,Lopez,03,ana.lopez,")],
        &[(2, "leading-zeros-lost")],
    );
    let fix = find(&report, "leading-zeros-lost")
        .fix
        .as_ref()
        .expect("fix");
    assert_eq!(fix.value, "00123");
    check_case(
        &[&ana("0123,Ana,Lopez,03,ana.lopez,")],
        &[(2, "leading-zeros-lost")],
    );
    check_case(&[&ana("1234,Ana,Lopez,03,ana.lopez,")], &[]);
}

#[test]
fn leading_zeros_lost_beside_a_removed_or_modified_guid() {
    // `123` is not Ana's Student ID (`00123`), so the username identifies her; her exported
    // Student ID is then `123` with its zeros.
    for guid in ["", "11111111-1111-4111-8111-111111111112"] {
        let code = if guid.is_empty() {
            "guid-removed"
        } else {
            "guid-modified"
        };
        let report = check_case(
            &[&format!("{guid},123,Ana,Lopez,03,ana.lopez,")],
            &[(2, code), (2, "leading-zeros-lost")],
        );
        let fix = find(&report, "leading-zeros-lost")
            .fix
            .as_ref()
            .expect("fix");
        assert_eq!((fix.row.get(), fix.value.as_str()), (2, "00123"));
        let row = &report.rows[0];
        assert_eq!(row.outcome, Outcome::Error);
        assert_eq!(row.guid.as_deref(), Some(ANA));
        assert_eq!(
            row.matched_by.map(|by| by.as_str()),
            Some("username"),
            "{guid:?}"
        );
    }
    // With the zeros kept, only the GUID error.
    check_case(&[",00123,Ana,Lopez,03,ana.lopez,"], &[(2, "guid-removed")]);
}

#[test]
fn a_password_equal_to_the_stored_username_is_weak_when_the_username_is_blank() {
    let report = check_case(
        &[&ana("00123,Ana,Lopez,03,,ANA.Lopez")],
        &[(2, "weak-password")],
    );
    assert!(
        find(&report, "weak-password")
            .message(Lang::En)
            .contains("the same as the username")
    );
    // A good password with the username left blank changes only the password.
    let report = check_case(&[&ana("00123,Ana,Lopez,03,,Sunflower!42")], &[]);
    assert_eq!(report.rows[0].outcome, Outcome::Update);
    // The row's own username counts when it is given: a new one frees the old as a password.
    check_case(&[&ana("00123,Ana,Lopez,03,ana.l,ana.lopez")], &[]);
    // Without a Username column the stored username is the one the student keeps.
    let edited = "Student GUID,Student ID,First Name,Last Name,Grade Level,Password
        22222222-2222-4222-8222-222222222222,456,Ben,Kim,04,Ben.Kim
";
    assert_eq!(
        findings(&run(Some(EXPORT), edited)),
        [(Some(2), "weak-password")]
    );
    // A row that identifies its student (guid-removed) is taken to be that student.
    check_case(
        &[",456,Ben,Kim,04,,ben.kim"],
        &[(2, "guid-removed"), (2, "weak-password")],
    );
    // A weak password is reported once, and a new student has no stored username.
    check_case(
        &[&ana("00123,Ana,Lopez,03,,short")],
        &[(2, "weak-password")],
    );
    check_case(&[",,Zed,Young,05,,ana.lopez"], &[]);
}

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
