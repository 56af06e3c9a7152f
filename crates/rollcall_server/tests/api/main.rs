//! The HTTP API through `app(state).oneshot(request)`: sign-in, sessions, CSRF, school scope,
//! Export Students and the username check, on a fresh demo database per test.

#[path = "../common/mod.rs"]
mod common;

mod exports;
mod page;
mod roster;
mod scope;
mod sessions;
mod students;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::Server;
use rollcall_core::{Input, Options, check};
use rollcall_server::demo::{LINCOLN, OTHER, ROOSEVELT, TEACHER};
use rollcall_server::store::{NewStudent, StudentRecord};

/// Every route of a school, as (method, path, JSON body).
fn school_routes(
    school: &str,
    export: &str,
) -> Vec<(&'static str, String, Option<serde_json::Value>)> {
    vec![
        ("GET", format!("/api/schools/{school}/roster"), None),
        (
            "GET",
            format!("/api/schools/{school}/export?format=csv"),
            None,
        ),
        (
            "GET",
            format!("/api/schools/{school}/export?format=xlsx"),
            None,
        ),
        (
            "GET",
            format!("/api/schools/{school}/exports/{export}"),
            None,
        ),
        (
            "POST",
            format!("/api/schools/{school}/usernames"),
            Some(serde_json::json!({"usernames": ["finn.wong"]})),
        ),
    ]
}

async fn request(
    server: &Server,
    who: Option<&common::SignedIn>,
    method: &str,
    path: &str,
    body: &Option<serde_json::Value>,
    csrf: bool,
) -> common::Reply {
    let mut request = Request::builder().method(method).uri(path);
    if let Some(who) = who {
        request = request.header(header::COOKIE, &who.cookie);
        if csrf {
            request = request.header("x-csrf-token", &who.csrf);
        }
    }
    let body = match body {
        Some(json) => {
            request = request.header(header::CONTENT_TYPE, "application/json");
            Body::from(json.to_string())
        }
        None => Body::empty(),
    };
    server.send(request.body(body).expect("request")).await
}

/// A Lincoln export made by the teacher of both schools; returns its id.
async fn lincoln_export(server: &Server) -> String {
    let teacher = server.sign_in(TEACHER).await;
    let reply = server.export(&teacher, LINCOLN, "csv").await;
    assert_eq!(reply.status, StatusCode::OK);
    reply.export_id(LINCOLN)
}
