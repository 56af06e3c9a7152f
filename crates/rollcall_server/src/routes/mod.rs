//! The HTTP API of SPEC section 10.

mod reverts;
mod roster;
mod session;
mod students;
mod uploads;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};

use crate::AppState;
use crate::{audit, security};

pub(crate) use uploads::request_lang;

/// What `/` says when the page has not been built.
const NO_PAGE: &str = "Rollcall server. The page is not built: run `cargo xtask web`, then start \
the server again. The API is under /api: POST /api/session to sign in, then /api/schools/{school}/…\n";

/// The page's own addresses besides `/` (its views; see `web/src/paths.rs`): each is answered
/// with the page, which shows the view the address names.
const PAGE_VIEWS: [&str; 5] = [
    "/classes",
    "/students",
    "/student",
    "/history",
    "/history/{id}",
];

/// The page's files (index.html, its script, WebAssembly and styles), or a note saying how to
/// build them.
pub fn page(dir: Option<&std::path::Path>) -> Router {
    let page = match dir {
        Some(dir) => {
            let index =
                tower_http::services::ServeFile::new(dir.join("index.html")).precompressed_gzip();
            PAGE_VIEWS
                .iter()
                .fold(Router::new(), |router, view| {
                    router.route_service(view, index.clone())
                })
                .fallback_service(
                    tower_http::services::ServeDir::new(dir)
                        .append_index_html_on_directories(true)
                        .precompressed_gzip(),
                )
        }
        None => Router::new().route("/", get(|| async { NO_PAGE })),
    };
    page.layer(from_fn(security::headers))
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route(
            "/api/session",
            post(session::sign_in)
                .get(session::current)
                .delete(session::sign_out),
        )
        .route(
            "/api/student/session",
            post(students::sign_in).delete(students::sign_out),
        )
        .route("/api/student/password", post(students::set_password))
        .route(
            "/api/schools/{school}/students/{guid}/password-reset",
            post(students::reset),
        )
        .route("/api/schools/{school}/roster", get(roster::roster))
        .route("/api/schools/{school}/export", get(roster::export))
        .route("/api/schools/{school}/exports", get(roster::exports))
        .route(
            "/api/schools/{school}/exports/{export}",
            get(roster::export_rows),
        )
        .route("/api/schools/{school}/usernames", post(roster::usernames))
        .route("/api/schools/{school}/classes", get(roster::classes))
        .route(
            "/api/schools/{school}/uploads",
            post(uploads::upload)
                .get(uploads::history)
                // A 20 MiB file and its multipart framing.
                .layer(DefaultBodyLimit::max(21 * 1024 * 1024)),
        )
        .route("/api/schools/{school}/uploads/{id}", get(uploads::one))
        .route(
            "/api/schools/{school}/uploads/{id}/revert",
            post(reverts::revert),
        )
        .route(
            "/api/schools/{school}/uploads/{id}/files/{which}",
            get(uploads::file).route_layer(from_fn_with_state(
                state.clone(),
                audit::completed_file_downloads,
            )),
        )
        .with_state(state.clone())
        // Internal failures are logged with the request they failed.
        .layer(from_fn(crate::error::log_internal))
        // Outermost last: every answer, the 408 and 503 of the inner layers too, gets its
        // language and the security headers.
        .layer(from_fn_with_state(state.clone(), security::deadline))
        .layer(from_fn_with_state(state, security::bounded))
        .layer(from_fn(security::localise))
        .layer(from_fn(security::headers))
}
