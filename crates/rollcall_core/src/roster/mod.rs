//! The roster a file is checked against: the students of the original export, or the students
//! the server holds. Stored column-wise in one text buffer and indexed once by GUID, Student
//! ID, username and name, without a key ever being copied.

use std::sync::OnceLock;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::key_index::{KeyId, KeyIndex, List};
use crate::position::{RowIndex, SheetRow, StudentIndex};
use crate::read::Table;
use crate::rules::{classes, grade, guid};
use crate::text::{Span, fold_eq, store};

mod names;
mod student;

pub use names::fold_name;
pub use student::{Student, StudentRef, fingerprint};

use names::{folded_chars, name_hash, name_signature};

/// Appends `value` in lower case, allocating only for non-ASCII text.
fn store_lowercase(text: &mut String, value: &str) -> Span {
    if value.is_ascii() {
        let span = store(text, value);
        text[span.start as usize..].make_ascii_lowercase();
        span
    } else {
        store(text, &value.to_lowercase())
    }
}

fn non_empty(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|v| !v.is_empty())
}

/// Lower-cases ASCII text where it stands.
fn lowercase_in_place(text: &mut str, span: Span) {
    let range = span.start as usize..(span.start + span.len) as usize;
    if let Some(part) = text.get_mut(range) {
        part.make_ascii_lowercase();
    }
}

/// The span's text in lower case: in place when ASCII, else appended.
fn lowercase(text: &mut String, span: Span) -> Span {
    if span.get(text).is_ascii() {
        lowercase_in_place(text, span);
        span
    } else {
        let lower = span.get(text).to_lowercase();
        store(text, &lower)
    }
}

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

/// Builds a roster one student at a time.
struct Builder {
    roster: Roster,
    /// Classes cells seen to read as their lists are written: a teacher's students share a
    /// few lists, so most cells of an export are one of these. A cell that reads so once
    /// always does (a class keeps the spelling it was first seen with).
    written: FxHashSet<Box<str>>,
}

/// The most cells [`Builder::written`] holds, so that an export whose every cell differs costs
/// no more than this many copies.
const MOST_WRITTEN: usize = 1024;

impl Builder {
    fn new(capacity: usize, text: String) -> Builder {
        Builder {
            roster: Roster {
                text,
                records: Vec::with_capacity(capacity),
                by_guid: KeyIndex::with_capacity(capacity),
                by_student_id: KeyIndex::with_capacity(capacity),
                by_username: KeyIndex::with_capacity(capacity),
                ..Roster::default()
            },
            written: FxHashSet::default(),
        }
    }

    /// Adds a student whose fields are already in the roster's text; a GUID given twice keeps
    /// its first student (and `false` says the record was not added).
    fn add(&mut self, mut record: Record) -> bool {
        let roster = &mut self.roster;
        let index = StudentIndex::at(roster.records.len());
        let guid = roster.by_guid.intern(&roster.text, record.guid);
        if !roster.by_guid.list(guid).is_empty() {
            return false;
        }
        roster.by_guid.add(guid, index);
        record.guid_key = Some(guid);
        roster.records.push(record);
        true
    }

    /// The span of the student's list of classes, given the names in `cell` (a Classes cell or
    /// a list joined by `;`): each name takes the spelling of the class it names, and a class
    /// seen for the first time is added. The list is stored unless
    /// `cell` (at `at` in the text) already reads as it would be written.
    fn classes(&mut self, cell: &str, at: Option<Span>) -> Span {
        let spellings = self.add_classes(cell);
        let text = &self.roster.text;
        let joined = classes::join_sorted(spellings.iter().map(|span| span.get(text)));
        match at {
            Some(at) if at.get(text) == joined => at,
            _ => store(&mut self.roster.text, &joined),
        }
    }

    /// Adds each class `cell` names that is not seen yet; returns the spans of their
    /// spellings, in the cell's order.
    fn add_classes(&mut self, cell: &str) -> Vec<Span> {
        let (names, _) = classes::read(cell);
        let mut spellings: Vec<Span> = Vec::with_capacity(names.len());
        for name in &names {
            let roster = &mut self.roster;
            let id = match roster.classes.find(&roster.text, name) {
                Some(id) => id,
                None => {
                    let span = store(&mut roster.text, name);
                    roster.classes.intern(&roster.text, span)
                }
            };
            spellings.push(roster.classes.key(id));
        }
        spellings
    }

    /// Whether the cell at `at` reads exactly as the student's list would be written: every
    /// name one of the classes already seen, in its spelling, in order and joined as
    /// [`classes::join_sorted`] joins them. Most cells of an export read so, and need no list
    /// of their own.
    fn reads_as_written(&mut self, at: Span) -> bool {
        let cell = at.get(&self.roster.text);
        if self.written.contains(cell) {
            return true;
        }
        let reads = self.names_as_written(cell);
        if reads && self.written.len() < MOST_WRITTEN {
            self.written.insert(Box::from(cell));
        }
        reads
    }

    /// [`Builder::reads_as_written`], worked out.
    fn names_as_written(&self, cell: &str) -> bool {
        let roster = &self.roster;
        let text = roster.text.as_str();
        let (names, _) = classes::read(cell);
        let mut rest = cell;
        let mut previous: Option<&str> = None;
        for name in &names {
            let Some(id) = roster.classes.find(text, name) else {
                return false;
            };
            let spelled = roster.classes.key(id).get(text);
            // In strictly increasing order, the names are where the sort would put them.
            if let Some(previous) = previous {
                if classes::compare(previous, spelled) != std::cmp::Ordering::Less {
                    return false;
                }
                match rest.strip_prefix(classes::SEPARATOR) {
                    Some(after) => rest = after,
                    None => return false,
                }
            }
            match rest.strip_prefix(spelled) {
                Some(after) => rest = after,
                None => return false,
            }
            previous = Some(spelled);
        }
        rest.is_empty()
    }

    /// Indexes the students' Student IDs and usernames, one index after the other: each
    /// index's table then has the cache to itself.
    fn finish(mut self) -> Roster {
        let roster = &mut self.roster;
        let text = roster.text.as_str();
        for (i, record) in roster.records.iter_mut().enumerate() {
            if let Some(id) = record.student_id {
                let key = roster.by_student_id.intern(text, id);
                roster.by_student_id.add(key, StudentIndex::at(i));
                record.student_id_key = Some(key);
            }
        }
        for (i, record) in roster.records.iter_mut().enumerate() {
            if let Some(username) = record.username {
                let key = roster.by_username.intern(text, username);
                roster.by_username.add(key, StudentIndex::at(i));
                record.username_key = Some(key);
            }
        }
        self.roster
    }
}

impl Roster {
    /// Indexes the students. A GUID given twice keeps its first student.
    pub fn new(students: &[Student]) -> Roster {
        let mut builder = Builder::new(students.len(), String::with_capacity(students.len() * 96));
        for student in students {
            let text = &mut builder.roster.text;
            let mark = text.len();
            let record = Record {
                guid: store_lowercase(text, &student.guid),
                export_row: student.export_row,
                student_id: non_empty(&student.student_id).map(|v| store(text, v)),
                first_name: store(text, &student.first_name),
                last_name: store(text, &student.last_name),
                grade: store(text, &student.grade),
                username: non_empty(&student.username).map(|v| store_lowercase(text, v)),
                guid_key: None,
                student_id_key: None,
                username_key: None,
                classes: Span::default(),
            };
            if !builder.add(record) {
                builder.roster.text.truncate(mark);
                continue;
            }
            if !student.classes.is_empty() {
                let index = StudentIndex::at(builder.roster.records.len() - 1);
                let list = builder.classes(&student.classes.join(";"), None);
                builder.roster.records[index.index()].classes = list;
            }
        }
        builder.finish()
    }

    /// The roster an export file describes: every row with a well-formed GUID. The roster
    /// keeps the table's text, so no cell is copied.
    pub fn from_export(table: Table) -> Roster {
        let has_classes = table.column(crate::field::Field::Classes).is_some();
        let (text, cells) = table.into_parts();
        let mut builder = Builder::new(cells.len(), text);
        for i in crate::position::all::<RowIndex>(cells.len()) {
            let (row, spans) = cells.row(i);
            let [
                guid,
                student_id,
                first_name,
                last_name,
                grade_span,
                username,
                _,
                classes,
            ] = spans;
            let text = &mut builder.roster.text;
            if !guid::is_guid(guid.get(text)) {
                // No student, but the classes it names are the teacher's all the same.
                if has_classes && !classes.is_empty() {
                    let cell = classes.get(text).to_owned();
                    builder.add_classes(&cell);
                }
                continue;
            }
            lowercase_in_place(text, guid);
            let username = (!username.is_empty()).then(|| lowercase(text, username));
            let typed_grade = grade_span.get(text);
            let grade = match grade::normalize(typed_grade) {
                Some(standard) if standard != typed_grade => store(text, standard),
                _ => grade_span,
            };
            let added = builder.add(Record {
                guid,
                export_row: Some(row),
                student_id: (!student_id.is_empty()).then_some(student_id),
                first_name,
                last_name,
                grade,
                username,
                guid_key: None,
                student_id_key: None,
                username_key: None,
                classes: Span::default(),
            });
            if added && has_classes && !classes.is_empty() {
                let index = StudentIndex::at(builder.roster.records.len() - 1);
                let list = if builder.reads_as_written(classes) {
                    classes
                } else {
                    let cell = classes.get(&builder.roster.text).to_owned();
                    builder.classes(&cell, Some(classes))
                };
                builder.roster.records[index.index()].classes = list;
            }
        }
        builder.finish()
    }

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
