//! What the checker knows about the whole file: which rows hold each GUID, Student ID and
//! username, which rows matched each student, and how many rows are about each student.
//!
//! Keys are spans into the table's text. Each row keeps the ids of its keys ([`RowKeys`]), so
//! the rules reach the rows sharing a key without hashing it again. A key the roster holds
//! takes the roster's id ([`SharedKeys`]): a GUID's is found once, for matching to use, and a
//! Student ID's or username's matching has found already.

use crate::class_index::NewClasses;
use crate::key_index::{KeyId, Lists, SharedKeys};
use crate::matching::RowMatch;
use crate::position::{IndexVec, PerRow, RowIndex, StudentIndex};
use crate::roster::Roster;
use crate::rules::{LocalCheck, RowValues};
use crate::text::Span;

/// The ids of a row's GUID, Student ID and username in the [`FileIndex`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RowKeys {
    pub guid: Option<KeyId>,
    pub student_id: Option<KeyId>,
    pub username: Option<KeyId>,
}

impl RowKeys {
    pub fn all(&self) -> [Option<KeyId>; 3] {
        [self.guid, self.student_id, self.username]
    }
}

/// Row lists are zero-based data row indexes, kept sorted.
#[derive(Debug, Clone, Default)]
pub struct FileIndex {
    guids: SharedKeys,
    student_ids: SharedKeys,
    usernames: SharedKeys,
    /// Per roster student: the rows that matched them.
    matched: Lists<RowIndex>,
    /// Per roster student: the rows that matched or identified them (the student is "in the
    /// file" when this is not zero).
    in_file: IndexVec<StudentIndex, u32>,
    /// The class names rows list that the roster has no class for.
    pub new_classes: NewClasses,
}

impl FileIndex {
    /// Indexes every row's GUID, before the rows are matched (matching asks which GUIDs are on
    /// the file): `keys` get their GUIDs. A GUID the roster holds takes the roster's id, and
    /// matching finds its student from that id without hashing the GUID again.
    pub fn share_guids(
        &mut self,
        text: &str,
        locals: &PerRow<LocalCheck>,
        keys: &mut PerRow<RowKeys>,
        roster: Option<&Roster>,
    ) {
        let rows = locals.len();
        let own = if roster.is_some() { rows / 16 } else { rows };
        let mut guids = SharedKeys::new(roster.map_or(0, Roster::guid_keys), own);
        // The student after the previous row's is tried first: see `Roster::guid_key_near`.
        let mut next = StudentIndex::new(0);
        for ((row, local), keys) in locals.iter_enumerated().zip(keys.iter_mut()) {
            let Some(span) = local.values.guid.filter(|_| !local.blank) else {
                continue;
            };
            let known = roster.and_then(|roster| {
                let (key, student) = roster.guid_key_near(next, span.get(text))?;
                next = StudentIndex::new(student.get() + 1);
                Some(key)
            });
            let id = guids.intern(known, text, span);
            guids.add(id, row);
            keys.guid = Some(id);
        }
        self.guids = guids;
    }

    /// Indexes every row's Student ID and username, given how the rows matched: the keys the
    /// roster holds are the ones matching found there. `text` is the table's text.
    pub fn share_keys(
        &mut self,
        text: &str,
        locals: &PerRow<LocalCheck>,
        matches: &PerRow<RowMatch>,
        keys: &mut PerRow<RowKeys>,
        roster: Option<&Roster>,
    ) {
        let rows = locals.len();
        // Without a roster every key is the file's own; with one, few are.
        let own = if roster.is_some() { rows / 16 } else { rows };
        let index_of = |roster_keys: usize,
                        span: fn(&RowValues) -> Option<Span>,
                        known: fn(&RowMatch) -> Option<KeyId>| {
            let mut shared = SharedKeys::new(roster_keys, own);
            let ids: Vec<Option<KeyId>> = locals
                .iter_enumerated()
                .zip(matches)
                .map(|((row, local), matched)| {
                    let span = span(&local.values).filter(|_| !local.blank)?;
                    let id = shared.intern(known(matched), text, span);
                    shared.add(id, row);
                    Some(id)
                })
                .collect();
            (shared, ids)
        };
        let ((student_ids, student_id_ids), (usernames, username_ids)) = crate::parallel::join(
            || {
                index_of(
                    roster.map_or(0, Roster::student_id_keys),
                    |v| v.student_id,
                    |m| m.roster_student_id,
                )
            },
            || {
                index_of(
                    roster.map_or(0, Roster::username_keys),
                    |v| v.username,
                    |m| m.roster_username,
                )
            },
        );
        for ((row, student_id), username) in keys.iter_mut().zip(student_id_ids).zip(username_ids) {
            row.student_id = student_id;
            row.username = username;
        }
        self.student_ids = student_ids;
        self.usernames = usernames;
    }

    /// Makes room for the roster's students, none of them matched yet.
    pub fn set_students(&mut self, students: usize) {
        self.matched = Lists::new(students);
        self.in_file = IndexVec::from(vec![0; students]);
    }

    /// Adds a row's keys; `text` is the table's text.
    pub fn add_values(
        &mut self,
        text: &str,
        row: RowIndex,
        values: &RowValues,
        roster: Option<&Roster>,
    ) -> RowKeys {
        let add =
            |index: &mut SharedKeys, span: Option<Span>, known: &dyn Fn(&str) -> Option<KeyId>| {
                span.map(|span| {
                    let id = index.intern(known(span.get(text)), text, span);
                    index.add(id, row);
                    id
                })
            };
        RowKeys {
            guid: add(&mut self.guids, values.guid, &|guid| {
                roster.and_then(|r| r.guid_key(guid))
            }),
            student_id: add(&mut self.student_ids, values.student_id, &|id| {
                roster.and_then(|r| r.student_id_key(id))
            }),
            username: add(&mut self.usernames, values.username, &|name| {
                roster.and_then(|r| r.username_key(name))
            }),
        }
    }

    pub fn remove_values(&mut self, row: RowIndex, keys: &RowKeys) {
        if let Some(key) = keys.guid {
            self.guids.remove(key, row);
        }
        if let Some(key) = keys.student_id {
            self.student_ids.remove(key, row);
        }
        if let Some(key) = keys.username {
            self.usernames.remove(key, row);
        }
    }

    pub fn add_match(&mut self, row: RowIndex, matched: &RowMatch) {
        if let Some(student) = matched.student {
            self.matched.add(student.get(), row);
        }
        if let Some(student) = matched.subject() {
            self.in_file[student] += 1;
        }
    }

    pub fn remove_match(&mut self, row: RowIndex, matched: &RowMatch) {
        if let Some(student) = matched.student {
            self.matched.remove(student.get(), row);
        }
        if let Some(student) = matched.subject() {
            self.in_file[student] -= 1;
        }
    }

    /// Rows sharing the row's GUID, Student ID or username (itself included).
    pub fn guid_rows(&self, key: Option<KeyId>) -> &[RowIndex] {
        key.map_or(&[], |key| self.guids.list(key))
    }

    pub fn student_id_rows(&self, key: Option<KeyId>) -> &[RowIndex] {
        key.map_or(&[], |key| self.student_ids.list(key))
    }

    pub fn username_rows(&self, key: Option<KeyId>) -> &[RowIndex] {
        key.map_or(&[], |key| self.usernames.list(key))
    }

    /// Rows with this Student ID or username, looked up by text (`text` is the table's text).
    pub fn rows_with_student_id(
        &self,
        text: &str,
        id: &str,
        roster: Option<&Roster>,
    ) -> &[RowIndex] {
        let known = roster.and_then(|r| r.student_id_key(id));
        self.student_ids.get(known, text, id)
    }

    pub fn rows_with_username(
        &self,
        text: &str,
        username: &str,
        roster: Option<&Roster>,
    ) -> &[RowIndex] {
        let known = roster.and_then(|r| r.username_key(username));
        self.usernames.get(known, text, username)
    }

    /// The key of the row's GUID in the roster, when the roster holds it.
    pub fn roster_guid(&self, key: Option<KeyId>) -> Option<KeyId> {
        key.and_then(|key| self.guids.roster_key(key))
    }

    /// True when some row holds this student's GUID.
    pub fn guid_on_file(&self, roster: &Roster, student: StudentIndex) -> bool {
        !self.guid_rows(roster.guid_key_of(student)).is_empty()
    }

    /// The rows that matched this student.
    pub fn matched_rows(&self, student: StudentIndex) -> &[RowIndex] {
        self.matched.get(student.get())
    }

    /// True when some row matched or identified this student.
    pub fn in_file(&self, student: StudentIndex) -> bool {
        self.in_file[student] > 0
    }
}
