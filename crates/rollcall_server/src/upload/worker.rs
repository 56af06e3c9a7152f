//! The queue worker: finishes every stored upload, oldest first (one a stopped server left In
//! Progress before any other), one batch of rows per transaction. Uploads are stored before
//! they are acknowledged and each row's change commits together with its new state, so an
//! upload that was queued or running when the server stopped is finished exactly once after a
//! restart.
//!
//! Several processes may share the database: each claims an upload under a lease
//! (`lease.rs`) and takes each row from `pending` in the transaction that applies it, so no
//! upload is worked on by two at once and no row is applied twice. The worker looks for work
//! every second as well as when woken, since another process may have stored the upload.
//! Transient database errors are retried with backoff (`store::retry`); an upload that still
//! cannot finish, or whose processing panicked, ends Failed with every row not applied failed
//! with a message, and the worker goes on with the next.

use std::sync::Arc;
use std::time::Duration;

use rollcall_core::Op;
use tokio::sync::Notify;

use super::apply::{Batch, Target, apply_batch};
use super::hashing::{batch_ranges, hash_all, password_for};
use super::hooks::Hooks;
use super::lease::{self, Lease, LeaseWatch};
use super::validate::{CurrentRoster, Verdict, revalidate};
use crate::row_problem::{RowProblem, WorkerProblem};
use crate::store::apply::UsernameHints;
use crate::store::classes::ClassOwner;
use crate::store::retry::Retry;
use crate::store::uploads::{RowState, StoredUpload, UploadCounts, UploadStatus};
use crate::store::{Backend, QUEUE_CHANNEL, Store};

/// Uploads one process works on at once. Each is of a different school (see
/// `Store::claim_upload`), so one school's large upload never holds up the others'.
const WORKERS: usize = 2;

/// How often an idle worker erases the text of temporary passwords that expired unused.
const SWEEP_EVERY_MS: i64 = 60_000;

/// How often an idle worker looks for uploads other processes stored.
const POLL: Duration = Duration::from_secs(1);

/// The queue: wakes the worker when an upload is stored. `hooks` and `retry` may be set
/// before the worker starts.
#[derive(Debug, Clone)]
pub struct Queue {
    notify: Arc<Notify>,
    /// This process's name in the leases it takes.
    owner: Arc<str>,
    pub hooks: Hooks,
    pub retry: Retry,
}

impl Default for Queue {
    fn default() -> Queue {
        Queue {
            notify: Arc::default(),
            owner: uuid::Uuid::new_v4().to_string().into(),
            hooks: Hooks::default(),
            retry: Retry::default(),
        }
    }
}

/// Why the work on an upload stopped short.
#[derive(Debug)]
enum Stop {
    /// Another process holds the upload now; it finishes it.
    LeaseLost,
    /// The database failed for good (or for longer than the retries).
    Store(sqlx::Error),
    Internal(String),
}

impl From<sqlx::Error> for Stop {
    fn from(e: sqlx::Error) -> Stop {
        Stop::Store(e)
    }
}

impl Queue {
    /// This process's name in the leases (and `upload_claims`) it takes.
    pub fn owner(&self) -> &str {
        &self.owner
    }

    pub fn wake(&self) {
        self.notify.notify_one();
    }

    /// Runs the workers until the process ends, and on PostgreSQL listens for the uploads
    /// other processes store.
    pub fn start(&self, store: Store) {
        for _ in 0..WORKERS {
            let queue = self.clone();
            let store = store.clone();
            tokio::spawn(async move { queue.run(store).await });
        }
        if store.backend() == Backend::Postgres {
            let queue = self.clone();
            tokio::spawn(async move { queue.listen(store).await });
        }
    }

    /// Wakes a worker whenever any process stores an upload (PostgreSQL's `NOTIFY`, sent by
    /// the transaction that stores it). Only a hint: the workers poll every second anyway, so
    /// a notification lost while the connection was down delays nothing for long.
    async fn listen(self, store: Store) {
        loop {
            let listener = async {
                let mut listener = sqlx::postgres::PgListener::connect(store.url()).await?;
                listener.listen(QUEUE_CHANNEL).await?;
                loop {
                    listener.recv().await?;
                    self.wake();
                }
            };
            let stopped: Result<(), sqlx::Error> = listener.await;
            if let Err(e) = stopped {
                eprintln!("rollcall serve: the queue's wake-ups stopped ({e}); polling meanwhile");
            }
            tokio::time::sleep(Duration::from_secs(5)).await;
        }
    }

    async fn run(self, store: Store) {
        let mut swept_at = i64::MIN;
        loop {
            let now = store.clock().unix_millis();
            let until = lease::expiry(store.clock());
            match store.claim_upload(&self.owner, now, until).await {
                Ok(Some(upload)) => self.work_on(&store, upload).await,
                Ok(None) => {
                    // Idle: at most once a minute, temporary passwords that expired unused
                    // leave the Completed Files.
                    if now.saturating_sub(swept_at) >= SWEEP_EVERY_MS {
                        swept_at = now;
                        let at = store.clock().rfc3339_seconds();
                        if let Err(e) = store.retire_expired_temporary(&at).await {
                            eprintln!("rollcall serve: cannot erase expired passwords: {e}");
                        }
                    }
                    let _ = tokio::time::timeout(POLL, self.notify.notified()).await;
                }
                Err(e) => {
                    eprintln!("rollcall serve: the queue cannot read the store: {e}");
                    tokio::time::sleep(POLL).await;
                }
            }
        }
    }

    /// Processes one claimed upload in a task of its own, so that a panic fails this upload
    /// and not the queue.
    async fn work_on(&self, store: &Store, upload: StoredUpload) {
        let lease = Lease::hold(
            store.clone(),
            upload.summary.id.clone(),
            self.owner.to_string(),
        );
        let task = tokio::spawn(process(
            store.clone(),
            upload.clone(),
            self.hooks.clone(),
            self.retry,
            self.owner.clone(),
            lease.watch(),
        ));
        let why = match task.await {
            Ok(Ok(())) => return,
            Ok(Err(Stop::LeaseLost)) => {
                eprintln!(
                    "rollcall serve: upload {} was taken over by another process",
                    upload.summary.id
                );
                return;
            }
            Ok(Err(Stop::Store(e))) => {
                eprintln!("rollcall serve: upload {} failed: {e}", upload.summary.id);
                RowProblem::from(WorkerProblem::StoreUnavailable)
            }
            Ok(Err(Stop::Internal(e))) => {
                eprintln!("rollcall serve: upload {} failed: {e}", upload.summary.id);
                RowProblem::from(WorkerProblem::Internal)
            }
            Err(e) => {
                eprintln!("rollcall serve: upload {} panicked: {e}", upload.summary.id);
                RowProblem::from(WorkerProblem::Internal)
            }
        };
        if let Err(e) = self.give_up(store, &upload.summary.id, &why).await {
            // Still In Progress: taken up again once the lease lapses.
            eprintln!(
                "rollcall serve: upload {} could not be marked failed: {e}",
                upload.summary.id
            );
        }
        drop(lease);
    }

    /// Ends an upload that cannot finish: every row still pending fails with `why`, and the
    /// upload is Failed with true counts.
    async fn give_up(&self, store: &Store, id: &str, why: &RowProblem) -> Result<(), sqlx::Error> {
        let errors = std::slice::from_ref(why);
        self.retry
            .run(|| store.fail_pending_rows(id, &self.owner, errors))
            .await?;
        self.retry
            .run(|| async {
                finish(store, id, &self.owner, Some(UploadStatus::Failed))
                    .await
                    .map(drop)
            })
            .await
    }
}

/// Finishes one claimed upload (the lease held by the caller).
async fn process(
    store: Store,
    upload: StoredUpload,
    hooks: Hooks,
    retry: Retry,
    owner: Arc<str>,
    lease: LeaseWatch,
) -> Result<(), Stop> {
    if let Some(hook) = &hooks.before_upload {
        hook(&upload.summary.id).await;
    }
    let store = &store;
    let school = upload.school_id.as_str();
    let district = retry.run(|| store.district_of(school)).await?;
    let pending = retry.run(|| store.pending_rows(&upload.summary.id)).await?;
    let mut ops: Vec<Op> = Vec::with_capacity(pending.len());
    for row in &pending {
        match serde_json::from_str::<Op>(&row.op) {
            Ok(op) => ops.push(op),
            Err(e) => {
                let errors = [RowProblem::from(WorkerProblem::RowUnreadable {
                    why: e.to_string(),
                })];
                retry
                    .run(|| store.fail_row(&upload.summary.id, row.row, &errors))
                    .await?;
            }
        }
    }
    let classes_of = ClassOwner {
        school,
        teacher: &upload.teacher_id,
    };
    let current = retry.run(|| CurrentRoster::load(store, classes_of)).await?;
    let verdicts = revalidate(&ops, &current);
    let all_passwords: Vec<Option<(String, bool)>> = verdicts
        .iter()
        .map(|(_, verdict)| match verdict {
            Verdict::Apply(op) => password_for(op),
            _ => None,
        })
        .collect();
    let batches: Vec<std::ops::Range<usize>> = batch_ranges(&all_passwords);
    let passwords_of = |range: &std::ops::Range<usize>| all_passwords[range.clone()].to_vec();
    let start_hashing = |passwords: &[Option<(String, bool)>]| {
        let plain: Vec<Option<String>> = passwords
            .iter()
            .map(|p| p.as_ref().map(|(p, _)| p.clone()))
            .collect();
        tokio::spawn(hash_all(plain, hooks.clone()))
    };
    let target = Target {
        upload: &upload.summary.id,
        school,
        teacher: &upload.teacher_id,
        district: &district,
        clock: store.clock(),
    };
    let usernames = UsernameHints::default();
    // The next batch is hashed on both cores while this one is written.
    let mut passwords = batches.first().map(&passwords_of).unwrap_or_default();
    let mut hashing = start_hashing(&passwords);
    for (k, range) in batches.iter().enumerate() {
        let verdicts = &verdicts[range.clone()];
        let hashes = hashing
            .await
            .map_err(|e| Stop::Internal(e.to_string()))?
            .map_err(Stop::Internal)?;
        let next = batches.get(k + 1).map(&passwords_of).unwrap_or_default();
        hashing = start_hashing(&next);
        let current_passwords = std::mem::replace(&mut passwords, next);
        if lease.lost() {
            return Err(Stop::LeaseLost);
        }
        let batch = Batch {
            verdicts,
            passwords: &current_passwords,
            hashes: &hashes,
        };
        // A batch that failed was rolled back whole: its rows are still pending.
        retry
            .run(|| apply_batch(store, &target, &batch, &usernames))
            .await?;
    }
    drop(hashing);
    if lease.lost() {
        return Err(Stop::LeaseLost);
    }
    // Finished in this process's own name: if another process has taken the lease over (this
    // one stalled past it), that one finishes the upload and its claim stays open.
    let finished = retry
        .run(|| finish(store, &upload.summary.id, &owner, None))
        .await?;
    if finished {
        Ok(())
    } else {
        Err(Stop::LeaseLost)
    }
}

/// Counts the rows and gives the upload its final status (`status`, or the one its rows
/// call for), ending `owner`'s lease; `false` when `owner` no longer holds it.
async fn finish(
    store: &Store,
    id: &str,
    owner: &str,
    status: Option<UploadStatus>,
) -> Result<bool, sqlx::Error> {
    let rows = store.upload_rows(id).await?;
    let applied = rows.iter().filter(|r| r.state == RowState::Applied).count() as u32;
    let failed = rows.iter().filter(|r| r.state == RowState::Failed).count() as u32;
    let created = rows
        .iter()
        .filter(|r| r.state == RowState::Applied && r.creates())
        .count() as u32;
    // A revert's rows of students the reverted upload created were kept, not updated.
    let kept = rows
        .iter()
        .filter(|r| r.state == RowState::Applied && r.kept())
        .count() as u32;
    let counts = UploadCounts {
        rows: rows.len() as u32,
        applied: Some(applied),
        created: Some(created),
        updated: Some(applied - created - kept),
        failed: Some(failed),
        kept: (kept > 0).then_some(kept),
    };
    let status = status.unwrap_or(if failed == 0 {
        UploadStatus::Completed
    } else if applied == 0 {
        UploadStatus::Failed
    } else {
        UploadStatus::CompletedWithErrors
    });
    store
        .finish_upload(id, owner, status, &store.clock().rfc3339_seconds(), &counts)
        .await
}
