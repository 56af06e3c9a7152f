//! The queue under faults: two server processes on one database, a write lock held longer than
//! the busy timeout, a full disk, a panic, a password that cannot be hashed, a lease that
//! lapsed or was taken over, a retried file upload (Idempotency-Key), and the store's row and username rules.

mod common;

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
            &format!("/api/schools/{LINCOLN}/uploads"),
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

/// Runs `sql` on every connection the store's pool can have (a PRAGMA is per connection).
async fn on_every_connection(store: &Store, sql: String) {
    let mut held = Vec::new();
    for _ in 0..8 {
        let mut conn = store.pool().acquire().await.expect("connection");
        sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .execute(&mut *conn)
            .await
            .expect("pragma");
        held.push(conn);
    }
}

/// Makes the disk full a little way into an upload. SQLite: `max_page_count` a few pages past
/// the file's size. PostgreSQL has no such setting: a trigger answers with its own disk-full
/// error (SQLSTATE 53100, "could not extend file") once 40 of the upload's students exist.
async fn fill_the_disk(store: &Store) {
    match store.backend() {
        Backend::Sqlite => {
            let pages = count(store, "PRAGMA page_count").await;
            on_every_connection(store, format!("PRAGMA max_page_count = {}", pages + 6)).await;
        }
        Backend::Postgres => {
            sqlx::raw_sql(
                "CREATE FUNCTION full_disk() RETURNS trigger LANGUAGE plpgsql AS $$
                 BEGIN
                     IF (SELECT COUNT(*) FROM students
                         WHERE last_name = 'Fullerton-Abernathy') >= 40 THEN
                         RAISE EXCEPTION 'could not extend file: No space left on device'
                             USING ERRCODE = 'disk_full';
                     END IF;
                     RETURN NEW;
                 END $$;
                 CREATE TRIGGER full_disk BEFORE INSERT ON students
                     FOR EACH ROW EXECUTE FUNCTION full_disk();",
            )
            .execute(store.pool())
            .await
            .expect("a full disk");
        }
    }
}

/// Undoes [`fill_the_disk`].
async fn make_room(store: &Store) {
    match store.backend() {
        Backend::Sqlite => {
            on_every_connection(store, "PRAGMA max_page_count = 1073741823".to_owned()).await
        }
        Backend::Postgres => {
            sqlx::raw_sql("DROP TRIGGER full_disk ON students")
                .execute(store.pool())
                .await
                .expect("room again");
        }
    }
}

fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    csv::Reader::from_reader(bytes)
        .records()
        .map(|r| r.expect("record").iter().map(str::to_owned).collect())
        .collect()
}

/// (a) Two `rollcall serve` processes on one SQLite file: 20 uploads sent to either at random
/// are each processed by one of them, and every row is applied exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_on_one_database_apply_every_row_exactly_once() {
    let mut a = Server::demo_stopped(BUSY).await;
    let mut b = a.sibling().await;
    let claims: Arc<Mutex<Vec<(char, String)>>> = Arc::default();
    for (name, server) in [('a', &mut a), ('b', &mut b)] {
        let claims = claims.clone();
        server.state.queue.hooks = Hooks {
            before_upload: before(move |id| {
                claims.lock().expect("claims").push((name, id));
                async {}
            }),
            ..fast_hash()
        };
        server.state.start_worker();
    }
    let teacher = a.sign_in(TEACHER).await;
    let store = a.state.store.clone();
    let students_before = count(&store, "SELECT COUNT(*) FROM students").await;
    let servers = Arc::new([a, b]);
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut sends = Vec::new();
    for upload in 0..20 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let to = (seed % 2) as usize;
        // Every upload also creates a "Sam Same": their generated usernames meet.
        let mut lines = vec![",,Sam,Same,03,,".to_owned()];
        lines.extend((0..4).map(|k| format!(",,Ana{},Queue{},04,,", letters(upload), letters(k))));
        let (servers, teacher) = (servers.clone(), teacher.clone());
        sends.push(tokio::spawn(async move {
            post(&servers[to], &teacher, &file(&lines), "en").await
        }));
    }
    let mut ids = Vec::new();
    for send in sends {
        ids.push(send.await.expect("send"));
    }
    for id in &ids {
        let done = servers[0].wait_for(&teacher, LINCOLN, id).await;
        assert_eq!(done["status"], "Completed", "{done}");
        assert_eq!(done["counts"]["applied"], 5, "{done}");
    }
    let students_after = count(&store, "SELECT COUNT(*) FROM students").await;
    assert_eq!(students_after - students_before, 100);
    assert_eq!(
        count(
            &store,
            "SELECT COUNT(*) FROM students WHERE last_name = 'Same'"
        )
        .await,
        20
    );
    assert_eq!(
        count(
            &store,
            "SELECT COUNT(DISTINCT username_key) FROM students WHERE last_name = 'Same'"
        )
        .await,
        20
    );
    assert_eq!(
        count(
            &store,
            "SELECT COUNT(*) FROM upload_rows WHERE state = 'applied'"
        )
        .await,
        100
    );
    assert_eq!(
        count(
            &store,
            "SELECT COUNT(*) FROM upload_rows WHERE state <> 'applied'"
        )
        .await,
        0
    );
    let claims = claims.lock().expect("claims").clone();
    for id in &ids {
        let by: Vec<char> = claims
            .iter()
            .filter(|(_, claimed)| claimed == id)
            .map(|(server, _)| *server)
            .collect();
        assert_eq!(by.len(), 1, "upload {id} was processed by {by:?}");
    }
    assert_eq!(claims.len(), 20);
}

/// (b) Another connection holds SQLite's write lock for 3 s, six times the busy timeout,
/// while an upload is processed: its writes are retried and it completes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_outlasts_a_write_lock_held_longer_than_the_busy_timeout() {
    let mut server = Server::demo_stopped(Duration::from_millis(500)).await;
    let url = server.url.clone();
    let held_from: Arc<Mutex<Option<Instant>>> = Arc::default();
    let locked = held_from.clone();
    server.state.queue.hooks = Hooks {
        before_upload: before(move |_| {
            let (url, locked) = (url.clone(), locked.clone());
            async move {
                let mut conn = sqlx::AnyConnection::connect(&url).await.expect("connect");
                // SQLite's write lock, or PostgreSQL's lock on the table every row writes.
                let lock = match Backend::of(&url) {
                    Backend::Sqlite => "BEGIN IMMEDIATE",
                    Backend::Postgres => "BEGIN; LOCK TABLE students IN EXCLUSIVE MODE",
                };
                sqlx::raw_sql(lock)
                    .execute(&mut conn)
                    .await
                    .expect("write lock");
                *locked.lock().expect("lock") = Some(Instant::now());
                tokio::spawn(async move {
                    tokio::time::sleep(Duration::from_secs(3)).await;
                    sqlx::query("COMMIT")
                        .execute(&mut conn)
                        .await
                        .expect("commit");
                });
            }
        }),
        ..fast_hash()
    };
    server.state.start_worker();
    let teacher = server.sign_in(TEACHER).await;
    let lines = [
        ",,Lou,Locked,03,,".to_owned(),
        ",,Lia,Locked,04,,".to_owned(),
    ];
    let id = post(&server, &teacher, &file(&lines), "en").await;
    let done = server.wait_for(&teacher, LINCOLN, &id).await;
    let held = held_from.lock().expect("lock").expect("the lock was taken");
    assert!(held.elapsed() >= Duration::from_millis(2900));
    assert_eq!(done["status"], "Completed", "{done}");
    assert_eq!(done["counts"]["created"], 2, "{done}");
}

/// (c) The disk fills up (SQLite's `max_page_count`, lowered as the upload starts): the upload
/// ends Failed, every row not applied is in its Error File with a message (in the upload's
/// language) and none is left pending; once there is room again, the Error File re-imported
/// as is completes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_fails_the_upload_and_its_error_file_reimports_once_there_is_room() {
    let mut server = Server::demo_stopped(BUSY).await;
    let store = server.state.store.clone();
    let filled = Arc::new(AtomicBool::new(false));
    let once = filled.clone();
    server.state.queue.retry = Retry {
        first: Duration::from_millis(20),
        longest: Duration::from_millis(200),
        budget: Duration::from_secs(1),
    };
    server.state.queue.hooks = Hooks {
        before_upload: before(move |_| {
            let (store, once) = (store.clone(), once.clone());
            async move {
                if once.swap(true, Ordering::SeqCst) {
                    return;
                }
                fill_the_disk(&store).await;
            }
        }),
        ..fast_hash()
    };
    server.state.start_worker();
    let teacher = server.sign_in(TEACHER).await;
    let lines: Vec<String> = (0..160)
        .map(|i| {
            format!(
                ",{},Marguerite{},Fullerton-Abernathy,03,marguerite.{}.fullerton,Sunflower!Garden42-{}",
                870_000_000 + i,
                letters(i),
                letters(i),
                letters(i),
            )
        })
        .collect();
    let id = post(&server, &teacher, &file(&lines), "es").await;
    let done = server.wait_for(&teacher, LINCOLN, &id).await;
    assert!(filled.load(Ordering::SeqCst));
    assert_eq!(done["status"], "Failed", "{done}");
    let rows = done["rows"].as_array().expect("rows");
    let applied = rows.iter().filter(|r| r["state"] == "applied").count();
    let failed: Vec<&serde_json::Value> = rows.iter().filter(|r| r["state"] == "failed").collect();
    assert!(applied > 0, "the disk filled mid-upload: {done}");
    assert!(!failed.is_empty(), "{done}");
    assert_eq!(applied + failed.len(), 160, "none left pending");
    assert_eq!(done["counts"]["applied"], applied);
    assert_eq!(done["counts"]["failed"], failed.len());
    for row in &failed {
        let message = row["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.starts_with("Esta fila no se aplicó"), "{message}");
    }
    let error_file = server
        .get(
            Some(&teacher),
            &format!("/api/schools/{LINCOLN}/uploads/{id}/files/error?format=csv"),
        )
        .await;
    assert_eq!(error_file.status, StatusCode::OK);
    let listed = csv_rows(&error_file.body);
    assert_eq!(listed.len(), failed.len());
    assert!(
        listed
            .iter()
            .all(|r| r[7].starts_with("Esta fila no se aplicó"))
    );

    // Room again: the Error File, re-imported as is, creates the rest.
    let store = server.state.store.clone();
    make_room(&store).await;
    let again = post(&server, &teacher, &error_file.body, "es").await;
    let done = server.wait_for(&teacher, LINCOLN, &again).await;
    assert_eq!(done["status"], "Completed", "{done}");
    assert_eq!(done["counts"]["created"], failed.len());
    assert_eq!(
        count(
            &store,
            "SELECT COUNT(*) FROM students WHERE last_name = 'Fullerton-Abernathy'"
        )
        .await,
        160
    );
}

/// (d) A panic while one upload is processed fails that upload (its rows in the Error File)
/// and the worker goes on with the next.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_fails_that_upload_and_the_next_one_completes() {
    let mut server = Server::demo_stopped(BUSY).await;
    let panicked = Arc::new(AtomicBool::new(false));
    let once = panicked.clone();
    server.state.queue.hooks = Hooks {
        before_upload: before(move |id| {
            let first = !once.swap(true, Ordering::SeqCst);
            async move {
                if first {
                    panic!("a test panic while processing upload {id}");
                }
            }
        }),
        ..fast_hash()
    };
    server.state.start_worker();
    let teacher = server.sign_in(TEACHER).await;
    let lines = [",,Pat,Panic,03,,".to_owned(), ",,Pia,Panic,03,,".to_owned()];
    let first = post(&server, &teacher, &file(&lines), "en").await;
    let done = server.wait_for(&teacher, LINCOLN, &first).await;
    assert!(panicked.load(Ordering::SeqCst));
    assert_eq!(done["status"], "Failed", "{done}");
    assert_eq!(done["counts"]["failed"], 2, "{done}");
    for row in done["rows"].as_array().expect("rows") {
        assert_eq!(row["state"], "failed");
        let message = row["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.contains("internal error"), "{message}");
    }
    let lines = [",,Nia,Next,03,,".to_owned()];
    let next = post(&server, &teacher, &file(&lines), "en").await;
    let done = server.wait_for(&teacher, LINCOLN, &next).await;
    assert_eq!(done["status"], "Completed", "{done}");
}

/// A password that cannot be hashed fails its row with a message; it is never skipped (an
/// update applied without its password) nor does it stop the upload.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_that_cannot_be_hashed_fails_its_row_with_a_message() {
    const BAD: &str = "Unhashable!Garden42";
    let mut server = Server::demo_stopped(BUSY).await;
    server.state.queue.hooks = Hooks {
        before_upload: None,
        hash_password: Some(Arc::new(|password: &str| {
            if password == BAD {
                Err("the test's hasher refuses it".to_owned())
            } else {
                Ok(format!("test-hash-{}", password.len()))
            }
        })),
    };
    server.state.start_worker();
    let teacher = server.sign_in(TEACHER).await;
    let student = server.state.store.students(LINCOLN).await.expect("roster")[0].clone();
    let before = server
        .state
        .store
        .student_password(&student.guid)
        .await
        .expect("password");
    let lines = [
        format!(
            "{},{},{},{},{},{},{BAD}",
            student.guid,
            student.student_id.clone().unwrap_or_default(),
            student.first_name,
            student.last_name,
            student.grade,
            student.username
        ),
        format!(",,Hana,Hashless,03,,{BAD}"),
        ",,Hal,Hashed,03,,".to_owned(),
    ];
    let id = post(&server, &teacher, &file(&lines), "es").await;
    let done = server.wait_for(&teacher, LINCOLN, &id).await;
    assert_eq!(done["status"], "Completed with Errors", "{done}");
    let rows = done["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 3, "{done}");
    for row in &rows[..2] {
        assert_eq!(row["state"], "failed", "{row}");
        assert_eq!(row["errors"][0]["code"], "password-unhashable", "{row}");
        let message = row["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(
            message.starts_with("No se pudo guardar la contraseña"),
            "{message}"
        );
    }
    assert_eq!(rows[2]["state"], "applied");
    let after = server
        .state
        .store
        .student_password(&student.guid)
        .await
        .expect("password");
    assert_eq!(before, after);
}

/// A file upload retried with the same Idempotency-Key gets the first answer (same id, 202)
/// and stores nothing new; another key is another upload.
#[tokio::test]
async fn a_file_upload_retried_with_its_idempotency_key_returns_the_first() {
    let server = Server::demo().await;
    let teacher = server.sign_in(TEACHER).await;
    let bytes = file(&[",,Ida,Empotent,03,,".to_owned()]);
    let path = format!("/api/schools/{LINCOLN}/uploads");
    let send = |key: &'static str| {
        let (server, teacher, bytes, path) = (&server, &teacher, &bytes, &path);
        async move {
            server
                .post_file_with(
                    teacher,
                    path,
                    "r.csv",
                    bytes,
                    &[(header::HeaderName::from_static("idempotency-key"), key)],
                )
                .await
        }
    };
    let first = send("retry-7f3a").await;
    assert_eq!(first.status, StatusCode::ACCEPTED, "{}", first.text());
    let id = first.json()["id"].as_str().expect("id").to_owned();
    server.wait_for(&teacher, LINCOLN, &id).await;
    let again = send("retry-7f3a").await;
    assert_eq!(again.status, StatusCode::ACCEPTED);
    assert_eq!(again.body, first.body);
    let store = &server.state.store;
    assert_eq!(count(store, "SELECT COUNT(*) FROM uploads").await, 1);
    assert_eq!(
        count(
            store,
            "SELECT COUNT(*) FROM students WHERE last_name = 'Empotent'"
        )
        .await,
        1
    );
    let other = send("retry-8b1c").await;
    assert_eq!(other.status, StatusCode::ACCEPTED);
    assert_ne!(other.json()["id"], first.json()["id"]);
    assert_eq!(count(store, "SELECT COUNT(*) FROM uploads").await, 2);
    let bad = send("a key with spaces").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

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
    let lapses = rollcall_server::upload::lease::now_millis() + 2000;
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
    assert!(rollcall_server::upload::lease::now_millis() >= lapses);
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
                let until = rollcall_server::upload::lease::now_millis() + 60_000;
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
            lang: rollcall_core::Lang::En,
            created_at: "2026-11-22T10:00:00Z",
            header: &header,
            rows: (0..rows)
                .map(|k| NewUploadRow {
                    row: k + 2,
                    cells: vec![String::new(); 7],
                    op: Some("{}".to_owned()),
                    errors: Vec::new(),
                })
                .collect(),
        })
        .await
        .expect("upload");
    id
}

/// A row is taken from `pending` once: a second take (another process, a second transaction)
/// changes nothing, and a taken row cannot be failed as if pending.
#[tokio::test]
async fn a_row_is_taken_from_pending_only_once() {
    let server = Server::demo_stopped(BUSY).await;
    let id = pending_upload(&server, 1).await;
    let store = &server.state.store;
    let mut tx = store.begin_write().await.expect("begin");
    assert!(Store::take_row(&mut tx, &id, 2).await.expect("take"));
    assert!(!Store::take_row(&mut tx, &id, 2).await.expect("take"));
    tx.commit().await.expect("commit");
    let mut tx = store.begin_write().await.expect("begin");
    assert!(!Store::take_row(&mut tx, &id, 2).await.expect("take"));
    assert!(
        !Store::fail_row_in(&mut tx, &id, 2, &[])
            .await
            .expect("fail")
    );
    tx.commit().await.expect("commit");
    let rows = store.upload_rows(&id).await.expect("rows");
    assert_eq!(rows[0].state, RowState::Applied);
}

/// `applied_unchanged` reads only the upload's school: another school's GUID gives no row.
#[tokio::test]
async fn an_unchanged_row_never_shows_another_schools_student() {
    let server = Server::demo_stopped(BUSY).await;
    let id = pending_upload(&server, 1).await;
    let store = &server.state.store;
    let other = store.students(ROOSEVELT).await.expect("roster")[0].clone();
    let mut tx = store.begin_write().await.expect("begin");
    assert!(Store::take_row(&mut tx, &id, 2).await.expect("take"));
    Store::applied_unchanged(&mut tx, &id, 2, LINCOLN, Some(&other.guid))
        .await
        .expect("unchanged");
    tx.commit().await.expect("commit");
    let rows = store.upload_rows(&id).await.expect("rows");
    assert_eq!(rows[0].to_protocol().guid, None, "{:?}", rows[0]);
    assert_eq!(rows[0].to_protocol().username, None);
}

/// Generated usernames take the first free suffix at or after the last one given out:
/// `sam.same` and `sam.same2` and `sam.same4` are taken, so three new Sam Sames get
/// `sam.same3`, `sam.same5` and `sam.same6`.
#[tokio::test]
async fn generated_usernames_take_the_next_free_suffix() {
    let server = Server::demo_stopped(BUSY).await;
    let store = &server.state.store;
    let taken: Vec<rollcall_server::store::NewStudent> = ["sam.same", "Sam.Same2", "sam.same4"]
        .iter()
        .map(|username| rollcall_server::store::NewStudent {
            record: rollcall_server::store::StudentRecord {
                guid: uuid::Uuid::new_v4().to_string(),
                student_id: None,
                first_name: "Sam".to_owned(),
                last_name: "Same".to_owned(),
                grade: "03".to_owned(),
                username: (*username).to_owned(),
            },
            password_hash: None,
        })
        .collect();
    store
        .insert_students(
            LINCOLN,
            rollcall_server::demo::DISTRICT,
            &taken,
            "2026-11-22T00:00:00Z",
        )
        .await
        .expect("students");
    let id = pending_upload(&server, 3).await;
    let hints = UsernameHints::default();
    let mut tx = store.begin_write().await.expect("begin");
    let mut usernames = Vec::new();
    for row in 2..5 {
        usernames.push(create_sam(&mut tx, &id, row, LINCOLN, &hints).await);
    }
    tx.commit().await.expect("commit");
    assert_eq!(usernames, ["sam.same3", "sam.same5", "sam.same6"]);
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

/// Update rows are written together; when that joint write meets a unique constraint (here a
/// username taken after the upload was checked), each row is written alone and only the row
/// that collides fails.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_collision_in_a_run_of_updates_fails_only_its_own_row() {
    let mut server = Server::demo_stopped(BUSY).await;
    let store = server.state.store.clone();
    let students = store.students(LINCOLN).await.expect("students");
    let (a, b, c, d) = (&students[0], &students[1], &students[2], &students[3]);
    // The name is taken after the rows were re-checked, while the batch's passwords are hashed.
    let taker = d.guid.clone();
    let hook_store = store.clone();
    let taken = Arc::new(AtomicBool::new(false));
    // Passwords are hashed on two threads, one of them outside the runtime: the hook holds the
    // runtime's handle rather than looking for one.
    let runtime = tokio::runtime::Handle::current();
    server.state.queue.hooks = Hooks {
        before_upload: None,
        hash_password: Some(Arc::new(move |password: &str| {
            if !taken.swap(true, Ordering::SeqCst) {
                let (store, taker) = (hook_store.clone(), taker.clone());
                runtime.block_on(async move {
                    sqlx::query(
                        "UPDATE students SET username = 'run.two', username_key = 'run.two'
                         WHERE guid = $1",
                    )
                    .bind(taker)
                    .execute(store.pool())
                    .await
                    .expect("take the name");
                });
            }
            Ok(format!("test-hash-{}", password.len()))
        })),
    };
    server.state.start_worker();
    let teacher = server.sign_in(TEACHER).await;
    let line = |s: &rollcall_server::store::StudentRecord, username: &str| {
        format!(
            "{},{},{},{},{},{username},Sunflower!Garden42",
            s.guid,
            s.student_id.clone().unwrap_or_default(),
            s.first_name,
            s.last_name,
            s.grade
        )
    };
    let lines = [line(a, "run.one"), line(b, "run.two"), line(c, "run.three")];
    let id = post(&server, &teacher, &file(&lines), "en").await;
    let done = server.wait_for(&teacher, LINCOLN, &id).await;
    assert_eq!(done["status"], "Completed with Errors", "{done}");
    let rows = done["rows"].as_array().expect("rows");
    let states: Vec<&str> = rows
        .iter()
        .map(|r| r["state"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(states, ["applied", "failed", "applied"], "{done}");
    assert_eq!(rows[1]["errors"][0]["code"], "username-taken", "{done}");
    let after = store.students(LINCOLN).await.expect("students");
    let name = |guid: &str| {
        after
            .iter()
            .find(|s| s.guid == guid)
            .map(|s| s.username.clone())
            .unwrap_or_default()
    };
    assert_eq!(name(&a.guid), "run.one");
    assert_eq!(
        name(&b.guid),
        b.username,
        "the row that collided changed nothing"
    );
    assert_eq!(name(&c.guid), "run.three");
    assert_eq!(name(&d.guid), "run.two");
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
        let now = rollcall_server::upload::lease::now_millis();
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

/// Two uploads of different schools run side by side: a new student's generated username that
/// the other transaction took after it was found free (PostgreSQL: the insert waits for the
/// other transaction and then meets the unique index) moves on to the next free one instead of
/// failing the row.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_generated_username_taken_meanwhile_moves_on_to_the_next() {
    let server = Server::demo_stopped(BUSY).await;
    let store = server.state.store.clone();
    let (first, second) = (
        pending_upload(&server, 1).await,
        pending_upload(&server, 1).await,
    );
    let mut tx = store.begin_write().await.expect("begin");
    assert_eq!(
        create_sam(&mut tx, &first, 2, LINCOLN, &UsernameHints::default()).await,
        "sam.same"
    );
    let other = store.clone();
    let meanwhile = tokio::spawn(async move {
        let mut tx = other.begin_write().await.expect("begin");
        let hints = UsernameHints::default();
        let username = create_sam(&mut tx, &second, 2, ROOSEVELT, &hints).await;
        tx.commit().await.expect("commit");
        username
    });
    if store.backend() == Backend::Postgres {
        // Wait until the other insert is blocked on this transaction's new row.
        let mut blocked = false;
        for _ in 0..200 {
            let waiting: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                 WHERE NOT l.granted AND a.query LIKE 'INSERT INTO students%'",
            )
            .fetch_one(store.pool())
            .await
            .expect("locks");
            if waiting > 0 {
                blocked = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        assert!(blocked, "the other insert never waited on this one");
    } else {
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    tx.commit().await.expect("commit");
    let username = tokio::time::timeout(Duration::from_secs(10), meanwhile)
        .await
        .expect("the other upload finished")
        .expect("task");
    assert_eq!(username, "sam.same2");
}

/// Creates a "Sam Same" with a generated username for `row` of `upload`; returns the username.
async fn create_sam(
    tx: &mut sqlx::AnyConnection,
    upload: &str,
    row: u32,
    school: &str,
    hints: &UsernameHints,
) -> String {
    let values = [
        (rollcall_core::Field::FirstName, "Sam".to_owned()),
        (rollcall_core::Field::LastName, "Same".to_owned()),
        (rollcall_core::Field::Grade, "03".to_owned()),
    ]
    .into_iter()
    .collect();
    let created = Store::apply_create(
        tx,
        upload,
        row,
        school,
        rollcall_server::demo::DISTRICT,
        &values,
        &NewPassword {
            hash: "h".to_owned(),
            temporary: None,
        },
        std::time::SystemTime::now(),
        hints,
    )
    .await
    .expect("create")
    .expect("no conflict");
    created[5].clone()
}
