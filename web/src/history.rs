//! The Upload History: every upload of this school, its status (in words and colour), counts,
//! and its three files; refreshed automatically until every upload is final.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use rollcall_core::Lang;
use rollcall_protocol::{UploadCounts, UploadStatus};

use crate::api::{self, UploadSummary};
use crate::ctx::Ctx;
use crate::i18n::{status_label, when};

fn status_class(status: UploadStatus) -> &'static str {
    match status {
        UploadStatus::Queued => "queued",
        UploadStatus::InProgress => "progress",
        UploadStatus::Completed => "completed",
        UploadStatus::CompletedWithErrors => "partial",
        UploadStatus::Failed => "failed",
    }
}

fn status_icon(status: UploadStatus) -> &'static str {
    match status {
        UploadStatus::Queued => "⏳",
        UploadStatus::InProgress => "↻",
        UploadStatus::Completed => "✓",
        UploadStatus::CompletedWithErrors => "⚠",
        UploadStatus::Failed => "✖",
    }
}

fn counts_text(counts: &UploadCounts, lang: Lang) -> String {
    let rows = counts.rows;
    let mut parts = vec![match lang {
        Lang::En => format!("{rows} rows"),
        Lang::Es => format!("{rows} filas"),
    }];
    let labels: [(Option<u32>, &str, &str); 3] = [
        (counts.created, "new", "nuevos"),
        (counts.updated, "updated", "actualizados"),
        (counts.failed, "failed", "fallidos"),
    ];
    for (count, en, es) in labels {
        if let Some(count) = count {
            parts.push(format!(
                "{count} {}",
                if lang == Lang::En { en } else { es }
            ));
        }
    }
    parts.join(" · ")
}

#[component]
pub fn HistoryPage() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let uploads = RwSignal::new(None::<Vec<UploadSummary>>);
    let error = RwSignal::new(None::<String>);
    let loading = RwSignal::new(false);
    let load = move || {
        if loading.get_untracked() {
            return;
        }
        loading.set(true);
        spawn_local(async move {
            match api::get_json::<Vec<UploadSummary>>(&ctx.school_path("/uploads"), ctx.lang_code())
                .await
            {
                Ok(list) => {
                    uploads.set(Some(list));
                    error.set(None);
                }
                Err(e) => error.set(Some(ctx.failed(&e))),
            }
            loading.set(false);
        });
    };
    // Load now and whenever the school changes.
    Effect::new(move |_| {
        ctx.school.track();
        load();
    });
    let pending = move || {
        uploads.with(|u| {
            u.as_ref()
                .is_some_and(|u| u.iter().any(|u| !u.status.is_final()))
        })
    };
    // Refresh every 1.5 s while an upload is not final.
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
    let file_link = move |upload: &UploadSummary,
                          which: &'static str,
                          label: fn(&crate::i18n::Texts) -> &'static str| {
        let base = ctx.school_path(&format!(
            "/uploads/{}/files/{which}",
            api::encode(&upload.id)
        ));
        let csv = format!("{base}?format=csv");
        let xlsx = format!("{base}?format=xlsx");
        view! {
            <div class="file-link">
                <span>{move || label(ctx.t())}</span>" "
                <a href=csv download="" aria-label=move || format!("{} CSV", label(ctx.t()))>"CSV"</a>
                " · "
                <a href=xlsx download="" aria-label=move || format!("{} XLSX", label(ctx.t()))>"XLSX"</a>
            </div>
        }
    };
    view! {
        <h1 class="page-title">{move || ctx.t().history_title}</h1>
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
                                    view! {
                                        <tr data-upload=upload.id.clone()>
                                            <td class="file-name">{upload.file_name.clone()}</td>
                                            <td>{let at = upload.created_at.clone(); move || when(&at, ctx.lang.get())}</td>
                                            <td>
                                                <span class=format!("status {}", status_class(status)) data-status=status.as_str()>
                                                    <span aria-hidden="true">{status_icon(status)}" "</span>
                                                    {move || status_label(status, ctx.lang.get())}
                                                </span>
                                            </td>
                                            <td class="small">{move || counts_text(&counts, ctx.lang.get())}</td>
                                            <td class="files">
                                                {file_link(&upload, "uploaded", |t| t.uploaded_file)}
                                                {file_link(&upload, "completed", |t| t.completed_file)}
                                                {file_link(&upload, "error", |t| t.error_file)}
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any(),
            }}
        </section>
    }
}
