//! The Import page's state: the file being checked, what the table shows of it, and what the
//! teacher does to it (choose, edit, fix, upload).

use leptos::prelude::*;
use leptos::task::spawn_local;
use rollcall_core::{Delta, Diagnostic, Field, Lang, SheetRow, Summary};
use rollcall_protocol::{TakenUsernames, UploadAccepted, UsernamesQuery};

use crate::api;
use crate::ctx::Ctx;
use crate::i18n::{self, row_list, texts};
use crate::work::{Filter, Line, Original, Work};

use super::row_view::{RowView, row_view};
use super::services::find_original;

/// Rows per page of the table: a page of 50 renders at once, whatever the file's size.
pub const PAGE_ROWS: usize = 50;

#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    Idle,
    Checking(String),
    Ready,
    Failed(String),
}

/// What the file was compared with, as the result says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Compared {
    /// The export the file names, made at this time (RFC 3339).
    Export(String),
    /// The teacher's latest export, made at this time: the file named none.
    Latest(String),
    /// The current roster: no export of the teacher's was found.
    Roster,
}

/// The check's state, kept while the teacher looks at the Upload History.
#[derive(Clone, Copy)]
pub struct ImportState {
    pub work: StoredValue<Option<Work>, LocalStorage>,
    pub phase: RwSignal<Phase>,
    pub summary: RwSignal<Summary>,
    pub file_diagnostics: RwSignal<Vec<Diagnostic>>,
    /// The guards the file trips (`mass-change`, `mass-create`), and those the teacher ticked:
    /// an edit that changes a guard's counts takes its tick away.
    pub guards: RwSignal<Vec<Diagnostic>>,
    pub confirmed: RwSignal<Vec<Diagnostic>>,
    /// The classes the upload would create.
    pub new_classes: RwSignal<Vec<String>>,
    pub filter: RwSignal<Filter>,
    pub page: RwSignal<usize>,
    lines: StoredValue<Vec<Line>, LocalStorage>,
    pub line_count: RwSignal<usize>,
    pub visible: RwSignal<Vec<(String, RwSignal<RowView>)>>,
    pub columns: RwSignal<Vec<Field>>,
    pub announce: RwSignal<String>,
    pub compared: RwSignal<Option<Compared>>,
    pub error_rows: RwSignal<Vec<SheetRow>>,
    pub busy: RwSignal<bool>,
    pub message: RwSignal<Option<String>>,
    pub check_ms: RwSignal<f64>,
    pub file_name: RwSignal<String>,
    /// Bumped whenever the page's rows are built anew, so the table replaces its rows rather
    /// than keeping the old ones for the same row numbers.
    generation: StoredValue<u64>,
}

impl ImportState {
    pub fn new() -> ImportState {
        ImportState {
            work: StoredValue::new_local(None),
            phase: RwSignal::new(Phase::Idle),
            summary: RwSignal::new(Summary::default()),
            file_diagnostics: RwSignal::new(Vec::new()),
            guards: RwSignal::new(Vec::new()),
            confirmed: RwSignal::new(Vec::new()),
            new_classes: RwSignal::new(Vec::new()),
            filter: RwSignal::new(Filter::Errors),
            page: RwSignal::new(0),
            lines: StoredValue::new_local(Vec::new()),
            line_count: RwSignal::new(0),
            visible: RwSignal::new(Vec::new()),
            columns: RwSignal::new(Vec::new()),
            announce: RwSignal::new(String::new()),
            compared: RwSignal::new(None),
            error_rows: RwSignal::new(Vec::new()),
            busy: RwSignal::new(false),
            message: RwSignal::new(None),
            check_ms: RwSignal::new(0.0),
            file_name: RwSignal::new(String::new()),
            generation: StoredValue::new(0),
        }
    }

    /// True when cells were edited on the page and not uploaded: leaving would lose them.
    pub fn has_unsaved_edits(&self) -> bool {
        self.work
            .try_with_value(|work| work.as_ref().is_some_and(Work::has_edits))
            .unwrap_or(false)
    }

    pub fn clear(&self) {
        self.work.set_value(None);
        self.lines.set_value(Vec::new());
        self.visible.set(Vec::new());
        self.phase.set(Phase::Idle);
        self.message.set(None);
        self.announce.set(String::new());
        self.new_classes.set(Vec::new());
        self.guards.set(Vec::new());
        self.confirmed.set(Vec::new());
    }

    /// Shows the guards found now, keeping only the ticks of guards that are still the same.
    fn set_guards(&self, guards: Vec<Diagnostic>) {
        if self.guards.with_untracked(|old| *old == guards) {
            return;
        }
        self.confirmed
            .update(|ticked| ticked.retain(|d| guards.contains(d)));
        self.guards.set(guards);
    }

    /// Ticks or unticks a guard's box.
    pub fn confirm(&self, guard: &Diagnostic, ticked: bool) {
        self.confirmed.update(|confirmed| {
            confirmed.retain(|d| d != guard);
            if ticked {
                confirmed.push(guard.clone());
            }
        });
    }

    /// True when the teacher ticked every guard found (or none was found).
    pub fn guards_confirmed(&self) -> bool {
        self.guards.with(|guards| {
            self.confirmed
                .with(|c| guards.iter().all(|g| c.contains(g)))
        })
    }

    /// Reads everything from the checker again; `lines` recomputes which rows the filter shows.
    pub fn refresh(&self, keep_page: bool) {
        let Some((lines, summary, file_diagnostics, guards, columns)) =
            self.work.with_value(|work| {
                let work = work.as_ref()?;
                let table = work.checker.table();
                let columns: Vec<Field> = Field::ALL
                    .into_iter()
                    .filter(|&f| table.column(f).is_some())
                    .collect();
                Some((
                    work.lines(self.filter.get_untracked()),
                    work.checker.summary(),
                    work.checker.file_diagnostics().to_vec(),
                    work.checker.guard_diagnostics(),
                    columns,
                ))
            })
        else {
            return;
        };
        self.line_count.set(lines.len());
        self.lines.set_value(lines);
        self.summary.set(summary);
        self.file_diagnostics.set(file_diagnostics);
        self.set_guards(guards);
        self.columns.set(columns);
        self.refresh_lists();
        let pages = self.line_count.get_untracked().div_ceil(PAGE_ROWS).max(1);
        if !keep_page || self.page.get_untracked() >= pages {
            self.page.set(0);
        }
        self.show_page();
    }

    /// Builds the rows of the current page.
    pub fn show_page(&self) {
        let page = self.page.get_untracked();
        let columns = self.columns.get_untracked();
        self.generation.update_value(|g| *g += 1);
        let generation = self.generation.get_value();
        let rows: Vec<(String, RwSignal<RowView>)> = self
            .work
            .with_value(|work| {
                let work = work.as_ref()?;
                Some(self.lines.with_value(|lines| {
                    lines
                        .iter()
                        .skip(page * PAGE_ROWS)
                        .take(PAGE_ROWS)
                        .map(|line| {
                            let view = row_view(work, &columns, line);
                            (format!("{generation}/{}", view.key), RwSignal::new(view))
                        })
                        .collect()
                }))
            })
            .unwrap_or_default();
        self.visible.set(rows);
    }

    /// Shows what an edit changed: the rows it re-checked and the counts.
    fn apply_delta(&self, delta: &Delta) {
        self.summary.set(delta.summary);
        self.set_guards(delta.guards.clone());
        let columns = self.columns.get_untracked();
        self.work.with_value(|work| {
            let Some(work) = work.as_ref() else { return };
            let table = work.checker.table();
            self.visible.with_untracked(|visible| {
                for update in &delta.rows {
                    let Some(row) = update.entry.row else {
                        continue;
                    };
                    let key = row.to_string();
                    if let Some((_, signal)) = visible
                        .iter()
                        .find(|(_, v)| v.with_untracked(|v| v.key == key))
                        && let Some(i) = table.index_of_row(row)
                    {
                        signal.set(row_view(work, &columns, &Line::Row(i)));
                    }
                }
            });
        });
        self.refresh_lists();
    }

    /// The rows held back for errors and the classes the upload would create, read anew.
    fn refresh_lists(&self) {
        let (errors, classes) = self
            .work
            .with_value(|w| {
                w.as_ref().map(|w| {
                    let classes = w.checker.new_classes().into_iter();
                    (w.error_rows(), classes.collect())
                })
            })
            .unwrap_or_default();
        self.error_rows.set(errors);
        if self.new_classes.with_untracked(|old| *old != classes) {
            self.new_classes.set(classes);
        }
    }

    /// Puts `value` into a cell and re-checks every row it affects.
    pub fn edit(&self, row: SheetRow, field: Field, value: String, ctx: Ctx) {
        let result = self
            .work
            .try_update_value(|work| work.as_mut().map(|w| w.set_cell(row, field, &value)));
        match result.flatten() {
            Some(Ok(delta)) => {
                self.apply_delta(&delta);
                self.message.set(None);
                self.announce_summary(ctx);
                if field == Field::Username {
                    self.ask_usernames(ctx);
                }
            }
            Some(Err(e)) => {
                let t = texts(ctx.lang.get_untracked());
                self.message.set(Some(format!("{} {e}", t.edit_refused)));
            }
            None => {}
        }
    }

    /// Applies every fix the check offers.
    pub fn apply_all(&self, ctx: Ctx) {
        self.work.update_value(|work| {
            if let Some(work) = work.as_mut() {
                work.apply_all_fixes();
            }
        });
        self.refresh(true);
        self.announce_summary(ctx);
        self.ask_usernames(ctx);
    }

    fn announce_summary(&self, ctx: Ctx) {
        let s = self.summary.get_untracked();
        self.announce.set(i18n::announce_check(
            s.rows,
            s.errors,
            s.update + s.create,
            ctx.lang.get_untracked(),
        ));
    }

    /// Asks the server which new or changed usernames are taken elsewhere (only those
    /// usernames leave the browser), and shows the answer on their rows.
    pub fn ask_usernames(&self, ctx: Ctx) {
        let names = self
            .work
            .try_update_value(|w| w.as_mut().map(Work::usernames_to_ask))
            .flatten()
            .unwrap_or_default();
        if names.is_empty() {
            return;
        }
        let state = *self;
        spawn_local(async move {
            let mut taken = Vec::new();
            for chunk in names.chunks(1000) {
                let query = UsernamesQuery {
                    usernames: chunk.to_vec(),
                };
                let Ok(body) = serde_json::to_string(&query) else {
                    return;
                };
                // Rate-limited: a 429 is waited out once (up to a minute).
                match api::post_json_retrying_once::<TakenUsernames>(
                    &ctx.school_path("/usernames"),
                    body,
                    &ctx.csrf(),
                    ctx.lang_code(),
                )
                .await
                {
                    Ok(answer) => taken.extend(answer.taken),
                    // The server checks again on upload; the page goes on without the answer.
                    Err(_) => return,
                }
            }
            if taken.is_empty() {
                return;
            }
            let delta = state
                .work
                .try_update_value(|w| w.as_mut().map(|w| w.mark_taken(taken)))
                .flatten();
            if delta.is_some() {
                // New errors: the table lists them under the Errors filter too.
                state.refresh(true);
                state.announce_summary(ctx);
            }
        });
    }

    /// Reads the chosen file, finds its export, fetches it and checks the file.
    pub fn choose(&self, file: web_sys::File, ctx: Ctx) {
        let state = *self;
        let name = file.name();
        state.phase.set(Phase::Checking(name.clone()));
        state.message.set(None);
        state.file_name.set(name.clone());
        spawn_local(async move {
            let started = api::now_ms();
            let bytes = match api::file_bytes(&file).await {
                Ok(bytes) => bytes,
                Err(e) => {
                    state.phase.set(Phase::Failed(e));
                    return;
                }
            };
            let original = match find_original(&bytes, &name, ctx).await {
                Ok(original) => original,
                Err(message) => {
                    state.phase.set(Phase::Failed(message));
                    return;
                }
            };
            let compared = match &original {
                Original::Export { created_at, .. } => Some(Compared::Export(created_at.clone())),
                Original::Latest { created_at, .. } => Some(Compared::Latest(created_at.clone())),
                Original::Roster(_) => Some(Compared::Roster),
            };
            let mut work = Work::new(name, bytes, original);
            work.check_ms = api::now_ms() - started;
            state.check_ms.set(work.check_ms);
            let errors = work.checker.summary().error > 0;
            state.work.set_value(Some(work));
            state.compared.set(compared);
            state.filter.set(if errors {
                Filter::Errors
            } else {
                Filter::Changes
            });
            state.refresh(false);
            state.phase.set(Phase::Ready);
            state.announce_summary(ctx);
            state.ask_usernames(ctx);
        });
    }

    /// Writes the Error File in the browser.
    pub fn download_errors(&self, lang: Lang) {
        let Some((name, bytes)) = self.work.with_value(|w| {
            let w = w.as_ref()?;
            let stem = w
                .file_name
                .rsplit_once('.')
                .map_or(w.file_name.as_str(), |(stem, _)| stem);
            Some((format!("{stem}-errors.csv"), w.checker.error_file_csv(lang)))
        }) else {
            return;
        };
        let _ = api::save_file(&name, &bytes, "text/csv;charset=utf-8");
    }

    /// Posts the change-set; rows with errors stay behind. Then `queued` runs (the page shows
    /// the Upload History).
    pub fn upload(&self, ctx: Ctx, queued: impl FnOnce() + 'static) {
        let state = *self;
        let school = ctx.school.get_untracked().unwrap_or_default();
        if !self.guards_confirmed() {
            return;
        }
        let confirm = self
            .confirmed
            .with_untracked(|c| rollcall_core::guards::codes(c));
        let Some((body, count, name, held)) = self.work.with_value(|w| {
            let w = w.as_ref()?;
            let id = uuid::Uuid::new_v4().to_string();
            let mut set = w.checker.change_set(&school, &id, &api::now_rfc3339());
            set.confirm = confirm;
            let body = serde_json::to_string(&set).ok()?;
            Some((body, set.ops.len(), w.file_name.clone(), w.error_rows()))
        }) else {
            return;
        };
        if count == 0 {
            return;
        }
        state.busy.set(true);
        spawn_local(async move {
            let path = ctx.school_path(&format!("/uploads?file_name={}", api::encode(&name)));
            let result =
                api::post_json::<UploadAccepted>(&path, body, &ctx.csrf(), ctx.lang_code()).await;
            state.busy.set(false);
            match result {
                Ok(_) => {
                    let t = texts(ctx.lang.get_untracked());
                    let mut note = format!(
                        "{} {} — {name}.",
                        t.queued_note,
                        i18n::changes_count(count as u32, ctx.lang.get_untracked())
                    );
                    if !held.is_empty() {
                        note.push_str(&format!(" {} {}", t.held_back, row_list(&held)));
                    }
                    state.clear();
                    ctx.flash.set(Some(note));
                    queued();
                }
                Err(e) => state.message.set(Some(ctx.failed(&e))),
            }
        });
    }
}

impl Default for ImportState {
    fn default() -> Self {
        ImportState::new()
    }
}
