//! ## What it does
//! Checks First Name and Last Name: required, 1 to 64 characters, no control characters or line
//! breaks, and not starting with `=` `+` `-` `@`.
//!
//! ## Why it matters
//! Names appear on sign-in cards and class lists. A line break pasted from another document
//! splits a name in two; a leading `=` makes every spreadsheet that opens the roster later run
//! the name as a formula.
//!
//! ## Example
//! First Name `=HYPERLINK("…")`, or `Ana` followed by a line break.
//!
//! ## Fix
//! Type the name, remove the line break (offered), remove the leading sign (offered).

use crate::code::Finding;
use crate::diagnostic::Diagnostic;
use crate::rules::CellAt;

/// Longest name, in characters.
pub const MAX_NAME_CHARS: usize = 64;

/// Line breaks are Cc characters plus U+2028 and U+2029.
pub fn is_forbidden(ch: char) -> bool {
    ch.is_control() || ch == '\u{2028}' || ch == '\u{2029}'
}

/// The characters that make a spreadsheet program read a cell as a formula.
pub fn formula_sign(text: &str) -> Option<char> {
    text.chars()
        .next()
        .filter(|ch| matches!(ch, '=' | '+' | '-' | '@'))
}

pub fn check(at: &CellAt, text: &str) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    if text.is_empty() {
        found.push(at.diagnostic(Finding::RequiredValue {
            column: at.column(),
        }));
        return found;
    }
    // A text has no more characters than bytes: most names need no count.
    let length = if text.len() <= MAX_NAME_CHARS {
        text.len()
    } else {
        text.chars().count()
    };
    if length > MAX_NAME_CHARS {
        found.push(at.diagnostic(Finding::ValueTooLong {
            column: at.column(),
            length: length as u32,
            limit: MAX_NAME_CHARS as u32,
        }));
    }
    let forbidden = if text.is_ascii() {
        text.bytes().any(|b| b.is_ascii_control())
    } else {
        text.chars().any(is_forbidden)
    };
    if forbidden {
        let cleaned: Vec<&str> = text
            .split(is_forbidden)
            .flat_map(str::split_whitespace)
            .collect();
        let cleaned = cleaned.join(" ");
        found.push(
            at.diagnostic(Finding::InvalidCharacters {
                column: at.column(),
                value: text.to_owned(),
            })
            .with_fix(if cleaned.is_empty() {
                None
            } else {
                at.fix(cleaned)
            }),
        );
    }
    if let Some(sign) = formula_sign(text) {
        let rest = text.trim_start_matches(['=', '+', '-', '@']).trim_start();
        found.push(
            at.diagnostic(Finding::FormulaLikeValue {
                column: at.column(),
                value: text.to_owned(),
                char: sign,
            })
            .with_fix(if rest.is_empty() { None } else { at.fix(rest) }),
        );
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Lang;
    use crate::field::Field;
    use crate::position::SheetRow;
    use crate::rules::test_support::{at, codes};

    fn check_name(text: &str, expect: &[&str]) {
        assert_eq!(
            codes(&check(&at(Field::FirstName), text)),
            expect,
            "name {text:?}"
        );
    }

    #[test]
    fn good_names_pass() {
        check_name("Ana", &[]);
        check_name("Nguyễn Thị", &[]);
        check_name("O'Brien-Smith", &[]);
        check_name(&"é".repeat(64), &[]);
    }

    #[test]
    fn bad_names_get_their_codes() {
        check_name("", &["required-value"]);
        check_name(&"a".repeat(65), &["value-too-long"]);
        check_name("Ana\nMaría", &["invalid-characters"]);
        check_name("Ana\u{2028}", &["invalid-characters"]);
        check_name("Ana\u{7}", &["invalid-characters"]);
        check_name("=1+1", &["formula-like-value"]);
        check_name("+Ana", &["formula-like-value"]);
        check_name("-Ana", &["formula-like-value"]);
        check_name("@Ana", &["formula-like-value"]);
        check_name("=A\tB", &["invalid-characters", "formula-like-value"]);
    }

    #[test]
    fn fixes_remove_line_breaks_and_leading_signs() {
        let found = check(&at(Field::LastName), "Garcia\r\nLopez");
        let fix = found[0].fix.as_ref().expect("a fix");
        assert_eq!(fix.value, "Garcia Lopez");
        assert_eq!((fix.row, fix.field), (SheetRow::new(5), Field::LastName));
        assert!(
            found[0].message(Lang::En).contains("\"Garcia⏎⏎Lopez\""),
            "{}",
            found[0].message(Lang::En)
        );
        let found = check(&at(Field::LastName), "=Smith");
        assert_eq!(
            found[0].fix.as_ref().map(|f| f.value.as_str()),
            Some("Smith")
        );
        let found = check(&at(Field::LastName), "==");
        assert_eq!(found[0].fix, None);
    }
}
