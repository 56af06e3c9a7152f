//! `POST …/uploads/{id}/revert`: a completed upload put back, as a new upload through the queue.

use axum::extract::{Path, Request, State};
use axum::response::Response;
use rollcall_protocol::{REVERT_DAYS, UploadKind, UploadStatus};

use crate::AppState;
use crate::audit;
use crate::auth::SchoolScope;
use crate::error::{AppError, AppResult};
use crate::store::audit::NewAuditEntry;
use crate::store::uploads::{NewUpload, StoredUpload, revertible_until};
use crate::upload::revert::{revert_name, revert_rows};
use crate::upload::validate::CurrentRoster;

use super::request_lang;
use super::uploads::{accepted, replayed};

fn conflict(en: String, es: String) -> AppError {
    AppError::Conflict { en, es }
}

/// Why `upload` cannot be reverted by `teacher` at `now` (RFC 3339), if it cannot.
fn refusal(upload: &StoredUpload, teacher: &str, now: &str) -> Option<AppError> {
    let summary = &upload.summary;
    let completed = matches!(
        summary.status,
        UploadStatus::Completed | UploadStatus::CompletedWithErrors
    );
    let Some(finished) = summary.finished_at.as_deref().filter(|_| completed) else {
        return Some(conflict(
            format!(
                "Only a completed upload can be reverted; this one is {}.",
                summary.status
            ),
            "Solo se puede revertir una subida completada; esta aún no lo está.".to_owned(),
        ));
    };
    if revertible_until(finished).is_none_or(|until| until.as_str() < now) {
        return Some(conflict(
            format!(
                "This upload ended on {}; an upload can be reverted for {REVERT_DAYS} days after it ends.",
                &finished[..10]
            ),
            format!(
                "Esta subida terminó el {}; una subida se puede revertir durante {REVERT_DAYS} días después de terminar.",
                &finished[..10]
            ),
        ));
    }
    if upload.teacher_id != teacher {
        return Some(conflict(
            "Only the teacher who made this upload can revert it: the classes it changed are hers."
                .to_owned(),
            "Solo la docente que hizo esta subida puede revertirla: las clases que cambió son suyas."
                .to_owned(),
        ));
    }
    None
}

/// `POST …/uploads/{id}/revert`: queues an upload that puts back every field and class
/// membership the completed upload `id` changed (on each student who still holds what it set),
/// and lists the students it created as kept. 202 with the revert's id; 200 with it when the
/// upload already has a revert; 409 when it is not completed, ended more than 30 days ago, is
/// another teacher's or changed nothing a revert puts back. Audited.
pub async fn revert(
    State(state): State<AppState>,
    scope: SchoolScope,
    Path((_, id)): Path<(String, String)>,
    request: Request,
) -> AppResult<Response> {
    let school = &scope.school.id;
    let teacher = &scope.session.teacher.id;
    let lang = request_lang(request.headers());
    let store = &state.store;
    let upload = store.upload(school, &id).await?.ok_or(AppError::NotFound)?;
    if let Some(revert) = &upload.summary.reverted_by {
        let revert = store
            .upload(school, revert)
            .await?
            .ok_or(AppError::NotFound)?;
        // A second click: that revert, as a replayed change-set is answered.
        return Ok(replayed(&revert));
    }
    if let Some(refused) = refusal(&upload, teacher, &store.clock().rfc3339_seconds()) {
        return Err(refused);
    }
    let original = store.upload_rows(&id).await?;
    let current = CurrentRoster::load(store, scope.classes()).await?;
    let planned = revert_rows(&original, &current)?;
    if planned.rows.iter().all(|row| row.kept.is_some()) {
        return Err(conflict(
            "This upload changed no existing student, so a revert has nothing to put back \
             (students it created are kept; passwords are not put back)."
                .to_owned(),
            "Esta subida no cambió a ningún alumno existente: una reversión no tiene nada que \
             devolver (los alumnos que creó se conservan; las contraseñas no se devuelven)."
                .to_owned(),
        ));
    }
    let revert_id = uuid::Uuid::new_v4().to_string();
    let stored = store
        .insert_upload(&NewUpload {
            id: &revert_id,
            school,
            teacher,
            changeset_id: None,
            idempotency_key: None,
            file_name: &revert_name(&upload.summary.file_name, lang),
            kind: UploadKind::Revert,
            reverts: Some(&id),
            lang,
            created_at: &store.clock().rfc3339_seconds(),
            header: &crate::files::header(planned.with_classes),
            sheet: None,
            rows: planned.rows,
        })
        .await?;
    if !stored {
        // Another request reverted it at the same moment: that revert's answer.
        let upload = store.upload(school, &id).await?.ok_or(AppError::NotFound)?;
        let revert = upload.summary.reverted_by.ok_or(AppError::NotFound)?;
        let revert = store
            .upload(school, &revert)
            .await?
            .ok_or(AppError::NotFound)?;
        return Ok(replayed(&revert));
    }
    let address = state
        .reach
        .client_address(request.headers(), request.extensions())
        .map(|ip| ip.to_string());
    store
        .record_audit(&NewAuditEntry {
            kind: audit::REVERT,
            teacher: Some(teacher),
            email: Some(&scope.session.teacher.email),
            address: address.as_deref(),
            detail: Some(&format!("{revert_id} reverts {id}")),
        })
        .await?;
    state.queue.wake();
    Ok(accepted(&revert_id))
}
