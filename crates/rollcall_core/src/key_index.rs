//! An index from text to a short sorted list of numbers (rows or students).
//!
//! Each distinct key gets a dense id the first time it is seen, so that a caller who keeps the
//! id reaches the list again without hashing. Keys are spans into a buffer the caller owns: no
//! key is ever copied. Keys compare ignoring case ([`fold_eq`]).

use std::num::NonZeroU32;

use hashbrown::HashTable;
use hashbrown::hash_table::Entry;
use rustc_hash::FxHashMap;
use smallvec::SmallVec;

use crate::position::{Position, RowIndex};
use crate::text::{Span, fold_eq, fold_hash};

pub type List<P> = SmallVec<[P; 2]>;

/// The id of a distinct key of one [`KeyIndex`]. Held as the key's number plus one, so that an
/// `Option<KeyId>` takes four bytes (rows and students keep several).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KeyId(NonZeroU32);

impl KeyId {
    fn new(number: u32) -> KeyId {
        KeyId(NonZeroU32::MIN.saturating_add(number))
    }

    /// The id of the key at `number` in the index's key list.
    pub(crate) fn at(number: usize) -> KeyId {
        KeyId::new(number as u32)
    }

    /// The key's number: its place in the index's key list.
    pub(crate) fn number(self) -> u32 {
        self.0.get() - 1
    }
}

/// A list's entry in [`Lists::single`] when it has no value or several.
const NONE: u32 = u32::MAX;

/// Short sorted lists of places (rows, students) without repeats, one per dense number (a key,
/// a student). Nearly every list holds one value, kept in `single` (four bytes a list); the few
/// with several keep them in `several`.
#[derive(Debug, Clone)]
pub struct Lists<P> {
    single: Vec<P>,
    several: FxHashMap<u32, Vec<P>>,
}

impl<P> Default for Lists<P> {
    fn default() -> Lists<P> {
        Lists {
            single: Vec::new(),
            several: FxHashMap::default(),
        }
    }
}

impl<P: Position> Lists<P> {
    /// `count` empty lists.
    pub fn new(count: usize) -> Lists<P> {
        Lists {
            single: vec![P::new(NONE); count],
            several: FxHashMap::default(),
        }
    }

    fn with_capacity(capacity: usize) -> Lists<P> {
        Lists {
            single: Vec::with_capacity(capacity),
            several: FxHashMap::default(),
        }
    }

    /// Adds an empty list at the end.
    fn push_empty(&mut self) {
        self.single.push(P::new(NONE));
    }

    /// Adds `value` to list `at`, keeping it sorted and without repeats.
    pub fn add(&mut self, at: u32, value: P) {
        debug_assert_ne!(value.get(), NONE);
        let single = &mut self.single[at as usize];
        if single.get() == NONE {
            match self.several.get_mut(&at) {
                Some(list) => {
                    if let Err(i) = list.binary_search(&value) {
                        list.insert(i, value);
                    }
                }
                None => *single = value,
            }
        } else if *single != value {
            let first = std::mem::replace(single, P::new(NONE));
            self.several
                .insert(at, vec![first.min(value), first.max(value)]);
        }
    }

    pub fn remove(&mut self, at: u32, value: P) {
        let single = &mut self.single[at as usize];
        if *single == value {
            *single = P::new(NONE);
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

    pub fn get(&self, at: u32) -> &[P] {
        match &self.single[at as usize] {
            single if single.get() == NONE => self.several.get(&at).map_or(&[], Vec::as_slice),
            single => std::slice::from_ref(single),
        }
    }
}

/// The table holds only key ids (four bytes each); a probe compares the key's text, and the
/// table's own control bytes already rule out nearly every other key. Each key's values are
/// its list in `lists`.
#[derive(Debug, Clone)]
pub struct KeyIndex<P> {
    table: HashTable<u32>,
    keys: Vec<Span>,
    lists: Lists<P>,
}

impl<P> Default for KeyIndex<P> {
    fn default() -> KeyIndex<P> {
        KeyIndex {
            table: HashTable::default(),
            keys: Vec::new(),
            lists: Lists::default(),
        }
    }
}

impl<P: Position> KeyIndex<P> {
    pub fn with_capacity(capacity: usize) -> KeyIndex<P> {
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
        // One probe finds the key or the place for it; growing the table (before the new key
        // is added) re-hashes the keys from their text.
        let entry = self.table.entry(
            hash,
            |&id| fold_eq(keys[id as usize].get(buffer), text),
            |&id| fold_hash(keys[id as usize].get(buffer)),
        );
        match entry {
            Entry::Occupied(found) => KeyId::new(*found.get()),
            Entry::Vacant(place) => {
                let id = self.keys.len() as u32;
                self.keys.push(key);
                self.lists.push_empty();
                place.insert(id);
                KeyId::new(id)
            }
        }
    }

    /// The id of `key`, if it was ever interned (compared ignoring case with `buffer`'s text).
    pub fn find(&self, buffer: &str, key: &str) -> Option<KeyId> {
        let hash = fold_hash(key);
        self.table
            .find(hash, |&id| fold_eq(self.keys[id as usize].get(buffer), key))
            .map(|&id| KeyId::new(id))
    }

    /// Adds `value` to the key's list, keeping it sorted and without repeats.
    pub fn add(&mut self, id: KeyId, value: P) {
        self.lists.add(id.number(), value);
    }

    pub fn remove(&mut self, id: KeyId, value: P) {
        self.lists.remove(id.number(), value);
    }

    pub fn list(&self, id: KeyId) -> &[P] {
        self.lists.get(id.number())
    }

    /// The list under `key`, empty when the key is unknown.
    pub fn get(&self, buffer: &str, key: &str) -> &[P] {
        self.find(buffer, key).map_or(&[], |id| self.list(id))
    }

    /// Where the text of key `id` is in the buffer it was interned from.
    pub fn key(&self, id: KeyId) -> Span {
        self.keys[id.number() as usize]
    }

    /// Where each key's text is, in id order.
    pub fn keys(&self) -> impl Iterator<Item = Span> + '_ {
        self.keys.iter().copied()
    }

    /// How many distinct keys the index holds (ids are below this).
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

/// A file's keys of a kind the roster also holds (GUIDs, Student IDs, usernames), with the rows
/// holding each. A key the roster holds takes the roster's id: the caller has found it already
/// (matching, or an export's rows in order), so most rows' keys are never hashed again. Any
/// other key gets an id of its own, past the roster's.
///
/// Every method that takes a key's text also takes `roster`, the roster's id for that text
/// (`None` when the roster does not hold it); the caller finds it in the roster.
#[derive(Debug, Clone, Default)]
pub struct SharedKeys {
    /// How many keys the roster has: ids below this are the roster's.
    roster_keys: u32,
    /// The rows holding each of the roster's keys.
    rows: Lists<RowIndex>,
    /// The keys the roster lacks, as spans of the file's text, and their rows.
    own: KeyIndex<RowIndex>,
}

impl SharedKeys {
    /// For a roster with `roster_keys` keys of this kind, and about `own` keys it lacks.
    pub fn new(roster_keys: usize, own: usize) -> SharedKeys {
        SharedKeys {
            roster_keys: roster_keys as u32,
            rows: Lists::new(roster_keys),
            own: KeyIndex::with_capacity(own),
        }
    }

    /// The id of the file's key `key`, a span of `text`.
    pub fn intern(&mut self, roster: Option<KeyId>, text: &str, key: Span) -> KeyId {
        match roster {
            Some(id) => id,
            None => {
                let own = self.own.intern(text, key);
                self.own_id(own)
            }
        }
    }

    /// The id of `key` if some row holds it or the roster does.
    pub fn find(&self, roster: Option<KeyId>, text: &str, key: &str) -> Option<KeyId> {
        roster.or_else(|| self.own.find(text, key).map(|id| self.own_id(id)))
    }

    /// `id` when it is one of the roster's keys.
    pub fn roster_key(&self, id: KeyId) -> Option<KeyId> {
        (id.number() < self.roster_keys).then_some(id)
    }

    fn own_id(&self, id: KeyId) -> KeyId {
        KeyId::new(self.roster_keys + id.number())
    }

    /// The key in `own` that `id` stands for, or else the roster key's number.
    fn place(&self, id: KeyId) -> Result<u32, KeyId> {
        match id.number().checked_sub(self.roster_keys) {
            Some(own) => Err(KeyId::new(own)),
            None => Ok(id.number()),
        }
    }

    pub fn add(&mut self, id: KeyId, row: RowIndex) {
        match self.place(id) {
            Ok(roster) => self.rows.add(roster, row),
            Err(own) => self.own.add(own, row),
        }
    }

    pub fn remove(&mut self, id: KeyId, row: RowIndex) {
        match self.place(id) {
            Ok(roster) => self.rows.remove(roster, row),
            Err(own) => self.own.remove(own, row),
        }
    }

    pub fn list(&self, id: KeyId) -> &[RowIndex] {
        match self.place(id) {
            Ok(roster) => self.rows.get(roster),
            Err(own) => self.own.list(own),
        }
    }

    /// The rows holding `key`, empty when none does.
    pub fn get(&self, roster: Option<KeyId>, text: &str, key: &str) -> &[RowIndex] {
        self.find(roster, text, key).map_or(&[], |id| self.list(id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::store;

    fn r(number: u32) -> RowIndex {
        RowIndex::new(number)
    }

    fn indexes<const N: usize>(numbers: [u32; N]) -> [RowIndex; N] {
        numbers.map(RowIndex::new)
    }

    #[test]
    fn lists_stay_sorted_and_keys_fold_case() {
        let mut buffer = String::new();
        let ana = store(&mut buffer, "Ana.Lopez");
        let ana_again = store(&mut buffer, "ana.lopez");
        let ben = store(&mut buffer, "ben");
        let mut index = KeyIndex::<RowIndex>::default();
        let id = index.intern(&buffer, ana);
        assert_eq!(index.intern(&buffer, ana_again), id);
        assert_ne!(index.intern(&buffer, ben), id);
        index.add(id, r(5));
        index.add(id, r(2));
        index.add(id, r(5));
        index.add(id, r(9));
        assert_eq!(index.get(&buffer, "ANA.LOPEZ"), indexes([2, 5, 9]));
        index.remove(id, r(5));
        assert_eq!(index.list(id), indexes([2, 9]));
        index.remove(id, r(2));
        assert_eq!(index.list(id), indexes([9]));
        index.remove(id, r(7));
        assert_eq!(index.list(id), indexes([9]));
        index.add(id, r(9));
        assert_eq!(index.list(id), indexes([9]));
        index.add(id, r(1));
        assert_eq!(index.list(id), indexes([1, 9]));
        index.remove(id, r(1));
        index.remove(id, r(9));
        assert_eq!(index.list(id), [] as [RowIndex; 0]);
        index.add(id, r(4));
        assert_eq!(index.list(id), indexes([4]));
        assert_eq!(index.find(&buffer, "nobody"), None);
        assert_eq!(index.get(&buffer, "nobody"), [] as [RowIndex; 0]);
    }

    #[test]
    fn lists_start_empty_and_hold_one_or_several_values() {
        let mut lists = Lists::<RowIndex>::new(3);
        assert_eq!(lists.get(0), [] as [RowIndex; 0]);
        lists.add(1, r(7));
        lists.add(1, r(3));
        lists.add(2, r(4));
        assert_eq!(lists.get(1), indexes([3, 7]));
        assert_eq!(lists.get(2), indexes([4]));
        lists.remove(1, r(7));
        lists.remove(2, r(4));
        assert_eq!(lists.get(1), indexes([3]));
        assert_eq!(lists.get(2), [] as [RowIndex; 0]);
        assert_eq!(lists.get(0), [] as [RowIndex; 0]);
    }

    #[test]
    fn shared_keys_take_the_roster_ids_and_number_the_others_after_them() {
        let mut roster_text = String::new();
        let mut roster = KeyIndex::<RowIndex>::default();
        for name in ["ana", "ben"] {
            let span = store(&mut roster_text, name);
            let id = roster.intern(&roster_text, span);
            roster.add(id, r(0));
        }
        let mut text = String::new();
        let rows: Vec<Span> = ["Ben", "Zoe", "ZOE", "ana"]
            .iter()
            .map(|name| store(&mut text, name))
            .collect();
        let mut shared = SharedKeys::new(roster.len(), 4);
        let ids: Vec<KeyId> = rows
            .iter()
            .enumerate()
            .map(|(row, &span)| {
                let known = roster.find(&roster_text, span.get(&text));
                let id = shared.intern(known, &text, span);
                shared.add(id, RowIndex::at(row));
                id
            })
            .collect();
        assert_eq!(ids[0], roster.find(&roster_text, "ben").unwrap());
        assert_eq!(ids[3], roster.find(&roster_text, "ana").unwrap());
        assert_eq!(ids[1], ids[2], "keys the roster lacks still fold case");
        assert!(ids[1].number() >= 2, "and are numbered after the roster's");
        assert_eq!(shared.list(ids[1]), indexes([1, 2]));
        assert_eq!(shared.get(None, &text, "zoe"), indexes([1, 2]));
        assert_eq!(shared.get(ids.first().copied(), &text, "BEN"), indexes([0]));
        assert_eq!(shared.get(None, &text, "nobody"), [] as [RowIndex; 0]);
        shared.remove(ids[1], r(1));
        shared.remove(ids[0], r(0));
        assert_eq!(shared.list(ids[1]), indexes([2]));
        assert_eq!(shared.list(ids[0]), [] as [RowIndex; 0]);
    }

    #[test]
    fn keys_are_found_again_after_the_table_grows() {
        let mut buffer = String::new();
        let spans: Vec<Span> = (0..1000)
            .map(|i| store(&mut buffer, &format!("User.{i}")))
            .collect();
        let mut index = KeyIndex::<RowIndex>::default();
        for (i, span) in spans.iter().enumerate() {
            let id = index.intern(&buffer, *span);
            index.add(id, RowIndex::at(i));
        }
        for i in 0..1000u32 {
            assert_eq!(index.get(&buffer, &format!("user.{i}")), [r(i)]);
        }
    }
}
