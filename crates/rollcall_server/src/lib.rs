//! Rollcall's server: sign-in, schools, Export Students, and (next) validated uploads with a
//! durable queue and the Upload History. Every rule it applies comes from `rollcall_core`.
//!
//! `app(state)` is the whole HTTP API as an axum `Router`, so tests call
//! `app(state).oneshot(request)` without a socket; `serve` binds it to an address.

pub mod auth;
pub mod demo;
pub mod error;
pub mod files;
mod json;
mod routes;
pub mod store;
pub mod upload;

use std::sync::Arc;

use axum::Router;

pub use error::{AppError, AppResult};
pub use routes::page;
pub use store::Store;

/// What every request handler shares.
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Store,
    pub brake: Arc<auth::SignInBrake>,
    pub queue: upload::worker::Queue,
}

impl AppState {
    pub fn new(store: Store) -> AppState {
        AppState {
            store,
            brake: Arc::default(),
            queue: upload::worker::Queue::default(),
        }
    }

    /// Starts the queue worker, which finishes stored uploads (those a stopped server left
    /// unfinished first). Needs a Tokio runtime.
    pub fn start_worker(&self) {
        self.queue.start(self.store.clone());
    }
}

/// The HTTP API.
pub fn app(state: AppState) -> Router {
    routes::router(state)
}

/// How `rollcall serve` was asked to run.
#[derive(Debug, Clone)]
pub struct Config {
    pub addr: String,
    pub db: String,
    pub demo: bool,
    /// Students per demo school (60 unless a benchmark asks for more).
    pub demo_students: usize,
    /// The built page (`cargo xtask web` writes `web/dist`); `None` serves the API only.
    pub web: Option<std::path::PathBuf>,
}

/// Opens the store, seeds the demo data if asked, binds `addr` and serves until interrupted.
/// `ready` is called with the bound address and the demo sign-ins before the first request.
pub async fn serve(
    config: Config,
    ready: impl FnOnce(std::net::SocketAddr, &[(String, String)]),
) -> Result<(), String> {
    let store = Store::open(&config.db).await?;
    let sign_ins = if config.demo {
        demo::seed(&store, config.demo_students).await?
    } else {
        Vec::new()
    };
    let listener = tokio::net::TcpListener::bind(&config.addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.addr))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("cannot listen on {}: {e}", config.addr))?;
    let state = AppState::new(store);
    state.start_worker();
    ready(addr, &sign_ins);
    axum::serve(listener, app(state).merge(page(config.web.as_deref())))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| format!("the server stopped: {e}"))
}
