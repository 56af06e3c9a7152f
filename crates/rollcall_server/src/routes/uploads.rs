//! Uploads and the Upload History: post a change-set or a file, list, look at one, download
//! its three files.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rollcall_protocol::{
    HISTORY_PAGE_SIZE, HistoryQuery, TOTAL_COUNT_HEADER, UploadAccepted, UploadDetail, UploadFile,
    UploadKind, UploadStatus, UploadSummary,
};

use crate::AppState;
use crate::auth::SchoolScope;
use crate::error::{AppError, AppResult};
use crate::files::requested_format;
use crate::routes::roster::{FormatQuery, attachment};
use crate::store::classes::ClassOwner;
use crate::store::uploads::{NewUpload, StoredUpload};
use crate::upload::validate::CurrentRoster;
use crate::upload::{
    change_set_guards, check_guards, file_sheet, rows_of_change_set, rows_of_file,
};

/// The teacher's language from `Accept-Language`: Spanish when it comes before English.
pub fn request_lang(headers: &HeaderMap) -> rollcall_core::Lang {
    let accepted = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let position = |lang: &str| {
        accepted
            .split(',')
            .position(|part| part.trim().starts_with(lang))
    };
    match (position("es"), position("en")) {
        (Some(es), Some(en)) if es < en => rollcall_core::Lang::Es,
        (Some(_), None) => rollcall_core::Lang::Es,
        _ => rollcall_core::Lang::En,
    }
}

/// The largest file accepted (SPEC section 2).
fn max_file_bytes() -> usize {
    rollcall_core::Limits::default().max_file_bytes as usize
}

/// Refuses properties a change-set does not have, so a misspelt one is not silently dropped.
fn check_keys(value: &serde_json::Value) -> Result<(), AppError> {
    let unknown =
        |object: &serde_json::Map<String, serde_json::Value>, known: &[&str], what: &str| {
            match object.keys().find(|key| !known.contains(&key.as_str())) {
                Some(key) => Err(AppError::BadRequest(format!(
                    "Unknown field {key:?} in {what}."
                ))),
                None => Ok(()),
            }
        };
    let object = value
        .as_object()
        .ok_or_else(|| AppError::BadRequest("A change-set is a JSON object.".to_owned()))?;
    unknown(
        object,
        &["id", "school", "created_at", "ops", "confirm"],
        "the change-set",
    )?;
    for op in object
        .get("ops")
        .and_then(|o| o.as_array())
        .into_iter()
        .flatten()
    {
        if let Some(op) = op.as_object() {
            unknown(op, &["op", "row", "guid", "base", "set", "values"], "an op")?;
        }
    }
    Ok(())
}

/// The answer to a change-set id already uploaded, or to a revert asked for again: the first
/// upload's result (200).
pub(super) fn replayed(first: &StoredUpload) -> Response {
    let body = UploadAccepted {
        id: first.summary.id.clone(),
        status: first.summary.status,
    };
    (StatusCode::OK, Json(body)).into_response()
}

#[derive(Debug, serde::Deserialize)]
pub struct UploadQuery {
    /// The name of the file a change-set was made from, for the Upload History.
    file_name: Option<String>,
    /// A file upload's confirmed guards: `mass-change,mass-create` (a change-set says so in
    /// its `confirm`).
    confirm: Option<String>,
}

/// The file name a change-set upload is listed under: the teacher's file (as given in
/// `?file_name=`, see [`clean_file_name`]), or the change-set's id.
fn change_set_name(given: Option<&str>, id: &str) -> String {
    clean_file_name(given).unwrap_or_else(|| format!("change-set {id}"))
}

/// A file name as a client gave it, made safe to list and to name downloads by: without any
/// folder, at most 255 characters; `None` when nothing usable is left (empty, or with control
/// characters).
fn clean_file_name(given: Option<&str>) -> Option<String> {
    given
        .map(|n| n.rsplit(['/', '\\']).next().unwrap_or_default().trim())
        .filter(|n| !n.is_empty() && !n.chars().any(char::is_control))
        .map(|name| name.chars().take(255).collect())
}

/// The answer that acknowledges a stored upload (and, to the same Idempotency-Key, repeats it).
pub(super) fn accepted(id: &str) -> Response {
    let body = UploadAccepted {
        id: id.to_owned(),
        status: UploadStatus::Queued,
    };
    (StatusCode::ACCEPTED, Json(body)).into_response()
}

/// A file upload's `Idempotency-Key` header: at most 255 visible ASCII characters.
fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, AppError> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let key = value.to_str().unwrap_or_default().trim();
    if key.is_empty() || key.len() > 255 || !key.chars().all(|c| c.is_ascii_graphic()) {
        return Err(AppError::BadRequest(
            "The Idempotency-Key header must be 1 to 255 visible ASCII characters.".to_owned(),
        ));
    }
    Ok(Some(key.to_owned()))
}

/// `POST …/uploads`: a change-set (JSON) or a file (multipart, field `file`, with an optional
/// `Idempotency-Key`: a retry with the key of a stored upload gets that upload's answer again
/// and stores nothing).
pub async fn upload(
    State(state): State<AppState>,
    scope: SchoolScope,
    Query(query): Query<UploadQuery>,
    request: Request,
) -> AppResult<Response> {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let school = scope.school.id.clone();
    let lang = request_lang(request.headers());
    let teacher = scope.session.teacher.id.clone();
    let mut key = None;
    let mut sheet = None;
    let (rows, file_name, kind, changeset_id, with_classes) = if content_type
        .starts_with("multipart/form-data")
    {
        key = idempotency_key(request.headers())?;
        if let Some(key) = &key {
            let first = state
                .store
                .upload_by_idempotency_key(&school, &teacher, key)
                .await?;
            if let Some(first) = first {
                return Ok(accepted(&first.summary.id));
            }
        }
        let mut multipart = Multipart::from_request(request, &state)
            .await
            .map_err(|e| AppError::BadRequest(e.body_text()))?;
        let (name, bytes) = read_file_field(&mut multipart).await?;
        let owner = ClassOwner {
            school: &school,
            teacher: &teacher,
        };
        let current = CurrentRoster::load(&state.store, owner).await?;
        let confirmed: Vec<&str> = query
            .confirm
            .as_deref()
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .collect();
        let read = rows_of_file(&bytes, &name, &current, &confirmed, lang)?;
        sheet = read.sheet;
        (read.rows, name, UploadKind::File, None, read.with_classes)
    } else if content_type.starts_with("application/json") {
        let bytes = axum::body::to_bytes(request.into_body(), max_file_bytes())
            .await
            .map_err(|_| AppError::TooLarge("The change-set is larger than 20 MiB.".to_owned()))?;
        let value: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|e| AppError::BadRequest(format!("The change-set is not valid JSON: {e}")))?;
        check_keys(&value)?;
        let set: rollcall_core::ChangeSet = serde_json::from_value(value)
            .map_err(|e| AppError::BadRequest(format!("The change-set is malformed: {e}")))?;
        if let Some(first) = state.store.upload_by_changeset(&school, &set.id).await? {
            // A replay: the first result, nothing changed.
            return Ok(replayed(&first));
        }
        let rows = rows_of_change_set(&set, &school)?;
        let students = state.store.student_count(&school).await?;
        check_guards(&change_set_guards(&set, students), &set.confirm)?;
        let with_classes = set.ops.iter().any(|op| op.values().classes.is_some());
        (
            rows,
            change_set_name(query.file_name.as_deref(), &set.id),
            UploadKind::Changeset,
            Some(set.id),
            with_classes,
        )
    } else {
        return Err(AppError::BadRequest(
            "Send a change-set as application/json or a file as multipart/form-data (field \"file\").".to_owned(),
        ));
    };
    let id = uuid::Uuid::new_v4().to_string();
    let now = state.store.clock().rfc3339_seconds();
    let header = crate::files::header(with_classes);
    let stored = state
        .store
        .insert_upload(&NewUpload {
            id: &id,
            school: &school,
            teacher: &teacher,
            changeset_id: changeset_id.as_deref(),
            idempotency_key: key.as_deref(),
            file_name: &file_name,
            kind,
            reverts: None,
            lang,
            created_at: &now,
            header: &header,
            rows,
            sheet: sheet.as_ref(),
        })
        .await?;
    if !stored {
        if let Some(key) = &key {
            // The same Idempotency-Key arrived twice at once: the first one's answer.
            let first = state
                .store
                .upload_by_idempotency_key(&school, &teacher, key)
                .await?
                .ok_or(AppError::NotFound)?;
            return Ok(accepted(&first.summary.id));
        }
        // The same change-set arrived twice at once: answer with the one stored first.
        let first = state
            .store
            .upload_by_changeset(&school, changeset_id.as_deref().unwrap_or_default())
            .await?
            .ok_or(AppError::NotFound)?;
        return Ok(replayed(&first));
    }
    state.queue.wake();
    Ok(accepted(&id))
}

async fn read_file_field(multipart: &mut Multipart) -> Result<(String, Vec<u8>), AppError> {
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| AppError::BadRequest(e.body_text()))?
    {
        if field.name() != Some("file") {
            continue;
        }
        // Sanitised as `?file_name=` is; a name with nothing usable left is "upload.csv".
        let name = clean_file_name(field.file_name()).unwrap_or_else(|| "upload.csv".to_owned());
        let bytes = field.bytes().await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                AppError::TooLarge("The file is larger than 20 MiB.".to_owned())
            } else {
                AppError::BadRequest(e.body_text())
            }
        })?;
        if bytes.len() > max_file_bytes() {
            return Err(AppError::TooLarge(
                "The file is larger than 20 MiB.".to_owned(),
            ));
        }
        return Ok((name, bytes.to_vec()));
    }
    Err(AppError::BadRequest(
        "The form has no \"file\" field.".to_owned(),
    ))
}

/// `GET …/uploads?page=N`: one page of the Upload History, newest first: at most
/// [`HISTORY_PAGE_SIZE`] entries, page 1 unless asked (a page past the end is empty), and in
/// [`TOTAL_COUNT_HEADER`] how many uploads the whole history holds. A page that is not a whole
/// number from 1 up is a 400.
pub async fn history(
    State(state): State<AppState>,
    scope: SchoolScope,
    query: Result<Query<HistoryQuery>, QueryRejection>,
) -> AppResult<Response> {
    let offset = query
        .ok()
        .and_then(|Query(query)| query.offset())
        .ok_or_else(|| {
            AppError::BadRequest(
                "The page (?page=) must be a whole number from 1 up; page 1 is the newest."
                    .to_owned(),
            )
        })?;
    let school = &scope.school.id;
    let total = state.store.upload_count(school).await?;
    let uploads: Vec<UploadSummary> = state
        .store
        .uploads_page(school, offset, i64::from(HISTORY_PAGE_SIZE))
        .await?
        .into_iter()
        .map(|upload| upload.summary)
        .collect();
    Ok(([(TOTAL_COUNT_HEADER, total.to_string())], Json(uploads)).into_response())
}

/// `GET …/uploads/{id}`: one upload with its rows' results, their errors worded in the
/// language the request asks for.
pub async fn one(
    State(state): State<AppState>,
    scope: SchoolScope,
    Path((_, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let lang = request_lang(&headers);
    let upload = state
        .store
        .upload(&scope.school.id, &id)
        .await?
        .ok_or(AppError::NotFound)?;
    let rows = state.store.upload_rows(&id).await?;
    let body = UploadDetail {
        upload: upload.summary,
        rows: rows.iter().map(|row| row.to_protocol(lang)).collect(),
    };
    Ok(Json(body).into_response())
}

/// `GET …/uploads/{id}/files/{uploaded|completed|error}?format=csv|xlsx`.
pub async fn file(
    State(state): State<AppState>,
    scope: SchoolScope,
    Path((_, id, which)): Path<(String, String, String)>,
    Query(query): Query<FormatQuery>,
) -> AppResult<Response> {
    let which: UploadFile = which.parse().map_err(|_| AppError::NotFound)?;
    let format = requested_format(query.format.as_deref())?;
    let upload = state
        .store
        .upload(&scope.school.id, &id)
        .await?
        .ok_or(AppError::NotFound)?;
    if which == UploadFile::Completed {
        // A temporary password that expired unused is never shown, swept or not yet.
        let now = state.store.clock().rfc3339_seconds();
        state.store.retire_expired_temporary(&now).await?;
    }
    let rows = state.store.upload_rows(&id).await?;
    let kept = match which {
        UploadFile::Completed => None,
        UploadFile::Uploaded | UploadFile::Error => state.store.upload_sheet(&id).await?,
    };
    let bytes = file_sheet(which, &rows, &upload, kept.as_ref()).write(format, None)?;
    let name = format!("{which}-{id}.{format}");
    Ok(attachment(format, &name, bytes))
}

#[cfg(test)]
mod tests {
    use super::change_set_name;

    #[test]
    fn a_change_set_is_listed_under_its_file_name_without_folders() {
        assert_eq!(change_set_name(Some("students.xlsx"), "x"), "students.xlsx");
        assert_eq!(
            change_set_name(Some("C:\\Users\\t\\roster.csv"), "x"),
            "roster.csv"
        );
        assert_eq!(change_set_name(Some("../../etc/passwd"), "x"), "passwd");
        assert_eq!(change_set_name(Some("  "), "abc"), "change-set abc");
        assert_eq!(change_set_name(Some("a\nb.csv"), "abc"), "change-set abc");
        assert_eq!(change_set_name(None, "abc"), "change-set abc");
    }
}
