//! Rollcall's server: sign-in, schools, Export Students, and (next) validated uploads with a
//! durable queue and the Upload History. Every rule it applies comes from `rollcall_core`.
//!
//! `app(state)` is the whole HTTP API as an axum `Router`, so tests call
//! `app(state).oneshot(request)` without a socket; `serve` binds it to an address.

pub mod audit;
pub mod auth;
pub mod clock;
pub mod demo;
pub mod error;
pub mod files;
mod json;
pub mod limits;
pub mod listen;
pub mod passwords;
mod routes;
pub mod row_problem;
pub mod security;
pub mod store;
/// For tests and benchmarks only: fresh databases on SQLite or a test PostgreSQL.
#[doc(hidden)]
pub mod testing;
pub mod throttle;
pub mod upload;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;

pub use clock::Clock;
pub use error::{AppError, AppResult};
pub use limits::Limits;
pub use routes::page;
pub use security::Reach;
pub use store::Store;

/// What every request handler shares.
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Store,
    pub brake: Arc<throttle::SignInBrake>,
    pub queue: upload::worker::Queue,
    pub limits: Limits,
    /// Argon2 hashing and verification, bounded.
    pub passwords: Arc<passwords::PasswordPool>,
    /// Requests being handled (`Limits::max_requests` permits).
    pub requests: Arc<tokio::sync::Semaphore>,
    /// `usernames` requests per teacher.
    pub usernames_rate: Arc<throttle::RateLimit>,
    /// HTTPS and the proxy in front, which decide the session cookie and the client address.
    pub reach: Reach,
}

impl AppState {
    pub fn new(store: Store) -> AppState {
        AppState::limited(store, Limits::default())
    }

    fn limited(store: Store, limits: Limits) -> AppState {
        AppState {
            store,
            brake: Arc::new(throttle::SignInBrake::new(limits.throttle_entries)),
            queue: upload::worker::Queue::default(),
            passwords: Arc::new(passwords::PasswordPool::new(
                limits.hashing_threads,
                limits.hashing_queue,
            )),
            requests: Arc::new(tokio::sync::Semaphore::new(limits.max_requests.max(1))),
            usernames_rate: Arc::new(throttle::RateLimit::new(
                limits.usernames_per_minute,
                Duration::from_secs(60),
                limits.throttle_entries,
            )),
            reach: Reach::default(),
            limits,
        }
    }

    /// The same state with other limits: fresh throttles and bounds; the store, the queue and
    /// the reach stay.
    pub fn with_limits(self, limits: Limits) -> AppState {
        AppState {
            queue: self.queue,
            reach: self.reach,
            ..AppState::limited(self.store, limits)
        }
    }

    /// The same state reached as `reach` says.
    pub fn reached(mut self, reach: Reach) -> AppState {
        self.reach = reach;
        self
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

/// The whole site `rollcall serve` answers: the API and the page's files (or the note saying
/// how to build them), every answer with the security headers.
pub fn site(state: AppState, web: Option<&std::path::Path>) -> Router {
    app(state)
        .merge(page(web))
        .layer(axum::middleware::from_fn(security::headers))
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
    /// The address teachers use (`--public-url`); `https://…` makes the session cookie
    /// `Secure` with the `__Host-` prefix.
    pub public_url: Option<String>,
    /// Believe a proxy's `X-Forwarded-Proto` and `X-Forwarded-For` (`--trust-proxy`).
    pub trust_proxy: bool,
    pub limits: Limits,
}

/// Opens the store, seeds the demo data if asked, binds `addr` and serves until interrupted.
/// `ready` is called with the bound address, the demo sign-ins and the queue's owner id (its
/// name in the leases it takes) before the first request.
pub async fn serve(
    config: Config,
    ready: impl FnOnce(std::net::SocketAddr, &[(String, String)], &str),
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
    let state = AppState::limited(store, config.limits.clone())
        .reached(Reach::new(config.public_url.as_deref(), config.trust_proxy));
    state.start_worker();
    ready(addr, &sign_ins, state.queue.owner());
    let router = site(state, config.web.as_deref());
    listen::serve_on(listener, router, &config.limits, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await;
    Ok(())
}
