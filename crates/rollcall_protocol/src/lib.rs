//! The JSON the Rollcall server and page exchange (SPEC section 10), as types both sides use.
//!
//! The server serialises these types and the page deserialises the same ones, so the two
//! cannot drift apart: a field or a status spelled differently on one side no longer compiles.
//! The enums also name the values the server keeps in its database (its `status`, `state` and
//! `kind` columns hold [`UploadStatus::as_str`], [`RowState::as_str`], [`UploadKind::as_str`]).
//!
//! Why a crate of its own: the server crate pulls in sqlx, tokio and axum, which do not build
//! for `wasm32-unknown-unknown`, and the page must not depend on it; the rule engine
//! (rollcall_core) is no place for HTTP. This crate depends on serde and on the rule engine's
//! values a row names (its spreadsheet row number), and builds both natively and for
//! WebAssembly.
//!
//! The JSON names here are API: renaming a field or a variant's spelling breaks every client.
//! The tests pin each spelling.

mod errors;
mod history;
mod roster;
mod session;
mod student;
mod text_enum;
mod uploads;
mod values;

pub use errors::{ErrorBody, ErrorCode, ErrorDetail, GuardFound};
pub use history::{HISTORY_PAGE_SIZE, HistoryQuery, TOTAL_COUNT_HEADER};
pub use roster::{ClassSummary, ExportSummary, RosterStudent, TakenUsernames, UsernamesQuery};
pub use session::{School, Session, SignIn, SignedOut, Teacher};
pub use student::{NewPassword, PasswordReset, StudentInfo, StudentSession, StudentSignIn};
pub use text_enum::UnknownValue;
pub use uploads::{
    REVERT_DAYS, RowError, UploadAccepted, UploadCounts, UploadDetail, UploadRow, UploadSummary,
    WorkerCode,
};
pub use values::{FileFormat, PasswordState, RowState, UploadFile, UploadKind, UploadStatus};

#[cfg(test)]
mod tests;
