//! The result table: filters, pages of rows, each cell editable in place with its old value and
//! its diagnostics, every fix a button.

use leptos::prelude::*;
use rollcall_core::report::MASK;
use rollcall_core::{Diagnostic, Field, Outcome, Severity, SheetRow};

use super::row_view::RowView;
use super::state::{ImportState, PAGE_ROWS};
use crate::ctx::Ctx;
use crate::i18n::{self, field_label, outcome_label};
use crate::work::Filter;

pub fn severity_icon(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "✖",
        Severity::Warning => "⚠",
        Severity::Info => "ℹ",
    }
}

fn outcome_icon(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Update => "✎",
        Outcome::Create => "+",
        Outcome::Unchanged => "=",
        Outcome::Error => "✖",
        Outcome::Blank => "·",
        Outcome::Absent => "–",
    }
}

#[component]
pub fn ResultTable() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let state = expect_context::<ImportState>();
    let filter_button = move |filter: Filter| {
        let label = move || {
            let t = ctx.t();
            match filter {
                Filter::Errors => t.filter_errors,
                Filter::Changes => t.filter_changes,
                Filter::All => t.filter_all,
            }
        };
        view! {
            <button type="button" class="filter" aria-pressed=move || (state.filter.get() == filter).to_string()
                on:click=move |_| { state.filter.set(filter); state.refresh(false); }>{label}</button>
        }
    };
    let pages = move || state.line_count.get().div_ceil(PAGE_ROWS).max(1);
    let on_last_page = move || state.page.get() + 1 >= pages();
    let range = move || {
        let total = state.line_count.get();
        let first = (state.page.get() * PAGE_ROWS + 1).min(total);
        let last = ((state.page.get() + 1) * PAGE_ROWS).min(total);
        format!("{} {first}–{last} / {total}", ctx.t().rows_shown)
    };
    let go = move |delta: isize| {
        let page = state.page.get_untracked() as isize + delta;
        if page >= 0 && (page as usize) < pages() {
            state.page.set(page as usize);
            state.show_page();
        }
    };
    let pager = move || {
        view! {
            <div class="pager">
                <button type="button" class="secondary" on:click=move |_| go(-1)
                    disabled=move || state.page.get() == 0>{move || ctx.t().previous}</button>
                <span class="range">{range}</span>
                <button type="button" class="secondary" on:click=move |_| go(1)
                    disabled=on_last_page>{move || ctx.t().next}</button>
            </div>
        }
    };
    view! {
        <div class="table-tools">
            <div class="filters" role="group" aria-label=move || ctx.t().filter_label>
                <span class="muted">{move || ctx.t().filter_label}</span>
                {filter_button(Filter::Errors)}
                {filter_button(Filter::Changes)}
                {filter_button(Filter::All)}
            </div>
            {pager()}
        </div>
        <div class="table-wrap">
            <table class="rows" id="rows">
                <thead>
                    <tr>
                        <th scope="col">{move || ctx.t().col_row}</th>
                        <th scope="col">{move || ctx.t().col_outcome}</th>
                        {move || state.columns.get().into_iter().map(|field| view! {
                            <th scope="col">{move || field_label(field, ctx.lang.get())}</th>
                        }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    <For each=move || state.visible.get() key=|(key, _)| key.clone()
                        children=move |(_, row)| view! { <RowLine row/> }/>
                </tbody>
            </table>
            <Show when=move || state.line_count.get() == 0>
                <p class="muted empty">{move || ctx.t().no_rows}</p>
            </Show>
        </div>
        {pager()}
    }
}

#[component]
fn RowLine(row: RwSignal<RowView>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let state = expect_context::<ImportState>();
    let columns = state.columns.get_untracked();
    let number = row.with_untracked(|r| r.row);
    let outcome = move || row.with(|r| r.outcome);
    let row_diagnostics = move || {
        row.with(|r| {
            r.diagnostics
                .iter()
                .filter(|(f, _)| f.is_none())
                .map(|(_, d)| d.clone())
                .collect::<Vec<_>>()
        })
    };
    let absent_cells = number.is_none().then(|| {
        view! { <td colspan=columns.len().to_string() class="muted">"—"</td> }
    });
    view! {
        <tr class=move || format!("line {}", outcome().as_str()) data-row=number.map(|n| n.to_string())>
            <th scope="row" class="rownum">
                {number.map_or_else(|| "—".to_owned(), |n| n.to_string())}
            </th>
            <td class="outcome">
                <span class=move || format!("badge {}", outcome().as_str())>
                    <span aria-hidden="true">{move || outcome_icon(outcome())}</span>" "
                    {move || outcome_label(outcome(), ctx.lang.get())}
                </span>
                {move || row.with(|r| r.export_row.filter(|_| r.row.is_none()).map(|n| view! {
                    <span class="muted small">" #"{n.to_string()}</span>
                }))}
                <DiagnosticList diagnostics=Signal::derive(row_diagnostics)/>
            </td>
            {absent_cells}
            {number.map(|number| columns.into_iter().map(|field| view! {
                <td class=format!("cell {}", field.as_str())><Cell row number field/></td>
            }).collect_view())}
        </tr>
    }
}

/// A changed value as the table shows it: an empty one as ∅.
fn shown(value: Option<String>) -> String {
    value
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "∅".to_owned())
}

#[component]
fn Cell(row: RwSignal<RowView>, number: SheetRow, field: Field) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let state = expect_context::<ImportState>();
    let value = move || {
        row.with(|r| {
            r.cells
                .iter()
                .find(|(f, _)| *f == field)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        })
    };
    // Old → new for a student who exists; a new student's values are all new.
    let change = move || {
        row.with(|r| {
            r.changes
                .iter()
                .find(|c| c.field == field && c.old.is_some())
                .map(|c| (c.old.clone(), c.new.clone()))
        })
    };
    let diagnostics = move || {
        row.with(|r| {
            r.diagnostics
                .iter()
                .filter(|(f, _)| *f == Some(field))
                .map(|(_, d)| d.clone())
                .collect::<Vec<_>>()
        })
    };
    let has_error = move || {
        diagnostics()
            .iter()
            .any(|d| d.severity() == Severity::Error)
    };
    let id = format!("cell-{number}-{}", field.as_str());
    let on_change = move |ev: leptos::ev::Event| {
        let new = event_target_value(&ev);
        if new != value() {
            state.edit(number, field, new, ctx);
        }
    };
    let kind = if field == Field::Password {
        "password"
    } else {
        "text"
    };
    view! {
        <input id=id type=kind class="cell-input" autocomplete="off" spellcheck="false"
            class:invalid=has_error
            aria-invalid=move || has_error().to_string()
            aria-label=move || i18n::cell_name(number, field, ctx.lang.get())
            prop:value=value
            on:change=on_change/>
        {move || change().map(|(old, new)| view! {
            <div class="change">
                <del>{shown(old)}</del>
                " → "
                <ins>{shown(Some(new))}</ins>
            </div>
        })}
        <DiagnosticList diagnostics=Signal::derive(diagnostics)/>
    }
}

#[component]
fn DiagnosticList(diagnostics: Signal<Vec<Diagnostic>>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let state = expect_context::<ImportState>();
    move || {
        diagnostics
            .get()
            .into_iter()
            .map(|d| {
                let fix = d.fix.clone();
                let (severity, code) = (d.severity(), d.code());
                view! {
                    <div class=format!("diag {}", severity.as_str()) data-code=code.as_str()>
                        <span class="sev"><span aria-hidden="true">{severity_icon(severity)}" "</span>{code.as_str()}</span>
                        " "<span class="message">{move || d.message(ctx.lang.get())}</span>
                        {fix.map(|fix| {
                            let label = i18n::fix_label(&fix.value, ctx.lang.get_untracked());
                            let shown = if fix.field == Field::Password { MASK.to_owned() } else { label };
                            view! {
                                <button type="button" class="fix" on:click=move |_| {
                                    state.edit(fix.row, fix.field, fix.value.clone(), ctx);
                                }>{shown}</button>
                            }
                        })}
                    </div>
                }
            })
            .collect_view()
    }
}
