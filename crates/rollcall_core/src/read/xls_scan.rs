//! What a BIFF (.xls) workbook holds, checked before calamine sees it.
//!
//! calamine 0.38 reads every sheet of an .xls when it opens it, and trusts the file: its
//! container's sector tables, each sheet record's position, each sheet's declared dimensions
//! (it reserves room for that many cells) and the position of every cell (it builds a grid
//! spanning them). Each of those is checked here first, against the file and the limits.

use std::io::{Cursor, Read};

use crate::options::Limits;
use crate::read::Unreadable;
use crate::read::extent::{Extent, Overflow};

const EOF: u16 = 0x000A;
const BOF: u16 = 0x0809;
const FILE_PASS: u16 = 0x002F;
const CODE_PAGE: u16 = 0x0042;
const DATE_MODE: u16 = 0x0022;
const EXTERN_SHEET: u16 = 0x0017;
const LBL: u16 = 0x0018;
const BOUND_SHEET: u16 = 0x0085;
const DIMENSIONS: u16 = 0x0200;
const MUL_RK: u16 = 0x00BD;
/// Records that hold one cell, its row and column first: Number, Label, RString, BoolErr,
/// Rk, LabelSst and Formula.
const CELLS: [u16; 7] = [0x0203, 0x0204, 0x00D6, 0x0205, 0x027E, 0x00FD, 0x0006];

/// Checks an .xls file's container and workbook stream; returns the first sheet (in file
/// order) past the limits, with why.
pub(crate) fn check_xls(bytes: &[u8], limits: &Limits) -> Result<Option<Overflow>, Unreadable> {
    let stream = workbook_stream(bytes)?;
    for position in sheet_positions(&stream)? {
        if let Some(overflow) = check_sheet(&stream[position..], limits)? {
            return Ok(Some(overflow));
        }
    }
    Ok(None)
}

/// The workbook stream of an .xls file's compound-file container.
///
/// calamine 0.38 trusts the container's sector tables: a short table sector, a sector past the
/// end, an index out of range or a chain that loops back on itself makes it panic or allocate
/// without end (fuzz/regressions/read_any-xls-*). The cfb crate validates all of that, so a
/// container it opens, and whose workbook stream it reads to the end, is safe to hand on.
fn workbook_stream(bytes: &[u8]) -> Result<Vec<u8>, Unreadable> {
    check_header_counts(bytes)?;
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
    Ok(stream)
}

/// Refuses a container whose header counts more FAT, mini-FAT or DIFAT sectors than the
/// file has room for: readers size their sector tables by those counts.
fn check_header_counts(bytes: &[u8]) -> Result<(), Unreadable> {
    let field = |at: usize| u32_at(bytes, at).ok_or(Unreadable::Damaged);
    let shift = u16_at(bytes, 0x1E).ok_or(Unreadable::Damaged)?;
    if !(7..=16).contains(&shift) {
        return Err(Unreadable::Damaged);
    }
    let sectors = bytes.len() as u64 >> shift;
    for at in [0x2C, 0x40, 0x48] {
        if field(at)? > sectors {
            return Err(Unreadable::CountsLie);
        }
    }
    Ok(())
}

/// The records of a stream from its start: (type, data), up to a record cut short.
fn records(stream: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    let mut rest = stream;
    std::iter::from_fn(move || {
        let [t0, t1, l0, l1, tail @ ..] = rest else {
            return None;
        };
        let len = usize::from(u16::from_le_bytes([*l0, *l1]));
        let data = tail.get(..len)?;
        let kind = u16::from_le_bytes([*t0, *t1]);
        rest = &tail[len..];
        Some((kind, data))
    })
}

/// Where each sheet's records start, from the sheet records (BoundSheet8) of the workbook
/// globals. calamine 0.38 reads six bytes of each and slices the stream at the position it
/// gives, checking neither: a record that is too short or points past the stream is a
/// damaged file (fuzz/regressions/read_any-xls-sheet-past-stream). It also reads a 16-bit
/// value from each BOF, FilePass, CodePage, DateMode and ExternSheet record of the globals
/// without checking the record holds one: a shorter one is a damaged file too
/// (fuzz/regressions/read_any-xls-short-{extern-sheet,file-pass,code-page,date-mode,bof}).
fn sheet_positions(stream: &[u8]) -> Result<Vec<usize>, Unreadable> {
    let mut positions = Vec::new();
    let mut biff8 = true;
    for (kind, data) in records(stream) {
        match kind {
            EOF => break,
            BOF | FILE_PASS | CODE_PAGE | DATE_MODE | EXTERN_SHEET if data.len() < 2 => {
                return Err(Unreadable::Damaged);
            }
            BOF => biff8 = u16_at(data, 0) == Some(0x0600),
            LBL if !defined_name_fits(data, biff8) => return Err(Unreadable::Damaged),
            BOUND_SHEET => match u32_at(data, 0) {
                Some(position) if data.len() >= 6 && position <= stream.len() as u64 => {
                    positions.push(position as usize);
                }
                _ => return Err(Unreadable::Damaged),
            },
            _ => {}
        }
    }
    Ok(positions)
}

/// Whether a defined name (Lbl) holds the fixed part, the name and the formula its own
/// lengths give: calamine indexes all three without checking (`parse_lbl`).
fn defined_name_fits(data: &[u8], biff8: bool) -> bool {
    let (Some(&chars), Some(formula)) = (data.get(3), u16_at(data, 4)) else {
        return false;
    };
    let chars = u64::from(chars);
    let name = if biff8 {
        // A flags byte, then one or two bytes a character.
        let wide = data.get(14).is_some_and(|flags| flags & 1 == 1);
        1 + chars * if wide { 2 } else { 1 }
    } else {
        chars
    };
    14 + name + formula <= data.len() as u64
}

fn u16_at(data: &[u8], at: usize) -> Option<u64> {
    let bytes = data.get(at..at + 2)?;
    Some(u64::from(u16::from_le_bytes([bytes[0], bytes[1]])))
}

fn u32_at(data: &[u8], at: usize) -> Option<u64> {
    let bytes = data.get(at..at + 4)?;
    Some(u64::from(u32::from_le_bytes([
        bytes[0], bytes[1], bytes[2], bytes[3],
    ])))
}

/// Measures one sheet's substream: where its cells are, and the room its dimensions record
/// asks for. Embedded substreams (charts) nest their own BOF and EOF.
fn check_sheet(stream: &[u8], limits: &Limits) -> Result<Option<Overflow>, Unreadable> {
    let mut extent = Extent::new(limits);
    // Room for the header, every data row and one more, in every column.
    let most_cells = (u64::from(limits.max_rows) + 2) * u64::from(limits.max_columns);
    let mut depth = 0usize;
    for (kind, data) in records(stream) {
        match kind {
            BOF => depth += 1,
            EOF => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    break;
                }
            }
            _ if depth > 1 => {}
            DIMENSIONS => {
                let (first_row, last_row, first_column, last_column) = match data.len() {
                    10 => (
                        u16_at(data, 0),
                        u16_at(data, 2),
                        u16_at(data, 4),
                        u16_at(data, 6),
                    ),
                    14 | 16 => (
                        u32_at(data, 0),
                        u32_at(data, 4),
                        u16_at(data, 8),
                        u16_at(data, 10),
                    ),
                    // calamine refuses other lengths itself.
                    _ => continue,
                };
                let (Some(first_row), Some(end_row), Some(first_column), Some(end_column)) =
                    (first_row, last_row, first_column, last_column)
                else {
                    continue;
                };
                // As calamine reads it: the ends are one past the last row and column.
                let first_column = if first_column > 0xFF || end_column < first_column {
                    0
                } else {
                    first_column
                };
                if end_row >= 1 && end_column >= 1 {
                    if end_row - 1 < first_row {
                        return Err(Unreadable::Damaged);
                    }
                    let cells = (end_row - first_row) * (end_column - first_column);
                    if cells > most_cells {
                        return Err(Unreadable::CountsLie);
                    }
                }
            }
            MUL_RK => {
                // The row, then the first column, ..., and the last column at the end.
                let last = data.len().saturating_sub(2);
                if let (Some(row), Some(column)) = (u16_at(data, 0), u16_at(data, last)) {
                    extent.cell(row, column);
                }
            }
            _ if CELLS.contains(&kind) => {
                if let (Some(row), Some(column)) = (u16_at(data, 0), u16_at(data, 2)) {
                    extent.cell(row, column);
                }
            }
            _ => {}
        }
    }
    Ok(extent.overflow())
}
