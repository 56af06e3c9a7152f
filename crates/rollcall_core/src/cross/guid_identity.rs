//! ## What it does
//! Reports what is wrong with a row's Student GUID, as matching found it:
//! `guid-modified` (not a GUID of the original, but the row's Student ID or username still
//! identifies an exported student), `guid-removed` (the GUID cell was emptied), `unknown-guid`
//! (a well-formed GUID of nobody in this school) or `invalid-guid` (not a GUID at all).
//!
//! ## Why it matters
//! The GUID is how the server finds the student. The vendor's help page says it in capitals:
//! do not change or delete the Student GUID.
//!
//! ## Example
//! The last character of a GUID changed by a slip of the keyboard.
//!
//! ## Fix
//! Put back the original GUID (offered when the row identifies its student).

use crate::code::Finding;
use crate::cross::RowContext;
use crate::diagnostic::Diagnostic;
use crate::field::Field;
use crate::matching::GuidProblem;

pub fn check(ctx: &RowContext) -> Option<Diagnostic> {
    let problem = ctx.matched.guid_problem?;
    let at = ctx.at(Field::Guid);
    let typed = ctx.table.cell(ctx.index, Field::Guid).text;
    let diagnostic = match problem {
        GuidProblem::Modified | GuidProblem::Removed => {
            let student = ctx.roster?.student(ctx.matched.identified?);
            let (guid, name) = (student.guid.to_owned(), student.full_name());
            let finding = if problem == GuidProblem::Modified {
                Finding::GuidModified { guid, name }
            } else {
                Finding::GuidRemoved { guid, name }
            };
            at.diagnostic(finding).with_fix(at.fix(student.guid))
        }
        GuidProblem::Unknown => at.diagnostic(Finding::UnknownGuid {
            value: typed.to_owned(),
        }),
        GuidProblem::Invalid => at.diagnostic(Finding::InvalidGuid {
            value: typed.to_owned(),
        }),
    };
    Some(diagnostic)
}
