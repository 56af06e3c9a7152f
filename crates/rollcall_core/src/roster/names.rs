//! Names folded for spotting duplicates: case-, accent- and space-insensitive, and hashed
//! without allocating.

use std::hash::{Hash, Hasher};

use rustc_hash::FxHasher;

include!(concat!(env!("OUT_DIR"), "/accents.rs"));

/// Calls `out` with each character of a name folded for spotting duplicates: case-, accent-
/// and space-insensitive. ASCII passes straight through; a letter with accents becomes the
/// letter ([`ACCENTED`]), and combining accents typed on their own are dropped.
fn fold_chars(name: &str, mut out: impl FnMut(char)) {
    for ch in name.chars() {
        fold_char(ch, &mut out);
    }
}

/// Calls `out` with what one character of a name folds to: nothing, itself or several.
fn fold_char(ch: char, mut out: impl FnMut(char)) {
    if ch.is_ascii() {
        if !ch.is_ascii_whitespace() {
            out(ch.to_ascii_lowercase());
        }
    } else {
        let base = ACCENTED
            .binary_search_by_key(&ch, |&(accented, _)| accented)
            .map_or(ch, |found| ACCENTED[found].1);
        let accent = ('\u{300}'..='\u{36f}').contains(&base);
        if !accent && !base.is_whitespace() {
            base.to_lowercase().for_each(&mut out);
        }
    }
}

/// The first folded character of a name, if it has one, found without folding the rest.
pub(super) fn first_folded(name: &str) -> Option<char> {
    name.chars().find_map(|ch| {
        let mut first = None;
        fold_char(ch, |folded| {
            first.get_or_insert(folded);
        });
        first
    })
}

/// What two names must share to fold alike: the grade and their first folded characters. Far
/// cheaper than [`name_hash`], so that a student whose names cannot match skips it.
pub(super) fn name_signature(first: &str, last: &str, grade: &str) -> u64 {
    let mut hasher = FxHasher::default();
    hasher.write_u32(first_folded(first).map_or(0, u32::from));
    hasher.write_u32(first_folded(last).map_or(0, u32::from));
    grade.hash(&mut hasher);
    hasher.finish()
}

/// The folded characters of a name, for comparing two names.
pub(super) fn folded_chars(name: &str) -> impl Iterator<Item = char> {
    let mut chars = Vec::with_capacity(name.len());
    fold_chars(name, |ch| chars.push(ch));
    chars.into_iter()
}

/// A name folded for spotting duplicates: case-, accent- and space-insensitive.
pub fn fold_name(name: &str) -> String {
    folded_chars(name).collect()
}

/// A hash of the folded first name, last name and grade, computed without allocating.
pub(super) fn name_hash(first: &str, last: &str, grade: &str) -> u64 {
    let mut hasher = FxHasher::default();
    fold_chars(first, |ch| hasher.write_u32(ch as u32));
    hasher.write_u32(0x1f);
    fold_chars(last, |ch| hasher.write_u32(ch as u32));
    grade.hash(&mut hasher);
    hasher.finish()
}
