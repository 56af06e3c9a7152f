//! Where a sheet's non-empty cells are, kept within the limits: enough to tell, before a
//! workbook library builds the sheet's grid, whether the sheet passes the row and column
//! limits, and so whether that grid is small enough to build.

use std::collections::BTreeMap;

use crate::options::Limits;

/// Why a sheet is refused before it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Overflow {
    /// A row is this many columns wide (`too-many-columns`).
    Columns(u32),
    /// A row lies more than the row limit below the header (`too-many-rows`).
    Rows,
}

/// The rows of a sheet that hold a non-empty cell, each with its width (one past its last
/// non-empty column). Only the first `max_rows + 2` such rows are kept: the header, the most
/// data rows allowed and one more, which is all the verdict needs.
#[derive(Debug)]
pub(crate) struct Extent {
    rows: BTreeMap<u64, u64>,
    keep: usize,
    max_rows: u64,
    max_columns: u64,
}

impl Extent {
    pub(crate) fn new(limits: &Limits) -> Extent {
        Extent {
            rows: BTreeMap::new(),
            keep: limits.max_rows as usize + 2,
            max_rows: u64::from(limits.max_rows),
            max_columns: u64::from(limits.max_columns),
        }
    }

    /// A non-empty cell at 0-based (`row`, `column`).
    pub(crate) fn cell(&mut self, row: u64, column: u64) {
        self.row(row, column.saturating_add(1));
    }

    /// Rows `row` up to `row + repeats - 1`, alike, each `width` wide (0: no non-empty cell).
    pub(crate) fn rows(&mut self, row: u64, repeats: u64, width: u64) {
        if width == 0 || repeats == 0 {
            return;
        }
        self.row(row, width);
        if repeats > 1 {
            // The rows between are like the last: only the span matters to the verdict.
            self.row(row.saturating_add(repeats - 1), width);
        }
    }

    fn row(&mut self, row: u64, width: u64) {
        if self.rows.len() >= self.keep
            && self
                .rows
                .last_key_value()
                .is_some_and(|(&last, _)| row > last)
        {
            return;
        }
        let kept = self.rows.entry(row).or_insert(0);
        *kept = (*kept).max(width);
        if self.rows.len() > self.keep {
            self.rows.pop_last();
        }
    }

    /// What the table builder would find first, going down the rows: a row too wide, or a
    /// row past the limit below the header (the first row with a cell). `None`: within both.
    pub(crate) fn overflow(&self) -> Option<Overflow> {
        let (&header, _) = self.rows.first_key_value()?;
        for (&row, &width) in &self.rows {
            if width > self.max_columns {
                return Some(Overflow::Columns(u32::try_from(width).unwrap_or(u32::MAX)));
            }
            if row - header > self.max_rows {
                return Some(Overflow::Rows);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn extent() -> Extent {
        Extent::new(&Limits {
            max_rows: 10,
            max_columns: 8,
            ..Limits::default()
        })
    }

    #[test]
    fn within_the_limits_is_no_overflow() {
        let mut sheet = extent();
        for row in 3..14 {
            sheet.cell(row, 7);
        }
        assert_eq!(
            sheet.overflow(),
            None,
            "a header and ten rows, eight columns"
        );
    }

    #[test]
    fn a_far_cell_is_the_first_verdict_going_down() {
        let mut sheet = extent();
        sheet.cell(0, 0);
        sheet.cell(1_048_575, 16_383);
        assert_eq!(sheet.overflow(), Some(Overflow::Columns(16_384)));
        let mut sheet = extent();
        sheet.cell(0, 0);
        sheet.cell(1_048_575, 0);
        sheet.cell(11, 0);
        assert_eq!(sheet.overflow(), Some(Overflow::Rows));
        let mut sheet = extent();
        sheet.cell(0, 0);
        sheet.cell(4, 9);
        sheet.cell(50, 0);
        assert_eq!(sheet.overflow(), Some(Overflow::Columns(10)));
    }

    #[test]
    fn repeated_rows_count_as_their_span() {
        let mut sheet = extent();
        sheet.rows(5, 1_000_000, 3);
        assert_eq!(sheet.overflow(), Some(Overflow::Rows));
        let mut sheet = extent();
        sheet.rows(5, 11, 3);
        assert_eq!(sheet.overflow(), None);
        sheet.rows(0, 1_000_000, 0);
        assert_eq!(
            sheet.overflow(),
            None,
            "empty rows, however many, are no rows"
        );
    }

    #[test]
    fn memory_stays_bounded_by_the_row_limit() {
        let mut sheet = extent();
        for row in (0..1_000_000).rev() {
            sheet.cell(row, 0);
        }
        assert_eq!(sheet.rows.len(), 12);
        assert_eq!(sheet.overflow(), Some(Overflow::Rows));
    }
}
