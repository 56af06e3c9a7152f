//! ## What it does
//! Refuses a date- or time-typed cell in a roster column (`invalid-value`). No other value rule
//! is applied to that cell.
//!
//! ## Why it matters
//! Spreadsheet programs turn values such as `3-4` or `1/2` into dates; the text the teacher
//! typed is gone, and a grade or Student ID that became a date is wrong.
//!
//! ## Example
//! Grade Level `3/4` saved by Excel as the date 2026-03-04.
//!
//! ## Fix
//! Format the column as Text and type the value again.

use crate::code::Finding;
use crate::diagnostic::Diagnostic;
use crate::rules::CellAt;

pub fn check(at: &CellAt, shown_as: &str) -> Diagnostic {
    at.diagnostic(Finding::InvalidValue {
        column: at.column(),
        value: shown_as.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::Field;
    use crate::position::SheetRow;
    use crate::rules::test_support::at;
    use crate::{Code, Lang};

    #[test]
    fn a_date_cell_names_the_date() {
        let d = check(&at(Field::Grade), "2026-03-04");
        assert_eq!(d.code(), Code::InvalidValue);
        assert_eq!(d.row, Some(SheetRow::new(5)));
        assert!(
            d.message(Lang::En)
                .contains("Grade Level holds a date or time (2026-03-04)"),
            "{}",
            d.message(Lang::En)
        );
    }
}
