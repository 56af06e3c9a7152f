//! The roster a file is checked against: the students of the original export, or the students
//! the server holds. Stored column-wise in one text buffer and indexed once by GUID, Student
//! ID, username and name, without a key ever being copied.

use std::sync::OnceLock;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::key_index::{KeyId, KeyIndex, List};
use crate::position::{SheetRow, StudentIndex};
use crate::rules::classes;
use crate::text::{Span, fold_eq, store};

mod builder;
mod names;
mod student;

pub use names::fold_name;
pub use student::{Student, StudentRef, fingerprint};

use names::{folded_chars, name_hash, name_signature};

/// One student's fields, as spans into the roster's text.
#[derive(Debug, Clone, Copy)]
struct Record {
    guid: Span,
    export_row: Option<SheetRow>,
    student_id: Option<Span>,
    first_name: Span,
    last_name: Span,
    grade: Span,
    username: Option<Span>,
    /// The record's GUID, Student ID and username in the roster's indexes.
    guid_key: Option<KeyId>,
    student_id_key: Option<KeyId>,
    username_key: Option<KeyId>,
    /// The student's classes as Rollcall writes a list ([`classes::join_sorted`]), each in the
    /// spelling its class has; empty when none.
    classes: Span,
}

/// The students a file is checked against, with their indexes.
#[derive(Debug, Clone, Default)]
pub struct Roster {
    text: String,
    records: Vec<Record>,
    by_guid: KeyIndex<StudentIndex>,
    by_student_id: KeyIndex<StudentIndex>,
    by_username: KeyIndex<StudentIndex>,
    /// The teacher's classes, by name (ignoring case).
    classes: KeyIndex<StudentIndex>,
    /// By [`name_hash`], built on first use (only new students need it); lookups compare the
    /// folded names, so collisions are harmless.
    by_name: OnceLock<FxHashMap<u64, List<StudentIndex>>>,
    /// The part of that index a whole-file check asks for ([`Roster::prepare_names_for`]).
    names_asked: OnceLock<NamesAsked>,
    /// Usernames (lower case) held by accounts outside this roster (the server's other schools).
    pub outside_usernames: FxHashSet<String>,
    /// Student IDs (lower case) held by students outside this roster (the rest of the district).
    pub outside_student_ids: FxHashSet<String>,
}

/// The students whose names hash like one of the names a check will ask about: enough to
/// answer exactly those names without indexing every student.
#[derive(Debug, Clone, Default)]
struct NamesAsked {
    hashes: FxHashSet<u64>,
    students: FxHashMap<u64, List<StudentIndex>>,
}

impl Roster {
    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    pub fn student(&self, index: StudentIndex) -> StudentRef<'_> {
        let record = &self.records[index.index()];
        let text = self.text.as_str();
        StudentRef {
            guid: record.guid.get(text),
            export_row: record.export_row,
            student_id: record.student_id.map(|s| s.get(text)),
            first_name: record.first_name.get(text),
            last_name: record.last_name.get(text),
            grade: record.grade.get(text),
            username: record.username.map(|s| s.get(text)),
            classes: record.classes.get(text),
        }
    }

    /// A student's classes as a list is written, without reading the rest of the record.
    pub fn classes_of(&self, index: StudentIndex) -> &str {
        self.records[index.index()].classes.get(&self.text)
    }

    /// A student's GUID, without reading the rest of the record.
    pub fn guid(&self, index: StudentIndex) -> &str {
        self.records[index.index()].guid.get(&self.text)
    }

    /// A student's row in the original export, if the roster came from one.
    pub fn export_row(&self, index: StudentIndex) -> Option<SheetRow> {
        self.records[index.index()].export_row
    }

    /// Every student, in roster (export) order.
    pub fn students(&self) -> impl Iterator<Item = StudentRef<'_>> {
        crate::position::all(self.records.len()).map(|i| self.student(i))
    }

    pub fn by_guid(&self, guid: &str) -> Option<StudentIndex> {
        self.by_guid.get(&self.text, guid).first().copied()
    }

    /// Students with this Student ID (compared ignoring case).
    pub fn by_student_id(&self, id: &str) -> &[StudentIndex] {
        self.by_student_id.get(&self.text, id)
    }

    /// Students with this username (compared ignoring case).
    pub fn by_username(&self, username: &str) -> &[StudentIndex] {
        self.by_username.get(&self.text, username)
    }

    /// How many distinct GUIDs the roster holds: one per student (their keys are numbered
    /// below this).
    pub fn guid_keys(&self) -> usize {
        self.by_guid.len()
    }

    /// The key of a GUID in the roster, for [`Roster::with_guid`].
    pub fn guid_key(&self, guid: &str) -> Option<KeyId> {
        self.by_guid.find(&self.text, guid)
    }

    /// The key of a student's GUID.
    pub fn guid_key_of(&self, student: StudentIndex) -> Option<KeyId> {
        self.records[student.index()].guid_key
    }

    /// The key of a GUID and its student, trying `student` first without a lookup: the rows
    /// of an edited export mostly keep the export's order, so a caller that guesses the
    /// student after the last row's is nearly always right.
    pub fn guid_key_near(
        &self,
        student: StudentIndex,
        guid: &str,
    ) -> Option<(KeyId, StudentIndex)> {
        if let Some(record) = self.records.get(student.index())
            && fold_eq(record.guid.get(&self.text), guid)
        {
            return record.guid_key.map(|key| (key, student));
        }
        let key = self.guid_key(guid)?;
        Some((key, *self.by_guid.list(key).first()?))
    }

    /// The student holding a GUID found earlier with [`Roster::guid_key`].
    pub fn with_guid(&self, key: Option<KeyId>) -> Option<StudentIndex> {
        key.and_then(|key| self.by_guid.list(key).first().copied())
    }

    /// How many distinct Student IDs the roster holds (their keys are numbered below this).
    pub fn student_id_keys(&self) -> usize {
        self.by_student_id.len()
    }

    /// How many distinct usernames the roster holds.
    pub fn username_keys(&self) -> usize {
        self.by_username.len()
    }

    /// The key of a Student ID in the roster, for [`Roster::with_student_id`].
    pub fn student_id_key(&self, id: &str) -> Option<KeyId> {
        self.by_student_id.find(&self.text, id)
    }

    /// The key of a username in the roster, for [`Roster::with_username`].
    pub fn username_key(&self, username: &str) -> Option<KeyId> {
        self.by_username.find(&self.text, username)
    }

    /// The key of a Student ID as matching sees it, knowing the row matched `student`: that
    /// student's own key when the row keeps their Student ID, without a lookup.
    pub fn student_id_key_near(&self, student: StudentIndex, id: &str) -> Option<KeyId> {
        let record = &self.records[student.index()];
        match record.student_id {
            Some(own) if fold_eq(own.get(&self.text), id) => record.student_id_key,
            _ => self.student_id_key(id),
        }
    }

    /// Like [`Roster::student_id_key_near`], for usernames.
    pub fn username_key_near(&self, student: StudentIndex, username: &str) -> Option<KeyId> {
        let record = &self.records[student.index()];
        match record.username {
            Some(own) if fold_eq(own.get(&self.text), username) => record.username_key,
            _ => self.username_key(username),
        }
    }

    /// Students holding a Student ID found earlier with [`Roster::student_id_key`].
    pub fn with_student_id(&self, key: Option<KeyId>) -> &[StudentIndex] {
        key.map_or(&[], |key| self.by_student_id.list(key))
    }

    /// Students holding a username found earlier with [`Roster::username_key`].
    pub fn with_username(&self, key: Option<KeyId>) -> &[StudentIndex] {
        key.map_or(&[], |key| self.by_username.list(key))
    }

    /// The spelling of the teacher's class named `name` (ignoring case), if there is one.
    pub fn class(&self, name: &str) -> Option<&str> {
        let id = self.classes.find(&self.text, name)?;
        Some(self.classes.key(id).get(&self.text))
    }

    /// Every class of the teacher, in the order they were first seen.
    pub fn classes(&self) -> impl Iterator<Item = &str> {
        self.classes.keys().map(|span| span.get(&self.text))
    }

    /// Adds a class of the teacher that may have no student yet (the server's classes).
    pub fn add_class(&mut self, name: &str) {
        let name = classes::normalize(name);
        if !name.is_empty() && self.classes.find(&self.text, &name).is_none() {
            let span = store(&mut self.text, &name);
            self.classes.intern(&self.text, span);
        }
    }

    /// The first student with this first name, last name and grade (names folded).
    pub fn by_name(&self, first: &str, last: &str, grade: &str) -> Option<StudentIndex> {
        let hash = name_hash(first, last, grade);
        let candidates = match (self.by_name.get(), self.names_asked.get()) {
            (None, Some(asked)) if asked.hashes.contains(&hash) => asked.students.get(&hash),
            _ => self.names().get(&hash),
        }?;
        candidates.iter().copied().find(|&s| {
            let student = self.student(s);
            student.grade == grade
                && folded_chars(student.first_name).eq(folded_chars(first))
                && folded_chars(student.last_name).eq(folded_chars(last))
        })
    }

    /// The name index, built the first time it is needed.
    fn names(&self) -> &FxHashMap<u64, List<StudentIndex>> {
        self.by_name.get_or_init(|| {
            let mut names: FxHashMap<u64, List<StudentIndex>> =
                FxHashMap::with_capacity_and_hasher(self.records.len(), Default::default());
            for (index, student) in self.students().enumerate() {
                let hash = name_hash(student.first_name, student.last_name, student.grade);
                names.entry(hash).or_default().push(StudentIndex::at(index));
            }
            names
        })
    }

    /// Prepares the answers for these names (first, last, grade) now, for a caller with a core
    /// to spare that knows which names a check will ask about: a whole file asks about its few
    /// new students, and indexing only the students with those names costs a hash per student
    /// instead of an index of them all. Any other name still gets its answer, from the whole
    /// index built then.
    pub fn prepare_names_for<'a>(&self, names: impl Iterator<Item = (&'a str, &'a str, &'a str)>) {
        let mut hashes = FxHashSet::default();
        let mut signatures = FxHashSet::default();
        for (first, last, grade) in names {
            hashes.insert(name_hash(first, last, grade));
            signatures.insert(name_signature(first, last, grade));
        }
        let mut students: FxHashMap<u64, List<StudentIndex>> = FxHashMap::default();
        if !hashes.is_empty() {
            let text = self.text.as_str();
            for (index, record) in self.records.iter().enumerate() {
                let (first, last) = (record.first_name.get(text), record.last_name.get(text));
                let grade = record.grade.get(text);
                if !signatures.contains(&name_signature(first, last, grade)) {
                    continue;
                }
                let hash = name_hash(first, last, grade);
                if hashes.contains(&hash) {
                    students
                        .entry(hash)
                        .or_default()
                        .push(StudentIndex::at(index));
                }
            }
        }
        let _ = self.names_asked.set(NamesAsked { hashes, students });
    }

    /// True when an account outside this roster holds the username (any case).
    pub fn username_taken_outside(&self, username: &str) -> bool {
        !self.outside_usernames.is_empty()
            && self.outside_usernames.contains(&username.to_lowercase())
    }

    /// True when a student outside this roster holds the Student ID (any case).
    pub fn student_id_taken_outside(&self, id: &str) -> bool {
        !self.outside_student_ids.is_empty()
            && self.outside_student_ids.contains(&id.to_lowercase())
    }
}

#[cfg(test)]
mod tests;
