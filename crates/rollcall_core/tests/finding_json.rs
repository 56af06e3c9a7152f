//! A finding kept as JSON (as the server keeps a failed row's errors, to word them in the
//! language of whoever reads them later) reads back as the same finding, worded the same in
//! both languages. Every diagnostic of every fixture case under `tests/fixtures` is tried.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rollcall_core::{Checker, Finding, Input, Lang, Options};
use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

/// Every case directory (one holding an `expect.json`) under `dir`.
fn cases(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if path.join("expect.json").is_file() {
                found.push(path.clone());
            }
            cases(&path, found);
        }
    }
}

/// The findings of one case's check, as `expect.json` names its files.
fn findings(case: &Path) -> Vec<Finding> {
    let expect: Value =
        serde_json::from_slice(&std::fs::read(case.join("expect.json")).unwrap()).unwrap();
    let Some(edited_name) = expect["edited"].as_str() else {
        return Vec::new();
    };
    let original_name = match &expect.get("original") {
        Some(Value::String(name)) => Some(name.clone()),
        Some(_) => None,
        None => Some("export.csv".to_owned()),
    };
    let Ok(edited) = std::fs::read(case.join(edited_name)) else {
        return Vec::new();
    };
    let original = original_name
        .as_ref()
        .and_then(|name| std::fs::read(case.join(name)).ok());
    let checker = Checker::new(
        Input::new(&edited, Some(edited_name)),
        original
            .as_deref()
            .map(|bytes| Input::new(bytes, original_name.as_deref())),
        &Options::default(),
    );
    let report = checker.report();
    report
        .diagnostics
        .iter()
        .map(|d| d.finding.clone())
        .collect()
}

#[test]
fn every_finding_of_the_fixtures_reads_back_from_json_as_itself() {
    let mut found = Vec::new();
    cases(&fixtures(), &mut found);
    assert!(found.len() > 50, "only {} fixture cases found", found.len());
    let mut codes = BTreeSet::new();
    for case in &found {
        for finding in findings(case) {
            let json = serde_json::to_value(&finding).unwrap();
            assert_eq!(json["code"], finding.code().as_str(), "{}", case.display());
            let back: Finding = serde_json::from_value(json.clone())
                .unwrap_or_else(|e| panic!("{}: {json} does not read back: {e}", case.display()));
            assert_eq!(back, finding, "{}", case.display());
            for lang in [Lang::En, Lang::Es] {
                assert_eq!(
                    rollcall_core::message::render(&back, lang),
                    rollcall_core::message::render(&finding, lang)
                );
            }
            codes.insert(finding.code().as_str());
        }
    }
    // The fixtures raise most codes; a finding with a student, an owner, a file name and
    // a list of rows among them.
    assert!(codes.len() >= 30, "only {} codes: {codes:?}", codes.len());
    for code in [
        "duplicate-guid",
        "username-taken",
        "file-unreadable",
        "row-not-in-file",
    ] {
        assert!(codes.contains(code), "no fixture raises {code}");
    }
}

#[test]
fn a_finding_as_json_names_its_code_and_its_values() {
    let finding = Finding::UnknownGuid {
        value: "11111111-1111-4111-8111-111111111111".to_owned(),
    };
    assert_eq!(
        serde_json::to_string(&finding).unwrap(),
        r#"{"code":"unknown-guid","args":{"value":"11111111-1111-4111-8111-111111111111"}}"#
    );
    let unknown = serde_json::from_str::<Finding>(r#"{"code":"no-such-code","args":{}}"#);
    assert!(unknown.is_err());
}
