//! Turns the rows of a sheet (CSV records or worksheet rows) into a [`Table`]: finds the header,
//! maps columns to fields and applies the file-level rules and limits.

use std::collections::BTreeSet;

use crate::code::{Code, Finding};
use crate::diagnostic::Diagnostic;
use crate::field::{Field, HeaderMeaning, classify_header, column_letter};
use crate::message::FileName;
use crate::options::Options;
use crate::position::SheetRow;
use crate::read::{ColumnInfo, FileInfo, ReadOutcome, SheetAsRead, Table};
use crate::text::{Span, trim};

/// One row of a sheet, as the reader sees it.
pub(crate) trait RowCells {
    fn len(&self) -> usize;
    /// The cell's text untrimmed, and whether it is a date cell.
    fn cell(&self, index: usize) -> (&str, bool);
    /// Every cell's text back to back, when the row holds them that way (a CSV record): the
    /// table then copies the row once instead of cell by cell.
    fn whole(&self) -> Option<&str> {
        None
    }
}

impl RowCells for [(std::borrow::Cow<'_, str>, bool)] {
    fn len(&self) -> usize {
        <[(std::borrow::Cow<'_, str>, bool)]>::len(self)
    }

    fn cell(&self, index: usize) -> (&str, bool) {
        let (text, date) = &self[index];
        (text, *date)
    }
}

/// Whether the reader should go on feeding rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Feed {
    More,
    Stop,
}

/// The width of a row: one past its last non-empty cell.
fn width(row: &(impl RowCells + ?Sized), offset: u32) -> u32 {
    (0..row.len())
        .rev()
        .find(|&i| !trim(row.cell(i).0).is_empty())
        .map_or(0, |i| i as u32 + 1 + offset)
}

/// A header as the report names it: at most `most` characters, then `…`. A header cell
/// can hold a whole file, and the report, the messages and the page repeat it.
fn clip(header: &str, most: u32) -> std::borrow::Cow<'_, str> {
    match header.char_indices().nth(most as usize) {
        None => std::borrow::Cow::Borrowed(header),
        Some((end, _)) => std::borrow::Cow::Owned(format!("{}…", &header[..end])),
    }
}

/// Says which fields a header row names, for choosing a sheet.
pub(crate) fn header_has_required(row: &(impl RowCells + ?Sized)) -> bool {
    let found: Vec<Field> = (0..row.len())
        .filter_map(|i| match classify_header(row.cell(i).0) {
            HeaderMeaning::Field(field) => Some(field),
            _ => None,
        })
        .collect();
    Field::REQUIRED.iter().all(|f| found.contains(f))
}

pub(crate) struct TableBuilder<'a> {
    options: &'a Options,
    label: FileName,
    info: Option<FileInfo>,
    table: Option<Table>,
    diagnostics: Vec<Diagnostic>,
    /// Header row's columns that hold no field: blank headers and unknown ones.
    unnamed: Vec<bool>,
    /// The columns of `unnamed` that are, in order (most files have none).
    unnamed_columns: Vec<u32>,
    unnamed_with_data: BTreeSet<u32>,
    /// Rows up to and including the last non-blank one.
    kept_rows: usize,
    stopped: bool,
    /// About how many bytes of text the sheet holds, to size the table once.
    size_hint: usize,
    /// The whole text of a CSV file, which the table adopts (see [`TableBuilder::source`]).
    source: &'a str,
    /// Every cell as read, with [`Options::keep_sheet`].
    sheet: Option<SheetAsRead>,
}

impl<'a> TableBuilder<'a> {
    pub(crate) fn new(info: FileInfo, label: FileName, options: &'a Options) -> Self {
        TableBuilder {
            options,
            label,
            info: Some(info),
            table: None,
            diagnostics: Vec::new(),
            unnamed: Vec::new(),
            unnamed_columns: Vec::new(),
            unnamed_with_data: BTreeSet::new(),
            kept_rows: 0,
            stopped: false,
            size_hint: 0,
            source: "",
            sheet: options.keep_sheet.then(SheetAsRead::default),
        }
    }

    /// Tells the builder about how many bytes of text the sheet holds.
    pub(crate) fn size_hint(&mut self, bytes: usize) {
        self.size_hint = bytes;
    }

    /// Tells the builder the whole text of the file its rows are slices of: the table starts
    /// with a copy of it, and rows point into that copy.
    pub(crate) fn source(&mut self, text: &'a str) {
        self.source = text;
        self.size_hint = text.len();
    }

    /// A file-level diagnostic found by the reader itself (encoding, sheet choice).
    pub(crate) fn note(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Ends the sheet with `too-many-columns`: a row is `count` columns wide.
    pub(crate) fn too_many_columns(&mut self, count: u32) -> Feed {
        let limit = self.options.limits.max_columns;
        let diagnostic = Diagnostic::new(Finding::TooManyColumns { count, limit }, None);
        self.diagnostics.push(diagnostic);
        self.stopped = true;
        Feed::Stop
    }

    /// Ends the sheet with `too-many-rows`: a row lies past the limit below the header.
    pub(crate) fn too_many_rows(&mut self) -> Feed {
        let limit = self.options.limits.max_rows;
        let diagnostic = Diagnostic::new(Finding::TooManyRows { limit }, None);
        self.diagnostics.push(diagnostic);
        self.stopped = true;
        Feed::Stop
    }

    /// Feeds one row of the sheet: spreadsheet row `row`, whose first cell is column `offset`.
    pub(crate) fn push(
        &mut self,
        row: SheetRow,
        offset: u32,
        cells: &(impl RowCells + ?Sized),
    ) -> Feed {
        if self.stopped {
            return Feed::Stop;
        }
        let row_width = width(cells, offset);
        if row_width > self.options.limits.max_columns {
            return self.too_many_columns(row_width);
        }
        if let Some(sheet) = self.sheet.as_mut().filter(|_| row_width > 0) {
            let cell = |column: u32| match column.checked_sub(offset) {
                Some(position) if (position as usize) < cells.len() => {
                    cells.cell(position as usize).0.to_owned()
                }
                _ => String::new(),
            };
            let texts: Vec<String> = (0..row_width).map(cell).collect();
            if self.table.is_none() {
                sheet.header = texts;
            } else {
                sheet.rows.push((row, texts));
            }
        }
        match self.table {
            None if row_width == 0 => Feed::More,
            None => {
                self.header(offset, cells);
                if self.stopped { Feed::Stop } else { Feed::More }
            }
            Some(_) => self.data_row(row, offset, cells, row_width),
        }
    }

    /// [`TableBuilder::push`] of a CSV line read without quotes: `line` of the text given to
    /// [`TableBuilder::source`], its fields ending at `ends` within it. Its cells become spans
    /// of the table's copy of that text as they are found, with no text between. `None`, and
    /// nothing done, unless the line is a data row whose every cell lies under a header that
    /// is not blank, and the sheet is not kept as read: [`TableBuilder::push`] then takes it.
    pub(crate) fn push_line(
        &mut self,
        row: SheetRow,
        line: std::ops::Range<usize>,
        ends: &[usize],
    ) -> Option<Feed> {
        let table = self.table.as_ref()?;
        let simple = !self.stopped
            && self.sheet.is_none()
            && self.unnamed_columns.is_empty()
            && ends.len() <= self.unnamed.len()
            && table.adopted(self.source);
        if !simple {
            return None;
        }
        let text = self.source.get(line.clone())?;
        let start_of = |i: usize| if i == 0 { 0 } else { ends[i - 1] + 1 };
        let empty = Span {
            start: line.start as u32,
            len: 0,
        };
        let mut cells = [empty; Field::ALL.len()];
        let mut blank = true;
        for field in Field::ALL {
            let Some(i) = table.column(field).map(|column| column as usize) else {
                continue;
            };
            if i >= ends.len() {
                continue;
            }
            let start = start_of(i);
            let cell = text.get(start..ends[i])?;
            let trimmed = trim(cell);
            blank &= trimmed.is_empty();
            let value = if field == Field::Password {
                cell
            } else {
                trimmed
            };
            if !value.is_empty() {
                let offset = start + (value.as_ptr() as usize - cell.as_ptr() as usize);
                cells[field.index()] = Span {
                    start: (line.start + offset) as u32,
                    len: value.len() as u32,
                };
            }
        }
        // A row is blank when every cell is, those of ignored columns included.
        if blank {
            blank = (0..ends.len()).all(|i| {
                text.get(start_of(i)..ends[i])
                    .is_none_or(|c| trim(c).is_empty())
            });
        }
        if self.drops_blank_row(blank) {
            return Some(Feed::More);
        }
        self.table.as_mut()?.push_spans(row, cells);
        Some(self.row_stored(blank))
    }

    /// Whether a row is dropped instead of stored: a blank one past the row limit changes
    /// nothing (the next row with a cell is too many rows whether it is stored or not, and
    /// trailing blank rows are dropped), and storing it would let a file of line breaks fill
    /// memory.
    fn drops_blank_row(&self, blank: bool) -> bool {
        blank && self.table.as_ref().map_or(0, Table::len) > self.options.limits.max_rows as usize
    }

    /// After a row is stored: the sheet ends at its last row with any non-empty cell, ignored
    /// columns included, and such a row past the limit stops the reading.
    fn row_stored(&mut self, blank: bool) -> Feed {
        if !blank {
            self.kept_rows = self.table.as_ref().map_or(0, Table::len);
            if self.kept_rows > self.options.limits.max_rows as usize {
                return self.too_many_rows();
            }
        }
        Feed::More
    }

    fn header(&mut self, offset: u32, cells: &(impl RowCells + ?Sized)) {
        let mut info = self.info.take().unwrap_or_default();
        let mut columns_of = [None; Field::ALL.len()];
        let width = width(cells, offset) as usize;
        self.unnamed = vec![true; width];
        for i in 0..cells.len() {
            let index = i as u32 + offset;
            let header = clip(cells.cell(i).0.trim(), self.options.limits.max_cell_chars);
            let header = header.as_ref();
            let meaning = classify_header(header);
            if meaning == HeaderMeaning::Blank {
                continue;
            }
            let field = match meaning {
                HeaderMeaning::Field(field) => Some(field),
                _ => None,
            };
            info.columns.push(ColumnInfo {
                header: header.to_owned(),
                field,
                index,
            });
            match meaning {
                HeaderMeaning::Field(field) => {
                    self.unnamed[index as usize] = false;
                    match columns_of[field.index()] {
                        None => columns_of[field.index()] = Some(index),
                        Some(first) => {
                            let first_header = info
                                .columns
                                .iter()
                                .find(|c| c.index == first)
                                .map_or("", |c| c.header.as_str());
                            let finding = Finding::DuplicateColumn {
                                earlier: first_header.to_owned(),
                                column: header.to_owned(),
                                field,
                            };
                            self.diagnostics.push(
                                Diagnostic::new(finding, None).at_column(header, Some(index)),
                            );
                        }
                    }
                }
                HeaderMeaning::Ignored => self.unnamed[index as usize] = false,
                HeaderMeaning::Unknown => {
                    self.unnamed[index as usize] = false;
                    let column = header.to_owned();
                    self.diagnostics.push(
                        Diagnostic::new(Finding::UnknownColumn { column }, None)
                            .at_column(header, Some(index)),
                    );
                }
                HeaderMeaning::Blank => {}
            }
        }
        for field in Field::REQUIRED {
            if columns_of[field.index()].is_none() {
                let column = field.header().to_owned();
                self.diagnostics.push(
                    Diagnostic::new(Finding::MissingColumn { column }, None)
                        .at_column(field.header(), None),
                );
            }
        }
        self.unnamed_columns = (0..self.unnamed.len() as u32)
            .filter(|&index| self.unnamed[index as usize])
            .collect();
        let mut table = Table::with_columns(info, columns_of);
        if self.source.is_empty() {
            table.reserve(self.size_hint);
        } else {
            table.adopt(self.source);
        }
        self.table = Some(table);
    }

    fn data_row(
        &mut self,
        row: SheetRow,
        offset: u32,
        cells: &(impl RowCells + ?Sized),
        row_width: u32,
    ) -> Feed {
        if self.drops_blank_row(row_width == 0) {
            return Feed::More;
        }
        let Some(table) = self.table.as_mut() else {
            return Feed::More;
        };
        let mut values = [("", false); Field::ALL.len()];
        for field in Field::ALL {
            let Some(column) = table.column(field) else {
                continue;
            };
            let Some(position) = column.checked_sub(offset) else {
                continue;
            };
            if (position as usize) < cells.len() {
                let (text, date) = cells.cell(position as usize);
                let text = if field == Field::Password {
                    text
                } else {
                    trim(text)
                };
                values[field.index()] = (text, date);
            }
        }
        // Cells under a blank header, or past the header's last column, must be empty.
        let beyond = (self.unnamed.len() as u32).saturating_sub(offset) as usize;
        let blank_headers = self
            .unnamed_columns
            .iter()
            .filter_map(|&index| index.checked_sub(offset))
            .map(|position| position as usize);
        for position in blank_headers.chain(beyond..cells.len()) {
            if position < cells.len() && !trim(cells.cell(position).0).is_empty() {
                self.unnamed_with_data.insert(position as u32 + offset);
            }
        }
        match cells.whole() {
            Some(whole) => table.push_row_within(row, whole, self.source, values),
            None => table.push_row(row, values),
        }
        self.row_stored(row_width == 0)
    }

    /// Ends the sheet: drops trailing blank rows and applies the rules that need every row.
    pub(crate) fn finish(mut self) -> ReadOutcome {
        let mut table = match self.table.take() {
            Some(table) => table,
            None => {
                let info = self.info.take().unwrap_or_default();
                if !self.stopped {
                    self.diagnostics.push(self.empty_file());
                }
                Table::empty(info)
            }
        };
        table.truncate(self.kept_rows);
        if table.is_empty() && !self.stopped && !self.has_empty_file() {
            self.diagnostics.push(self.empty_file());
        }
        for index in std::mem::take(&mut self.unnamed_with_data) {
            let column = column_letter(index);
            self.diagnostics.push(
                Diagnostic::new(
                    Finding::UnknownColumn {
                        column: column.clone(),
                    },
                    None,
                )
                .at_column(column, Some(index)),
            );
        }
        let sheet = self.sheet.take().map(|mut sheet| {
            // Passwords never leave the reader in a kept sheet.
            let passwords: Vec<usize> = table
                .info
                .columns
                .iter()
                .filter(|c| c.field == Some(Field::Password))
                .map(|c| c.index as usize)
                .collect();
            for (_, cells) in &mut sheet.rows {
                for &column in &passwords {
                    if let Some(cell) = cells.get_mut(column) {
                        cell.clear();
                    }
                }
            }
            sheet
        });
        let outcome = ReadOutcome {
            table,
            diagnostics: self.diagnostics,
            sheet,
        };
        if outcome.is_fatal() {
            let mut outcome = outcome;
            outcome.table.clear_rows();
            return outcome;
        }
        outcome
    }

    fn has_empty_file(&self) -> bool {
        self.diagnostics.iter().any(|d| d.code() == Code::EmptyFile)
    }

    fn empty_file(&self) -> Diagnostic {
        let file = self.label.clone();
        Diagnostic::new(Finding::EmptyFile { file }, None)
    }
}
