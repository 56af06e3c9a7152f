//! The guards: `mass-change` per field and `mass-create`, at their edges, against an original
//! export and against a roster, and kept up to date by cell edits.

use rollcall_core::{
    Checker, Code, Field, Finding, Input, Options, Roster, SheetRow, Student, check,
};

/// A class of `n` students as an export: GUIDs, Student IDs, names, grade 03, usernames.
fn students(n: usize) -> Vec<Student> {
    (0..n)
        .map(|i| Student {
            guid: format!("{:08x}-0000-4000-8000-{:012x}", i + 1, i + 1),
            export_row: None,
            student_id: Some(format!("S{i:04}")),
            first_name: format!("First{i}"),
            last_name: format!("Last{i}"),
            grade: "03".to_owned(),
            username: Some(format!("user{i}")),
            classes: Vec::new(),
        })
        .collect()
}

const HEADER: &str = "Student GUID,Student ID,First Name,Last Name,Grade Level,Username,Password";

fn line(s: &Student) -> String {
    format!(
        "{},{},{},{},{},{},",
        s.guid,
        s.student_id.as_deref().unwrap_or(""),
        s.first_name,
        s.last_name,
        s.grade,
        s.username.as_deref().unwrap_or("")
    )
}

fn csv(students: &[Student]) -> String {
    let mut out = format!("{HEADER}\n");
    for s in students {
        out.push_str(&line(s));
        out.push('\n');
    }
    out
}

/// The guards of a check of `edited` against `original`, as (code, column, args).
fn guards(original: Option<&str>, edited: &str) -> Vec<(Code, Option<String>, Finding)> {
    let report = check(
        Input::new(edited.as_bytes(), Some("edited.csv")),
        original.map(|o| Input::new(o.as_bytes(), Some("export.csv"))),
        &Options::default(),
    );
    report
        .diagnostics
        .iter()
        .filter(|d| rollcall_core::guards::is_guard(d.code()))
        .map(|d| {
            assert_eq!(d.row, None, "a guard is about the whole file");
            (d.code(), d.column.clone(), d.finding.clone())
        })
        .collect()
}

/// The export of `n` students, and the same with the first `changed` first names changed.
fn first_names_changed(n: usize, changed: usize) -> (String, String) {
    let original = students(n);
    let mut edited = original.clone();
    for s in edited.iter_mut().take(changed) {
        s.first_name.push('x');
    }
    (csv(&original), csv(&edited))
}

#[test]
fn a_quarter_of_the_matched_rows_exactly_is_no_mass_change_one_more_is() {
    let (original, edited) = first_names_changed(60, 15);
    assert_eq!(guards(Some(&original), &edited), []);
    let (original, edited) = first_names_changed(60, 16);
    assert_eq!(
        guards(Some(&original), &edited),
        [(
            Code::MassChange,
            Some("First Name".to_owned()),
            Finding::MassChange {
                field: Field::FirstName,
                changed: 16,
                matched: 60
            }
        )]
    );
}

#[test]
fn nine_changed_rows_never_trip_ten_do() {
    let (original, edited) = first_names_changed(9, 9);
    assert_eq!(guards(Some(&original), &edited), []);
    let (original, edited) = first_names_changed(10, 10);
    assert_eq!(guards(Some(&original), &edited).len(), 1);
}

#[test]
fn each_field_is_guarded_on_its_own() {
    let original = students(20);
    type Edit = fn(&mut Student, usize);
    let edits: [(Field, Edit); 5] = [
        (Field::FirstName, |s, _| s.first_name.push('x')),
        (Field::LastName, |s, _| s.last_name.push('x')),
        (Field::Grade, |s, _| s.grade = "04".to_owned()),
        (Field::StudentId, |s, i| {
            s.student_id = Some(format!("N{i}"))
        }),
        (Field::Username, |s, i| s.username = Some(format!("new{i}"))),
    ];
    for (field, edit) in edits {
        let mut edited = original.clone();
        for (i, s) in edited.iter_mut().enumerate().take(11) {
            edit(s, i);
        }
        let found = guards(Some(&csv(&original)), &csv(&edited));
        assert_eq!(found.len(), 1, "{field:?}: {found:?}");
        assert_eq!(
            found[0].2,
            Finding::MassChange {
                field,
                changed: 11,
                matched: 20
            }
        );
    }
}

#[test]
fn one_column_sorted_on_its_own_trips_it_for_that_column() {
    let original = students(30);
    let mut edited = original.clone();
    let mut last: Vec<String> = edited.iter().map(|s| s.last_name.clone()).collect();
    last.sort_by(|a, b| b.cmp(a));
    for (s, name) in edited.iter_mut().zip(last) {
        s.last_name = name;
    }
    let found = guards(Some(&csv(&original)), &csv(&edited));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].1.as_deref(), Some("Last Name"));
}

#[test]
fn classes_changes_are_guarded_too() {
    let header = format!("{HEADER},Classes");
    let original = students(12);
    let rows = |class: &str| {
        let mut out = format!("{header}\n");
        for s in &original {
            out.push_str(&format!("{},{class}\n", line(s)));
        }
        out
    };
    let found = guards(Some(&rows("Math 3")), &rows("Art"));
    assert_eq!(
        found.iter().map(|f| f.2.clone()).collect::<Vec<_>>(),
        [Finding::MassChange {
            field: Field::Classes,
            changed: 12,
            matched: 12
        }]
    );
}

#[test]
fn mass_create_counts_the_non_blank_rows() {
    let original = students(30);
    let mut edited = original.clone();
    let new = |i: usize| format!(",,New{i},Pupil,03,,");
    // 10 new of 40 rows: a quarter exactly.
    let mut text = csv(&edited);
    for i in 0..10 {
        text.push_str(&new(i));
        text.push('\n');
    }
    assert_eq!(guards(Some(&csv(&original)), &text), []);
    text.push_str(&new(10));
    text.push('\n');
    assert_eq!(
        guards(Some(&csv(&original)), &text)
            .iter()
            .map(|f| f.2.clone())
            .collect::<Vec<_>>(),
        [Finding::MassCreate {
            created: 11,
            rows: 41
        }]
    );
    // A file of only new students: every row creates one.
    edited.clear();
    let only_new: String = std::iter::once(HEADER.to_owned())
        .chain((0..10).map(new))
        .collect::<Vec<_>>()
        .join("\n");
    assert_eq!(guards(Some(&csv(&original)), &only_new).len(), 1);
}

#[test]
fn no_guards_without_a_roster_to_compare_with() {
    let (_, edited) = first_names_changed(40, 40);
    assert_eq!(guards(None, &edited), []);
    let only_new: String = std::iter::once(HEADER.to_owned())
        .chain((0..20).map(|i| format!(",,New{i},Pupil,03,,")))
        .collect::<Vec<_>>()
        .join("\n");
    assert_eq!(guards(None, &only_new), []);
}

#[test]
fn against_a_roster_the_guards_are_the_same() {
    let original = students(20);
    let mut edited = original.clone();
    for s in edited.iter_mut().take(6) {
        s.grade = "05".to_owned();
    }
    let roster = Roster::new(&original);
    let checker = Checker::with_roster(
        Input::new(csv(&edited).into_bytes(), Some("edited.csv")),
        Some(roster.clone()),
        &Options::default(),
    );
    assert!(
        checker.guard_diagnostics().is_empty(),
        "6 of 20 is under 10"
    );
    for s in edited.iter_mut().take(12) {
        s.grade = "05".to_owned();
    }
    let checker = Checker::with_roster(
        Input::new(csv(&edited).into_bytes(), Some("edited.csv")),
        Some(roster),
        &Options::default(),
    );
    let found = checker.guard_diagnostics();
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].finding,
        Finding::MassChange {
            field: Field::Grade,
            changed: 12,
            matched: 20
        }
    );
    assert_eq!(checker.summary().warnings, 1);
}

#[test]
fn cell_edits_trip_and_clear_a_guard_as_a_full_check_would() {
    let (original, edited) = first_names_changed(40, 10);
    let mut checker = Checker::new(
        Input::new(edited.as_bytes(), Some("edited.csv")),
        Some(Input::new(original.as_bytes(), Some("export.csv"))),
        &Options::default(),
    );
    assert!(
        checker.guard_diagnostics().is_empty(),
        "10 of 40 is a quarter"
    );
    let delta = checker
        .set_cell(SheetRow::new(20), Field::FirstName, "Changed")
        .unwrap();
    assert_eq!(delta.guards.len(), 1, "11 of 40 is more than a quarter");
    assert_eq!(delta.summary.warnings, 1);
    assert_eq!(checker.report(), checker.rechecked().report());
    let delta = checker
        .set_cell(SheetRow::new(2), Field::FirstName, "First0")
        .unwrap();
    assert_eq!(delta.guards, []);
    assert_eq!(delta.summary.warnings, 0);
    assert_eq!(checker.report(), checker.rechecked().report());
}
