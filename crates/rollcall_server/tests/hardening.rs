//! Hostile input and load (SPEC section 8): the sign-in brake, timeouts and bounds, security
//! headers and cookies, sessions, the `usernames` rate, multipart file names and the audit
//! table. Timing tests use short limits; sockets bind to 127.0.0.1:0.

mod common;

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Reply, Server, SignedIn};
use rollcall_server::demo::{LINCOLN, OTHER, TEACHER};
use rollcall_server::security::CONTENT_SECURITY_POLICY;
use rollcall_server::throttle::MAX_FAILURES;
use rollcall_server::{Limits, Reach, auth};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A demo server with other limits.
async fn limited(limits: Limits) -> Server {
    let mut server = Server::demo().await;
    server.state = server.state.clone().with_limits(limits);
    server
}

/// A sign-in with more request headers.
async fn sign_in_with(
    server: &Server,
    email: &str,
    password: &str,
    headers: &[(&str, &str)],
) -> Reply {
    let body = serde_json::json!({"email": email, "password": password}).to_string();
    let mut request =
        Request::post("/api/session").header(header::CONTENT_TYPE, "application/json");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    server
        .send(request.body(Body::from(body)).expect("request"))
        .await
}

/// Serves `server`'s whole site on 127.0.0.1:0 until the test ends; returns the address.
async fn listening(server: &Server) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    let router = rollcall_server::site(server.state.clone(), None);
    let limits = server.state.limits.clone();
    tokio::spawn(async move {
        rollcall_server::listen::serve_on(listener, router, &limits, std::future::pending()).await;
    });
    addr
}

/// Reads what the server sends until it closes the connection (or `patience` passes).
async fn read_until_closed(
    stream: &mut tokio::net::TcpStream,
    patience: Duration,
) -> Option<Vec<u8>> {
    let mut answer = Vec::new();
    let mut buffer = [0u8; 4096];
    let deadline = Instant::now() + patience;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buffer)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return Some(answer),
            Ok(Ok(n)) => answer.extend_from_slice(&buffer[..n]),
            Err(_) => return None,
        }
    }
}

// Sign-in throttling.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_parallel_wrong_passwords_verify_at_most_the_allowed_few() {
    let server = Server::demo().await;
    let before = server.state.passwords.verifications();
    let server = Arc::new(server);
    let attempts: Vec<_> = (0..100)
        .map(|n| {
            let server = Arc::clone(&server);
            tokio::spawn(async move { server.sign_in_as(OTHER, &format!("guess-{n}")).await })
        })
        .collect();
    let mut refused = 0;
    for attempt in attempts {
        let reply = attempt.await.expect("task");
        match reply.status {
            StatusCode::UNAUTHORIZED => {}
            StatusCode::TOO_MANY_REQUESTS => {
                refused += 1;
                assert!(reply.headers.contains_key(header::RETRY_AFTER));
                assert_eq!(reply.error_code(), "too-many-requests");
            }
            other => panic!("{other}: {}", reply.text()),
        }
    }
    let verified = server.state.passwords.verifications() - before;
    assert!(
        verified <= u64::from(MAX_FAILURES),
        "{verified} verifications"
    );
    assert_eq!(refused, 100 - verified as usize);
}

#[tokio::test]
async fn whitespace_and_case_variants_of_an_email_share_one_limit() {
    let server = Server::demo().await;
    let variants = [
        " other@demo.school",
        "OTHER@DEMO.SCHOOL ",
        "\tOther@Demo.School",
        "other@demo.school\n",
        "oThEr@demo.SCHOOL",
    ];
    assert_eq!(variants.len(), MAX_FAILURES as usize);
    for email in variants {
        let reply = server.sign_in_as(email, "guess").await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{email:?}");
    }
    // The right password under yet another spelling is refused too, in Spanish if asked.
    let refused = sign_in_with(
        &server,
        "  OTHER@demo.school ",
        &server.password(OTHER),
        &[("accept-language", "es-MX,es;q=0.9,en;q=0.5")],
    )
    .await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = refused
        .header(header::RETRY_AFTER)
        .parse()
        .expect("Retry-After");
    assert!((1..=15 * 60).contains(&wait), "{wait}");
    assert_eq!(refused.error_code(), "too-many-requests");
    let message = refused.json()["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(message.starts_with("Demasiados intentos"), "{message}");
    // Padded and capitalised, the email still finds its teacher.
    let signed_in = server
        .sign_in_as(" Teacher@Demo.School ", &server.password(TEACHER))
        .await;
    assert_eq!(signed_in.status, StatusCode::OK, "{}", signed_in.text());
}

/// Several processes on one database share the limit per email and address: a guesser who
/// spreads attempts over them gets no more tries than from one.
#[tokio::test]
async fn processes_on_one_database_share_the_sign_in_limit() {
    let first = Server::demo().await;
    let second = first.sibling().await;
    let third = first.sibling().await;
    let processes = [&first, &second, &third];
    for k in 0..MAX_FAILURES as usize {
        let reply = processes[k % 3].sign_in_as(OTHER, "guess").await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "attempt {k}");
    }
    // Each process has seen at most two failures itself, fewer than its own brake allows.
    for server in processes {
        let refused = server.sign_in_as(OTHER, &first.password(OTHER)).await;
        assert_eq!(
            refused.status,
            StatusCode::TOO_MANY_REQUESTS,
            "{}",
            refused.text()
        );
        let wait: u64 = refused
            .header(header::RETRY_AFTER)
            .parse()
            .expect("Retry-After");
        assert!((1..=15 * 60).contains(&wait), "{wait}");
    }
    // Another teacher is not slowed by it.
    let other = third.sign_in_as(TEACHER, &first.password(TEACHER)).await;
    assert_eq!(other.status, StatusCode::OK, "{}", other.text());
}

#[tokio::test]
async fn an_email_longer_than_254_bytes_is_refused_without_hashing() {
    let server = Server::demo().await;
    let before = server.state.passwords.verifications();
    let long = format!("{}@demo.school", "a".repeat(250));
    let reply = server.sign_in_as(&long, "whatever").await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.error_code(), "unauthorized");
    assert_eq!(server.state.passwords.verifications(), before);
}

#[tokio::test]
async fn a_hundred_thousand_random_emails_leave_the_brake_bounded() {
    let server = Server::demo().await;
    let brake = &server.state.brake;
    let capacity = brake.capacity();
    assert!(capacity <= 20_000, "{capacity}");
    for n in 0..100_000u32 {
        let address = IpAddr::V4(Ipv4Addr::from(0x0a00_0000 | n));
        let email = format!("{}@nowhere.example", uuid::Uuid::new_v4().simple());
        brake
            .reserve(&email, Some(address))
            .expect("a fresh email")
            .failed();
        assert!(brake.len() <= capacity);
    }
    // It still counts: the sixth attempt of one account from one address is refused.
    let address = Some(IpAddr::V4(Ipv4Addr::LOCALHOST));
    for _ in 0..MAX_FAILURES {
        brake
            .reserve("target@demo.school", address)
            .expect("admitted")
            .failed();
    }
    assert!(brake.reserve("target@demo.school", address).is_err());
}

// Timeouts and bounds.

#[tokio::test]
async fn a_client_trickling_its_headers_is_disconnected() {
    let server = limited(Limits {
        header_timeout: Duration::from_millis(300),
        ..Limits::default()
    })
    .await;
    let addr = listening(&server).await;

    // A prompt request is answered.
    let mut prompt = tokio::net::TcpStream::connect(addr).await.expect("connect");
    prompt
        .write_all(b"GET /api/session HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .expect("write");
    let answer = read_until_closed(&mut prompt, Duration::from_secs(5))
        .await
        .expect("an answer");
    assert!(
        answer.starts_with(b"HTTP/1.1 401"),
        "{}",
        String::from_utf8_lossy(&answer)
    );

    // A byte every 50 ms never completes its headers: the server hangs up.
    let mut slow = tokio::net::TcpStream::connect(addr).await.expect("connect");
    slow.write_all(b"GET /api/session HTTP/1.1\r\nHost: x\r\n")
        .await
        .expect("write");
    let started = Instant::now();
    let mut closed = false;
    while started.elapsed() < Duration::from_secs(3) {
        if slow.write_all(b"X").await.is_err() {
            closed = true;
            break;
        }
        let mut byte = [0u8; 512];
        // Bytes (a 408 before hanging up) or nothing yet are fine; the close is awaited.
        let read = tokio::time::timeout(Duration::from_millis(50), slow.read(&mut byte)).await;
        if let Ok(Ok(0) | Err(_)) = read {
            closed = true;
            break;
        }
    }
    assert!(closed, "the trickling client is still connected");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_body_that_does_not_arrive_in_time_is_answered_408() {
    let server = limited(Limits {
        body_timeout: Duration::from_millis(300),
        ..Limits::default()
    })
    .await;
    let addr = listening(&server).await;
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    stream
        .write_all(
            b"POST /api/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
              Content-Length: 100\r\n\r\n{\"email\":",
        )
        .await
        .expect("write");
    let answer = read_until_closed(&mut stream, Duration::from_secs(5))
        .await
        .expect("an answer within seconds");
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains("\"request-timeout\""), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guessers_fill_their_own_lane_and_a_teacher_with_a_clean_slate_gets_in() {
    // Two hashing threads and a short queue: one lane of guessers alone would fill it.
    let limits = Limits {
        hashing_threads: 2,
        hashing_queue: 2,
        ..Limits::default()
    };
    let mut server = limited(limits).await;
    server.state = server.state.clone().reached(Reach::new(None, true));
    let server = Arc::new(server);
    let guessers: Vec<String> = (1..=12).map(|i| format!("127.0.3.{i}")).collect();
    // Each guesser has failed once: its next guesses are suspect.
    for address in &guessers {
        let reply = sign_in_with(
            &server,
            &format!("guess@{address}.test"),
            "not-the-password",
            &[("x-forwarded-for", address)],
        )
        .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    }
    let mut guesses = Vec::new();
    for round in 0..3 {
        for address in &guessers {
            let (server, address) = (Arc::clone(&server), address.clone());
            guesses.push(tokio::spawn(async move {
                let email = format!("guess{round}@{address}.test");
                sign_in_with(
                    &server,
                    &email,
                    "not-the-password",
                    &[("x-forwarded-for", &address)],
                )
                .await
                .status
            }));
        }
    }
    tokio::time::sleep(Duration::from_millis(20)).await;
    let owner = sign_in_with(
        &server,
        TEACHER,
        &server.password(TEACHER),
        &[("x-forwarded-for", "127.0.4.1")],
    )
    .await;
    assert_eq!(owner.status, StatusCode::OK, "{}", owner.text());
    let mut busy = 0;
    for guess in guesses {
        let status = guess.await.expect("guess");
        assert!(
            [StatusCode::UNAUTHORIZED, StatusCode::SERVICE_UNAVAILABLE].contains(&status),
            "{status}"
        );
        busy += usize::from(status == StatusCode::SERVICE_UNAVAILABLE);
    }
    assert!(busy > 0, "the guessers' own lane was full");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_concurrent_sign_ins_leave_the_server_answering() {
    let before = memory_kib("VmRSS");
    let server = Arc::new(
        limited(Limits {
            max_requests: 50,
            hashing_threads: 2,
            hashing_queue: 4,
            ..Limits::default()
        })
        .await,
    );
    let attempts: Vec<_> = (0..200)
        .map(|n| {
            let server = Arc::clone(&server);
            tokio::spawn(async move {
                server
                    .sign_in_as(&format!("stranger{n}@demo.school"), "guess")
                    .await
            })
        })
        .collect();
    let mut busy = 0;
    for attempt in attempts {
        let reply = attempt.await.expect("task");
        match reply.status {
            StatusCode::UNAUTHORIZED | StatusCode::TOO_MANY_REQUESTS => {}
            StatusCode::SERVICE_UNAVAILABLE => {
                busy += 1;
                assert_eq!(reply.error_code(), "busy");
                assert!(reply.headers.contains_key(header::RETRY_AFTER));
            }
            other => panic!("{other}: {}", reply.text()),
        }
    }
    assert!(busy > 0, "nothing was refused: the bounds did not hold");
    let teacher = server.sign_in_as(TEACHER, &server.password(TEACHER)).await;
    assert_eq!(teacher.status, StatusCode::OK, "{}", teacher.text());
    // Argon2 takes 19 MiB a hash: 200 at once would take 3.8 GiB; bounded, a few of them.
    let grown = memory_kib("VmHWM").saturating_sub(before);
    assert!(grown < 512 * 1024, "resident memory grew by {grown} KiB");
}

/// This process's resident memory figure `field` (VmRSS now, VmHWM its peak), in KiB.
fn memory_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("a memory figure")
}

// Headers and cookies.

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

fn cookie_of(reply: &Reply) -> String {
    reply
        .header(header::SET_COOKIE)
        .split(';')
        .next()
        .unwrap_or_default()
        .to_owned()
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

#[tokio::test]
async fn signing_in_ends_the_session_it_was_sent_with_and_purges_expired_ones() {
    let server = Server::demo().await;
    let first = server.sign_in(TEACHER).await;
    let teacher_id = server.get(Some(&first), "/api/session").await.json()["teacher"]["id"]
        .as_str()
        .expect("teacher id")
        .to_owned();
    let now = auth::now_seconds();
    server
        .state
        .store
        .insert_session("expired-session", &teacher_id, "csrf", now - 10)
        .await
        .expect("insert");

    let again = sign_in_with(
        &server,
        TEACHER,
        &server.password(TEACHER),
        &[("cookie", first.cookie.as_str())],
    )
    .await;
    assert_eq!(again.status, StatusCode::OK);
    assert_ne!(cookie_of(&again), first.cookie);
    assert_eq!(
        server.get(Some(&first), "/api/session").await.status,
        StatusCode::UNAUTHORIZED,
        "the session the browser sent still works"
    );
    let expired: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE expires_at <= $1")
        .bind(now)
        .fetch_one(server.state.store.pool())
        .await
        .expect("count");
    assert_eq!(expired, 0);
}

#[tokio::test]
async fn a_password_change_ends_the_teachers_other_sessions() {
    // There is no route for a teacher's password yet: the store function is what one will call.
    let server = Server::demo().await;
    let here = server.sign_in(TEACHER).await;
    let elsewhere = server.sign_in(TEACHER).await;
    let other_teacher = server.sign_in(OTHER).await;
    let teacher_id = server.get(Some(&here), "/api/session").await.json()["teacher"]["id"]
        .as_str()
        .expect("teacher id")
        .to_owned();
    let token = here.cookie.split_once('=').expect("cookie").1;
    let hash = auth::hash_password("Brand-New-Passw0rd").expect("hash");
    server
        .state
        .store
        .set_teacher_password(&teacher_id, &hash, Some(&auth::token_hash(token)))
        .await
        .expect("set password");
    for (who, status) in [
        (&here, StatusCode::OK),
        (&elsewhere, StatusCode::UNAUTHORIZED),
        (&other_teacher, StatusCode::OK),
    ] {
        assert_eq!(server.get(Some(who), "/api/session").await.status, status);
    }
    let now = auth::now_seconds();
    assert_eq!(
        server
            .state
            .store
            .session_count(&teacher_id, now)
            .await
            .expect("count"),
        1
    );
    assert_eq!(
        server
            .sign_in_as(TEACHER, "Brand-New-Passw0rd")
            .await
            .status,
        StatusCode::OK
    );
}

// The usernames rate.

#[tokio::test]
async fn usernames_is_limited_to_thirty_requests_a_minute_per_teacher() {
    let server = Server::demo().await;
    let teacher = server.sign_in(TEACHER).await;
    let other = server.sign_in(OTHER).await;
    let body = serde_json::json!({"usernames": ["someone"]});
    for _ in 0..30 {
        let reply = server
            .post_json(
                &teacher,
                &format!("/api/schools/{LINCOLN}/usernames"),
                body.clone(),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    }
    let refused = server
        .post_json(
            &teacher,
            &format!("/api/schools/{LINCOLN}/usernames"),
            body.clone(),
        )
        .await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(refused.error_code(), "too-many-requests");
    let wait: u64 = refused
        .header(header::RETRY_AFTER)
        .parse()
        .expect("Retry-After");
    assert!((1..=60).contains(&wait), "{wait}");
    // Another teacher has a rate of her own.
    let roosevelt = rollcall_server::demo::ROOSEVELT;
    let theirs = server
        .post_json(&other, &format!("/api/schools/{roosevelt}/usernames"), body)
        .await;
    assert_eq!(theirs.status, StatusCode::OK);
}

// Multipart file names and the audit table.

/// Exports Lincoln as CSV.
async fn lincoln_csv(server: &Server, who: &SignedIn) -> Vec<u8> {
    let reply = server
        .get(
            Some(who),
            &format!("/api/schools/{LINCOLN}/export?format=csv"),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    reply.body
}

#[tokio::test]
async fn a_multipart_file_name_loses_its_folders_like_a_change_sets() {
    let server = Server::demo().await;
    let teacher = server.sign_in(TEACHER).await;
    let csv = lincoln_csv(&server, &teacher).await;
    let path = format!("/api/schools/{LINCOLN}/uploads");
    for (given, listed) in [
        ("../../etc/roster.csv", "roster.csv"),
        ("/home/t/Class 4B.csv", "Class 4B.csv"),
    ] {
        let reply = server.post_file(&teacher, &path, given, &csv).await;
        assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text());
        let id = reply.json()["id"].as_str().expect("id").to_owned();
        let done = server.wait_for(&teacher, LINCOLN, &id).await;
        assert_eq!(done["file_name"], listed, "{given}");
    }
}

#[tokio::test]
async fn sign_ins_failed_sign_ins_and_completed_file_downloads_are_audited() {
    let server = Server::demo().await;
    let store = &server.state.store;
    let teacher = server.sign_in(TEACHER).await;
    assert_eq!(
        server
            .sign_in_as(" OTHER@demo.school", "guess")
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        server
            .sign_in_as("Nobody@Demo.School", "guess")
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let teacher_id = server.get(Some(&teacher), "/api/session").await.json()["teacher"]["id"]
        .as_str()
        .expect("id")
        .to_owned();

    let csv = lincoln_csv(&server, &teacher).await;
    let path = format!("/api/schools/{LINCOLN}/uploads");
    let reply = server.post_file(&teacher, &path, "same.csv", &csv).await;
    let id = reply.json()["id"].as_str().expect("id").to_owned();
    server.wait_for(&teacher, LINCOLN, &id).await;
    // The Error File is not audited; the Completed File is.
    for which in ["error", "completed"] {
        let file = server
            .get(
                Some(&teacher),
                &format!("{path}/{id}/files/{which}?format=csv"),
            )
            .await;
        assert_eq!(file.status, StatusCode::OK, "{which}");
    }

    let entries = store.audit_entries().await.expect("audit");
    let kinds: Vec<(&str, Option<&str>, Option<&str>)> = entries
        .iter()
        .map(|e| (e.kind.as_str(), e.teacher.as_deref(), e.email.as_deref()))
        .collect();
    assert!(
        kinds.contains(&("sign-in", Some(teacher_id.as_str()), Some(TEACHER))),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&("sign-in-failed", None, Some("nobody@demo.school"))),
        "{kinds:?}"
    );
    let other_failed = entries
        .iter()
        .find(|e| e.kind == "sign-in-failed" && e.email.as_deref() == Some(OTHER))
        .expect("the failed sign-in of a teacher");
    assert!(other_failed.teacher.is_some());
    let downloads: Vec<_> = entries
        .iter()
        .filter(|e| e.kind == "completed-file-download")
        .collect();
    assert_eq!(downloads.len(), 1, "{entries:?}");
    assert_eq!(downloads[0].teacher.as_deref(), Some(teacher_id.as_str()));
    assert_eq!(
        downloads[0].detail.as_deref(),
        Some(format!("{id}/completed").as_str())
    );
    assert!(entries.iter().all(|e| e.at.ends_with('Z')));
}
