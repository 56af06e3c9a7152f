//! Transient database errors and retrying them with backoff.
//!
//! A write that meets another process's write lock for longer than the busy timeout, a lost
//! connection, an I/O error or a full disk may well succeed a moment later. [`Retry::run`] runs
//! an operation again (it must be safe to rerun: a transaction that failed was rolled back
//! whole) with exponential backoff until it succeeds, fails for good, or the time allowed is
//! spent.

use std::time::{Duration, Instant};

/// Whether `error` may go away by itself: SQLite's busy, locked, I/O and full (extended result
/// codes whose primary code is 5, 6, 10 or 13), PostgreSQL's serialization failures, deadlocks,
/// lost connections and exhausted resources (SQLSTATE 40001, 40P01, class 08, class 53,
/// 57P01–57P03), the pool's time-out and a crashed connection worker, and any I/O error.
pub fn is_transient(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Database(db) => db.code().is_some_and(|code| transient_code(&code)),
        sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::WorkerCrashed => true,
        _ => false,
    }
}

/// A SQLSTATE has five characters; SQLite's (extended) result codes are numbers below 10,000.
fn transient_code(code: &str) -> bool {
    if code.len() == 5 {
        // PostgreSQL SQLSTATE.
        return matches!(code, "40001" | "40P01" | "57P01" | "57P02" | "57P03")
            || code.starts_with("08")
            || code.starts_with("53");
    }
    // SQLite: BUSY, LOCKED, IOERR, FULL (and their extended codes).
    code.parse::<i32>()
        .is_ok_and(|number| matches!(number & 0xff, 5 | 6 | 10 | 13))
}

/// Rolls back a transaction whose work failed, keeping its connection usable. After
/// SQLITE_FULL, an I/O error or a busy lock SQLite may already have rolled the transaction back
/// by itself; sqlx's ROLLBACK would then fail and leave sqlx counting the connection as inside
/// a transaction for good. A savepoint first makes sure there is a transaction to roll back
/// (the old one, or a new empty one), so the ROLLBACK succeeds either way.
pub async fn abandon(mut tx: sqlx::Transaction<'static, sqlx::Any>) {
    let _ = sqlx::raw_sql("SAVEPOINT abandoned").execute(&mut *tx).await;
    let _ = tx.rollback().await;
}

/// How long a transient error is retried: waits from `first` doubling up to `longest`, in all
/// at most `budget` of waiting for one operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retry {
    pub first: Duration,
    pub longest: Duration,
    pub budget: Duration,
}

impl Default for Retry {
    fn default() -> Retry {
        Retry {
            first: Duration::from_millis(50),
            longest: Duration::from_secs(2),
            budget: Duration::from_secs(30),
        }
    }
}

impl Retry {
    /// Runs `operation` until it succeeds, fails with an error that is not transient, or a
    /// transient error outlasts the budget; returns its last result.
    pub async fn run<T, F>(&self, mut operation: impl FnMut() -> F) -> Result<T, sqlx::Error>
    where
        F: Future<Output = Result<T, sqlx::Error>>,
    {
        let start = Instant::now();
        let mut wait = self.first;
        loop {
            match operation().await {
                Err(e) if is_transient(&e) && start.elapsed() + wait <= self.budget => {
                    tokio::time::sleep(jitter(wait)).await;
                    wait = (wait * 2).min(self.longest);
                }
                result => return result,
            }
        }
    }
}

/// `wait` give or take a quarter, so that two processes that met once do not meet again.
fn jitter(wait: Duration) -> Duration {
    let noise = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default()
        % 1000;
    wait * 3 / 4 + wait / 2 * noise / 1000
}

#[cfg(test)]
mod tests {
    use super::transient_code;

    #[test]
    fn busy_locked_io_and_full_are_transient_constraints_are_not() {
        for code in [
            "5", "517", "6", "262", "10", "266", "3338", "13", "40001", "08006",
        ] {
            assert!(transient_code(code), "{code}");
        }
        for code in ["19", "2067", "1555", "1", "23505", "42P01"] {
            assert!(!transient_code(code), "{code}");
        }
    }

    #[tokio::test]
    async fn a_transient_error_is_retried_until_it_clears_and_no_longer_than_the_budget() {
        use std::time::Duration;
        let retry = super::Retry {
            first: Duration::from_millis(1),
            longest: Duration::from_millis(5),
            budget: Duration::from_millis(200),
        };
        let tries = std::sync::atomic::AtomicU32::new(0);
        let next = || tries.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        let result = retry
            .run(|| {
                let n = next();
                async move {
                    if n < 4 {
                        Err(sqlx::Error::PoolTimedOut)
                    } else {
                        Ok(n)
                    }
                }
            })
            .await;
        assert_eq!(result.ok(), Some(4));
        let start = std::time::Instant::now();
        let result: Result<(), _> = retry.run(|| async { Err(sqlx::Error::PoolTimedOut) }).await;
        assert!(result.is_err());
        assert!(start.elapsed() < Duration::from_secs(2));
        let tries = std::sync::atomic::AtomicU32::new(0);
        let result: Result<(), _> = retry
            .run(|| {
                tries.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                async { Err(sqlx::Error::RowNotFound) }
            })
            .await;
        assert!(result.is_err());
        assert_eq!(tries.into_inner(), 1);
    }
}
