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

use crate::code::Finding;
use crate::cross::RowContext;
use crate::diagnostic::Diagnostic;
use crate::field::Field;
use crate::report::Change;

/// The text this value was before it was garbled, if it looks garbled.
pub fn repair(text: &str) -> Option<String> {
    if text.is_ascii() {
        return None;
    }
    let bytes = text
        .chars()
        .map(windows_1252)
        .collect::<Option<Vec<u8>>>()?;
    let repaired = String::from_utf8(bytes).ok()?;
    (repaired != text).then_some(repaired)
}

/// What Windows-1252 (as the WHATWG Encoding Standard defines it) maps to bytes 0x80–0x9F;
/// 0xA0–0xFF are U+00A0–U+00FF, as in Latin-1.
const WINDOWS_1252_HIGH: [char; 32] = [
    '\u{20AC}', '\u{81}', '\u{201A}', '\u{192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}',
    '\u{2C6}', '\u{2030}', '\u{160}', '\u{2039}', '\u{152}', '\u{8D}', '\u{17D}', '\u{8F}',
    '\u{90}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}',
    '\u{2DC}', '\u{2122}', '\u{161}', '\u{203A}', '\u{153}', '\u{9D}', '\u{17E}', '\u{178}',
];

/// The Windows-1252 byte of `c`, if it has one. Written out rather than asked of encoding_rs:
/// its encoder brings every legacy encoding's tables into the WebAssembly (about 100 KB
/// gzipped), and this is the only text Rollcall ever encodes.
fn windows_1252(c: char) -> Option<u8> {
    match u32::from(c) {
        code @ (0..=0x7F | 0xA0..=0xFF) => Some(code as u8),
        _ => WINDOWS_1252_HIGH
            .iter()
            .position(|&high| high == c)
            .map(|i| 0x80 + i as u8),
    }
}

pub fn check(ctx: &RowContext, changes: &[Change]) -> Vec<Diagnostic> {
    changes
        .iter()
        .filter(|change| matches!(change.field, Field::FirstName | Field::LastName))
        .filter_map(|change| {
            let fixed = repair(&change.new)?;
            let at = ctx.at(change.field);
            Some(
                at.diagnostic(Finding::Mojibake {
                    column: at.column(),
                    value: change.new.clone(),
                    fixed: fixed.clone(),
                })
                .with_fix(at.fix(fixed)),
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
        // `Á` is C3 81; 0x81 has no letter in Windows-1252 and reads as U+0081.
        assert_eq!(repair("\u{C3}\u{81}lvaro").as_deref(), Some("Álvaro"));
    }

    #[test]
    fn windows_1252_is_the_whatwg_one() {
        for code in 0..=0x10FFFF {
            let Some(c) = char::from_u32(code) else {
                continue;
            };
            let mut utf8 = [0; 4];
            let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(c.encode_utf8(&mut utf8));
            let expected = (!unmappable).then(|| bytes[0]);
            assert_eq!(windows_1252(c), expected, "U+{code:04X}");
        }
    }

    #[test]
    fn real_names_are_left_alone() {
        for name in ["José", "Müller", "Nguyễn", "Zoë", "Smith", "Ã"] {
            assert_eq!(repair(name), None, "{name}");
        }
    }
}
