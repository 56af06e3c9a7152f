//! The student page (`/student`): a student signs in with her username; after a temporary
//! password she must choose her own before anything else. Separate from the teachers' page: no
//! teacher session is asked for or used.

use leptos::prelude::*;
use leptos::task::spawn_local;
use rollcall_core::Lang;
use rollcall_protocol::{NewPassword, StudentSession, StudentSignIn};

use crate::api;
use crate::i18n::{Texts, texts};

/// Where the student is.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    SignIn,
    /// Signed in with a temporary password: she must set her own.
    MustChange(StudentSession),
    /// Signed in with her own password, or just set it (`true`).
    Done(StudentSession, bool),
}

#[component]
pub fn StudentPage(lang: RwSignal<Lang>) -> impl IntoView {
    let t = move || -> &'static Texts { texts(lang.get()) };
    let step = RwSignal::new(Step::SignIn);
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let fresh = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let code = move || lang.get_untracked().as_str();
    let sign_in = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let body = StudentSignIn {
                username: username.get_untracked(),
                password: password.get_untracked(),
            };
            let body = serde_json::to_string(&body).unwrap_or_default();
            let result =
                api::post_json::<StudentSession>("/api/student/session", body, "", code()).await;
            busy.set(false);
            password.set(String::new());
            match result {
                Ok(session) if session.must_change_password => step.set(Step::MustChange(session)),
                Ok(session) => step.set(Step::Done(session, false)),
                Err(e) => {
                    let t = texts(lang.get_untracked());
                    // A wrong password and an expired one: the server's words, in her language.
                    error.set(Some(match (e.status(), &e) {
                        (Some(401), api::ApiError::Status(_, expired)) => expired.clone(),
                        (Some(401), _) => t.student_wrong.to_owned(),
                        (Some(429), _) => t.too_many_tries.to_owned(),
                        _ => format!("{} {}", t.request_failed, e.message()),
                    }));
                }
            }
        });
    };
    let set_own = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Step::MustChange(session) = step.get_untracked() else {
            return;
        };
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let body = NewPassword {
                password: fresh.get_untracked(),
            };
            let body = serde_json::to_string(&body).unwrap_or_default();
            let result = api::post_json::<StudentSession>(
                "/api/student/password",
                body,
                &session.csrf,
                code(),
            )
            .await;
            busy.set(false);
            match result {
                Ok(session) => {
                    fresh.set(String::new());
                    step.set(Step::Done(session, true));
                }
                Err(e) => error.set(Some(e.message())),
            }
        });
    };
    view! {
        <section class="card signin student" aria-labelledby="student-title">
            <h1 id="student-title">{move || t().student_title}</h1>
            {move || match step.get() {
                Step::SignIn => view! {
                    <form on:submit=sign_in id="student-sign-in">
                        <label for="student-username">{move || t().student_username}</label>
                        <input id="student-username" type="text" autocomplete="username" required
                            prop:value=move || username.get() on:input=move |ev| username.set(event_target_value(&ev))/>
                        <label for="student-password">{move || t().password}</label>
                        <input id="student-password" type="password" autocomplete="current-password" required
                            prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev))/>
                        <p class="error-text" role="alert">{move || error.get()}</p>
                        <button type="submit" class="primary" disabled=move || busy.get()>{move || t().sign_in}</button>
                    </form>
                }.into_any(),
                Step::MustChange(session) => view! {
                    <form on:submit=set_own id="student-new-password">
                        <p class="note" role="status">{format!("{} {}.", session.student.first_name, session.student.last_name)}" "{move || t().student_must_change}</p>
                        <label for="student-new">{move || t().student_new_password}</label>
                        <input id="student-new" type="password" autocomplete="new-password" required
                            prop:value=move || fresh.get() on:input=move |ev| fresh.set(event_target_value(&ev))/>
                        <p class="muted small">{move || t().student_password_rule}</p>
                        <p class="error-text" role="alert">{move || error.get()}</p>
                        <button type="submit" class="primary" disabled=move || busy.get()>{move || t().student_set_password}</button>
                    </form>
                }.into_any(),
                Step::Done(session, changed) => view! {
                    <p class="note" role="status" id="student-done">
                        {move || if changed { t().student_password_set } else { t().student_signed_in }}
                        " "{format!("{} {} ({})", session.student.first_name, session.student.last_name, session.student.username)}
                    </p>
                }.into_any(),
            }}
        </section>
    }
}
