//! An index from text to a short sorted list of numbers (rows or students).
//!
//! Each distinct key gets a dense id the first time it is seen, so that a caller who keeps the
//! id reaches the list again without hashing. Keys are spans into a buffer the caller owns: no
//! key is ever copied. Keys compare ignoring case ([`fold_eq`]).

use hashbrown::HashTable;
use smallvec::SmallVec;

use crate::text::{Span, fold_eq, fold_hash};

pub type List = SmallVec<[u32; 2]>;

/// The id of a distinct key of one [`KeyIndex`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KeyId(u32);

#[derive(Debug, Clone, Copy)]
struct Slot {
    hash: u64,
    id: u32,
}

#[derive(Debug, Clone, Default)]
pub struct KeyIndex {
    table: HashTable<Slot>,
    keys: Vec<Span>,
    lists: Vec<List>,
}

impl KeyIndex {
    pub fn with_capacity(capacity: usize) -> KeyIndex {
        KeyIndex {
            table: HashTable::with_capacity(capacity),
            keys: Vec::with_capacity(capacity),
            lists: Vec::with_capacity(capacity),
        }
    }

    /// The id of the text of `key` in `buffer`, given one if it is new.
    pub fn intern(&mut self, buffer: &str, key: Span) -> KeyId {
        let text = key.get(buffer);
        let hash = fold_hash(text);
        let keys = &self.keys;
        let found = self.table.find(hash, |slot| {
            slot.hash == hash && fold_eq(keys[slot.id as usize].get(buffer), text)
        });
        if let Some(slot) = found {
            return KeyId(slot.id);
        }
        let id = self.keys.len() as u32;
        self.keys.push(key);
        self.lists.push(List::new());
        self.table
            .insert_unique(hash, Slot { hash, id }, |slot| slot.hash);
        KeyId(id)
    }

    /// The id of `key`, if it was ever interned (compared ignoring case with `buffer`'s text).
    pub fn find(&self, buffer: &str, key: &str) -> Option<KeyId> {
        let hash = fold_hash(key);
        self.table
            .find(hash, |slot| {
                slot.hash == hash && fold_eq(self.keys[slot.id as usize].get(buffer), key)
            })
            .map(|slot| KeyId(slot.id))
    }

    /// Adds `value` to the key's list, keeping it sorted and without repeats.
    pub fn add(&mut self, id: KeyId, value: u32) {
        let list = &mut self.lists[id.0 as usize];
        if let Err(at) = list.binary_search(&value) {
            list.insert(at, value);
        }
    }

    pub fn remove(&mut self, id: KeyId, value: u32) {
        let list = &mut self.lists[id.0 as usize];
        if let Ok(at) = list.binary_search(&value) {
            list.remove(at);
        }
    }

    pub fn list(&self, id: KeyId) -> &[u32] {
        &self.lists[id.0 as usize]
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
        assert_eq!(index.find(&buffer, "nobody"), None);
        assert_eq!(index.get(&buffer, "nobody"), [] as [u32; 0]);
    }
}
