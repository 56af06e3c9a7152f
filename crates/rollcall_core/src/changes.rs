//! What a row changes: each field whose value differs from the roster's, compared after
//! normalisation. A blank Student ID, Username or Password leaves the stored value unchanged.

use std::borrow::Cow;

use crate::field::Field;
use crate::read::Table;
use crate::report::{Change, MASK};
use crate::roster::StudentRef;
use crate::rules::{RowValues, classes};
use crate::text::Span;

/// The row's value of `field` as typed (trimmed; the grade in its standard form), or `None`
/// when the cell leaves the field as it is (blank, or a value that failed its rule).
fn typed<'a>(text: &'a str, values: &RowValues, field: Field) -> Option<&'a str> {
    let value = match field {
        Field::Guid => None,
        Field::StudentId => values.student_id.map(|s| s.get(text)),
        Field::FirstName => Some(values.first_name.get(text)),
        Field::LastName => Some(values.last_name.get(text)),
        Field::Grade => values.grade,
        Field::Username => values.username.map(|s| s.get(text)),
        Field::Password => values.password.map(|s| s.get(text)),
        // A list, compared and written by [`classes_change`].
        Field::Classes => None,
    };
    value.filter(|v| !v.is_empty())
}

/// A typed value as it is stored: usernames folded to lower case.
fn stored(field: Field, typed: &str) -> Cow<'_, str> {
    let folds = field == Field::Username
        && (typed.bytes().any(|b| b.is_ascii_uppercase()) || !typed.is_ascii());
    if folds {
        Cow::Owned(typed.to_lowercase())
    } else {
        Cow::Borrowed(typed)
    }
}

/// True when `typed` would be stored as `old`, compared without building the stored value.
fn stores_as(field: Field, typed: &str, old: &str) -> bool {
    if field != Field::Username {
        typed == old
    } else if typed.is_ascii() {
        typed.len() == old.len()
            && typed
                .bytes()
                .zip(old.bytes())
                .all(|(t, o)| t.to_ascii_lowercase() == o)
    } else {
        typed.to_lowercase() == old
    }
}

/// The row's value of `field` as it would be stored (usernames folded to lower case), or
/// `None` when the cell leaves the field as it is (blank, or a value that failed its rule).
pub fn new_value<'a>(table: &'a Table, values: &RowValues, field: Field) -> Option<Cow<'a, str>> {
    typed(table.text(), values, field).map(|typed| stored(field, typed))
}

/// The classes the row lists, each spelled by `spell` (as its class is spelled), sorted as
/// Rollcall writes a list; `None` when the row leaves the student's classes as they are (no
/// Classes column, or a refused cell).
pub fn new_classes(
    table: &Table,
    values: &RowValues,
    spell: &dyn Fn(&str) -> String,
) -> Option<Vec<String>> {
    table.column(Field::Classes)?;
    let cell = values.classes?.get(table.text());
    let (names, _) = classes::read(cell);
    let spelled: Vec<String> = names.iter().map(|name| spell(name)).collect();
    let mut sorted: Vec<&str> = spelled.iter().map(String::as_str).collect();
    classes::sort(&mut sorted);
    Some(sorted.into_iter().map(str::to_owned).collect())
}

/// The change of the student's classes the row means, if any: a matched student's list is
/// replaced in full (an empty cell clears it), a new student gets the classes listed.
fn classes_change(
    table: &Table,
    values: &RowValues,
    student: Option<&StudentRef>,
    spell: &dyn Fn(&str) -> String,
) -> Option<Change> {
    let old = student.map(|s| s.classes);
    let new = new_classes(table, values, spell)?.join(classes::SEPARATOR);
    if old == Some(new.as_str()) || (old.is_none() && new.is_empty()) {
        return None;
    }
    Some(Change {
        field: Field::Classes,
        old: old.filter(|o| !o.is_empty()).map(str::to_owned),
        new,
    })
}

/// The fields the row changes on `student`, or every value it gives a new student (`None`).
/// Passwords are shown as [`MASK`]. Class names are spelled by `spell`.
/// `exported_classes` says that the row's Classes cell reads exactly as the student's list is
/// exported (the teacher left it alone), which changes nothing.
pub fn changes(
    table: &Table,
    values: &RowValues,
    student: Option<&StudentRef>,
    spell: &dyn Fn(&str) -> String,
    exported_classes: bool,
) -> Vec<Change> {
    let text = table.text();
    let get = |span: Option<Span>| span.map(|span| span.get(text));
    // Each field the row may change, in the report's order: the value as typed and as the
    // student holds it (as `typed` and `StudentRef::value` give them). The GUID names the
    // student; the classes are a list, compared below.
    let fields = [
        (
            Field::StudentId,
            get(values.student_id),
            student.and_then(|s| s.student_id),
        ),
        (
            Field::FirstName,
            Some(values.first_name.get(text)),
            student.map(|s| s.first_name),
        ),
        (
            Field::LastName,
            Some(values.last_name.get(text)),
            student.map(|s| s.last_name),
        ),
        (Field::Grade, values.grade, student.map(|s| s.grade)),
        (
            Field::Username,
            get(values.username),
            student.and_then(|s| s.username),
        ),
        (Field::Password, get(values.password), None),
    ];
    let mut found = Vec::new();
    for (field, typed, old) in fields {
        let Some(typed) = typed.filter(|typed| !typed.is_empty()) else {
            continue;
        };
        if table.column(field).is_none() {
            continue;
        }
        if field == Field::Password {
            found.push(Change {
                field,
                old: None,
                new: MASK.to_owned(),
            });
            continue;
        }
        if student.is_some() && old.is_some_and(|old| stores_as(field, typed, old)) {
            continue;
        }
        found.push(Change {
            field,
            old: old.map(str::to_owned),
            new: stored(field, typed).into_owned(),
        });
    }
    if table.column(Field::Classes).is_some() && !exported_classes {
        found.extend(classes_change(table, values, student, spell));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_username_compares_as_it_would_be_stored() {
        assert!(stores_as(Field::Username, "Ana.Lopez", "ana.lopez"));
        assert!(stores_as(Field::Username, "ana.lopez", "ana.lopez"));
        assert!(!stores_as(Field::Username, "ana.lopez", "ana.lopez2"));
        assert!(!stores_as(Field::Username, "ana.lopez2", "ana.lopez"));
        // Stored usernames are lower case; one that is not never equals a folded value.
        assert!(!stores_as(Field::Username, "ana", "Ana"));
        assert!(stores_as(Field::Username, "ÁNA.LÓPEZ", "ána.lópez"));
        assert!(!stores_as(Field::Username, "ÁNA.LÓPEZ", "ana.lopez"));
        for typed in ["Ana.Lopez", "ana.lopez", "ÁNA.LÓPEZ", "Ñ", "a"] {
            for old in ["ana.lopez", "ána.lópez", "ñ", "a", "A"] {
                assert_eq!(
                    stores_as(Field::Username, typed, old),
                    stored(Field::Username, typed) == old,
                    "{typed} / {old}"
                );
            }
        }
    }

    #[test]
    fn other_fields_compare_exactly() {
        assert!(stores_as(Field::FirstName, "Ana", "Ana"));
        assert!(!stores_as(Field::FirstName, "Ana", "ana"));
        assert_eq!(stored(Field::FirstName, "Ana"), "Ana");
        assert_eq!(stored(Field::Username, "Ana"), "ana");
    }
}
