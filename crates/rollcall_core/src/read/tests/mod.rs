//! The readers: CSV lines, encodings, delimiters, columns, limits (`workbooks.rs`: files that
//! are not CSV).

use super::*;
use crate::code::Lang;
use crate::position::RowIndex;

mod lines;
mod workbooks;

fn read_str(text: &str) -> ReadOutcome {
    read(text.as_bytes(), Some("edited.csv"), &Options::default())
}

/// Every data row as (row number, first name, last name, grade).
fn rows(outcome: &ReadOutcome) -> Vec<(u32, String, String, String)> {
    let table = &outcome.table;
    crate::position::all(table.len())
        .filter(|&i| !table.is_blank(i))
        .map(|i| {
            (
                table.row_number(i).get(),
                table.cell(i, Field::FirstName).text.to_owned(),
                table.cell(i, Field::LastName).text.to_owned(),
                table.cell(i, Field::Grade).text.to_owned(),
            )
        })
        .collect()
}

fn codes(outcome: &ReadOutcome) -> Vec<&'static str> {
    outcome
        .diagnostics
        .iter()
        .map(|d| d.code().as_str())
        .collect()
}

fn row(number: u32, first: &str, last: &str, grade: &str) -> (u32, String, String, String) {
    (number, first.into(), last.into(), grade.into())
}

#[test]
fn blank_lines_count_as_spreadsheet_rows() {
    let outcome = read_str("First Name,Last Name,Grade\nAna,Lopez,03\n\n\nBen,Kim,04\n");
    assert_eq!(
        rows(&outcome),
        [row(2, "Ana", "Lopez", "03"), row(5, "Ben", "Kim", "04")]
    );
    assert_eq!(
        outcome.table.len(),
        4,
        "blank rows between data rows are kept"
    );
}

#[test]
fn blank_lines_before_the_header_move_it_down() {
    let outcome = read_str("\r\n\r\nFirst Name,Last Name,Grade\r\nAna,Lopez,03\r\n");
    assert_eq!(rows(&outcome), [row(4, "Ana", "Lopez", "03")]);
}

#[test]
fn a_quoted_line_break_does_not_start_a_row() {
    let outcome = read_str("First Name,Last Name,Grade\n\"Ana\nMaria\",Lopez,03\nBen,Kim,04\n");
    assert_eq!(
        rows(&outcome),
        [
            row(2, "Ana\nMaria", "Lopez", "03"),
            row(3, "Ben", "Kim", "04")
        ]
    );
}

#[test]
fn a_quoted_field_ending_in_a_line_break_is_still_one_row() {
    let outcome = read_str("First Name,Last Name,Grade\n\"Ana\n\",Lopez,03\n\nBen,Kim,04");
    assert_eq!(
        rows(&outcome),
        [row(2, "Ana", "Lopez", "03"), row(4, "Ben", "Kim", "04")]
    );
}

#[test]
fn lone_carriage_returns_end_lines_too() {
    let outcome = read_str("First Name,Last Name,Grade\rAna,Lopez,03\r\rBen,Kim,04\r");
    assert_eq!(
        rows(&outcome),
        [row(2, "Ana", "Lopez", "03"), row(4, "Ben", "Kim", "04")]
    );
}

#[test]
fn a_bom_is_dropped_and_utf8_kept() {
    let outcome = read_str("\u{feff}First Name,Last Name,Grade\nJosé,Nguyễn,KG\n");
    assert_eq!(rows(&outcome), [row(2, "José", "Nguyễn", "KG")]);
    assert_eq!(outcome.table.info.columns[0].field, Some(Field::FirstName));
    assert_eq!(outcome.table.info.encoding, Some("utf-8"));
    assert!(outcome.diagnostics.is_empty());
}

#[test]
fn windows_1252_is_the_fallback_with_a_warning() {
    let bytes = b"First Name,Last Name,Grade\nJos\xe9,M\xfcller,03\n\x81bc,x,04\n";
    let outcome = read(bytes, Some("edited.csv"), &Options::default());
    assert_eq!(
        rows(&outcome),
        [
            row(2, "José", "Müller", "03"),
            row(3, "\u{81}bc", "x", "04")
        ]
    );
    assert_eq!(codes(&outcome), ["encoding-fallback"]);
    assert_eq!(outcome.table.info.encoding, Some("windows-1252"));
}

#[test]
fn one_byte_that_is_not_utf8_makes_the_whole_file_windows_1252() {
    // The rows before it are valid UTF-8 and are read again as Windows-1252, as a spreadsheet
    // program opening the file would show them.
    let bytes = "First Name,Last Name,Grade\nJosé,Lopez,03\n".as_bytes();
    let bytes = [bytes, b"Ren\xe9,Kim,04\n"].concat();
    let outcome = read(&bytes, Some("edited.csv"), &Options::default());
    assert_eq!(
        rows(&outcome),
        [row(2, "JosÃ©", "Lopez", "03"), row(3, "René", "Kim", "04")]
    );
    assert_eq!(codes(&outcome), ["encoding-fallback"]);
    // With a byte-order mark, and with the byte in a quoted cell on the last line.
    let bytes = b"\xEF\xBB\xBFFirst Name,Last Name,Grade\nAna,Lopez,03\n\"A\xf1o\",Kim,04";
    let outcome = read(bytes, Some("edited.csv"), &Options::default());
    assert_eq!(
        rows(&outcome),
        [row(2, "Ana", "Lopez", "03"), row(3, "Año", "Kim", "04")]
    );
    assert_eq!(outcome.table.info.encoding, Some("windows-1252"));
    // A quote between the two bytes of a broken sequence: the cell without its quotes would be
    // UTF-8 ("José"), the file is not. (Checking each record after unquoting misses this.)
    let bytes = b"First Name,Last Name,Grade\n\"Jos\xc3\"\xa9,Kim,04\n";
    let outcome = read(bytes, Some("edited.csv"), &Options::default());
    assert_eq!(rows(&outcome), [row(2, "JosÃ©", "Kim", "04")]);
    assert_eq!(codes(&outcome), ["encoding-fallback"]);
}

#[test]
fn a_file_stopped_by_a_limit_is_still_decoded_as_a_whole() {
    let options = Options {
        limits: crate::options::Limits {
            max_rows: 2,
            ..Default::default()
        },
        ..Options::default()
    };
    // The byte that is not UTF-8 comes after the row limit stopped the reading.
    let bytes = b"First Name,Last Name,Grade\nA,B,01\nC,D,02\nE,F,03\nRen\xe9,G,04\n";
    let outcome = read(bytes, None, &options);
    assert_eq!(codes(&outcome), ["encoding-fallback", "too-many-rows"]);
    assert_eq!(outcome.table.info.encoding, Some("windows-1252"));
    let bytes = b"First Name,Last Name,Grade\nA,B,01\nC,D,02\nE,F,03\nRene,G,04\n";
    let outcome = read(bytes, None, &options);
    assert_eq!(codes(&outcome), ["too-many-rows"]);
    assert_eq!(outcome.table.info.encoding, Some("utf-8"));
}

#[test]
fn the_delimiter_is_the_most_frequent_on_the_header_line() {
    let outcome = read_str("First Name;Last Name;Grade\nAna;Lopez, Jr;03\n");
    assert_eq!(rows(&outcome), [row(2, "Ana", "Lopez, Jr", "03")]);
    assert_eq!(outcome.table.info.delimiter.as_deref(), Some(";"));
    let outcome = read_str("First Name\tLast Name\tGrade\nAna\tLopez\t03\n");
    assert_eq!(rows(&outcome), [row(2, "Ana", "Lopez", "03")]);
    assert_eq!(csv_file::sniff_delimiter(b"\"a;b;c\",d,e\n"), b',');
    assert_eq!(
        csv_file::sniff_delimiter(b"a;b,c\n"),
        b',',
        "a tie means a comma"
    );
    assert_eq!(csv_file::sniff_delimiter(b"abc\n"), b',');
    assert_eq!(csv_file::sniff_delimiter(b"\n\na;b\n"), b';');
}

#[test]
fn cells_are_trimmed_but_passwords_are_not() {
    let outcome =
        read_str("First Name,Last Name,Grade,Password\n\u{a0} Ana \t, Lo pez ,03, secret1 \n");
    let table = &outcome.table;
    assert_eq!(table.cell(RowIndex::new(0), Field::FirstName).text, "Ana");
    assert_eq!(table.cell(RowIndex::new(0), Field::LastName).text, "Lo pez");
    assert_eq!(
        table.cell(RowIndex::new(0), Field::Password).text,
        " secret1 "
    );
}

#[test]
fn rows_with_only_ignored_columns_are_blank_and_trailing_ones_dropped() {
    let outcome = read_str(
        "First Name,Last Name,Grade,Error\nAna,Lopez,03,\n,,,old error\nBen,Kim,04,\n,,,\n,,,\n",
    );
    assert_eq!(
        rows(&outcome),
        [row(2, "Ana", "Lopez", "03"), row(4, "Ben", "Kim", "04")]
    );
    assert_eq!(outcome.table.len(), 3);
    assert!(outcome.diagnostics.is_empty(), "{:?}", codes(&outcome));
    let outcome = read_str("First Name,Last Name,Grade,Notes\nAna,Lopez,03,\n,,,call home\n");
    assert_eq!(
        outcome.table.len(),
        2,
        "a row with text in an ignored column is a blank row"
    );
}

#[test]
fn unknown_and_unnamed_columns_are_warned() {
    let outcome = read_str("First Name,Homeroom,Last Name,Grade,\nAna,12B,Lopez,03,x\n");
    assert_eq!(codes(&outcome), ["unknown-column", "unknown-column"]);
    assert_eq!(outcome.diagnostics[0].column.as_deref(), Some("Homeroom"));
    assert_eq!(outcome.diagnostics[1].column.as_deref(), Some("E"));
    assert_eq!(rows(&outcome), [row(2, "Ana", "Lopez", "03")]);
}

#[test]
fn missing_and_duplicate_columns_stop_the_check() {
    let outcome = read_str("First Name,Grade\nAna,03\n");
    assert_eq!(codes(&outcome), ["missing-column"]);
    assert_eq!(
        outcome.diagnostics[0].message(Lang::En),
        "The required column Last Name is missing. Add a column headed Last Name to the header row."
    );
    assert!(outcome.table.is_empty());
    let outcome = read_str("First Name,Last Name,Grade,Given Name\nAna,Lopez,03,Ann\n");
    assert_eq!(codes(&outcome), ["duplicate-column"]);
    assert!(
        outcome.diagnostics[0]
            .message(Lang::En)
            .contains("\"First Name\" and \"Given Name\"")
    );
    assert!(outcome.table.is_empty());
}

#[test]
fn empty_files_and_header_only_files_are_empty() {
    for text in [
        "",
        "\n\n",
        " , ,\n",
        "First Name,Last Name,Grade\n",
        "First Name,Last Name,Grade\n,,\n",
    ] {
        let outcome = read_str(text);
        assert_eq!(codes(&outcome), ["empty-file"], "{text:?}");
    }
}

#[test]
fn limits_are_file_level_errors() {
    let options = Options {
        limits: crate::options::Limits {
            max_rows: 2,
            max_columns: 4,
            max_file_bytes: 200,
            ..Default::default()
        },
        ..Options::default()
    };
    let rows_text = "First Name,Last Name,Grade\nA,B,01\nC,D,02\n,,\n,,\n";
    let outcome = read(rows_text.as_bytes(), None, &options);
    assert!(
        outcome.diagnostics.is_empty(),
        "trailing empty rows are not counted"
    );
    let outcome = read(
        b"First Name,Last Name,Grade\nA,B,01\nC,D,02\nE,F,03\n",
        None,
        &options,
    );
    assert_eq!(codes(&outcome), ["too-many-rows"]);
    let outcome = read(b"First Name,Last Name,Grade,a,b\nA,B,01\n", None, &options);
    assert_eq!(codes(&outcome), ["too-many-columns"]);
    let outcome = read(
        b"First Name,Last Name,Grade,,,,\nA,B,01,,,,\n",
        None,
        &options,
    );
    assert!(
        outcome.diagnostics.is_empty(),
        "trailing empty columns are not counted"
    );
    let outcome = read(&[b'a'; 201], Some("big.csv"), &options);
    assert_eq!(codes(&outcome), ["file-too-large"]);
    assert_eq!(
        outcome.diagnostics[0].message(Lang::En),
        "big.csv is 201 bytes; the limit is 200 bytes. Split the roster into smaller files."
    );
}
