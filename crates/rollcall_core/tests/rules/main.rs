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

mod diff;
mod guards;
mod matching;
