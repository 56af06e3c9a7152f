//! ## What it does
//! Checks the username: optional (a new student without one gets a generated username); 3 to
//! 64 of `a–z 0–9 . _ - @`. Capital letters are folded to lower case and reported as info
//! `username-normalized`; anything else that does not fit is `invalid-username`.
//!
//! ## Why it matters
//! Students type their username to sign in; usernames are unique across the whole server.
//!
//! ## Example
//! `Ana.Lopez` becomes `ana.lopez`; `ana lopez` and `al` are refused.
//!
//! ## Fix
//! Use only the allowed characters. For spaces, a fix with dots is offered.

use crate::code::Finding;
use crate::diagnostic::Diagnostic;
use crate::rules::CellAt;
use crate::text::ByteSet;

/// Three to 64 of: lower-case ASCII letters, digits, `.` `_` `-` `@`.
pub fn is_valid(text: &str) -> bool {
    const ALLOWED: ByteSet = ByteSet::of(b"abcdefghijklmnopqrstuvwxyz0123456789._-@");
    (3..=64).contains(&text.len()) && ALLOWED.all(text)
}

/// The username as it is stored: folded to lower case.
pub fn fold(text: &str) -> String {
    text.to_lowercase()
}

/// Checks a non-empty username cell.
pub fn check(at: &CellAt, text: &str) -> Option<Diagnostic> {
    if is_valid(text) {
        return None;
    }
    let folded = fold(text);
    if !is_valid(&folded) {
        let suggestion = folded.split_whitespace().collect::<Vec<_>>().join(".");
        let fix = (suggestion != folded && is_valid(&suggestion)).then(|| at.fix(suggestion));
        let diagnostic = at
            .diagnostic(Finding::InvalidUsername {
                value: text.to_owned(),
            })
            .with_fix(fix.flatten());
        return Some(diagnostic);
    }
    Some(
        at.diagnostic(Finding::UsernameNormalized {
            value: text.to_owned(),
            fixed: folded.clone(),
        })
        .with_fix(at.fix(folded)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::Field;
    use crate::rules::test_support::at;

    fn check_username(text: &str, folded: &str, expect: Option<&str>) {
        let diagnostic = check(&at(Field::Username), text);
        assert_eq!(fold(text), folded, "username {text:?}");
        assert_eq!(
            diagnostic.map(|d| d.code().as_str()),
            expect,
            "username {text:?}"
        );
    }

    #[test]
    fn good_usernames_pass() {
        for name in [
            "ana.lopez",
            "abc",
            "a_b-c@school.org",
            "x9y",
            &"a".repeat(64),
        ] {
            check_username(name, name, None);
        }
    }

    #[test]
    fn capitals_are_folded_with_an_info() {
        check_username("Ana.Lopez", "ana.lopez", Some("username-normalized"));
        let d = check(&at(Field::Username), "ANA");
        assert_eq!(
            d.and_then(|d| d.fix).map(|f| f.value),
            Some("ana".to_owned())
        );
    }

    #[test]
    fn bad_usernames_are_invalid() {
        check_username("al", "al", Some("invalid-username"));
        check_username("ana lopez", "ana lopez", Some("invalid-username"));
        check_username("josé", "josé", Some("invalid-username"));
        check_username("ana+1", "ana+1", Some("invalid-username"));
        check_username(&"a".repeat(65), &"a".repeat(65), Some("invalid-username"));
    }

    #[test]
    fn spaces_get_a_dotted_suggestion() {
        let d = check(&at(Field::Username), "Ana Lopez");
        assert_eq!(
            d.and_then(|d| d.fix).map(|f| f.value),
            Some("ana.lopez".to_owned())
        );
    }
}
