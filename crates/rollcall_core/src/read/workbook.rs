//! The workbook reader: XLSX, XLSM, XLSB, XLS and ODS through calamine.
//!
//! Nothing read from a workbook sizes an allocation before it is checked: the ZIP's parts and
//! counts (`zip_scan`), the .xls container and records (`xls_scan`), and every sheet's cells,
//! which are gathered sparse and within the limits (`sheet_cells`). calamine builds a sheet's
//! grid only for .xls and .ods, and only once that sheet is known to fit the limits.

use std::borrow::Cow;
use std::io::{Cursor, Read, Seek};

use calamine::{Cell, Data, DataRef, Reader};

use crate::code::Finding;
use crate::diagnostic::Diagnostic;
use crate::message::FileName;
use crate::options::Options;
use crate::read::builder::TableBuilder;
use crate::read::extent::Overflow;
use crate::read::sheet_cells::{CellValue, SheetCells};
use crate::read::{FileInfo, Format, ReadOutcome, Unreadable, xls_scan, zip_scan};

/// Reads a ZIP-based workbook; `extension` tells XLSM from XLSX.
pub(crate) fn read_zipped(
    bytes: &[u8],
    extension: Option<&str>,
    label: &FileName,
    options: &Options,
) -> Result<ReadOutcome, Unreadable> {
    let format = zip_scan::inspect_zip(bytes, &options.limits, extension)?;
    let cursor = Cursor::new(bytes);
    match format {
        Format::Ods => {
            if let Some((sheet, overflow)) = zip_scan::ods_overflow(bytes, &options.limits)? {
                return Ok(refused(format, sheet, overflow, label, options));
            }
            let workbook = calamine::Ods::new(cursor).map_err(|_| Unreadable::Damaged)?;
            read_gridded(workbook, format, label, options)
        }
        Format::Xlsb => {
            let mut workbook = calamine::Xlsb::new(cursor).map_err(|_| Unreadable::Damaged)?;
            let names = workbook.sheet_names();
            let mut sheets = Sheets::new(format, label, options, &names);
            for name in &names {
                let cells = match workbook.worksheet_cells_reader(name) {
                    Ok(mut reader) => gather(|| reader.next_cell().map_err(|_| ()), options)?,
                    Err(calamine::XlsbError::WorksheetNotFound(_)) => {
                        SheetCells::new(&options.limits)
                    }
                    Err(_) => return Err(Unreadable::Damaged),
                };
                if let Some(outcome) = sheets.offer(name, cells) {
                    return Ok(outcome);
                }
            }
            sheets.finish()
        }
        _ => {
            let mut workbook = calamine::Xlsx::new(cursor).map_err(|_| Unreadable::Damaged)?;
            let names = workbook.sheet_names();
            let mut sheets = Sheets::new(format, label, options, &names);
            for name in &names {
                let cells = match workbook.worksheet_cells_reader(name) {
                    Ok(mut reader) => gather(|| reader.next_cell().map_err(|_| ()), options)?,
                    // A chart sheet has no cells.
                    Err(calamine::XlsxError::NotAWorksheet(_)) => SheetCells::new(&options.limits),
                    Err(_) => return Err(Unreadable::Damaged),
                };
                if let Some(outcome) = sheets.offer(name, cells) {
                    return Ok(outcome);
                }
            }
            sheets.finish()
        }
    }
}

/// Reads a BIFF (.xls) workbook.
pub(crate) fn read_xls(
    bytes: &[u8],
    label: &FileName,
    options: &Options,
) -> Result<ReadOutcome, Unreadable> {
    if let Some(overflow) = xls_scan::check_xls(bytes, &options.limits)? {
        return Ok(refused(
            Format::Xls,
            String::new(),
            overflow,
            label,
            options,
        ));
    }
    let workbook = calamine::Xls::new(Cursor::new(bytes)).map_err(|_| Unreadable::Damaged)?;
    read_gridded(workbook, Format::Xls, label, options)
}

/// Gathers a sheet's cells from a calamine cell reader, one cell at a time.
fn gather<'a>(
    mut next: impl FnMut() -> Result<Option<Cell<DataRef<'a>>>, ()>,
    options: &Options,
) -> Result<SheetCells<'a>, Unreadable> {
    let mut cells = SheetCells::new(&options.limits);
    while let Some(cell) = next().map_err(|_| Unreadable::Damaged)? {
        let (row, column) = cell.get_position();
        cells.push(row, column, shared_text(cell.get_value().clone()));
    }
    Ok(cells)
}

/// A cell's text, borrowing the workbook's shared strings rather than the cell.
fn shared_text(value: DataRef<'_>) -> CellValue<'_> {
    match value {
        DataRef::SharedString(text) => (Cow::Borrowed(text), false),
        DataRef::String(text) => (Cow::Owned(text), false),
        DataRef::DateTimeIso(text) | DataRef::DurationIso(text) => (Cow::Owned(text), true),
        other => {
            let cell = Data::from(other);
            let (text, date) = cell_text(&cell);
            (Cow::Owned(text.into_owned()), date)
        }
    }
}

/// Reads a workbook that calamine opens as whole grids (.xls, .ods), once the scans have
/// shown every sheet fits the limits.
fn read_gridded<RS: Read + Seek, W: Reader<RS>>(
    mut workbook: W,
    format: Format,
    label: &FileName,
    options: &Options,
) -> Result<ReadOutcome, Unreadable> {
    let names = workbook.sheet_names();
    let mut sheets = Sheets::new(format, label, options, &names);
    for name in &names {
        let range = workbook
            .worksheet_range(name)
            .map_err(|_| Unreadable::Damaged)?;
        let mut cells = SheetCells::new(&options.limits);
        let (first_row, first_column) = range.start().unwrap_or((0, 0));
        for (row, column, cell) in range.used_cells() {
            cells.push(
                row as u32 + first_row,
                column as u32 + first_column,
                cell_text(cell),
            );
        }
        if let Some(outcome) = sheets.offer(name, cells) {
            return Ok(outcome);
        }
    }
    sheets.finish()
}

/// Chooses the sheet: the first whose header row names the required columns, else the first.
struct Sheets<'o> {
    format: Format,
    label: &'o FileName,
    options: &'o Options,
    count: usize,
    first: Option<(String, SheetCells<'static>)>,
}

impl<'o> Sheets<'o> {
    fn new(format: Format, label: &'o FileName, options: &'o Options, names: &[String]) -> Self {
        Sheets {
            format,
            label,
            options,
            count: names.len(),
            first: None,
        }
    }

    /// The table of this sheet when it is the roster; else keeps the first sheet for later.
    fn offer(&mut self, name: &str, mut cells: SheetCells<'_>) -> Option<ReadOutcome> {
        if cells.has_roster_header() {
            return Some(self.table(name, cells));
        }
        if self.first.is_none() {
            self.first = Some((name.to_owned(), cells.into_owned()));
        }
        None
    }

    /// No sheet has the roster's header: the first sheet's table, which says what is missing.
    fn finish(mut self) -> Result<ReadOutcome, Unreadable> {
        let (name, cells) = self.first.take().ok_or(Unreadable::Damaged)?;
        Ok(self.table(&name, cells))
    }

    fn table(&self, sheet: &str, cells: SheetCells<'_>) -> ReadOutcome {
        let mut builder = self.builder(sheet);
        cells.feed(&mut builder);
        builder.finish()
    }

    fn builder(&self, sheet: &str) -> TableBuilder<'o> {
        let info = FileInfo {
            format: Some(self.format),
            sheet: Some(sheet.to_owned()),
            encoding: Some("utf-8"),
            delimiter: None,
            columns: Vec::new(),
        };
        let mut builder = TableBuilder::new(info, self.label.clone(), self.options);
        if self.count > 1 {
            builder.note(Diagnostic::new(
                Finding::SheetChosen {
                    count: self.count as u32,
                    sheet: sheet.to_owned(),
                },
                None,
            ));
        }
        builder
    }
}

/// The outcome for a workbook whose sheet `sheet` the scans found past a limit.
fn refused(
    format: Format,
    sheet: String,
    overflow: Overflow,
    label: &FileName,
    options: &Options,
) -> ReadOutcome {
    let info = FileInfo {
        format: Some(format),
        sheet: (!sheet.is_empty()).then_some(sheet),
        encoding: Some("utf-8"),
        delimiter: None,
        columns: Vec::new(),
    };
    let mut builder = TableBuilder::new(info, label.clone(), options);
    match overflow {
        Overflow::Columns(count) => builder.too_many_columns(count),
        Overflow::Rows => builder.too_many_rows(),
    };
    builder.finish()
}

/// A cell's text the way a person sees it, and whether it is a date or time cell.
pub(crate) fn cell_text(cell: &Data) -> (Cow<'_, str>, bool) {
    match cell {
        Data::Empty => (Cow::Borrowed(""), false),
        Data::String(text) => (Cow::Borrowed(text), false),
        Data::Int(number) => (Cow::Owned(number.to_string()), false),
        Data::Float(number) => (Cow::Owned(format_number(*number)), false),
        Data::Bool(true) => (Cow::Borrowed("TRUE"), false),
        Data::Bool(false) => (Cow::Borrowed("FALSE"), false),
        Data::DateTime(date) => (Cow::Owned(format_serial_date(date.as_f64())), true),
        Data::DateTimeIso(text) | Data::DurationIso(text) => (Cow::Borrowed(text), true),
        Data::Error(error) => (Cow::Owned(error.to_string()), false),
    }
}

/// A number as a spreadsheet shows it in General format: `3`, not `3.0`.
pub(crate) fn format_number(number: f64) -> String {
    if number.is_finite() && number.fract() == 0.0 && number.abs() < 1e15 {
        format!("{}", number as i64)
    } else {
        format!("{number}")
    }
}

/// A date serial (days since 1899-12-30) as `YYYY-MM-DD`, with the time when it has one.
pub(crate) fn format_serial_date(serial: f64) -> String {
    if !serial.is_finite() || !(-1e7..1e7).contains(&serial) {
        return format!("{serial}");
    }
    let days = serial.floor() as i64;
    let seconds = ((serial - serial.floor()) * 86_400.0).round() as i64;
    // Civil date from a day count (Howard Hinnant's algorithm), counted from 1970-01-01.
    let z = days - 25_569 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    if days == 0 && seconds != 0 {
        // A time of day with no date.
        format!("{:02}:{:02}", seconds / 3600, seconds / 60 % 60)
    } else if seconds == 0 {
        format!("{year:04}-{month:02}-{day:02}")
    } else {
        let (h, m) = (seconds / 3600, seconds / 60 % 60);
        format!("{year:04}-{month:02}-{day:02} {h:02}:{m:02}")
    }
}
