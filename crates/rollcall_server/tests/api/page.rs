//! The page's files, or the note saying how to build them.

use super::*;

/// GET `path` from the page's router.
async fn page_get(dir: Option<&std::path::Path>, path: &str) -> common::Reply {
    let request = Request::get(path).body(Body::empty()).expect("request");
    common::send_to(rollcall_server::page(dir), request).await
}

#[tokio::test]
async fn the_root_serves_the_page_or_says_how_to_build_it() {
    let reply = page_get(None, "/").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.text().contains("cargo xtask web"), "{}", reply.text());

    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("index.html"), "<title>Rollcall</title>").expect("write");
    std::fs::write(dir.path().join("rollcall_web_bg.wasm"), b"\0asm").expect("write");
    let reply = page_get(Some(dir.path()), "/").await;
    assert_eq!(reply.status, StatusCode::OK);
    let content_type = reply.header(header::CONTENT_TYPE);
    assert!(content_type.starts_with("text/html"), "{content_type}");
    assert!(reply.text().contains("<title>Rollcall</title>"));
    let wasm = page_get(Some(dir.path()), "/rollcall_web_bg.wasm").await;
    assert_eq!(wasm.header(header::CONTENT_TYPE), "application/wasm");
    let outside = page_get(Some(dir.path()), "/../Cargo.toml").await;
    assert_ne!(outside.status, StatusCode::OK);
}

#[tokio::test]
async fn the_pages_views_have_addresses_the_server_answers_with_the_page() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("index.html"), "<title>Rollcall</title>").expect("write");
    for view in [
        "/history",
        "/history?page=3",
        "/classes",
        "/classes?class=0b9d8a53-7c1e-4d6b-9a51-6c5e2f1d3a10",
        "/history/0b9d8a53-7c1e-4d6b-9a51-6c5e2f1d3a10",
    ] {
        let reply = page_get(Some(dir.path()), view).await;
        assert_eq!(reply.status, StatusCode::OK, "{view}");
        assert!(reply.text().contains("<title>Rollcall</title>"), "{view}");
        assert!(reply.header(header::CONTENT_TYPE).starts_with("text/html"));
    }
    // Anything else that is not a file is still a 404, not the page.
    for missing in ["/history/a/b", "/missing.js", "/historyx"] {
        let reply = page_get(Some(dir.path()), missing).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{missing}");
    }
}
