//! The page's frame: sign-in, the header (organization, language, navigation, sign out) and
//! the views, each at its own address: Import (`/`), Classes (`/classes`), the Upload History
//! (`/history`, by page) and one upload (`/history/{id}`).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{A, Route, Router, Routes};
use leptos_router::path;
use rollcall_core::Lang;

use crate::api::{self, Session};
use crate::classes::ClassesPage;
use crate::ctx::Ctx;
use crate::history::HistoryPage;
use crate::i18n::texts;
use crate::import::{ImportPage, ImportState};
use crate::paths;
use crate::student::StudentPage;
use crate::students::StudentsPage;
use crate::upload::UploadPage;

const LANG_KEY: &str = "rollcall.lang";
const SCHOOL_KEY: &str = "rollcall.school";

fn initial_lang() -> Lang {
    match api::load(LANG_KEY).as_deref().and_then(Lang::parse) {
        Some(lang) => lang,
        None if api::browser_prefers_spanish() => Lang::Es,
        None => Lang::En,
    }
}

/// Picks the remembered school when the teacher still has it, else the first.
fn choose_school(session: &Session) -> Option<String> {
    let remembered = api::load(SCHOOL_KEY);
    session
        .schools
        .iter()
        .find(|s| Some(&s.id) == remembered.as_ref())
        .or(session.schools.first())
        .map(|s| s.id.clone())
}

#[component]
pub fn App() -> impl IntoView {
    let ctx = Ctx {
        lang: RwSignal::new(initial_lang()),
        session: RwSignal::new(None),
        school: RwSignal::new(None),
        flash: RwSignal::new(None),
        expired: RwSignal::new(false),
    };
    provide_context(ctx);
    let import = ImportState::new();
    provide_context(import);
    // Edits made on the page exist only here until they are uploaded: closing or reloading the
    // tab asks first. (Browsers show their own words; the text is for those that show it.)
    let _leave_guard = window_event_listener(leptos::ev::beforeunload, move |event| {
        if import.has_unsaved_edits() {
            event.prevent_default();
            event.set_return_value(ctx.t().leave_unsaved);
        }
    });
    let loaded = RwSignal::new(false);

    // The language is remembered and given to the document, so screen readers use it. The
    // document's `lang` makes the browser lay out every text anew (about 30 ms on a page of 50
    // rows), so it is set once the reworded page has been drawn.
    Effect::new(move |_| {
        let lang = ctx.lang.get();
        api::store(LANG_KEY, lang.as_str());
        document().set_title(match lang {
            Lang::En => "Rollcall — Import Students",
            Lang::Es => "Rollcall — Importar alumnos",
        });
        request_animation_frame(move || {
            set_timeout(
                move || {
                    if let Some(root) = document().document_element() {
                        let _ = root.set_attribute("lang", lang.as_str());
                    }
                },
                std::time::Duration::ZERO,
            );
        });
    });

    // The student page stands alone: no teacher's session is asked for.
    let student_page = window().location().pathname().ok().as_deref() == Some(paths::STUDENT);
    if student_page {
        return view! {
            <header class="top">
                <div class="brand">
                    <span class="logo" aria-hidden="true">"✓"</span>
                    <span class="name">"Rollcall"</span>
                </div>
                <LangButtons/>
            </header>
            <main id="main" tabindex="-1"><StudentPage lang=ctx.lang/></main>
        }
        .into_any();
    }
    spawn_local(async move {
        if let Ok(session) = api::get_json::<Session>("/api/session", ctx.lang_code()).await {
            ctx.school.set(choose_school(&session));
            ctx.session.set(Some(session));
        }
        loaded.set(true);
    });

    view! {
        <Router>
        <a class="skip" href="#main">{move || match ctx.lang.get() { Lang::En => "Skip to content", Lang::Es => "Ir al contenido" }}</a>
        <Header/>
        <main id="main" tabindex="-1">
            <Show when=move || loaded.get() fallback=|| view! { <p class="muted" aria-busy="true">"…"</p> }>
                <Show when=move || ctx.session.with(Option::is_some) fallback=|| view! { <SignIn/> }>
                    {move || ctx.flash.get().map(|note| view! {
                        <div class="flash" role="status">
                            <span>{note}</span>
                            <button type="button" class="link" on:click=move |_| ctx.flash.set(None)
                                aria-label=move || match ctx.lang.get() { Lang::En => "Dismiss", Lang::Es => "Cerrar" }>"×"</button>
                        </div>
                    })}
                    <Routes fallback=NotFound>
                        <Route path=path!("/") view=ImportPage/>
                        <Route path=path!("/classes") view=ClassesPage/>
                        <Route path=path!("/students") view=StudentsPage/>
                        <Route path=path!("/history") view=HistoryPage/>
                        <Route path=path!("/history/:id") view=UploadPage/>
                    </Routes>
                </Show>
            </Show>
        </main>
        <footer class="footer muted">
            {move || ctx.t().tagline}
        </footer>
        </Router>
    }
    .into_any()
}

/// The English and Español buttons.
#[component]
fn LangButtons() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang_button = move |lang: Lang, label: &'static str| {
        view! {
            <button type="button" class="lang" lang=lang.as_str()
                aria-pressed=move || (ctx.lang.get() == lang).to_string()
                on:click=move |_| ctx.lang.set(lang)>{label}</button>
        }
    };
    view! {
        <div class="langs" role="group" aria-label=move || ctx.t().language>
            {lang_button(Lang::En, "English")}
            {lang_button(Lang::Es, "Español")}
        </div>
    }
}

#[component]
fn NotFound() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    view! {
        <section class="card">
            <h1 class="page-title">{move || ctx.t().not_found}</h1>
            <A href=paths::IMPORT>{move || ctx.t().go_import}</A>
        </section>
    }
}

#[component]
fn Header() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let import = expect_context::<ImportState>();
    let signed_in = move || ctx.session.with(Option::is_some);
    let sign_out = move |_| {
        let csrf = ctx.csrf();
        spawn_local(async move {
            let _ = api::delete("/api/session", &csrf, ctx.lang_code()).await;
            import.clear();
            ctx.session.set(None);
            ctx.flash.set(None);
        });
    };
    let on_school = move |ev: leptos::ev::Event| {
        let school = event_target_value(&ev);
        api::store(SCHOOL_KEY, &school);
        import.clear();
        ctx.flash.set(None);
        ctx.school.set(Some(school));
    };
    // The links mark the current view with `aria-current="page"`; the History link also
    // for one upload.
    let nav_link =
        move |href: &'static str, exact: bool, label: fn(&crate::i18n::Texts) -> &'static str| {
            view! {
                <span class="nav-item" on:click=move |_| ctx.flash.set(None)>
                    <A href=href exact=exact attr:class="nav">{move || label(ctx.t())}</A>
                </span>
            }
        };
    view! {
        <header class="top">
            <div class="brand">
                <span class="logo" aria-hidden="true">"✓"</span>
                <span class="name">"Rollcall"</span>
            </div>
            <Show when=signed_in>
                <div class="org">
                    <label for="school">{move || ctx.t().organization}</label>
                    <select id="school" on:change=on_school>
                        {move || ctx.session.get().map(|s| s.schools.into_iter().map(|school| {
                            let selected = ctx.school.get_untracked().as_deref() == Some(school.id.as_str());
                            view! { <option value=school.id.clone() selected=selected>{school.name}</option> }
                        }).collect_view())}
                    </select>
                </div>
            </Show>
            <LangButtons/>
            <Show when=signed_in>
                <div class="who">
                    <span class="muted">{move || ctx.t().signed_in_as}" "</span>
                    <span>{move || ctx.session.get().map(|s| s.teacher.email).unwrap_or_default()}</span>
                    <button type="button" class="secondary" on:click=sign_out>{move || ctx.t().sign_out}</button>
                </div>
            </Show>
        </header>
        <Show when=signed_in>
            <nav class="tabs" aria-label=move || ctx.t().main_nav>
                {nav_link(paths::IMPORT, true, |t| t.nav_import)}
                {nav_link(paths::CLASSES, true, |t| t.nav_classes)}
                {nav_link(paths::STUDENTS, true, |t| t.nav_students)}
                {nav_link(paths::HISTORY, false, |t| t.nav_history)}
            </nav>
        </Show>
    }
}

#[component]
fn SignIn() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let result = api::sign_in(
                &email.get_untracked(),
                &password.get_untracked(),
                ctx.lang_code(),
            )
            .await;
            busy.set(false);
            match result {
                Ok(session) => {
                    password.set(String::new());
                    ctx.expired.set(false);
                    ctx.school.set(choose_school(&session));
                    ctx.session.set(Some(session));
                }
                Err(e) => {
                    let t = texts(ctx.lang.get_untracked());
                    error.set(Some(match e.status() {
                        Some(401) => t.sign_in_failed.to_owned(),
                        Some(429) => t.too_many_tries.to_owned(),
                        _ => ctx.failed(&e),
                    }));
                }
            }
        });
    };
    view! {
        <section class="card signin" aria-labelledby="signin-title">
            <h1 id="signin-title">{move || ctx.t().sign_in_title}</h1>
            <Show when=move || ctx.expired.get()>
                <p class="note" role="status">{move || ctx.t().session_expired}</p>
            </Show>
            <form on:submit=submit>
                <label for="email">{move || ctx.t().email}</label>
                <input id="email" type="email" autocomplete="username" required
                    prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev))/>
                <label for="password">{move || ctx.t().password}</label>
                <input id="password" type="password" autocomplete="current-password" required
                    prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev))/>
                <p class="error-text" role="alert">{move || error.get()}</p>
                <button type="submit" class="primary" disabled=move || busy.get()>
                    {move || if busy.get() { ctx.t().signing_in } else { ctx.t().sign_in }}
                </button>
            </form>
        </section>
    }
}
