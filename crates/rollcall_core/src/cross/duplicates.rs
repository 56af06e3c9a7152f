//! ## What it does
//! The same Student GUID (`duplicate-guid`), Student ID (`duplicate-student-id`, compared
//! ignoring case) or username (`duplicate-username`) on two or more rows: every such row gets
//! the error, naming the other rows.
//!
//! ## Why it matters
//! A copied row, or a value typed twice, would update one student twice or give two students
//! the same sign-in.
//!
//! ## Example
//! Rows 5 and 9 both with username `ana.lopez`.
//!
//! ## Fix
//! Keep one row per student and give each student their own values.

use crate::code::Finding;
use crate::cross::RowContext;
use crate::diagnostic::Diagnostic;
use crate::field::Field;
use crate::message::Rows;

pub fn check(ctx: &RowContext) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let (values, keys, file) = (ctx.values, ctx.keys, ctx.file);
    let kinds = [
        (Field::Guid, values.guid, file.guid_rows(keys.guid)),
        (
            Field::StudentId,
            values.student_id,
            file.student_id_rows(keys.student_id),
        ),
        (
            Field::Username,
            values.username,
            file.username_rows(keys.username),
        ),
    ];
    for (field, value, rows) in kinds {
        // A key held by this row alone is the common case: nothing to build.
        if rows.len() < 2 {
            continue;
        }
        let Some(value) = ctx.text(value) else {
            continue;
        };
        let rows = Rows(ctx.other_rows(rows));
        let finding = match field {
            Field::Guid => Finding::DuplicateGuid {
                value: value.to_owned(),
                rows,
            },
            Field::StudentId => Finding::DuplicateStudentId {
                value: value.to_owned(),
                rows,
            },
            _ => Finding::DuplicateUsername {
                value: value.to_lowercase(),
                rows,
            },
        };
        found.push(ctx.at(field).diagnostic(finding));
    }
    found
}
