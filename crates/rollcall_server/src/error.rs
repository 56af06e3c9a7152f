//! One error type for every route: a status, a stable code and a message, answered as
//! `{"error": {"code": "…", "message": "…"}}` (SPEC section 10). Internal failures are logged
//! by kind and answered with a generic message: nothing internal leaks.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

#[derive(Debug)]
pub enum AppError {
    /// 400: the request is malformed.
    BadRequest(String),
    /// 401: no valid session, or a wrong email or password at sign-in.
    Unauthorized(&'static str),
    /// 403: an unsafe method without the session's CSRF token.
    Forbidden,
    /// 404: unknown, or another school's.
    NotFound,
    /// 409: the request conflicts with the current state.
    Conflict(String),
    /// 413: the body or file is too large.
    TooLarge(String),
    /// 422: the file failed a file-level rule.
    Unprocessable(String),
    /// 429: too many requests; retry after this many seconds.
    TooManyRequests(u64),
    /// 500: the store or another internal part failed.
    Internal(String),
}

impl AppError {
    pub fn internal(error: impl std::fmt::Display) -> AppError {
        AppError::Internal(error.to_string())
    }

    fn parts(&self) -> (StatusCode, &'static str, String) {
        match self {
            AppError::BadRequest(message) => {
                (StatusCode::BAD_REQUEST, "bad-request", message.clone())
            }
            AppError::Unauthorized(message) => (
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                (*message).to_owned(),
            ),
            AppError::Forbidden => (
                StatusCode::FORBIDDEN,
                "bad-csrf-token",
                "The X-CSRF-Token header is missing or wrong. Sign in again.".to_owned(),
            ),
            AppError::NotFound => (StatusCode::NOT_FOUND, "not-found", "Not found.".to_owned()),
            AppError::Conflict(message) => (StatusCode::CONFLICT, "conflict", message.clone()),
            AppError::TooLarge(message) => {
                (StatusCode::PAYLOAD_TOO_LARGE, "too-large", message.clone())
            }
            AppError::Unprocessable(message) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "file-rejected",
                message.clone(),
            ),
            AppError::TooManyRequests(seconds) => (
                StatusCode::TOO_MANY_REQUESTS,
                "too-many-requests",
                format!("Too many attempts. Try again in {seconds} seconds."),
            ),
            AppError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Something went wrong on the server. Try again.".to_owned(),
            ),
        }
    }
}

impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> AppError {
        AppError::internal(error)
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(detail) = &self {
            eprintln!("rollcall serve: internal error: {detail}");
        }
        let (status, code, message) = self.parts();
        let body = serde_json::json!({"error": {"code": code, "message": message}});
        let mut response = (status, Json(body)).into_response();
        if let AppError::TooManyRequests(seconds) = self
            && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}

pub type AppResult<T> = Result<T, AppError>;
