//! Text kept by position in one buffer, and the case-insensitive comparison and hashing that
//! matching uses (Student IDs, usernames and GUIDs compare ignoring case), and the escaping of
//! cells a spreadsheet program would run as formulas, for every file Rollcall writes.

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

/// Trims Unicode White_Space from both ends, as `str::trim` does, returning at once when the
/// text starts and ends with a visible ASCII character (nearly every cell).
pub fn trim(text: &str) -> &str {
    let visible = |b: &u8| b.is_ascii_graphic();
    match (text.as_bytes().first(), text.as_bytes().last()) {
        (Some(first), Some(last)) if visible(first) && visible(last) => text,
        _ => text.trim(),
    }
}

/// Equal ignoring case (Unicode lower case), without allocating.
pub fn fold_eq(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    if a.is_ascii() && b.is_ascii() {
        return a.eq_ignore_ascii_case(b);
    }
    a.chars()
        .flat_map(char::to_lowercase)
        .eq(b.chars().flat_map(char::to_lowercase))
}

/// The text as [`fold_eq`] compares it: two texts fold alike exactly when they are equal
/// ignoring case (each character lower-cased on its own, so a final Σ folds as any other).
pub fn fold(text: &str) -> String {
    text.chars().flat_map(char::to_lowercase).collect()
}

/// A hash that agrees with [`fold_eq`]: equal-ignoring-case texts hash alike.
///
/// ASCII text, the common case, is hashed eight bytes at a time with its upper-case letters
/// folded by bit arithmetic (FxHash's mixing step); other text is lower-cased char by char.
pub fn fold_hash(text: &str) -> u64 {
    const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;
    const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
    let mix = |hash: u64, word: u64| (hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    let start = text.len() as u64;
    // The ASCII check rides along with the hashing: a byte with its top bit set anywhere
    // sends the text down the char-by-char path instead.
    let mut hash = start;
    let mut high = 0;
    let mut chunks = text.as_bytes().chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let word = u64::from_le_bytes(word);
        high |= word;
        hash = mix(hash, ascii_lowercase_word(word));
    }
    let rest = chunks.remainder().len();
    if rest > 0 {
        let word = tail_word(text.as_bytes(), rest);
        high |= word;
        hash = mix(hash, ascii_lowercase_word(word));
    }
    if high & HIGH_BITS != 0 {
        hash = start;
        for ch in text.chars().flat_map(char::to_lowercase) {
            hash = mix(hash, u64::from(ch));
        }
    }
    // A final avalanche, so that the low and the high bits both depend on every byte.
    let mut hash = hash ^ (hash >> 33);
    hash = hash.wrapping_mul(0xff51_afd7_ed55_8ccd);
    hash ^ (hash >> 33)
}

/// [`fold_eq`] of two ASCII texts, compared eight bytes at a time.
pub fn ascii_fold_eq(a: &str, b: &str) -> bool {
    debug_assert!(a.is_ascii() && b.is_ascii());
    if a.len() != b.len() {
        return false;
    }
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut left, mut right) = (a.chunks_exact(8), b.chunks_exact(8));
    let word = |chunk: &[u8]| {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        ascii_lowercase_word(u64::from_le_bytes(word))
    };
    if !(&mut left).zip(&mut right).all(|(l, r)| word(l) == word(r)) {
        return false;
    }
    let rest = left.remainder().len();
    rest == 0
        || ascii_lowercase_word(tail_word(a, rest)) == ascii_lowercase_word(tail_word(b, rest))
}

/// The last `rest` bytes of `bytes` (1 to 7) as a little-endian word, zero above them: from
/// one eight-byte load when the text is that long (no copy through memory, which would stall
/// the load that follows it), byte by byte otherwise.
fn tail_word(bytes: &[u8], rest: usize) -> u64 {
    match bytes.last_chunk::<8>() {
        Some(last) => u64::from_le_bytes(*last) >> (8 * (8 - rest)),
        None => bytes[bytes.len() - rest..]
            .iter()
            .rev()
            .fold(0, |word, &byte| (word << 8) | u64::from(byte)),
    }
}

/// Lower-cases the ASCII letters of eight ASCII bytes at once.
fn ascii_lowercase_word(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    // For each byte b < 0x80: (b + 0x3f) has its top bit set when b >= 'A' (0x41), and
    // (b + 0x25) has it set when b > 'Z' (0x5a). Upper case letters are the first and not the
    // second.
    let at_least_a = word.wrapping_add(ONES * 0x3f);
    let above_z = word.wrapping_add(ONES * 0x25);
    let upper = (at_least_a & !above_z) & (ONES * 0x80);
    word | (upper >> 2)
}

/// A set of bytes, looked up in a table. [`ByteSet::all`] tests every byte of a text without an
/// early exit: where allowed bytes of different kinds mix at random (usernames' letters and
/// digits), a branch per byte would mispredict often, and these checks run on every row of a
/// file.
pub struct ByteSet([bool; 256]);

impl ByteSet {
    pub const fn of(members: &[u8]) -> ByteSet {
        let mut table = [false; 256];
        let mut i = 0;
        while i < members.len() {
            table[members[i] as usize] = true;
            i += 1;
        }
        ByteSet(table)
    }

    pub fn contains(&self, byte: u8) -> bool {
        self.0[usize::from(byte)]
    }

    /// True when every byte of `text` is in the set (an empty text included).
    pub fn all(&self, text: &str) -> bool {
        text.bytes().fold(true, |ok, byte| ok & self.contains(byte))
    }
}

/// True when a spreadsheet program could run the cell as a formula: it starts with `=` `+`
/// `-` `@`, a tab or a carriage return.
pub fn needs_formula_escape(cell: &str) -> bool {
    cell.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// The cell with a leading apostrophe when a spreadsheet program could run it as a formula.
pub fn escape_formula(cell: &str) -> String {
    if needs_formula_escape(cell) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_ignores_case_in_any_script() {
        assert!(fold_eq("Ana.Lopez", "ana.lopez"));
        assert!(fold_eq("ÉLODIE", "élodie"));
        assert!(!fold_eq("ana", "anna"));
        // `fold` keys what `fold_eq` compares; `to_lowercase` reads a final Σ as ς instead.
        assert_eq!(fold("ΦΥΣΙΚΌΣ"), "φυσικόσ");
        assert_ne!("ΦΥΣΙΚΌΣ".to_lowercase(), fold("ΦΥΣΙΚΌΣ"));
        for (a, b) in [
            ("ΦΥΣΙΚΌΣ", "Φυσικός"),
            ("ΦΥΣΙΚΌΣ", "φυσικόσ"),
            ("Ana", "aNA"),
        ] {
            assert_eq!(fold_eq(a, b), fold(a) == fold(b), "{a} / {b}");
        }
        assert_eq!(fold_hash("Ana.Lopez"), fold_hash("ana.lopez"));
        assert_eq!(fold_hash("ÉLODIE"), fold_hash("élodie"));
        assert_ne!(fold_hash("ab"), fold_hash("ba"));
        assert_ne!(fold_hash("a"), fold_hash("a\0"), "the length counts");
        let all: String = (0u8..128).map(char::from).collect();
        let lower: String = all.to_ascii_lowercase();
        assert_eq!(fold_hash(&all), fold_hash(&lower));
        for byte in 0u8..128 {
            let word = u64::from_le_bytes([byte; 8]);
            let expected = u64::from_le_bytes([byte.to_ascii_lowercase(); 8]);
            assert_eq!(ascii_lowercase_word(word), expected, "byte {byte:#x}");
        }
    }

    #[test]
    fn hashing_folds_case_at_every_length() {
        let upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-ÉÑ";
        for end in upper.char_indices().map(|(i, _)| i).chain([upper.len()]) {
            let text = &upper[..end];
            assert_eq!(fold_hash(text), fold_hash(&text.to_lowercase()), "{text:?}");
            if end > 0 {
                assert_ne!(fold_hash(text), fold_hash(&text[1..]), "{text:?}");
            }
        }
        for len in 1..24 {
            let bytes: Vec<u8> = (1..=len as u8).collect();
            for rest in 1..8.min(len + 1) {
                let mut word = [0u8; 8];
                word[..rest].copy_from_slice(&bytes[len - rest..]);
                assert_eq!(
                    tail_word(&bytes, rest),
                    u64::from_le_bytes(word),
                    "{len} {rest}"
                );
            }
        }
    }

    #[test]
    fn byte_sets_hold_exactly_their_members() {
        const VOWELS: ByteSet = ByteSet::of(b"aeiou");
        for byte in 0..=u8::MAX {
            assert_eq!(VOWELS.contains(byte), b"aeiou".contains(&byte), "{byte:#x}");
        }
        assert!(VOWELS.all("aue"));
        assert!(VOWELS.all(""));
        assert!(!VOWELS.all("aub"));
        assert!(!VOWELS.all("aé"));
    }

    #[test]
    fn trim_agrees_with_the_standard_trim() {
        for text in [
            "",
            " ",
            "a",
            " a ",
            "\u{a0}Ana\u{a0}",
            "Ana",
            "a b",
            "\tx",
            "é ",
            " é",
        ] {
            assert_eq!(trim(text), text.trim(), "{text:?}");
        }
    }

    #[test]
    fn spans_read_back_their_text() {
        let mut buffer = String::new();
        let a = store(&mut buffer, "José");
        let b = store(&mut buffer, "");
        assert_eq!(a.get(&buffer), "José");
        assert!(b.is_empty());
    }

    proptest::proptest! {
        #[test]
        fn ascii_folding_agrees_with_folding(a in "[aAzZ@\\[`{ 0-9]{0,20}", b in "[aAzZ@\\[`{ 0-9]{0,20}") {
            proptest::prop_assert_eq!(ascii_fold_eq(&a, &b), fold_eq(&a, &b));
            proptest::prop_assert!(ascii_fold_eq(&a, &a.to_ascii_uppercase()));
        }
    }
}
