//! ## What it does
//! Reads the Classes cell: the importing teacher's classes of the student, listed in full and
//! separated by `;`. Each name is trimmed, its inner runs of spaces are made one space and
//! empty items are dropped. A name has 1 to 64 characters, no line break or control character,
//! and does not start with `=` `+` `-` `@`; a student has at most 20 classes. A name given
//! twice (ignoring case) is kept once, and the cleaned list is offered as the fix.
//!
//! A blank Classes cell on an existing student means "in none of my classes".
//!
//! ## Why it matters
//! Every name that is not already one of the teacher's classes creates a class. A cell that a
//! spreadsheet program split at a line break, or a name starting with `=`, would otherwise
//! become a class nobody meant.
//!
//! ## Example
//! `Math 3; Reading Group B`; `Math 3;math 3` (kept once); `=Math` (refused).
//!
//! ## Fix
//! Separate the classes with `;`, shorten long names, and remove leading `=` `+` `-` `@`.

use std::borrow::Cow;
use std::cell::RefCell;
use std::cmp::Ordering;
use std::hash::BuildHasher;

use rustc_hash::FxBuildHasher;

use smallvec::SmallVec;

use crate::code::Finding;
use crate::diagnostic::Diagnostic;
use crate::message::ClassProblem;
use crate::rules::CellAt;
use crate::text::{ascii_fold_eq, fold_eq};

/// The most classes a student may have in one cell.
pub const MOST_CLASSES: usize = 20;
/// The longest class name, in characters.
pub const LONGEST_NAME: usize = 64;
/// What separates class names in a cell, and joins them when Rollcall writes a list.
pub const SEPARATOR: &str = "; ";

/// One class name as stored: trimmed, inner runs of spaces made one space. Line breaks, tabs
/// and other control characters are kept, so that the rule can refuse them.
pub fn normalize(item: &str) -> Cow<'_, str> {
    if item.is_ascii() {
        return normalize_ascii(item);
    }
    spaces_folded(item.trim())
}

/// [`normalize`] of ASCII text. In ASCII the whitespace `trim` takes off is ' ' and '\t' to
/// '\r', the only space that folds is ' ', and only a run of two of them needs work.
fn normalize_ascii(item: &str) -> Cow<'_, str> {
    let space = |b: u8| matches!(b, b' ' | b'\t'..=b'\r');
    let bytes = item.as_bytes();
    let (mut start, mut end) = (0, bytes.len());
    while start < end && space(bytes[start]) {
        start += 1;
    }
    while end > start && space(bytes[end - 1]) {
        end -= 1;
    }
    let item = &item[start..end];
    let bytes = item.as_bytes();
    let double = bytes
        .windows(2)
        .any(|pair| pair[0] == b' ' && pair[1] == b' ');
    if !double {
        return Cow::Borrowed(item);
    }
    spaces_folded(item)
}

/// Trimmed text with its inner runs of spaces made one space. Line breaks (U+2028, U+2029
/// and the control ones) are kept for the rule to refuse.
fn spaces_folded(item: &str) -> Cow<'_, str> {
    let folds = |ch: char| ch.is_whitespace() && !super::names::is_forbidden(ch);
    let mut previous_space = false;
    let needs_work = item.chars().any(|ch| {
        let space = folds(ch);
        let odd = space && (previous_space || ch != ' ');
        previous_space = space;
        odd
    });
    if !needs_work {
        return Cow::Borrowed(item);
    }
    let mut out = String::with_capacity(item.len());
    let mut previous_space = false;
    for ch in item.chars() {
        if folds(ch) {
            if !previous_space {
                out.push(' ');
            }
            previous_space = true;
        } else {
            out.push(ch);
            previous_space = false;
        }
    }
    Cow::Owned(out)
}

/// The most names read from one cell: past [`MOST_CLASSES`] a cell is refused anyway, and a
/// cell with thousands of names (only a hostile one has them) costs no more than this.
const MOST_READ: usize = 2 * MOST_CLASSES + 1;

/// The names of a cell, held inline when there are few (a student has a handful), so that
/// reading a cell allocates nothing.
pub type Names<'a> = SmallVec<[Cow<'a, str>; 4]>;

/// The names of a Classes cell in the cell's order: normalised, empty items dropped, and a name
/// given again (ignoring case) kept once; at most [`MOST_READ`] of them. The second value says
/// whether a repeat was dropped.
pub fn names(cell: &str) -> (Vec<Cow<'_, str>>, bool) {
    let (kept, repeated) = read(cell);
    (kept.into_vec(), repeated)
}

/// [`names`], held inline.
#[inline(never)]
pub fn read(cell: &str) -> (Names<'_>, bool) {
    // The names of an ASCII cell are ASCII: each is normalised and compared without the
    // checks for other text.
    let ascii = cell.is_ascii();
    let mut kept = Names::new();
    let mut repeated = false;
    let mut rest = cell;
    loop {
        // `;` is ASCII, so the bytes either side of one are where characters start.
        let end = rest.bytes().position(|b| b == b';');
        let item = &rest[..end.unwrap_or(rest.len())];
        let name = if ascii {
            normalize_ascii(item)
        } else {
            normalize(item)
        };
        if !name.is_empty() {
            let same = |k: &Cow<str>| {
                if ascii {
                    ascii_fold_eq(k, &name)
                } else {
                    fold_eq(k, &name)
                }
            };
            if kept.iter().any(same) {
                repeated = true;
            } else if kept.len() == MOST_READ {
                break;
            } else {
                kept.push(name);
            }
        }
        match end {
            Some(at) => rest = &rest[at + 1..],
            None => break,
        }
    }
    (kept, repeated)
}

/// Orders class names ignoring case, as lists of classes are shown and compared.
#[inline(never)]
pub fn compare(a: &str, b: &str) -> Ordering {
    let lower = |s: &str| {
        s.chars()
            .flat_map(char::to_lowercase)
            .collect::<Vec<char>>()
    };
    if a.is_ascii() && b.is_ascii() {
        a.bytes()
            .map(|b| b.to_ascii_lowercase())
            .cmp(b.bytes().map(|b| b.to_ascii_lowercase()))
    } else {
        lower(a).cmp(&lower(b))
    }
}

/// Sorts class names ignoring case. Every list of classes is sorted here, so that one sort is
/// compiled (each sort of another type or order adds kilobytes to the WebAssembly).
#[inline(never)]
pub fn sort(names: &mut [&str]) {
    names.sort_unstable_by(|a, b| compare(a, b));
}

/// A list of class names as Rollcall writes it: sorted ignoring case, joined by `; `.
pub fn join_sorted<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let mut names: Vec<&str> = names.into_iter().collect();
    sort(&mut names);
    names.join(SEPARATOR)
}

fn problem(name: &str) -> Option<ClassProblem> {
    if name.chars().count() > LONGEST_NAME {
        Some(ClassProblem::TooLong)
    } else if name.chars().any(super::names::is_forbidden) {
        Some(ClassProblem::Characters)
    } else if crate::text::needs_formula_escape(name) {
        Some(ClassProblem::FormulaLike)
    } else {
        None
    }
}

/// Whether [`check`] passes the cell without a note, worked out without reading its names
/// into a list: true only for a cell of printable ASCII (no control character, a character
/// a byte) with a few names, each trimmed of plain spaces only, without a run of two, not
/// too long, not formula-like, none given twice. Most cells are such; `false` leaves the
/// cell to the full reading.
fn plainly_usable(cell: &str) -> bool {
    const MOST: usize = 8;
    let bytes = cell.as_bytes();
    let mut names = [(0, 0); MOST];
    let mut count = 0;
    let mut i = 0;
    loop {
        // One pass over a name: leading spaces skipped, the end of its last non-space byte
        // kept, anything but printable ASCII or a run of two spaces sending the cell on.
        while i < bytes.len() && bytes[i] == b' ' {
            i += 1;
        }
        let (first, mut last) = (i, i);
        let mut space = false;
        while i < bytes.len() && bytes[i] != b';' {
            let b = bytes[i];
            if b.wrapping_sub(0x20) >= 0x5f || (space && b == b' ') {
                return false;
            }
            space = b == b' ';
            i += 1;
            if !space {
                last = i;
            }
        }
        if first < last {
            let name = &cell[first..last];
            if name.len() > LONGEST_NAME
                || crate::text::needs_formula_escape(name)
                || count == MOST
                || names[..count]
                    .iter()
                    .any(|&(a, b)| ascii_fold_eq(&cell[a..b], name))
            {
                return false;
            }
            names[count] = (first, last);
            count += 1;
        }
        if i == bytes.len() {
            return true;
        }
        i += 1;
    }
}

/// How many cells [`seen_usable`] remembers on each thread, and the longest it remembers
/// (a list of a few classes), so that what it holds stays small whatever the file.
const SEEN: usize = 1024;
const SEEN_LONGEST: usize = 128;

thread_local! {
    /// Cells [`plainly_usable`] passed on this thread, each in the slot its hash picks: a
    /// teacher's students share a few lists of classes, so a file's Classes cells are mostly
    /// a few texts, and each is worked out once.
    static USABLE: RefCell<Vec<Option<Box<str>>>> = RefCell::new(vec![None; SEEN]);
}

/// [`plainly_usable`], remembered for the cells it passed (it depends on the text alone).
fn seen_usable(cell: &str) -> bool {
    let slot = FxBuildHasher.hash_one(cell) as usize % SEEN;
    USABLE.with_borrow_mut(|seen| {
        if seen[slot].as_deref() == Some(cell) {
            return true;
        }
        let usable = plainly_usable(cell);
        if usable && cell.len() <= SEEN_LONGEST {
            seen[slot] = Some(Box::from(cell));
        }
        usable
    })
}

/// Checks a Classes cell. The flag says whether its list is usable (an empty cell is: it
/// clears the student's classes); the diagnostics are its `invalid-class` error or its
/// `classes-normalized` note.
pub fn check(at: &CellAt, cell: &str) -> (bool, Option<Diagnostic>) {
    if seen_usable(cell) {
        return (true, None);
    }
    let (names, repeated) = read(cell);
    let refused = |value: &str, reason| {
        let finding = Finding::InvalidClass {
            value: value.to_owned(),
            reason,
        };
        (false, Some(at.diagnostic(finding)))
    };
    if let Some((name, reason)) = names.iter().find_map(|n| problem(n).map(|p| (n, p))) {
        return refused(name, reason);
    }
    if names.len() > MOST_CLASSES {
        return refused(cell, ClassProblem::TooMany);
    }
    if !repeated {
        return (true, None);
    }
    let fixed = names.join(SEPARATOR);
    let finding = Finding::ClassesNormalized {
        value: cell.to_owned(),
        fixed: fixed.clone(),
    };
    let diagnostic = at.diagnostic(finding).with_fix(at.fix(fixed));
    (true, Some(diagnostic))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::Field;
    use crate::rules::test_support::{at, codes};

    fn listed(cell: &str) -> Vec<String> {
        names(cell).0.into_iter().map(Cow::into_owned).collect()
    }

    /// A cell read the plain way, with `str`'s own splitting, trimming and folding: what
    /// [`read`]'s ASCII shortcuts must agree with.
    fn read_plainly(cell: &str) -> (Vec<String>, bool) {
        let mut kept: Vec<String> = Vec::new();
        let mut repeated = false;
        for item in cell.split(';') {
            let folds = |c: char| c.is_whitespace() && !super::super::names::is_forbidden(c);
            let words: Vec<&str> = item.trim().split(folds).filter(|w| !w.is_empty()).collect();
            let name = words.join(" ");
            if name.is_empty() {
                continue;
            }
            if kept.iter().any(|k| fold_eq(k, &name)) {
                repeated = true;
            } else if kept.len() == MOST_READ {
                break;
            } else {
                kept.push(name);
            }
        }
        (kept, repeated)
    }

    /// [`check`] without its one-pass shortcut.
    fn check_fully(cell: &str) -> bool {
        let (names, repeated) = read(cell);
        !repeated && names.len() <= MOST_CLASSES && names.iter().all(|n| problem(n).is_none())
    }

    proptest::proptest! {
        #[test]
        fn the_ascii_shortcuts_read_as_str_does(
            cell in "[ ;aAbB=@\\-\t\r\n\u{b}\u{c}\u{1f}\u{a0}\u{85}\u{2003}\u{2028}\u{2029}\u{e9}\u{c9}]{0,24}"
        ) {
            let (kept, repeated) = read(&cell);
            let kept: Vec<String> = kept.into_iter().map(Cow::into_owned).collect();
            proptest::prop_assert_eq!((kept, repeated), read_plainly(&cell));
            if plainly_usable(&cell) {
                proptest::prop_assert!(check_fully(&cell), "{:?}", cell);
            }
        }

        #[test]
        fn plain_cells_pass_in_one_pass(
            names in proptest::collection::vec("[ aAbB=@+\\-]{0,4}", 0..10),
            separator in "; ?|;  |;"
        ) {
            let cell = names.join(&separator);
            let (usable, note) = check(&at(Field::Classes), &cell);
            proptest::prop_assert_eq!(usable && note.is_none(), check_fully(&cell), "{:?}", cell);
        }
    }

    #[test]
    fn names_are_trimmed_folded_and_kept_once() {
        assert_eq!(
            listed(" Math 3 ;Reading  Group\u{a0}B;;  "),
            ["Math 3", "Reading Group B"]
        );
        assert_eq!(listed("Math 3; math 3 ;MATH  3"), ["Math 3"]);
        assert!(names("Math 3; math 3").1);
        assert!(!names("Math 3; Math 4").1);
        assert_eq!(listed(""), [] as [&str; 0]);
        assert_eq!(listed(" ; ; "), [] as [&str; 0]);
        assert_eq!(listed("Ñandú; ñANDÚ"), ["Ñandú"]);
        assert_eq!(
            normalize("a\nb"),
            "a\nb",
            "line breaks are left for the rule"
        );
    }

    #[test]
    fn a_long_hostile_list_is_read_no_further_than_it_can_be_refused() {
        let cell: String = (0..200_000).map(|i| format!("c{i};C{i};")).collect();
        let (kept, repeated) = names(&cell);
        assert_eq!(kept.len(), MOST_READ);
        assert!(repeated);
        assert!(!check(&at(Field::Classes), &cell).0, "too many");
    }

    #[test]
    fn lists_sort_ignoring_case() {
        assert_eq!(
            join_sorted(["reading", "Math 3", "art"]),
            "art; Math 3; reading"
        );
        assert_eq!(join_sorted(["Élan", "eagle", "zoo"]), "eagle; zoo; Élan");
        assert_eq!(compare("Math", "math"), Ordering::Equal);
    }

    #[test]
    fn valid_cells_pass_and_repeats_are_noted_with_the_cleaned_list() {
        let cell = at(Field::Classes);
        assert_eq!(check(&cell, "Math 3; Reading"), (true, None));
        assert_eq!(check(&cell, ""), (true, None));
        let (ok, found) = check(&cell, "Math 3;Art; math 3");
        assert!(ok);
        let found = found.expect("a note");
        assert_eq!(codes(std::slice::from_ref(&found)), ["classes-normalized"]);
        assert_eq!(found.fix.expect("a fix").value, "Math 3; Art");
    }

    #[test]
    fn refused_cells_say_why() {
        let cell = at(Field::Classes);
        let reason = |text: &str| match check(&cell, text) {
            (false, Some(d)) => match d.finding {
                Finding::InvalidClass { reason, .. } => reason,
                other => panic!("{other:?}"),
            },
            other => panic!("{text:?} passed: {other:?}"),
        };
        assert_eq!(reason(&"x".repeat(65)), ClassProblem::TooLong);
        assert_eq!(reason("Math\n3"), ClassProblem::Characters);
        assert_eq!(reason("Math\u{2028}3"), ClassProblem::Characters);
        assert_eq!(reason("Art 1\u{2029}x"), ClassProblem::Characters);
        assert_eq!(reason("Art; =Math"), ClassProblem::FormulaLike);
        assert_eq!(reason("-Math"), ClassProblem::FormulaLike);
        let many: Vec<String> = (1..=21).map(|i| format!("Class {i}")).collect();
        assert_eq!(reason(&many.join(";")), ClassProblem::TooMany);
        assert!(check(&cell, &many[..20].join(";")).0);
        assert!(check(&cell, &"x".repeat(64)).0);
    }
}
