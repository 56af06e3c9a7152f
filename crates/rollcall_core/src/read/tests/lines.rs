//! A CSV line without quotes goes to the table directly ([`TableBuilder::push_line`]); every
//! file must read exactly as it reads when each record takes the way of any row.

use super::*;
use crate::message::FileName;
use crate::options::Limits;
use crate::read::csv_file::read_csv_lines;

/// Everything a reading yields that a check can see: each row's number, blankness and cells
/// (where in the text, what text, whether a date), the diagnostics, the file's description
/// and the sheet as read.
fn seen(outcome: &ReadOutcome) -> String {
    let table = &outcome.table;
    let mut out = format!("{:?}\n", table.info);
    for i in crate::position::all(table.len()) {
        out += &format!("{} blank={}", table.row_number(i).get(), table.is_blank(i));
        for field in Field::ALL {
            let cell = table.cell(i, field);
            out += &format!(" {:?}={:?}{:?}", table.span(i, field), cell.text, cell.date);
        }
        out += "\n";
    }
    for diagnostic in &outcome.diagnostics {
        out += &format!("{:?} {}\n", diagnostic.row, diagnostic.message(Lang::En));
    }
    out + &format!("{:?}", outcome.sheet.as_ref().map(|s| (&s.header, &s.rows)))
}

fn both_ways(text: &str, options: &Options) -> (String, String) {
    let label = FileName::Edited;
    let direct = read_csv_lines(text.as_bytes(), &label, options, true);
    let generic = read_csv_lines(text.as_bytes(), &label, options, false);
    (seen(&direct), seen(&generic))
}

const HEADERS: [&str; 5] = [
    "Student GUID,Student ID,First Name,Last Name,Grade Level,Username,Password",
    "First Name,Last Name,Grade",
    "First Name,Notes,Last Name,Grade,Password",
    "First Name,,Last Name,Grade",
    "First Name,Last Name,Grade,First Name",
];

#[test]
fn files_read_alike_either_way() {
    let options = Options::default();
    for text in [
        "First Name,Last Name,Grade\nAna,Lopez,03\n\n , ,\t\nBen,Kim,04,extra\n",
        "First Name,Last Name,Grade,Password\n Ana , Lopez ,03,  \n,,,  \n",
        "First Name,,Last Name,Grade\nAna,note,Lopez,03\nBen,,Kim,04\n",
        "First Name,Notes,Last Name,Grade\nAna,a note,Lopez,03\n,only a note,,\n",
        "First Name,Last Name,Grade\r\nJosé,\u{a0}Nguyễn\u{a0},KG\r\n\"Ben\",Kim,04\r\n",
    ] {
        let (direct, generic) = both_ways(text, &options);
        assert_eq!(direct, generic, "{text:?}");
    }
}

proptest::proptest! {
    /// Any header of the shapes a roster has, then lines of cells with spaces, accents,
    /// quotes, missing or extra cells and blank lines, read with the sheet kept or not and
    /// with a row limit the file may pass.
    #[test]
    fn any_file_reads_alike_either_way(
        header in 0..HEADERS.len(),
        lines in proptest::collection::vec(
            proptest::collection::vec("[a ,\t\u{a0}é\"]{0,4}|Ana|03|  ", 0..9), 0..12),
        crlf in proptest::bool::ANY,
        keep_sheet in proptest::bool::ANY,
        max_rows in 1u32..8,
    ) {
        let end = if crlf { "\r\n" } else { "\n" };
        let mut text = format!("{}{end}", HEADERS[header]);
        for cells in &lines {
            text += &cells.join(",");
            text += end;
        }
        let options = Options {
            keep_sheet,
            limits: Limits { max_rows, ..Limits::default() },
            ..Options::default()
        };
        let (direct, generic) = both_ways(&text, &options);
        proptest::prop_assert_eq!(direct, generic, "{:?}", text);
    }
}
