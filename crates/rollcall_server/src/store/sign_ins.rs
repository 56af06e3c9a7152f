//! The sign-in limit every process shares: failed sign-ins per email and client address, in
//! the database. Each process's brake (`throttle.rs`) decides first, from memory; this count
//! makes the limit hold however many processes a guesser spreads attempts over. An attempt is
//! counted before its password is verified (so parallel ones cannot slip past), forgotten if
//! the password was never checked, and the pair's count is cleared when its owner gets in.

use super::Store;

/// A pair's attempts were counted up to the limit: wait this many seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused(pub u64);

impl Store {
    /// Counts one attempt for `email` from `address` (`""` when unknown) at `now` (ms since
    /// 1970); refused when the pair already has `most` within `window` ms.
    pub async fn count_sign_in(
        &self,
        email: &str,
        address: &str,
        now: i64,
        window: i64,
        most: i64,
    ) -> Result<Result<(), Refused>, sqlx::Error> {
        let counted: Option<i64> = sqlx::query_scalar(
            "INSERT INTO sign_in_failures (email, address, window_start, failures)
             VALUES ($1, $2, $3, 1)
             ON CONFLICT (email, address) DO UPDATE SET
                 failures = CASE WHEN sign_in_failures.window_start <= $4 THEN 1
                                 ELSE sign_in_failures.failures + 1 END,
                 window_start = CASE WHEN sign_in_failures.window_start <= $4 THEN $3
                                     ELSE sign_in_failures.window_start END
             WHERE sign_in_failures.window_start <= $4 OR sign_in_failures.failures < $5
             RETURNING failures",
        )
        .bind(email)
        .bind(address)
        .bind(now)
        .bind(now - window)
        .bind(most)
        .fetch_optional(&self.pool)
        .await?;
        if counted.is_some() {
            return Ok(Ok(()));
        }
        let started: Option<i64> = sqlx::query_scalar(
            "SELECT window_start FROM sign_in_failures WHERE email = $1 AND address = $2",
        )
        .bind(email)
        .bind(address)
        .fetch_optional(&self.pool)
        .await?;
        let left = started.map_or(window, |start| start + window - now);
        Ok(Err(Refused((left.max(1000) as u64).div_ceil(1000))))
    }

    /// The owner got in: the pair's count starts again.
    pub async fn clear_sign_in(&self, email: &str, address: &str) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM sign_in_failures WHERE email = $1 AND address = $2")
            .bind(email)
            .bind(address)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The password was never checked: the attempt does not count.
    pub async fn uncount_sign_in(&self, email: &str, address: &str) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE sign_in_failures SET failures = failures - 1
             WHERE email = $1 AND address = $2 AND failures > 0",
        )
        .bind(email)
        .bind(address)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Forgets the counts whose window began before `before` (ms), so the table holds only
    /// the last window's guessing.
    pub async fn purge_sign_in_counts(&self, before: i64) -> Result<u64, sqlx::Error> {
        let done = sqlx::query("DELETE FROM sign_in_failures WHERE window_start < $1")
            .bind(before)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}
