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
mod tests;
