//! The workbook reader: XLSX, XLSM, XLSB, XLS and ODS through calamine.
//!
//! Zipped workbooks are measured before calamine sees them: every part is inflated into a
//! counting sink, and a workbook that expands past the limit is refused without ever being held
//! in memory.

use std::borrow::Cow;
use std::io::{Cursor, Read};

use calamine::{Data, DataRef, Reader, ReaderRef, Sheets};

use crate::code::Code;
use crate::diagnostic::DiagnosticBuilder;
use crate::diagnostic::Text;
use crate::options::Options;
use crate::read::builder::{Feed, TableBuilder, header_has_required};
use crate::read::{FileInfo, Format, ReadOutcome, Unreadable};

/// Reads a ZIP-based workbook; `extension` tells XLSM from XLSX.
pub(crate) fn read_zipped(
    bytes: &[u8],
    extension: Option<&str>,
    label: &Text,
    options: &Options,
) -> Result<ReadOutcome, Unreadable> {
    let format = inspect_zip(bytes, options.limits.max_unpacked_bytes, extension)?;
    let cursor = Cursor::new(bytes);
    let sheets = match format {
        Format::Ods => Sheets::Ods(calamine::Ods::new(cursor).map_err(|_| Unreadable::Damaged)?),
        Format::Xlsb => Sheets::Xlsb(calamine::Xlsb::new(cursor).map_err(|_| Unreadable::Damaged)?),
        _ => Sheets::Xlsx(calamine::Xlsx::new(cursor).map_err(|_| Unreadable::Damaged)?),
    };
    read_sheets(sheets, format, label, options)
}

/// Reads a BIFF (.xls) workbook.
pub(crate) fn read_xls(
    bytes: &[u8],
    label: &Text,
    options: &Options,
) -> Result<ReadOutcome, Unreadable> {
    check_compound_file(bytes)?;
    let workbook = calamine::Xls::new(Cursor::new(bytes)).map_err(|_| Unreadable::Damaged)?;
    read_sheets(Sheets::Xls(workbook), Format::Xls, label, options)
}

/// Checks the structure of an .xls file's compound-file container before calamine sees it.
///
/// calamine 0.38 trusts the container's sector tables: a short table sector, a sector past the
/// end, an index out of range or a chain that loops back on itself makes it panic or allocate
/// without end (fuzz/regressions/read_any-xls-*). The cfb crate validates all of that, so a
/// container it opens, and whose workbook stream it reads to the end, is safe to hand on.
fn check_compound_file(bytes: &[u8]) -> Result<(), Unreadable> {
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(|_| Unreadable::Damaged)?;
    let stream = ["/Workbook", "/Book"]
        .into_iter()
        .find(|name| file.is_stream(name))
        .ok_or(Unreadable::Damaged)?;
    let mut workbook = file.open_stream(stream).map_err(|_| Unreadable::Damaged)?;
    // A stream cannot hold more than the file: read at most that, to the end.
    let mut stream = Vec::new();
    (&mut workbook)
        .take(bytes.len() as u64 + 1)
        .read_to_end(&mut stream)
        .map_err(|_| Unreadable::Damaged)?;
    if stream.len() > bytes.len() {
        return Err(Unreadable::Damaged);
    }
    check_sheet_records(&stream)
}

/// Checks the sheet records (BoundSheet8) of a workbook stream's globals before calamine reads
/// them: calamine 0.38 reads six bytes of each and slices the stream at the position it
/// gives, checking neither, and a record that is too short or points past the stream makes
/// it panic (fuzz/regressions/read_any-xls-sheet-past-stream).
fn check_sheet_records(stream: &[u8]) -> Result<(), Unreadable> {
    const EOF: u16 = 0x000A;
    const BOUND_SHEET: u16 = 0x0085;
    let mut rest = stream;
    while let [t0, t1, l0, l1, tail @ ..] = rest {
        let len = usize::from(u16::from_le_bytes([*l0, *l1]));
        // A record cut short ends calamine's reading with an error, not a panic.
        let Some(data) = tail.get(..len) else {
            return Ok(());
        };
        rest = &tail[len..];
        match u16::from_le_bytes([*t0, *t1]) {
            EOF => return Ok(()),
            BOUND_SHEET => match data {
                [p0, p1, p2, p3, _, _, ..]
                    if u32::from_le_bytes([*p0, *p1, *p2, *p3]) as usize <= stream.len() => {}
                _ => return Err(Unreadable::Damaged),
            },
            _ => {}
        }
    }
    Ok(())
}

/// Tells which workbook a ZIP holds and checks that it unpacks within `limit` bytes.
fn inspect_zip(bytes: &[u8], limit: u64, extension: Option<&str>) -> Result<Format, Unreadable> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| Unreadable::Damaged)?;
    let format = if archive.index_for_name("xl/workbook.xml").is_some() {
        if extension == Some("xlsm") {
            Format::Xlsm
        } else {
            Format::Xlsx
        }
    } else if archive.index_for_name("xl/workbook.bin").is_some() {
        Format::Xlsb
    } else if archive.index_for_name("content.xml").is_some() {
        Format::Ods
    } else {
        return Err(Unreadable::NotAWorkbook);
    };
    if !super::extension_allows(extension, format) {
        return Err(Unreadable::ExtensionMismatch);
    }
    let mut total: u64 = 0;
    for index in 0..archive.len() {
        total += unpacked_size(&mut archive, index, limit - total + 1)?;
        if total > limit {
            return Err(Unreadable::TooLargeUnpacked);
        }
    }
    Ok(format)
}

/// How many bytes part `index` really unpacks to, counted up to `most`, whatever its header
/// claims. Inflates without the checksum: calamine checks it when it reads the part.
fn unpacked_size(
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    index: usize,
    most: u64,
) -> Result<u64, Unreadable> {
    let part = archive
        .by_index_raw(index)
        .map_err(|_| Unreadable::Damaged)?;
    let count = |reader: &mut dyn Read| {
        std::io::copy(&mut reader.take(most), &mut std::io::sink()).map_err(|_| Unreadable::Damaged)
    };
    match part.compression() {
        zip::CompressionMethod::Stored => count(&mut { part }),
        zip::CompressionMethod::Deflated => count(&mut flate2::read::DeflateDecoder::new(part)),
        // calamine reads no other method.
        _ => Err(Unreadable::Damaged),
    }
}

/// A worksheet row turned into text cells, borrowed from the sheet where they are text.
type RowCells<'a> = Vec<(Cow<'a, str>, bool)>;

/// A calamine cell, owned (`Data`) or borrowing the workbook's shared strings (`DataRef`).
trait CellText: calamine::CellType {
    /// The cell's text the way a person sees it, and whether it is a date or time cell.
    fn text(&self) -> (Cow<'_, str>, bool);
}

impl CellText for Data {
    fn text(&self) -> (Cow<'_, str>, bool) {
        cell_text(self)
    }
}

impl CellText for DataRef<'_> {
    fn text(&self) -> (Cow<'_, str>, bool) {
        match self {
            DataRef::SharedString(text) => (Cow::Borrowed(text), false),
            DataRef::Empty => (Cow::Borrowed(""), false),
            DataRef::String(text) => (Cow::Borrowed(text), false),
            DataRef::Int(number) => (Cow::Owned(number.to_string()), false),
            DataRef::Float(number) => (Cow::Owned(format_number(*number)), false),
            DataRef::Bool(true) => (Cow::Borrowed("TRUE"), false),
            DataRef::Bool(false) => (Cow::Borrowed("FALSE"), false),
            DataRef::DateTime(date) => (Cow::Owned(format_serial_date(date.as_f64())), true),
            DataRef::DateTimeIso(text) | DataRef::DurationIso(text) => (Cow::Borrowed(text), true),
            DataRef::Error(error) => (Cow::Owned(error.to_string()), false),
        }
    }
}

/// True when the sheet's first non-empty row holds the required headers.
fn has_roster_header<T: CellText>(range: &calamine::Range<T>) -> bool {
    let header = range
        .rows()
        .find(|row| row.iter().any(|cell| !cell.text().0.trim().is_empty()));
    header.is_some_and(|row| {
        let mut cells: RowCells = Vec::new();
        fill(&mut cells, row);
        header_has_required(cells.as_slice())
    })
}

fn read_sheets<RS: Read + std::io::Seek>(
    mut sheets: Sheets<RS>,
    format: Format,
    label: &Text,
    options: &Options,
) -> Result<ReadOutcome, Unreadable> {
    let names = sheets.sheet_names();
    // XLSX and XLSB cells can borrow the shared strings instead of copying each one.
    let borrows = matches!(format, Format::Xlsx | Format::Xlsm | Format::Xlsb);
    let mut first: Option<(String, calamine::Range<Data>)> = None;
    for name in &names {
        if borrows {
            let range = sheets
                .worksheet_range_ref(name)
                .map_err(|_| Unreadable::Damaged)?;
            if has_roster_header(&range) {
                return Ok(table_of(&range, name, &names, format, label, options));
            }
            if first.is_none() {
                let owned = range.cells().map(|(row, column, cell)| {
                    let start = range.start().unwrap_or((0, 0));
                    (
                        (row as u32 + start.0, column as u32 + start.1),
                        Data::from(cell.clone()),
                    )
                });
                let cells: Vec<calamine::Cell<Data>> = owned
                    .map(|(position, value)| calamine::Cell::new(position, value))
                    .collect();
                first = Some((name.clone(), calamine::Range::from_sparse(cells)));
            }
        } else {
            let range = sheets
                .worksheet_range(name)
                .map_err(|_| Unreadable::Damaged)?;
            if has_roster_header(&range) {
                return Ok(table_of(&range, name, &names, format, label, options));
            }
            if first.is_none() {
                first = Some((name.clone(), range));
            }
        }
    }
    let Some((sheet, range)) = first else {
        return Err(Unreadable::Damaged);
    };
    Ok(table_of(&range, &sheet, &names, format, label, options))
}

/// The table of the chosen sheet.
fn table_of<T: CellText>(
    range: &calamine::Range<T>,
    sheet: &str,
    names: &[String],
    format: Format,
    label: &Text,
    options: &Options,
) -> ReadOutcome {
    let info = FileInfo {
        format: Some(format),
        sheet: Some(sheet.to_owned()),
        encoding: Some("utf-8"),
        delimiter: None,
        columns: Vec::new(),
    };
    let mut builder = TableBuilder::new(info, label.clone(), options);
    if names.len() > 1 {
        builder.note(
            DiagnosticBuilder::new(Code::SheetChosen, None)
                .arg("count", names.len().to_string())
                .arg("sheet", sheet.to_owned())
                .build(options.lang),
        );
    }
    let (first_row, first_column) = range.start().unwrap_or((0, 0));
    let mut cells: RowCells = Vec::new();
    for (i, row) in range.rows().enumerate() {
        fill(&mut cells, row);
        let number = first_row + i as u32 + 1;
        if builder.push(number, first_column, cells.as_slice()) == Feed::Stop {
            break;
        }
    }
    builder.finish()
}

fn fill<'a, T: CellText>(cells: &mut RowCells<'a>, row: &'a [T]) {
    cells.clear();
    cells.extend(row.iter().map(CellText::text));
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
