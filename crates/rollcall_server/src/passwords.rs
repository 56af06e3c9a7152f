//! Argon2 work, bounded: at most `threads` hashes or verifications run at once, at most `queue`
//! more wait for a turn, and one more is answered 503 at once. Without the bound, a burst of
//! sign-ins would start a blocking thread (and 19 MiB) each.
//!
//! Work comes in two lanes. A sign-in whose email or client address already failed in the
//! throttle's window is *suspect*: suspect work runs on at most `threads - 1` threads at once
//! (one, on one core) and has a queue of its own, so a crowd of guessers fills only its own
//! lane, and a teacher with a clean slate waits for at most one running hash before hers runs.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use tokio::sync::Semaphore;

use crate::auth;
use crate::error::AppError;

#[derive(Debug)]
pub struct PasswordPool {
    permits: Arc<Semaphore>,
    /// How many suspect requests may hold or wait for a permit at once.
    suspect_permits: Arc<Semaphore>,
    /// Requests running or waiting, clean and suspect.
    admitted: [AtomicUsize; 2],
    most: usize,
    verifications: Arc<AtomicU64>,
}

/// Which lane a piece of work goes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    Clean = 0,
    Suspect = 1,
}

/// One admitted request; dropping it lets another in.
struct Admission<'a>(&'a AtomicUsize);

impl Drop for Admission<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl PasswordPool {
    pub fn new(threads: usize, queue: usize) -> PasswordPool {
        let threads = threads.max(1);
        PasswordPool {
            permits: Arc::new(Semaphore::new(threads)),
            suspect_permits: Arc::new(Semaphore::new((threads - 1).max(1))),
            admitted: [AtomicUsize::new(0), AtomicUsize::new(0)],
            most: threads + queue,
            verifications: Arc::default(),
        }
    }

    /// Password verifications started so far (for tests and monitoring).
    pub fn verifications(&self) -> u64 {
        self.verifications.load(Ordering::SeqCst)
    }

    fn admit(&self, lane: Lane) -> Result<Admission<'_>, AppError> {
        let admitted = &self.admitted[lane as usize];
        if admitted.fetch_add(1, Ordering::SeqCst) >= self.most {
            admitted.fetch_sub(1, Ordering::SeqCst);
            return Err(AppError::Busy);
        }
        Ok(Admission(admitted))
    }

    /// Runs `work` on a blocking thread once a permit is free. The permit goes with the work,
    /// so a request that gives up waiting does not free a thread still hashing.
    async fn run<T: Send + 'static>(
        &self,
        lane: Lane,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let _admission = self.admit(lane)?;
        // Suspect work queues for its own lane first, so few of it ever wait for a thread
        // ahead of clean work.
        let lane_permit = match lane {
            Lane::Suspect => Some(
                Arc::clone(&self.suspect_permits)
                    .acquire_owned()
                    .await
                    .map_err(AppError::internal)?,
            ),
            Lane::Clean => None,
        };
        let permit = Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .map_err(AppError::internal)?;
        tokio::task::spawn_blocking(move || {
            let _permits = (permit, lane_permit);
            work()
        })
        .await
        .map_err(AppError::internal)
    }

    /// Checks `password` against `hash` in `lane`; `Err(AppError::Busy)` when too many wait
    /// in that lane already.
    pub async fn verify(
        &self,
        hash: String,
        password: String,
        lane: Lane,
    ) -> Result<bool, AppError> {
        let verifications = Arc::clone(&self.verifications);
        self.run(lane, move || {
            verifications.fetch_add(1, Ordering::SeqCst);
            auth::verify_password(&hash, &password)
        })
        .await
    }

    /// Hashes `password`; `Err(AppError::Busy)` when too many wait already.
    pub async fn hash(&self, password: String) -> Result<String, AppError> {
        self.run(Lane::Clean, move || auth::hash_password(&password))
            .await?
    }
}
