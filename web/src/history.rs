//! The Upload History: the uploads of this school, newest first, in pages of
//! [`HISTORY_PAGE_SIZE`] (the page number is in the address); each upload's status (in words
//! and colour), counts, its three files and a link to its rows; refreshed automatically until
//! every upload shown is final.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use rollcall_protocol::{FileFormat, HISTORY_PAGE_SIZE, UploadFile, UploadStatus};

use crate::api::{self, UploadSummary};
use crate::ctx::Ctx;
use crate::i18n::{self, status_label, when};
use crate::paths;
use crate::revert::{RevertAction, RevertConfirm};

pub(crate) fn status_class(status: UploadStatus) -> &'static str {
    match status {
        UploadStatus::Queued => "queued",
        UploadStatus::InProgress => "progress",
        UploadStatus::Completed => "completed",
        UploadStatus::CompletedWithErrors => "partial",
        UploadStatus::Failed => "failed",
    }
}

pub(crate) fn status_icon(status: UploadStatus) -> &'static str {
    match status {
        UploadStatus::Queued => "⏳",
        UploadStatus::InProgress => "↻",
        UploadStatus::Completed => "✓",
        UploadStatus::CompletedWithErrors => "⚠",
        UploadStatus::Failed => "✖",
    }
}

/// Runs `load` every 1.5 s while `pending` (an upload shown is not final), for as long as the
/// view that calls it is shown.
pub(crate) fn refresh_while(pending: impl Fn() -> bool + 'static, load: impl Fn() + 'static) {
    if let Ok(handle) = set_interval_with_handle(
        move || {
            if pending() {
                load();
            }
        },
        Duration::from_millis(1500),
    ) {
        on_cleanup(move || handle.clear());
    }
}

/// The links to an upload's three files, CSV and XLSX each.
pub(crate) fn file_links(ctx: Ctx, id: &str) -> impl IntoView + use<> {
    let link = move |which: UploadFile, label: fn(&i18n::Texts) -> &'static str| {
        let base = ctx.school_path(&format!("/uploads/{}/files/{which}", api::encode(id)));
        let csv = format!("{base}?format={}", FileFormat::Csv);
        let xlsx = format!("{base}?format={}", FileFormat::Xlsx);
        view! {
            <div class="file-link">
                <span>{move || label(ctx.t())}</span>" "
                <a href=csv download="" aria-label=move || format!("{} CSV", label(ctx.t()))>"CSV"</a>
                " · "
                <a href=xlsx download="" aria-label=move || format!("{} XLSX", label(ctx.t()))>"XLSX"</a>
            </div>
        }
    };
    (
        link(UploadFile::Uploaded, |t| t.uploaded_file),
        link(UploadFile::Completed, |t| t.completed_file),
        link(UploadFile::Error, |t| t.error_file),
    )
}

#[component]
pub fn HistoryPage() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let query = use_query_map();
    // The page asked for in the address (`?page=N`, from 1).
    let page = Memo::new(move |_| {
        query
            .with(|q| q.get("page").and_then(|p| p.parse::<u32>().ok()))
            .filter(|&p| p >= 1)
            .unwrap_or(1)
    });
    let uploads = RwSignal::new(None::<Vec<UploadSummary>>);
    let total = RwSignal::new(None::<u32>);
    let error = RwSignal::new(None::<String>);
    let loading = RwSignal::new(false);
    // The page whose uploads are shown: the pager follows it, not the address, so that it never
    // names a page before that page's uploads are in (after Back, say).
    let shown = RwSignal::new(1u32);
    // Each load is numbered; an answer to an older one (another page, another school) is dropped.
    let latest = StoredValue::new(0u64);
    let load = move || {
        latest.update_value(|n| *n += 1);
        let this = latest.get_value();
        loading.set(true);
        let asked = page.get_untracked();
        let path = ctx.school_path(&format!("/uploads?page={asked}"));
        spawn_local(async move {
            let result = api::get_json_counted::<Vec<UploadSummary>>(&path, ctx.lang_code()).await;
            if latest.get_value() != this {
                return;
            }
            match result {
                Ok((list, count)) => {
                    uploads.set(Some(list));
                    total.set(count);
                    shown.set(asked);
                    error.set(None);
                }
                Err(e) => error.set(Some(ctx.failed(&e))),
            }
            loading.set(false);
        });
    };
    // Load now and whenever the school or the page changes.
    Effect::new(move |_| {
        ctx.school.track();
        page.track();
        load();
    });
    let pages = move || total.get().unwrap_or(0).div_ceil(HISTORY_PAGE_SIZE).max(1);
    let pending = move || {
        uploads.with(|u| {
            u.as_ref()
                .is_some_and(|u| u.iter().any(|u| !u.status.is_final()))
        })
    };
    refresh_while(pending, load);
    // The upload whose revert waits for the teacher's confirmation.
    let asking = RwSignal::new(None::<UploadSummary>);
    view! {
        <h1 class="page-title">{move || ctx.t().history_title}</h1>
        <RevertConfirm asking=asking done=load/>
        <section class="card" aria-labelledby="history-title">
            <div class="table-tools">
                <h2 id="history-title" class="visually-hidden">{move || ctx.t().history_title}</h2>
                <button type="button" class="secondary" id="refresh" on:click=move |_| load()
                    aria-busy=move || loading.get().to_string()>{move || ctx.t().refresh}</button>
                <Show when=pending>
                    <span class="muted small" role="status">{move || ctx.t().auto_refresh}</span>
                </Show>
            </div>
            {move || error.get().map(|e| view! { <p class="error-text" role="alert">{e}</p> })}
            {move || match uploads.get() {
                None => view! { <p class="muted" aria-busy="true">"…"</p> }.into_any(),
                Some(list) if list.is_empty() => view! { <p class="muted">{move || ctx.t().no_uploads}</p> }.into_any(),
                Some(list) => view! {
                    <div class="table-wrap">
                        <table class="history" id="history">
                            <thead>
                                <tr>
                                    <th scope="col">{move || ctx.t().col_file}</th>
                                    <th scope="col">{move || ctx.t().col_time}</th>
                                    <th scope="col">{move || ctx.t().col_status}</th>
                                    <th scope="col">{move || ctx.t().col_counts}</th>
                                    <th scope="col">{move || ctx.t().col_actions}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {list.into_iter().map(|upload| {
                                    let status = upload.status;
                                    let counts = upload.counts;
                                    let whole = upload.clone();
                                    view! {
                                        <tr data-upload=upload.id.clone()>
                                            <td class="file-name"><A href=paths::upload(&upload.id)>{upload.file_name.clone()}</A></td>
                                            <td>{let at = upload.created_at.clone(); move || when(&at, ctx.lang.get())}</td>
                                            <td>
                                                <span class=format!("status {}", status_class(status)) data-status=status.as_str()>
                                                    <span aria-hidden="true">{status_icon(status)}" "</span>
                                                    {move || status_label(status, ctx.lang.get())}
                                                </span>
                                            </td>
                                            <td class="small">{move || i18n::upload_counts(&counts, ctx.lang.get())}</td>
                                            <td class="files">
                                                {file_links(ctx, &upload.id)}
                                                <RevertAction upload=whole asking=asking/>
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any(),
            }}
            <Show when=move || { pages() > 1 }>
                <nav class="pager" id="history-pager" aria-label=move || ctx.t().history_pages>
                    <Show when=move || { shown.get() > 1 }>
                        <A href=move || paths::history_page(shown.get() - 1) attr:class="button secondary" attr:rel="prev">{move || ctx.t().history_newer}</A>
                    </Show>
                    <span aria-current="page">{move || i18n::page_of(shown.get(), pages(), ctx.lang.get())}</span>
                    <Show when=move || { shown.get() < pages() }>
                        <A href=move || paths::history_page(shown.get() + 1) attr:class="button secondary" attr:rel="next">{move || ctx.t().history_older}</A>
                    </Show>
                </nav>
            </Show>
        </section>
    }
}
