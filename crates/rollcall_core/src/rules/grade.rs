//! ## What it does
//! Checks Grade Level against the OneRoster vocabulary (`IT PR PK TK KG 01`–`13 PS UG Other`)
//! and normalises the spellings people type: `K`, `Kindergarten`, `0` → `KG`; `3`, `3rd`,
//! `Grade 3` → `03`; `Pre-K`, `PreK` → `PK`; any case. A normalised grade is reported as info
//! `grade-normalized`; anything else is `invalid-grade`, and an empty cell `required-value`.
//!
//! ## Why it matters
//! Grades drive class placement and content; a grade the server does not know stops the row.
//!
//! ## Example
//! `1st` becomes `01`; `Grade Z` and `14` are refused.
//!
//! ## Fix
//! Use one of the listed grade levels.

use crate::code::Finding;
use crate::diagnostic::Diagnostic;
use crate::rules::CellAt;

/// The OneRoster grade levels, in their standard spelling.
pub const GRADES: [&str; 21] = [
    "IT", "PR", "PK", "TK", "KG", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11",
    "12", "13", "PS", "UG", "Other",
];

/// The standard form of a grade as typed, or `None` when it is not a grade.
pub fn normalize(text: &str) -> Option<&'static str> {
    let text = crate::text::trim(text);
    // Nearly every cell is a two-digit grade already: found without a search.
    if let [tens @ b'0'..=b'1', ones @ b'0'..=b'9'] = *text.as_bytes() {
        let n = usize::from(tens - b'0') * 10 + usize::from(ones - b'0');
        if (1..=13).contains(&n) {
            return Some(GRADES[4 + n]);
        }
    }
    if let Some(grade) = GRADES.iter().find(|g| **g == text) {
        return Some(grade);
    }
    // The longest accepted spelling is "kindergarten"; "grade 12th" and "grade 3rd" are shorter.
    if text.len() > 16 || !text.is_ascii() {
        return None;
    }
    let mut buffer = [0u8; 16];
    let lower = &mut buffer[..text.len()];
    lower.copy_from_slice(text.as_bytes());
    lower.make_ascii_lowercase();
    let lower = std::str::from_utf8(lower).ok()?;
    if let Some(grade) = GRADES.iter().find(|g| g.eq_ignore_ascii_case(lower)) {
        return Some(grade);
    }
    match lower {
        "k" | "kindergarten" => return Some("KG"),
        "pre-k" | "prek" | "pre k" => return Some("PK"),
        _ => {}
    }
    let number = lower.strip_prefix("grade").map_or(lower, str::trim_start);
    if number != lower && matches!(number, "k" | "kg") {
        return Some("KG");
    }
    if number == "0" {
        return Some("KG");
    }
    // `1`…`13` and the two-digit forms; `00` and `007` are not grades.
    let digits = ordinal_digits(number).unwrap_or(number);
    if digits.is_empty() || digits.len() > 2 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match digits.parse::<usize>() {
        Ok(n @ 1..=13) => Some(GRADES[4 + n]),
        _ => None,
    }
}

/// `1st` → `1`, `2nd` → `2`, `3rd` → `3`, `4th`…`12th` → the number; other text is `None`.
fn ordinal_digits(text: &str) -> Option<&str> {
    let (digits, suffix) = text.split_at(text.find(|c: char| !c.is_ascii_digit())?);
    let n: u32 = digits.parse().ok()?;
    let expected = match n {
        1 => "st",
        2 => "nd",
        3 => "rd",
        4..=12 => "th",
        _ => return None,
    };
    (suffix == expected).then_some(digits)
}

/// Checks a grade cell; returns the standard grade (when valid) and the finding, if any.
#[inline]
pub fn check(at: &CellAt, text: &str) -> (Option<&'static str>, Option<Diagnostic>) {
    if text.is_empty() {
        return (
            None,
            Some(at.diagnostic(Finding::RequiredValue {
                column: at.column(),
            })),
        );
    }
    match normalize(text) {
        Some(grade) if grade == text => (Some(grade), None),
        Some(grade) => {
            let diagnostic = at
                .diagnostic(Finding::GradeNormalized {
                    value: text.to_owned(),
                    fixed: grade.to_owned(),
                })
                .with_fix(at.fix(grade));
            (Some(grade), Some(diagnostic))
        }
        None => {
            let diagnostic = at.diagnostic(Finding::InvalidGrade {
                value: text.to_owned(),
            });
            (None, Some(diagnostic))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Lang;
    use crate::field::Field;
    use crate::rules::test_support::at;

    fn check_grade(text: &str, grade: Option<&str>, code: Option<&str>) {
        let (found, diagnostic) = check(&at(Field::Grade), text);
        assert_eq!(found, grade, "grade {text:?}");
        assert_eq!(
            diagnostic.map(|d| d.code().as_str()),
            code,
            "grade {text:?}"
        );
    }

    #[test]
    fn standard_grades_pass_silently() {
        for grade in GRADES {
            check_grade(grade, Some(grade), None);
        }
    }

    #[test]
    fn accepted_spellings_are_normalised() {
        let info = Some("grade-normalized");
        for (typed, grade) in [
            ("K", "KG"),
            ("k", "KG"),
            ("kg", "KG"),
            ("Kindergarten", "KG"),
            ("0", "KG"),
            ("1", "01"),
            ("3", "03"),
            ("13", "13"),
            ("1st", "01"),
            ("2nd", "02"),
            ("3RD", "03"),
            ("4th", "04"),
            ("12th", "12"),
            ("Grade 5", "05"),
            ("grade 10", "10"),
            ("Grade 3rd", "03"),
            ("Pre-K", "PK"),
            ("PreK", "PK"),
            ("prek", "PK"),
            ("other", "Other"),
            ("ug", "UG"),
        ] {
            if typed == grade {
                check_grade(typed, Some(grade), None);
            } else {
                check_grade(typed, Some(grade), info);
            }
        }
    }

    #[test]
    fn other_values_are_invalid() {
        for typed in [
            "14", "19", "00", "Grade Z", "1th", "3st", "13th", "-1", "3.5", "first", "K5", "001",
        ] {
            check_grade(typed, None, Some("invalid-grade"));
        }
        check_grade("", None, Some("required-value"));
    }

    #[test]
    fn the_normalised_grade_is_offered_as_a_fix() {
        let (_, diagnostic) = check(&at(Field::Grade), "1st");
        let diagnostic = diagnostic.expect("info");
        assert_eq!(
            diagnostic.message(Lang::En),
            "Grade \"1st\" will be saved as 01."
        );
        assert_eq!(diagnostic.fix.map(|f| f.value), Some("01".to_owned()));
    }
}
