//! Uploads end to end through `app(state).oneshot`: change-sets and files are stored, queued,
//! re-checked with the rule engine against the current roster and applied; the Upload History
//! (in pages, its times from a fixed clock) and its three files; replays, stale rows, bad input
//! and school scope.

#[path = "../common/mod.rs"]
mod common;

mod applying;
mod classes;
mod collisions;
mod guards;
mod history;
mod refusals;
mod reverts;
mod uploaded_file;

use axum::http::{StatusCode, header};
use common::{Server, SignedIn};
use rollcall_core::{Input, Options};
use rollcall_server::demo::{LINCOLN, OTHER, ROOSEVELT, TEACHER};

const SECRET: &str = "Sunflower!Garden42";

/// Exports Lincoln as CSV: (export id, bytes).
async fn export(server: &Server, who: &SignedIn) -> (String, Vec<u8>) {
    let reply = server.export(who, LINCOLN, "csv").await;
    assert_eq!(reply.status, StatusCode::OK);
    (reply.export_id(LINCOLN), reply.body)
}

/// Replaces cells of the CSV: (data line index from 1, column, value); appends extra lines.
fn edit(csv: &[u8], cells: &[(usize, usize, &str)], extra: &[&str]) -> Vec<u8> {
    let text = String::from_utf8(csv.to_vec()).expect("utf-8");
    let mut lines: Vec<Vec<String>> = text
        .lines()
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect();
    for (line, column, value) in cells {
        lines[*line][*column] = (*value).to_owned();
    }
    let mut out: Vec<String> = lines.iter().map(|l| l.join(",")).collect();
    out.extend(extra.iter().map(|l| (*l).to_owned()));
    (out.join("\r\n") + "\r\n").into_bytes()
}

/// What the page does: check the edited file against the export and take its change-set.
fn change_set(edited: &[u8], original: &[u8], id: &str) -> rollcall_core::ChangeSet {
    let (_, set) = rollcall_core::change_set(
        Input::new(edited, Some("edited.csv")),
        Input::new(original, Some("export.csv")),
        LINCOLN,
        id,
        "2026-11-22T10:00:00Z",
        &Options::default(),
    );
    set
}

fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let mut reader = csv::Reader::from_reader(bytes);
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_owned)
        .collect();
    let mut rows = vec![header];
    rows.extend(
        reader
            .records()
            .map(|r| r.expect("record").iter().map(str::to_owned).collect()),
    );
    rows
}
