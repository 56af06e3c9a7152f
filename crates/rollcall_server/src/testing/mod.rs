//! For tests and benchmarks only, not part of the server: a fresh, empty database per test, on
//! SQLite or, when `ROLLCALL_TEST_POSTGRES` names a PostgreSQL server, on that server. The
//! server's own tests, the command line's multi-process test and the benchmarks share these; and
//! the reading of docs/api.md's examples that the tests run ([`doc_examples`]).

use std::path::Path;

pub mod doc_examples;

/// The time a test's fixed clock starts at: 2026-03-02T08:15:30.250Z (a quarter second past,
/// so that times written to the second and to the millisecond differ).
pub fn fixed_time() -> std::time::SystemTime {
    std::time::UNIX_EPOCH + std::time::Duration::from_millis(1_772_439_330_250)
}

/// A clock fixed at [`fixed_time`], for a store made with `Store::with_clock`: every time the
/// server writes is then known in advance. Move it on with `Clock::advance` or `Clock::set`.
pub fn fixed_clock() -> crate::Clock {
    crate::Clock::fixed(fixed_time())
}

/// The file in a test's folder that names its PostgreSQL schema.
const SCHEMA_NOTE: &str = "postgres-schema";

/// The PostgreSQL server the tests run on instead of SQLite, when one is given in
/// `ROLLCALL_TEST_POSTGRES` (`cargo xtask test` runs the server's tests once without and once
/// with it).
pub fn postgres_for_tests() -> Option<String> {
    std::env::var("ROLLCALL_TEST_POSTGRES")
        .ok()
        .filter(|url| !url.is_empty())
}

/// A fresh, empty database for one test: a SQLite file in `dir`, or with
/// `ROLLCALL_TEST_POSTGRES` a new schema on that server (`rollcall_test_…`, noted in `dir` and
/// dropped by [`drop_database`]), reached through a URL that puts it first on the search path.
///
/// Panics when the PostgreSQL server cannot be reached: a test cannot go on without it.
pub async fn fresh_database(dir: &Path) -> String {
    let Some(server) = postgres_for_tests() else {
        return format!("sqlite://{}", dir.join("test.db").display());
    };
    use sqlx::Connection;
    let schema = format!("rollcall_test_{}", uuid::Uuid::new_v4().simple());
    let mut conn = sqlx::PgConnection::connect(&server)
        .await
        .expect("the PostgreSQL of ROLLCALL_TEST_POSTGRES");
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&mut conn)
        .await
        .expect("create a schema");
    let _ = conn.close().await;
    std::fs::write(dir.join(SCHEMA_NOTE), &schema).expect("note the schema");
    let separator = if server.contains('?') { '&' } else { '?' };
    format!("{server}{separator}options[search_path]={schema}")
}

/// Drops the PostgreSQL schema [`fresh_database`] made for `dir`, if it made one. Runs on a
/// thread of its own, so it may be called from a runtime that is shutting down (a `Drop`).
///
/// The test's own connections may still hold locks in the schema: a queue worker of a server
/// being dropped can be half-way through a transaction, and it cannot go on while this waits
/// (on a current-thread runtime the one thread is waiting here). Rather than wait for each
/// other for ever, the DROP gives up on a lock after a while, ends the sessions holding locks
/// on the schema's tables, and tries again.
pub fn drop_database(dir: &Path) {
    let (Some(server), Ok(schema)) = (
        postgres_for_tests(),
        std::fs::read_to_string(dir.join(SCHEMA_NOTE)),
    ) else {
        return;
    };
    let _ = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .ok()?;
        runtime.block_on(async {
            use sqlx::Connection;
            let mut conn = sqlx::PgConnection::connect(&server).await.ok()?;
            let drop = format!("SET lock_timeout = '1s'; DROP SCHEMA IF EXISTS {schema} CASCADE");
            for _ in 0..5 {
                let dropped = sqlx::raw_sql(sqlx::AssertSqlSafe(drop.clone()))
                    .execute(&mut conn)
                    .await;
                if dropped.is_ok() {
                    break;
                }
                let _ = sqlx::query(
                    "SELECT pg_terminate_backend(l.pid) FROM pg_locks l
                     JOIN pg_class c ON c.oid = l.relation
                     JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE n.nspname = $1 AND l.pid <> pg_backend_pid()",
                )
                .bind(&schema)
                .execute(&mut conn)
                .await;
            }
            conn.close().await.ok()
        })
    })
    .join();
}
