//! ## What it does
//! A row that will create a new student has the same first and last name (ignoring case,
//! accents and spaces) and grade as an existing student, whether or not that student is on
//! another row: warning `possible-duplicate`, naming that student's export row, GUID and
//! username.
//!
//! ## Why it matters
//! The teacher probably meant to update the student, and a second account is hard to remove.
//!
//! ## Example
//! A row `AVA, McDonald, 03` without GUID, Student ID or username, while Ava McDonald (grade 03)
//! is on the roster.
//!
//! ## Fix
//! Put the existing student's GUID or Student ID on the row to update them instead.

use crate::code::Finding;
use crate::cross::RowContext;
use crate::diagnostic::Diagnostic;
use crate::field::Field;

pub fn check(ctx: &RowContext) -> Option<Diagnostic> {
    let values = ctx.values;
    if ctx.matched.subject().is_some() || values.guid.is_some() {
        return None;
    }
    let roster = ctx.roster?;
    let grade = values.grade?;
    let text = ctx.table.text();
    let (first, last) = (values.first_name.get(text), values.last_name.get(text));
    let student = roster.by_name(first, last, grade)?;
    let student = roster.student(student);
    Some(
        ctx.at(Field::FirstName)
            .diagnostic(Finding::PossibleDuplicate {
                name: student.full_name(),
                grade: student.grade.to_owned(),
                student: (&student).into(),
            }),
    )
}
