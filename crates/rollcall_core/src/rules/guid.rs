//! ## What it does
//! Recognises a Student GUID: a UUID in canonical hyphenated form, any case. A malformed GUID
//! that identifies no exported student is `invalid-guid` (raised by matching, because a changed
//! GUID that still identifies its student is `guid-modified` instead).
//!
//! ## Why it matters
//! The GUID is how the server finds the student to update; a broken one updates nobody.
//!
//! ## Example
//! `3f2c9a1d-…` with a character lost when a cell was edited.
//!
//! ## Fix
//! Copy the GUID from the export, or leave it empty for a new student.

use crate::text::ByteSet;

/// True for `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` with hexadecimal digits of any case.
///
/// Every byte is checked without an early exit: a random mix of digits and letters would make
/// a branch per byte mispredict about a third of the time (this runs on every row of both files).
pub fn is_guid(text: &str) -> bool {
    let Ok(bytes) = <&[u8; 36]>::try_from(text.as_bytes()) else {
        return false;
    };
    let mut ok = true;
    for (i, &byte) in bytes.iter().enumerate() {
        let wanted = if matches!(i, 8 | 13 | 18 | 23) {
            byte == b'-'
        } else {
            HEX_DIGITS.contains(byte)
        };
        ok &= wanted;
    }
    ok
}

/// The ASCII hexadecimal digits of either case.
const HEX_DIGITS: ByteSet = ByteSet::of(b"0123456789abcdefABCDEF");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_uuids_in_any_case() {
        assert!(is_guid("f149f542-e935-4870-9734-6b4501eaf614"));
        assert!(is_guid("F149F542-E935-4870-9734-6B4501EAF614"));
        assert!(!is_guid("f149f542e9354870973466b4501eaf614"));
        assert!(!is_guid("{f149f542-e935-4870-9734-6b4501eaf614}"));
        assert!(!is_guid("f149f542-e935-4870-9734-6b4501eaf61g"));
        assert!(!is_guid("f149f542-e935-4870-9734-6b4501eaf61"));
        assert!(!is_guid(""));
    }
}
