//! The codes in SPEC.md and the code registry are the same set, with the same severities.

use std::collections::BTreeSet;
use std::path::Path;

use rollcall_core::{CODES, Severity};

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn is_word(text: &str) -> bool {
    text.split('-')
        .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase()))
}

/// The codes the spec names: every backticked kebab-case word (`guid-modified`), and every
/// backticked word that opens a table row (`| \`mojibake\` | warning |`).
fn spec_codes(spec: &str) -> BTreeSet<String> {
    let mut codes = BTreeSet::new();
    for part in spec.split('`').skip(1).step_by(2) {
        if part.contains('-') && is_word(part) {
            codes.insert(part.to_owned());
        }
    }
    for line in spec.lines() {
        let first_cell = line
            .strip_prefix("| `")
            .and_then(|rest| rest.split_once("` |"));
        if let Some((word, _)) = first_cell
            && is_word(word)
        {
            codes.insert(word.to_owned());
        }
    }
    codes
}

/// The shared contract, when it is beside the clone (as in every session and in CI). The
/// project carries no copy of it: its own words about the codes are docs/rules.md, generated
/// from the registry.
fn spec() -> Option<String> {
    let path = manifest_dir().join("../../../shared/SPEC.md");
    std::fs::read_to_string(path).ok()
}

/// Codes the spec names whose issue has not landed yet, and the issue that brings each.
const PENDING: [(&str, &str); 0] = [];

/// Codes the spec names that are error codes of the HTTP API (`rollcall_protocol::ErrorCode`,
/// whose own test checks them), not diagnostics.
const API_ERRORS: [&str; 2] = ["confirm-needed", "password-expired"];

#[test]
fn spec_and_registry_list_the_same_codes() {
    let from_registry: BTreeSet<String> = CODES.iter().map(|c| c.name.to_owned()).collect();
    assert_eq!(from_registry.len(), 44);
    for (code, _) in PENDING {
        assert!(
            !from_registry.contains(code),
            "{code} is in the registry now: take it off the pending list"
        );
    }
    let Some(spec) = spec() else {
        return;
    };
    let mut from_spec = spec_codes(&spec);
    for code in API_ERRORS {
        assert!(from_spec.remove(code), "SPEC.md no longer names {code}");
    }
    let pending: BTreeSet<String> = PENDING.iter().map(|(c, _)| (*c).to_owned()).collect();
    let missing: Vec<_> = from_spec
        .difference(&from_registry)
        .filter(|c| !pending.contains(*c))
        .collect();
    let extra: Vec<_> = from_registry.difference(&from_spec).collect();
    let stale: Vec<_> = pending.difference(&from_spec).collect();
    assert!(
        missing.is_empty(),
        "codes in SPEC.md but not in the registry: {missing:?}"
    );
    assert!(
        extra.is_empty(),
        "codes in the registry but not in SPEC.md: {extra:?}"
    );
    assert!(
        stale.is_empty(),
        "pending codes SPEC.md no longer names: {stale:?}"
    );
}

#[test]
fn severities_follow_the_spec() {
    let warnings = [
        "unknown-column",
        "encoding-fallback",
        "possible-duplicate",
        "mojibake",
        "similar-class",
        "mass-change",
        "mass-create",
    ];
    let infos = [
        "sheet-chosen",
        "grade-normalized",
        "username-normalized",
        "row-not-in-file",
        "classes-normalized",
        "new-class",
    ];
    for info in CODES {
        let expected = if warnings.contains(&info.name) {
            Severity::Warning
        } else if infos.contains(&info.name) {
            Severity::Info
        } else {
            Severity::Error
        };
        assert_eq!(info.severity, expected, "{}", info.name);
    }
}
