//! Applying an upload's rows, one batch per transaction: each row taken from `pending` first,
//! its student written with it, runs of update rows together; a row whose change no longer
//! applies (a unique value taken meanwhile, a student changed or gone) fails with a message.

use rollcall_core::message::Owner;
use rollcall_core::{Field, Finding, Op};

use super::hashing::Hash;
use super::validate::Verdict;
use crate::clock::Clock;
use crate::row_problem::{RowProblem, WorkerProblem};
use crate::store::Store;
use crate::store::apply::{Conflict, NewPassword, UsernameHints, prepared};
use crate::store::classes::{ClassIds, ClassOwner};
use crate::store::retry;
use crate::store::reverts::{Replaced, Snapshot};
use crate::store::update_batch::{RunUpdate, TakenRow};

fn conflict_error(conflict: &Conflict) -> RowProblem {
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
    RowProblem::Rule(finding)
}

/// What one batch writes: its rows' verdicts, passwords and hashes.
pub(super) struct Batch<'a> {
    pub(super) verdicts: &'a [(u32, Verdict)],
    pub(super) passwords: &'a [Option<(String, bool)>],
    pub(super) hashes: &'a [Hash],
}

/// What every row of an upload shares.
pub(super) struct Target<'a> {
    pub(super) upload: &'a str,
    pub(super) school: &'a str,
    /// The teacher who uploaded: the classes the rows change are hers.
    pub(super) teacher: &'a str,
    pub(super) district: &'a str,
    /// The time rows are applied at.
    pub(super) clock: &'a Clock,
}

impl Target<'_> {
    fn classes(&self) -> ClassOwner<'_> {
        ClassOwner {
            school: self.school,
            teacher: self.teacher,
        }
    }
}

/// Applies one batch in one transaction, each row taken from `pending` first.
pub(super) async fn apply_batch(
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
            set: &set.fields,
            classes: set.classes.as_deref(),
            hash: hash.as_deref(),
        }),
        _ => None,
    }
}

struct PlainUpdate<'v> {
    guid: &'v str,
    base: Option<&'v str>,
    set: &'v std::collections::BTreeMap<Field, String>,
    /// The student's new list of the teacher's classes, when the row changes it.
    classes: Option<&'v [String]>,
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
    // Classes are found or created once per batch: its transaction keeps them or none.
    let mut classes = ClassIds::default();
    let mut next = 0;
    while next < rows.len() {
        let run: Vec<(u32, PlainUpdate<'_>)> = rows[next..]
            .iter()
            .map_while(|(((row, verdict), _), hash)| Some((*row, plain_update(verdict, hash)?)))
            .collect();
        if run.is_empty() {
            let (((row, verdict), password), hash) = rows[next];
            let written = Written {
                usernames,
                classes: &mut classes,
            };
            apply_row(tx, target, *row, (verdict, password, hash), written).await?;
            next += 1;
        } else {
            next += run.len();
            apply_updates(tx, target, &run, &mut classes).await?;
        }
    }
    Ok(())
}

/// What applying rows remembers across rows: generated usernames and the batch's classes.
struct Written<'a> {
    usernames: &'a UsernameHints,
    classes: &'a mut ClassIds,
}

async fn apply_row(
    tx: &mut sqlx::AnyConnection,
    target: &Target<'_>,
    row: u32,
    (verdict, password, hash): (&Verdict, &Option<(String, bool)>, &Hash),
    written: Written<'_>,
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
            let errors = [RowProblem::from(WorkerProblem::PasswordUnhashable)];
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
            Store::applied_unchanged(tx, upload, row, target.classes(), guid.as_deref()).await?;
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
                target.clock.now(),
                written.usernames,
                (target.classes(), written.classes),
            )
            .await?
        }
    };
    if let Err(conflict) = applied {
        let errors = [conflict_error(&conflict)];
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
    classes: &mut ClassIds,
) -> Result<(), sqlx::Error> {
    let upload = target.upload;
    let guids: Vec<&str> = run.iter().map(|(_, u)| u.guid).collect();
    let mut found = Store::students_by_guid(tx, target.school, &guids).await?;
    let mut held = Store::classes_by_guid(tx, target.classes(), &guids).await?;
    let mut ready = Vec::with_capacity(run.len());
    let mut new_classes = Vec::with_capacity(run.len());
    let mut replaced = Vec::with_capacity(run.len());
    for (row, update) in run {
        let key = update.guid.to_lowercase();
        let student = found.remove(&key);
        let classes_before = held.remove(&key).unwrap_or_default();
        // What the row replaces, for a revert: the student before, her classes if it sets them.
        let before = student
            .as_ref()
            .map(|s| Snapshot::of(s, update.classes.map(|_| classes_before.as_slice())));
        match prepared(update.guid, student, update.base, update.set) {
            Ok(mut prepared) => {
                let after = Snapshot::of(&prepared.student, update.classes);
                // The Completed File shows the classes the row leaves the student in.
                prepared.student.classes = match update.classes {
                    Some(classes) => classes.to_vec(),
                    None => classes_before,
                };
                replaced.push(
                    before
                        .and_then(|before| Replaced::updated(before, after))
                        .map(|r| r.to_json()),
                );
                new_classes.push(update.classes);
                ready.push(RunUpdate {
                    row: *row,
                    update: prepared,
                    password_hash: update.hash.map(str::to_owned),
                });
            }
            Err(conflict) => {
                let errors = [conflict_error(&conflict)];
                Store::fail_row_in(tx, upload, *row, &errors).await?;
            }
        }
    }
    let results: Vec<TakenRow> = ready
        .iter()
        .zip(replaced)
        .map(|(item, replaced)| TakenRow {
            row: item.row,
            result: item.update.student.export_cells(""),
            replaced,
        })
        .collect();
    // Rows another process applied or failed already are left alone.
    let taken = Store::take_rows_with_results(tx, upload, &results).await?;
    let (ready, new_classes): (Vec<RunUpdate>, Vec<Option<&[String]>>) = ready
        .into_iter()
        .zip(new_classes)
        .filter(|(item, _)| taken.contains(&item.row))
        .unzip();
    let now = target.clock.rfc3339_seconds();
    // A row that changes only classes leaves its student's record as it is: only the rows
    // that set a field or a password write theirs.
    let (writing, classes_only): (Vec<_>, Vec<_>) = ready
        .into_iter()
        .zip(new_classes)
        .partition(|(item, _)| item.update.changed || item.password_hash.is_some());
    let (ready, new_classes): (Vec<RunUpdate>, Vec<Option<&[String]>>) =
        writing.into_iter().unzip();
    let conflicts = Store::write_updates(tx, &ready, &now).await?;
    let mut listed_classes: Vec<(&str, &[String])> = classes_only
        .iter()
        .filter_map(|(item, listed)| Some((item.update.student.guid.as_str(), (*listed)?)))
        .collect();
    for ((item, conflict), listed) in ready.iter().zip(conflicts).zip(new_classes) {
        if let Some(conflict) = conflict {
            let errors = [conflict_error(&conflict)];
            Store::fail_taken_row(tx, upload, item.row, &errors).await?;
        } else if let Some(listed) = listed {
            listed_classes.push((&item.update.student.guid, listed));
        }
    }
    // The run's classes are written together, as its students were.
    Store::set_classes_of(tx, target.classes(), &listed_classes, classes, &now).await?;
    Ok(())
}
