//! Faults the queue outlives: two processes on one database, a write lock held past the busy
//! timeout, a full disk, a panic, a password that cannot be hashed, a retried file upload.

use super::*;

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
    // The rows are worded for whoever asks (here in English); the Error File for the uploader.
    for row in &failed {
        assert_eq!(row["errors"][0]["code"], "upload-failed", "{row}");
        let message = row["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.starts_with("This row was not applied"), "{message}");
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
        listed.iter().all(|r| r
            .last()
            .is_some_and(|error| error.starts_with("Esta fila no se aplicó"))),
        "{listed:?}"
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
            message.starts_with("The password could not be stored"),
            "{message}"
        );
    }
    let error_file = server
        .get(
            Some(&teacher),
            &format!("/api/schools/{LINCOLN}/uploads/{id}/files/error?format=csv"),
        )
        .await;
    let listed = csv_rows(&error_file.body);
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert!(
        listed.iter().all(|r| r
            .last()
            .is_some_and(|error| error.starts_with("No se pudo guardar la contraseña"))),
        "{listed:?}"
    );
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
