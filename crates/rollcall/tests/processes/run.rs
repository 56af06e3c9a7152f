//! The test itself: seed the schools, start the processes, run the teachers, kill the process
//! holding the large upload, and check every row was applied exactly once.

use super::*;

/// The teachers' uploads; a teacher's failure fails the test with its message.
pub(crate) fn join(teachers: Vec<std::thread::JoinHandle<Vec<Done>>>) -> Vec<Done> {
    let mut done = Vec::new();
    for (number, teacher) in teachers.into_iter().enumerate() {
        match teacher.join() {
            Ok(uploads) => done.extend(uploads),
            Err(panic) => {
                let message = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_default();
                panic!("teacher {number} failed: {message}");
            }
        }
    }
    done
}

/// Seeds the demo, a third school and four more teachers: six teachers, two in each school.
pub(crate) async fn seed(store: &Store) -> Vec<TeacherPlan> {
    let sign_ins = demo::seed(store, demo::STUDENTS).await.expect("demo");
    let demo_password = |email: &str| {
        sign_ins
            .iter()
            .find(|(e, _)| e == email)
            .map(|(_, p)| p.clone())
            .expect("demo sign-in")
    };
    store
        .insert_school(JEFFERSON, demo::DISTRICT, "Jefferson High")
        .await
        .expect("school");
    let students: Vec<NewStudent> = (0..JEFFERSON_STUDENTS)
        .map(|i| NewStudent {
            record: StudentRecord {
                guid: uuid::Uuid::new_v4().to_string(),
                student_id: Some(format!("J{i:05}")),
                first_name: format!("Jo{}", letters(i)),
                last_name: "Jefferson".to_owned(),
                grade: ["09", "10", "11", "12"][i % 4].to_owned(),
                username: format!("jo{i}.jefferson"),
                classes: Vec::new(),
            },
            password_hash: None,
        })
        .collect();
    let now = humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string();
    store
        .insert_students(JEFFERSON, demo::DISTRICT, &students, &now)
        .await
        .expect("students");
    const LINCOLN_GRADES: &[&str] = &["KG", "01", "02", "03", "04", "05"];
    const ROOSEVELT_GRADES: &[&str] = &["06", "07", "08"];
    const JEFFERSON_GRADES: &[&str] = &["09", "10", "11", "12"];
    let mut teachers = vec![
        (
            demo::TEACHER.to_owned(),
            demo_password(demo::TEACHER),
            demo::LINCOLN,
            LINCOLN_GRADES,
        ),
        (
            demo::OTHER.to_owned(),
            demo_password(demo::OTHER),
            demo::ROOSEVELT,
            ROOSEVELT_GRADES,
        ),
    ];
    for (n, school, grades) in [
        (2, demo::LINCOLN, LINCOLN_GRADES),
        (3, demo::ROOSEVELT, ROOSEVELT_GRADES),
        (4, JEFFERSON, JEFFERSON_GRADES),
        (5, JEFFERSON, JEFFERSON_GRADES),
    ] {
        let (id, email) = (format!("teacher-{n}"), format!("teacher{n}@processes.test"));
        let password = auth::random_token();
        let hash = auth::hash_password_off_thread(password.clone())
            .await
            .expect("hash");
        store
            .upsert_teacher(&id, &email, &format!("Teacher {}", letters(n)), &hash)
            .await
            .expect("teacher");
        store
            .add_teacher_to_school(&id, school)
            .await
            .expect("teacher's school");
        teachers.push((email, password, school, grades));
    }
    // Teachers 0 and 2 work in Lincoln, 1 and 3 in Roosevelt, 4 and 5 in Jefferson; of the
    // seeded students the first of the two teachers updates every other one, the second the rest.
    let mut plans = Vec::new();
    let mut slot: HashMap<&str, usize> = HashMap::new();
    for (number, (email, password, school, grades)) in teachers.into_iter().enumerate() {
        let s = slot.entry(school).or_default();
        let owned = store
            .students(school)
            .await
            .expect("students")
            .into_iter()
            .enumerate()
            .filter(|(i, _)| i % 2 == *s)
            .map(|(_, student)| student.guid)
            .collect();
        *s += 1;
        plans.push(TeacherPlan {
            number,
            email,
            password,
            school,
            grades,
            owned,
        });
    }
    plans
}

pub(crate) fn run(backend: &str, url: &str, count: usize) {
    let began = Instant::now();
    let runtime = runtime();
    let store = runtime.block_on(Store::open(url)).expect("store");
    let plans = runtime.block_on(seed(&store));
    let schools = [demo::LINCOLN, demo::ROOSEVELT, JEFFERSON];
    let before: HashMap<&str, Vec<StudentRecord>> = schools
        .iter()
        .map(|s| (*s, runtime.block_on(store.students(s)).expect("students")))
        .collect();

    let mut processes = Processes(Vec::new());
    for number in 0..count {
        start(url, number, &mut processes);
    }
    for process in &processes.0 {
        wait_until_answering(&process.base);
    }
    let owners: Vec<String> = processes.0.iter().map(|p| p.owner.clone()).collect();
    let cluster = Arc::new(Cluster {
        bases: processes.0.iter().map(|p| p.base.clone()).collect(),
        alive: (0..count).map(|_| AtomicBool::new(true)).collect(),
    });
    let started = Instant::now();
    println!(
        "{backend}: {count} processes answering after {:.1} s",
        (started - began).as_secs_f64()
    );

    let shared = Arc::new(Shared {
        large: Mutex::new(None),
    });
    let teachers: Vec<_> = plans
        .iter()
        .cloned()
        .map(|plan| {
            let (cluster, shared) = (cluster.clone(), shared.clone());
            let seed = 0x5EED_0000 + plan.number as u64 + 100 * count as u64;
            std::thread::spawn(move || teacher(plan, cluster, shared, seed))
        })
        .collect();

    // Kill the process working on the large upload once some of its rows are applied.
    let deadline = Instant::now() + Duration::from_secs(120);
    let (large, large_school) = loop {
        if let Some(found) = shared.large.lock().expect("shared").clone() {
            break found;
        }
        if teachers[4].is_finished() {
            join(teachers);
            unreachable!("teacher 4 finished without storing the large upload");
        }
        assert!(
            Instant::now() < deadline,
            "the large upload was never stored"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let (victim, applied_at_kill) = loop {
        let upload = runtime
            .block_on(store.upload(large_school, &large))
            .expect("upload")
            .expect("the large upload");
        let rows = runtime.block_on(store.upload_rows(&large)).expect("rows");
        let applied = rows.iter().filter(|r| r.state == RowState::Applied).count();
        assert!(
            !upload.summary.status.is_final(),
            "the large upload finished ({}) before it could be interrupted: make LARGE larger",
            upload.summary.status
        );
        if upload.summary.status == UploadStatus::InProgress && applied >= APPLIED_BEFORE_KILL {
            let claims = runtime
                .block_on(store.upload_claims(&large))
                .expect("claims");
            let holder = &claims.last().expect("a claim").owner;
            let victim = owners
                .iter()
                .position(|o| o == holder)
                .unwrap_or_else(|| panic!("no process is {holder}"));
            break (victim, applied);
        }
        assert!(Instant::now() < deadline, "the large upload did not start");
        std::thread::sleep(Duration::from_millis(20));
    };
    cluster.alive[victim].store(false, Ordering::SeqCst);
    processes.0[victim].child.kill().expect("kill");
    let killed_at = Instant::now();
    let killed_at_millis = rollcall_server::Clock::system().unix_millis();
    let status = processes.0[victim].child.wait().expect("wait");
    let rows = runtime.block_on(store.upload_rows(&large)).expect("rows");
    let applied_after_kill = rows.iter().filter(|r| r.state == RowState::Applied).count();
    println!(
        "{backend}: killed process {victim} ({status}) {:.1} s in, holding the large upload with {applied_at_kill} (then {applied_after_kill}) of {LARGE} rows applied",
        (killed_at - started).as_secs_f64()
    );
    assert!(
        applied_after_kill < LARGE,
        "the large upload finished as its process was killed: make LARGE larger"
    );

    let done = join(teachers);
    let last_final = done.iter().map(|d| d.finished_at).max().expect("uploads");
    println!(
        "{backend}: every upload final {:.1} s after the kill, {:.1} s after the start ({:.1} s with setup)",
        (last_final - killed_at).as_secs_f64(),
        (last_final - started).as_secs_f64(),
        began.elapsed().as_secs_f64()
    );

    // Every upload is final, in time, and Completed (the teachers never race for a student).
    assert_eq!(done.len(), plans.len() * UPLOADS_EACH);
    for d in &done {
        assert!(
            d.finished_at <= killed_at + AFTER_KILL,
            "upload {} of teacher {} was final {:.1} s after the kill",
            d.id,
            d.teacher,
            (d.finished_at - killed_at).as_secs_f64()
        );
        if d.status != UploadStatus::Completed {
            let rows = runtime.block_on(store.upload_rows(&d.id)).expect("rows");
            let errors: Vec<_> = rows
                .iter()
                .filter(|r| r.state == RowState::Failed)
                .collect();
            panic!(
                "upload {} of teacher {} is {}: {errors:?}",
                d.id, d.teacher, d.status
            );
        }
    }

    // Each school lists exactly the uploads sent to it (a request sent again stored nothing).
    for school in schools {
        let listed: HashSet<String> = runtime
            .block_on(store.uploads(school))
            .expect("uploads")
            .into_iter()
            .map(|u| u.summary.id)
            .collect();
        let sent: HashSet<String> = done
            .iter()
            .filter(|d| d.school == school)
            .map(|d| d.id.clone())
            .collect();
        assert_eq!(listed, sent, "{school}'s uploads");
    }

    // Every row applied once: none left pending, the Completed File is the rows uploaded.
    let mut expected: HashMap<&str, BTreeMap<String, Sent>> = HashMap::new();
    for school in schools {
        expected.insert(
            school,
            before[school]
                .iter()
                .map(|s| {
                    (
                        s.guid.clone(),
                        Sent {
                            guid: Some(s.guid.clone()),
                            student_id: s.student_id.clone().unwrap_or_default(),
                            first: s.first_name.clone(),
                            last: s.last_name.clone(),
                            grade: s.grade.clone(),
                            username: Some(s.username.clone()),
                        },
                    )
                })
                .collect(),
        );
    }
    let mut ordered: Vec<&Done> = done.iter().collect();
    // Uploads of one teacher in the order they were made (each waited for the one before).
    ordered.sort_by_key(|d| d.finished_at);
    for d in ordered {
        let rows = runtime.block_on(store.upload_rows(&d.id)).expect("rows");
        assert_eq!(rows.len(), d.sent.len(), "upload {}'s rows", d.id);
        assert!(
            rows.iter().all(|r| r.state == RowState::Applied),
            "upload {} has rows not applied",
            d.id
        );
        assert_eq!(
            d.completed.len(),
            d.sent.len(),
            "upload {}'s Completed File",
            d.id
        );
        let school = expected.get_mut(d.school).expect("school");
        for (sent, got) in d.sent.iter().zip(&d.completed) {
            let what = format!(
                "upload {} (teacher {}): {sent:?} → {got:?}",
                d.id, d.teacher
            );
            assert_eq!(got.len(), 8, "the export's columns and Classes: {what}");
            assert_eq!(
                (&got[1], &got[2], &got[3], &got[4]),
                (&sent.student_id, &sent.first, &sent.last, &sent.grade),
                "{what}"
            );
            match &sent.username {
                Some(username) => assert_eq!(&got[5], username, "{what}"),
                None => assert!(!got[5].is_empty(), "{what}"),
            }
            match &sent.guid {
                Some(guid) => {
                    assert_eq!(&got[0], guid, "{what}");
                    assert_eq!(got[6], "", "an update shows no password: {what}");
                    assert!(school.contains_key(guid), "{what}");
                }
                None => {
                    assert!(uuid::Uuid::parse_str(&got[0]).is_ok(), "{what}");
                    assert!(!got[6].is_empty(), "a temporary password: {what}");
                    assert!(!school.contains_key(&got[0]), "created twice: {what}");
                }
            }
            school.insert(
                got[0].clone(),
                Sent {
                    guid: Some(got[0].clone()),
                    username: Some(got[5].clone()),
                    ..sent.clone()
                },
            );
        }
    }
    // The stored students are exactly those: seeded, updated as last uploaded, created once.
    for school in schools {
        let stored: BTreeMap<String, StudentRecord> = runtime
            .block_on(store.students(school))
            .expect("students")
            .into_iter()
            .map(|s| (s.guid.clone(), s))
            .collect();
        let want = &expected[school];
        assert_eq!(
            stored.len(),
            want.len(),
            "{school}: {} students stored, {} expected",
            stored.len(),
            want.len()
        );
        for (guid, sent) in want {
            let s = stored
                .get(guid)
                .unwrap_or_else(|| panic!("{school}: {guid} missing"));
            assert_eq!(
                (
                    s.student_id.clone().unwrap_or_default(),
                    &s.first_name,
                    &s.last_name,
                    &s.grade,
                    Some(&s.username)
                ),
                (
                    sent.student_id.clone(),
                    &sent.first,
                    &sent.last,
                    &sent.grade,
                    sent.username.as_ref()
                ),
                "{school}: {guid}"
            );
        }
    }

    // No two claims of an upload overlap; the large one was taken over by another process.
    for d in &done {
        let claims = runtime
            .block_on(store.upload_claims(&d.id))
            .expect("claims");
        assert!(!claims.is_empty(), "upload {} was never claimed", d.id);
        for claim in &claims {
            assert!(claim.claimed_at <= claim.until, "{claim:?}");
        }
        for pair in claims.windows(2) {
            assert!(
                pair[0].until <= pair[1].claimed_at,
                "upload {}: claims overlap: {pair:?}",
                d.id
            );
        }
        if d.large {
            assert!(claims.len() >= 2, "the large upload's claims: {claims:?}");
            assert_eq!(claims[0].owner, owners[victim], "{claims:?}");
            let last = &claims.last().expect("claims").owner;
            assert!(
                last != &owners[victim] && owners.contains(last),
                "{claims:?}"
            );
            // Taken over soon after the lease lapsed (the queue polls every second).
            assert!(
                claims[1].claimed_at - claims[0].until < 10_000,
                "taken over late: {claims:?}"
            );
            let last = claims.last().expect("claims");
            println!(
                "{backend}: the large upload was worked on for {:.1} s ({:.1} s by process {victim} \
                 until it was killed, {:.1} s by process {} after its lease lapsed); its claims \
                 (process, ms held): {:?}",
                ((killed_at_millis - claims[0].claimed_at) + (last.until - last.claimed_at)) as f64
                    / 1000.0,
                (killed_at_millis - claims[0].claimed_at) as f64 / 1000.0,
                (last.until - last.claimed_at) as f64 / 1000.0,
                owners
                    .iter()
                    .position(|o| *o == last.owner)
                    .unwrap_or(usize::MAX),
                claims
                    .iter()
                    .map(|c| (
                        owners.iter().position(|o| *o == c.owner),
                        c.until - c.claimed_at
                    ))
                    .collect::<Vec<_>>()
            );
        }
    }
    runtime.block_on(store.pool().close());
    drop(processes);
}
