//! Security headers, the page's sources under the policy, cookies over HTTPS and CSRF tokens.

use super::*;

fn assert_security_headers(reply: &Reply, what: &str, api: bool) {
    assert_eq!(
        reply.header(header::CONTENT_SECURITY_POLICY),
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; frame-ancestors 'none'; \
         object-src 'none'; base-uri 'none'",
        "{what}"
    );
    assert_eq!(
        reply.header(header::X_CONTENT_TYPE_OPTIONS),
        "nosniff",
        "{what}"
    );
    assert_eq!(
        reply.header(header::REFERRER_POLICY),
        "no-referrer",
        "{what}"
    );
    if api {
        assert_eq!(reply.header(header::CACHE_CONTROL), "no-store", "{what}");
    }
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let server = Server::demo().await;
    let ok = server.sign_in_as(TEACHER, &server.password(TEACHER)).await;
    assert_eq!(ok.status, StatusCode::OK);
    assert_security_headers(&ok, "sign-in", true);
    let signed_out = server
        .get(None, &format!("/api/schools/{LINCOLN}/roster"))
        .await;
    assert_eq!(signed_out.status, StatusCode::UNAUTHORIZED);
    assert_security_headers(&signed_out, "401", true);
    let missing = server.get(None, "/api/no-such-route").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_security_headers(&missing, "API 404", true);

    // The page's files, its 404s and the note shown when it is not built.
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("index.html"), "<title>Rollcall</title>").expect("write");
    for (web, path, status) in [
        (Some(dir.path()), "/", StatusCode::OK),
        (Some(dir.path()), "/missing.js", StatusCode::NOT_FOUND),
        (None, "/", StatusCode::OK),
        (None, "/missing.js", StatusCode::NOT_FOUND),
    ] {
        for router in [
            rollcall_server::page(web),
            rollcall_server::site(server.state.clone(), web),
        ] {
            let request = Request::get(path).body(Body::empty()).expect("request");
            let reply = common::send_to(router, request).await;
            assert_eq!(reply.status, status, "{path}");
            assert_security_headers(&reply, path, false);
        }
    }
    assert_eq!(CONTENT_SECURITY_POLICY.matches("'self'").count(), 2);
}

#[test]
fn the_page_has_no_inline_script_style_or_handler_the_policy_would_block() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web");
    let index = std::fs::read_to_string(root.join("static/index.html")).expect("index.html");
    let lower = index.to_ascii_lowercase();
    for script in lower.split("<script").skip(1) {
        let tag = script.split('>').next().unwrap_or_default();
        assert!(tag.contains(" src="), "an inline script: <script{tag}>");
        let body = script.split_once('>').map_or("", |(_, rest)| rest);
        assert!(
            body.trim_start().starts_with("</script"),
            "a script with a body"
        );
    }
    for forbidden in [" style=", "<style", "javascript:", "data:"] {
        assert!(!lower.contains(forbidden), "index.html has {forbidden}");
    }
    let handler = lower
        .split(|c: char| c.is_whitespace())
        .any(|word| word.starts_with("on") && word.contains('='));
    assert!(!handler, "index.html has an inline event handler");
    // Neither does the page's Rust set inline styles.
    let mut folders = vec![root.join("src")];
    let mut files = Vec::new();
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("web/src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                folders.push(path);
            } else {
                files.push(path);
            }
        }
    }
    assert!(files.len() >= 10, "the page's sources were found");
    for path in files {
        let source = std::fs::read_to_string(&path).expect("source");
        assert!(
            !source.contains("style=") && !source.contains("style:"),
            "{} sets an inline style",
            path.display()
        );
    }
}

#[tokio::test]
async fn over_https_the_session_cookie_is_secure_with_the_host_prefix() {
    let mut server = Server::demo().await;
    let password = server.password(TEACHER);

    // Plain HTTP keeps today's cookie.
    let plain = server.sign_in_as(TEACHER, &password).await;
    let set = plain.header(header::SET_COOKIE);
    assert!(
        set.starts_with("rollcall_session=") && !set.contains("Secure"),
        "{set}"
    );

    // --public-url https://…
    server.state = server
        .state
        .clone()
        .reached(Reach::new(Some("https://rollcall.example"), false));
    let secure = server.sign_in_as(TEACHER, &password).await;
    let set = secure.header(header::SET_COOKIE);
    assert!(set.starts_with("__Host-rollcall_session="), "{set}");
    assert!(set.contains("; Secure") && set.contains("; Path=/") && !set.contains("Domain"));
    let cookie = cookie_of(&secure);
    let who = SignedIn {
        cookie: cookie.clone(),
        csrf: secure.json()["csrf"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    };
    assert_eq!(
        server.get(Some(&who), "/api/session").await.status,
        StatusCode::OK
    );
    // The plain name is not read over HTTPS.
    let plain_name = SignedIn {
        cookie: cookie.replacen("__Host-", "", 1),
        csrf: who.csrf.clone(),
    };
    assert_eq!(
        server.get(Some(&plain_name), "/api/session").await.status,
        StatusCode::UNAUTHORIZED
    );

    // --trust-proxy: the proxy's X-Forwarded-Proto decides; without the flag it is ignored.
    server.state = server.state.clone().reached(Reach::new(None, true));
    let proxied = sign_in_with(
        &server,
        TEACHER,
        &password,
        &[("x-forwarded-proto", "https")],
    )
    .await;
    assert!(
        proxied
            .header(header::SET_COOKIE)
            .starts_with("__Host-rollcall_session=")
    );
    let direct = server.sign_in_as(TEACHER, &password).await;
    assert!(
        direct
            .header(header::SET_COOKIE)
            .starts_with("rollcall_session=")
    );
    server.state = server.state.clone().reached(Reach::new(None, false));
    let spoofed = sign_in_with(
        &server,
        TEACHER,
        &password,
        &[("x-forwarded-proto", "https")],
    )
    .await;
    assert!(
        spoofed
            .header(header::SET_COOKIE)
            .starts_with("rollcall_session=")
    );
}

#[tokio::test]
async fn a_csrf_token_must_match_whole() {
    let server = Server::demo().await;
    let teacher = server.sign_in(TEACHER).await;
    let path = format!("/api/schools/{LINCOLN}/usernames");
    let body = serde_json::json!({"usernames": ["x"]});
    let mut last_wrong = teacher.csrf.clone();
    last_wrong.pop();
    last_wrong.push(if teacher.csrf.ends_with('0') {
        '1'
    } else {
        '0'
    });
    for csrf in [
        last_wrong,
        format!("{}0", teacher.csrf),
        teacher.csrf[..teacher.csrf.len() - 1].to_owned(),
        String::new(),
    ] {
        let who = SignedIn {
            cookie: teacher.cookie.clone(),
            csrf,
        };
        let reply = server.post_json(&who, &path, body.clone()).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{:?}", who.csrf);
    }
    let reply = server.post_json(&teacher, &path, body).await;
    assert_eq!(reply.status, StatusCode::OK);
}
