//! One error type for every route: a status, a stable code and a message, answered as
//! `{"error": {"code": "…", "message": "…"}}` (SPEC section 10). An internal failure keeps the
//! error that caused it, with its chain of sources; the answer says only that something went
//! wrong, and carries the error as an extension that [`log_internal`] (a layer of the router)
//! writes to the log with the request's method and path. Nothing internal leaks.
//!
//! Every fixed message has a Spanish text too. The answer carries it as a [`SpanishError`]
//! extension, and `security::localise` puts it in the body when the request's
//! `Accept-Language` prefers Spanish (the route that failed need not know the language).

use std::sync::Arc;

use axum::Json;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rollcall_protocol::{ErrorBody, ErrorCode, GuardFound};

#[derive(Debug)]
pub enum AppError {
    /// 400: the request is malformed.
    BadRequest(String),
    /// 401: no valid session, or a wrong email or password at sign-in.
    Unauthorized(Unauthorized),
    /// 403: an unsafe method without the session's CSRF token.
    Forbidden,
    /// 404: unknown, or another school's.
    NotFound,
    /// 413: the body or file is too large.
    TooLarge(String),
    /// 401: a student's temporary password expired unused.
    PasswordExpired,
    /// 409: the upload trips these guards and does not confirm them.
    ConfirmNeeded(Vec<rollcall_core::Diagnostic>),
    /// 409: what the request names is not in a state it can act on; the message in English
    /// and in Spanish.
    Conflict { en: String, es: String },
    /// 422: the file failed a file-level rule.
    Unprocessable(String),
    /// 408: the request (its body) did not arrive in time.
    RequestTimeout,
    /// 429: too many requests; retry after this many seconds.
    TooManyRequests(u64),
    /// 503: the server is too busy to take this request now.
    Busy,
    /// 500: the store or another internal part failed.
    Internal(InternalError),
}

/// What failed inside the server: the error itself, kept for the log.
#[derive(Debug, Clone)]
pub struct InternalError(Arc<dyn std::error::Error + Send + Sync>);

impl InternalError {
    /// The error and each of its sources: "outer: inner: innermost".
    pub fn chain(&self) -> String {
        let mut text = self.0.to_string();
        let mut source = self.0.source();
        while let Some(cause) = source {
            text.push_str(": ");
            text.push_str(&cause.to_string());
            source = cause.source();
        }
        text
    }
}

impl AppError {
    /// An internal failure caused by `error` (any error, or a message).
    pub fn internal(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> AppError {
        AppError::Internal(InternalError(Arc::from(error.into())))
    }

    /// The status, the code, the English message and, for a fixed message, the Spanish one.
    fn parts(&self) -> (StatusCode, ErrorCode, String, Option<String>) {
        match self {
            AppError::BadRequest(message) => (
                StatusCode::BAD_REQUEST,
                ErrorCode::BadRequest,
                message.clone(),
                None,
            ),
            AppError::Unauthorized(why) => {
                let (english, spanish) = why.texts();
                fixed(
                    StatusCode::UNAUTHORIZED,
                    ErrorCode::Unauthorized,
                    english,
                    spanish,
                )
            }
            AppError::Forbidden => fixed(
                StatusCode::FORBIDDEN,
                ErrorCode::BadCsrfToken,
                "The X-CSRF-Token header is missing or wrong. Sign in again.",
                "Falta la cabecera X-CSRF-Token o es incorrecta. Vuelva a iniciar sesión.",
            ),
            AppError::NotFound => fixed(
                StatusCode::NOT_FOUND,
                ErrorCode::NotFound,
                "Not found.",
                "No se encontró.",
            ),
            AppError::TooLarge(message) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::TooLarge,
                message.clone(),
                None,
            ),
            AppError::PasswordExpired => fixed(
                StatusCode::UNAUTHORIZED,
                ErrorCode::PasswordExpired,
                "Your temporary password has expired. Ask your teacher for a new one.",
                "Su contraseña temporal ha caducado. Pida una nueva a su docente.",
            ),
            AppError::ConfirmNeeded(_) => fixed(
                StatusCode::CONFLICT,
                ErrorCode::ConfirmNeeded,
                "This upload changes unusually much at once. Check the changes listed, then upload \
                 again confirming each of them.",
                "Esta subida cambia muchísimo a la vez. Revise los cambios de la lista y vuelva a \
                 subirla confirmando cada uno.",
            ),
            AppError::Conflict { en, es } => (
                StatusCode::CONFLICT,
                ErrorCode::Conflict,
                en.clone(),
                Some(es.clone()),
            ),
            AppError::Unprocessable(message) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::FileRejected,
                message.clone(),
                None,
            ),
            AppError::RequestTimeout => fixed(
                StatusCode::REQUEST_TIMEOUT,
                ErrorCode::RequestTimeout,
                "The request took too long to arrive. Try again.",
                "La solicitud tardó demasiado en llegar. Vuelva a intentarlo.",
            ),
            AppError::TooManyRequests(seconds) => (
                StatusCode::TOO_MANY_REQUESTS,
                ErrorCode::TooManyRequests,
                format!("Too many attempts. Try again in {seconds} seconds."),
                Some(format!(
                    "Demasiados intentos. Vuelva a intentarlo dentro de {seconds} segundos."
                )),
            ),
            AppError::Busy => fixed(
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorCode::Busy,
                "The server is busy. Try again in a moment.",
                "El servidor está ocupado. Vuelva a intentarlo en un momento.",
            ),
            AppError::Internal(_) => fixed(
                StatusCode::INTERNAL_SERVER_ERROR,
                ErrorCode::Internal,
                "Something went wrong on the server. Try again.",
                "Algo falló en el servidor. Vuelva a intentarlo.",
            ),
        }
    }

    /// The guards a 409 `confirm-needed` lists, their messages in `lang`.
    fn guards(&self, lang: rollcall_core::Lang) -> Vec<GuardFound> {
        match self {
            AppError::ConfirmNeeded(guards) => guards
                .iter()
                .map(|d| GuardFound {
                    code: d.code().as_str().to_owned(),
                    message: d.message(lang),
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Seconds the client should wait before trying again, if it should.
    fn retry_after(&self) -> Option<u64> {
        match self {
            AppError::TooManyRequests(seconds) => Some(*seconds),
            AppError::Busy => Some(BUSY_RETRY_SECONDS),
            _ => None,
        }
    }
}

/// How long a client is asked to wait when the server is busy.
const BUSY_RETRY_SECONDS: u64 = 2;

fn fixed(
    status: StatusCode,
    code: ErrorCode,
    english: &str,
    spanish: &str,
) -> (StatusCode, ErrorCode, String, Option<String>) {
    (status, code, english.to_owned(), Some(spanish.to_owned()))
}

/// Why a request is refused with 401.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unauthorized {
    /// No session cookie.
    SignInFirst,
    /// The session is unknown or has ended.
    SessionEnded,
    /// A teacher's sign-in with a wrong email or password.
    WrongTeacher,
    /// A student's sign-in with a wrong username or password.
    WrongStudent,
}

impl Unauthorized {
    /// The message in English and in Spanish.
    fn texts(self) -> (&'static str, &'static str) {
        match self {
            Unauthorized::SignInFirst => ("Sign in first.", "Inicie sesión primero."),
            Unauthorized::SessionEnded => (
                "Your session has ended. Sign in again.",
                "Su sesión ha terminado. Vuelva a iniciar sesión.",
            ),
            Unauthorized::WrongTeacher => (
                "Wrong email or password.",
                "Correo electrónico o contraseña incorrectos.",
            ),
            Unauthorized::WrongStudent => (
                "Wrong username or password.",
                "Nombre de usuario o contraseña incorrectos.",
            ),
        }
    }
}

/// An error answer's code and Spanish message, for `security::localise`.
#[derive(Debug, Clone)]
pub struct SpanishError {
    pub code: ErrorCode,
    pub message: String,
    pub guards: Vec<GuardFound>,
}

impl SpanishError {
    /// The error body in Spanish.
    pub fn body(&self) -> String {
        let body = ErrorBody::new(self.code, &self.message).with_guards(self.guards.clone());
        serde_json::to_string(&body).unwrap_or_default()
    }
}

impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> AppError {
        AppError::internal(error)
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code, message, spanish) = self.parts();
        let body = ErrorBody::new(code, &message).with_guards(self.guards(rollcall_core::Lang::En));
        let mut response = (status, Json(body)).into_response();
        if let Some(seconds) = self.retry_after()
            && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        if let Some(message) = spanish {
            response.extensions_mut().insert(SpanishError {
                code,
                message,
                guards: self.guards(rollcall_core::Lang::Es),
            });
        }
        if let AppError::Internal(error) = self {
            response.extensions_mut().insert(error);
        }
        response
    }
}

/// Writes each internal failure to the log, with the request it failed and the error's chain
/// of sources; the answer itself stays generic.
pub async fn log_internal(request: Request, next: Next) -> Response {
    let (method, path) = (request.method().clone(), request.uri().path().to_owned());
    let mut response = next.run(request).await;
    if let Some(error) = response.extensions_mut().remove::<InternalError>() {
        eprintln!(
            "rollcall serve: internal error on {method} {path}: {}",
            error.chain()
        );
    }
    response
}

pub type AppResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Outer(std::io::Error);

    impl std::fmt::Display for Outer {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("the store failed")
        }
    }

    impl std::error::Error for Outer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn an_internal_error_keeps_its_sources_for_the_log_and_answers_generically() {
        let error = AppError::internal(Outer(std::io::Error::other("disk full")));
        let mut response = error.into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let kept = response
            .extensions_mut()
            .remove::<InternalError>()
            .expect("the error travels with the answer");
        assert_eq!(kept.chain(), "the store failed: disk full");
        let AppError::Internal(message) = AppError::internal("no hash") else {
            panic!("an internal error");
        };
        assert_eq!(message.chain(), "no hash");
    }
}
