//! The queue worker: finishes every stored upload, oldest first (one a stopped server left In
//! Progress before any other), one row per transaction. Uploads are stored before they are
//! acknowledged and each row's change commits together with its new state, so an upload that
//! was queued or running when the server stopped is finished exactly once after a restart.

use std::sync::Arc;

use rollcall_core::diagnostic::DiagnosticBuilder;
use rollcall_core::{Code, Field, Lang, Op};
use tokio::sync::Notify;

use super::validate::{CurrentRoster, Verdict, error, revalidate};
use crate::auth;
use crate::store::Store;
use crate::store::apply::{Conflict, NewPassword};
use crate::store::uploads::{
    COMPLETED, COMPLETED_WITH_ERRORS, FAILED, IN_PROGRESS, RowError, UploadSummary,
};

/// Rows hashed and applied together: their Argon2id hashes are computed on both cores.
const BATCH: usize = 32;

/// Wakes the worker when an upload is stored.
#[derive(Debug, Clone, Default)]
pub struct Queue {
    notify: Arc<Notify>,
}

impl Queue {
    pub fn wake(&self) {
        self.notify.notify_one();
    }

    /// Runs the worker until the process ends.
    pub fn start(&self, store: Store) {
        let notify = self.notify.clone();
        tokio::spawn(async move {
            loop {
                match store.next_upload().await {
                    Ok(Some(upload)) => {
                        if let Err(e) = process(&store, &upload).await {
                            eprintln!("rollcall serve: upload {} stopped: {e}", upload.id);
                            let _ = store
                                .set_upload_status(&upload.id, FAILED, Some(&now()), None)
                                .await;
                        }
                    }
                    Ok(None) => {
                        // Sleep until woken; look again now and then all the same.
                        let _ = tokio::time::timeout(
                            std::time::Duration::from_secs(5),
                            notify.notified(),
                        )
                        .await;
                    }
                    Err(e) => {
                        eprintln!("rollcall serve: the queue cannot read the store: {e}");
                        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                    }
                }
            }
        });
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

/// Hashes passwords on both cores, off the async threads.
async fn hash_all(passwords: Vec<Option<String>>) -> Result<Vec<Option<String>>, String> {
    tokio::task::spawn_blocking(move || {
        let middle = passwords.len() / 2;
        let hash = |part: &[Option<String>]| -> Vec<Option<String>> {
            part.iter()
                .map(|p| p.as_ref().and_then(|p| auth::hash_password(p).ok()))
                .collect()
        };
        std::thread::scope(|scope| {
            let second = scope.spawn(|| hash(&passwords[middle..]));
            let mut all = hash(&passwords[..middle]);
            all.extend(second.join().unwrap_or_default());
            all
        })
    })
    .await
    .map_err(|e| e.to_string())
}

fn conflict_error(conflict: &Conflict, row: u32, lang: Lang) -> RowError {
    let someone = rollcall_core::diagnostic::Text::translated("another student", "otro alumno");
    let diagnostic = match conflict {
        Conflict::UnknownGuid => {
            DiagnosticBuilder::new(Code::UnknownGuid, Some(row)).arg("value", "")
        }
        Conflict::Stale(name) => {
            DiagnosticBuilder::new(Code::StaleRow, Some(row)).arg("name", name.clone())
        }
        Conflict::UsernameTaken(value) => DiagnosticBuilder::new(Code::UsernameTaken, Some(row))
            .arg("value", value.clone())
            .arg("owner", someone),
        Conflict::StudentIdTaken(value) => DiagnosticBuilder::new(Code::StudentIdTaken, Some(row))
            .arg("value", value.clone())
            .arg("owner", someone),
    };
    error(&diagnostic.build(lang))
}

/// Finishes one upload.
pub async fn process(store: &Store, upload: &UploadSummary) -> Result<(), String> {
    let fail = |e: sqlx::Error| e.to_string();
    let lang = upload.lang;
    store
        .set_upload_status(&upload.id, IN_PROGRESS, None, None)
        .await
        .map_err(fail)?;
    let school = upload.school_id.as_str();
    let district = store.district_of(school).await.map_err(fail)?;
    let pending = store.pending_rows(&upload.id).await.map_err(fail)?;
    let mut ops: Vec<Op> = Vec::with_capacity(pending.len());
    for row in &pending {
        match serde_json::from_str::<Op>(&row.op) {
            Ok(op) => ops.push(op),
            Err(e) => {
                let message = RowError {
                    code: "bad-op".to_owned(),
                    message: format!("Row {} could not be read back: {e}", row.row),
                };
                store
                    .fail_row(&upload.id, row.row, &[message])
                    .await
                    .map_err(fail)?;
            }
        }
    }
    let (students, outside_usernames, outside_student_ids) =
        store.roster_with_outside(school).await.map_err(fail)?;
    let current = CurrentRoster {
        students,
        outside_usernames,
        outside_student_ids,
    };
    let verdicts = revalidate(&ops, &current, lang);
    let batches: Vec<&[(u32, Verdict)]> = verdicts.chunks(BATCH).collect();
    let passwords_of = |batch: &[(u32, Verdict)]| -> Vec<Option<(String, bool)>> {
        batch
            .iter()
            .map(|(_, verdict)| match verdict {
                Verdict::Apply(op) => password_for(op),
                _ => None,
            })
            .collect()
    };
    let start_hashing = |passwords: &[Option<(String, bool)>]| {
        let plain: Vec<Option<String>> = passwords
            .iter()
            .map(|p| p.as_ref().map(|(p, _)| p.clone()))
            .collect();
        tokio::spawn(hash_all(plain))
    };
    // The next batch is hashed on both cores while this one is written.
    let mut passwords = batches.first().map(|b| passwords_of(b)).unwrap_or_default();
    let mut hashing = start_hashing(&passwords);
    for (k, batch) in batches.iter().enumerate() {
        let hashes = hashing.await.map_err(|e| e.to_string())??;
        let next = batches
            .get(k + 1)
            .map(|b| passwords_of(b))
            .unwrap_or_default();
        hashing = start_hashing(&next);
        let current_passwords = std::mem::replace(&mut passwords, next);
        // One transaction per batch, one savepoint per row.
        let mut tx = store.begin_write().await.map_err(fail)?;
        for (((row, verdict), password), hash) in batch.iter().zip(&current_passwords).zip(hashes) {
            let row = *row;
            let applied = match verdict {
                Verdict::Failed(errors) => {
                    Store::fail_row_in(&mut tx, &upload.id, row, errors)
                        .await
                        .map_err(fail)?;
                    continue;
                }
                Verdict::Unchanged(guid) => {
                    Store::applied_unchanged(&mut tx, &upload.id, row, guid.as_deref())
                        .await
                        .map_err(fail)?;
                    continue;
                }
                Verdict::Apply(Op::Update {
                    guid, base, set, ..
                }) => Store::apply_update(
                    &mut tx,
                    &upload.id,
                    row,
                    school,
                    guid,
                    base.as_deref(),
                    set,
                    hash.as_deref(),
                    &now(),
                )
                .await
                .map_err(fail)?,
                Verdict::Apply(Op::Create { values, .. }) => {
                    let Some(hash) = hash else {
                        return Err(format!("row {row}: the password could not be hashed"));
                    };
                    let temporary = password
                        .as_ref()
                        .filter(|(_, generated)| *generated)
                        .map(|(p, _)| p.clone());
                    Store::apply_create(
                        &mut tx,
                        &upload.id,
                        row,
                        school,
                        &district,
                        values,
                        &NewPassword { hash, temporary },
                        std::time::SystemTime::now(),
                    )
                    .await
                    .map_err(fail)?
                }
            };
            if let Err(conflict) = applied {
                Store::fail_row_in(
                    &mut tx,
                    &upload.id,
                    row,
                    &[conflict_error(&conflict, row, lang)],
                )
                .await
                .map_err(fail)?;
            }
        }
        tx.commit().await.map_err(fail)?;
    }
    drop(hashing);
    finish(store, &upload.id).await
}

/// Counts the rows and gives the upload its final status.
async fn finish(store: &Store, id: &str) -> Result<(), String> {
    let rows = store.upload_rows(id).await.map_err(|e| e.to_string())?;
    let applied = rows.iter().filter(|r| r.state == "applied").count();
    let failed = rows.iter().filter(|r| r.state == "failed").count();
    let created = rows
        .iter()
        .filter(|r| r.state == "applied" && r.cells.first().is_none_or(|g| g.trim().is_empty()))
        .count();
    let counts = serde_json::json!({
        "rows": rows.len(),
        "applied": applied,
        "created": created,
        "updated": applied - created,
        "failed": failed,
    });
    let status = if failed == 0 {
        COMPLETED
    } else if applied == 0 {
        FAILED
    } else {
        COMPLETED_WITH_ERRORS
    };
    store
        .set_upload_status(id, status, Some(&now()), Some(&counts))
        .await
        .map_err(|e| e.to_string())
}
