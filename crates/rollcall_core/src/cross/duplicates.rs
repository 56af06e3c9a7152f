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

use crate::code::Code;
use crate::cross::RowContext;
use crate::diagnostic::{Diagnostic, rows_phrase};
use crate::field::Field;

pub fn check(ctx: &RowContext) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let mut duplicate = |code, field, value: &str, rows: &[u32]| {
        let others = ctx.other_rows(rows);
        if !others.is_empty() {
            found.push(
                ctx.at(field)
                    .diagnostic(code)
                    .arg("value", value)
                    .arg("rows", rows_phrase(&others))
                    .build(ctx.lang),
            );
        }
    };
    let (values, keys, file) = (ctx.values, ctx.keys, ctx.file);
    if let Some(guid) = ctx.text(values.guid) {
        duplicate(
            Code::DuplicateGuid,
            Field::Guid,
            guid,
            file.guid_rows(keys.guid),
        );
    }
    if let Some(id) = ctx.text(values.student_id) {
        let rows = file.student_id_rows(keys.student_id);
        duplicate(Code::DuplicateStudentId, Field::StudentId, id, rows);
    }
    if let Some(username) = ctx.text(values.username) {
        let rows = file.username_rows(keys.username);
        duplicate(
            Code::DuplicateUsername,
            Field::Username,
            &username.to_lowercase(),
            rows,
        );
    }
    found
}
