//! The CSV reader: UTF-8 (with or without BOM) or Windows-1252, `,` `;` or tab, RFC 4180 quoting.

use std::borrow::Cow;

use crate::code::Finding;
use crate::diagnostic::Diagnostic;
use crate::message::FileName;
use crate::options::Options;
use crate::position::SheetRow;
use crate::read::builder::{Feed, TableBuilder};
use crate::read::csv_records::{MOST_FIELDS, Record, Records, TextRecord};
use crate::read::{FileInfo, Format, ReadOutcome};

/// Decodes the file: UTF-8 without its BOM, or else the whole file as Windows-1252 the way the
/// WHATWG Encoding Standard does. The flag says whether the fallback was taken.
pub(crate) fn decode(bytes: &[u8]) -> (Cow<'_, str>, bool) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // simdutf8 checks 16 or 32 bytes a step (WebAssembly SIMD, AVX2), where the standard
    // library's check goes a word at a time; it agrees with it on every input.
    match simdutf8::basic::from_utf8(bytes) {
        Ok(text) => (Cow::Borrowed(text), false),
        Err(_) => {
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
            (text, true)
        }
    }
}

/// The delimiter most frequent outside quotes on the header line (the first line with
/// content); a tie or none means `,`.
pub(crate) fn sniff_delimiter(text: &[u8]) -> u8 {
    const CANDIDATES: [u8; 3] = [b',', b';', b'\t'];
    let mut counts = [0usize; 3];
    let mut in_quotes = false;
    let mut has_content = false;
    for &byte in text {
        match byte {
            b'"' => {
                in_quotes = !in_quotes;
                has_content = true;
            }
            b'\r' | b'\n' if !in_quotes => {
                if has_content {
                    break;
                }
                counts = [0; 3];
            }
            _ if in_quotes => {}
            _ => {
                if let Some(i) = CANDIDATES.iter().position(|&c| c == byte) {
                    counts[i] += 1;
                } else if !byte.is_ascii_whitespace() {
                    has_content = true;
                }
            }
        }
    }
    let best = counts.iter().copied().max().unwrap_or(0);
    let winners: Vec<usize> = (0..3).filter(|&i| counts[i] == best).collect();
    if best == 0 || winners.len() > 1 {
        b','
    } else {
        CANDIDATES[winners[0]]
    }
}

/// Counts the empty lines from byte `start` on: the csv crate skips them, but a spreadsheet
/// program shows each as a row. `start` is where the reader began the record, just past the
/// previous record's line end (which may be the `\r` of a `\r\n`).
fn empty_lines_from(text: &[u8], start: usize) -> u32 {
    let mut count = 0;
    let mut i = start;
    if i > 0 && i < text.len() && text[i - 1] == b'\r' && text[i] == b'\n' {
        i += 1;
    }
    while i < text.len() {
        match text[i] {
            b'\r' => {
                count += 1;
                i += if text.get(i + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
            }
            b'\n' => {
                count += 1;
                i += 1;
            }
            _ => break,
        }
    }
    count
}

pub(crate) fn read_csv(bytes: &[u8], label: &FileName, options: &Options) -> ReadOutcome {
    read_csv_lines(bytes, label, options, true)
}

/// [`read_csv`], with `lines` saying whether a line without quotes may go to the table
/// directly ([`TableBuilder::push_line`]); without, every record takes the way of any row,
/// the reference the tests hold the direct way to.
pub(crate) fn read_csv_lines(
    bytes: &[u8],
    label: &FileName,
    options: &Options,
    lines: bool,
) -> ReadOutcome {
    let (text, fallback) = decode(bytes);
    let delimiter = sniff_delimiter(text.as_bytes());
    let info = FileInfo {
        format: Some(Format::Csv),
        sheet: None,
        encoding: Some(if fallback { "windows-1252" } else { "utf-8" }),
        delimiter: Some((delimiter as char).to_string()),
        columns: Vec::new(),
    };
    let mut builder = TableBuilder::new(info, label.clone(), options);
    builder.source(&text);
    if fallback {
        builder.note(Diagnostic::new(Finding::EncodingFallback {}, None));
    }
    let mut records = Records::new(&text, delimiter);
    let mut record = Record::default();
    let blank: &[(Cow<'_, str>, bool)] = &[];
    let mut row: u32 = 0;
    while records.next_into(&mut record) {
        for _ in 0..empty_lines_from(text.as_bytes(), record.start()) {
            row += 1;
            if builder.push(SheetRow::new(row), 0, blank) == Feed::Stop {
                return builder.finish();
            }
        }
        row += 1;
        if record.fields() > MOST_FIELDS {
            builder.too_many_columns(u32::try_from(record.fields()).unwrap_or(u32::MAX));
            break;
        }
        let line = record.line().filter(|_| lines);
        if let Some(feed) =
            line.and_then(|(line, ends)| builder.push_line(SheetRow::new(row), line, ends))
        {
            if feed == Feed::Stop {
                break;
            }
            continue;
        }
        let feed = match records.whole(&record) {
            Ok(whole) => builder.push(
                SheetRow::new(row),
                0,
                &TextRecord {
                    whole,
                    record: &record,
                },
            ),
            // Cannot happen (the text is UTF-8 and only ASCII quotes are taken out of it),
            // but if it did, the record would be read with replacement characters.
            Err(_) => builder.push(SheetRow::new(row), 0, record.lossy().as_slice()),
        };
        if feed == Feed::Stop {
            break;
        }
    }
    builder.finish()
}
