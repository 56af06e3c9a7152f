//! What the server keeps in the audit table (SPEC section 8), and the layer that records each
//! download of a Completed File.

use axum::extract::{FromRequestParts, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::auth::Session;
use crate::error::AppError;
use crate::store::audit::NewAuditEntry;

/// A teacher signed in.
pub const SIGN_IN: &str = "sign-in";
/// A sign-in was refused: a wrong password, an unknown or over-long email.
pub const SIGN_IN_FAILED: &str = "sign-in-failed";
/// A teacher reset a student's password (the detail is the student's GUID).
pub const PASSWORD_RESET: &str = "password-reset";
/// A teacher reverted an upload (the detail: `REVERT reverts UPLOAD`, the two uploads' ids).
pub const REVERT: &str = "revert";
/// A teacher downloaded an upload's Completed File (it shows temporary passwords).
pub const COMPLETED_FILE_DOWNLOAD: &str = "completed-file-download";

/// Records a download of a Completed File once it has been answered with the file. A failure
/// to record it withholds the file: no Completed File leaves unaudited.
pub async fn completed_file_downloads(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    if !path.ends_with("/files/completed") {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    let session = Session::from_request_parts(&mut parts, &state).await.ok();
    let address = state
        .reach
        .client_address(&parts.headers, &parts.extensions)
        .map(|ip| ip.to_string());
    let response = next.run(Request::from_parts(parts, body)).await;
    let Some(session) = session.filter(|_| response.status().is_success()) else {
        return response;
    };
    // …/uploads/{id}/files/completed
    let upload = path.rsplit('/').nth(2).unwrap_or_default();
    let detail = format!("{upload}/completed");
    let recorded = state
        .store
        .record_audit(&NewAuditEntry {
            kind: COMPLETED_FILE_DOWNLOAD,
            teacher: Some(&session.teacher.id),
            email: Some(&session.teacher.email),
            address: address.as_deref(),
            detail: Some(&detail),
        })
        .await;
    match recorded {
        Ok(()) => response,
        Err(error) => AppError::from(error).into_response(),
    }
}
