//! Claims and leases: a lapsed lease taken over, a taken-over lease, uploads another process
//! stored, one school's long upload beside another's, claims that take turns.

use super::*;

/// An upload a process that died was working on (its lease still running) is left alone until
/// the lease lapses, then another process's worker, polling, takes it over and finishes it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_whose_owner_died_is_taken_over_when_its_lease_lapses() {
    let mut server = Server::demo_stopped(BUSY).await;
    server.state.queue.hooks = fast_hash();
    let teacher = server.sign_in(TEACHER).await;
    let id = post(
        &server,
        &teacher,
        &file(&[",,Lea,Lapsed,03,,".to_owned()]),
        "en",
    )
    .await;
    let lapses = server.state.store.clock().unix_millis() + 2000;
    sqlx::query(
        "UPDATE uploads SET status = 'In Progress', lease_owner = 'a-process-that-died',
             lease_until = $2 WHERE id = $1",
    )
    .bind(&id)
    .bind(lapses)
    .execute(server.state.store.pool())
    .await
    .expect("lease");
    server.state.start_worker();
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let now = server
        .get(
            Some(&teacher),
            &format!("/api/schools/{LINCOLN}/uploads/{id}"),
        )
        .await
        .json();
    assert_eq!(
        now["status"], "In Progress",
        "left alone while leased: {now}"
    );
    let done = server.wait_for(&teacher, LINCOLN, &id).await;
    assert!(server.state.store.clock().unix_millis() >= lapses);
    assert_eq!(done["status"], "Completed", "{done}");
    let lease: (Option<String>, Option<i64>) =
        sqlx::query_as("SELECT lease_owner, lease_until FROM uploads WHERE id = $1")
            .bind(&id)
            .fetch_one(server.state.store.pool())
            .await
            .expect("lease");
    assert_eq!(lease, (None, None));
}

/// A process that stalled past its lease while another took the upload over may still apply
/// rows (each is taken from `pending` once), but it does not finish the upload in the other's
/// name: the one holding the lease finishes it, and its claim is not ended for it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_process_whose_lease_was_taken_over_leaves_the_finish_to_the_holder() {
    let mut server = Server::demo_stopped(BUSY).await;
    let store = server.state.store.clone();
    server.state.queue.hooks = Hooks {
        // As this process starts on the upload, another one takes its lease over.
        before_upload: before(move |id| {
            let store = store.clone();
            async move {
                let until = store.clock().unix_millis() + 60_000;
                sqlx::query(
                    "UPDATE uploads SET lease_owner = 'the-next-process', lease_until = $2
                     WHERE id = $1",
                )
                .bind(&id)
                .bind(until)
                .execute(store.pool())
                .await
                .expect("take the lease over");
            }
        }),
        ..fast_hash()
    };
    server.state.start_worker();
    let teacher = server.sign_in(TEACHER).await;
    let id = post(
        &server,
        &teacher,
        &file(&[",,Tak,Enover,03,,".to_owned()]),
        "en",
    )
    .await;
    let store = &server.state.store;
    let deadline = Instant::now() + Duration::from_secs(10);
    while store.upload_rows(&id).await.expect("rows")[0].state != RowState::Applied {
        assert!(Instant::now() < deadline, "the row was never applied");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let lease: (String, Option<String>) =
        sqlx::query_as("SELECT status, lease_owner FROM uploads WHERE id = $1")
            .bind(&id)
            .fetch_one(store.pool())
            .await
            .expect("lease");
    assert_eq!(
        lease,
        (
            "In Progress".to_owned(),
            Some("the-next-process".to_owned())
        )
    );
}

/// A worker finds an upload another process stored (and never woke it for) by polling.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_finds_uploads_another_process_stored() {
    let mut a = Server::demo_stopped(BUSY).await;
    a.state.queue.hooks = fast_hash();
    a.state.start_worker();
    let b = a.sibling().await; // its worker never runs
    let teacher = a.sign_in(TEACHER).await;
    let id = post(&b, &teacher, &file(&[",,Pol,Ling,03,,".to_owned()]), "en").await;
    let start = Instant::now();
    let done = a.wait_for(&teacher, LINCOLN, &id).await;
    assert_eq!(done["status"], "Completed", "{done}");
    assert!(start.elapsed() < Duration::from_secs(4));
}

/// Fairness: a process works on two uploads at once, never two of one school. While one
/// school's upload is held up, another school's completes, and the first school's next upload
/// waits its turn (its uploads apply in order).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_schools_long_upload_does_not_hold_up_another_schools() {
    let mut server = Server::demo_stopped(BUSY).await;
    let entered = Arc::new(tokio::sync::Notify::new());
    let release = Arc::new(tokio::sync::Notify::new());
    let held = Arc::new(AtomicBool::new(false));
    let (hook_entered, hook_release, hook_held) = (entered.clone(), release.clone(), held.clone());
    server.state.queue.hooks = Hooks {
        before_upload: before(move |_| {
            let (entered, release, held) = (
                hook_entered.clone(),
                hook_release.clone(),
                hook_held.clone(),
            );
            async move {
                if !held.swap(true, Ordering::SeqCst) {
                    entered.notify_one();
                    release.notified().await;
                }
            }
        }),
        ..fast_hash()
    };
    server.state.start_worker();
    let teacher = server.sign_in(TEACHER).await;
    let long = post(
        &server,
        &teacher,
        &file(&[",,Lena,Long,03,,".to_owned()]),
        "en",
    )
    .await;
    tokio::time::timeout(Duration::from_secs(30), entered.notified())
        .await
        .expect("the long upload started");
    let next = post(
        &server,
        &teacher,
        &file(&[",,Nell,Next,03,,".to_owned()]),
        "en",
    )
    .await;

    let other = server.sign_in(OTHER).await;
    let reply = server
        .post_file_with(
            &other,
            &format!("/api/schools/{ROOSEVELT}/uploads"),
            "roster.csv",
            &file(&[",,Rosa,Quick,07,,".to_owned()]),
            &[],
        )
        .await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text());
    let quick = reply.json()["id"].as_str().expect("id").to_owned();
    let done = server.wait_for(&other, ROOSEVELT, &quick).await;
    assert_eq!(done["status"], "Completed", "{done}");

    // Lincoln's first upload is still held; its next one has a free worker but waits.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let status = |id: String| {
        let server = &server;
        let teacher = &teacher;
        async move {
            server
                .get(
                    Some(teacher),
                    &format!("/api/schools/{LINCOLN}/uploads/{id}"),
                )
                .await
                .json()["status"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        }
    };
    assert_eq!(status(long.clone()).await, "In Progress");
    assert_eq!(status(next.clone()).await, "Queued");
    release.notify_one();
    for id in [long, next] {
        let done = server.wait_for(&teacher, LINCOLN, &id).await;
        assert_eq!(done["status"], "Completed", "{done}");
    }
}

/// Claims take turns across processes: while another transaction holds the claim turn, a
/// claim waits, so two processes never each take a different upload of one school (on
/// PostgreSQL neither would see the other's uncommitted claim).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_claim_waits_while_another_process_is_claiming() {
    let server = Server::demo_stopped(BUSY).await;
    let id = pending_upload(&server, 1).await;
    let store = server.state.store.clone();
    let mut holder = store.begin_write().await.expect("begin");
    store
        .take_turn(&mut holder, Turn::Claim)
        .await
        .expect("turn");
    let claimer = store.clone();
    let claim = tokio::spawn(async move {
        let now = claimer.clock().unix_millis();
        claimer.claim_upload("other", now, now + 30_000).await
    });
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert!(!claim.is_finished(), "the claim did not wait its turn");
    holder.commit().await.expect("commit");
    let claimed = tokio::time::timeout(Duration::from_secs(10), claim)
        .await
        .expect("the claim went on once the turn was free")
        .expect("task")
        .expect("claim");
    assert_eq!(claimed.map(|upload| upload.summary.id), Some(id));
}
