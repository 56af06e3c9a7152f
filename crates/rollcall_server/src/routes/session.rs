//! `POST /api/session` (sign in), `GET /api/session` (who is signed in), `DELETE /api/session`.

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::AppState;
use crate::auth::{self, Session};
use crate::error::{AppError, AppResult};
use crate::json::JsonBody;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    email: String,
    password: String,
}

/// A well-formed hash of nothing anyone knows: unknown emails cost the same time as known ones.
const DECOY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$4Dk0YEl9vhgWmgXVZmUTXZnN0m5wF7jH1HbgAufF1dY";

pub async fn sign_in(State(state): State<AppState>, body: JsonBody<SignIn>) -> AppResult<Response> {
    let JsonBody(SignIn { email, password }) = body;
    state.brake.check(&email)?;
    let found = state.store.teacher_by_email(email.trim()).await?;
    let hash = found
        .as_ref()
        .map_or(DECOY_HASH.to_owned(), |(_, hash)| hash.clone());
    let matches = tokio::task::spawn_blocking(move || auth::verify_password(&hash, &password))
        .await
        .map_err(AppError::internal)?;
    let teacher = match found {
        Some((teacher, _)) if matches => teacher,
        _ => {
            state.brake.failed(&email);
            return Err(AppError::Unauthorized("Wrong email or password."));
        }
    };
    state.brake.succeeded(&email);
    let token = auth::random_token();
    let csrf = auth::random_token();
    state
        .store
        .insert_session(
            &auth::token_hash(&token),
            &teacher.id,
            &csrf,
            auth::now_seconds() + auth::SESSION_SECONDS,
        )
        .await?;
    let schools = state.store.schools_of(&teacher.id).await?;
    let body = serde_json::json!({"teacher": teacher, "schools": schools, "csrf": csrf});
    Ok((
        [(header::SET_COOKIE, auth::session_cookie(&token))],
        Json(body),
    )
        .into_response())
}

pub async fn current(State(state): State<AppState>, session: Session) -> AppResult<Response> {
    let schools = state.store.schools_of(&session.teacher.id).await?;
    let body =
        serde_json::json!({"teacher": session.teacher, "schools": schools, "csrf": session.csrf});
    Ok(Json(body).into_response())
}

pub async fn sign_out(State(state): State<AppState>, session: Session) -> AppResult<Response> {
    state.store.delete_session(&session.token_hash).await?;
    Ok((
        [(header::SET_COOKIE, auth::session_cookie(""))],
        Json(serde_json::json!({"signed_out": true})),
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
