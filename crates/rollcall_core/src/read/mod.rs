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

use crate::code::Code;
use crate::diagnostic::{Diagnostic, DiagnosticBuilder, Text};
use crate::field::Field;
use crate::options::Options;

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
}

impl ReadOutcome {
    /// True when a file-level error stops the rows from being checked.
    pub fn is_fatal(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == crate::code::Severity::Error)
    }
}

/// Why a file is not a roster file at all (`file-unreadable`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unreadable {
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

impl Unreadable {
    fn reason(self) -> Text {
        match self {
            Unreadable::Binary => Text::translated(
                "it is not a spreadsheet (it contains binary data)",
                "no es una hoja de cálculo (contiene datos binarios)",
            ),
            Unreadable::ExtensionMismatch => Text::translated(
                "its name says it is one kind of workbook, but its content is not",
                "su nombre dice que es un tipo de libro de cálculo, pero su contenido no lo es",
            ),
            Unreadable::NotAWorkbook => Text::translated(
                "it is a ZIP archive but not a workbook",
                "es un archivo ZIP pero no un libro de cálculo",
            ),
            Unreadable::Damaged => {
                Text::translated("the workbook is damaged", "el libro de cálculo está dañado")
            }
            Unreadable::TooLargeUnpacked => Text::translated(
                "the workbook unpacks to more than the allowed size",
                "el libro de cálculo ocupa descomprimido más de lo permitido",
            ),
            Unreadable::CountsLie => Text::translated(
                "the workbook is damaged: it declares more cells or text than it holds",
                "el libro de cálculo está dañado: declara más celdas o textos de los que contiene",
            ),
            Unreadable::TooManyCells => Text::translated(
                "the workbook holds more cells or text than the row and column limits allow",
                "el libro de cálculo contiene más celdas o textos de lo que permiten los límites de filas y columnas",
            ),
            Unreadable::NotAnExport => Text::translated(
                "it is not a roster export (it needs the Student GUID, First Name, Last Name and Grade Level columns)",
                "no es una exportación de la lista (necesita las columnas Student GUID, First Name, Last Name y Grade Level)",
            ),
        }
    }
}

/// How a file names itself in messages: its name, or "The file".
pub(crate) fn file_text(file_name: Option<&str>) -> Text {
    match file_name {
        Some(name) if !name.is_empty() => Text::Plain(name.to_owned()),
        _ => Text::translated("The file", "El archivo"),
    }
}

pub(crate) fn unreadable(label: &Text, why: Unreadable, options: &Options) -> Diagnostic {
    DiagnosticBuilder::new(Code::FileUnreadable, None)
        .arg("file", label.clone())
        .arg("reason", why.reason())
        .build(options.lang)
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
    label: &Text,
    options: &Options,
) -> ReadOutcome {
    let limits = &options.limits;
    if bytes.len() as u64 > limits.max_file_bytes {
        let diagnostic = DiagnosticBuilder::new(Code::FileTooLarge, None)
            .arg("file", label.clone())
            .arg("size", format_size(bytes.len() as u64))
            .arg("limit", format_size(limits.max_file_bytes))
            .build(options.lang);
        return ReadOutcome {
            table: Table::empty(FileInfo::default()),
            diagnostics: vec![diagnostic],
        };
    }
    let fail = |why: Unreadable, format: Option<Format>| ReadOutcome {
        table: Table::empty(FileInfo {
            format,
            ..FileInfo::default()
        }),
        diagnostics: vec![unreadable(label, why, options)],
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

/// A byte count as a person reads it: `20 MiB`, `512 KiB`, `80 bytes`.
pub(crate) fn format_size(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB {
        let tenths = (bytes * 10 + MIB / 2) / MIB;
        if tenths.is_multiple_of(10) {
            format!("{} MiB", tenths / 10)
        } else {
            format!("{}.{} MiB", tenths / 10, tenths % 10)
        }
    } else if bytes >= KIB {
        format!("{} KiB", (bytes + KIB / 2) / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests;
