//! One upload (`/history/{id}`): its status, counts and files, and every row with what became
//! of it — applied (with the student's username), waiting, or not applied with its errors.
//! Refreshed automatically until the upload is final.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use rollcall_protocol::{RowState, UploadRow};

use crate::api::{self, UploadDetail};
use crate::ctx::Ctx;
use crate::history::{file_links, refresh_while, status_class, status_icon};
use crate::i18n::{self, row_state_label, status_label, when};
use crate::paths;

#[component]
pub fn UploadPage() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let detail = RwSignal::new(None::<UploadDetail>);
    let error = RwSignal::new(None::<String>);
    let latest = StoredValue::new(0u64);
    let load = move || {
        latest.update_value(|n| *n += 1);
        let this = latest.get_value();
        let path = ctx.school_path(&format!("/uploads/{}", api::encode(&id.get_untracked())));
        spawn_local(async move {
            let result = api::get_json::<UploadDetail>(&path, ctx.lang_code()).await;
            if latest.get_value() != this {
                return;
            }
            match result {
                Ok(found) => {
                    detail.set(Some(found));
                    error.set(None);
                }
                Err(e) => {
                    detail.set(None);
                    error.set(Some(ctx.failed(&e)));
                }
            }
        });
    };
    // Loaded again in the page's language when it changes: the server words the rows' errors.
    Effect::new(move |_| {
        ctx.school.track();
        ctx.lang.track();
        id.track();
        load();
    });
    let pending = move || detail.with(|d| d.as_ref().is_some_and(|d| !d.upload.status.is_final()));
    refresh_while(pending, load);
    view! {
        <p class="back"><A href=paths::HISTORY>{move || ctx.t().back_to_history}</A></p>
        {move || error.get().map(|e| view! { <p class="error-text" role="alert">{e}</p> })}
        {move || detail.get().map(|detail| {
            let upload = detail.upload;
            let status = upload.status;
            let counts = upload.counts;
            let created_at = upload.created_at.clone();
            view! {
                <h1 class="page-title" id="upload-title">{upload.file_name.clone()}</h1>
                <section class="card upload-summary" data-upload=upload.id.clone()>
                    <p>
                        <span class=format!("status {}", status_class(status)) data-status=status.as_str()>
                            <span aria-hidden="true">{status_icon(status)}" "</span>
                            {move || status_label(status, ctx.lang.get())}
                        </span>
                        " · "{move || when(&created_at, ctx.lang.get())}
                        " · "<span class="small">{move || i18n::upload_counts(&counts, ctx.lang.get())}</span>
                    </p>
                    <div class="files">{file_links(ctx, &upload.id)}</div>
                </section>
                <section class="card" aria-labelledby="rows-title">
                    <h2 id="rows-title">{move || ctx.t().upload_rows}</h2>
                    {rows_table(ctx, detail.rows)}
                </section>
            }
        })}
    }
}

fn rows_table(ctx: Ctx, rows: Vec<UploadRow>) -> AnyView {
    if rows.is_empty() {
        return view! { <p class="muted">{move || ctx.t().no_upload_rows}</p> }.into_any();
    }
    view! {
        <div class="table-wrap">
            <table class="upload-rows" id="upload-rows">
                <thead>
                    <tr>
                        <th scope="col">{move || ctx.t().col_row}</th>
                        <th scope="col">{move || ctx.t().col_state}</th>
                        <th scope="col">{move || ctx.t().col_student}</th>
                        <th scope="col">{move || ctx.t().col_errors}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|row| {
                        let state = row.state;
                        let class = match state {
                            RowState::Applied => "completed",
                            RowState::Pending => "queued",
                            RowState::Failed => "failed",
                        };
                        view! {
                            <tr data-row=row.row.to_string() data-state=state.as_str()>
                                <td class="num">{row.row.to_string()}</td>
                                <td><span class=format!("status {class}")>{move || row_state_label(state, ctx.lang.get())}</span></td>
                                <td>{row.username.clone().or(row.guid.clone()).unwrap_or_default()}</td>
                                <td>
                                    {row.errors.into_iter().map(|e| {
                                        let code = e.code.clone();
                                        view! {
                                            <div class="diag error" data-code=code>
                                                <span class="sev">{e.code}</span>" "<span class="message">{e.message}</span>
                                            </div>
                                        }
                                    }).collect_view()}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
