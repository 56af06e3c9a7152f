//! The roster, Export Students, an export's rows, and the username-availability check.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use rollcall_protocol::{TakenUsernames, UsernamesQuery};
use serde::Deserialize;

use crate::AppState;
use crate::auth::SchoolScope;
use crate::error::{AppError, AppResult};
use crate::files::{FileFormat, Sheet, requested_format};
use crate::json::JsonBody;
use crate::store::ExportSnapshot;

#[derive(Debug, Deserialize)]
pub struct FormatQuery {
    pub format: Option<String>,
}

/// `GET …/roster`: the current roster as JSON rows, each with the teacher's classes.
pub async fn roster(State(state): State<AppState>, scope: SchoolScope) -> AppResult<Response> {
    let now = state.store.clock().rfc3339_seconds();
    let students = state.store.roster(scope.classes(), &now).await?;
    Ok(Json(students).into_response())
}

/// A file download.
pub fn attachment(format: FileFormat, name: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, format.content_type().to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

/// `GET …/export?format=csv|xlsx`: Export Students. The export is recorded with a snapshot of
/// its rows, and its id is in the file name (and, in XLSX, a document property).
pub async fn export(
    State(state): State<AppState>,
    scope: SchoolScope,
    Query(query): Query<FormatQuery>,
) -> AppResult<Response> {
    let format = requested_format(query.format.as_deref())?;
    let students = state.store.students_of(scope.classes()).await?;
    let id = uuid::Uuid::new_v4().to_string();
    let now = state.store.clock().rfc3339_seconds();
    let sheet = Sheet::students(&students);
    // What `GET …/exports/{id}` answers, whatever the format downloaded now.
    let snapshot = String::from_utf8(sheet.csv()?).map_err(AppError::internal)?;
    state
        .store
        .insert_export(
            &id,
            &scope.school.id,
            &scope.session.teacher.id,
            format.as_str(),
            &now,
            &snapshot,
        )
        .await?;
    // A CSV export is its snapshot (its id is in its name); other formats are written.
    let bytes = match format {
        FileFormat::Csv => snapshot.into_bytes(),
        _ => sheet.write(format, Some(&id))?,
    };
    let name = format!("students-{}-{id}.{format}", scope.school.id);
    Ok(attachment(format, &name, bytes))
}

/// `GET …/exports`: this teacher's exports of this school, newest first (at most 20): the page
/// compares a file whose export it cannot tell with the latest one.
pub async fn exports(State(state): State<AppState>, scope: SchoolScope) -> AppResult<Response> {
    let exports = state
        .store
        .exports_of(&scope.school.id, &scope.session.teacher.id, 20)
        .await?;
    Ok(Json(exports).into_response())
}

/// `GET …/exports/{export}`: that export's rows exactly as exported, as CSV (the page's
/// original, whatever format the teacher downloaded).
pub async fn export_rows(
    State(state): State<AppState>,
    scope: SchoolScope,
    Path((_, export)): Path<(String, String)>,
) -> AppResult<Response> {
    let bytes = match state
        .store
        .export_snapshot(&scope.school.id, &export)
        .await?
        .ok_or(AppError::NotFound)?
    {
        ExportSnapshot::Csv(csv) => csv.into_bytes(),
        ExportSnapshot::Rows(students) => Sheet::students(&students).csv()?,
    };
    let name = format!("students-{}-{export}.csv", scope.school.id);
    Ok(attachment(FileFormat::Csv, &name, bytes))
}

/// `GET …/classes`: the teacher's classes in the school with how many students each has.
pub async fn classes(State(state): State<AppState>, scope: SchoolScope) -> AppResult<Response> {
    let classes = state.store.classes_of(scope.classes()).await?;
    Ok(Json(classes).into_response())
}

/// Most usernames one availability request may ask about.
pub const MAX_USERNAMES: usize = 1000;

/// `POST …/usernames`: which of these are taken by students outside this school. At most
/// `Limits::usernames_per_minute` requests per teacher a minute (the answer says which
/// usernames exist server-wide), then 429 with `Retry-After`.
pub async fn usernames(
    State(state): State<AppState>,
    scope: SchoolScope,
    JsonBody(body): JsonBody<UsernamesQuery>,
) -> AppResult<Response> {
    state.usernames_rate.hit(&scope.session.teacher.id)?;
    if body.usernames.len() > MAX_USERNAMES {
        return Err(AppError::TooLarge(format!(
            "Ask about at most {MAX_USERNAMES} usernames at a time."
        )));
    }
    let taken = state
        .store
        .usernames_taken_outside(&scope.school.id, &body.usernames)
        .await?;
    Ok(Json(TakenUsernames { taken }).into_response())
}
