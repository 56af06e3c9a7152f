//! The files the server writes — exports now, the Upload History downloads later — as CSV or
//! XLSX. Every cell that a spreadsheet program could take for a formula (starting with `=` `+`
//! `-` `@`, a tab or a carriage return) is escaped: in CSV with a leading apostrophe, in XLSX
//! with Excel's quote prefix, which keeps the value as text without changing it.

use rust_xlsxwriter::{DocProperties, Format, Workbook};

use crate::error::AppError;
use crate::store::StudentRecord;

/// The export's columns, in SPEC order.
pub const HEADER: [&str; 8] = [
    "Student GUID",
    "Student ID",
    "First Name",
    "Last Name",
    "Grade Level",
    "Username",
    "Password",
    "Classes",
];

/// The columns of a file Rollcall writes from rows an upload gave: the export's, without
/// Classes unless the upload had them (an empty Classes cell re-imported would clear them).
pub fn header(with_classes: bool) -> Vec<String> {
    let columns = if with_classes {
        HEADER.len()
    } else {
        HEADER.len() - 1
    };
    HEADER[..columns].iter().map(|h| (*h).to_owned()).collect()
}

pub use rollcall_core::export_id::EXPORT_ID_PROPERTY;

pub use rollcall_protocol::FileFormat;

/// The format a request asks for (`?format=`, any case): CSV when it names none.
pub fn requested_format(text: Option<&str>) -> Result<FileFormat, AppError> {
    match text {
        None => Ok(FileFormat::Csv),
        Some(text) => text.to_ascii_lowercase().parse().map_err(|_| {
            AppError::BadRequest(format!("Unknown format {text:?}: ask for csv or xlsx."))
        }),
    }
}

pub use rollcall_core::needs_formula_escape as needs_escape;

/// A table of text cells: a header and rows.
pub struct Sheet {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Sheet {
    /// The export layout of these students; the Password column is always empty.
    pub fn students(students: &[StudentRecord]) -> Sheet {
        Sheet {
            header: HEADER.iter().map(|h| (*h).to_owned()).collect(),
            rows: students.iter().map(|s| s.export_cells("")).collect(),
        }
    }

    pub fn write(&self, format: FileFormat, export_id: Option<&str>) -> Result<Vec<u8>, AppError> {
        match format {
            FileFormat::Csv => self.csv(),
            FileFormat::Xlsx => self.xlsx(export_id),
        }
    }

    /// UTF-8 CSV, CRLF line ends, quoted where needed, formula-like cells escaped.
    pub fn csv(&self) -> Result<Vec<u8>, AppError> {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::new());
        writer
            .write_record(&self.header)
            .map_err(AppError::internal)?;
        for row in &self.rows {
            let cells = row.iter().map(|cell| rollcall_core::escape_formula(cell));
            writer.write_record(cells).map_err(AppError::internal)?;
        }
        writer.into_inner().map_err(AppError::internal)
    }

    /// An XLSX workbook with one sheet, "Students", every cell text.
    pub fn xlsx(&self, export_id: Option<&str>) -> Result<Vec<u8>, AppError> {
        let mut workbook = Workbook::new();
        let mut properties = DocProperties::new().set_title("Students");
        if let Some(id) = export_id {
            properties = properties
                .set_custom_property(EXPORT_ID_PROPERTY, id)
                .set_keywords(format!("rollcall-export:{id}"));
        }
        workbook.set_properties(&properties);
        let text = Format::new().set_num_format("@");
        let header = Format::new().set_bold().set_num_format("@");
        let escaped = Format::new().set_num_format("@").set_quote_prefix();
        let sheet = workbook.add_worksheet();
        sheet.set_name("Students").map_err(AppError::internal)?;
        for column in 0..self.header.len() as u16 {
            sheet
                .set_column_format(column, &text)
                .map_err(AppError::internal)?;
            sheet
                .set_column_width(column, if column == 0 { 38 } else { 16 })
                .map_err(AppError::internal)?;
        }
        for (column, cell) in self.header.iter().enumerate() {
            sheet
                .write_string_with_format(0, column as u16, cell, &header)
                .map_err(AppError::internal)?;
        }
        for (row, cells) in self.rows.iter().enumerate() {
            for (column, cell) in cells.iter().enumerate() {
                if cell.is_empty() {
                    continue;
                }
                let format = if needs_escape(cell) { &escaped } else { &text };
                sheet
                    .write_string_with_format(row as u32 + 1, column as u16, cell, format)
                    .map_err(AppError::internal)?;
            }
        }
        workbook.save_to_buffer().map_err(AppError::internal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_asks_for_csv_unless_it_names_xlsx_in_any_case() {
        assert_eq!(requested_format(None).ok(), Some(FileFormat::Csv));
        assert_eq!(requested_format(Some("csv")).ok(), Some(FileFormat::Csv));
        assert_eq!(requested_format(Some("XLSX")).ok(), Some(FileFormat::Xlsx));
        match requested_format(Some("pdf")) {
            Err(AppError::BadRequest(message)) => {
                assert_eq!(message, "Unknown format \"pdf\": ask for csv or xlsx.");
            }
            other => panic!("{other:?}"),
        }
    }
}
