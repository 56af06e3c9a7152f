//! ## What it does
//! Refuses a roster cell longer than the cell limit (1,024 characters by default).
//!
//! ## Why it matters
//! A cell that long is a paste gone wrong; no roster field can hold it.
//!
//! ## Example
//! A First Name cell holding a whole paragraph.
//!
//! ## Fix
//! Shorten the value. Code: `value-too-long`.

use crate::code::Finding;
use crate::diagnostic::Diagnostic;
use crate::rules::CellAt;

pub fn check(at: &CellAt, text: &str, limit: u32) -> Option<Diagnostic> {
    // A text has no more characters than bytes.
    if text.len() <= limit as usize {
        return None;
    }
    let length = text.chars().count();
    (length > limit as usize).then(|| {
        at.diagnostic(Finding::ValueTooLong {
            column: at.column(),
            length: length as u32,
            limit,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::Field;
    use crate::rules::test_support::at;
    use crate::{Code, Lang};

    #[test]
    fn over_the_limit_is_refused() {
        let at = at(Field::Username);
        assert!(check(&at, &"a".repeat(1024), 1024).is_none());
        let d = check(&at, &"é".repeat(1025), 1024).expect("too long");
        assert_eq!(d.code(), Code::ValueTooLong);
        assert_eq!(
            d.message(Lang::En),
            "Username is 1025 characters long; at most 1024 are allowed. Shorten it."
        );
    }
}
