//! ## What it does
//! A changed name that looks like UTF-8 read as Windows-1252 (`JosÃ©`): warning `mojibake`,
//! with the repaired text as a fix.
//!
//! ## Why it matters
//! Opening a UTF-8 file in a program that assumes Windows-1252, then saving it, garbles every
//! accented letter; importing it renames the students.
//!
//! ## Example
//! `JosÃ©` for `José`, `MÃ¼ller` for `Müller`.
//!
//! ## Fix
//! Use the repaired text (offered), or re-export and edit the file as UTF-8.

use crate::code::Code;
use crate::cross::RowContext;
use crate::diagnostic::Diagnostic;
use crate::field::Field;
use crate::report::Change;
use crate::rules::shown;

/// The text this value was before it was garbled, if it looks garbled.
pub fn repair(text: &str) -> Option<String> {
    if text.is_ascii() {
        return None;
    }
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
    if unmappable {
        return None;
    }
    let repaired = std::str::from_utf8(&bytes).ok()?;
    (repaired != text).then(|| repaired.to_owned())
}

pub fn check(ctx: &RowContext, changes: &[Change]) -> Vec<Diagnostic> {
    changes
        .iter()
        .filter(|change| matches!(change.field, Field::FirstName | Field::LastName))
        .filter_map(|change| {
            let fixed = repair(&change.new)?;
            let at = ctx.at(change.field);
            Some(
                at.diagnostic(Code::Mojibake)
                    .arg("value", shown(&change.new))
                    .arg("fixed", fixed.clone())
                    .fix(at.fix(fixed))
                    .build(ctx.lang),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbled_utf8_is_repaired() {
        assert_eq!(repair("JosÃ©").as_deref(), Some("José"));
        assert_eq!(repair("MÃ¼ller").as_deref(), Some("Müller"));
        assert_eq!(repair("Nguyá»…n").as_deref(), Some("Nguyễn"));
    }

    #[test]
    fn real_names_are_left_alone() {
        for name in ["José", "Müller", "Nguyễn", "Zoë", "Smith", "Ã"] {
            assert_eq!(repair(name), None, "{name}");
        }
    }
}
