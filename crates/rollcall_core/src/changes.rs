//! What a row changes: each field whose value differs from the roster's, compared after
//! normalisation. A blank Student ID, Username or Password leaves the stored value unchanged.

use crate::field::Field;
use crate::read::Table;
use crate::report::{Change, MASK};
use crate::roster::Student;
use crate::rules::RowValues;

/// The row's value of `field` as it would be stored, or `None` when the cell leaves the field
/// as it is (blank, or a value that failed its rule).
pub fn new_value(values: &RowValues, field: Field) -> Option<&str> {
    let value = match field {
        Field::Guid => None,
        Field::StudentId => values.student_id.as_deref(),
        Field::FirstName => Some(values.first_name.as_str()),
        Field::LastName => Some(values.last_name.as_str()),
        Field::Grade => values.grade,
        Field::Username => values.username.as_deref(),
        Field::Password => values.password.as_deref(),
    };
    value.filter(|v| !v.is_empty())
}

/// The fields the row changes on `student`, or every value it gives a new student (`None`).
/// Passwords are shown as [`MASK`].
pub fn changes(table: &Table, values: &RowValues, student: Option<&Student>) -> Vec<Change> {
    let mut found = Vec::new();
    for field in Field::ALL {
        if field == Field::Guid || table.column(field).is_none() {
            continue;
        }
        let Some(new) = new_value(values, field) else {
            continue;
        };
        let old = student.and_then(|s| s.value(field));
        if field != Field::Password && student.is_some() && old == Some(new) {
            continue;
        }
        let (old, new) = if field == Field::Password {
            (None, MASK.to_owned())
        } else {
            (old.map(str::to_owned), new.to_owned())
        };
        found.push(Change { field, old, new });
    }
    found
}
