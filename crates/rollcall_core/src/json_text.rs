//! Writing JSON values by hand, for the report's bulk (its row entries and diagnostics): the
//! same bytes serde_json writes, without its byte-by-byte escaping of every string. Most of a
//! report's strings (names, usernames, GUIDs, messages) need no escape, and a string is checked
//! for one in a loop the compiler turns into vector code.

use std::borrow::Cow;

/// The digits of a `\u` escape, in serde_json's lower case.
const HEX: &[u8; 16] = b"0123456789abcdef";

/// True when JSON needs `byte` escaped inside a string: a quote, a backslash or a control
/// character (serde_json leaves DEL and everything past ASCII as it is).
fn escaped(byte: u8) -> bool {
    byte < 0x20 || byte == b'"' || byte == b'\\'
}

/// How strings are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escape {
    /// As serde_json writes them: UTF-8, only what JSON requires escaped.
    Json,
    /// Also every character outside ASCII as `\u` escapes (UTF-16 units): the same value
    /// once parsed, in text JavaScript turns into a string several times faster.
    Ascii,
}

/// Appends `value` as a JSON string.
pub fn string(out: &mut Vec<u8>, value: &str, escape: Escape) {
    let bytes = value.as_bytes();
    let ascii = escape == Escape::Ascii;
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    // Without an early exit, so that the check runs many bytes a step.
    if !bytes.iter().fold(false, |any, &byte| {
        any | escaped(byte) | (ascii & !byte.is_ascii())
    }) {
        out.extend_from_slice(bytes);
    } else {
        for ch in value.chars() {
            match u8::try_from(ch) {
                Ok(byte) if byte.is_ascii() => escape_byte(out, byte),
                _ if ascii => {
                    for unit in ch.encode_utf16(&mut [0; 2]) {
                        unicode_escape(out, *unit);
                    }
                }
                _ => out.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes()),
            }
        }
    }
    out.push(b'"');
}

/// Appends an ASCII byte of a string, escaped if JSON requires it.
fn escape_byte(out: &mut Vec<u8>, byte: u8) {
    if !escaped(byte) {
        out.push(byte);
        return;
    }
    let short = match byte {
        b'"' => b'"',
        b'\\' => b'\\',
        0x08 => b'b',
        0x0c => b'f',
        b'\n' => b'n',
        b'\r' => b'r',
        b'\t' => b't',
        _ => return unicode_escape(out, u16::from(byte)),
    };
    out.extend_from_slice(&[b'\\', short]);
}

/// Appends `\u` and the four hexadecimal digits of `unit`.
fn unicode_escape(out: &mut Vec<u8>, unit: u16) {
    out.extend_from_slice(b"\\u");
    for shift in [12, 8, 4, 0] {
        out.push(HEX[usize::from(unit >> shift & 0xf)]);
    }
}

/// Appends `value` as a JSON string, or `null`.
pub fn optional_string(out: &mut Vec<u8>, value: Option<&str>, escape: Escape) {
    match value {
        Some(value) => string(out, value, escape),
        None => out.extend_from_slice(b"null"),
    }
}

/// `json` with every character outside ASCII written as a `\u` escape ([`Escape::Ascii`]),
/// for JSON written by other means. Outside its strings JSON is ASCII, and a character inside
/// one is never part of an escape, so each such character can be replaced by its escape alone.
pub fn to_ascii(json: &str) -> Cow<'_, str> {
    if json.is_ascii() {
        return Cow::Borrowed(json);
    }
    let mut out = Vec::with_capacity(json.len() + json.len() / 8);
    for ch in json.chars() {
        if ch.is_ascii() {
            out.push(ch as u8);
        } else {
            for unit in ch.encode_utf16(&mut [0; 2]) {
                unicode_escape(&mut out, *unit);
            }
        }
    }
    // Only ASCII was written.
    Cow::Owned(String::from_utf8(out).unwrap_or_default())
}

/// Appends `value` as a JSON number, or `null`.
pub fn number(out: &mut Vec<u8>, value: Option<u32>) {
    match value {
        Some(n) => out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes()),
        None => out.extend_from_slice(b"null"),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::Escape;

    fn written(value: &str, escape: Escape) -> String {
        let mut out = Vec::new();
        super::string(&mut out, value, escape);
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        for value in [
            "",
            "Ana López",
            "a\"b\\c",
            "tab\there\nnew\rline",
            "\u{0}\u{1}\u{8}\u{b}\u{c}\u{1f}\u{7f}",
            "••••••••",
            "😀 \u{2028}",
        ] {
            assert_eq!(
                written(value, Escape::Json),
                serde_json::to_string(value).unwrap()
            );
        }
        assert_eq!(
            written("José 😀\n", Escape::Ascii),
            r#""Jos\u00e9 \ud83d\ude00\n""#
        );
    }

    #[test]
    fn json_in_ascii_is_the_same_value() {
        for json in [
            r#"{"name":"José","mask":"••••••••","face":"😀","quote":"\"é\\"}"#,
            r#"["plain",1,null]"#,
            "\"ñ\"",
        ] {
            let ascii = super::to_ascii(json);
            assert!(ascii.is_ascii(), "{ascii}");
            let parsed: serde_json::Value = serde_json::from_str(&ascii).expect("JSON");
            let original: serde_json::Value = serde_json::from_str(json).expect("JSON");
            assert_eq!(parsed, original);
        }
        assert_eq!(super::to_ascii("\"é😀\""), r#""\u00e9\ud83d\ude00""#);
    }

    proptest! {
        #[test]
        fn any_string_is_written_as_serde_json_writes_it(value in any::<String>()) {
            let json = serde_json::to_string(&value).unwrap();
            prop_assert_eq!(written(&value, Escape::Json), json.clone());
            let ascii = written(&value, Escape::Ascii);
            prop_assert!(ascii.is_ascii());
            prop_assert_eq!(&ascii, &super::to_ascii(&json));
            prop_assert_eq!(serde_json::from_str::<String>(&ascii).unwrap(), value);
        }

        #[test]
        fn any_number_or_null_is_written_as_serde_json_writes_it(value in any::<Option<u32>>()) {
            let mut out = Vec::new();
            super::number(&mut out, value);
            prop_assert_eq!(out, serde_json::to_vec(&value).unwrap());
        }
    }
}
