//! ## What it does
//! Without a GUID, a row's Student ID finds student A while its username is the current
//! username of a different student B whom no other row matched: `match-conflict`.
//!
//! ## Why it matters
//! Applying the row would either steal B's username or update the wrong student. Usernames
//! can be changed only through the Student ID, so the two must agree.
//!
//! ## Example
//! A row with Ana's Student ID and Ben's username.
//!
//! ## Fix
//! Decide which student the row is for, then correct the Student ID or the username.

use crate::code::Finding;
use crate::cross::RowContext;
use crate::diagnostic::Diagnostic;
use crate::field::Field;
use crate::matching::MatchedBy;

pub fn check(ctx: &RowContext) -> Option<Diagnostic> {
    if ctx.values.guid.is_some() || ctx.matched.by != Some(MatchedBy::StudentId) {
        return None;
    }
    let roster = ctx.roster?;
    let first = ctx.matched.student?;
    let username = ctx.text(ctx.values.username)?;
    let holders = roster.with_username(ctx.matched.roster_username);
    if holders.contains(&first) {
        return None;
    }
    let second = holders
        .iter()
        .copied()
        .find(|&s| s != first && ctx.file.matched_rows(s).is_empty())?;
    let at = ctx.at(Field::Username);
    Some(
        at.diagnostic(Finding::MatchConflict {
            value: ctx
                .text(ctx.values.student_id)
                .unwrap_or_default()
                .to_owned(),
            username: username.to_lowercase(),
            first: roster.student(first).full_name(),
            second: roster.student(second).full_name(),
        }),
    )
}
