//! Building a roster: from the students the server holds, or from the rows of an original
//! export, whose text the roster keeps (no cell is copied); keys lower-cased, classes given
//! their first spelling, and the GUID, Student ID and username indexes built.

use rustc_hash::FxHashSet;

use super::{Record, Roster, Student};
use crate::key_index::KeyIndex;
use crate::position::{RowIndex, StudentIndex};
use crate::read::Table;
use crate::rules::{classes, grade, guid};
use crate::text::{Span, store};

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
#[inline]
fn lowercase(text: &mut String, span: Span) -> Span {
    if span.get(text).is_ascii() {
        lowercase_in_place(text, span);
        span
    } else {
        let lower = span.get(text).to_lowercase();
        store(text, &lower)
    }
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
    #[inline]
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
}
