//! The rules that look beyond one row (SPEC section 5 and the diff against the original
//! export), one module per rule. Each takes a [`RowContext`]: the row, its match and what the
//! checker knows about the whole file.

pub mod classes;
pub mod duplicate_match;
pub mod duplicates;
pub mod guid_identity;
pub mod leading_zeros;
pub mod match_conflict;
pub mod mojibake;
pub mod not_in_file;
pub mod possible_duplicate;
pub mod stored_username_password;
pub mod taken;

use crate::diagnostic::{Diagnostic, add};
use crate::field::Field;
use crate::file_index::{FileIndex, RowKeys};
use crate::matching::RowMatch;
use crate::position::{RowIndex, SheetRow};
use crate::read::Table;
use crate::report::Change;
use crate::roster::{Roster, StudentRef};
use crate::rules::{CellAt, RowValues};

/// One row and everything the cross-row rules may look at.
pub struct RowContext<'a> {
    /// The student the row matched or identified, read from the roster once.
    pub subject: Option<StudentRef<'a>>,
    pub table: &'a Table,
    pub index: RowIndex,
    pub values: &'a RowValues,
    pub matched: &'a RowMatch,
    /// The row's keys in `file`.
    pub keys: &'a RowKeys,
    pub roster: Option<&'a Roster>,
    pub file: &'a FileIndex,
}

impl RowContext<'_> {
    pub fn row(&self) -> SheetRow {
        self.table.row_number(self.index)
    }

    /// The cell of `field` on this row, for building diagnostics.
    pub fn at(&self, field: Field) -> CellAt<'_> {
        CellAt {
            row: self.row(),
            field,
            header: self.table.header(field),
            column: self.table.column(field),
        }
    }

    /// The text of one of the row's values.
    pub fn text(&self, span: Option<crate::text::Span>) -> Option<&str> {
        crate::rules::text_of(self.table, span)
    }

    /// Spreadsheet row numbers of `rows` (data row indexes) other than this row.
    pub fn other_rows(&self, rows: &[RowIndex]) -> Vec<SheetRow> {
        rows.iter()
            .filter(|&&r| r != self.index)
            .map(|&r| self.table.row_number(r))
            .collect()
    }
}

/// Runs every cross-row rule on one row. `changes` are the row's changes, for the diff rules.
pub fn check(ctx: &RowContext, changes: &[Change]) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    // A row gets at most one matching error, the first that applies.
    let _ = add(&mut found, guid_identity::check(ctx))
        || add(&mut found, match_conflict::check(ctx))
        || add(&mut found, taken::student_id(ctx))
        || add(&mut found, taken::username(ctx));
    found.extend(duplicates::check(ctx));
    add(&mut found, duplicate_match::check(ctx));
    add(&mut found, leading_zeros::check(ctx));
    add(&mut found, possible_duplicate::check(ctx));
    add(&mut found, stored_username_password::check(ctx));
    found.extend(mojibake::check(ctx, changes));
    found.extend(classes::check(ctx));
    found
}
