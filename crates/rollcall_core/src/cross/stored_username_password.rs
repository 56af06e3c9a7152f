//! ## What it does
//! On a row whose Username cell is blank, checks the password against the username the student
//! keeps (the stored one, from the roster or the original export): equal, ignoring case, is
//! `weak-password`. The row's own username, when it has one, is checked with the other value
//! rules ([`crate::rules::password`]).
//!
//! ## Why it matters
//! A blank Username cell leaves the username as it is, so the student would sign in with a
//! password anyone who knows the username can guess.
//!
//! ## Example
//! Username left blank and `Ana.Lopez` typed as the password of `ana.lopez`.
//!
//! ## Fix
//! Choose another password. The message never repeats the password.

use crate::cross::RowContext;
use crate::diagnostic::Diagnostic;
use crate::field::Field;
use crate::rules::password;

pub fn check(ctx: &RowContext) -> Option<Diagnostic> {
    let typed = ctx.text(ctx.values.password)?;
    if !ctx.table.cell(ctx.index, Field::Username).text.is_empty() {
        return None;
    }
    let stored = ctx.subject?.username?;
    password::check_stored(&ctx.at(Field::Password), typed, stored)
}
