//! ## What it does
//! The exported Student ID of the student the row is about is the row's Student ID with
//! leading zeros (`00123` → `123`): `leading-zeros-lost`. The student is the one the row
//! matched or, on a row with `guid-modified` or `guid-removed`, the one it identifies: such a
//! row is taken to be that student, so it gets both errors.
//!
//! ## Why it matters
//! Spreadsheet programs read `00123` as the number 123 and save it without the zeros. The
//! Student ID would change without anyone meaning it, and the information system would no
//! longer recognise the student.
//!
//! ## Example
//! Student ID `002914` exported, `2914` in the edited file.
//!
//! ## Fix
//! Put back `002914` (offered) and format the column as Text before saving.

use crate::code::Finding;
use crate::cross::RowContext;
use crate::diagnostic::Diagnostic;
use crate::field::Field;

/// True when `original` is `edited` with one or more leading zeros.
pub fn lost_zeros(original: &str, edited: &str) -> bool {
    original.len() > edited.len()
        && !edited.is_empty()
        && original.ends_with(edited)
        && original[..original.len() - edited.len()]
            .bytes()
            .all(|b| b == b'0')
}

pub fn check(ctx: &RowContext) -> Option<Diagnostic> {
    let edited = ctx.text(ctx.values.student_id)?;
    let student = ctx.subject?;
    let original = student.student_id?;
    if !lost_zeros(original, edited) {
        return None;
    }
    let at = ctx.at(Field::StudentId);
    Some(
        at.diagnostic(Finding::LeadingZerosLost {
            value: edited.to_owned(),
            fixed: original.to_owned(),
        })
        .with_fix(at.fix(original)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_leading_zeros_count() {
        assert!(lost_zeros("00123", "123"));
        assert!(!lost_zeros("0", ""));
        assert!(lost_zeros("000", "0"));
        assert!(!lost_zeros("10123", "123"));
        assert!(!lost_zeros("123", "123"));
        assert!(!lost_zeros("00123", "0123a"));
    }
}
