//! ## What it does
//! Checks the Student ID: optional; 1 to 32 of `A–Z a–z 0–9 . _ -`, starting with a letter or a
//! digit (`invalid-student-id`). A value like `1.23457E+11` is `student-id-scientific`.
//!
//! ## Why it matters
//! The Student ID finds the student on the next import and links the account to the school's
//! information system. Excel shows long numbers in scientific notation and, once saved as CSV,
//! the digits are gone for good.
//!
//! ## Example
//! `1.23457E+11`, `#4411`, `ID 17`.
//!
//! ## Fix
//! Type the full Student ID; format the column as Text before saving.

use crate::code::Finding;
use crate::diagnostic::Diagnostic;
use crate::rules::CellAt;

pub const MAX_STUDENT_ID_CHARS: usize = 32;

pub fn is_valid(text: &str) -> bool {
    let bytes = text.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= MAX_STUDENT_ID_CHARS
        && bytes[0].is_ascii_alphanumeric()
        && bytes
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// `1.23457E+11`, `1E+15`, `4.5e+12`: a number in scientific notation.
pub fn is_scientific(text: &str) -> bool {
    // Nearly every Student ID has no `E`: one pass over its bytes settles it.
    if !text
        .bytes()
        .fold(false, |any, byte| any | (byte | 0x20 == b'e'))
    {
        return false;
    }
    let Some((mantissa, exponent)) = text.split_once(['E', 'e']) else {
        return false;
    };
    let exponent = exponent.strip_prefix('+').unwrap_or(exponent);
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(whole) && digits(fraction) && digits(exponent)
}

pub fn check(at: &CellAt, text: &str) -> Option<Diagnostic> {
    if is_valid(text) && !is_scientific(text) {
        return None;
    }
    let value = text.to_owned();
    Some(at.diagnostic(if is_scientific(text) {
        Finding::StudentIdScientific { value }
    } else {
        Finding::InvalidStudentId { value }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::Field;
    use crate::rules::test_support::at;

    fn check_id(text: &str, expect: Option<&str>) {
        let found = check(&at(Field::StudentId), text).map(|d| d.code().as_str());
        assert_eq!(found, expect, "student id {text:?}");
    }

    #[test]
    fn good_ids_pass() {
        for id in ["1", "002914", "A-17.b_2", "x", &"9".repeat(32)] {
            check_id(id, None);
        }
    }

    #[test]
    fn bad_ids_are_invalid() {
        for id in [
            "#4411",
            "ID 17",
            "-17",
            ".5",
            "_a",
            "ñ17",
            &"9".repeat(33),
            "12,5",
        ] {
            check_id(id, Some("invalid-student-id"));
        }
    }

    #[test]
    fn scientific_notation_gets_its_own_code() {
        for id in ["1.23457E+11", "1E+15", "4.5e+12", "2.1E11"] {
            check_id(id, Some("student-id-scientific"));
        }
        check_id("1E", None);
        check_id("1.5E+", Some("invalid-student-id"));
        check_id("E5", None);
    }
}
