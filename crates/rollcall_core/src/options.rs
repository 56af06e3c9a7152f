//! What a caller can tune: the size limits and which rows the report lists. (Messages are
//! worded when they are shown, in the language asked for then; the engine knows none.)

use serde::{Deserialize, Serialize};

/// Size limits of SPEC section 2. The server may configure its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Limits {
    /// Largest accepted file, in bytes (`file-too-large`).
    pub max_file_bytes: u64,
    /// Most data rows, trailing empty rows not counted (`too-many-rows`).
    pub max_rows: u32,
    /// Longest roster cell, in Unicode scalar values (`value-too-long`).
    pub max_cell_chars: u32,
    /// Most columns, trailing empty columns not counted (`too-many-columns`).
    pub max_columns: u32,
    /// Most bytes a workbook's compressed parts may expand to (`file-unreadable`).
    pub max_unpacked_bytes: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_file_bytes: 20 * 1024 * 1024,
            max_rows: 50_000,
            max_cell_chars: 1024,
            max_columns: 64,
            max_unpacked_bytes: 200 * 1024 * 1024,
        }
    }
}

/// Options of one check.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    pub limits: Limits,
    /// List every non-blank row in the report's `rows`. By default (false) the report lists only
    /// the rows that change something or carry a diagnostic, and counts the others in `summary`
    /// (the command line's `--all-rows`, the package's `allRows`).
    pub all_rows: bool,
    /// Keep every cell of the sheet as read, every column and row, in [`ReadOutcome::sheet`]
    /// (the server's Uploaded File). Off for checks: it costs a copy of every cell.
    ///
    /// [`ReadOutcome::sheet`]: crate::read::ReadOutcome::sheet
    pub keep_sheet: bool,
}
