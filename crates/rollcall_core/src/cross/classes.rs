//! `new-class` and `similar-class`: the classes an import would create (SPEC section 5).
//!
//! A name in the Classes cell that is none of the teacher's classes creates one, noted on the
//! first row that lists it. When it is close to an existing class it is more likely a typo, and
//! every row listing it is warned, with a fix that spells each such name as its class (one fix
//! for the row, whichever warning it comes from, so that applying them all agrees).

use crate::code::Finding;
use crate::diagnostic::Diagnostic;
use crate::field::Field;
use crate::rules::classes;

use super::RowContext;

pub fn check(ctx: &RowContext) -> Vec<Diagnostic> {
    let (Some(roster), Some(cell)) = (ctx.roster, ctx.text(ctx.values.classes)) else {
        return Vec::new();
    };
    // The student's own list as exported names only classes the teacher has.
    if ctx.subject.is_some_and(|student| student.classes == cell) {
        return Vec::new();
    }
    let (names, _) = classes::names(cell);
    let new = &ctx.file.new_classes;
    let similar = |name: &str| {
        roster
            .class(name)
            .is_none()
            .then(|| new.similar(name))
            .flatten()
    };
    if names.iter().all(|name| roster.class(name).is_some()) {
        return Vec::new();
    }
    let fixed: Vec<&str> = names
        .iter()
        .map(|name| similar(name).unwrap_or(name))
        .collect();
    let at = ctx.at(Field::Classes);
    let mut found = Vec::new();
    for name in names.iter().filter(|name| roster.class(name).is_none()) {
        let finding = match similar(name) {
            Some(existing) => Finding::SimilarClass {
                class: name.to_string(),
                existing: existing.to_owned(),
            },
            None if new.first_row(name) == Some(ctx.index) => Finding::NewClass {
                class: name.to_string(),
            },
            None => continue,
        };
        let diagnostic = at.diagnostic(finding);
        found.push(match diagnostic.code() {
            crate::code::Code::SimilarClass => {
                diagnostic.with_fix(at.fix(fixed.join(classes::SEPARATOR)))
            }
            _ => diagnostic,
        });
    }
    found
}
