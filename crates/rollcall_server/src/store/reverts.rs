//! What an applied row replaced, kept with the row (`upload_rows.replaced`) so that its upload
//! can be reverted from the upload alone: the student before and after the row, fields and (when
//! the row set them) the teacher's classes.

use rollcall_core::Field;
use serde::{Deserialize, Serialize};

use super::StudentRecord;

/// A student's values at one moment: the fields an upload sets, and the uploading teacher's
/// classes when the row changed them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub guid: String,
    pub student_id: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub grade: String,
    pub username: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classes: Option<Vec<String>>,
}

/// The fields a revert can put back, in column order.
pub const REVERTED_FIELDS: [Field; 5] = [
    Field::StudentId,
    Field::FirstName,
    Field::LastName,
    Field::Grade,
    Field::Username,
];

impl Snapshot {
    /// `student` as it is, with `classes` when the row changed them.
    pub fn of(student: &StudentRecord, classes: Option<&[String]>) -> Snapshot {
        Snapshot {
            guid: student.guid.clone(),
            student_id: student.student_id.clone(),
            first_name: student.first_name.clone(),
            last_name: student.last_name.clone(),
            grade: student.grade.clone(),
            username: student.username.clone(),
            classes: classes.map(<[String]>::to_vec),
        }
    }

    /// The value of one of [`REVERTED_FIELDS`] (a missing Student ID is empty).
    pub fn get(&self, field: Field) -> &str {
        match field {
            Field::StudentId => self.student_id.as_deref().unwrap_or_default(),
            Field::FirstName => &self.first_name,
            Field::LastName => &self.last_name,
            Field::Grade => &self.grade,
            Field::Username => &self.username,
            Field::Guid | Field::Password | Field::Classes => "",
        }
    }

    /// The student record these values make (classes as the snapshot has them, or none).
    pub fn record(&self) -> StudentRecord {
        StudentRecord {
            guid: self.guid.clone(),
            student_id: self.student_id.clone(),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            grade: self.grade.clone(),
            username: self.username.clone(),
            classes: self.classes.clone().unwrap_or_default(),
        }
    }
}

/// Two lists of class names that hold the same classes: names compare ignoring case (a
/// teacher's class names are unique ignoring case), order does not count.
pub fn same_classes(a: &[String], b: &[String]) -> bool {
    let key = |names: &[String]| {
        let mut keys: Vec<String> = names.iter().map(|n| n.to_lowercase()).collect();
        keys.sort();
        keys.dedup();
        keys
    };
    key(a) == key(b)
}

/// What an applied row replaced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Replaced {
    /// The row updated a student: her values before and after it. Passwords are not kept.
    Updated {
        before: Box<Snapshot>,
        after: Box<Snapshot>,
    },
    /// A revert's row for a student the reverted upload created: kept as she is.
    Kept,
}

impl Replaced {
    /// What an update replaced, or `None` when it changed no field and no class (a row that
    /// set only a password: nothing a revert puts back).
    pub fn updated(before: Snapshot, after: Snapshot) -> Option<Replaced> {
        let fields_differ = REVERTED_FIELDS
            .iter()
            .any(|&field| before.get(field) != after.get(field));
        let classes_differ = match (&before.classes, &after.classes) {
            (Some(old), Some(new)) => !same_classes(old, new),
            _ => false,
        };
        (fields_differ || classes_differ).then(|| Replaced::Updated {
            before: Box::new(before),
            after: Box::new(after),
        })
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ana() -> Snapshot {
        Snapshot {
            guid: "g".to_owned(),
            student_id: Some("001".to_owned()),
            first_name: "Ana".to_owned(),
            last_name: "Lee".to_owned(),
            grade: "03".to_owned(),
            username: "ana.lee".to_owned(),
            classes: Some(vec!["Math 3".to_owned()]),
        }
    }

    #[test]
    fn an_update_that_changed_nothing_a_revert_puts_back_is_not_kept() {
        assert_eq!(Replaced::updated(ana(), ana()), None);
        let mut same_classes_other_case = ana();
        same_classes_other_case.classes = Some(vec!["math 3".to_owned()]);
        assert_eq!(Replaced::updated(ana(), same_classes_other_case), None);
    }

    #[test]
    fn a_changed_field_or_class_is_kept_and_reads_back() {
        let mut renamed = ana();
        renamed.last_name = "Li".to_owned();
        let kept = Replaced::updated(ana(), renamed.clone()).expect("a change");
        let json = kept.to_json();
        assert!(json.starts_with(r#"{"kind":"updated","before":"#), "{json}");
        assert_eq!(serde_json::from_str::<Replaced>(&json).ok(), Some(kept));
        let mut moved = ana();
        moved.classes = Some(vec!["Reading".to_owned()]);
        assert!(Replaced::updated(ana(), moved).is_some());
        assert_eq!(
            serde_json::from_str::<Replaced>(&Replaced::Kept.to_json()).ok(),
            Some(Replaced::Kept)
        );
    }
}
