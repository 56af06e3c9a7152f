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

use rollcall_core::message::Owner;
use rollcall_core::{Diagnostic, Field, Finding, Lang, Op};
use tokio::sync::Notify;

use super::hooks::Hooks;
use super::lease::{self, Lease, LeaseWatch};
use super::messages;
use super::validate::{CurrentRoster, Verdict, error, revalidate};
use crate::auth;
use crate::store::apply::{Conflict, NewPassword, UsernameHints, prepared};
use crate::store::retry::{self, Retry};
use crate::store::update_batch::RunUpdate;
use crate::store::uploads::{RowError, RowState, StoredUpload, UploadCounts, UploadStatus};
use crate::store::{Backend, QUEUE_CHANNEL, Store};

/// Passwords hashed together (on both cores, while the batch before is written): a batch ends
/// at this many passwords to hash, or at [`BATCH_ROWS`] rows.
const BATCH_PASSWORDS: usize = 32;

/// Rows applied in one transaction at most. Rows without a password cost no hashing, so a run
/// of them commits together: each commit waits for the disk (on a durable PostgreSQL, several
/// milliseconds), and a 10,000-row upload of names and grades is about 20 commits, not 313.
const BATCH_ROWS: usize = 500;

/// Uploads one process works on at once. Each is of a different school (see
/// `Store::claim_upload`), so one school's large upload never holds up the others'.
const WORKERS: usize = 2;

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
        loop {
            let now = lease::now_millis();
            match store.claim_upload(&self.owner, now, lease::expiry()).await {
                Ok(Some(upload)) => self.work_on(&store, upload).await,
                Ok(None) => {
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
                messages::store_unavailable(upload.lang)
            }
            Ok(Err(Stop::Internal(e))) => {
                eprintln!("rollcall serve: upload {} failed: {e}", upload.summary.id);
                messages::internal_error(upload.lang)
            }
            Err(e) => {
                eprintln!("rollcall serve: upload {} panicked: {e}", upload.summary.id);
                messages::internal_error(upload.lang)
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
    async fn give_up(&self, store: &Store, id: &str, why: &RowError) -> Result<(), sqlx::Error> {
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

fn now() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}

/// A row's password work: a hash of the password the file gave, or of a generated one.
fn password_for(op: &Op) -> Option<(String, bool)> {
    match op {
        Op::Update { set, .. } => set.get(&Field::Password).map(|p| (p.clone(), false)),
        Op::Create { values, .. } => Some(match values.get(&Field::Password) {
            Some(given) if !given.is_empty() => (given.clone(), false),
            _ => (temporary_password(), true),
        }),
    }
}

/// A temporary password: 16 letters and digits, easy to read out.
fn temporary_password() -> String {
    let token = auth::random_token();
    let chars: Vec<char> = token.chars().take(16).collect();
    chars
        .chunks(4)
        .map(|chunk| chunk.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// A row's hash: `Ok(None)` without a password, `Err` when it could not be hashed.
type Hash = Result<Option<String>, String>;

/// Hashes passwords on both cores, off the async threads.
async fn hash_all(passwords: Vec<Option<String>>, hooks: Hooks) -> Result<Vec<Hash>, String> {
    tokio::task::spawn_blocking(move || {
        let middle = passwords.len() / 2;
        let hash = |part: &[Option<String>]| -> Vec<Hash> {
            part.iter()
                .map(|p| p.as_deref().map(|p| hooks.hash(p)).transpose())
                .collect()
        };
        std::thread::scope(|scope| {
            let second = scope.spawn(|| hash(&passwords[middle..]));
            let mut all = hash(&passwords[..middle]);
            match second.join() {
                Ok(rest) => all.extend(rest),
                Err(_) => all.resize(passwords.len(), Err("hashing panicked".to_owned())),
            }
            all
        })
    })
    .await
    .map_err(|e| e.to_string())
}

fn conflict_error(conflict: &Conflict, row: u32, lang: Lang) -> RowError {
    let finding = match conflict {
        Conflict::UnknownGuid(guid) => Finding::UnknownGuid {
            value: guid.clone(),
        },
        Conflict::Stale(name) => Finding::StaleRow { name: name.clone() },
        Conflict::UsernameTaken(value) => Finding::UsernameTaken {
            value: value.clone(),
            owner: Owner::Someone,
        },
        Conflict::StudentIdTaken(value) => Finding::StudentIdTaken {
            value: value.clone(),
            owner: Owner::Someone,
        },
    };
    error(&Diagnostic::new(finding, Some(row)), lang)
}

/// What one batch writes: its rows' verdicts, passwords and hashes.
struct Batch<'a> {
    verdicts: &'a [(u32, Verdict)],
    passwords: &'a [Option<(String, bool)>],
    hashes: &'a [Hash],
}

/// What every row of an upload shares.
struct Target<'a> {
    upload: &'a str,
    school: &'a str,
    district: &'a str,
    lang: Lang,
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
    let lang = upload.lang;
    let school = upload.school_id.as_str();
    let district = retry.run(|| store.district_of(school)).await?;
    let pending = retry.run(|| store.pending_rows(&upload.summary.id)).await?;
    let mut ops: Vec<Op> = Vec::with_capacity(pending.len());
    for row in &pending {
        match serde_json::from_str::<Op>(&row.op) {
            Ok(op) => ops.push(op),
            Err(e) => {
                let errors = [messages::unreadable_op(lang, row.row, &e.to_string())];
                retry
                    .run(|| store.fail_row(&upload.summary.id, row.row, &errors))
                    .await?;
            }
        }
    }
    let (students, outside_usernames, outside_student_ids) =
        retry.run(|| store.roster_with_outside(school)).await?;
    let current = CurrentRoster {
        students,
        outside_usernames,
        outside_student_ids,
    };
    let verdicts = revalidate(&ops, &current, lang);
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
        district: &district,
        lang,
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

/// Where an upload's batches begin and end: at most [`BATCH_PASSWORDS`] passwords to hash and
/// [`BATCH_ROWS`] rows each.
fn batch_ranges(passwords: &[Option<(String, bool)>]) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    let (mut start, mut hashed) = (0, 0);
    for (k, password) in passwords.iter().enumerate() {
        if k - start == BATCH_ROWS || (password.is_some() && hashed == BATCH_PASSWORDS) {
            ranges.push(start..k);
            (start, hashed) = (k, 0);
        }
        hashed += usize::from(password.is_some());
    }
    if start < passwords.len() {
        ranges.push(start..passwords.len());
    }
    ranges
}

/// Applies one batch in one transaction, each row taken from `pending` first.
async fn apply_batch(
    store: &Store,
    target: &Target<'_>,
    batch: &Batch<'_>,
    usernames: &UsernameHints,
) -> Result<(), sqlx::Error> {
    let mut tx = store.begin_write().await?;
    if let Err(e) = apply_rows(&mut tx, target, batch, usernames).await {
        retry::abandon(tx).await;
        return Err(e);
    }
    tx.commit().await
}

/// An update row whose new password (if any) was hashed.
fn plain_update<'v>(verdict: &'v Verdict, hash: &'v Hash) -> Option<PlainUpdate<'v>> {
    match (verdict, hash) {
        (
            Verdict::Apply(Op::Update {
                guid, base, set, ..
            }),
            Ok(hash),
        ) => Some(PlainUpdate {
            guid,
            base: base.as_deref(),
            set,
            hash: hash.as_deref(),
        }),
        _ => None,
    }
}

struct PlainUpdate<'v> {
    guid: &'v str,
    base: Option<&'v str>,
    set: &'v std::collections::BTreeMap<Field, String>,
    hash: Option<&'v str>,
}

/// Applies a batch's rows in order; each run of consecutive update rows together
/// (`store::update_batch`).
async fn apply_rows(
    tx: &mut sqlx::AnyConnection,
    target: &Target<'_>,
    batch: &Batch<'_>,
    usernames: &UsernameHints,
) -> Result<(), sqlx::Error> {
    let rows: Vec<_> = batch
        .verdicts
        .iter()
        .zip(batch.passwords)
        .zip(batch.hashes)
        .collect();
    let mut next = 0;
    while next < rows.len() {
        let run: Vec<(u32, PlainUpdate<'_>)> = rows[next..]
            .iter()
            .map_while(|(((row, verdict), _), hash)| Some((*row, plain_update(verdict, hash)?)))
            .collect();
        if run.is_empty() {
            let (((row, verdict), password), hash) = rows[next];
            apply_row(tx, target, *row, verdict, password, hash, usernames).await?;
            next += 1;
        } else {
            next += run.len();
            apply_updates(tx, target, &run).await?;
        }
    }
    Ok(())
}

async fn apply_row(
    tx: &mut sqlx::AnyConnection,
    target: &Target<'_>,
    row: u32,
    verdict: &Verdict,
    password: &Option<(String, bool)>,
    hash: &Hash,
    usernames: &UsernameHints,
) -> Result<(), sqlx::Error> {
    let upload = target.upload;
    if let Verdict::Failed(errors) = verdict {
        Store::fail_row_in(tx, upload, row, errors).await?;
        return Ok(());
    }
    let hash = match (verdict, hash) {
        (Verdict::Apply(Op::Create { .. }), Ok(None)) | (_, Err(_)) => {
            if let Err(why) = hash {
                eprintln!("rollcall serve: upload {upload} row {row}: cannot hash: {why}");
            }
            let errors = [messages::password_unhashable(target.lang)];
            Store::fail_row_in(tx, upload, row, &errors).await?;
            return Ok(());
        }
        (_, Ok(hash)) => hash.as_deref(),
    };
    if !Store::take_row(tx, upload, row).await? {
        // Applied or failed by another process already.
        return Ok(());
    }
    let applied = match verdict {
        // Update rows go to `apply_updates`; one whose password could not be hashed failed
        // above.
        Verdict::Failed(_) | Verdict::Apply(Op::Update { .. }) => Ok(Vec::new()),
        Verdict::Unchanged(guid) => {
            Store::applied_unchanged(tx, upload, row, target.school, guid.as_deref()).await?;
            Ok(Vec::new())
        }
        Verdict::Apply(Op::Create { values, .. }) => {
            let temporary = password
                .as_ref()
                .filter(|(_, generated)| *generated)
                .map(|(p, _)| p.clone());
            let password = NewPassword {
                hash: hash.unwrap_or_default().to_owned(),
                temporary,
            };
            Store::apply_create(
                tx,
                upload,
                row,
                target.school,
                target.district,
                values,
                &password,
                std::time::SystemTime::now(),
                usernames,
            )
            .await?
        }
    };
    if let Err(conflict) = applied {
        let errors = [conflict_error(&conflict, row, target.lang)];
        Store::fail_taken_row(tx, upload, row, &errors).await?;
    }
    Ok(())
}

/// Applies a run of update rows: their students read in one query (a row whose update no
/// longer applies fails), the rest taken from `pending` with their results in one statement,
/// and the students written together (a unique constraint fails only its own row).
async fn apply_updates(
    tx: &mut sqlx::AnyConnection,
    target: &Target<'_>,
    run: &[(u32, PlainUpdate<'_>)],
) -> Result<(), sqlx::Error> {
    let upload = target.upload;
    let guids: Vec<&str> = run.iter().map(|(_, u)| u.guid).collect();
    let mut found = Store::students_by_guid(tx, target.school, &guids).await?;
    let mut ready = Vec::with_capacity(run.len());
    for (row, update) in run {
        let student = found.remove(&update.guid.to_lowercase());
        match prepared(update.guid, student, update.base, update.set) {
            Ok(prepared) => ready.push(RunUpdate {
                row: *row,
                update: prepared,
                password_hash: update.hash.map(str::to_owned),
            }),
            Err(conflict) => {
                let errors = [conflict_error(&conflict, *row, target.lang)];
                Store::fail_row_in(tx, upload, *row, &errors).await?;
            }
        }
    }
    let results: Vec<(u32, Vec<String>)> = ready
        .iter()
        .map(|item| (item.row, item.update.student.export_cells("")))
        .collect();
    // Rows another process applied or failed already are left alone.
    let taken = Store::take_rows_with_results(tx, upload, &results).await?;
    ready.retain(|item| taken.contains(&item.row));
    let conflicts = Store::write_updates(tx, &ready, &now()).await?;
    for (item, conflict) in ready.iter().zip(conflicts) {
        if let Some(conflict) = conflict {
            let errors = [conflict_error(&conflict, item.row, target.lang)];
            Store::fail_taken_row(tx, upload, item.row, &errors).await?;
        }
    }
    Ok(())
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
        .filter(|r| {
            r.state == RowState::Applied && r.cells.first().is_none_or(|g| g.trim().is_empty())
        })
        .count() as u32;
    let counts = UploadCounts {
        rows: rows.len() as u32,
        applied: Some(applied),
        created: Some(created),
        updated: Some(applied - created),
        failed: Some(failed),
    };
    let status = status.unwrap_or(if failed == 0 {
        UploadStatus::Completed
    } else if applied == 0 {
        UploadStatus::Failed
    } else {
        UploadStatus::CompletedWithErrors
    });
    store
        .finish_upload(id, owner, status, &now(), &counts)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_end_at_32_passwords_or_500_rows() {
        let with = |n: usize| -> Vec<Option<(String, bool)>> {
            (0..n).map(|_| Some((String::new(), false))).collect()
        };
        let lengths = |passwords: &[Option<(String, bool)>]| -> Vec<usize> {
            batch_ranges(passwords).iter().map(|r| r.len()).collect()
        };
        assert_eq!(lengths(&with(70)), [32, 32, 6]);
        assert_eq!(lengths(&vec![None; 1200]), [500, 500, 200]);
        let mut mixed = vec![None; 100];
        mixed.extend(with(40));
        assert_eq!(lengths(&mixed), [132, 8]);
        assert!(batch_ranges(&[]).is_empty());
    }
}
