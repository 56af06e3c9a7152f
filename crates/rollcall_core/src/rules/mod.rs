//! The value rules of SPEC section 4, one module per rule, and [`check_row`] which runs them on
//! one row and yields its normalised values.
//!
//! These rules look at one row only. The rules that compare rows with each other or with the
//! roster live in [`crate::matching`] and [`crate::cross`].

pub mod cell_length;
pub mod classes;
pub mod date_cell;
pub mod grade;
pub mod guid;
pub mod names;
pub mod password;
pub mod student_id;
pub mod username;

use crate::code::Finding;
use crate::diagnostic::{Diagnostic, add};
use crate::field::Field;
use crate::position::{RowIndex, SheetRow};
use crate::read::Table;
use crate::text::Span;

/// Where a cell is, for building its diagnostics.
#[derive(Debug, Clone, Copy)]
pub struct CellAt<'a> {
    pub row: SheetRow,
    pub field: Field,
    pub header: &'a str,
    pub column: Option<u32>,
}

impl CellAt<'_> {
    /// A diagnostic about this cell.
    pub fn diagnostic(&self, finding: Finding) -> Diagnostic {
        Diagnostic::new(finding, Some(self.row)).at_column(self.header, self.column)
    }

    /// The cell's column header, for the findings whose message names it.
    pub fn column(&self) -> String {
        self.header.to_owned()
    }

    /// A fix that puts `value` into this cell.
    pub fn fix(&self, value: impl Into<String>) -> Option<crate::diagnostic::Fix> {
        Some(crate::diagnostic::Fix {
            row: self.row,
            field: self.field,
            value: value.into(),
        })
    }
}

/// The values of one row after the value rules, as spans into the table's text (see
/// [`Table::text`]): `None` where the cell is empty or unusable for matching (a date cell).
/// GUIDs, Student IDs and usernames compare ignoring case.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RowValues {
    /// The GUID cell, well-formed or not.
    pub guid: Option<Span>,
    pub guid_valid: bool,
    pub student_id: Option<Span>,
    pub first_name: Span,
    pub last_name: Span,
    /// The grade in its standard form, when it is a grade.
    pub grade: Option<&'static str>,
    /// The username as typed; it is stored folded to lower case.
    pub username: Option<Span>,
    pub password: Option<Span>,
    /// The Classes cell when its list is usable (an empty cell clears the student's classes);
    /// `None` when the file has no Classes column or the cell was refused.
    pub classes: Option<Span>,
}

/// The text of an optional span.
pub fn text_of(table: &Table, span: Option<Span>) -> Option<&str> {
    span.map(|span| span.get(table.text()))
}

/// What the value rules found on one row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LocalCheck {
    pub blank: bool,
    pub values: RowValues,
    pub diagnostics: Vec<Diagnostic>,
}

/// Runs every value rule on data row `index` of `table`.
pub fn check_row(table: &Table, index: RowIndex, max_cell_chars: u32) -> LocalCheck {
    let mut check = LocalCheck {
        blank: table.is_blank(index),
        ..LocalCheck::default()
    };
    if check.blank {
        return check;
    }
    let row = table.row_number(index);
    for field in Field::ALL {
        let Some(column) = table.column(field) else {
            continue;
        };
        let at = CellAt {
            row,
            field,
            header: table.header(field),
            column: Some(column),
        };
        let cell = table.cell(index, field);
        let span = table.span(index, field);
        let diagnostics = &mut check.diagnostics;
        if cell.date {
            diagnostics.push(date_cell::check(&at, cell.text));
            continue;
        }
        // Names have their own, lower, length limit, which speaks for them.
        let is_name = matches!(field, Field::FirstName | Field::LastName);
        if !is_name && let Some(diagnostic) = cell_length::check(&at, cell.text, max_cell_chars) {
            diagnostics.push(diagnostic);
            continue;
        }
        let values = &mut check.values;
        match field {
            Field::Guid => {
                if !cell.text.is_empty() {
                    values.guid = Some(span);
                    values.guid_valid = guid::is_guid(cell.text);
                }
            }
            Field::StudentId => {
                if !cell.text.is_empty() {
                    add(diagnostics, student_id::check(&at, cell.text));
                    values.student_id = Some(span);
                }
            }
            Field::FirstName | Field::LastName => {
                diagnostics.extend(names::check(&at, cell.text));
                if field == Field::FirstName {
                    values.first_name = span;
                } else {
                    values.last_name = span;
                }
            }
            Field::Grade => {
                let (grade, diagnostic) = grade::check(&at, cell.text);
                values.grade = grade;
                add(diagnostics, diagnostic);
            }
            Field::Username => {
                if !cell.text.is_empty() {
                    add(diagnostics, username::check(&at, cell.text));
                    values.username = Some(span);
                }
            }
            Field::Password => {
                if !cell.text.is_empty() {
                    values.password = Some(span);
                }
            }
            Field::Classes => {
                let (usable, diagnostic) = classes::check(&at, cell.text);
                values.classes = usable.then_some(span);
                add(diagnostics, diagnostic);
            }
        }
    }
    // The password rule compares with the username, so it runs once the username is known.
    if let (Some(password), Some(column)) = (check.values.password, table.column(Field::Password)) {
        let at = CellAt {
            row,
            field: Field::Password,
            header: table.header(Field::Password),
            column: Some(column),
        };
        let username = text_of(table, check.values.username);
        add(
            &mut check.diagnostics,
            password::check(&at, password.get(table.text()), username),
        );
    }
    check
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;

    /// A cell position for rule tests: row 5 of a column headed like the field.
    pub fn at(field: Field) -> CellAt<'static> {
        CellAt {
            row: SheetRow::new(5),
            field,
            header: field.header(),
            column: Some(field.index() as u32),
        }
    }

    /// The codes of a list of diagnostics, for compact assertions.
    pub fn codes(diagnostics: &[Diagnostic]) -> Vec<&'static str> {
        diagnostics.iter().map(|d| d.code().as_str()).collect()
    }
}
