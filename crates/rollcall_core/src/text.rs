//! Text kept by position in one buffer, and the case-insensitive comparison and hashing that
//! matching uses (Student IDs, usernames and GUIDs compare ignoring case).

use std::hash::Hasher;

use rustc_hash::FxHasher;

/// Where a piece of text lives in a buffer. Buffers only grow, so a span stays valid.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Span {
    pub start: u32,
    pub len: u32,
}

impl Span {
    pub fn get(self, buffer: &str) -> &str {
        &buffer[self.start as usize..(self.start + self.len) as usize]
    }

    pub fn is_empty(self) -> bool {
        self.len == 0
    }
}

/// Appends `text` to `buffer` and returns where it went.
pub fn store(buffer: &mut String, text: &str) -> Span {
    let start = buffer.len() as u32;
    buffer.push_str(text);
    Span {
        start,
        len: text.len() as u32,
    }
}

/// Equal ignoring case (Unicode lower case), without allocating.
pub fn fold_eq(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        return a.eq_ignore_ascii_case(b);
    }
    a.chars()
        .flat_map(char::to_lowercase)
        .eq(b.chars().flat_map(char::to_lowercase))
}

/// A hash that agrees with [`fold_eq`]: equal-ignoring-case texts hash alike.
pub fn fold_hash(text: &str) -> u64 {
    let mut hasher = FxHasher::default();
    if text.is_ascii() {
        // Hash lower-cased chunks: FxHasher takes eight bytes at a time.
        let mut chunk = [0u8; 64];
        for part in text.as_bytes().chunks(chunk.len()) {
            let lower = &mut chunk[..part.len()];
            lower.copy_from_slice(part);
            lower.make_ascii_lowercase();
            hasher.write(lower);
        }
    } else {
        for ch in text.chars().flat_map(char::to_lowercase) {
            if ch.is_ascii() {
                hasher.write_u8(ch as u8);
            } else {
                hasher.write_u32(ch as u32);
            }
        }
    }
    hasher.write_u8(0xff);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_ignores_case_in_any_script() {
        assert!(fold_eq("Ana.Lopez", "ana.lopez"));
        assert!(fold_eq("ÉLODIE", "élodie"));
        assert!(!fold_eq("ana", "anna"));
        assert_eq!(fold_hash("Ana.Lopez"), fold_hash("ana.lopez"));
        assert_eq!(fold_hash("ÉLODIE"), fold_hash("élodie"));
        assert_ne!(fold_hash("ab"), fold_hash("ba"));
    }

    #[test]
    fn spans_read_back_their_text() {
        let mut buffer = String::new();
        let a = store(&mut buffer, "José");
        let b = store(&mut buffer, "");
        assert_eq!(a.get(&buffer), "José");
        assert!(b.is_empty());
    }
}
