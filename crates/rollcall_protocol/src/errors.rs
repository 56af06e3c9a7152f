//! Error answers: their stable codes and the body every one of them has.

use serde::{Deserialize, Serialize};

use crate::text_enum::text_enum;

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
