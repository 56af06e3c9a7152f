//! Students' own accounts: a student signs in with her username (a temporary password works for
//! that one sign-in, which must set her own password), sets her password, and a teacher of her
//! school resets it to a new temporary one, shown once.

use axum::Json;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use rollcall_protocol::{NewPassword, PasswordReset, StudentSession, StudentSignIn};

use crate::auth::{self, SchoolScope};
use crate::error::{AppError, AppResult, Unauthorized};
use crate::json::JsonBody;
use crate::store::audit::NewAuditEntry;
use crate::{AppState, audit};

use super::session::throttled_check;
use super::uploads::request_lang;

/// The one answer to a wrong username or password.
const WRONG: Unauthorized = Unauthorized::WrongStudent;

/// Usernames are at most 64 characters (SPEC section 4); a longer one is refused unhashed.
const MAX_USERNAME_BYTES: usize = 256;

/// `POST /api/student/session`. Throttled like a teacher's sign-in, under the key
/// `student:USERNAME`. A right temporary password that expired unused is 401
/// `password-expired`; a right unexpired one is spent on this sign-in, whose session may only
/// set the student's own password.
pub async fn sign_in(State(state): State<AppState>, request: Request) -> AppResult<Response> {
    let (parts, body) = request.into_parts();
    let secure = state.reach.is_https(&parts.headers);
    let address = state
        .reach
        .client_address(&parts.headers, &parts.extensions);
    let headers = parts.headers.clone();
    let JsonBody(StudentSignIn { username, password }) =
        JsonBody::from_request(Request::from_parts(parts, body), &state).await?;
    let username = username.trim().to_lowercase();
    if username.is_empty() || username.len() > MAX_USERNAME_BYTES {
        return Err(AppError::Unauthorized(WRONG));
    }
    let found = state.store.student_by_username(&username).await?;
    let hash = found.as_ref().and_then(|s| s.password_hash.clone());
    let key = format!("student:{username}");
    let matches = throttled_check(&state, &key, address, hash.clone(), password).await?;
    let (Some(student), Some(hash), true) = (found, hash, matches) else {
        return Err(AppError::Unauthorized(WRONG));
    };
    let clock = state.store.clock();
    if student.expired(&clock.rfc3339_seconds()) {
        return Err(AppError::PasswordExpired);
    }
    let temporary = student.password_temporary != 0;
    // Spent here, so a second sign-in with it fails, whatever happens next.
    if temporary
        && !state
            .store
            .spend_temporary_password(&student.guid, &hash)
            .await?
    {
        return Err(AppError::Unauthorized(WRONG));
    }
    let now = clock.unix_seconds();
    if let Some(sent) = auth::student_cookie_token(&headers, secure) {
        state
            .store
            .delete_student_session(&auth::token_hash(&sent), now)
            .await?;
    }
    let token = auth::random_token();
    let csrf = auth::random_token();
    state
        .store
        .insert_student_session(
            &auth::token_hash(&token),
            &student.guid,
            &csrf,
            temporary,
            now + auth::SESSION_SECONDS,
        )
        .await?;
    let body = StudentSession {
        student: student.info(),
        must_change_password: temporary,
        csrf,
    };
    Ok((
        [(header::SET_COOKIE, auth::student_cookie(&token, secure))],
        Json(body),
    )
        .into_response())
}

/// `POST /api/student/password`: the signed-in student sets her own password (the rule of the
/// Password column); her other sessions end.
pub async fn set_password(
    State(state): State<AppState>,
    session: auth::StudentSession,
    request: Request,
) -> AppResult<Response> {
    let lang = request_lang(request.headers());
    let JsonBody(NewPassword { password }) = JsonBody::from_request(request, &state).await?;
    let student = &session.student;
    if let Some(weak) = rollcall_core::rules::password::check_own(&password, &student.username) {
        return Err(AppError::BadRequest(weak.message(lang)));
    }
    let hash = state.passwords.hash(password).await?;
    state
        .store
        .set_student_password(&student.guid, &hash, None, Some(&session.token_hash))
        .await?;
    let body = StudentSession {
        student: student.info(),
        must_change_password: false,
        csrf: session.csrf,
    };
    Ok(Json(body).into_response())
}

/// `DELETE /api/student/session`: the student signs out.
pub async fn sign_out(
    State(state): State<AppState>,
    session: auth::StudentSession,
    request: Request,
) -> AppResult<Response> {
    let secure = state.reach.is_https(request.headers());
    let now = state.store.clock().unix_seconds();
    state
        .store
        .delete_student_session(&session.token_hash, now)
        .await?;
    Ok((
        [(header::SET_COOKIE, auth::student_cookie("", secure))],
        Json(rollcall_protocol::SignedOut { signed_out: true }),
    )
        .into_response())
}

/// `POST /api/schools/{school}/students/{guid}/password-reset`: a new temporary password for a
/// student of the school, shown only in this answer; it expires unused after 90 days. Audited.
pub async fn reset(
    State(state): State<AppState>,
    scope: SchoolScope,
    Path((_, guid)): Path<(String, String)>,
    request: Request,
) -> AppResult<Response> {
    let student = state
        .store
        .student_in_school(&scope.school.id, &guid)
        .await?
        .ok_or(AppError::NotFound)?;
    let temporary = crate::upload::hashing::temporary_password();
    let hash = state.passwords.hash(temporary.clone()).await?;
    let clock = state.store.clock();
    let days = std::time::Duration::from_secs(crate::store::apply::TEMPORARY_DAYS * 24 * 60 * 60);
    let expires_at = crate::clock::rfc3339_seconds(clock.now() + days);
    state
        .store
        .set_student_password(&student.guid, &hash, Some(&expires_at), None)
        .await?;
    let address = state
        .reach
        .client_address(request.headers(), request.extensions())
        .map(|ip| ip.to_string());
    state
        .store
        .record_audit(&NewAuditEntry {
            kind: audit::PASSWORD_RESET,
            teacher: Some(&scope.session.teacher.id),
            email: Some(&scope.session.teacher.email),
            address: address.as_deref(),
            detail: Some(&student.guid),
        })
        .await?;
    let body = PasswordReset {
        username: student.username,
        temporary_password: temporary,
        expires_at,
    };
    Ok(Json(body).into_response())
}
