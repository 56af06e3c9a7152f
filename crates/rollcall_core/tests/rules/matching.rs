//! Matching a row to its student, and the rules that compare rows with each other and with
//! the roster.

use super::*;

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
