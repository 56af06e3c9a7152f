//! Reading a file into a [`Table`]: format sniffing, CSV and workbook readers, header mapping.
//!
//! Reading never fails half-way: [`read`] always returns a table (possibly empty) together with
//! the file-level diagnostics. A file-level error leaves the table without rows.

mod builder;
mod csv_file;
mod csv_records;
mod extent;
mod sheet_cells;
mod table;
mod workbook;
mod xls_scan;
mod zip_scan;

use serde::Serialize;

pub use table::{Cell, RowSpans, Table};

use crate::code::Finding;
use crate::diagnostic::Diagnostic;
use crate::field::Field;
use crate::message::{Bytes, FileName};
use crate::options::Options;
use crate::position::SheetRow;

/// The formats Rollcall reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Csv,
    Xlsx,
    Xlsm,
    Xlsb,
    Xls,
    Ods,
}

/// A column of the file: its header as written, the field it means (if any), its position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ColumnInfo {
    pub header: String,
    pub field: Option<Field>,
    pub index: u32,
}

/// What the report says about the file itself (SPEC section 6, `file`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FileInfo {
    pub format: Option<Format>,
    pub sheet: Option<String>,
    pub encoding: Option<&'static str>,
    pub delimiter: Option<String>,
    pub columns: Vec<ColumnInfo>,
}

/// A read file: the table and what was found while reading it.
#[derive(Debug, Clone)]
pub struct ReadOutcome {
    pub table: Table,
    pub diagnostics: Vec<Diagnostic>,
    /// With [`Options::keep_sheet`], every cell of the sheet as read, passwords blanked.
    pub sheet: Option<SheetAsRead>,
}

/// A sheet as read, every column and every row with a cell (the header row first, whatever
/// it holds), each Password cell blanked: what the server keeps as an upload's Uploaded File.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct SheetAsRead {
    pub header: Vec<String>,
    /// Each data row with its spreadsheet row number; blank rows are left out.
    pub rows: Vec<(SheetRow, Vec<String>)>,
}

impl SheetAsRead {
    /// The sheet's width: its widest row, header included.
    pub fn width(&self) -> usize {
        self.rows
            .iter()
            .map(|(_, cells)| cells.len())
            .chain([self.header.len()])
            .max()
            .unwrap_or(0)
    }
}

impl ReadOutcome {
    /// True when a file-level error stops the rows from being checked.
    pub fn is_fatal(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity() == crate::code::Severity::Error)
    }
}

/// Why a file is not a roster file at all (`file-unreadable`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Unreadable {
    Binary,
    ExtensionMismatch,
    NotAWorkbook,
    Damaged,
    TooLargeUnpacked,
    /// A count or size the file declares is more than its content can hold.
    CountsLie,
    /// More cells or shared strings than a sheet within the limits can use.
    TooManyCells,
    /// The original export lacks the Student GUID or a required column.
    NotAnExport,
}

/// How a file names itself in messages: its name, or "The file".
pub(crate) fn file_text(file_name: Option<&str>) -> FileName {
    FileName::of(file_name, FileName::Edited)
}

pub(crate) fn unreadable(label: &FileName, reason: Unreadable) -> Diagnostic {
    let file = label.clone();
    Diagnostic::new(Finding::FileUnreadable { file, reason }, None)
}

const WORKBOOK_EXTENSIONS: [&str; 5] = ["xlsx", "xlsm", "xlsb", "xls", "ods"];

fn extension(file_name: Option<&str>) -> Option<String> {
    let name = file_name?;
    let (_, ext) = name.rsplit_once('.')?;
    Some(ext.to_ascii_lowercase())
}

/// False when the file's extension names a workbook format other than the one its content is
/// (SPEC section 2): an XLS saved as `.xlsx` is refused. Other extensions (`.csv`, `.txt`,
/// none) leave the content to decide.
pub(crate) fn extension_allows(extension: Option<&str>, content: Format) -> bool {
    let named = match extension {
        Some("xlsx" | "xlsm") => [Format::Xlsx, Format::Xlsm],
        Some("xlsb") => [Format::Xlsb; 2],
        Some("xls") => [Format::Xls; 2],
        Some("ods") => [Format::Ods; 2],
        _ => return true,
    };
    named.contains(&content)
}

/// Reads a file: sniffs its format from its content, then reads it as CSV or as a workbook.
pub fn read(bytes: &[u8], file_name: Option<&str>, options: &Options) -> ReadOutcome {
    read_labeled(bytes, file_name, &file_text(file_name), options)
}

/// Like [`read`], with the words that name the file in messages.
pub(crate) fn read_labeled(
    bytes: &[u8],
    file_name: Option<&str>,
    label: &FileName,
    options: &Options,
) -> ReadOutcome {
    let limits = &options.limits;
    if bytes.len() as u64 > limits.max_file_bytes {
        let finding = Finding::FileTooLarge {
            file: label.clone(),
            size: Bytes(bytes.len() as u64),
            limit: Bytes(limits.max_file_bytes),
        };
        let diagnostic = Diagnostic::new(finding, None);
        return ReadOutcome {
            table: Table::empty(FileInfo::default()),
            diagnostics: vec![diagnostic],
            sheet: None,
        };
    }
    let fail = |why: Unreadable, format: Option<Format>| ReadOutcome {
        table: Table::empty(FileInfo {
            format,
            ..FileInfo::default()
        }),
        diagnostics: vec![unreadable(label, why)],
        sheet: None,
    };
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return match workbook::read_zipped(bytes, extension(file_name).as_deref(), label, options) {
            Ok(outcome) => outcome,
            Err(why) => fail(why, None),
        };
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        if !extension_allows(extension(file_name).as_deref(), Format::Xls) {
            return fail(Unreadable::ExtensionMismatch, None);
        }
        return match workbook::read_xls(bytes, label, options) {
            Ok(outcome) => outcome,
            Err(why) => fail(why, Some(Format::Xls)),
        };
    }
    if extension(file_name).is_some_and(|ext| WORKBOOK_EXTENSIONS.contains(&ext.as_str())) {
        return fail(Unreadable::ExtensionMismatch, None);
    }
    if memchr::memchr(0, bytes).is_some() {
        return fail(Unreadable::Binary, None);
    }
    csv_file::read_csv(bytes, label, options)
}

#[cfg(test)]
mod tests;
