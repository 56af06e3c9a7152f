//! What the table shows of one line of the check: its cells, changes and diagnostics, read from
//! the checker. It knows no signal and no component; the state builds its rows with it.

use rollcall_core::{Diagnostic, Field, SheetRow};

use crate::work::{Line, Work};

/// What the table shows of one line.
#[derive(Debug, Clone, PartialEq)]
pub struct RowView {
    pub key: String,
    pub row: Option<SheetRow>,
    pub export_row: Option<SheetRow>,
    pub outcome: rollcall_core::Outcome,
    pub cells: Vec<(Field, String)>,
    pub changes: Vec<rollcall_core::Change>,
    /// Each diagnostic with the field of its column (none: about the row).
    pub diagnostics: Vec<(Option<Field>, Diagnostic)>,
}

/// What the table shows of a line.
pub(super) fn row_view(work: &Work, columns: &[Field], line: &Line) -> RowView {
    let checker = &work.checker;
    let table = checker.table();
    let field_of = |d: &Diagnostic| {
        let column = d.column.as_deref()?;
        columns.iter().copied().find(|&f| table.header(f) == column)
    };
    match line {
        Line::Row(i) => {
            let state = checker.row_state(*i);
            RowView {
                key: state.entry.row.unwrap_or_default().to_string(),
                row: state.entry.row,
                export_row: state.entry.export_row,
                outcome: state.entry.outcome,
                cells: columns
                    .iter()
                    .map(|&f| (f, table.cell(*i, f).text.to_owned()))
                    .collect(),
                changes: state.entry.changes,
                diagnostics: state
                    .diagnostics
                    .into_iter()
                    .map(|d| (field_of(&d), d))
                    .collect(),
            }
        }
        Line::Absent(update) => RowView {
            key: format!("absent-{}", update.entry.guid.clone().unwrap_or_default()),
            row: None,
            export_row: update.entry.export_row,
            outcome: update.entry.outcome,
            cells: Vec::new(),
            changes: Vec::new(),
            diagnostics: update
                .diagnostics
                .iter()
                .cloned()
                .map(|d| (None, d))
                .collect(),
        },
    }
}
