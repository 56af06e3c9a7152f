//! The CSV reader: UTF-8 (with or without BOM) or Windows-1252, `,` `;` or tab, RFC 4180 quoting.

use std::borrow::Cow;

use crate::code::Code;
use crate::diagnostic::DiagnosticBuilder;
use crate::diagnostic::Text;
use crate::options::Options;
use crate::read::builder::{Feed, SheetRow, TableBuilder};
use crate::read::{FileInfo, Format, ReadOutcome};

/// Decodes the file: UTF-8 without its BOM, or else the whole file as Windows-1252 the way the
/// WHATWG Encoding Standard does. The flag says whether the fallback was taken.
pub(crate) fn decode(bytes: &[u8]) -> (Cow<'_, str>, bool) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
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

pub(crate) fn read_csv(bytes: &[u8], label: &Text, options: &Options) -> ReadOutcome {
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
    builder.size_hint(text.len());
    if fallback {
        builder.note(DiagnosticBuilder::new(Code::EncodingFallback, None).build(options.lang));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut record = csv::ByteRecord::new();
    let empty = csv::StringRecord::new();
    let mut row: u32 = 0;
    // The text is valid UTF-8 and the reader is flexible, so reading cannot fail; if it ever
    // did, the rows read so far stand.
    while let Ok(true) = reader.read_byte_record(&mut record) {
        let start = record.position().map_or(0, |p| p.byte() as usize);
        for _ in 0..empty_lines_from(text.as_bytes(), start) {
            row += 1;
            if builder.push(row, 0, &empty) == Feed::Stop {
                return builder.finish();
            }
        }
        row += 1;
        let feed = match std::str::from_utf8(record.as_slice()) {
            Ok(whole) => builder.push(
                row,
                0,
                &Record {
                    whole,
                    record: &record,
                },
            ),
            // Cannot happen (the text is UTF-8 and only ASCII quotes are taken out of it),
            // but if it did, the record would be read with replacement characters.
            Err(_) => builder.push(
                row,
                0,
                &csv::StringRecord::from_byte_record_lossy(record.clone()),
            ),
        };
        if feed == Feed::Stop {
            break;
        }
    }
    builder.finish()
}

/// A CSV record whose fields, back to back, were checked as UTF-8 at once: the csv crate's
/// `StringRecord` checks every field of a record that is not all ASCII one by one, which
/// costs more than the rest of making the row.
struct Record<'a> {
    whole: &'a str,
    record: &'a csv::ByteRecord,
}

impl SheetRow for Record<'_> {
    fn len(&self) -> usize {
        self.record.len()
    }

    fn cell(&self, index: usize) -> (&str, bool) {
        // Fields end where a delimiter or quote was, so each range is whole characters.
        let text = self
            .record
            .range(index)
            .and_then(|range| self.whole.get(range));
        (text.unwrap_or(""), false)
    }

    fn whole(&self) -> Option<&str> {
        Some(self.whole)
    }
}
