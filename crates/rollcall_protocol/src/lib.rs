//! The JSON the Rollcall server and page exchange (SPEC section 10), as types both sides use.
//!
//! The server serialises these types and the page deserialises the same ones, so the two
//! cannot drift apart: a field or a status spelled differently on one side no longer compiles.
//! The enums also name the values the server keeps in its database (its `status`, `state` and
//! `kind` columns hold [`UploadStatus::as_str`], [`RowState::as_str`], [`UploadKind::as_str`]).
//!
//! Why a crate of its own: the server crate pulls in sqlx, tokio and axum, which do not build
//! for `wasm32-unknown-unknown`, and the page must not depend on it; the rule engine
//! (rollcall_core) is no place for HTTP. This crate depends on serde alone and builds both
//! natively and for WebAssembly.
//!
//! The JSON names here are API: renaming a field or a variant's spelling breaks every client.
//! The tests pin each spelling.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A text that names none of an enum's values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownValue {
    /// What was expected, e.g. "upload status".
    pub what: &'static str,
    pub value: String,
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown {} {:?}", self.what, self.value)
    }
}

impl std::error::Error for UnknownValue {}

/// An enum whose JSON (and database) form is one fixed text per variant: `as_str`, `FromStr`,
/// `TryFrom<&str>`, `Display` and serde all read the one table given here.
macro_rules! text_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident ($what:literal) {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every value, in the order declared.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The text on the wire and in the database.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $text, )+
                }
            }
        }

        impl FromStr for $name {
            type Err = UnknownValue;

            fn from_str(text: &str) -> Result<$name, UnknownValue> {
                match text {
                    $( $text => Ok($name::$variant), )+
                    _ => Err(UnknownValue { what: $what, value: text.to_owned() }),
                }
            }
        }

        impl TryFrom<&str> for $name {
            type Error = UnknownValue;

            fn try_from(text: &str) -> Result<$name, UnknownValue> {
                text.parse()
            }
        }

        impl TryFrom<String> for $name {
            type Error = UnknownValue;

            fn try_from(text: String) -> Result<$name, UnknownValue> {
                text.parse()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<$name, D::Error> {
                let text = String::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

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

/// How many entries one page of the Upload History holds at most.
pub const HISTORY_PAGE_SIZE: u32 = 50;

/// The header of an Upload History page that says how many uploads the whole history holds
/// (all the pages together), so a page can show "page 2 of 4".
pub const TOTAL_COUNT_HEADER: &str = "X-Total-Count";

/// The query of `GET …/uploads`: which page of the Upload History, newest first, counting from
/// 1 (the default). A page past the end is empty; 0 is not a page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
}

impl HistoryQuery {
    /// The page asked for (1 when none was); `None` for page 0, which does not exist.
    pub fn page_number(&self) -> Option<u32> {
        match self.page {
            None => Some(1),
            Some(0) => None,
            Some(page) => Some(page),
        }
    }

    /// How many entries of the newest-first history come before the page asked for; `None` for
    /// page 0.
    pub fn offset(&self) -> Option<u64> {
        self.page_number()
            .map(|page| u64::from(page - 1) * u64::from(HISTORY_PAGE_SIZE))
    }

    /// How many pages a history of `total` uploads fills (an empty one still has page 1).
    pub fn pages(total: u64) -> u64 {
        total.div_ceil(u64::from(HISTORY_PAGE_SIZE)).max(1)
    }
}

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
    pub row: u32,
    pub state: RowState,
    /// The student's GUID once applied.
    pub guid: Option<String>,
    /// The student's username once applied.
    pub username: Option<String>,
    pub errors: Vec<RowError>,
}

/// Why a row failed: a diagnostic code (or a server code such as `stale-row`) and a message in
/// the uploader's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    pub code: String,
    pub message: String,
}

/// The answer to a stored upload (202) or a replayed one (200).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadAccepted {
    pub id: String,
    pub status: UploadStatus,
}

/// `POST /api/student/session`'s body: a student signs in with her username.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StudentSignIn {
    pub username: String,
    pub password: String,
}

impl fmt::Debug for StudentSignIn {
    /// Without the password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StudentSignIn")
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

/// A signed-in student, as her page shows her.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudentInfo {
    pub first_name: String,
    pub last_name: String,
    pub username: String,
}

/// The answer to a student's sign-in (and to her setting a password): who she is, whether she
/// must set her own password before anything else (she signed in with a temporary one), and the
/// CSRF token of her session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudentSession {
    pub student: StudentInfo,
    pub must_change_password: bool,
    pub csrf: String,
}

/// `POST /api/student/password`'s body: the student's own new password.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewPassword {
    pub password: String,
}

impl fmt::Debug for NewPassword {
    /// Without the password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewPassword").finish_non_exhaustive()
    }
}

/// A teacher's reset of a student's password: the new temporary password, shown only here,
/// and when it expires unused (RFC 3339).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordReset {
    pub username: String,
    pub temporary_password: String,
    pub expires_at: String,
}

impl fmt::Debug for PasswordReset {
    /// Without the password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasswordReset")
            .field("username", &self.username)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// `POST /api/session`'s body.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    pub email: String,
    pub password: String,
}

impl fmt::Debug for SignIn {
    /// Without the password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignIn")
            .field("email", &self.email)
            .finish_non_exhaustive()
    }
}

/// A signed-in teacher.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Teacher {
    pub id: String,
    pub email: String,
    pub name: String,
}

/// A school as the teacher sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct School {
    pub id: String,
    pub name: String,
}

/// The answer to signing in (`POST /api/session`) and to `GET /api/session`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub teacher: Teacher,
    /// The schools the teacher works in.
    pub schools: Vec<School>,
    /// The token unsafe requests send as `X-CSRF-Token`.
    pub csrf: String,
}

/// The answer to signing out (`DELETE /api/session`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedOut {
    pub signed_out: bool,
}

/// One Export Students download (`GET …/exports`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportSummary {
    pub id: String,
    /// `csv` or `xlsx`.
    pub format: String,
    /// RFC 3339.
    pub created_at: String,
}

/// One student of the school's roster (`GET …/roster`), as the server holds it; the page checks
/// a file against these when it came from no export of the teacher's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterStudent {
    pub guid: String,
    pub student_id: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub grade: String,
    pub username: String,
    /// The signed-in teacher's classes of the student, sorted ignoring case.
    #[serde(default)]
    pub classes: Vec<String>,
    /// Where the student's password is in its life (the Students view shows it).
    pub password: PasswordState,
    /// When a temporary password expires unused (RFC 3339); null otherwise.
    #[serde(default)]
    pub password_expires_at: Option<String>,
}

/// One of the signed-in teacher's classes in a school (`GET …/classes`) and how many students
/// are in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassSummary {
    pub id: String,
    pub name: String,
    pub students: u32,
}

/// `POST …/usernames`'s body: the usernames to ask about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UsernamesQuery {
    pub usernames: Vec<String>,
}

/// `POST …/usernames`'s answer: those taken outside the school's roster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TakenUsernames {
    pub taken: Vec<String>,
}

text_enum! {
    /// An error answer's stable code: what a client may act on (the message is for people).
    pub enum ErrorCode ("error code") {
        /// 400: the request is malformed.
        BadRequest = "bad-request",
        /// 401: not signed in, or a wrong email or password.
        Unauthorized = "unauthorized",
        /// 401: a student's temporary password was right but expired unused; a teacher must
        /// reset it.
        PasswordExpired = "password-expired",
        /// 403: an unsafe request without the session's CSRF token.
        BadCsrfToken = "bad-csrf-token",
        /// 404: unknown, or another school's.
        NotFound = "not-found",
        /// 413: the body or file is too large.
        TooLarge = "too-large",
        /// 409: the request conflicts with the state of what it names (an upload that cannot
        /// be reverted: not completed, too old, another teacher's).
        Conflict = "conflict",
        /// 409: the upload trips a guard (mass change or mass create) that it does not confirm;
        /// the answer lists the guards.
        ConfirmNeeded = "confirm-needed",
        /// 422: the file failed a file-level rule.
        FileRejected = "file-rejected",
        /// 408: the request did not arrive in time.
        RequestTimeout = "request-timeout",
        /// 429: too many requests; the answer says when to try again.
        TooManyRequests = "too-many-requests",
        /// 503: the server is too busy now; the answer says when to try again.
        Busy = "busy",
        /// 500: something failed inside the server.
        Internal = "internal",
    }
}

/// Every error answer: `{"error": {"code": "…", "message": "…"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// An error's stable code and its message in the request's language; a `confirm-needed` also
/// lists the guards found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    pub code: ErrorCode,
    pub message: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub guards: Vec<GuardFound>,
}

/// A guard an upload trips: its diagnostic code (`mass-change`, `mass-create`) and message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuardFound {
    pub code: String,
    pub message: String,
}

impl ErrorBody {
    pub fn new(code: ErrorCode, message: &str) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                code,
                message: message.to_owned(),
                guards: Vec::new(),
            },
        }
    }

    /// The body with the guards an upload trips.
    pub fn with_guards(mut self, guards: Vec<GuardFound>) -> ErrorBody {
        self.error.guards = guards;
        self
    }
}

#[cfg(test)]
mod tests;
