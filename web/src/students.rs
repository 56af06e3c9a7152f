//! The Students view (`/students`): the roster with where each student's password is in its
//! life, and a Reset password action that shows the new temporary password once, with a copy
//! button.

use leptos::prelude::*;
use leptos::task::spawn_local;
use rollcall_protocol::PasswordReset;

use crate::api::{self, RosterStudent};
use crate::ctx::Ctx;
use crate::i18n;

#[component]
pub fn StudentsPage() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let roster = RwSignal::new(None::<Vec<RosterStudent>>);
    let error = RwSignal::new(None::<String>);
    // The last reset, shown until another: its password exists nowhere else.
    let shown = RwSignal::new(None::<PasswordReset>);
    let load = move || {
        spawn_local(async move {
            match api::get_json::<Vec<RosterStudent>>(&ctx.school_path("/roster"), ctx.lang_code())
                .await
            {
                Ok(students) => roster.set(Some(students)),
                Err(e) => error.set(Some(ctx.failed(&e))),
            }
        });
    };
    Effect::new(move |_| {
        ctx.school.track();
        roster.set(None);
        shown.set(None);
        load();
    });
    let reset = move |guid: String| {
        error.set(None);
        spawn_local(async move {
            let path = ctx.school_path(&format!("/students/{}/password-reset", api::encode(&guid)));
            match api::post_json::<PasswordReset>(
                &path,
                "{}".to_owned(),
                &ctx.csrf(),
                ctx.lang_code(),
            )
            .await
            {
                Ok(answer) => {
                    shown.set(Some(answer));
                    load();
                }
                Err(e) => error.set(Some(ctx.failed(&e))),
            }
        });
    };
    view! {
        <h1 class="page-title">{move || ctx.t().students_title}</h1>
        {move || shown.get().map(|answer| view! { <ResetShown answer=answer/> })}
        <section class="card" aria-labelledby="students-help">
            <p class="muted" id="students-help">{move || ctx.t().students_help}</p>
            {move || error.get().map(|e| view! { <p class="error-text" role="alert">{e}</p> })}
            {move || match roster.get() {
                None => view! { <p class="muted" aria-busy="true">"…"</p> }.into_any(),
                Some(students) => view! {
                    <div class="table-wrap">
                        <table id="students">
                            <thead>
                                <tr>
                                    <th scope="col">{move || i18n::field_label(rollcall_core::Field::LastName, ctx.lang.get())}</th>
                                    <th scope="col">{move || i18n::field_label(rollcall_core::Field::FirstName, ctx.lang.get())}</th>
                                    <th scope="col">{move || i18n::field_label(rollcall_core::Field::Grade, ctx.lang.get())}</th>
                                    <th scope="col">{move || i18n::field_label(rollcall_core::Field::Username, ctx.lang.get())}</th>
                                    <th scope="col">{move || i18n::field_label(rollcall_core::Field::Password, ctx.lang.get())}</th>
                                    <th scope="col"><span class="visually-hidden">{move || ctx.t().reset_password}</span></th>
                                </tr>
                            </thead>
                            <tbody>
                                {students.into_iter().map(|s| {
                                    let guid = s.guid.clone();
                                    let (state, expires) = (s.password, s.password_expires_at.clone());
                                    let (first, last) = (s.first_name.clone(), s.last_name.clone());
                                    let label = move || format!("{} {first} {last}", ctx.t().reset_password);
                                    let username = s.username.clone();
                                    view! {
                                        <tr data-username=username data-password=state.as_str()>
                                            <td>{s.last_name}</td>
                                            <td>{s.first_name}</td>
                                            <td>{s.grade}</td>
                                            <td>{s.username}</td>
                                            <td class=format!("password {}", state.as_str())>
                                                {move || i18n::password_state(state, expires.as_deref(), ctx.lang.get())}
                                            </td>
                                            <td>
                                                <button type="button" class="secondary small" aria-label=label
                                                    on:click=move |_| reset(guid.clone())>{move || ctx.t().reset_password}</button>
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

/// A reset's new temporary password, shown once, with a copy button.
#[component]
fn ResetShown(answer: PasswordReset) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let copied = RwSignal::new(false);
    let password = answer.temporary_password.clone();
    let copy = move |_| {
        let clipboard = window().navigator().clipboard();
        let promise = clipboard.write_text(&password);
        spawn_local(async move {
            if wasm_bindgen_futures::JsFuture::from(promise).await.is_ok() {
                copied.set(true);
            }
        });
    };
    let expires = answer.expires_at.clone();
    view! {
        <section class="card reset-shown" id="reset-shown" role="status">
            <h2>{move || ctx.t().reset_done}" "{answer.username.clone()}</h2>
            <p class="temporary">
                <code id="temporary-password">{answer.temporary_password.clone()}</code>
                " "
                <button type="button" class="secondary small" on:click=copy>
                    {move || if copied.get() { ctx.t().copied } else { ctx.t().copy }}
                </button>
            </p>
            <p class="muted">{move || format!("{} {}.", ctx.t().reset_once, i18n::when(&expires, ctx.lang.get()))}</p>
        </section>
    }
}
