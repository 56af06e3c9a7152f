//! ## What it does
//! `student-id-taken`: the row's Student ID belongs to an existing student, other than the one
//! the row matched, who is not in the file and so keeps it (on the server: or to any student of
//! the district outside this school). `username-taken`: likewise for the username (on the
//! server: any account anywhere, since usernames are global).
//!
//! ## Why it matters
//! Two students cannot share a Student ID or a username; the server would refuse the row after
//! upload.
//!
//! ## Example
//! Ana's row is given Ben's username while Ben is not in the file.
//!
//! ## Fix
//! Choose another value, or include the other student with a new one (a trade is fine).

use crate::code::Finding;
use crate::cross::RowContext;
use crate::diagnostic::Diagnostic;
use crate::field::Field;
use crate::message::Owner;
use crate::position::StudentIndex;
use crate::roster::Roster;

/// Who owns a value: a roster student not in the file, or an account outside the roster.
fn owner(
    ctx: &RowContext,
    roster: &Roster,
    holders: &[StudentIndex],
    outside: bool,
) -> Option<Owner> {
    let subject = ctx.matched.subject();
    if let Some(&student) = holders
        .iter()
        .find(|&&s| Some(s) != subject && !ctx.file.in_file(s))
    {
        let student = roster.student(student);
        return Some(Owner::Student {
            name: student.full_name(),
            student: (&student).into(),
        });
    }
    outside.then_some(Owner::ServerAccount)
}

pub fn student_id(ctx: &RowContext) -> Option<Diagnostic> {
    let roster = ctx.roster?;
    let id = ctx.text(ctx.values.student_id)?;
    let outside = roster.student_id_taken_outside(id);
    let holders = roster.with_student_id(ctx.matched.roster_student_id);
    let owner = owner(ctx, roster, holders, outside)?;
    Some(
        ctx.at(Field::StudentId)
            .diagnostic(Finding::StudentIdTaken {
                value: id.to_owned(),
                owner,
            }),
    )
}

pub fn username(ctx: &RowContext) -> Option<Diagnostic> {
    let roster = ctx.roster?;
    let username = ctx.text(ctx.values.username)?;
    let outside = roster.username_taken_outside(username);
    let holders = roster.with_username(ctx.matched.roster_username);
    let owner = owner(ctx, roster, holders, outside)?;
    Some(ctx.at(Field::Username).diagnostic(Finding::UsernameTaken {
        value: username.to_lowercase(),
        owner,
    }))
}
