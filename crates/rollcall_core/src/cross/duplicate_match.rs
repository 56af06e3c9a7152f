//! ## What it does
//! Two or more rows matched the same student (`duplicate-match`); every such row gets it.
//!
//! ## Why it matters
//! Only one of the rows could win, and which one would be an accident of order.
//!
//! ## Example
//! A student's row copied, with the Student GUID on one copy and the Student ID on the other.
//!
//! ## Fix
//! Keep one row per student.

use crate::code::Finding;
use crate::cross::RowContext;
use crate::diagnostic::Diagnostic;
use crate::field::Field;
use crate::matching::MatchedBy;
use crate::message::Rows;

pub fn check(ctx: &RowContext) -> Option<Diagnostic> {
    let student = ctx.matched.student?;
    let others = ctx.other_rows(ctx.file.matched_rows(student));
    if others.is_empty() {
        return None;
    }
    let field = match ctx.matched.by {
        Some(MatchedBy::StudentId) => Field::StudentId,
        Some(MatchedBy::Username) => Field::Username,
        _ => Field::Guid,
    };
    let student = ctx.roster?.student(student);
    Some(ctx.at(field).diagnostic(Finding::DuplicateMatch {
        rows: Rows(others),
        name: student.full_name(),
        student: (&student).into(),
    }))
}
