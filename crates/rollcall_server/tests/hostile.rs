//! The hostile set (tests/fixtures/hostile/) uploaded as files, as any signed-in teacher can
//! with curl, the page's own check skipped: each is refused with 422 and the reason the
//! engine found, and the server goes on answering. Before the readers were bounded, the first
//! of them made the server allocate 24 GB and be killed.

mod common;

use axum::http::StatusCode;
use common::Server;
use rollcall_server::demo::{LINCOLN, TEACHER};

fn hostile_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/hostile")
}

/// A file of the set: a stored workbook, or one of the 20 MiB CSVs made the way
/// verdicts.json describes them.
fn hostile_file(name: &str) -> Vec<u8> {
    const SIZE: usize = 20 * 1024 * 1024;
    match name {
        "quoted-field.csv" => {
            let mut data = vec![b'a'; SIZE];
            data[0] = b'"';
            data[SIZE - 1] = b'"';
            data
        }
        "delimiters.csv" => vec![b','; SIZE],
        "line-breaks.csv" => {
            let mut data = b"First Name,Last Name,Grade\n".to_vec();
            data.resize(SIZE, b'\n');
            data
        }
        _ => std::fs::read(hostile_dir().join(name)).expect("hostile file"),
    }
}

#[tokio::test]
async fn hostile_uploads_are_refused_and_the_server_goes_on() {
    let server = Server::demo().await;
    let teacher = server.sign_in(TEACHER).await;
    let expect: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(hostile_dir().join("verdicts.json")).expect("verdicts.json"),
    )
    .expect("json");
    let uploads = format!("/api/schools/{LINCOLN}/uploads");
    for (name, verdict) in expect["files"].as_object().expect("files") {
        let reply = server
            .post_file(&teacher, &uploads, name, &hostile_file(name))
            .await;
        if verdict["code"].is_null() {
            // A huge declared dimension alone is no reason to refuse: the cells are read.
            assert_eq!(
                reply.status,
                StatusCode::ACCEPTED,
                "{name}: {}",
                reply.text()
            );
            let id = reply.json()["id"].as_str().expect("id").to_owned();
            server.wait_for(&teacher, LINCOLN, &id).await;
        } else {
            assert_eq!(
                reply.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{name}: {}",
                reply.text()
            );
            assert_eq!(reply.error_code(), "file-rejected", "{name}");
        }
        let history = server.get(Some(&teacher), &uploads).await;
        assert_eq!(history.status, StatusCode::OK, "after {name}");
    }
}
