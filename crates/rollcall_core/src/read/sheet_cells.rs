//! A worksheet's non-empty cells, gathered within the limits, and fed to the table builder.
//!
//! A workbook says where its cells are, and a hostile one puts a value in the last cell a
//! spreadsheet has (`XFD1048576`). A grid spanning the used range would then take billions of
//! cells, so the cells are kept sparse, by row, and never beyond what the limits can use:
//! - a cell at or past the column limit is not kept; its row only remembers how wide it is,
//!   which is `too-many-columns` when the builder reaches that row;
//! - only the first `max_rows + 2` rows with a cell are kept: the header and the most data
//!   rows allowed, plus one more row, which is `too-many-rows` (or `too-many-columns`) when
//!   the builder reaches it, as it would be with every row kept.
//!
//! So the memory of a sheet is bounded by the limits, whatever its used range says. Rows come in
//! order in every file a spreadsheet program writes, and are kept in a list in that order; a
//! file that gives a row out of order has its list sorted (and cut back to the rows kept) when
//! it is read and whenever it grows to twice that.

use std::borrow::Cow;

use crate::options::Limits;
use crate::position::SheetRow;
use crate::read::builder::{Feed, TableBuilder, header_has_required};
use crate::text::trim;

/// A cell's text the way a person sees it, and whether it is a date or time cell.
pub(crate) type CellValue<'a> = (Cow<'a, str>, bool);

/// One row: its 0-based number, where its cells are in `SheetCells::cells`, and how wide it is
/// past the column limit (one past its last non-empty column there, or 0).
#[derive(Debug, Clone, Copy)]
struct SparseRow {
    row: u32,
    start: usize,
    end: usize,
    wide: u32,
}

/// A sheet's non-empty cells within the limits, by row (0-based positions).
#[derive(Debug)]
pub(crate) struct SheetCells<'a> {
    /// The rows in the order they came; the last is the one cells are coming in for.
    rows: Vec<SparseRow>,
    /// Every kept cell, (column, value), row after row, each row's in the order the file gave
    /// them: one list for the sheet, not one per row.
    cells: Vec<(u32, CellValue<'a>)>,
    /// True while `rows` is in ascending order without a row twice.
    sorted: bool,
    max_columns: u32,
    /// How many rows with cells are kept.
    keep_rows: usize,
    /// About how many bytes of text the kept cells hold.
    bytes: usize,
}

impl<'a> SheetCells<'a> {
    pub(crate) fn new(limits: &Limits) -> SheetCells<'a> {
        SheetCells {
            rows: Vec::new(),
            cells: Vec::new(),
            sorted: true,
            max_columns: limits.max_columns,
            keep_rows: limits.max_rows as usize + 2,
            bytes: 0,
        }
    }

    /// Adds the cell at 0-based (`row`, `column`); empty or all-whitespace cells are skipped.
    pub(crate) fn push(&mut self, row: u32, column: u32, value: CellValue<'a>) {
        if trim(&value.0).is_empty() {
            return;
        }
        let here = self.cells.len();
        let new_row = SparseRow {
            row,
            start: here,
            end: here,
            wide: 0,
        };
        match self.rows.last() {
            Some(last) if last.row == row => {}
            Some(last) if last.row > row => {
                self.sorted = false;
                self.rows.push(new_row);
                if self.rows.len() >= 2 * self.keep_rows {
                    self.settle();
                }
            }
            _ => {
                if self.sorted && self.rows.len() >= self.keep_rows {
                    // A row past every kept one, when enough are kept: the limit is decided.
                    return;
                }
                self.rows.push(new_row);
            }
        }
        let Some(entry) = self.rows.last_mut() else {
            return;
        };
        if column >= self.max_columns {
            entry.wide = entry.wide.max(column.saturating_add(1));
            return;
        }
        self.bytes += value.0.len();
        let cells = &mut self.cells[entry.start..entry.end];
        match cells.iter_mut().rev().find(|(c, _)| *c == column) {
            // A cell given twice: the later one wins, as in a spreadsheet program.
            Some(cell) => cell.1 = value,
            None => {
                // The last row's cells end the list.
                self.cells.push((column, value));
                entry.end += 1;
            }
        }
    }

    /// Puts rows given out of order in their place, merges a row given twice (its later cells
    /// win) and keeps the first `keep_rows` rows.
    fn settle(&mut self) {
        if self.sorted {
            return;
        }
        // A stable sort: a row's parts stay in the order they came.
        let mut order = std::mem::take(&mut self.rows);
        order.sort_by_key(|part| part.row);
        let old = std::mem::take(&mut self.cells);
        for part in order {
            let parts = &old[part.start..part.end];
            let full = self.rows.len() == self.keep_rows;
            match self.rows.last_mut() {
                Some(last) if last.row == part.row => {
                    last.wide = last.wide.max(part.wide);
                    for (column, value) in parts {
                        match self.cells[last.start..last.end]
                            .iter_mut()
                            .find(|(c, _)| c == column)
                        {
                            Some(cell) => cell.1 = value.clone(),
                            None => {
                                self.cells.push((*column, value.clone()));
                                last.end += 1;
                            }
                        }
                    }
                }
                _ if full => break,
                _ => {
                    let start = self.cells.len();
                    self.cells.extend(parts.iter().cloned());
                    self.rows.push(SparseRow {
                        row: part.row,
                        start,
                        end: self.cells.len(),
                        wide: part.wide,
                    });
                }
            }
        }
        self.sorted = true;
    }

    /// The kept cells of `row`.
    fn row_cells(&self, row: &SparseRow) -> &[(u32, CellValue<'a>)] {
        &self.cells[row.start..row.end]
    }

    /// True when the sheet's first row with a cell names the required columns.
    pub(crate) fn has_roster_header(&mut self) -> bool {
        self.settle();
        self.rows.first().is_some_and(|row| {
            let mut cells = Vec::new();
            dense(self.row_cells(row), &mut cells);
            header_has_required(cells.as_slice())
        })
    }

    /// The same cells, owning their text.
    pub(crate) fn into_owned(mut self) -> SheetCells<'static> {
        self.settle();
        let cells = self
            .cells
            .into_iter()
            .map(|(column, (text, date))| (column, (Cow::Owned(text.into_owned()), date)))
            .collect();
        SheetCells {
            rows: self.rows,
            cells,
            sorted: true,
            max_columns: self.max_columns,
            keep_rows: self.keep_rows,
            bytes: self.bytes,
        }
    }

    /// Feeds every row, blank rows between them included, to `builder`.
    pub(crate) fn feed(mut self, builder: &mut TableBuilder<'_>) {
        self.settle();
        builder.size_hint(self.bytes);
        // More blank rows than this in a row cannot change the verdict: the next row with a
        // cell is past the row limit however many there are.
        let most_blank = self.keep_rows;
        let mut next: Option<u32> = None;
        let none: &[CellValue<'_>] = &[];
        let mut cells = Vec::new();
        for row in &self.rows {
            if let Some(next) = next {
                for blank in (next..row.row).take(most_blank) {
                    if builder.push(SheetRow::new(blank + 1), 0, none) == Feed::Stop {
                        return;
                    }
                }
            }
            if row.wide > 0 {
                builder.too_many_columns(row.wide);
                return;
            }
            dense(self.row_cells(row), &mut cells);
            if builder.push(SheetRow::new(row.row + 1), 0, cells.as_slice()) == Feed::Stop {
                return;
            }
            next = Some(row.row + 1);
        }
    }
}

/// A row's cells from column A to its last kept cell, empty where it has none, into `dense`.
fn dense<'r>(row: &'r [(u32, CellValue<'_>)], dense: &mut Vec<CellValue<'r>>) {
    let width = row.iter().map(|(c, _)| c + 1).max().unwrap_or(0);
    dense.clear();
    dense.resize(width as usize, (Cow::Borrowed(""), false));
    for (column, (text, date)) in row {
        dense[*column as usize] = (Cow::Borrowed(text.as_ref()), *date);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(rows: u32, columns: u32) -> Limits {
        Limits {
            max_rows: rows,
            max_columns: columns,
            ..Limits::default()
        }
    }

    fn text(value: &str) -> CellValue<'_> {
        (Cow::Borrowed(value), false)
    }

    #[test]
    fn keeps_only_the_rows_the_limit_can_use() {
        let mut cells = SheetCells::new(&limits(3, 64));
        for row in (0..1_000_000).rev() {
            cells.push(row, 0, text("x"));
        }
        cells.settle();
        let kept: Vec<u32> = cells.rows.iter().map(|row| row.row).collect();
        assert_eq!(kept, [0, 1, 2, 3, 4], "the header, three rows and one past");
    }

    #[test]
    fn a_far_cell_is_remembered_as_width_only() {
        let mut cells = SheetCells::new(&limits(50_000, 64));
        cells.push(0, 0, text("First Name"));
        cells.push(1_048_575, 16_383, text("x"));
        cells.settle();
        assert_eq!(cells.rows[1].wide, 16_384);
        assert!(cells.row_cells(&cells.rows[1]).is_empty());
    }

    #[test]
    fn blank_and_repeated_cells_are_not_kept_twice() {
        let mut cells = SheetCells::new(&limits(10, 64));
        cells.push(0, 1, text("  "));
        for _ in 0..1000 {
            cells.push(0, 2, text("a"));
        }
        cells.push(0, 2, text("b"));
        cells.settle();
        assert_eq!(cells.row_cells(&cells.rows[0]), [(2, text("b"))]);
    }

    #[test]
    fn a_row_given_again_later_keeps_what_it_had() {
        let mut cells = SheetCells::new(&limits(10, 64));
        cells.push(0, 0, text("a"));
        cells.push(1, 0, text("b"));
        cells.push(0, 1, text("c"));
        cells.settle();
        assert_eq!(
            cells.row_cells(&cells.rows[0]),
            [(0, text("a")), (1, text("c"))]
        );
        assert_eq!(cells.rows.len(), 2);
    }
}
