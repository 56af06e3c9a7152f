//! What the checker knows about the whole file: which rows hold each GUID, Student ID and
//! username, which rows matched each student, and how many rows are about each student.
//!
//! Keys are spans into the table's text. Each row keeps the ids of its keys ([`RowKeys`]), so
//! the rules reach the rows sharing a key without hashing it again.

use crate::key_index::{KeyId, KeyIndex, Lists};
use crate::matching::RowMatch;
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
    guids: KeyIndex,
    student_ids: KeyIndex,
    usernames: KeyIndex,
    /// Per roster student: the rows that matched them.
    matched: Lists,
    /// Per roster student: the rows that matched or identified them (the student is "in the
    /// file" when this is not zero).
    in_file: Vec<u32>,
}

impl FileIndex {
    /// The index of a whole file: every non-blank row's keys, the three kinds built side by
    /// side. `text` is the table's text. No student is known until [`Self::set_students`].
    pub fn build(text: &str, locals: &[LocalCheck]) -> (FileIndex, Vec<RowKeys>) {
        let rows = locals.len();
        let index_of = |key: fn(&RowValues) -> Option<Span>| {
            let mut index = KeyIndex::with_capacity(rows);
            let ids: Vec<Option<KeyId>> = locals
                .iter()
                .enumerate()
                .map(|(row, local)| {
                    let span = key(&local.values).filter(|_| !local.blank)?;
                    let id = index.intern(text, span);
                    index.add(id, row as u32);
                    Some(id)
                })
                .collect();
            (index, ids)
        };
        let ((guids, guid_ids), ((student_ids, student_id_ids), (usernames, username_ids))) =
            crate::parallel::join(
                || index_of(|v| v.guid),
                || {
                    crate::parallel::join(
                        || index_of(|v| v.student_id),
                        || index_of(|v| v.username),
                    )
                },
            );
        let keys = (0..rows)
            .map(|row| RowKeys {
                guid: guid_ids[row],
                student_id: student_id_ids[row],
                username: username_ids[row],
            })
            .collect();
        let index = FileIndex {
            guids,
            student_ids,
            usernames,
            matched: Lists::default(),
            in_file: Vec::new(),
        };
        (index, keys)
    }

    /// Makes room for the roster's students, none of them matched yet.
    pub fn set_students(&mut self, students: usize) {
        self.matched = Lists::new(students);
        self.in_file = vec![0; students];
    }

    /// Adds a row's keys; `text` is the table's text.
    pub fn add_values(&mut self, text: &str, row: u32, values: &RowValues) -> RowKeys {
        let add = |index: &mut KeyIndex, span: Option<Span>| {
            span.map(|span| {
                let id = index.intern(text, span);
                index.add(id, row);
                id
            })
        };
        RowKeys {
            guid: add(&mut self.guids, values.guid),
            student_id: add(&mut self.student_ids, values.student_id),
            username: add(&mut self.usernames, values.username),
        }
    }

    pub fn remove_values(&mut self, row: u32, keys: &RowKeys) {
        let lists = [&mut self.guids, &mut self.student_ids, &mut self.usernames];
        for (index, key) in lists.into_iter().zip(keys.all()) {
            if let Some(key) = key {
                index.remove(key, row);
            }
        }
    }

    pub fn add_match(&mut self, row: u32, matched: &RowMatch) {
        if let Some(student) = matched.student {
            self.matched.add(student, row);
        }
        if let Some(student) = matched.subject() {
            self.in_file[student as usize] += 1;
        }
    }

    pub fn remove_match(&mut self, row: u32, matched: &RowMatch) {
        if let Some(student) = matched.student {
            self.matched.remove(student, row);
        }
        if let Some(student) = matched.subject() {
            self.in_file[student as usize] -= 1;
        }
    }

    /// Rows sharing the row's GUID, Student ID or username (itself included).
    pub fn guid_rows(&self, key: Option<KeyId>) -> &[u32] {
        key.map_or(&[], |key| self.guids.list(key))
    }

    pub fn student_id_rows(&self, key: Option<KeyId>) -> &[u32] {
        key.map_or(&[], |key| self.student_ids.list(key))
    }

    pub fn username_rows(&self, key: Option<KeyId>) -> &[u32] {
        key.map_or(&[], |key| self.usernames.list(key))
    }

    /// Rows with this Student ID or username, looked up by text (`text` is the table's text).
    pub fn rows_with_student_id(&self, text: &str, id: &str) -> &[u32] {
        self.student_ids.get(text, id)
    }

    pub fn rows_with_username(&self, text: &str, username: &str) -> &[u32] {
        self.usernames.get(text, username)
    }

    pub fn rows_with_guid(&self, text: &str, guid: &str) -> &[u32] {
        self.guids.get(text, guid)
    }

    pub fn guid_on_file(&self, text: &str, guid: &str) -> bool {
        !self.rows_with_guid(text, guid).is_empty()
    }

    /// The rows that matched this student.
    pub fn matched_rows(&self, student: u32) -> &[u32] {
        self.matched.get(student)
    }

    /// True when some row matched or identified this student.
    pub fn in_file(&self, student: u32) -> bool {
        self.in_file[student as usize] > 0
    }
}
