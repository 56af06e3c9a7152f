//! Reverting an upload from the Upload History: the Revert action of an upload the server says
//! can still be reverted, a confirmation that says what the revert will put back and keep, and
//! the request; the revert then appears in the history as an upload of its own.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use rollcall_protocol::UploadAccepted;

use crate::api::{self, UploadSummary};
use crate::ctx::Ctx;
use crate::i18n::reverts as words;
use crate::paths;

/// Whether the history may offer to revert `upload` now: the server gave a deadline (a
/// completed upload with no revert yet) and it has not passed by the browser's clock.
pub fn offered(upload: &UploadSummary) -> bool {
    upload
        .revertible_until
        .as_deref()
        .is_some_and(|until| until > api::now_rfc3339().as_str())
}

/// The Revert button of an upload, or the link to its revert once it has one.
#[component]
pub fn RevertAction(
    upload: UploadSummary,
    asking: RwSignal<Option<UploadSummary>>,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    if let Some(revert) = upload.reverted_by.clone() {
        return view! {
            <A href=paths::upload(&revert) attr:class="reverted small">
                {move || words::reverted(ctx.lang.get())}
            </A>
        }
        .into_any();
    }
    if !offered(&upload) {
        return ().into_any();
    }
    let name = upload.file_name.clone();
    view! {
        <button type="button" class="secondary revert"
            aria-label=move || format!("{} {name}", words::revert(ctx.lang.get()))
            on:click=move |_| asking.set(Some(upload.clone()))>
            {move || words::revert(ctx.lang.get())}
        </button>
    }
    .into_any()
}

/// The confirmation of the revert being asked for: what it puts back and what it keeps; on
/// Revert, the request, then `done` (the history reloads and shows the revert).
#[component]
pub fn RevertConfirm(
    asking: RwSignal<Option<UploadSummary>>,
    done: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let error = RwSignal::new(None::<String>);
    let sending = RwSignal::new(false);
    let confirm = move |upload: UploadSummary| {
        sending.set(true);
        error.set(None);
        spawn_local(async move {
            let path = ctx.school_path(&format!("/uploads/{}/revert", api::encode(&upload.id)));
            let answer = api::post_json::<UploadAccepted>(
                &path,
                "{}".to_owned(),
                &ctx.csrf(),
                ctx.lang_code(),
            )
            .await;
            sending.set(false);
            match answer {
                Ok(_) => {
                    asking.set(None);
                    ctx.flash.set(Some(words::queued(
                        &upload.file_name,
                        ctx.lang.get_untracked(),
                    )));
                    done();
                }
                Err(e) => error.set(Some(ctx.failed(&e))),
            }
        });
    };
    move || {
        asking.get().map(|upload| {
            let counts = upload.counts;
            let question = {
                let name = upload.file_name.clone();
                move || words::question(&name, &counts, ctx.lang.get())
            };
            let chosen = upload.clone();
            view! {
                <section class="card revert-confirm" id="revert-confirm" role="alertdialog"
                    aria-labelledby="revert-title" aria-describedby="revert-question">
                    <h2 id="revert-title">{move || words::title(ctx.lang.get())}</h2>
                    <p id="revert-question">{question}</p>
                    {move || error.get().map(|e| view! { <p class="error-text" role="alert">{e}</p> })}
                    <div class="actions">
                        <button type="button" id="revert-yes" class="danger"
                            disabled=move || sending.get()
                            on:click=move |_| confirm(chosen.clone())>
                            {move || words::confirm(ctx.lang.get())}
                        </button>
                        <button type="button" id="revert-no" class="secondary"
                            on:click=move |_| { error.set(None); asking.set(None) }>
                            {move || words::cancel(ctx.lang.get())}
                        </button>
                    </div>
                </section>
            }
        })
    }
}
