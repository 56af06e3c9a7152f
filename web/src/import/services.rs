//! What the Import page asks the server for beyond the session: the export a file came from.

use rollcall_core::Student;
use rollcall_protocol::RosterStudent;

use crate::api::{self, ExportSummary};
use crate::ctx::Ctx;
use crate::work::Original;

/// The export the file came from: the one it names, else this teacher's latest export of the
/// school, else the current roster. The list of exports is asked for while the named export
/// downloads: a 50,000-row export takes the server hundreds of milliseconds.
pub(super) async fn find_original(bytes: &[u8], name: &str, ctx: Ctx) -> Result<Original, String> {
    let lang = ctx.lang_code();
    let list_path = ctx.school_path("/exports");
    let list = || api::get_json::<Vec<ExportSummary>>(&list_path, lang);
    let mut listed = None;
    if let Some(id) = rollcall_core::export_id(bytes, Some(name)) {
        let path = ctx.school_path(&format!("/exports/{}", api::encode(&id)));
        let (export, exports) =
            futures_util::future::join(api::get_bytes(&path, lang), list()).await;
        match export {
            Ok(export) => {
                let created_at = exports
                    .unwrap_or_default()
                    .into_iter()
                    .find(|e| e.id == id)
                    .map(|e| e.created_at)
                    .unwrap_or_default();
                return Ok(Original::Export {
                    id,
                    created_at,
                    bytes: export,
                });
            }
            Err(e) if e.status() == Some(404) => listed = Some(exports),
            Err(e) => return Err(ctx.failed(&e)),
        }
    }
    let exports = match listed {
        Some(exports) => exports,
        None => list().await,
    }
    .map_err(|e| ctx.failed(&e))?;
    if let Some(latest) = exports.into_iter().next() {
        let path = ctx.school_path(&format!("/exports/{}", api::encode(&latest.id)));
        let export = api::get_bytes(&path, lang)
            .await
            .map_err(|e| ctx.failed(&e))?;
        return Ok(Original::Latest {
            id: latest.id,
            created_at: latest.created_at,
            bytes: export,
        });
    }
    let roster: Vec<RosterStudent> = api::get_json(&ctx.school_path("/roster"), lang)
        .await
        .map_err(|e| ctx.failed(&e))?;
    Ok(Original::Roster(
        roster.into_iter().map(checked_against).collect(),
    ))
}

/// A student of the roster as the rule engine checks a file against it (no export row).
fn checked_against(student: RosterStudent) -> Student {
    Student {
        guid: student.guid,
        export_row: None,
        student_id: student.student_id,
        first_name: student.first_name,
        last_name: student.last_name,
        grade: student.grade,
        username: Some(student.username),
        classes: student.classes,
    }
}
