//! The store's row and username rules: a row taken from `pending` once, unchanged rows of the
//! upload's school only, generated usernames, collisions in a run of updates.

use super::*;

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
    let owner = rollcall_server::store::classes::ClassOwner {
        school: LINCOLN,
        teacher: "demo-teacher",
    };
    Store::applied_unchanged(&mut tx, &id, 2, owner, Some(&other.guid))
        .await
        .expect("unchanged");
    tx.commit().await.expect("commit");
    let rows = store.upload_rows(&id).await.expect("rows");
    assert_eq!(
        rows[0].to_protocol(rollcall_core::Lang::En).guid,
        None,
        "{:?}",
        rows[0]
    );
    assert_eq!(rows[0].to_protocol(rollcall_core::Lang::En).username, None);
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
                classes: Vec::new(),
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
        rollcall_server::testing::fixed_time(),
        hints,
        (
            rollcall_server::store::classes::ClassOwner {
                school,
                teacher: "demo-teacher",
            },
            &mut Default::default(),
        ),
    )
    .await
    .expect("create")
    .expect("no conflict");
    created[5].clone()
}
