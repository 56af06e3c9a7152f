//! The one clock the server reads the time from: every wall-clock time it stores or shows (an
//! upload's `created_at` and `finished_at`, an export's time, sessions, leases, the audit table,
//! when a temporary password expires) comes from the [`Clock`] its [`Store`](crate::Store)
//! holds. The server runs on [`Clock::system`]; a test fixes the time with [`Clock::fixed`] and
//! moves it on with [`Clock::set`] or [`Clock::advance`], so what the server writes can be
//! compared with an exact text.
//!
//! Waiting and measuring (throttles, retries, timeouts) use `Instant` and Tokio's timers, not
//! this clock: they need a clock that only moves forward, not the time of day.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The time of day, from the system or fixed by a test. Cheap to clone: the clones of a fixed
/// clock share its time, so setting one sets them all.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    /// Microseconds since 1970 of a fixed clock; `None` for the system's.
    fixed: Option<Arc<AtomicI64>>,
}

fn micros_of(time: SystemTime) -> i64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => after.as_micros() as i64,
        Err(before) => -(before.duration().as_micros() as i64),
    }
}

impl Clock {
    /// The system's clock.
    pub fn system() -> Clock {
        Clock { fixed: None }
    }

    /// A clock that shows `time` until it is set or advanced (to microseconds).
    pub fn fixed(time: SystemTime) -> Clock {
        Clock {
            fixed: Some(Arc::new(AtomicI64::new(micros_of(time)))),
        }
    }

    /// Whether this clock was fixed by [`Clock::fixed`].
    pub fn is_fixed(&self) -> bool {
        self.fixed.is_some()
    }

    /// Sets a fixed clock (and its clones) to `time`.
    ///
    /// Panics on the system clock, which no one can set: a test that means to fix the time must
    /// not go on reading the real one.
    pub fn set(&self, time: SystemTime) {
        self.fixed_micros()
            .store(micros_of(time), Ordering::Relaxed);
    }

    /// Moves a fixed clock (and its clones) on by `by`. Panics on the system clock, as
    /// [`Clock::set`] does.
    pub fn advance(&self, by: Duration) {
        self.fixed_micros()
            .fetch_add(by.as_micros() as i64, Ordering::Relaxed);
    }

    fn fixed_micros(&self) -> &AtomicI64 {
        self.fixed
            .as_deref()
            .expect("only a fixed clock (Clock::fixed) can be set")
    }

    /// The time now.
    pub fn now(&self) -> SystemTime {
        match &self.fixed {
            None => SystemTime::now(),
            Some(_) => {
                let micros = self.unix_micros();
                if micros >= 0 {
                    UNIX_EPOCH + Duration::from_micros(micros as u64)
                } else {
                    UNIX_EPOCH - Duration::from_micros(micros.unsigned_abs())
                }
            }
        }
    }

    /// Microseconds since 1970.
    pub fn unix_micros(&self) -> i64 {
        match &self.fixed {
            None => micros_of(SystemTime::now()),
            Some(micros) => micros.load(Ordering::Relaxed),
        }
    }

    /// Milliseconds since 1970: leases and the sign-in counts.
    pub fn unix_millis(&self) -> i64 {
        self.unix_micros().div_euclid(1000)
    }

    /// Seconds since 1970: sessions.
    pub fn unix_seconds(&self) -> i64 {
        self.unix_micros().div_euclid(1_000_000)
    }

    /// The time now as the store writes it: RFC 3339, UTC, whole seconds
    /// (`2026-03-02T08:15:30Z`).
    pub fn rfc3339_seconds(&self) -> String {
        rfc3339_seconds(self.now())
    }

    /// The time now to the millisecond, as the audit table writes it
    /// (`2026-03-02T08:15:30.250Z`).
    pub fn rfc3339_millis(&self) -> String {
        humantime::format_rfc3339_millis(self.now()).to_string()
    }
}

/// `time` as RFC 3339, UTC, whole seconds.
pub fn rfc3339_seconds(time: SystemTime) -> String {
    humantime::format_rfc3339_seconds(time).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> SystemTime {
        humantime::parse_rfc3339(text).expect("a time")
    }

    #[test]
    fn a_fixed_clock_shows_its_time_in_every_unit() {
        let clock = Clock::fixed(at("2026-03-02T08:15:30.250Z"));
        assert!(clock.is_fixed());
        assert_eq!(clock.rfc3339_seconds(), "2026-03-02T08:15:30Z");
        assert_eq!(clock.rfc3339_millis(), "2026-03-02T08:15:30.250Z");
        assert_eq!(clock.unix_seconds(), 1_772_439_330);
        assert_eq!(clock.unix_millis(), 1_772_439_330_250);
        assert_eq!(clock.now(), at("2026-03-02T08:15:30.250Z"));
    }

    #[test]
    fn clones_of_a_fixed_clock_move_together() {
        let clock = Clock::fixed(at("2026-03-02T08:15:30Z"));
        let clone = clock.clone();
        clock.advance(Duration::from_secs(90));
        assert_eq!(clone.rfc3339_seconds(), "2026-03-02T08:17:00Z");
        clone.set(at("2027-01-01T00:00:00Z"));
        assert_eq!(clock.rfc3339_seconds(), "2027-01-01T00:00:00Z");
    }

    #[test]
    #[should_panic(expected = "only a fixed clock")]
    fn the_system_clock_cannot_be_set() {
        let clock = Clock::system();
        assert!(!clock.is_fixed());
        clock.set(UNIX_EPOCH);
    }
}
