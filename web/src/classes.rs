//! The Classes view (`/classes`): the teacher's classes in the school with how many students
//! each has; opening one (`/classes?class=ID`) lists its students. Classes are made and changed
//! by importing a file with a Classes column.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api::{self, ClassSummary, RosterStudent};
use crate::ctx::Ctx;
use crate::i18n;
use crate::paths;

#[component]
pub fn ClassesPage() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let query = use_query_map();
    let opened = Memo::new(move |_| query.with(|q| q.get("class")));
    let classes = RwSignal::new(None::<Vec<ClassSummary>>);
    let roster = RwSignal::new(None::<Vec<RosterStudent>>);
    let error = RwSignal::new(None::<String>);
    // Load the classes, and the roster they are read from, whenever the school changes.
    Effect::new(move |_| {
        ctx.school.track();
        classes.set(None);
        roster.set(None);
        spawn_local(async move {
            let lang = ctx.lang_code();
            let path = ctx.school_path("/classes");
            match api::get_json::<Vec<ClassSummary>>(&path, lang).await {
                Ok(list) => classes.set(Some(list)),
                Err(e) => error.set(Some(ctx.failed(&e))),
            }
            match api::get_json::<Vec<RosterStudent>>(&ctx.school_path("/roster"), lang).await {
                Ok(students) => roster.set(Some(students)),
                Err(e) => error.set(Some(ctx.failed(&e))),
            }
        });
    });
    let opened_class = move || {
        let id = opened.get()?;
        classes.with(|list| list.as_ref()?.iter().find(|c| c.id == id).cloned())
    };
    view! {
        <h1 class="page-title">{move || ctx.t().classes_title}</h1>
        <section class="card" aria-labelledby="classes-title">
            <h2 id="classes-title" class="visually-hidden">{move || ctx.t().classes_title}</h2>
            {move || error.get().map(|e| view! { <p class="error-text" role="alert">{e}</p> })}
            {move || match classes.get() {
                None => view! { <p class="muted" aria-busy="true">"…"</p> }.into_any(),
                Some(list) if list.is_empty() => view! { <p class="muted" id="no-classes">{move || ctx.t().no_classes}</p> }.into_any(),
                Some(list) => view! {
                    <div class="table-wrap">
                        <table class="classes" id="classes">
                            <thead>
                                <tr>
                                    <th scope="col">{move || ctx.t().col_class}</th>
                                    <th scope="col" class="number">{move || ctx.t().col_students}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {list.into_iter().map(|class| {
                                    let id = class.id.clone();
                                    let current = move || (opened.get().as_deref() == Some(id.as_str())).then_some("page");
                                    let name = class.name.clone();
                                    view! {
                                        <tr data-class=class.name>
                                            <td><A href=paths::class(&class.id) attr:aria-current=current>{name}</A></td>
                                            <td class="number">{class.students}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any(),
            }}
        </section>
        {move || opened_class().map(|class| view! { <ClassStudents class=class roster=roster/> })}
    }
}

/// The students of one class, from the roster (each student lists the teacher's classes).
#[component]
fn ClassStudents(
    class: ClassSummary,
    roster: RwSignal<Option<Vec<RosterStudent>>>,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let name = class.name.clone();
    // The students of the class, worked out again only when the roster changes.
    let members = Memo::new(move |_| {
        roster.with(|students| {
            students.as_ref().map(|students| {
                students
                    .iter()
                    .filter(|s| s.classes.contains(&name))
                    .cloned()
                    .collect::<Vec<_>>()
            })
        })
    });
    let heading = {
        let name = class.name.clone();
        move || {
            let count = members.with(|m| m.as_ref().map_or(0, Vec::len));
            i18n::class_heading(&name, count, ctx.lang.get())
        }
    };
    view! {
        <section class="card" id="class-students" aria-labelledby="class-students-title">
            <h2 id="class-students-title">{heading}</h2>
            {move || match members.get() {
                None => view! { <p class="muted" aria-busy="true">"…"</p> }.into_any(),
                Some(students) => view! {
                    <div class="table-wrap">
                        <table class="class-students">
                            <thead>
                                <tr>
                                    <th scope="col">{move || i18n::field_label(rollcall_core::Field::LastName, ctx.lang.get())}</th>
                                    <th scope="col">{move || i18n::field_label(rollcall_core::Field::FirstName, ctx.lang.get())}</th>
                                    <th scope="col">{move || i18n::field_label(rollcall_core::Field::Grade, ctx.lang.get())}</th>
                                    <th scope="col">{move || i18n::field_label(rollcall_core::Field::Username, ctx.lang.get())}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {students.into_iter().map(|s| view! {
                                    <tr>
                                        <td>{s.last_name}</td>
                                        <td>{s.first_name}</td>
                                        <td>{s.grade}</td>
                                        <td>{s.username}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any(),
            }}
        </section>
    }
}
