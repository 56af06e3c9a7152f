//! ## What it does
//! Checks a password typed into the Password column: 8 to 128 characters, not equal to the
//! username (ignoring case), and no space at either end (Password cells are not trimmed). An
//! empty Password cell leaves the password unchanged, or gives a new student a temporary one.
//!
//! ## Why it matters
//! A short password or one equal to the username is guessed in seconds; a trailing space copied
//! from another document makes the password impossible to type.
//!
//! ## Example
//! `ana.lopez` as the password of `ana.lopez`; `Sunflower42 ` with a trailing space.
//!
//! ## Fix
//! Choose another password. The message never repeats the password.

use crate::code::Finding;
use crate::diagnostic::Diagnostic;
use crate::message::PasswordProblem;
use crate::rules::CellAt;

fn reason(text: &str, username: Option<&str>) -> Option<PasswordProblem> {
    let length = text.chars().count();
    if length < 8 {
        return Some(PasswordProblem::TooShort);
    }
    if length > 128 {
        return Some(PasswordProblem::TooLong);
    }
    if text.starts_with(char::is_whitespace) || text.ends_with(char::is_whitespace) {
        return Some(PasswordProblem::Whitespace);
    }
    if username.is_some_and(|name| name.to_lowercase() == text.to_lowercase()) {
        return Some(PasswordProblem::SameAsUsername);
    }
    None
}

/// Checks a non-empty password cell. The diagnostic never carries the password: no fix is
/// offered, since a fix would have to repeat it.
pub fn check(at: &CellAt, text: &str, username: Option<&str>) -> Option<Diagnostic> {
    let reason = reason(text, username)?;
    Some(at.diagnostic(Finding::WeakPassword { reason }))
}

/// Checks a password a student types for herself (not in a file): the same rule, as a finding
/// about no row.
pub fn check_own(text: &str, username: &str) -> Option<Diagnostic> {
    let reason = reason(text, Some(username))?;
    Some(Diagnostic::new(Finding::WeakPassword { reason }, None))
}

/// Checks a non-empty password cell on a row whose Username cell is blank against the username
/// the student keeps, `stored`. Nothing when the password already fails on its own: [`check`]
/// reports that, once.
pub fn check_stored(at: &CellAt, text: &str, stored: &str) -> Option<Diagnostic> {
    if reason(text, None).is_some() {
        return None;
    }
    check(at, text, Some(stored))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::Field;
    use crate::rules::test_support::at;
    use crate::{Code, Lang};

    fn check_password(text: &str, username: Option<&str>, weak: bool) {
        let found = check(&at(Field::Password), text, username);
        assert_eq!(found.is_some(), weak, "password {text:?}");
        if let Some(d) = found {
            assert_eq!(d.code(), Code::WeakPassword);
            assert!(
                !d.message(Lang::En).contains(text.trim()),
                "the message repeats the password"
            );
        }
    }

    #[test]
    fn good_passwords_pass() {
        check_password("Sunflower!42", Some("liam.patel"), false);
        check_password("12345678", None, false);
        check_password(&"p".repeat(128), None, false);
        check_password("in between spaces", None, false);
    }

    #[test]
    fn weak_passwords_are_refused() {
        check_password("Abc12", None, true);
        check_password(&"p".repeat(129), None, true);
        check_password("Liam.Patel", Some("liam.patel"), true);
        check_password(" Sunflower42", None, true);
        check_password("Sunflower42\u{a0}", None, true);
    }

    #[test]
    fn a_password_equal_to_the_stored_username_is_weak_once() {
        let weak = check_stored(&at(Field::Password), "Liam.Patel", "liam.patel").expect("weak");
        assert_eq!(weak.code(), Code::WeakPassword);
        let message = weak.message(Lang::En);
        assert!(message.contains("the same as the username"), "{message}");
        assert!(!message.contains("Liam.Patel"));
        assert_eq!(
            check_stored(&at(Field::Password), "Sunflower!42", "liam.patel"),
            None
        );
        // A password too short is reported by `check` already, not a second time.
        assert_eq!(check_stored(&at(Field::Password), "abc", "abc"), None);
    }

    #[test]
    fn a_password_is_never_repeated_not_even_in_a_fix() {
        let d = check(&at(Field::Password), "Sunflower42 ", None).expect("weak");
        assert_eq!(d.fix, None);
        assert!(
            d.message(Lang::En)
                .starts_with("The password starts or ends with a space.")
        );
        let d = check(&at(Field::Password), "corta", None).expect("weak");
        assert!(
            d.message(Lang::Es)
                .starts_with("La contraseña tiene menos de 8 caracteres."),
            "{}",
            d.message(Lang::En)
        );
    }
}
