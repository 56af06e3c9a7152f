//! What the checker knows about the whole file: which rows hold each GUID, Student ID and
//! username, which rows matched each student, and how many rows are about each student.

use std::collections::HashMap;

use crate::matching::RowMatch;
use crate::rules::RowValues;

/// Row lists are zero-based data row indexes, kept sorted.
#[derive(Debug, Clone, Default)]
pub struct FileIndex {
    guids: HashMap<String, Vec<u32>>,
    student_ids: HashMap<String, Vec<u32>>,
    usernames: HashMap<String, Vec<u32>>,
    /// Per roster student: the rows that matched them.
    matched: Vec<Vec<u32>>,
    /// Per roster student: the rows that matched or identified them (the student is "in the
    /// file" when this is not zero).
    in_file: Vec<u32>,
}

fn insert(map: &mut HashMap<String, Vec<u32>>, key: String, row: u32) {
    let rows = map.entry(key).or_default();
    if let Err(at) = rows.binary_search(&row) {
        rows.insert(at, row);
    }
}

fn remove(map: &mut HashMap<String, Vec<u32>>, key: &str, row: u32) {
    if let Some(rows) = map.get_mut(key) {
        if let Ok(at) = rows.binary_search(&row) {
            rows.remove(at);
        }
        if rows.is_empty() {
            map.remove(key);
        }
    }
}

fn rows<'a>(map: &'a HashMap<String, Vec<u32>>, key: &str) -> &'a [u32] {
    map.get(key).map_or(&[], Vec::as_slice)
}

impl FileIndex {
    pub fn new(students: usize) -> FileIndex {
        FileIndex {
            matched: vec![Vec::new(); students],
            in_file: vec![0; students],
            ..FileIndex::default()
        }
    }

    pub fn add_values(&mut self, row: u32, values: &RowValues) {
        if let Some(guid) = &values.guid {
            insert(&mut self.guids, guid.clone(), row);
        }
        if let Some(key) = values.student_id_key() {
            insert(&mut self.student_ids, key, row);
        }
        if let Some(username) = &values.username {
            insert(&mut self.usernames, username.clone(), row);
        }
    }

    pub fn remove_values(&mut self, row: u32, values: &RowValues) {
        if let Some(guid) = &values.guid {
            remove(&mut self.guids, guid, row);
        }
        if let Some(key) = values.student_id_key() {
            remove(&mut self.student_ids, &key, row);
        }
        if let Some(username) = &values.username {
            remove(&mut self.usernames, username, row);
        }
    }

    pub fn add_match(&mut self, row: u32, matched: &RowMatch) {
        if let Some(student) = matched.student {
            let rows = &mut self.matched[student as usize];
            if let Err(at) = rows.binary_search(&row) {
                rows.insert(at, row);
            }
        }
        if let Some(student) = matched.subject() {
            self.in_file[student as usize] += 1;
        }
    }

    pub fn remove_match(&mut self, row: u32, matched: &RowMatch) {
        if let Some(student) = matched.student {
            let rows = &mut self.matched[student as usize];
            if let Ok(at) = rows.binary_search(&row) {
                rows.remove(at);
            }
        }
        if let Some(student) = matched.subject() {
            self.in_file[student as usize] -= 1;
        }
    }

    pub fn rows_with_guid(&self, guid: &str) -> &[u32] {
        rows(&self.guids, guid)
    }

    pub fn rows_with_student_id(&self, key: &str) -> &[u32] {
        rows(&self.student_ids, key)
    }

    pub fn rows_with_username(&self, username: &str) -> &[u32] {
        rows(&self.usernames, username)
    }

    pub fn guid_on_file(&self, guid: &str) -> bool {
        self.guids.contains_key(guid)
    }

    /// The rows that matched this student.
    pub fn matched_rows(&self, student: u32) -> &[u32] {
        &self.matched[student as usize]
    }

    /// True when some row matched or identified this student.
    pub fn in_file(&self, student: u32) -> bool {
        self.in_file[student as usize] > 0
    }
}
