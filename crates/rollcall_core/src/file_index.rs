//! What the checker knows about the whole file: which rows hold each GUID, Student ID and
//! username, which rows matched each student, and how many rows are about each student.
//!
//! Keys are spans into the table's text. Each row keeps the ids of its keys ([`RowKeys`]), so
//! the rules reach the rows sharing a key without hashing it again. A Student ID or username
//! the roster holds takes the roster's id ([`SharedKeys`]): matching has found it already.

use crate::class_index::NewClasses;
use crate::key_index::{KeyId, KeyIndex, Lists, SharedKeys};
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
    guids: KeyIndex<RowIndex>,
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
    /// The GUIDs of a whole file: every non-blank row's, which matching needs. `text` is the
    /// table's text. Student IDs and usernames come once the rows are matched
    /// ([`Self::share_keys`]), and no student is known until [`Self::set_students`].
    pub fn build(text: &str, locals: &PerRow<LocalCheck>) -> (FileIndex, PerRow<RowKeys>) {
        let mut guids = KeyIndex::with_capacity(locals.len());
        let keys = locals
            .iter_enumerated()
            .map(|(row, local)| {
                let guid = local.values.guid.filter(|_| !local.blank).map(|span| {
                    let id = guids.intern(text, span);
                    guids.add(id, row);
                    id
                });
                RowKeys {
                    guid,
                    ..RowKeys::default()
                }
            })
            .collect();
        let index = FileIndex {
            guids,
            student_ids: SharedKeys::default(),
            usernames: SharedKeys::default(),
            matched: Lists::default(),
            in_file: IndexVec::default(),
            new_classes: NewClasses::default(),
        };
        (index, keys)
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
        let guid = values.guid.map(|span| {
            let id = self.guids.intern(text, span);
            self.guids.add(id, row);
            id
        });
        let add =
            |index: &mut SharedKeys, span: Option<Span>, known: &dyn Fn(&str) -> Option<KeyId>| {
                span.map(|span| {
                    let id = index.intern(known(span.get(text)), text, span);
                    index.add(id, row);
                    id
                })
            };
        RowKeys {
            guid,
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

    pub fn rows_with_guid(&self, text: &str, guid: &str) -> &[RowIndex] {
        self.guids.get(text, guid)
    }

    pub fn guid_on_file(&self, text: &str, guid: &str) -> bool {
        !self.rows_with_guid(text, guid).is_empty()
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
