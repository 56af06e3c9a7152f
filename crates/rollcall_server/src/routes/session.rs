//! `POST /api/session` (sign in), `GET /api/session` (who is signed in), `DELETE /api/session`.

use axum::Json;
use axum::extract::{FromRequest, Request, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use rollcall_protocol::{SignIn, SignedOut};

use crate::auth::{self, Session};
use crate::error::{AppError, AppResult, Unauthorized};
use crate::json::JsonBody;
use crate::passwords::Lane;
use crate::store::audit::NewAuditEntry;
use crate::store::sign_ins::Refused;
use crate::{AppState, audit, throttle};

/// A well-formed hash of nothing anyone knows: unknown emails cost the same time as known ones.
const DECOY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$4Dk0YEl9vhgWmgXVZmUTXZnN0m5wF7jH1HbgAufF1dY";

/// `POST /api/session`. The email is trimmed and lower-cased once, and that one form is both
/// looked up and throttled. The attempt is reserved with the brake before the password is
/// verified, so parallel guesses cannot slip past it. A sign-in ends the session the browser
/// sent (if any) and purges expired ones; every outcome is audited.
pub async fn sign_in(State(state): State<AppState>, request: Request) -> AppResult<Response> {
    let (parts, body) = request.into_parts();
    let secure = state.reach.is_https(&parts.headers);
    let address = state
        .reach
        .client_address(&parts.headers, &parts.extensions);
    let address_text = address.map(|ip| ip.to_string());
    let headers = parts.headers.clone();
    let JsonBody(SignIn { email, password }) =
        JsonBody::from_request(Request::from_parts(parts, body), &state).await?;
    let audit = |kind, teacher: Option<String>, email: String| {
        let state = state.clone();
        let address = address_text.clone();
        async move {
            state
                .store
                .record_audit(&NewAuditEntry {
                    kind,
                    teacher: teacher.as_deref(),
                    email: Some(&email),
                    address: address.as_deref(),
                    detail: None,
                })
                .await
        }
    };
    let Some(email) = throttle::normalise_email(&email) else {
        // Longer than any email: refused without hashing anything.
        let kept: String = email
            .trim()
            .char_indices()
            .take_while(|(i, c)| i + c.len_utf8() <= throttle::MAX_EMAIL_BYTES)
            .map(|(_, c)| c)
            .collect();
        audit(audit::SIGN_IN_FAILED, None, kept.to_lowercase()).await?;
        return Err(AppError::Unauthorized(WRONG));
    };
    let found = state.store.teacher_by_email(&email).await?;
    let hash = found.as_ref().map(|(_, hash)| hash.clone());
    let matches = throttled_check(&state, &email, address, hash, password).await?;
    let teacher = match found {
        Some((teacher, _)) if matches => teacher,
        found => {
            audit(audit::SIGN_IN_FAILED, found.map(|(t, _)| t.id), email).await?;
            return Err(AppError::Unauthorized(WRONG));
        }
    };
    let now = state.store.clock().unix_seconds();
    if let Some(sent) = auth::cookie_token(&headers, secure) {
        state.store.delete_session(&auth::token_hash(&sent)).await?;
    }
    state.store.purge_expired_sessions(now).await?;
    let token = auth::random_token();
    let csrf = auth::random_token();
    state
        .store
        .insert_session(
            &auth::token_hash(&token),
            &teacher.id,
            &csrf,
            now + auth::SESSION_SECONDS,
        )
        .await?;
    audit(audit::SIGN_IN, Some(teacher.id.clone()), email).await?;
    let schools = state.store.schools_of(&teacher.id).await?;
    let body = rollcall_protocol::Session {
        teacher,
        schools,
        csrf,
    };
    Ok((
        [(header::SET_COOKIE, auth::session_cookie(&token, secure))],
        Json(body),
    )
        .into_response())
}

/// One password check behind the brakes: the attempt for `key` (a normalised email, or
/// `student:` and a username) from `address` is reserved in this process and counted in the
/// database, which every process shares, before `password` is verified against `hash` (the
/// decoy when there is no account, so that costs the same). A failure counts; a success clears
/// the account's count.
pub(crate) async fn throttled_check(
    state: &AppState,
    key: &str,
    address: Option<std::net::IpAddr>,
    hash: Option<String>,
    password: String,
) -> AppResult<bool> {
    let attempt = state.brake.reserve(key, address)?;
    let pair = address.map(|ip| ip.to_string()).unwrap_or_default();
    let now_ms = state.store.clock().unix_millis();
    let window = throttle::FAILURE_WINDOW.as_millis() as i64;
    let most = i64::from(throttle::MAX_FAILURES);
    if let Err(Refused(wait)) = state
        .store
        .count_sign_in(key, &pair, now_ms, window, most)
        .await?
    {
        attempt.withdrawn();
        return Err(AppError::TooManyRequests(wait));
    }
    let known = hash.is_some();
    let hash = hash.unwrap_or_else(|| DECOY_HASH.to_owned());
    let lane = if attempt.suspect() {
        Lane::Suspect
    } else {
        Lane::Clean
    };
    let matches = match state.passwords.verify(hash, password, lane).await {
        Ok(matches) => matches && known,
        Err(error) => {
            if matches!(error, AppError::Busy) {
                attempt.withdrawn();
                state.store.uncount_sign_in(key, &pair).await?;
            }
            return Err(error);
        }
    };
    if matches {
        attempt.succeeded();
        state.store.clear_sign_in(key, &pair).await?;
    } else {
        attempt.failed();
        state.store.purge_sign_in_counts(now_ms - window).await?;
    }
    Ok(matches)
}

/// The one answer to a wrong email, a wrong password or an over-long email.
const WRONG: Unauthorized = Unauthorized::WrongTeacher;

pub async fn current(State(state): State<AppState>, session: Session) -> AppResult<Response> {
    let schools = state.store.schools_of(&session.teacher.id).await?;
    let body = rollcall_protocol::Session {
        teacher: session.teacher,
        schools,
        csrf: session.csrf,
    };
    Ok(Json(body).into_response())
}

pub async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: Session,
) -> AppResult<Response> {
    state.store.delete_session(&session.token_hash).await?;
    let secure = state.reach.is_https(&headers);
    Ok((
        [(header::SET_COOKIE, auth::session_cookie("", secure))],
        Json(SignedOut { signed_out: true }),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::DECOY_HASH;

    #[test]
    fn the_decoy_is_a_real_argon2id_hash_so_unknown_emails_cost_a_full_verification() {
        let parsed = argon2::password_hash::PasswordHash::new(DECOY_HASH).expect("a PHC string");
        assert_eq!(parsed.algorithm.as_str(), "argon2id");
        assert_eq!(parsed.hash.map(|h| h.len()), Some(32));
        // A hash that parses is verified in full (a broken one would return at once).
        assert!(!crate::auth::verify_password(DECOY_HASH, "anything"));
    }
}
