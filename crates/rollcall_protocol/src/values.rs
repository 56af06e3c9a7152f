//! The enums whose values are fixed texts on the wire and in the database: an upload's status
//! and kind, a row's state, a password's state, and the files and formats asked for.

use crate::text_enum::text_enum;

text_enum! {
    /// Where an upload is in the queue (SPEC section 8's words, shown to teachers as they are).
    pub enum UploadStatus ("upload status") {
        /// Stored, waiting for a worker.
        Queued = "Queued",
        /// A worker is applying its rows.
        InProgress = "In Progress",
        /// Every row applied.
        Completed = "Completed",
        /// Some rows applied, some failed.
        CompletedWithErrors = "Completed with Errors",
        /// No row applied, or the upload could not finish.
        Failed = "Failed",
    }
}

impl UploadStatus {
    /// Whether the upload is done: it will not change any more.
    pub const fn is_final(self) -> bool {
        matches!(
            self,
            UploadStatus::Completed | UploadStatus::CompletedWithErrors | UploadStatus::Failed
        )
    }
}

text_enum! {
    /// Where a student's password is in its life.
    pub enum PasswordState ("password state") {
        /// The student set her own.
        Own = "own",
        /// A temporary password, not used yet and not expired.
        Temporary = "temporary",
        /// A temporary password unused for 90 days: a teacher must reset it.
        Expired = "expired",
        /// None: her temporary password was used and she has not set her own yet.
        Unset = "unset",
    }
}

text_enum! {
    /// Where one row of an upload is.
    pub enum RowState ("row state") {
        /// Waiting to be applied.
        Pending = "pending",
        /// Written to the roster.
        Applied = "applied",
        /// Not applied; its errors say why.
        Failed = "failed",
    }
}

text_enum! {
    /// What was uploaded.
    pub enum UploadKind ("upload kind") {
        /// A roster file (CSV, XLSX, …) checked by the server.
        File = "file",
        /// A change-set the page made.
        Changeset = "changeset",
        /// The revert of an earlier upload (`POST …/uploads/{id}/revert`).
        Revert = "revert",
    }
}

text_enum! {
    /// How a file is asked for: an export's or an upload file's `?format=`.
    pub enum FileFormat ("file format") {
        Csv = "csv",
        Xlsx = "xlsx",
    }
}

impl FileFormat {
    /// The answer's `Content-Type`.
    pub const fn content_type(self) -> &'static str {
        match self {
            FileFormat::Csv => "text/csv; charset=utf-8",
            FileFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

text_enum! {
    /// An upload's three files (`…/uploads/{id}/files/{file}`).
    pub enum UploadFile ("upload file") {
        /// The rows as uploaded, passwords left out.
        Uploaded = "uploaded",
        /// The rows applied, as the roster now holds them.
        Completed = "completed",
        /// The rows not applied, with an Error column.
        Error = "error",
    }
}
