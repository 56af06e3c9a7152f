//! The store: every SQL statement the server runs, behind one type, on either backend through
//! sqlx's `Any` driver: an embedded SQLite file (the default; WAL, created on open) or a
//! PostgreSQL server that many processes share. The statements are the same text for both:
//! `$n` parameters and SQL that both read. Where the two differ (how a writing transaction
//! begins, durability of one commit, wake-ups) the store asks [`Backend`].

pub mod apply;
mod apply_create;
pub mod audit;
mod bulk;
mod claims;
pub mod classes;
mod directory;
mod exports;
pub use exports::ExportSnapshot;
pub mod retry;
pub mod reverts;
mod schema;
mod sessions;
pub mod sign_ins;
pub mod student_accounts;
mod students;
pub mod update_batch;
mod upload_rows;
pub mod uploads;

use std::sync::Once;
use std::time::Duration;

use sqlx::any::AnyPoolOptions;
use sqlx::{Any, AnyConnection, AnyPool, Transaction};

use crate::clock::Clock;

/// A number that orders what this process stores: microseconds since 1970 by `clock`, one more
/// than the last when the clock has not moved on (or went back, or is fixed).
pub(crate) fn sequence(clock: &Clock) -> i64 {
    static LAST: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);
    let now = clock.unix_micros();
    let mut last = LAST.load(std::sync::atomic::Ordering::Relaxed);
    loop {
        let next = now.max(last + 1);
        match LAST.compare_exchange_weak(
            last,
            next,
            std::sync::atomic::Ordering::Relaxed,
            std::sync::atomic::Ordering::Relaxed,
        ) {
            Ok(_) => return next,
            Err(seen) => last = seen,
        }
    }
}

/// `url` with `mode=rwc` added unless it names a mode: the file is created if missing.
fn sqlite_url_creating(url: &str) -> String {
    if url.contains("mode=") || url.contains(":memory:") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    }
}

/// A school as the teacher sees it, and a signed-in teacher: as the API sends them.
pub use rollcall_protocol::{School, Teacher};

pub use exports::ExportSummary;
pub use students::{NewStudent, StudentRecord};

/// The PostgreSQL channel on which a stored upload wakes every process's queue.
pub const QUEUE_CHANNEL: &str = "rollcall_queue";

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The statement that begins a writing transaction (see [`Store::begin_write`]).
    pub fn begin_write(self) -> &'static str {
        match self {
            Backend::Sqlite => "BEGIN IMMEDIATE",
            Backend::Postgres => "BEGIN",
        }
    }

    /// The backend a database URL names: `postgres://…` or `postgresql://…`, else SQLite.
    pub fn of(url: &str) -> Backend {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }
}

/// The steps that processes take in turn (see [`Store::take_turn`]); the value is the key of
/// the PostgreSQL advisory lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Turn {
    Migrate = 727_001,
    Claim = 727_002,
}

#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    url: String,
    /// Where every time the store writes comes from.
    clock: Clock,
}

impl Store {
    /// Opens and migrates the database at `url`: `sqlite://path` (created if needed) or
    /// `postgres://user@host:port/database`.
    pub async fn open(url: &str) -> Result<Store, String> {
        Store::open_with_busy_timeout(url, Duration::from_secs(10)).await
    }

    /// [`Store::open`]; on SQLite a write waits at most `busy_timeout` for another
    /// connection's write lock before it fails (and the queue retries it).
    pub async fn open_with_busy_timeout(
        url: &str,
        busy_timeout: Duration,
    ) -> Result<Store, String> {
        static DRIVERS: Once = Once::new();
        DRIVERS.call_once(sqlx::any::install_default_drivers);
        let backend = Backend::of(url);
        let options = AnyPoolOptions::new()
            // A write that failed with SQLITE_FULL or an I/O error can make SQLite roll the
            // transaction back by itself; sqlx's own ROLLBACK then fails and it still counts
            // the connection as inside a transaction, so every later BEGIN on it would fail.
            // Such a connection is closed instead of being given out again.
            .before_acquire(|conn, _| {
                Box::pin(async move { Ok(!sqlx::Connection::is_in_transaction(conn)) })
            });
        let (options, connect_url) = match backend {
            Backend::Postgres => (options.max_connections(16), url.to_owned()),
            Backend::Sqlite => {
                let pragmas = format!(
                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                     PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON; \
                     PRAGMA busy_timeout = {};",
                    busy_timeout.as_millis()
                );
                let options = options.max_connections(8).after_connect(move |conn, _| {
                    let pragmas = pragmas.clone();
                    Box::pin(async move {
                        sqlx::raw_sql(sqlx::AssertSqlSafe(pragmas))
                            .execute(&mut *conn)
                            .await?;
                        Ok(())
                    })
                });
                (options, sqlite_url_creating(url))
            }
        };
        let pool = options
            .connect(&connect_url)
            .await
            .map_err(|e| format!("cannot open the database {url}: {e}"))?;
        let store = Store {
            pool,
            backend,
            url: url.to_owned(),
            clock: Clock::system(),
        };
        store
            .migrate()
            .await
            .map_err(|e| format!("cannot migrate the database {url}: {e}"))?;
        Ok(store)
    }

    /// The same store reading the time from `clock` (a test's fixed clock); its clones, the
    /// queue's among them, share it.
    pub fn with_clock(mut self, clock: Clock) -> Store {
        self.clock = clock;
        self
    }

    /// The clock every time the server stores or shows comes from.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The URL the store was opened with.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Runs the migrations not yet applied, one transaction each. Processes that start
    /// together take turns: SQLite's write lock, or on PostgreSQL an advisory lock held for
    /// the transaction, and the applied number is read again under it.
    async fn migrate(&self) -> Result<(), sqlx::Error> {
        loop {
            let mut tx = self.begin_write().await?;
            self.take_turn(&mut tx, Turn::Migrate).await?;
            sqlx::query("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)")
                .execute(&mut *tx)
                .await?;
            let applied: i64 =
                sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM schema_version")
                    .fetch_one(&mut *tx)
                    .await?;
            let Some(number) = (applied as usize + 1..=schema::MIGRATIONS.len()).next() else {
                tx.commit().await?;
                return Ok(());
            };
            sqlx::raw_sql(sqlx::AssertSqlSafe(schema::migration(self.backend, number)))
                .execute(&mut *tx)
                .await?;
            sqlx::query("INSERT INTO schema_version (version) VALUES ($1)")
                .bind(number as i64)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        }
    }

    /// Waits until no other transaction of any process holds `turn`, and holds it until this
    /// transaction ends. SQLite needs nothing: `BEGIN IMMEDIATE` already lets one writer in at a
    /// time. PostgreSQL lets writers run side by side, and under READ COMMITTED neither sees the
    /// other's uncommitted rows, so steps that read, decide and then write (which migration is
    /// next, which upload is free to claim) take an advisory lock first; each statement after
    /// it then sees everything the previous holder committed.
    pub async fn take_turn(&self, tx: &mut AnyConnection, turn: Turn) -> Result<(), sqlx::Error> {
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(turn as i64)
                .execute(&mut *tx)
                .await?;
        }
        Ok(())
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// A transaction that writes. On SQLite it takes the write lock when it begins (`BEGIN
    /// IMMEDIATE`), waiting for it up to the busy timeout: a plain (deferred) transaction
    /// that reads first and writes after another connection has committed cannot take the
    /// lock at all (SQLite answers "database is locked" at once, without waiting), and the
    /// whole upload or export would fail because two requests met. PostgreSQL locks rows as
    /// they are written, so a plain `BEGIN` is right there.
    pub async fn begin_write(&self) -> Result<Transaction<'static, Any>, sqlx::Error> {
        self.pool.begin_with(self.backend.begin_write()).await
    }

    // Districts, schools, teachers.
}
