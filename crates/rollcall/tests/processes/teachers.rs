//! The teachers, what each uploads, and a teacher's whole run of uploads.

use super::*;

#[derive(Debug, Clone)]
pub(crate) struct TeacherPlan {
    pub(crate) number: usize,
    pub(crate) email: String,
    pub(crate) password: String,
    pub(crate) school: &'static str,
    pub(crate) grades: &'static [&'static str],
    /// The seeded students only this teacher updates (so no two uploads race for one).
    pub(crate) owned: Vec<String>,
}

/// A row of an upload as the teacher wrote it: an update (`guid`) or a new student.
#[derive(Debug, Clone)]
pub(crate) struct Sent {
    pub(crate) guid: Option<String>,
    pub(crate) student_id: String,
    pub(crate) first: String,
    pub(crate) last: String,
    pub(crate) grade: String,
    /// Given in the file (an update's is the student's own).
    pub(crate) username: Option<String>,
}

/// One upload, as the teacher saw it through.
#[derive(Debug, Clone)]
pub(crate) struct Done {
    pub(crate) teacher: usize,
    pub(crate) school: &'static str,
    pub(crate) id: String,
    pub(crate) large: bool,
    pub(crate) sent: Vec<Sent>,
    pub(crate) status: UploadStatus,
    /// The Completed File's rows.
    pub(crate) completed: Vec<Vec<String>>,
    pub(crate) finished_at: Instant,
}

/// What the teachers share with the test: the large upload's id once it is stored.
pub(crate) struct Shared {
    pub(crate) large: Mutex<Option<(String, &'static str)>>,
}

/// Polls an upload until its status is final.
pub(crate) fn wait_final(client: &mut Client, school: &str, id: &str) -> (UploadStatus, Instant) {
    let deadline = Instant::now() + Duration::from_secs(240);
    loop {
        let reply = client
            .get(&format!("/api/schools/{school}/uploads/{id}"))
            .expect(200, "an upload");
        let json = reply.json();
        let status: UploadStatus = json["status"]
            .as_str()
            .unwrap_or_default()
            .parse()
            .expect("a status");
        if status.is_final() {
            return (status, Instant::now());
        }
        assert!(Instant::now() < deadline, "upload {id} never finished");
        std::thread::sleep(Duration::from_millis(150));
    }
}

/// A teacher's five rounds: sign in, export, edit, upload, wait, download the Completed File.
pub(crate) fn teacher(
    plan: TeacherPlan,
    cluster: Arc<Cluster>,
    shared: Arc<Shared>,
    seed: u64,
) -> Vec<Done> {
    let processes = cluster.bases.len();
    let mut client = Client {
        cluster,
        agent: agent(),
        rng: Rng::new(seed),
        cookie: String::new(),
        csrf: String::new(),
        answered: vec![0; processes],
    };
    let t = plan.number;
    let school = plan.school;
    let mut done = Vec::new();
    for k in 0..UPLOADS_EACH {
        let large = t == 4 && k == 0;
        client.sign_in(&plan.email, &plan.password);
        let export = client
            .get(&format!("/api/schools/{school}/export?format=csv"))
            .expect(200, "export");
        let exported = csv_rows(&export.body);
        let mine: Vec<&Vec<String>> = exported
            .iter()
            .filter(|row| plan.owned.contains(&row[0]))
            .collect();
        assert_eq!(mine.len(), plan.owned.len(), "the export has every student");
        let mut rows: Vec<Vec<String>> = Vec::new();
        let mut sent = Vec::new();
        if large {
            for i in 0..LARGE {
                let first = format!("Big{}", letters(i));
                let last = "Load".to_owned();
                let grade = plan.grades[i % plan.grades.len()].to_owned();
                rows.push(vec![
                    String::new(),
                    String::new(),
                    first.clone(),
                    last.clone(),
                    grade.clone(),
                    String::new(),
                    String::new(),
                ]);
                sent.push(Sent {
                    guid: None,
                    student_id: String::new(),
                    first,
                    last,
                    grade,
                    username: None,
                });
            }
        } else {
            // Three of the teacher's students updated, two sent unchanged (not part of the
            // upload's work), four new students: two with a username and Student ID, two
            // without (generated username, temporary password).
            let mut picked: Vec<usize> = Vec::new();
            while picked.len() < 5 {
                let i = client.rng.below(mine.len());
                if !picked.contains(&i) {
                    picked.push(i);
                }
            }
            for (n, &i) in picked.iter().enumerate() {
                let mut row = mine[i].clone();
                if n < 3 {
                    row[2] = format!("Upd{}x{}x{}", letters(t), letters(k), letters(n));
                    row[4] = plan.grades[(k + n) % plan.grades.len()].to_owned();
                    sent.push(Sent {
                        guid: Some(row[0].clone()),
                        student_id: row[1].clone(),
                        first: row[2].clone(),
                        last: row[3].clone(),
                        grade: row[4].clone(),
                        username: Some(row[5].clone()),
                    });
                }
                rows.push(row);
            }
            for i in 0..4 {
                let first = format!("New{}x{}x{}", letters(t), letters(k), letters(i));
                let last = format!("Proc{}", letters(t));
                let grade = plan.grades[i % plan.grades.len()].to_owned();
                let (student_id, username) = if i % 2 == 0 {
                    (
                        format!("PX-{t}-{k}-{i}"),
                        Some(format!("px.t{t}.u{k}.n{i}")),
                    )
                } else {
                    (String::new(), None)
                };
                rows.push(vec![
                    String::new(),
                    student_id.clone(),
                    first.clone(),
                    last.clone(),
                    grade.clone(),
                    username.clone().unwrap_or_default(),
                    String::new(),
                ]);
                sent.push(Sent {
                    guid: None,
                    student_id,
                    first,
                    last,
                    grade,
                    username,
                });
            }
        }
        let name = format!("students-{school}-teacher{t}-upload{k}.csv");
        let id = client.upload(school, &name, &csv_file(&rows));
        if large {
            *shared.large.lock().expect("shared") = Some((id.clone(), school));
        }
        let (status, finished_at) = wait_final(&mut client, school, &id);
        let completed = client
            .get(&format!(
                "/api/schools/{school}/uploads/{id}/files/completed?format=csv"
            ))
            .expect(200, "the Completed File");
        done.push(Done {
            teacher: t,
            school,
            id,
            large,
            sent,
            status,
            completed: csv_rows(&completed.body),
            finished_at,
        });
    }
    println!(
        "teacher {t} ({school}): requests answered by each process: {:?}",
        client.answered
    );
    done
}
