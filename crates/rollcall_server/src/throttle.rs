//! Throttles kept in memory, each in a map of bounded size: the sign-in brake (per account, per
//! account and client address, per client address) and the per-teacher request rate of
//! `usernames`.
//!
//! A sign-in attempt is reserved before its password is verified, so attempts sent in parallel
//! cannot all pass the check before the first failure is counted. The brake slows an account
//! that strangers guess at, but locks nobody out for longer than [`FAILURE_WINDOW`]: the hard
//! limit is per account *and* client address, so a stranger elsewhere only spaces out the
//! owner's attempts by at most [`MAX_SPACING`].

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::error::AppError;

/// Failed sign-ins for one email from one client address within [`FAILURE_WINDOW`] before
/// further attempts from there are refused until the window ends.
pub const MAX_FAILURES: u32 = 5;
/// Failed sign-ins from one client address, whatever the emails, before it is refused.
pub const MAX_ADDRESS_FAILURES: u32 = 100;
/// How long failures are remembered, counted from the first.
pub const FAILURE_WINDOW: Duration = Duration::from_secs(15 * 60);
/// The longest wait between two attempts for an account strangers have guessed at.
pub const MAX_SPACING: Duration = Duration::from_secs(60);
/// The longest email accepted at sign-in (RFC 5321's path limit, less the brackets).
pub const MAX_EMAIL_BYTES: usize = 254;

/// The email a sign-in is looked up and throttled under: trimmed and lower-cased. `None` for
/// one longer than [`MAX_EMAIL_BYTES`], which is refused without hashing anything.
pub fn normalise_email(email: &str) -> Option<String> {
    let email = email.trim().to_lowercase();
    (email.len() <= MAX_EMAIL_BYTES).then_some(email)
}

/// A map that never holds more than its capacity: when full, it drops the entries that no
/// longer matter, and then, if still full, the quarter least recently touched.
#[derive(Debug)]
pub struct BoundedMap<K, V> {
    entries: HashMap<K, (V, Instant)>,
    capacity: usize,
}

impl<K: Hash + Eq + Clone, V> BoundedMap<K, V> {
    pub fn new(capacity: usize) -> BoundedMap<K, V> {
        BoundedMap {
            entries: HashMap::new(),
            capacity: capacity.max(4),
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// The entry for `key`, made by `make` if there is none. `spent` says which entries may be
    /// dropped at once to make room.
    pub fn entry(
        &mut self,
        key: K,
        now: Instant,
        make: impl FnOnce() -> V,
        spent: impl Fn(&V) -> bool,
    ) -> &mut V {
        if !self.entries.contains_key(&key) && self.entries.len() >= self.capacity {
            self.make_room(spent);
        }
        let (value, touched) = self.entries.entry(key).or_insert_with(|| (make(), now));
        *touched = now;
        value
    }

    pub fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        self.entries.get_mut(key).map(|(value, _)| value)
    }

    pub fn remove(&mut self, key: &K) {
        self.entries.remove(key);
    }

    fn make_room(&mut self, spent: impl Fn(&V) -> bool) {
        self.entries.retain(|_, (value, _)| !spent(value));
        if self.entries.len() < self.capacity * 3 / 4 {
            return;
        }
        // Forget the least recently touched quarter: a flood of new keys costs each key's
        // insertion O(1) on average, however long it lasts.
        let mut touched: Vec<Instant> = self.entries.values().map(|(_, t)| *t).collect();
        let cut = touched.len() / 4;
        let (_, cutoff, _) = touched.select_nth_unstable(cut);
        let cutoff = *cutoff;
        self.entries.retain(|_, (_, t)| *t > cutoff);
    }
}

/// What the brake counts under one key.
#[derive(Debug, Clone, Copy)]
struct Tally {
    failures: u32,
    in_flight: u32,
    window_start: Instant,
    last_admitted: Instant,
}

impl Tally {
    fn new(now: Instant) -> Tally {
        Tally {
            failures: 0,
            in_flight: 0,
            window_start: now,
            last_admitted: now,
        }
    }

    /// Forgets failures older than the window.
    fn refresh(&mut self, now: Instant) {
        if now.duration_since(self.window_start) >= FAILURE_WINDOW {
            self.failures = 0;
            self.window_start = now;
        }
    }

    fn spent(&self, now: Instant) -> bool {
        self.in_flight == 0
            && (self.failures == 0 || now.duration_since(self.window_start) >= FAILURE_WINDOW)
    }

    /// Seconds until the window ends (at least one).
    fn window_left(&self, now: Instant) -> u64 {
        seconds(FAILURE_WINDOW.saturating_sub(now.duration_since(self.window_start)))
    }
}

fn seconds(duration: Duration) -> u64 {
    duration.as_secs_f64().ceil().max(1.0) as u64
}

/// The keys the brake counts under.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    /// One email from one client address (or from anywhere, when the address is unknown):
    /// refused after [`MAX_FAILURES`] until the window ends.
    Pair(String, Option<IpAddr>),
    /// One email from all addresses: after [`MAX_FAILURES`], one attempt at a time, spaced
    /// by a wait that doubles with each failure up to [`MAX_SPACING`].
    Account(String),
    /// One address, whatever the email: refused after [`MAX_ADDRESS_FAILURES`].
    Address(IpAddr),
}

impl Key {
    /// `Ok` to admit one more attempt under this key, or the seconds to wait.
    fn admits(&self, tally: &Tally, now: Instant) -> Result<(), u64> {
        let counted = tally.failures + tally.in_flight;
        match self {
            Key::Pair(..) if counted >= MAX_FAILURES => Err(tally.window_left(now)),
            Key::Address(_) if counted >= MAX_ADDRESS_FAILURES => Err(tally.window_left(now)),
            Key::Account(_) if counted >= MAX_FAILURES => {
                let beyond = tally.failures.saturating_sub(MAX_FAILURES).min(6);
                let spacing = Duration::from_secs(1 << beyond).min(MAX_SPACING);
                let waited = now.duration_since(tally.last_admitted);
                if tally.in_flight > 0 {
                    Err(seconds(spacing))
                } else if waited < spacing {
                    Err(seconds(spacing - waited))
                } else {
                    Ok(())
                }
            }
            _ => Ok(()),
        }
    }
}

/// The sign-in brake. Share it in an `Arc`: an [`Attempt`] holds it until it is settled.
#[derive(Debug)]
pub struct SignInBrake {
    tallies: Mutex<BoundedMap<Key, Tally>>,
}

impl Default for SignInBrake {
    fn default() -> SignInBrake {
        SignInBrake::new(crate::limits::Limits::default().throttle_entries)
    }
}

impl SignInBrake {
    /// A brake that keeps at most `capacity` entries.
    pub fn new(capacity: usize) -> SignInBrake {
        SignInBrake {
            tallies: Mutex::new(BoundedMap::new(capacity)),
        }
    }

    fn tallies(&self) -> MutexGuard<'_, BoundedMap<Key, Tally>> {
        // A panic while holding the lock leaves counts, never a broken map: go on with them.
        self.tallies.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Entries held now.
    pub fn len(&self) -> usize {
        self.tallies().len()
    }

    pub fn is_empty(&self) -> bool {
        self.tallies().is_empty()
    }

    /// The most entries it ever holds.
    pub fn capacity(&self) -> usize {
        self.tallies().capacity()
    }

    fn keys(email: &str, address: Option<IpAddr>) -> Vec<Key> {
        let mut keys = vec![Key::Pair(email.to_owned(), address)];
        if let Some(address) = address {
            keys.push(Key::Account(email.to_owned()));
            keys.push(Key::Address(address));
        }
        keys
    }

    /// Reserves one attempt for the (normalised) `email` from `address`, or answers 429 with
    /// how long to wait. The attempt counts as a failure until it is settled otherwise.
    pub fn reserve(
        self: &Arc<Self>,
        email: &str,
        address: Option<IpAddr>,
    ) -> Result<Attempt, AppError> {
        let now = Instant::now();
        let keys = SignInBrake::keys(email, address);
        let mut tallies = self.tallies();
        let mut wait = 0;
        for key in &keys {
            if let Some(tally) = tallies.get_mut(key) {
                tally.refresh(now);
                if let Err(seconds) = key.admits(tally, now) {
                    wait = wait.max(seconds);
                }
            }
        }
        if wait > 0 {
            return Err(AppError::TooManyRequests(wait));
        }
        // Failures already counted against the email or the address, in this window.
        let suspect = keys
            .iter()
            .any(|key| tallies.get_mut(key).is_some_and(|tally| tally.failures > 0));
        for key in &keys {
            let tally = tallies.entry(
                key.clone(),
                now,
                || Tally::new(now),
                |tally| tally.spent(now),
            );
            tally.in_flight += 1;
            tally.last_admitted = now;
        }
        Ok(Attempt {
            brake: Arc::clone(self),
            keys,
            suspect,
            settled: false,
        })
    }

    fn settle(&self, keys: &[Key], outcome: Outcome) {
        let now = Instant::now();
        let mut tallies = self.tallies();
        for key in keys {
            let Some(tally) = tallies.get_mut(key) else {
                continue;
            };
            tally.in_flight = tally.in_flight.saturating_sub(1);
            match (outcome, key) {
                (Outcome::Failed, _) => {
                    tally.refresh(now);
                    tally.failures += 1;
                }
                // The owner got in: the account's slate is clean, the address's is not.
                (Outcome::Succeeded, Key::Pair(..) | Key::Account(_)) => {
                    tally.failures = 0;
                }
                _ => {}
            }
            if tally.in_flight == 0 && tally.failures == 0 {
                tallies.remove(key);
            }
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Outcome {
    Failed,
    Succeeded,
    /// Not tried at all (the server was too busy to verify): nothing counts.
    Withdrawn,
}

/// A reserved sign-in attempt. Dropped unsettled, it counts as a failure.
#[derive(Debug)]
pub struct Attempt {
    brake: Arc<SignInBrake>,
    keys: Vec<Key>,
    suspect: bool,
    settled: bool,
}

impl Attempt {
    /// True when its email or its client address already failed in this window: its password
    /// is then verified after those of attempts with a clean slate (`PasswordPool`), so
    /// guessers slow each other down, not the teachers who type their password right.
    pub fn suspect(&self) -> bool {
        self.suspect
    }

    fn settle(mut self, outcome: Outcome) {
        self.settled = true;
        self.brake.settle(&self.keys, outcome);
    }

    pub fn failed(self) {
        self.settle(Outcome::Failed);
    }

    pub fn succeeded(self) {
        self.settle(Outcome::Succeeded);
    }

    /// The password was never checked (the server was busy): the attempt does not count.
    pub fn withdrawn(self) {
        self.settle(Outcome::Withdrawn);
    }
}

impl Drop for Attempt {
    fn drop(&mut self) {
        if !self.settled {
            self.brake.settle(&self.keys, Outcome::Failed);
        }
    }
}

/// A fixed-window rate: at most `per_window` requests per key in each window.
#[derive(Debug)]
pub struct RateLimit {
    per_window: u32,
    window: Duration,
    windows: Mutex<BoundedMap<String, (u32, Instant)>>,
}

impl RateLimit {
    pub fn new(per_window: u32, window: Duration, capacity: usize) -> RateLimit {
        RateLimit {
            per_window,
            window,
            windows: Mutex::new(BoundedMap::new(capacity)),
        }
    }

    /// Counts one request for `key`, or answers 429 with the seconds until its window ends.
    pub fn hit(&self, key: &str) -> Result<(), AppError> {
        let now = Instant::now();
        let window = self.window;
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        let (count, start) = windows.entry(
            key.to_owned(),
            now,
            || (0, now),
            |(_, start)| now.duration_since(*start) >= window,
        );
        if now.duration_since(*start) >= window {
            *count = 0;
            *start = now;
        }
        if *count >= self.per_window {
            return Err(AppError::TooManyRequests(seconds(
                window.saturating_sub(now.duration_since(*start)),
            )));
        }
        *count += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_lower_cased_and_bounded() {
        assert_eq!(
            normalise_email("  Teacher@Demo.School\t").as_deref(),
            Some("teacher@demo.school")
        );
        assert_eq!(
            normalise_email(&"a".repeat(254)).map(|e| e.len()),
            Some(254)
        );
        assert_eq!(normalise_email(&"a".repeat(255)), None);
    }

    #[test]
    fn a_stranger_elsewhere_only_spaces_out_the_owners_attempts() {
        let brake = Arc::new(SignInBrake::new(100));
        let stranger: IpAddr = [192, 0, 2, 1].into();
        let owner: IpAddr = [198, 51, 100, 7].into();
        for _ in 0..MAX_FAILURES {
            brake
                .reserve("t@x", Some(stranger))
                .expect("admitted")
                .failed();
        }
        // The stranger is refused for the rest of the window ...
        let Err(AppError::TooManyRequests(wait)) = brake.reserve("t@x", Some(stranger)) else {
            panic!("the stranger goes on");
        };
        assert!(wait > 60 && wait <= FAILURE_WINDOW.as_secs());
        // ... while the owner elsewhere waits a second, never more than a minute.
        let Err(AppError::TooManyRequests(wait)) = brake.reserve("t@x", Some(owner)) else {
            panic!("the account is not slowed");
        };
        assert!(wait <= MAX_SPACING.as_secs(), "{wait}");
        // Another account from the owner's address is not slowed at all.
        brake
            .reserve("u@x", Some(owner))
            .expect("another account")
            .succeeded();
    }

    #[test]
    fn a_full_map_forgets_its_oldest_entries() {
        let mut map = BoundedMap::new(100);
        let start = Instant::now();
        for n in 0..10_000u32 {
            let now = start + Duration::from_millis(u64::from(n));
            *map.entry(n, now, || 0, |_: &u32| false) += 1;
            assert!(map.len() <= 100);
        }
        assert!(map.get_mut(&9_999).is_some());
        assert!(map.get_mut(&0).is_none());
    }
}
