//! Workbooks and what is not a roster: formats by content, broken containers, numbers as a
//! person sees them.

use super::*;

#[test]
fn binary_and_mislabelled_files_are_unreadable() {
    let outcome = read(
        b"%PDF-1.7\n%\xe2\xe3\n1 0 obj",
        Some("roster.xlsx"),
        &Options::default(),
    );
    assert_eq!(codes(&outcome), ["file-unreadable"]);
    assert!(
        outcome.diagnostics[0]
            .message(Lang::En)
            .starts_with("roster.xlsx cannot be read: its name says it is one kind of workbook")
    );
    assert!(
        outcome.diagnostics[0].message(Lang::En).contains(".csv"),
        "names the accepted formats"
    );
    let outcome = read(
        b"First Name\0,Last Name",
        Some("roster.csv"),
        &Options::default(),
    );
    assert_eq!(codes(&outcome), ["file-unreadable"]);
    let outcome = read(
        b"PK\x03\x04garbage",
        Some("roster.xlsx"),
        &Options::default(),
    );
    assert_eq!(codes(&outcome), ["file-unreadable"]);
    let outcome = read(
        &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0],
        None,
        &Options::default(),
    );
    assert_eq!(codes(&outcome), ["file-unreadable"]);
}

#[test]
fn the_extension_must_name_the_content_s_workbook_format() {
    assert!(extension_allows(Some("xlsx"), Format::Xlsm));
    assert!(extension_allows(Some("xlsm"), Format::Xlsx));
    assert!(
        extension_allows(Some("csv"), Format::Xls),
        "content decides for other names"
    );
    assert!(extension_allows(None, Format::Ods));
    assert!(!extension_allows(Some("xlsx"), Format::Xls));
    assert!(!extension_allows(Some("xls"), Format::Xlsx));
    assert!(!extension_allows(Some("ods"), Format::Xlsx));
    let cfb = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0];
    let outcome = read(&cfb, Some("old.xlsx"), &Options::default());
    assert!(
        outcome.diagnostics[0]
            .message(Lang::En)
            .contains("its name says it is one kind of workbook")
    );
}

#[test]
fn a_zip_that_is_not_a_workbook_is_unreadable() {
    let mut bytes = Vec::new();
    {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(&mut bytes));
        zip.start_file(
            "word/document.xml",
            zip::write::SimpleFileOptions::default(),
        )
        .expect("start");
        std::io::Write::write_all(&mut zip, b"<doc/>").expect("write");
        zip.finish().expect("finish");
    }
    let outcome = read(&bytes, Some("letter.docx"), &Options::default());
    assert_eq!(codes(&outcome), ["file-unreadable"]);
    assert!(
        outcome.diagnostics[0]
            .message(Lang::En)
            .contains("ZIP archive but not a workbook")
    );
}

#[test]
fn a_workbook_that_unpacks_past_the_limit_is_refused_unread() {
    let mut bytes = Vec::new();
    {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(&mut bytes));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("xl/workbook.xml", options).expect("start");
        std::io::Write::write_all(&mut zip, b"<workbook/>").expect("write");
        zip.start_file("xl/worksheets/sheet1.xml", options)
            .expect("start");
        let zeros = vec![b' '; 1024 * 1024];
        for _ in 0..4 {
            std::io::Write::write_all(&mut zip, &zeros).expect("write");
        }
        zip.finish().expect("finish");
    }
    let options = Options {
        limits: crate::options::Limits {
            max_unpacked_bytes: 3 * 1024 * 1024,
            ..Default::default()
        },
        ..Options::default()
    };
    assert!(bytes.len() < 64 * 1024, "the bomb is small when packed");
    let outcome = read(&bytes, Some("bomb.xlsx"), &options);
    assert_eq!(codes(&outcome), ["file-unreadable"]);
    assert!(
        outcome.diagnostics[0]
            .message(Lang::En)
            .contains("unpacks to more than the allowed size")
    );
}

#[test]
fn numbers_read_as_a_person_sees_them() {
    assert_eq!(workbook::format_number(3.0), "3");
    assert_eq!(workbook::format_number(2914.0), "2914");
    assert_eq!(workbook::format_number(123456789012.0), "123456789012");
    assert_eq!(workbook::format_number(1.5), "1.5");
    assert_eq!(workbook::format_number(-0.25), "-0.25");
    assert_eq!(workbook::format_serial_date(45536.0), "2024-09-01");
    assert_eq!(workbook::format_serial_date(45536.5), "2024-09-01 12:00");
    assert_eq!(workbook::format_serial_date(1.0), "1899-12-31");
    assert_eq!(workbook::format_serial_date(0.354_166_666_7), "08:30");
}

#[test]
fn sizes_read_like_a_person_writes_them() {
    use crate::message::{Arg, Bytes};
    let size = |bytes: u64| Bytes(bytes).text(Lang::En).into_owned();
    assert_eq!(size(80), "80 bytes");
    assert_eq!(size(20 * 1024 * 1024), "20 MiB");
    assert_eq!(size(21 * 1024 * 1024 + 300_000), "21.3 MiB");
    assert_eq!(size(512 * 1024), "512 KiB");
}

/// The fuzzer's reproducers: .xls containers, sheet records and globals records that made
/// calamine 0.38 panic or allocate without end. Each is one name byte (the fuzz target's
/// convention) and the file.
#[test]
fn broken_xls_containers_are_unreadable_not_a_panic() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("fuzz/regressions") {
        let path = entry.expect("entry").path();
        if !path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("read_any-xls-"))
        {
            continue;
        }
        let bytes = std::fs::read(&path).expect("reproducer");
        let outcome = read(&bytes[1..], Some("x.xls"), &Options::default());
        assert_eq!(codes(&outcome), ["file-unreadable"], "{}", path.display());
        assert!(outcome.diagnostics[0].message(Lang::En).contains("damaged"));
        seen += 1;
    }
    assert_eq!(seen, 11);
}

/// An XLSX made here: each sheet a name and rows of text cells, from row `first_row` (0-based).
fn xlsx(sheets: &[(&str, u32, &[&[&str]])]) -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    for (name, first_row, rows) in sheets {
        let sheet = workbook.add_worksheet();
        sheet.set_name(*name).expect("name");
        for (r, cells) in rows.iter().enumerate() {
            for (c, cell) in cells.iter().enumerate() {
                sheet
                    .write_string(first_row + r as u32, c as u16, *cell)
                    .expect("cell");
            }
        }
    }
    workbook.save_to_buffer().expect("xlsx")
}

#[test]
fn xlsx_shared_strings_are_read_in_place_with_spreadsheet_row_numbers() {
    let bytes = xlsx(&[(
        "Roster",
        2,
        &[
            &["First Name", "Last Name", "Grade Level"],
            &["Ana", "Lopez", "03"],
            &["Ana", "Lopez", "03"],
        ],
    )]);
    let outcome = read(&bytes, Some("edited.xlsx"), &Options::default());
    assert_eq!(outcome.table.info.sheet.as_deref(), Some("Roster"));
    assert_eq!(
        rows(&outcome),
        vec![row(4, "Ana", "Lopez", "03"), row(5, "Ana", "Lopez", "03")]
    );
}

#[test]
fn an_xlsx_without_a_roster_sheet_reports_on_its_first_sheet() {
    let bytes = xlsx(&[
        ("Notes", 1, &[&["Name", "Class"], &["Ana", "3"]]),
        ("Other", 0, &[&["Something"]]),
    ]);
    let outcome = read(&bytes, Some("edited.xlsx"), &Options::default());
    assert_eq!(outcome.table.info.sheet.as_deref(), Some("Notes"));
    assert!(
        codes(&outcome).contains(&"missing-column"),
        "{:?}",
        codes(&outcome)
    );
    assert!(
        codes(&outcome).contains(&"sheet-chosen"),
        "{:?}",
        codes(&outcome)
    );
    // The same workbook with the roster on the second sheet chooses that one.
    let bytes = xlsx(&[
        ("Notes", 0, &[&["Name", "Class"]]),
        (
            "Students",
            0,
            &[
                &["First Name", "Last Name", "Grade Level"],
                &["Li", "Wu", "KG"],
            ],
        ),
    ]);
    let outcome = read(&bytes, Some("edited.xlsx"), &Options::default());
    assert_eq!(outcome.table.info.sheet.as_deref(), Some("Students"));
    assert_eq!(rows(&outcome), vec![row(2, "Li", "Wu", "KG")]);
}

#[test]
fn a_kept_sheet_holds_every_column_and_row_as_read_without_passwords() {
    let keep = Options {
        keep_sheet: true,
        ..Options::default()
    };
    let csv = "Student GUID,First Name,Last Name,Grade Level,Password,Notes,Error\r\n\
               ,Ana,Lopez,03,Secret!Pass1,  needs bus  ,Old message\r\n\
               \r\n\
               ,Ben,Ng,04,,,,extra beyond the header\r\n";
    let outcome = read(csv.as_bytes(), Some("edited.csv"), &keep);
    let sheet = outcome.sheet.expect("kept");
    assert_eq!(
        sheet.header,
        [
            "Student GUID",
            "First Name",
            "Last Name",
            "Grade Level",
            "Password",
            "Notes",
            "Error"
        ]
    );
    let cells = |row: &[&str]| row.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>();
    assert_eq!(
        sheet.rows,
        [
            (
                SheetRow::new(2),
                cells(&["", "Ana", "Lopez", "03", "", "  needs bus  ", "Old message"])
            ),
            (
                SheetRow::new(4),
                cells(&["", "Ben", "Ng", "04", "", "", "", "extra beyond the header"])
            ),
        ],
        "cells untrimmed, the blank row left out, the Password blanked"
    );
    assert_eq!(sheet.width(), 8);
    assert!(read_str(csv).sheet.is_none(), "a check keeps no sheet");

    // A workbook's sheet from where its header starts, in spreadsheet row numbers.
    let bytes = xlsx(&[(
        "Roster",
        2,
        &[
            &[
                "First Name",
                "Last Name",
                "Grade Level",
                "Password",
                "Homeroom",
            ],
            &["Ana", "Lopez", "03", "Secret!Pass1", "3A"],
        ],
    )]);
    let sheet = read(&bytes, Some("edited.xlsx"), &keep)
        .sheet
        .expect("kept");
    assert_eq!(sheet.header[4], "Homeroom");
    assert_eq!(
        sheet.rows,
        [(SheetRow::new(4), cells(&["Ana", "Lopez", "03", "", "3A"]))]
    );
}
