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

/// True for `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` with hexadecimal digits of any case.
///
/// Every byte is checked without an early exit and without a table: a random mix of digits and
/// letters would make a branch per byte mispredict about a third of the time, and comparisons
/// alone let the compiler check many bytes a step (this runs on every row of both files).
pub fn is_guid(text: &str) -> bool {
    let Ok(bytes) = <&[u8; 36]>::try_from(text.as_bytes()) else {
        return false;
    };
    bytes.iter().zip(HYPHENS).fold(true, |ok, (&byte, hyphen)| {
        let hex = (byte.wrapping_sub(b'0') < 10) | ((byte | 0x20).wrapping_sub(b'a') < 6);
        ok & if hyphen { byte == b'-' } else { hex }
    })
}

/// Where a canonical GUID has its hyphens.
const HYPHENS: [bool; 36] = {
    let mut hyphens = [false; 36];
    hyphens[8] = true;
    hyphens[13] = true;
    hyphens[18] = true;
    hyphens[23] = true;
    hyphens
};

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

    #[test]
    fn every_character_in_every_place_is_judged_as_the_definition_says() {
        let reference = |text: &str| {
            text.len() == 36
                && text.char_indices().all(|(i, ch)| match i {
                    8 | 13 | 18 | 23 => ch == '-',
                    _ => ch.is_ascii_hexdigit(),
                })
        };
        let valid: Vec<char> = "f149f542-e935-4870-9734-6b4501eaf614".chars().collect();
        for place in 0..valid.len() {
            for ch in (0..=0x7f_u8).map(char::from).chain(['é', 'Ａ', '\u{c1}']) {
                let mut chars = valid.clone();
                chars[place] = ch;
                let text: String = chars.into_iter().collect();
                assert_eq!(is_guid(&text), reference(&text), "{text:?}");
            }
        }
    }
}
