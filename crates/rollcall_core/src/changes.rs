//! What a row changes: each field whose value differs from the roster's, compared after
//! normalisation. A blank Student ID, Username or Password leaves the stored value unchanged.

use std::borrow::Cow;

use crate::field::Field;
use crate::read::Table;
use crate::report::{Change, MASK};
use crate::roster::StudentRef;
use crate::rules::RowValues;

/// The row's value of `field` as it would be stored (usernames folded to lower case), or
/// `None` when the cell leaves the field as it is (blank, or a value that failed its rule).
pub fn new_value<'a>(table: &'a Table, values: &RowValues, field: Field) -> Option<Cow<'a, str>> {
    let text = table.text();
    let value = match field {
        Field::Guid => None,
        Field::StudentId => values.student_id.map(|s| Cow::Borrowed(s.get(text))),
        Field::FirstName => Some(Cow::Borrowed(values.first_name.get(text))),
        Field::LastName => Some(Cow::Borrowed(values.last_name.get(text))),
        Field::Grade => values.grade.map(Cow::Borrowed),
        Field::Username => values.username.map(|s| {
            let typed = s.get(text);
            if typed.bytes().any(|b| b.is_ascii_uppercase()) || !typed.is_ascii() {
                Cow::Owned(typed.to_lowercase())
            } else {
                Cow::Borrowed(typed)
            }
        }),
        Field::Password => values.password.map(|s| Cow::Borrowed(s.get(text))),
    };
    value.filter(|v| !v.is_empty())
}

/// The fields the row changes on `student`, or every value it gives a new student (`None`).
/// Passwords are shown as [`MASK`].
pub fn changes(table: &Table, values: &RowValues, student: Option<&StudentRef>) -> Vec<Change> {
    let mut found = Vec::new();
    for field in Field::ALL {
        if field == Field::Guid || table.column(field).is_none() {
            continue;
        }
        let Some(new) = new_value(table, values, field) else {
            continue;
        };
        let old = student.and_then(|s| s.value(field));
        if field != Field::Password && student.is_some() && old == Some(new.as_ref()) {
            continue;
        }
        let (old, new) = if field == Field::Password {
            (None, MASK.to_owned())
        } else {
            (old.map(str::to_owned), new.into_owned())
        };
        found.push(Change { field, old, new });
    }
    found
}
