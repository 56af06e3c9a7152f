//! Sign-in and sessions: Argon2id password hashes (hashed and verified off the async threads),
//! a random session token in an HttpOnly, SameSite=Strict cookie (only its SHA-256 is stored),
//! a CSRF token required on unsafe methods (compared in constant time). Over HTTPS the cookie
//! is `Secure` and named with the `__Host-` prefix. The brake on failed sign-ins is in
//! `throttle`.

use std::collections::HashMap;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::http::{Method, header};
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::error::{AppError, Unauthorized};
use crate::security::same_secret;
use crate::store::{School, Teacher};

/// The session cookie's name over plain HTTP.
pub const COOKIE: &str = "rollcall_session";
/// The session cookie's name over HTTPS: the browser keeps it only if it is `Secure`, has
/// `Path=/` and no `Domain`, so no other site or subdomain can set or shadow it.
pub const SECURE_COOKIE: &str = "__Host-rollcall_session";
/// How long a session lasts.
pub const SESSION_SECONDS: i64 = 12 * 60 * 60;

/// Argon2id at OWASP's minimum: 19 MiB, two passes, one lane.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password (blocking: call it from a blocking thread).
pub fn hash_password(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(AppError::internal)
}

/// Hashes on a blocking thread.
pub async fn hash_password_off_thread(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(AppError::internal)?
}

/// Checks a password against a stored hash (blocking).
pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            argon2()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A random token: 244 bits from the operating system's generator, as hex.
pub fn random_token() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A student's session cookie, over plain HTTP and over HTTPS: a cookie of its own, so that a
/// student's sign-in on a shared computer never ends or becomes a teacher's session.
pub const STUDENT_COOKIE: &str = "rollcall_student";
pub const SECURE_STUDENT_COOKIE: &str = "__Host-rollcall_student";

/// The session cookie's name for a request over HTTPS (`secure`) or not.
pub fn cookie_name(secure: bool) -> &'static str {
    if secure { SECURE_COOKIE } else { COOKIE }
}

/// The student session cookie's name.
fn student_cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_STUDENT_COOKIE
    } else {
        STUDENT_COOKIE
    }
}

/// The `Set-Cookie` value that opens a session, or (with an empty token) ends it.
pub fn session_cookie(token: &str, secure: bool) -> String {
    set_cookie(cookie_name(secure), token, secure)
}

/// The `Set-Cookie` value that opens a student's session, or (with an empty token) ends it.
pub fn student_cookie(token: &str, secure: bool) -> String {
    set_cookie(student_cookie_name(secure), token, secure)
}

fn set_cookie(name: &str, token: &str, secure: bool) -> String {
    let max_age = if token.is_empty() { 0 } else { SESSION_SECONDS };
    let flags = if secure { "; Secure" } else { "" };
    format!("{name}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age}{flags}")
}

/// The session token from a request's cookies: the `__Host-` cookie over HTTPS, the plain one
/// otherwise.
pub fn cookie_token(headers: &axum::http::HeaderMap, secure: bool) -> Option<String> {
    cookie_value(headers, cookie_name(secure))
}

/// A student's session token from a request's cookies.
pub fn student_cookie_token(headers: &axum::http::HeaderMap, secure: bool) -> Option<String> {
    cookie_value(headers, student_cookie_name(secure))
}

fn cookie_value(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(found, _)| *found == name)
        .map(|(_, token)| token.to_owned())
        .filter(|token| !token.is_empty())
}

/// A signed-in teacher. Extracting it answers 401 without a valid session, and 403 for an
/// unsafe method without the session's CSRF token.
#[derive(Debug, Clone)]
pub struct Session {
    pub teacher: Teacher,
    pub csrf: String,
    pub token_hash: String,
}

impl FromRequestParts<AppState> for Session {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Session, AppError> {
        let secure = state.reach.is_https(&parts.headers);
        let token = cookie_token(&parts.headers, secure)
            .ok_or(AppError::Unauthorized(Unauthorized::SignInFirst))?;
        let hash = token_hash(&token);
        let (teacher, csrf) = state
            .store
            .session(&hash, state.store.clock().unix_seconds())
            .await?
            .ok_or(AppError::Unauthorized(Unauthorized::SessionEnded))?;
        check_csrf(parts, &csrf)?;
        Ok(Session {
            teacher,
            csrf,
            token_hash: hash,
        })
    }
}

/// Refuses an unsafe method without the session's CSRF token (403).
fn check_csrf(parts: &Parts, csrf: &str) -> Result<(), AppError> {
    let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
    if safe {
        return Ok(());
    }
    let sent = parts
        .headers
        .get("x-csrf-token")
        .and_then(|value| value.to_str().ok());
    if sent.is_some_and(|sent| same_secret(sent.as_bytes(), csrf.as_bytes())) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// A signed-in student (`POST /api/student/session`), with her session's CSRF token (checked
/// on unsafe methods, as a teacher's) and whether she must set her own password first.
#[derive(Debug, Clone)]
pub struct StudentSession {
    pub student: crate::store::student_accounts::StudentAccount,
    pub csrf: String,
    pub must_change: bool,
    pub token_hash: String,
}

impl FromRequestParts<AppState> for StudentSession {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<StudentSession, AppError> {
        let secure = state.reach.is_https(&parts.headers);
        let token = student_cookie_token(&parts.headers, secure)
            .ok_or(AppError::Unauthorized(Unauthorized::SignInFirst))?;
        let hash = token_hash(&token);
        let (student, csrf, must_change) = state
            .store
            .student_session(&hash, state.store.clock().unix_seconds())
            .await?
            .ok_or(AppError::Unauthorized(Unauthorized::SessionEnded))?;
        check_csrf(parts, &csrf)?;
        Ok(StudentSession {
            student,
            csrf,
            must_change,
            token_hash: hash,
        })
    }
}

/// A school of the signed-in teacher, from the `{school}` of the path. Any other school —
/// unknown, or one the teacher does not work in — is 404, the same answer for both.
#[derive(Debug, Clone)]
pub struct SchoolScope {
    pub session: Session,
    pub school: School,
}

impl SchoolScope {
    /// The signed-in teacher's classes in this school: the only ones she reads or changes.
    pub fn classes(&self) -> crate::store::classes::ClassOwner<'_> {
        crate::store::classes::ClassOwner {
            school: &self.school.id,
            teacher: &self.session.teacher.id,
        }
    }
}

impl FromRequestParts<AppState> for SchoolScope {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<SchoolScope, AppError> {
        let session = Session::from_request_parts(parts, state).await?;
        let Path(params) = Path::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound)?;
        let id = params.get("school").ok_or(AppError::NotFound)?;
        let school = state
            .store
            .school_of(&session.teacher.id, id)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok(SchoolScope { session, school })
    }
}
