//! Sign-in throttling: per account, per client address and across processes, memory bounded.

use super::*;

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
