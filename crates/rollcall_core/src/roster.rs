//! The roster a file is checked against: the students of the original export, or the students
//! the server holds. Indexed once by GUID, Student ID, username and name.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

use crate::field::Field;
use crate::read::Table;
use crate::rules::{grade, guid};

/// An existing student.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Student {
    /// Canonical lower-case GUID.
    pub guid: String,
    /// The student's row in the original export, when the roster came from one.
    #[serde(default)]
    pub export_row: Option<u32>,
    #[serde(default)]
    pub student_id: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub grade: String,
    #[serde(default)]
    pub username: Option<String>,
}

impl Student {
    /// "Ana Lopez".
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }

    /// The value of a field as the roster holds it (passwords are never held).
    pub fn value(&self, field: Field) -> Option<&str> {
        match field {
            Field::Guid => Some(&self.guid),
            Field::StudentId => self.student_id.as_deref(),
            Field::FirstName => Some(&self.first_name),
            Field::LastName => Some(&self.last_name),
            Field::Grade => Some(&self.grade),
            Field::Username => self.username.as_deref(),
            Field::Password => None,
        }
    }
}

/// A stable fingerprint of a student's field values: the change-set's `base`. The server
/// computes the same from its current record and refuses a row whose student changed since.
pub fn fingerprint(student: &Student) -> String {
    let mut hasher = Sha256::new();
    for field in Field::ALL {
        if field == Field::Password {
            continue;
        }
        let value = student.value(field).unwrap_or("");
        let value = match field {
            Field::Guid | Field::Username => value.to_lowercase(),
            _ => value.to_owned(),
        };
        hasher.update(value.as_bytes());
        hasher.update([0x1f]);
    }
    let digest = hasher.finalize();
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// A name folded for spotting duplicates: case-, accent- and space-insensitive.
pub fn fold_name(name: &str) -> String {
    name.nfd()
        .filter(|ch| !unicode_normalization::char::is_combining_mark(*ch) && !ch.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

fn name_key(first: &str, last: &str, grade: &str) -> String {
    format!("{}\u{1f}{}\u{1f}{}", fold_name(first), fold_name(last), grade)
}

/// The students a file is checked against, with their indexes.
#[derive(Debug, Clone, Default)]
pub struct Roster {
    students: Vec<Student>,
    by_guid: HashMap<String, u32>,
    by_student_id: HashMap<String, Vec<u32>>,
    by_username: HashMap<String, Vec<u32>>,
    by_name: HashMap<String, Vec<u32>>,
    /// Usernames held by accounts outside this roster (the server's other schools).
    pub outside_usernames: HashSet<String>,
    /// Student IDs held by students outside this roster (the rest of the district).
    pub outside_student_ids: HashSet<String>,
}

impl Roster {
    /// Indexes the students. A GUID given twice keeps its first student.
    pub fn new(students: Vec<Student>) -> Roster {
        let mut roster = Roster::default();
        for (index, mut student) in students.into_iter().enumerate() {
            let index = index as u32;
            student.guid = student.guid.to_lowercase();
            student.username = student.username.map(|u| u.to_lowercase());
            roster.by_guid.entry(student.guid.clone()).or_insert(index);
            if let Some(id) = &student.student_id {
                roster.by_student_id.entry(id.to_lowercase()).or_default().push(index);
            }
            if let Some(username) = &student.username {
                roster.by_username.entry(username.clone()).or_default().push(index);
            }
            let key = name_key(&student.first_name, &student.last_name, &student.grade);
            roster.by_name.entry(key).or_default().push(index);
            roster.students.push(student);
        }
        roster
    }

    /// The roster an export file describes: every row with a well-formed GUID.
    pub fn from_export(table: &Table) -> Roster {
        let mut students = Vec::with_capacity(table.len());
        for index in 0..table.len() {
            let text = |field| table.cell(index, field).text;
            let guid_text = text(Field::Guid);
            if !guid::is_guid(guid_text) {
                continue;
            }
            let optional = |value: &str| (!value.is_empty()).then(|| value.to_owned());
            let grade_text = text(Field::Grade);
            students.push(Student {
                guid: guid_text.to_lowercase(),
                export_row: Some(table.row_number(index)),
                student_id: optional(text(Field::StudentId)),
                first_name: text(Field::FirstName).to_owned(),
                last_name: text(Field::LastName).to_owned(),
                grade: grade::normalize(grade_text).map_or_else(|| grade_text.to_owned(), str::to_owned),
                username: optional(text(Field::Username)),
            });
        }
        Roster::new(students)
    }

    pub fn students(&self) -> &[Student] {
        &self.students
    }

    pub fn len(&self) -> usize {
        self.students.len()
    }

    pub fn is_empty(&self) -> bool {
        self.students.is_empty()
    }

    pub fn student(&self, index: u32) -> &Student {
        &self.students[index as usize]
    }

    pub fn by_guid(&self, guid: &str) -> Option<u32> {
        self.by_guid.get(guid).copied()
    }

    /// Students with this Student ID (compared case-insensitively; `key` is lower case).
    pub fn by_student_id(&self, key: &str) -> &[u32] {
        self.by_student_id.get(key).map_or(&[], Vec::as_slice)
    }

    /// Students with this username (`key` is lower case).
    pub fn by_username(&self, key: &str) -> &[u32] {
        self.by_username.get(key).map_or(&[], Vec::as_slice)
    }

    /// Students with this first name, last name and grade (names folded).
    pub fn by_name(&self, first: &str, last: &str, grade: &str) -> &[u32] {
        self.by_name
            .get(&name_key(first, last, grade))
            .map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn student(guid: &str, first: &str) -> Student {
        Student {
            guid: guid.to_owned(),
            export_row: Some(2),
            student_id: Some("00123".to_owned()),
            first_name: first.to_owned(),
            last_name: "García".to_owned(),
            grade: "03".to_owned(),
            username: Some("Ana.Garcia".to_owned()),
        }
    }

    #[test]
    fn names_fold_case_accents_and_spaces() {
        assert_eq!(fold_name("José  María"), fold_name("jose maria"));
        assert_eq!(fold_name("Nguyễn"), "nguyen");
        assert_ne!(fold_name("Ana"), fold_name("Anna"));
    }

    #[test]
    fn fingerprint_is_stable_and_sees_every_field() {
        let a = student("F149F542-E935-4870-9734-6B4501EAF614", "Ana");
        let same = Roster::new(vec![a.clone()]).student(0).clone();
        assert_eq!(fingerprint(&a), fingerprint(&same));
        assert_eq!(fingerprint(&a).len(), 32);
        let renamed = student("f149f542-e935-4870-9734-6b4501eaf614", "Anne");
        assert_ne!(fingerprint(&a), fingerprint(&renamed));
        let mut moved = a.clone();
        moved.grade = "04".to_owned();
        assert_ne!(fingerprint(&a), fingerprint(&moved));
    }

    #[test]
    fn indexes_fold_keys() {
        let roster = Roster::new(vec![student("F149F542-E935-4870-9734-6B4501EAF614", "Ana")]);
        assert_eq!(roster.by_guid("f149f542-e935-4870-9734-6b4501eaf614"), Some(0));
        assert_eq!(roster.by_username("ana.garcia"), &[0]);
        assert_eq!(roster.by_student_id("00123"), &[0]);
        assert_eq!(roster.by_name("ANA", "garcia", "03"), &[0]);
        assert!(roster.by_name("Ana", "Garcia", "04").is_empty());
    }
}
