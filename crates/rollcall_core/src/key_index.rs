//! An index from text to a short sorted list of numbers (rows or students).
//!
//! Each distinct key gets a dense id the first time it is seen, so that a caller who keeps the
//! id reaches the list again without hashing. Keys are spans into a buffer the caller owns: no
//! key is ever copied. Keys compare ignoring case ([`fold_eq`]).

use std::num::NonZeroU32;

use hashbrown::HashTable;
use rustc_hash::FxHashMap;
use smallvec::SmallVec;

use crate::text::{Span, fold_eq, fold_hash};

pub type List = SmallVec<[u32; 2]>;

/// The id of a distinct key of one [`KeyIndex`]. Held as the key's number plus one, so that an
/// `Option<KeyId>` takes four bytes (rows and students keep several).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KeyId(NonZeroU32);

impl KeyId {
    fn new(number: u32) -> KeyId {
        KeyId(NonZeroU32::MIN.saturating_add(number))
    }

    /// The key's number: its place in the index's key list.
    fn number(self) -> u32 {
        self.0.get() - 1
    }
}

/// A list's entry in [`Lists::single`] when it has no value or several.
const NONE: u32 = u32::MAX;

/// Short sorted lists of numbers without repeats, one per dense number (a key, a student).
/// Nearly every list holds one value, kept in `single` (four bytes a list); the few with
/// several keep them in `several`.
#[derive(Debug, Clone, Default)]
pub struct Lists {
    single: Vec<u32>,
    several: FxHashMap<u32, Vec<u32>>,
}

impl Lists {
    /// `count` empty lists.
    pub fn new(count: usize) -> Lists {
        Lists {
            single: vec![NONE; count],
            several: FxHashMap::default(),
        }
    }

    fn with_capacity(capacity: usize) -> Lists {
        Lists {
            single: Vec::with_capacity(capacity),
            several: FxHashMap::default(),
        }
    }

    /// Adds an empty list at the end.
    fn push_empty(&mut self) {
        self.single.push(NONE);
    }

    /// Adds `value` to list `at`, keeping it sorted and without repeats.
    pub fn add(&mut self, at: u32, value: u32) {
        debug_assert_ne!(value, NONE);
        let single = &mut self.single[at as usize];
        if *single == NONE {
            match self.several.get_mut(&at) {
                Some(list) => {
                    if let Err(i) = list.binary_search(&value) {
                        list.insert(i, value);
                    }
                }
                None => *single = value,
            }
        } else if *single != value {
            let first = std::mem::replace(single, NONE);
            self.several
                .insert(at, vec![first.min(value), first.max(value)]);
        }
    }

    pub fn remove(&mut self, at: u32, value: u32) {
        let single = &mut self.single[at as usize];
        if *single == value {
            *single = NONE;
            return;
        }
        let Some(list) = self.several.get_mut(&at) else {
            return;
        };
        if let Ok(i) = list.binary_search(&value) {
            list.remove(i);
        }
        match list.as_slice() {
            [] => {
                self.several.remove(&at);
            }
            [only] => {
                *single = *only;
                self.several.remove(&at);
            }
            _ => {}
        }
    }

    pub fn get(&self, at: u32) -> &[u32] {
        match &self.single[at as usize] {
            &NONE => self.several.get(&at).map_or(&[], Vec::as_slice),
            single => std::slice::from_ref(single),
        }
    }
}

/// The table holds only key ids (four bytes each); a probe compares the key's text, and the
/// table's own control bytes already rule out nearly every other key. Each key's values are
/// its list in `lists`.
#[derive(Debug, Clone, Default)]
pub struct KeyIndex {
    table: HashTable<u32>,
    keys: Vec<Span>,
    lists: Lists,
}

impl KeyIndex {
    pub fn with_capacity(capacity: usize) -> KeyIndex {
        KeyIndex {
            table: HashTable::with_capacity(capacity),
            keys: Vec::with_capacity(capacity),
            lists: Lists::with_capacity(capacity),
        }
    }

    /// The id of the text of `key` in `buffer`, given one if it is new.
    pub fn intern(&mut self, buffer: &str, key: Span) -> KeyId {
        let text = key.get(buffer);
        let hash = fold_hash(text);
        let keys = &self.keys;
        let found = self
            .table
            .find(hash, |&id| fold_eq(keys[id as usize].get(buffer), text));
        if let Some(&id) = found {
            return KeyId::new(id);
        }
        let id = self.keys.len() as u32;
        self.keys.push(key);
        self.lists.push_empty();
        let keys = &self.keys;
        // Growing the table re-hashes the keys from their text.
        self.table
            .insert_unique(hash, id, |&id| fold_hash(keys[id as usize].get(buffer)));
        KeyId::new(id)
    }

    /// The id of `key`, if it was ever interned (compared ignoring case with `buffer`'s text).
    pub fn find(&self, buffer: &str, key: &str) -> Option<KeyId> {
        let hash = fold_hash(key);
        self.table
            .find(hash, |&id| fold_eq(self.keys[id as usize].get(buffer), key))
            .map(|&id| KeyId::new(id))
    }

    /// Adds `value` to the key's list, keeping it sorted and without repeats.
    pub fn add(&mut self, id: KeyId, value: u32) {
        self.lists.add(id.number(), value);
    }

    pub fn remove(&mut self, id: KeyId, value: u32) {
        self.lists.remove(id.number(), value);
    }

    pub fn list(&self, id: KeyId) -> &[u32] {
        self.lists.get(id.number())
    }

    /// The list under `key`, empty when the key is unknown.
    pub fn get(&self, buffer: &str, key: &str) -> &[u32] {
        self.find(buffer, key).map_or(&[], |id| self.list(id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::store;

    #[test]
    fn lists_stay_sorted_and_keys_fold_case() {
        let mut buffer = String::new();
        let ana = store(&mut buffer, "Ana.Lopez");
        let ana_again = store(&mut buffer, "ana.lopez");
        let ben = store(&mut buffer, "ben");
        let mut index = KeyIndex::default();
        let id = index.intern(&buffer, ana);
        assert_eq!(index.intern(&buffer, ana_again), id);
        assert_ne!(index.intern(&buffer, ben), id);
        index.add(id, 5);
        index.add(id, 2);
        index.add(id, 5);
        index.add(id, 9);
        assert_eq!(index.get(&buffer, "ANA.LOPEZ"), [2, 5, 9]);
        index.remove(id, 5);
        assert_eq!(index.list(id), [2, 9]);
        index.remove(id, 2);
        assert_eq!(index.list(id), [9]);
        index.remove(id, 7);
        assert_eq!(index.list(id), [9]);
        index.add(id, 9);
        assert_eq!(index.list(id), [9]);
        index.add(id, 1);
        assert_eq!(index.list(id), [1, 9]);
        index.remove(id, 1);
        index.remove(id, 9);
        assert_eq!(index.list(id), [] as [u32; 0]);
        index.add(id, 4);
        assert_eq!(index.list(id), [4]);
        assert_eq!(index.find(&buffer, "nobody"), None);
        assert_eq!(index.get(&buffer, "nobody"), [] as [u32; 0]);
    }

    #[test]
    fn lists_start_empty_and_hold_one_or_several_values() {
        let mut lists = Lists::new(3);
        assert_eq!(lists.get(0), [] as [u32; 0]);
        lists.add(1, 7);
        lists.add(1, 3);
        lists.add(2, 4);
        assert_eq!(lists.get(1), [3, 7]);
        assert_eq!(lists.get(2), [4]);
        lists.remove(1, 7);
        lists.remove(2, 4);
        assert_eq!(lists.get(1), [3]);
        assert_eq!(lists.get(2), [] as [u32; 0]);
        assert_eq!(lists.get(0), [] as [u32; 0]);
    }

    #[test]
    fn keys_are_found_again_after_the_table_grows() {
        let mut buffer = String::new();
        let spans: Vec<Span> = (0..1000)
            .map(|i| store(&mut buffer, &format!("User.{i}")))
            .collect();
        let mut index = KeyIndex::default();
        for (i, span) in spans.iter().enumerate() {
            let id = index.intern(&buffer, *span);
            index.add(id, i as u32);
        }
        for i in 0..1000u32 {
            assert_eq!(index.get(&buffer, &format!("user.{i}")), [i]);
        }
    }
}
