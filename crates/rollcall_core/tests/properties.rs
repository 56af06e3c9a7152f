//! Property tests: reading never panics, a file diffed with itself changes nothing, reports are
//! deterministic, change-sets reproduce the edited values, and the incremental checker always
//! agrees with a full check.

use std::collections::BTreeMap;

use proptest::prelude::*;
use rollcall_core::{
    Checker, Field, Input, Lang, Op, Options, Outcome, RowIndex, SheetRow, check, read,
};

const GUIDS: [&str; 6] = [
    "11111111-1111-4111-8111-111111111111",
    "22222222-2222-4222-8222-222222222222",
    "33333333-3333-4333-8333-333333333333",
    "44444444-4444-4444-8444-444444444444",
    "55555555-5555-4555-8555-555555555555",
    "66666666-6666-4666-8666-666666666666",
];
const HEADER: &str =
    "Student GUID,Student ID,First Name,Last Name,Grade Level,Username,Password,Classes";

/// An export of `n` students with distinct GUIDs, Student IDs and usernames (long enough to be
/// valid passwords, so that a password equal to a username is weak for that reason alone).
fn export(n: usize) -> String {
    let firsts = ["Ana", "Ben", "Cara", "Dev", "Eli", "Fay"];
    let grades = ["KG", "01", "03", "03", "12", "PK"];
    let classes = [
        "Math 3",
        "Math 3; Reading",
        "",
        "Reading",
        "Art; math 3",
        "Math 3",
    ];
    let mut text = format!("{HEADER}\n");
    for i in 0..n {
        text.push_str(&format!(
            "{},00{i}{i},{},Lopez,{},username.{i},,{}\n",
            GUIDS[i], firsts[i], grades[i], classes[i]
        ));
    }
    text
}

/// A value for a cell, from a small vocabulary so that rows collide often.
fn cell(field: Field) -> BoxedStrategy<String> {
    let pick = |values: &'static [&'static str]| {
        proptest::sample::select(values)
            .prop_map(str::to_owned)
            .boxed()
    };
    match field {
        Field::Guid => pick(&[
            "",
            "11111111-1111-4111-8111-111111111111",
            "22222222-2222-4222-8222-222222222222",
            "33333333-3333-4333-8333-333333333333",
            "44444444-4444-4444-8444-444444444444",
            "99999999-9999-4999-8999-999999999999",
            "11111111-1111-4111-8111-11111111111X",
        ]),
        Field::StudentId => pick(&[
            "", "0000", "0011", "11", "0022", "0033", "22", "ABC", "1E+5",
        ]),
        Field::FirstName => pick(&["Ana", "Ben", "Cara", "", "=Bad", "JosÃ©", "ana"]),
        Field::LastName => pick(&["Lopez", "López", "Kim", ""]),
        Field::Grade => pick(&["KG", "01", "3", "03", "k", "14", ""]),
        Field::Username => pick(&[
            "",
            "username.0",
            "username.1",
            "username.2",
            "Username.3",
            "new.one",
            "x",
        ]),
        Field::Password => pick(&["", "Sunflower!42", "short", "Username.1"]),
        Field::Classes => pick(&[
            "",
            "Math 3",
            "reading; MATH 3",
            "Math3",
            "Science Club",
            "science club",
            "Science Club; Art",
            "SCIENCE CLUB; art",
            "Reading;reading",
            "=Bad",
        ]),
    }
}

fn row() -> impl Strategy<Value = Vec<String>> {
    Field::ALL.map(cell).to_vec()
}

fn csv_line(cells: &[String]) -> String {
    cells.join(",")
}

fn edited(rows: &[Vec<String>]) -> String {
    let mut text = format!("{HEADER}\n");
    for row in rows {
        text.push_str(&csv_line(row));
        text.push('\n');
    }
    text
}

fn options() -> Options {
    Options::default()
}

/// Options whose report lists every non-blank row, for comparing rows one by one.
fn all_rows() -> Options {
    Options {
        all_rows: true,
        ..Options::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn reading_arbitrary_bytes_never_panics(
        bytes in proptest::collection::vec(any::<u8>(), 0..512),
        name in proptest::sample::select(vec!["x.csv", "x.xlsx", "x.xls", "x.ods", ""]),
    ) {
        let name = (!name.is_empty()).then_some(name);
        let _ = read::read(&bytes, name, &options());
        let _ = check(Input::new(&bytes, name), Some(Input::new(&bytes, None)), &options());
    }

    #[test]
    fn reading_csv_like_text_never_panics(text in "[a-z,;\t\"\r\n ]{0,200}") {
        let with_header = format!("First Name,Last Name,Grade\n{text}");
        let _ = read::read(with_header.as_bytes(), Some("x.csv"), &options());
        let _ = read::read(text.as_bytes(), Some("x.csv"), &options());
    }

    #[test]
    fn a_file_diffed_with_itself_changes_nothing(n in 1usize..6) {
        let export = export(n);
        let report = check(
            Input::new(export.as_bytes(), None),
            Some(Input::new(export.as_bytes(), None)),
            &options(),
        );
        prop_assert_eq!(report.summary.unchanged as usize, n);
        prop_assert!(report.rows.iter().all(|r| r.changes.is_empty() && r.outcome == Outcome::Unchanged));
        prop_assert!(report.diagnostics.is_empty());
    }

    #[test]
    fn reports_are_deterministic(rows in proptest::collection::vec(row(), 1..8)) {
        let export = export(4);
        let edited = edited(&rows);
        let run = |lang| check(
            Input::new(edited.as_bytes(), Some("e.csv")),
            Some(Input::new(export.as_bytes(), Some("x.csv"))),
            &options(),
        ).to_json(lang);
        prop_assert_eq!(run(Lang::En), run(Lang::En));
        // The streamed JSON the command line writes is the same bytes, in either language and
        // with every row listed or not.
        let mut reports = Vec::new();
        for options in [options(), all_rows()] {
            let checker = Checker::new(
                Input::new(edited.as_bytes(), Some("e.csv")),
                Some(Input::new(export.as_bytes(), Some("x.csv"))),
                &options,
            );
            let report = checker.report();
            for lang in [Lang::En, Lang::Es] {
                let mut streamed = Vec::new();
                checker.write_report_json(&mut streamed, lang).expect("write");
                prop_assert_eq!(String::from_utf8(streamed).expect("utf-8"), report.to_json(lang));
                // The package's parts, its strings all ASCII, are the same value.
                let parts = checker.report_parts(lang);
                prop_assert!(parts.strings.is_ascii());
                prop_assert_eq!(
                    parts.to_value(),
                    serde_json::from_str::<serde_json::Value>(&report.to_json(lang)).expect("JSON")
                );
            }
            reports.push(report);
        }
        prop_assert_eq!(reports[0].to_json(Lang::En), run(Lang::En));
        // The lean report is the full one without its unchanged rows that carry no diagnostic.
        let (lean, full) = (&reports[0], &reports[1]);
        let quiet = |row: Option<SheetRow>| !full.diagnostics.iter().any(|d| d.row == row && row.is_some());
        let kept: Vec<_> = full
            .rows
            .iter()
            .filter(|r| r.outcome != Outcome::Unchanged || !quiet(r.row))
            .cloned()
            .collect();
        prop_assert_eq!(&lean.rows, &kept);
        prop_assert_eq!((&lean.summary, &lean.diagnostics), (&full.summary, &full.diagnostics));
    }

    #[test]
    fn a_change_set_reproduces_the_edited_values(rows in proptest::collection::vec(row(), 1..8)) {
        let export = export(4);
        let edited = edited(&rows);
        let checker = Checker::new(
            Input::new(edited.as_bytes(), Some("e.csv")),
            Some(Input::new(export.as_bytes(), Some("x.csv"))),
            &all_rows(),
        );
        let report = checker.report();
        let change_set = checker.change_set("school-1", "id", "2026-01-01T00:00:00Z");
        let roster = checker.roster().expect("roster");
        // Apply the updates to the original students.
        let mut students: BTreeMap<String, BTreeMap<Field, String>> = roster
            .students()
            .map(|s| {
                let values = Field::ALL
                    .into_iter()
                    .filter_map(|f| s.value(f).map(|v| (f, v.to_owned())))
                    .collect();
                (s.guid.to_owned(), values)
            })
            .collect();
        for op in &change_set.ops {
            if let Op::Update { guid, set, .. } = op {
                let student = students.get_mut(guid).expect("an update names a roster student");
                for (field, value) in &set.fields {
                    student.insert(*field, value.clone());
                }
            }
        }
        // Every updated or unchanged row now reads as the edited file says.
        for entry in report.rows.iter().filter(|r| matches!(r.outcome, Outcome::Update | Outcome::Unchanged)) {
            let row = entry.row.expect("a file row");
            let index = checker.table().index_of_row(row).expect("row");
            let student = &students[entry.guid.as_ref().expect("guid")];
            for field in [Field::FirstName, Field::LastName] {
                prop_assert_eq!(&student[&field], checker.table().cell(index, field).text);
            }
            let typed_grade = checker.table().cell(index, Field::Grade).text;
            let grade = rollcall_core::rules::grade::normalize(typed_grade).expect("valid grade");
            prop_assert_eq!(student[&Field::Grade].as_str(), grade);
            let username = checker.table().cell(index, Field::Username).text.to_lowercase();
            if !username.is_empty() {
                prop_assert_eq!(&student[&Field::Username], &username);
            }
            let password = checker.table().cell(index, Field::Password).text;
            if !password.is_empty() {
                prop_assert_eq!(&student[&Field::Password], password);
            }
        }
        // Rows with errors never become operations; creates carry their names.
        let error_rows: Vec<SheetRow> = report.rows.iter().filter(|r| r.outcome == Outcome::Error).filter_map(|r| r.row).collect();
        for op in &change_set.ops {
            let row = op.row();
            prop_assert!(!error_rows.contains(&row));
            if let Op::Create { values, row } = op {
                let index = checker.table().index_of_row(*row).expect("row");
                prop_assert_eq!(values.get(Field::FirstName), Some(checker.table().cell(index, Field::FirstName).text));
            }
        }
    }

    #[test]
    fn the_incremental_checker_agrees_with_a_full_check(
        rows in proptest::collection::vec(row(), 1..8),
        edits in proptest::collection::vec((0usize..8, 0usize..8, 0usize..64), 1..12),
        with_roster in any::<bool>(),
        lean in any::<bool>(),
    ) {
        let export = export(5);
        let edited = edited(&rows);
        let listed = if lean { options() } else { all_rows() };
        let mut checker = Checker::new(
            Input::new(edited.as_bytes(), Some("e.csv")),
            with_roster.then(|| Input::new(export.as_bytes(), Some("x.csv"))),
            &listed,
        );
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        for (row_pick, field_pick, value_pick) in edits {
            let row = SheetRow::new(2 + (row_pick % rows.len()) as u32);
            let field = Field::ALL[field_pick];
            let tree = cell(field).new_tree(&mut runner).expect("value");
            let mut value = tree.current();
            if value_pick % 5 == 0 { value = String::new(); }
            let delta = checker.set_cell(row, field, &value).expect("edit");
            let full = checker.rechecked().report();
            prop_assert_eq!(checker.report(), full.clone(), "after setting row {} {:?} to {:?}", row, field, value);
            prop_assert_eq!(delta.summary, full.summary);
            for update in &delta.rows {
                if let Some(entry) = full.rows.iter().find(|r| r.row == update.entry.row) {
                    prop_assert_eq!(entry, &update.entry);
                }
            }
            // Every re-checked row is as a full check sees it, listed in the report or not,
            // and the classes to create are spelled as a full check spells them.
            let fresh = checker.rechecked();
            prop_assert_eq!(checker.new_classes(), fresh.new_classes());
            for i in (0..checker.row_count()).map(RowIndex::at) {
                prop_assert_eq!(checker.row_state(i), fresh.row_state(i), "row index {:?}", i);
            }
        }
    }
}

#[test]
fn an_edit_updates_the_rows_it_collides_with() {
    let export = export(3);
    let edited = edited(&[
        vec![
            GUIDS[0].into(),
            "0000".into(),
            "Ana".into(),
            "Lopez".into(),
            "KG".into(),
            "username.0".into(),
            String::new(),
        ],
        vec![
            GUIDS[1].into(),
            "0011".into(),
            "Ben".into(),
            "Lopez".into(),
            "01".into(),
            "username.1".into(),
            String::new(),
        ],
    ]);
    let mut checker = Checker::new(
        Input::new(edited.as_bytes(), Some("e.csv")),
        Some(Input::new(export.as_bytes(), Some("x.csv"))),
        &options(),
    );
    assert_eq!(checker.summary().errors, 0);
    // Row 3 takes row 2's username: both rows get duplicate-username.
    let delta = checker
        .set_cell(SheetRow::new(3), Field::Username, "USERNAME.0")
        .expect("edit");
    let rows: Vec<(Option<u32>, Vec<&str>)> = delta
        .rows
        .iter()
        .map(|r| {
            (
                r.entry.row.map(SheetRow::get),
                r.diagnostics.iter().map(|d| d.code().as_str()).collect(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (Some(2), vec!["duplicate-username"]),
            (Some(3), vec!["duplicate-username", "username-normalized"]),
        ]
    );
    assert_eq!(delta.summary.errors, 2);
    assert_eq!(delta.summary.error, 2);
    // Undo: both rows are clean again.
    let delta = checker
        .set_cell(SheetRow::new(3), Field::Username, "username.1")
        .expect("edit");
    assert!(delta.rows.iter().all(|r| r.diagnostics.is_empty()));
    assert_eq!(delta.summary.errors, 0);
    // Removing Ben's GUID makes row 3 identify him: guid-removed, with the fix.
    let delta = checker
        .set_cell(SheetRow::new(3), Field::Guid, "")
        .expect("edit");
    assert_eq!(delta.rows[0].diagnostics[0].code().as_str(), "guid-removed");
    // Emptying a row makes it blank and its student absent.
    for field in Field::ALL {
        checker.set_cell(SheetRow::new(3), field, "").expect("edit");
    }
    let report = checker.report();
    assert_eq!(report.summary.blank, 1);
    assert_eq!(report.summary.absent, 2);
    assert!(
        checker
            .set_cell(SheetRow::new(9), Field::Username, "x")
            .is_err()
    );
}

#[test]
fn blanking_the_username_rechecks_the_password_against_the_stored_one() {
    let export = export(2);
    let edited = format!(
        "{HEADER}\n{},0011,Ben,Lopez,01,username.1,Username.1x\n",
        GUIDS[1]
    );
    let mut checker = Checker::new(
        Input::new(edited.as_bytes(), Some("e.csv")),
        Some(Input::new(export.as_bytes(), Some("x.csv"))),
        &options(),
    );
    assert_eq!(checker.summary().errors, 0);
    // The password becomes the stored username; the row's username is still given (username.1).
    checker
        .set_cell(SheetRow::new(2), Field::Password, "USERNAME.1")
        .expect("edit");
    assert_eq!(checker.summary().errors, 1);
    // A new username frees the old one as a password ...
    let delta = checker
        .set_cell(SheetRow::new(2), Field::Username, "ben.l")
        .expect("edit");
    assert!(delta.rows[0].diagnostics.is_empty());
    // ... and a blank one keeps it: the password rule runs again, against the stored username.
    let delta = checker
        .set_cell(SheetRow::new(2), Field::Username, "")
        .expect("edit");
    let codes: Vec<_> = delta.rows[0]
        .diagnostics
        .iter()
        .map(|d| d.code().as_str())
        .collect();
    assert_eq!(codes, ["weak-password"]);
    assert_eq!(checker.report(), checker.rechecked().report());
}

#[test]
fn a_large_file_streams_the_same_json_as_its_report() {
    // Large enough for the work to be split over threads and the rows written in chunks; the
    // middle rows are untouched, so that whole chunks of the lean report are empty.
    let untouched = 6_000..15_000u32;
    let kind = |i: u32| if untouched.contains(&i) { 4 } else { i % 50 };
    let mut export = format!("{HEADER}\n");
    let mut edited = format!("{HEADER}\n");
    for i in 0..20_000u32 {
        let guid = format!("{:08x}-0000-4000-8000-{:012x}", i, u64::from(i) * 7);
        export.push_str(&format!("{guid},{i:06},Ana,Lopez,03,user.{i},\n"));
        match kind(i) {
            0 => edited.push_str(&format!("{guid},{i:06},Anne,Lopez,03,user.{i},\n")),
            1 => edited.push_str(&format!("{guid},{i},Ana,Lopez,03,user.{i},\n")),
            2 => {}
            3 => edited.push_str(&format!(",,New{i},Student,05,,\n")),
            _ => edited.push_str(&format!("{guid},{i:06},Ana,Lopez,03,user.{i},\n")),
        }
    }
    let count = |k: u32| (0..20_000u32).filter(|&i| kind(i) == k).count() as u32;
    for options in [options(), all_rows()] {
        let checker = Checker::new(
            Input::new(edited.as_bytes(), Some("e.csv")),
            Some(Input::new(export.as_bytes(), Some("x.csv"))),
            &options,
        );
        let report = checker.report();
        assert_eq!(report.summary.update, count(0));
        assert_eq!(report.summary.error, count(1), "leading zeros lost");
        assert_eq!(report.summary.create, count(3));
        assert_eq!(
            report.summary.absent,
            count(2) + count(3),
            "removed and replaced students"
        );
        let listed = report.rows.len() as u32;
        if options.all_rows {
            assert_eq!(listed, report.summary.rows + report.summary.absent);
        } else {
            assert_eq!(
                listed,
                count(0) + count(1) + count(3) + report.summary.absent
            );
        }
        for lang in [Lang::En, Lang::Es] {
            let mut streamed = Vec::new();
            checker
                .write_report_json(&mut streamed, lang)
                .expect("write");
            assert_eq!(
                String::from_utf8(streamed).expect("utf-8"),
                report.to_json(lang)
            );
        }
        assert_eq!(checker.rechecked().report(), report);
    }
}
