//! Timeouts and bounds: slow headers and bodies, the hashing lanes, many sign-ins at once.

use super::*;

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
