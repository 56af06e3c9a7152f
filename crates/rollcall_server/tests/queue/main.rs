//! The queue under faults: two server processes on one database, a write lock held longer than
//! the busy timeout, a full disk, a panic, a password that cannot be hashed, a lease that
//! lapsed or was taken over, a retried file upload (Idempotency-Key), and the store's row and username rules.

#[path = "../common/mod.rs"]
mod common;

mod faults;
mod leases;
mod row_rules;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::{StatusCode, header};
use common::{Server, SignedIn};
use rollcall_server::demo::{LINCOLN, OTHER, ROOSEVELT, TEACHER};
use rollcall_server::store::apply::{NewPassword, UsernameHints};
use rollcall_server::store::retry::Retry;
use rollcall_server::store::uploads::{NewUpload, NewUploadRow, RowState, UploadKind};
use rollcall_server::store::{Backend, Store, Turn};
use rollcall_server::upload::hooks::{BeforeUpload, Hooks};
use sqlx::Connection;

const BUSY: Duration = Duration::from_secs(10);

/// An instant stand-in for Argon2id (the tests are about the queue, not the hashing).
fn fast_hash() -> Hooks {
    Hooks {
        before_upload: None,
        hash_password: Some(Arc::new(|password: &str| {
            Ok(format!("test-hash-{}", password.len()))
        })),
    }
}

/// A `before_upload` hook from a closure that returns a future.
fn before<F, Fut>(f: F) -> Option<BeforeUpload>
where
    F: Fn(String) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    Some(Arc::new(move |id: &str| Box::pin(f(id.to_owned()))))
}

/// A number as letters (names hold no digits): 0 → "a", 12 → "bc".
fn letters(n: usize) -> String {
    n.to_string()
        .bytes()
        .map(|d| char::from(b'a' + (d - b'0')))
        .collect()
}

/// A CSV file in the export's columns with these data lines.
fn file(lines: &[String]) -> Vec<u8> {
    let mut text = rollcall_server::files::HEADER.join(",");
    for line in lines {
        text.push_str("\r\n");
        text.push_str(line);
    }
    text.push_str("\r\n");
    text.into_bytes()
}

async fn post(server: &Server, who: &SignedIn, bytes: &[u8], lang: &str) -> String {
    let reply = server
        .post_file_with(
            who,
            // Every student is new, on purpose: the guard is confirmed.
            &format!("/api/schools/{LINCOLN}/uploads?confirm=mass-create"),
            "roster.csv",
            bytes,
            &[(header::ACCEPT_LANGUAGE, lang)],
        )
        .await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text());
    reply.json()["id"].as_str().expect("id").to_owned()
}

async fn count(store: &Store, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(store.pool())
        .await
        .expect("count")
}

use common::csv_records as csv_rows;

/// Stores an upload of LINCOLN with pending rows 2, 3, … (no worker running).
async fn pending_upload(server: &Server, rows: u32) -> String {
    let id = uuid::Uuid::new_v4().to_string();
    let teacher: String = sqlx::query_scalar("SELECT id FROM teachers LIMIT 1")
        .fetch_one(server.state.store.pool())
        .await
        .expect("teacher");
    let header: Vec<String> = Vec::new();
    server
        .state
        .store
        .insert_upload(&NewUpload {
            id: &id,
            school: LINCOLN,
            teacher: &teacher,
            changeset_id: None,
            idempotency_key: None,
            file_name: "t.csv",
            kind: UploadKind::File,
            reverts: None,
            lang: rollcall_core::Lang::En,
            created_at: "2026-11-22T10:00:00Z",
            header: &header,
            sheet: None,
            rows: (0..rows)
                .map(|k| NewUploadRow {
                    row: k + 2,
                    cells: vec![String::new(); 7],
                    op: Some("{}".to_owned()),
                    errors: Vec::new(),
                    kept: None,
                })
                .collect(),
        })
        .await
        .expect("upload");
    id
}
