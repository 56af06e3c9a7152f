//! The table of roster cells read from a file, stored in one text buffer.

use crate::field::Field;
use crate::position::{RowIndex, SheetRow};
use crate::read::FileInfo;
use crate::text::{self, Span};

const FIELDS: usize = Field::ALL.len();

/// Where one cell's text lives in the buffer, and whether the cell was a date: eight bytes,
/// the date flag in the top bit of the length (a cell is far shorter than 2 GiB).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct CellSpan {
    start: u32,
    len_and_date: u32,
}

const DATE: u32 = 1 << 31;

impl CellSpan {
    fn new(span: Span, date: bool) -> CellSpan {
        CellSpan {
            start: span.start,
            len_and_date: span.len | if date { DATE } else { 0 },
        }
    }

    fn span(self) -> Span {
        Span {
            start: self.start,
            len: self.len_and_date & !DATE,
        }
    }

    fn date(self) -> bool {
        self.len_and_date & DATE != 0
    }
}

/// The rows of a table without its text: each row's number and where its cells are.
#[derive(Debug)]
pub struct RowSpans {
    rows: Vec<SheetRow>,
    spans: Vec<CellSpan>,
}

impl RowSpans {
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Data row `index`: its spreadsheet row number and its cells in [`Field::ALL`] order.
    pub fn row(&self, index: RowIndex) -> (SheetRow, [Span; FIELDS]) {
        let index = index.index();
        let cells = &self.spans[index * FIELDS..(index + 1) * FIELDS];
        (self.rows[index], std::array::from_fn(|k| cells[k].span()))
    }
}

/// One roster cell as read: its text (trimmed, except passwords) and whether it was a date cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell<'a> {
    pub text: &'a str,
    pub date: bool,
}

impl Cell<'_> {
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }
}

/// The roster cells of every data row, blank rows included, up to the last non-blank row.
///
/// Row `i` (zero-based) is spreadsheet row `row_number(i)`. A field without a column reads as an
/// empty cell; [`Table::column`] tells whether the column exists.
#[derive(Debug, Clone)]
pub struct Table {
    pub info: FileInfo,
    columns: [Option<u32>; FIELDS],
    /// Where each field's column is in `info.columns`.
    headers: [Option<usize>; FIELDS],
    rows: Vec<SheetRow>,
    spans: Vec<CellSpan>,
    text: String,
    /// How many bytes at the start of `text` are a copy of the file's whole text (see
    /// [`Table::adopt`]).
    adopted: usize,
}

impl Table {
    pub fn empty(info: FileInfo) -> Table {
        Table {
            info,
            columns: [None; FIELDS],
            headers: [None; FIELDS],
            rows: Vec::new(),
            spans: Vec::new(),
            text: String::new(),
            adopted: 0,
        }
    }

    /// A table for a file whose `field → column index` mapping is `columns`.
    pub(crate) fn with_columns(info: FileInfo, columns: [Option<u32>; FIELDS]) -> Table {
        let headers = columns.map(|column| {
            column.and_then(|index| info.columns.iter().position(|c| c.index == index))
        });
        Table {
            columns,
            headers,
            ..Table::empty(info)
        }
    }

    /// Makes room for a file of about `bytes` bytes of text.
    pub(crate) fn reserve(&mut self, bytes: usize) {
        self.text.reserve(bytes);
        let rows = bytes / 48;
        self.rows.reserve(rows);
        self.spans.reserve(rows * FIELDS);
    }

    /// Starts the text with `source`, the whole text of the file, copied at once: rows read
    /// from it ([`Table::push_row_within`]) then point into the copy instead of copying their
    /// text one by one. Room is made for rows as [`Table::reserve`] does, and for some text
    /// after it (a roster adds its lower-cased keys).
    pub(crate) fn adopt(&mut self, source: &str) {
        if self.text.is_empty() {
            self.reserve(source.len() + source.len() / 16);
            self.text.push_str(source);
            self.adopted = source.len();
        }
    }

    /// Number of data rows (blank rows included).
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The spreadsheet row number of data row `index`.
    pub fn row_number(&self, index: RowIndex) -> SheetRow {
        self.rows[index.index()]
    }

    /// The data row shown as spreadsheet row `row`, if there is one.
    pub fn index_of_row(&self, row: SheetRow) -> Option<RowIndex> {
        self.rows.binary_search(&row).ok().map(RowIndex::at)
    }

    /// The column index of `field`, if the file has that column.
    pub fn column(&self, field: Field) -> Option<u32> {
        self.columns[field.index()]
    }

    /// The header of `field`'s column as written in the file.
    pub fn header(&self, field: Field) -> &str {
        self.headers[field.index()]
            .and_then(|position| self.info.columns.get(position))
            .map_or(field.header(), |c| c.header.as_str())
    }

    pub fn cell(&self, index: RowIndex, field: Field) -> Cell<'_> {
        let cell = self.spans[index.index() * FIELDS + field.index()];
        Cell {
            text: cell.span().get(&self.text),
            date: cell.date(),
        }
    }

    /// Where a cell's text lives in [`Table::text`].
    pub fn span(&self, index: RowIndex, field: Field) -> Span {
        self.spans[index.index() * FIELDS + field.index()].span()
    }

    /// Gives up the table for its text buffer and where each row's cells are in it.
    pub fn into_parts(self) -> (String, RowSpans) {
        let cells = RowSpans {
            rows: self.rows,
            spans: self.spans,
        };
        (self.text, cells)
    }

    /// The buffer every cell's text lives in.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// True when every roster cell of the row is empty.
    pub fn is_blank(&self, index: RowIndex) -> bool {
        let index = index.index();
        self.spans[index * FIELDS..(index + 1) * FIELDS]
            .iter()
            .all(|cell| cell.span().is_empty())
    }

    /// Appends a data row; `cells` are given in [`Field::ALL`] order, already trimmed.
    pub(crate) fn push_row(&mut self, row: SheetRow, cells: [(&str, bool); FIELDS]) {
        self.rows.push(row);
        for (text, date) in cells {
            let span = self.store(text, date);
            self.spans.push(span);
        }
    }

    /// Appends a data row whose cells are all slices of `whole`: the cells point into the
    /// copy of `whole` in the text, made now unless `whole` lies within `source`, the text
    /// the table adopted ([`Table::adopt`]).
    pub(crate) fn push_row_within(
        &mut self,
        row: SheetRow,
        whole: &str,
        source: &str,
        cells: [(&str, bool); FIELDS],
    ) {
        let whole_start = whole.as_ptr() as usize;
        // Where `whole` starts in `source`; past its end when it is not in `source`.
        let in_source = whole_start.wrapping_sub(source.as_ptr() as usize);
        let adopted = self.adopted(source)
            && in_source <= source.len()
            && source.len() - in_source >= whole.len();
        let base = if adopted { in_source } else { self.text.len() };
        let mut spans = [CellSpan::default(); FIELDS];
        for (span, (text, date)) in spans.iter_mut().zip(cells) {
            let offset = if text.is_empty() {
                0
            } else {
                // Where the cell starts in `whole`; past its end when it is not in `whole`.
                let offset = (text.as_ptr() as usize).wrapping_sub(whole_start);
                if offset > whole.len() || whole.len() - offset < text.len() {
                    return self.push_row(row, cells);
                }
                offset
            };
            let start = (base + offset) as u32;
            *span = CellSpan::new(
                Span {
                    start,
                    len: text.len() as u32,
                },
                date,
            );
        }
        if !adopted {
            self.text.push_str(whole);
        }
        self.rows.push(row);
        self.spans.extend_from_slice(&spans);
    }

    /// Whether the table's text starts with `source`, copied whole by [`Table::adopt`].
    pub(crate) fn adopted(&self, source: &str) -> bool {
        source.len() == self.adopted
    }

    /// Appends a data row whose cells are spans of the text already (none a date): the rows
    /// of a CSV file, whose text the table adopted.
    pub(crate) fn push_spans(&mut self, row: SheetRow, cells: [Span; FIELDS]) {
        self.rows.push(row);
        self.spans
            .extend(cells.map(|span| CellSpan::new(span, false)));
    }

    /// Drops the rows from `len` on (trailing blank rows).
    pub(crate) fn truncate(&mut self, len: usize) {
        self.rows.truncate(len);
        self.spans.truncate(len * FIELDS);
    }

    /// Drops every row (a file-level error).
    pub(crate) fn clear_rows(&mut self) {
        self.truncate(0);
        self.text.clear();
        self.adopted = 0;
    }

    /// Replaces a cell with text typed by a person: trimmed like a read cell (passwords are
    /// taken as typed), never a date.
    pub fn set_cell(&mut self, index: RowIndex, field: Field, value: &str) {
        let text = if field == Field::Password {
            value
        } else {
            value.trim()
        };
        let span = self.store(text, false);
        self.spans[index.index() * FIELDS + field.index()] = span;
    }

    fn store(&mut self, text: &str, date: bool) -> CellSpan {
        CellSpan::new(text::store(&mut self.text, text), date)
    }
}
