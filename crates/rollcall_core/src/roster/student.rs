//! A student as callers hand one over, a student read from the roster, and the fingerprint of
//! the fields a change-set's `base` compares.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::field::Field;
use crate::position::SheetRow;

/// An existing student, as a caller (the server) hands it over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Student {
    /// Canonical GUID (any case; kept in lower case).
    pub guid: String,
    /// The student's row in the original export, when the roster came from one.
    #[serde(default)]
    pub export_row: Option<SheetRow>,
    #[serde(default)]
    pub student_id: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub grade: String,
    #[serde(default)]
    pub username: Option<String>,
    /// The names of the teacher's classes the student is in.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub classes: Vec<String>,
}

/// A student of the roster, borrowed from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StudentRef<'a> {
    pub guid: &'a str,
    pub export_row: Option<SheetRow>,
    pub student_id: Option<&'a str>,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub grade: &'a str,
    pub username: Option<&'a str>,
    /// The teacher's classes of the student as Rollcall writes a list (`Art; Math 3`); empty
    /// when none.
    pub classes: &'a str,
}

impl StudentRef<'_> {
    /// "Ana Lopez".
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }

    /// The value of a field as the roster holds it (passwords are never held).
    pub fn value(&self, field: Field) -> Option<&str> {
        match field {
            Field::Guid => Some(self.guid),
            Field::StudentId => self.student_id,
            Field::FirstName => Some(self.first_name),
            Field::LastName => Some(self.last_name),
            Field::Grade => Some(self.grade),
            Field::Username => self.username,
            Field::Password => None,
            Field::Classes => Some(self.classes).filter(|c| !c.is_empty()),
        }
    }

    pub fn to_owned(&self) -> Student {
        Student {
            guid: self.guid.to_owned(),
            export_row: self.export_row,
            student_id: self.student_id.map(str::to_owned),
            first_name: self.first_name.to_owned(),
            last_name: self.last_name.to_owned(),
            grade: self.grade.to_owned(),
            username: self.username.map(str::to_owned),
            classes: crate::rules::classes::names(self.classes)
                .0
                .into_iter()
                .map(|name| name.into_owned())
                .collect(),
        }
    }
}

/// A stable fingerprint of a student's field values: the change-set's `base`. The server
/// computes the same from its current record and refuses a row whose student changed since.
pub fn fingerprint(student: &StudentRef) -> String {
    let mut hasher = Sha256::new();
    for field in Field::ALL {
        // Classes are each teacher's own, and a list in full: they stay out of the base.
        if matches!(field, Field::Password | Field::Classes) {
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
