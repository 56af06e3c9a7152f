//! The Import Students/Rosters page: Export Students, choosing a file, and the check's result.

use leptos::prelude::*;
use rollcall_core::Summary;
use rollcall_protocol::FileFormat;

use crate::api;
use crate::ctx::Ctx;
use crate::i18n::{self, row_list, when};
use crate::paths;

use super::state::{Compared, ImportState, Phase};
use super::table::ResultTable;

#[component]
pub fn ImportPage() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let state = expect_context::<ImportState>();
    let dragging = RwSignal::new(false);
    let export_href = move |format: FileFormat| {
        ctx.school.get().map(|school| {
            format!(
                "/api/schools/{}/export?format={format}",
                api::encode(&school)
            )
        })
    };
    let on_file = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        if let Some(file) = input.files().and_then(|files| files.get(0)) {
            state.choose(file, ctx);
        }
        // Choosing the same file again checks it again.
        input.set_value("");
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        if let Some(file) = ev
            .data_transfer()
            .and_then(|d| d.files())
            .and_then(|files| files.get(0))
        {
            state.choose(file, ctx);
        }
    };
    view! {
        <h1 class="page-title">{move || ctx.t().nav_import}</h1>
        <section class="card" aria-labelledby="export-title">
            <h2 id="export-title">{move || ctx.t().export_title}</h2>
            <p class="muted">{move || ctx.t().export_help}</p>
            <div class="actions">
                <a class="button secondary" href=move || export_href(FileFormat::Csv) download="">{move || ctx.t().export_csv}</a>
                <a class="button secondary" href=move || export_href(FileFormat::Xlsx) download="">{move || ctx.t().export_xlsx}</a>
            </div>
        </section>
        <section class="card" aria-labelledby="import-title">
            <h2 id="import-title">{move || ctx.t().import_title}</h2>
            <p class="muted">{move || ctx.t().import_help}</p>
            <div class="drop" class:dragging=move || dragging.get()
                on:dragover=move |ev: leptos::ev::DragEvent| { ev.prevent_default(); dragging.set(true); }
                on:dragleave=move |_| dragging.set(false)
                on:drop=on_drop>
                <label for="file" class="button primary">{move || ctx.t().choose_file}</label>
                <input id="file" type="file" class="visually-hidden-file"
                    accept=".csv,.txt,.xlsx,.xlsm,.xls,.ods,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/vnd.ms-excel,application/vnd.oasis.opendocument.spreadsheet"
                    on:change=on_file/>
                <span class="muted">{move || ctx.t().drop_here}</span>
            </div>
            <p class="privacy"><span aria-hidden="true">"✓ "</span>{move || ctx.t().privacy}</p>
        </section>
        <div class="visually-hidden" aria-live="polite" role="status" id="announce">{move || state.announce.get()}</div>
        {move || match state.phase.get() {
            Phase::Idle => ().into_any(),
            Phase::Checking(name) => view! {
                <p class="card checking" aria-busy="true">
                    <span class="spinner" aria-hidden="true"></span>
                    {move || ctx.t().reading}" "{name.clone()}"…"
                </p>
            }.into_any(),
            Phase::Failed(message) => view! { <p class="card error-text" role="alert">{message}</p> }.into_any(),
            Phase::Ready => view! { <Result/> }.into_any(),
        }}
    }
}

/// The check's result: where the file was compared, counts, file problems, actions, table.
#[component]
fn Result() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let state = expect_context::<ImportState>();
    let navigate = leptos_router::hooks::use_navigate();
    let compared = move || {
        let t = ctx.t();
        state.compared.get().map(|compared| match compared {
            Compared::Export(at) => format!("{} {}.", t.against_export, when(&at, ctx.lang.get())),
            Compared::Latest(at) => format!("{} {}.", t.against_latest, when(&at, ctx.lang.get())),
            Compared::Roster => t.against_roster.to_owned(),
        })
    };
    let count = |label: fn(&i18n::Texts) -> &'static str,
                 value: fn(&Summary) -> u32,
                 class: &'static str| {
        view! {
            <div class=format!("count {class}")>
                <span class="number">{move || value(&state.summary.get())}</span>
                <span class="label">{move || label(ctx.t())}</span>
            </div>
        }
    };
    let changes = move || {
        let s = state.summary.get();
        s.update + s.create
    };
    view! {
        <section class="card result" aria-labelledby="result-title" data-state="checked">
            <h2 id="result-title">
                {move || state.file_name.get()}
            </h2>
            <p class="muted small">
                {compared}" "
                <span id="check-time" data-ms=move || format!("{:.0}", state.check_ms.get())>
                    {move || format!("{} {:.2} s.", ctx.t().checked_in, state.check_ms.get() / 1000.0)}
                </span>
            </p>
            <div class="counts" id="counts">
                {count(|t| t.count_update, |s| s.update, "update")}
                {count(|t| t.count_create, |s| s.create, "create")}
                {count(|t| t.count_unchanged, |s| s.unchanged, "unchanged")}
                {count(|t| t.count_absent, |s| s.absent, "absent")}
                {count(|t| t.count_error_rows, |s| s.error, "error")}
                {count(|t| t.count_errors, |s| s.errors, "errors")}
                {count(|t| t.count_warnings, |s| s.warnings, "warnings")}
            </div>
            <Show when=move || state.new_classes.with(|c| !c.is_empty())>
                <p class="new-classes" id="new-classes">{move || i18n::new_classes(&state.new_classes.get(), ctx.lang.get())}</p>
            </Show>
            <Show when=move || state.file_diagnostics.with(|d| !d.is_empty())>
                <div class="file-problems">
                    <h3>{move || ctx.t().file_problems}</h3>
                    <ul>
                        {move || state.file_diagnostics.get().into_iter().map(|d| {
                            let (severity, code) = (d.severity(), d.code());
                            view! {
                                <li class=format!("diag {}", severity.as_str())>
                                    <span class="sev">{super::table::severity_icon(severity)}" "{code.as_str()}</span>
                                    " "{move || d.message(ctx.lang.get())}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </div>
            </Show>
            <Guards/>
            <div class="actions bar">
                <button type="button" class="secondary" on:click=move |_| state.apply_all(ctx)
                    disabled=move || { let s = state.summary.get(); s.errors + s.warnings == 0 }>{move || ctx.t().apply_all}</button>
                <button type="button" class="secondary" on:click=move |_| state.download_errors(ctx.lang.get_untracked())
                    disabled=move || state.summary.get().error == 0>{move || ctx.t().download_errors}</button>
                <button type="button" class="primary" id="upload" on:click=move |_| { let navigate = navigate.clone(); state.upload(ctx, move || navigate(paths::HISTORY, Default::default())) }
                    disabled=move || changes() == 0 || state.busy.get() || !state.guards_confirmed()>
                    {move || if state.busy.get() { ctx.t().uploading.to_owned() } else { i18n::upload_button(changes(), ctx.lang.get()) }}
                </button>
            </div>
            <Show when=move || { changes() != 0 && !state.guards_confirmed() }>
                <p class="muted" id="confirm-first">{move || ctx.t().guards_confirm_all}</p>
            </Show>
            <Show when=move || state.error_rows.with(|r| !r.is_empty())>
                <p class="held" id="held-back">{move || ctx.t().held_back}" "{move || row_list(&state.error_rows.get())}</p>
            </Show>
            <Show when=move || changes() == 0>
                <p class="muted">{move || ctx.t().nothing_to_upload}</p>
            </Show>
            {move || state.message.get().map(|m| view! { <p class="error-text" role="alert">{m}</p> })}
            <ResultTable/>
        </section>
    }
}

/// The guards the file trips, each with the box the teacher ticks to confirm it: Upload waits
/// for every box.
#[component]
fn Guards() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let state = expect_context::<ImportState>();
    view! {
        <Show when=move || state.guards.with(|g| !g.is_empty())>
            <div class="guards" id="guards" role="alert">
                <h3>{move || ctx.t().guards_title}</h3>
                <p>{move || ctx.t().guards_help}</p>
                <ul>
                    {move || state.guards.get().into_iter().map(|guard| {
                        let code = guard.code().as_str();
                        let ticked = {
                            let guard = guard.clone();
                            move || state.confirmed.with(|c| c.contains(&guard))
                        };
                        let on_change = {
                            let guard = guard.clone();
                            move |ev: leptos::ev::Event| {
                                let input: web_sys::HtmlInputElement = event_target(&ev);
                                state.confirm(&guard, input.checked());
                            }
                        };
                        let (message, confirmation) = (guard.clone(), guard.clone());
                        view! {
                            <li class="guard" data-code=code>
                                <p class="diag warning">
                                    <span class="sev">{super::table::severity_icon(guard.severity())}" "{code}</span>
                                    " "{move || message.message(ctx.lang.get())}
                                </p>
                                <label class="confirm">
                                    <input type="checkbox" prop:checked=ticked on:change=on_change/>
                                    " "{move || i18n::guard_confirmation(&confirmation.finding, ctx.lang.get())}
                                </label>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </div>
        </Show>
    }
}
