//! The class names a file's rows list that are no class of the roster yet: the classes an
//! import would create. For each, the rows listing it (the first gets `new-class`) and the
//! existing class it is probably a typo of (`similar-class`), worked out once per name.

use rustc_hash::FxHashMap;
use smallvec::SmallVec;

use crate::key_index::{KeyId, KeyIndex};
use crate::position::RowIndex;
use crate::roster::Roster;
use crate::rules::{RowValues, classes};
use crate::text::store;

/// The most classes of a roster a new name is compared with for `similar-class`. Teachers have
/// a few dozen classes at most; a roster with more (only a made-up one) is not searched, so
/// that no file can make the comparison slow.
pub const MOST_COMPARED: usize = 500;

#[derive(Debug, Clone, Default)]
pub struct NewClasses {
    /// The names, as first listed (normalised), back to back.
    text: String,
    rows: KeyIndex<RowIndex>,
    /// Per name (by key number): the existing class it is close to, if any.
    similar: Vec<Option<Box<str>>>,
}

impl NewClasses {
    /// The new names of the row's Classes cell (`text` is the table's text).
    fn names<'a>(text: &'a str, values: &RowValues, roster: &Roster) -> classes::Names<'a> {
        let Some(cell) = values.classes.map(|span| span.get(text)) else {
            return classes::Names::new();
        };
        let (mut names, _) = classes::read(cell);
        names.retain(|name| roster.class(name).is_none());
        names
    }

    /// Adds the row's new class names and returns every row listing one of them.
    pub fn add(
        &mut self,
        text: &str,
        row: RowIndex,
        values: &RowValues,
        roster: &Roster,
    ) -> Vec<RowIndex> {
        let ids = self.insert(text, row, values, roster);
        ids.into_iter()
            .flat_map(|id| self.rows.list(id))
            .copied()
            .collect()
    }

    /// Adds the row's new class names; returns their keys.
    #[inline(never)]
    fn insert(
        &mut self,
        text: &str,
        row: RowIndex,
        values: &RowValues,
        roster: &Roster,
    ) -> SmallVec<[KeyId; 4]> {
        let ids = self.intern(text, values, roster);
        for &id in &ids {
            self.rows.add(id, row);
        }
        ids
    }

    /// Adds the new class names of each row given, in row order (a full check's rows that
    /// may list one). Rows with the same Classes cell name the same classes, and a teacher's
    /// students share a few lists: each cell is read once.
    pub fn insert_rows<'t>(
        &mut self,
        text: &'t str,
        rows: impl Iterator<Item = (RowIndex, &'t RowValues)>,
        roster: &Roster,
    ) {
        let mut cells: FxHashMap<&str, SmallVec<[KeyId; 4]>> = FxHashMap::default();
        for (row, values) in rows {
            let Some(cell) = values.classes.map(|span| span.get(text)) else {
                continue;
            };
            let ids = cells
                .entry(cell)
                .or_insert_with(|| self.intern(text, values, roster));
            for &id in ids.iter() {
                self.rows.add(id, row);
            }
        }
    }

    /// The keys of the row's new class names, each name interned when it is first seen.
    fn intern(&mut self, text: &str, values: &RowValues, roster: &Roster) -> SmallVec<[KeyId; 4]> {
        let mut ids = SmallVec::new();
        for name in Self::names(text, values, roster) {
            let id = match self.rows.find(&self.text, &name) {
                Some(id) => id,
                None => {
                    let span = store(&mut self.text, &name);
                    let id = self.rows.intern(&self.text, span);
                    self.similar
                        .push(similar_class(roster, &name).map(Box::from));
                    id
                }
            };
            ids.push(id);
        }
        ids
    }

    /// Takes the row's new class names away and returns the rows still listing one of them.
    #[inline(never)]
    pub fn remove(
        &mut self,
        text: &str,
        row: RowIndex,
        values: &RowValues,
        roster: &Roster,
    ) -> Vec<RowIndex> {
        let mut rows = Vec::new();
        for name in Self::names(text, values, roster) {
            if let Some(id) = self.rows.find(&self.text, &name) {
                self.rows.remove(id, row);
                rows.extend_from_slice(self.rows.list(id));
            }
        }
        rows
    }

    /// The new classes some row lists, sorted ignoring case: the classes an import would create.
    pub fn listed(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .rows
            .keys()
            .enumerate()
            .filter(|&(number, _)| !self.rows.list(KeyId::at(number)).is_empty())
            .map(|(_, span)| span.get(&self.text))
            .collect();
        classes::sort(&mut names);
        names
    }

    fn id(&self, name: &str) -> Option<KeyId> {
        self.rows.find(&self.text, name)
    }

    /// The rows listing the new class `name`, in order.
    pub fn rows(&self, name: &str) -> &[RowIndex] {
        self.id(name).map_or(&[], |id| self.rows.list(id))
    }

    /// The first row listing the new class `name`, if any does.
    pub fn first_row(&self, name: &str) -> Option<RowIndex> {
        self.id(name)
            .and_then(|id| self.rows.list(id).first().copied())
    }

    /// The existing class the new class `name` is probably a typo of.
    pub fn similar(&self, name: &str) -> Option<&str> {
        let id = self.id(name)?;
        self.similar
            .get(id.number() as usize)
            .and_then(|similar| similar.as_deref())
    }
}

/// The class of `roster` that `name` (no class of it) is probably a misspelling of: equal once
/// spaces and punctuation are left out, or else within two edits (insert, delete, replace, swap
/// two neighbours, even with one character put between or taken from between them; ignoring
/// case), the closest, and the first seen among equally close ones.
pub fn similar_class<'a>(roster: &'a Roster, name: &str) -> Option<&'a str> {
    let name_lower = lower(name);
    let name_squeezed = squeeze(&name_lower);
    let mut best: Option<(usize, &str)> = None;
    for existing in roster.classes().take(MOST_COMPARED) {
        let existing_lower = lower(existing);
        let distance = if !name_squeezed.is_empty() && squeeze(&existing_lower) == name_squeezed {
            0
        } else {
            match damerau_within_two(&name_lower, &existing_lower) {
                Some(distance) => distance,
                None => continue,
            }
        };
        if best.is_none_or(|(closest, _)| distance < closest) {
            best = Some((distance, existing));
        }
    }
    best.map(|(_, existing)| existing)
}

fn lower(text: &str) -> Vec<char> {
    text.chars().flat_map(char::to_lowercase).collect()
}

/// The letters and digits of a name.
fn squeeze(chars: &[char]) -> Vec<char> {
    chars
        .iter()
        .copied()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// The Damerau–Levenshtein distance of `a` and `b` when it is at most 2.
///
/// Up to 2 it equals the optimal string alignment distance (where no part is edited twice)
/// but for one case: two neighbours swapped with one character put between them or taken from
/// between them ("Math 3A" for "Math A 3"), which is 2 edits here and 3 there.
fn damerau_within_two(a: &[char], b: &[char]) -> Option<usize> {
    osa_within_two(a, b).or_else(|| split_swap(a, b).then_some(2))
}

/// Whether `a` and `b` differ only by two characters swapped with one more between them in
/// one of the two: `xPQy` and `xQmPy`, either way round.
fn split_swap(a: &[char], b: &[char]) -> bool {
    let (short, long) = if a.len() < b.len() { (a, b) } else { (b, a) };
    if long.len() != short.len() + 1 {
        return false;
    }
    let prefix = short.iter().zip(long).take_while(|(s, l)| s == l).count();
    let suffix = short[prefix..]
        .iter()
        .rev()
        .zip(long[prefix..].iter().rev())
        .take_while(|(s, l)| s == l)
        .count();
    let (short, long) = (
        &short[prefix..short.len() - suffix],
        &long[prefix..long.len() - suffix],
    );
    matches!((short, long), ([p, q], [q2, _, p2]) if p != q && p == p2 && q == q2)
}

/// The optimal string alignment distance of `a` and `b` when it is at most 2. Lengths more
/// than two apart are refused at once, and the table stops at the first row whose every cell is
/// past 2, so two unlike names cost a few rows.
fn osa_within_two(a: &[char], b: &[char]) -> Option<usize> {
    const MOST: usize = 2;
    if a.len().abs_diff(b.len()) > MOST {
        return None;
    }
    let width = b.len() + 1;
    // Three rows of the table: two back, one back, this one.
    let mut two_back = vec![0; width];
    let mut one_back: Vec<usize> = (0..width).collect();
    let mut now = vec![0; width];
    for i in 1..=a.len() {
        now[0] = i;
        for j in 1..width {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut value = (one_back[j - 1] + cost)
                .min(one_back[j] + 1)
                .min(now[j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                value = value.min(two_back[j - 2] + 1);
            }
            now[j] = value;
        }
        if now.iter().all(|&cell| cell > MOST) {
            return None;
        }
        std::mem::swap(&mut two_back, &mut one_back);
        std::mem::swap(&mut one_back, &mut now);
    }
    let distance = one_back[b.len()];
    (distance <= MOST).then_some(distance)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::Student;

    fn distance(a: &str, b: &str) -> Option<usize> {
        damerau_within_two(&lower(a), &lower(b))
    }

    /// The textbook optimal string alignment distance, to compare the banded one with.
    fn full_osa(a: &[char], b: &[char]) -> usize {
        let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
        for (i, row) in d.iter_mut().enumerate() {
            row[0] = i;
        }
        for (j, cell) in d[0].iter_mut().enumerate() {
            *cell = j;
        }
        for i in 1..=a.len() {
            for j in 1..=b.len() {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                d[i][j] = (d[i - 1][j] + 1)
                    .min(d[i][j - 1] + 1)
                    .min(d[i - 1][j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
                }
            }
        }
        d[a.len()][b.len()]
    }

    #[test]
    fn typos_are_within_two_edits() {
        assert_eq!(distance("Math 3", "math 3"), Some(0));
        assert_eq!(distance("Math3", "Math 3"), Some(1));
        assert_eq!(distance("Mtah 3", "Math 3"), Some(1), "a swap is one edit");
        assert_eq!(distance("Mth 33", "Math 3"), Some(2));
        assert_eq!(distance("Science Club", "Math 3"), None);
        assert_eq!(distance("", "ab"), Some(2));
        assert_eq!(distance("", "abc"), None);
    }

    /// The textbook Damerau–Levenshtein distance (Lowrance and Wagner's table).
    fn full_damerau(a: &[char], b: &[char]) -> usize {
        let far = a.len() + b.len();
        let mut d = vec![vec![0usize; b.len() + 2]; a.len() + 2];
        d[0][0] = far;
        for i in 0..=a.len() {
            d[i + 1][0] = far;
            d[i + 1][1] = i;
        }
        for j in 0..=b.len() {
            d[0][j + 1] = far;
            d[1][j + 1] = j;
        }
        let mut last_row: std::collections::HashMap<char, usize> = Default::default();
        for i in 1..=a.len() {
            let mut last_column = 0;
            for j in 1..=b.len() {
                let k = last_row.get(&b[j - 1]).copied().unwrap_or(0);
                let l = last_column;
                let cost = usize::from(a[i - 1] != b[j - 1]);
                if cost == 0 {
                    last_column = j;
                }
                d[i + 1][j + 1] = (d[i][j] + cost)
                    .min(d[i + 1][j] + 1)
                    .min(d[i][j + 1] + 1)
                    .min(d[k][l] + (i - k - 1) + 1 + (j - l - 1));
            }
            last_row.insert(a[i - 1], i);
        }
        d[a.len() + 1][b.len() + 1]
    }

    #[test]
    fn a_swap_with_a_character_between_is_two_edits() {
        assert_eq!(distance("Math 3A", "Math A 3"), Some(2));
        assert_eq!(distance("Math A 3", "Math 3A"), Some(2));
        assert_eq!(distance("ab", "bxa"), Some(2));
        assert_eq!(distance("ab", "bxya"), None);
    }

    proptest::proptest! {
        #[test]
        fn the_band_agrees_with_the_whole_table(a in "[abc ]{0,7}", b in "[abc ]{0,7}") {
            let (a, b) = (lower(&a), lower(&b));
            let full = full_osa(&a, &b);
            proptest::prop_assert_eq!(osa_within_two(&a, &b), (full <= 2).then_some(full));
        }

        #[test]
        fn typos_are_counted_as_damerau_and_levenshtein_count_them(
            a in "[abc ]{0,7}",
            b in "[abc ]{0,7}",
        ) {
            let (a, b) = (lower(&a), lower(&b));
            let full = full_damerau(&a, &b);
            proptest::prop_assert_eq!(damerau_within_two(&a, &b), (full <= 2).then_some(full));
        }
    }

    fn roster(classes: &[&str]) -> Roster {
        let mut roster = Roster::new(&[Student {
            guid: "11111111-1111-4111-8111-111111111111".into(),
            export_row: None,
            student_id: None,
            first_name: "Ann".into(),
            last_name: "Lee".into(),
            grade: "03".into(),
            username: None,
            classes: vec![classes[0].to_owned()],
        }]);
        for class in classes {
            roster.add_class(class);
        }
        roster
    }

    #[test]
    fn a_new_name_is_close_to_the_nearest_existing_class() {
        let roster = roster(&["Homeroom 3A", "Math 3", "Reading Group B"]);
        assert_eq!(similar_class(&roster, "Math3"), Some("Math 3"));
        assert_eq!(similar_class(&roster, "math-3"), Some("Math 3"));
        assert_eq!(similar_class(&roster, "Homeroom3-A"), Some("Homeroom 3A"));
        assert_eq!(
            similar_class(&roster, "Reading Grp B"),
            Some("Reading Group B")
        );
        assert_eq!(similar_class(&roster, "Reading Club"), None);
        assert_eq!(similar_class(&roster, "Science Club"), None);
        let roster = roster_with_near_pair();
        assert_eq!(
            similar_class(&roster, "Art 2"),
            Some("Art 1"),
            "first seen of equally close"
        );
    }

    /// Two students of Math 3, checked with the first moved to Math 3 and Science Club and
    /// the second's Classes cell `second`.
    fn checked(second: &str) -> crate::Checker {
        use crate::{Checker, Input, Options};
        let export = "Student GUID,First Name,Last Name,Grade Level,Classes\n\
            11111111-1111-4111-8111-111111111111,Ann,Lee,03,Math 3\n\
            22222222-2222-4222-8222-222222222222,Bo,Kim,03,Math 3\n";
        let edited = format!(
            "Student GUID,First Name,Last Name,Grade Level,Classes\n\
            11111111-1111-4111-8111-111111111111,Ann,Lee,03,Math 3; Science Club\n\
            22222222-2222-4222-8222-222222222222,Bo,Kim,03,{second}\n"
        );
        Checker::new(
            Input::new(edited.as_bytes(), Some("e.csv")),
            Some(Input::new(export.as_bytes(), Some("x.csv"))),
            &Options::default(),
        )
    }

    #[test]
    fn a_new_class_is_spelled_as_the_row_that_creates_it() {
        use crate::{Checker, Field, RowIndex, SheetRow};
        let mut checker = checked("science club;Math3;MATH 3");
        let classes_of = |checker: &Checker, i: usize| {
            let changes = checker.row_state(RowIndex::at(i)).entry.changes;
            let change = changes.into_iter().find(|c| c.field == Field::Classes);
            change.map(|c| c.new)
        };
        assert_eq!(checker.new_classes(), ["Math3", "Science Club"]);
        assert_eq!(
            classes_of(&checker, 1).as_deref(),
            Some("Math 3; Math3; Science Club")
        );
        // The typo's fix names Math 3 once, as the cell does.
        let fixes: Vec<&str> = (checker.diagnostics(RowIndex::at(1)).iter())
            .filter_map(|d| d.fix.as_ref().map(|fix| fix.value.as_str()))
            .collect();
        assert!(fixes.contains(&"science club; Math 3"), "{fixes:?}");
        // The row that created it lists it no more: the next one does, in its spelling.
        checker
            .set_cell(SheetRow::new(2), Field::Classes, "Math 3")
            .expect("edit");
        assert_eq!(checker.new_classes(), ["Math3", "science club"]);
        assert_eq!(
            classes_of(&checker, 1).as_deref(),
            Some("Math 3; Math3; science club")
        );
    }

    #[test]
    fn the_classes_to_create_follow_the_edits() {
        use crate::{Field, SheetRow};
        let mut checker = checked("science club;Art");
        assert_eq!(checker.new_classes(), ["Art", "Science Club"]);
        checker
            .set_cell(SheetRow::new(3), Field::Classes, "Math 3")
            .expect("edit");
        assert_eq!(checker.new_classes(), ["Science Club"]);
        checker
            .set_cell(SheetRow::new(2), Field::Classes, "")
            .expect("edit");
        assert!(checker.new_classes().is_empty());
    }

    #[test]
    fn a_class_only_rows_held_back_list_is_not_one_to_create() {
        use crate::{Field, SheetRow};
        let mut checker = checked("Art");
        checker
            .set_cell(SheetRow::new(3), Field::Grade, "Grade Q")
            .expect("edit");
        // Row 3 has an error and is not uploaded: Art is not created.
        assert_eq!(checker.new_classes(), ["Science Club"]);
        checker
            .set_cell(SheetRow::new(2), Field::Classes, "Art")
            .expect("edit");
        assert_eq!(checker.new_classes(), ["Art"], "row 2 lists it too");
        checker
            .set_cell(SheetRow::new(2), Field::Classes, "Math 3")
            .expect("edit");
        assert!(checker.new_classes().is_empty());
        checker
            .set_cell(SheetRow::new(3), Field::Grade, "03")
            .expect("edit");
        assert_eq!(checker.new_classes(), ["Art"], "row 3 is fixed");
    }

    fn roster_with_near_pair() -> Roster {
        roster(&["Art 1", "Art 3"])
    }
}
