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
pub fn is_guid(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() != 36 || [8, 13, 18, 23].iter().any(|&i| bytes[i] != b'-') {
        return false;
    }
    [0..8, 9..13, 14..18, 19..23, 24..36]
        .into_iter()
        .all(|group| bytes[group].iter().all(u8::is_ascii_hexdigit))
}

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
