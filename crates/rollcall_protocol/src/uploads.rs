//! An upload as the server reports it: its counts, its Upload History entry, its rows and the
//! answer to storing it.

use rollcall_core::SheetRow;
use serde::{Deserialize, Serialize};

use crate::text_enum::text_enum;
use crate::values::{RowState, UploadStatus};

/// An upload's row counts. A queued or running upload has only `rows`; a finished one has
/// all five.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadCounts {
    pub rows: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applied: Option<u32>,
    /// Applied rows that created a student.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<u32>,
    /// Applied rows that updated a student.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed: Option<u32>,
    /// A revert's rows of students the reverted upload created: kept as they are (a student
    /// is never deleted). Absent on other uploads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kept: Option<u32>,
}

/// One entry of the Upload History (`GET …/uploads`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadSummary {
    pub id: String,
    pub file_name: String,
    pub status: UploadStatus,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339; `null` until the upload is final.
    pub finished_at: Option<String>,
    pub counts: UploadCounts,
    /// A revert: the upload it reverts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reverts: Option<String>,
    /// The revert of this upload, once one was asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reverted_by: Option<String>,
    /// Until when (RFC 3339) this upload can be reverted: present on a completed upload that
    /// changed something and has no revert yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revertible_until: Option<String>,
}

/// How long after it ended a completed upload can be reverted.
pub const REVERT_DAYS: u64 = 30;

/// One upload with its rows (`GET …/uploads/{id}`): the history entry's fields and `rows`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadDetail {
    #[serde(flatten)]
    pub upload: UploadSummary,
    pub rows: Vec<UploadRow>,
}

/// One row of an upload and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadRow {
    /// The spreadsheet row (header = 1) of the uploaded file or change-set op.
    pub row: SheetRow,
    pub state: RowState,
    /// The student's GUID once applied.
    pub guid: Option<String>,
    /// The student's username once applied.
    pub username: Option<String>,
    pub errors: Vec<RowError>,
}

/// Why a row failed: a rule's code (docs/rules.md, the server-only `stale-row` among them) or a
/// [`WorkerCode`], and its message in the language the rows were asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    pub code: String,
    pub message: String,
}

text_enum! {
    /// The codes of a row's error that are the server's own, beside the rules' codes: the
    /// server could not finish the row, whatever the row holds.
    pub enum WorkerCode ("worker code") {
        /// The database stayed busy or unavailable, or an internal error stopped the upload,
        /// before the row was applied.
        UploadFailed = "upload-failed",
        /// The row's password could not be hashed, so the row was not applied.
        PasswordUnhashable = "password-unhashable",
        /// The row as stored in the queue no longer reads back.
        RowUnreadable = "row-unreadable",
    }
}

/// The answer to a stored upload (202) or a replayed one (200).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadAccepted {
    pub id: String,
    pub status: UploadStatus,
}
