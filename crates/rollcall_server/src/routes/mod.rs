//! The HTTP API of SPEC section 10.

mod roster;
mod session;
mod uploads;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::AppState;

/// Until the page arrives, `/` says where the API is.
const INDEX: &str = "Rollcall server. The API is under /api (SPEC section 10): \
POST /api/session to sign in, then /api/schools/{school}/…\n";

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(|| async { INDEX }))
        .route(
            "/api/session",
            post(session::sign_in)
                .get(session::current)
                .delete(session::sign_out),
        )
        .route("/api/schools/{school}/roster", get(roster::roster))
        .route("/api/schools/{school}/export", get(roster::export))
        .route(
            "/api/schools/{school}/exports/{export}",
            get(roster::export_rows),
        )
        .route("/api/schools/{school}/usernames", post(roster::usernames))
        .route(
            "/api/schools/{school}/uploads",
            post(uploads::upload)
                .get(uploads::history)
                // A 20 MiB file and its multipart framing.
                .layer(DefaultBodyLimit::max(21 * 1024 * 1024)),
        )
        .route("/api/schools/{school}/uploads/{id}", get(uploads::one))
        .route(
            "/api/schools/{school}/uploads/{id}/files/{which}",
            get(uploads::file),
        )
        .with_state(state)
}
