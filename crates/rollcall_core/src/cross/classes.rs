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
use crate::text::fold_eq;

use super::RowContext;

pub fn check(ctx: &RowContext) -> Vec<Diagnostic> {
    let (Some(roster), Some(cell)) = (ctx.roster, ctx.text(ctx.values.classes)) else {
        return Vec::new();
    };
    // The student's own list as exported names only classes the teacher has.
    if ctx.matched.exported_classes {
        return Vec::new();
    }
    let (names, _) = classes::read(cell);
    let new = &ctx.file.new_classes;
    // Each name that is none of the teacher's classes (by its place in the list), with the
    // class it is probably a typo of: each looked up once.
    let unknown: Vec<(usize, Option<&str>)> = names
        .iter()
        .enumerate()
        .filter(|(_, name)| roster.class(name).is_none())
        .map(|(k, name)| (k, new.similar(name)))
        .collect();
    if unknown.is_empty() {
        return Vec::new();
    }
    let mut fixed: Vec<&str> = names.iter().map(|name| name.as_ref()).collect();
    for &(k, similar) in &unknown {
        if let Some(existing) = similar {
            fixed[k] = existing;
        }
    }
    // A typo of a class the cell also names rightly is that class again: kept once.
    let mut kept: Vec<&str> = Vec::with_capacity(fixed.len());
    for name in fixed {
        if !kept.iter().any(|k| fold_eq(k, name)) {
            kept.push(name);
        }
    }
    let fixed = kept.join(classes::SEPARATOR);
    let at = ctx.at(Field::Classes);
    unknown
        .into_iter()
        .filter_map(|(k, similar)| {
            let class = names[k].to_string();
            match similar {
                Some(existing) => {
                    let existing = existing.to_owned();
                    let finding = Finding::SimilarClass { class, existing };
                    Some(at.diagnostic(finding).with_fix(at.fix(fixed.clone())))
                }
                None if new.first_row(&names[k]) == Some(ctx.index) => {
                    Some(at.diagnostic(Finding::NewClass { class }))
                }
                None => None,
            }
        })
        .collect()
}
