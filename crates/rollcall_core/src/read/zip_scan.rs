//! What a ZIP-based workbook is, measured before calamine sees it.
//!
//! - Every part is inflated into a counting sink: a workbook that expands past the limit is
//!   refused without ever being held in memory.
//! - An XLSX's shared-string table is sized by the count it declares (`uniqueCount`), so a
//!   count its part cannot hold, or more strings than a sheet within the limits could use, is
//!   refused before calamine reserves room for them.
//! - An ODS sheet's rows and cells may say they repeat (`number-rows-repeated`,
//!   `number-columns-repeated`), and calamine builds each sheet's grid with the repeats
//!   spread out: every sheet is measured first (`Extent`), so a grid past the limits is never
//!   built.

use std::io::{BufReader, Cursor, Read};

use quick_xml::events::{BytesStart, Event};

use crate::options::Limits;
use crate::read::extent::{Extent, Overflow};
use crate::read::{Format, Unreadable};

type Archive<'a> = zip::ZipArchive<Cursor<&'a [u8]>>;
/// A part read as XML: calamine's own reader type for an archive in memory.
type PartXml<'a, 'b> = quick_xml::Reader<BufReader<zip::read::ZipFile<'a, Cursor<&'b [u8]>>>>;

/// The smallest shared string, `<si/>`.
const SMALLEST_SHARED_STRING: u64 = 5;

/// Tells which workbook a ZIP holds and checks that it unpacks within the limit and that its
/// declared counts are believable.
pub(crate) fn inspect_zip(
    bytes: &[u8],
    limits: &Limits,
    extension: Option<&str>,
) -> Result<Format, Unreadable> {
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
    let limit = limits.max_unpacked_bytes;
    let mut total: u64 = 0;
    for index in 0..archive.len() {
        let size = {
            let part = archive
                .by_index_raw(index)
                .map_err(|_| Unreadable::Damaged)?;
            count(inflate(part)?, limit - total + 1)?
        };
        total += size;
        if total > limit {
            return Err(Unreadable::TooLargeUnpacked);
        }
        let is_shared_strings = archive
            .name_for_index(index)
            .and_then(Result::ok)
            .is_some_and(|name| name.to_ascii_lowercase().ends_with("sharedstrings.xml"));
        if is_shared_strings {
            check_shared_strings(&mut archive, index, size, limits)?;
        }
    }
    Ok(format)
}

/// A part's content, inflated without the checksum (calamine checks it when it reads).
fn inflate<'a>(
    part: zip::read::ZipFile<'a, Cursor<&[u8]>>,
) -> Result<Box<dyn Read + 'a>, Unreadable> {
    match part.compression() {
        zip::CompressionMethod::Stored => Ok(Box::new(part)),
        zip::CompressionMethod::Deflated => Ok(Box::new(flate2::read::DeflateDecoder::new(part))),
        // calamine reads no other method.
        _ => Err(Unreadable::Damaged),
    }
}

/// How many bytes a part really unpacks to, counted up to `most`, whatever its header claims.
fn count(mut reader: Box<dyn Read + '_>, most: u64) -> Result<u64, Unreadable> {
    std::io::copy(&mut (&mut reader).take(most), &mut std::io::sink())
        .map_err(|_| Unreadable::Damaged)
}

/// Opens part `index` for reading as XML, through the same reader type calamine uses for the
/// same archive, so the XML parser is compiled once for both: a second copy made the
/// WebAssembly build read the XLSX benchmark 15% slower (the inliner chose differently).
fn xml_part<'a, 'b>(
    archive: &'a mut Archive<'b>,
    index: usize,
) -> Result<PartXml<'a, 'b>, Unreadable> {
    let part = archive.by_index(index).map_err(|_| Unreadable::Damaged)?;
    Ok(quick_xml::Reader::from_reader(BufReader::new(part)))
}

/// The most shared strings a workbook may hold: every cell of a sheet at the limits.
fn most_shared_strings(limits: &Limits) -> u64 {
    (u64::from(limits.max_rows) + 1) * u64::from(limits.max_columns)
}

/// Refuses a shared-string table whose declared count its `size` bytes cannot hold, or that
/// holds more strings than a sheet within the limits can use (calamine reserves room for the
/// declared count, then keeps every string).
fn check_shared_strings(
    archive: &mut Archive<'_>,
    index: usize,
    size: u64,
    limits: &Limits,
) -> Result<(), Unreadable> {
    let most = most_shared_strings(limits);
    let mut xml = xml_part(archive, index)?;
    let mut buf = Vec::new();
    let declared = loop {
        buf.clear();
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "sst" => {
                break number_attribute(&e, "uniqueCount")?;
            }
            Ok(Event::Eof) => return Ok(()),
            Err(_) => return Err(Unreadable::Damaged),
            Ok(_) => {}
        }
    };
    if let Some(declared) = declared {
        if declared.saturating_mul(SMALLEST_SHARED_STRING) > size {
            return Err(Unreadable::CountsLie);
        }
        if declared > most {
            return Err(Unreadable::TooManyCells);
        }
    }
    if size / SMALLEST_SHARED_STRING <= most {
        // Too small to hold more strings than allowed.
        return Ok(());
    }
    let mut strings: u64 = 0;
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "si" => {
                strings += 1;
                if strings > most {
                    return Err(Unreadable::TooManyCells);
                }
            }
            Ok(Event::Eof) => return Ok(()),
            Err(_) => return Err(Unreadable::Damaged),
            Ok(_) => {}
        }
    }
}

/// A whole-number attribute, if present; a value that is not one is a damaged file.
fn number_attribute(element: &BytesStart<'_>, name: &str) -> Result<Option<u64>, Unreadable> {
    let value = element
        .try_get_attribute(name)
        .map_err(|_| Unreadable::Damaged)?;
    match value {
        None => Ok(None),
        Some(attribute) => attribute
            .value
            .trim()
            .parse::<u64>()
            .ok()
            .map(Some)
            .ok_or(Unreadable::Damaged),
    }
}

/// The first sheet of an ODS workbook (in the order calamine reads them) that is past the
/// limits, with its name and why; measured on `content.xml` as it streams by.
pub(crate) fn ods_overflow(
    bytes: &[u8],
    limits: &Limits,
) -> Result<Option<(String, Overflow)>, Unreadable> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| Unreadable::Damaged)?;
    let index = archive
        .index_for_name("content.xml")
        .ok_or(Unreadable::NotAWorkbook)?;
    let mut xml = xml_part(&mut archive, index)?;
    let mut buf = Vec::new();
    let mut skip = Vec::new();
    let mut sheet: Option<(String, Extent)> = None;
    // The next row's 0-based index, this row's repeat count, the next cell's column and the
    // row's width so far.
    let (mut row, mut row_repeats, mut column, mut width) = (0u64, 1u64, 0u64, 0u64);
    loop {
        buf.clear();
        let event = xml
            .read_event_into(&mut buf)
            .map_err(|_| Unreadable::Damaged)?;
        let (element, closed) = match &event {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(e) => {
                match e.name().as_ref() {
                    "table:table" => {
                        if let Some((name, extent)) = sheet.take()
                            && let Some(overflow) = extent.overflow()
                        {
                            return Ok(Some((name, overflow)));
                        }
                    }
                    "table:table-row" => {
                        if let Some((_, extent)) = sheet.as_mut() {
                            extent.rows(row, row_repeats, width);
                        }
                        row = row.saturating_add(row_repeats);
                    }
                    _ => {}
                }
                continue;
            }
            Event::Eof => return Ok(None),
            _ => continue,
        };
        match element.name().as_ref() {
            "table:table" if !closed => {
                let name = element
                    .try_get_attribute("table:name")
                    .ok()
                    .flatten()
                    .and_then(|a| {
                        a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .ok()
                            .map(|v| v.into_owned())
                    })
                    .unwrap_or_default();
                sheet = Some((name, Extent::new(limits)));
                row = 0;
            }
            "table:table-row" => {
                row_repeats = number_attribute(element, "table:number-rows-repeated")?.unwrap_or(1);
                (column, width) = (0, 0);
                if closed {
                    row = row.saturating_add(row_repeats);
                }
            }
            "table:table-cell" | "table:covered-table-cell" => {
                let repeats =
                    number_attribute(element, "table:number-columns-repeated")?.unwrap_or(1);
                // A cell with a value, a formula or any content counts as non-empty: never
                // less than calamine keeps.
                let has_value = !closed
                    || element
                        .attributes()
                        .flatten()
                        .any(|a| matches!(a.key.as_ref(), "office:value-type" | "table:formula"));
                column = column.saturating_add(repeats);
                if has_value && repeats > 0 {
                    width = column;
                }
                if !closed {
                    let end = element.to_end().into_owned();
                    xml.read_to_end_into(end.name(), &mut skip)
                        .map_err(|_| Unreadable::Damaged)?;
                    skip.clear();
                }
            }
            _ => {}
        }
    }
}
