//! `rollcall serve --demo`: the demo district of SPEC section 10 — "Demo District" with
//! "Lincoln Elementary" and "Roosevelt Middle", 60 students each, a teacher of both
//! (`teacher@demo.school`) and a teacher of Roosevelt only (`other@demo.school`). The roster is
//! the same on every machine; the teachers get fresh random passwords at every start, which
//! `serve` prints.

use std::collections::HashSet;

use crate::auth;
use crate::store::classes::ClassOwner;
use crate::store::{NewStudent, Store, StudentRecord};

pub const DISTRICT: &str = "demo-district";
pub const LINCOLN: &str = "lincoln-elementary";
pub const ROOSEVELT: &str = "roosevelt-middle";
pub const TEACHER: &str = "teacher@demo.school";
pub const OTHER: &str = "other@demo.school";
/// Students per school in the demo.
pub const STUDENTS: usize = 60;

const FIRST: [&str; 20] = [
    "Ava", "Ben", "Chloé", "Dmitri", "Élodie", "Finn", "Grace", "Hana", "Isla", "José", "Kai",
    "Léa", "Mia", "Noah", "Omar", "Priya", "Quinn", "Rosa", "Sami", "Zoë",
];
const LAST: [&str; 20] = [
    "Andersson",
    "Brown",
    "Cohen",
    "Dubois",
    "García",
    "Hernández",
    "Ivanova",
    "Kim",
    "Lopez",
    "Müller",
    "Nguyen",
    "Okafor",
    "Patel",
    "Rossi",
    "Sato",
    "Smith",
    "Tanaka",
    "Usman",
    "Vega",
    "Wong",
];

/// SplitMix64: the demo roster is the same everywhere.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A version-4 UUID from the generator.
    fn guid(&mut self) -> String {
        let bytes = ((u128::from(self.next()) << 64) | u128::from(self.next())).to_be_bytes();
        uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .to_string()
    }
}

fn roster(
    seed: u64,
    grades: &[&str],
    count: usize,
    used: &mut HashSet<String>,
) -> Vec<StudentRecord> {
    let mut random = Random(seed);
    // Student IDs are unique across the district whatever the count (a benchmark seeds 50,000).
    let stride = count.max(1000);
    let zero_width = if count <= 1000 { 4 } else { 6 };
    let mut zero_ids = HashSet::new();
    (0..count)
        .map(|i| {
            let first = FIRST[random.below(FIRST.len())];
            let last = LAST[random.below(LAST.len())];
            let base = format!("{}.{}", ascii(first), ascii(last));
            let mut username = base.clone();
            let mut n = 2;
            while used.contains(&username) {
                username = format!("{base}{n}");
                n += 1;
            }
            used.insert(username.clone());
            StudentRecord {
                guid: random.guid(),
                // Every fourth ID starts with zeros, which a spreadsheet program likes to drop.
                student_id: Some(if i % 4 == 0 {
                    loop {
                        let drawn = random.below(10usize.pow(zero_width as u32));
                        // A large roster's IDs also name its school, so schools never share one.
                        let id = if count <= 1000 {
                            format!("00{drawn:0zero_width$}")
                        } else {
                            format!("00{seed}{drawn:0zero_width$}")
                        };
                        if zero_ids.insert(id.clone()) {
                            break id;
                        }
                    }
                } else {
                    format!("{:06}", 100_000 + seed as usize * stride + i)
                }),
                first_name: first.to_owned(),
                last_name: last.to_owned(),
                grade: grades[i % grades.len()].to_owned(),
                username,
                classes: Vec::new(),
            }
        })
        .collect()
}

/// Lower-case ASCII for usernames: accents dropped.
fn ascii(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            'é' | 'É' | 'è' => 'e',
            'ë' => 'e',
            'ü' => 'u',
            'á' => 'a',
            'í' => 'i',
            'ó' => 'o',
            other => other,
        })
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_lowercase()
}

/// A password a person can type: four groups of four letters and digits.
fn demo_password() -> String {
    let token = auth::random_token();
    token
        .as_bytes()
        .chunks(4)
        .take(4)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// Seeds the demo district once, and gives both teachers new passwords. Returns
/// `(email, password)` for each teacher.
pub async fn seed(
    store: &Store,
    students_per_school: usize,
) -> Result<Vec<(String, String)>, String> {
    let fail = |e: sqlx::Error| format!("cannot seed the demo data: {e}");
    let now = store.clock().rfc3339_seconds();
    let created = !store.district_exists(DISTRICT).await.map_err(fail)?;
    if created {
        store
            .insert_district(DISTRICT, "Demo District")
            .await
            .map_err(fail)?;
        store
            .insert_school(LINCOLN, DISTRICT, "Lincoln Elementary")
            .await
            .map_err(fail)?;
        store
            .insert_school(ROOSEVELT, DISTRICT, "Roosevelt Middle")
            .await
            .map_err(fail)?;
        let mut used = HashSet::new();
        for (school, seed, grades) in [
            (LINCOLN, 1, &["KG", "01", "02", "03", "04", "05"][..]),
            (ROOSEVELT, 2, &["06", "07", "08"][..]),
        ] {
            let students: Vec<NewStudent> = roster(seed, grades, students_per_school, &mut used)
                .into_iter()
                .map(|record| NewStudent {
                    record,
                    password_hash: None,
                })
                .collect();
            store
                .insert_students(school, DISTRICT, &students, &now)
                .await
                .map_err(fail)?;
        }
    }
    let mut sign_ins = Vec::new();
    for (id, email, name, schools) in [
        (
            "demo-teacher",
            TEACHER,
            "Dana Teacher",
            &[LINCOLN, ROOSEVELT][..],
        ),
        ("demo-other", OTHER, "Omar Other", &[ROOSEVELT][..]),
    ] {
        let password = demo_password();
        let hash = auth::hash_password_off_thread(password.clone())
            .await
            .map_err(|e| format!("cannot hash the demo passwords: {e:?}"))?;
        store
            .upsert_teacher(id, email, name, &hash)
            .await
            .map_err(fail)?;
        for school in schools {
            store
                .add_teacher_to_school(id, school)
                .await
                .map_err(fail)?;
        }
        sign_ins.push((email.to_owned(), password));
    }
    if created {
        seed_classes(store).await.map_err(fail)?;
    }
    Ok(sign_ins)
}

/// A demo class: its school, its teacher, its name, and which students are in it by their
/// place in the roster.
type DemoClass = (&'static str, &'static str, &'static str, fn(usize) -> bool);

/// Each teacher's demo classes. Most students are in one class or more.
const CLASSES: &[DemoClass] = &[
    (LINCOLN, "demo-teacher", "Homeroom 3A", |i| i % 3 != 2),
    (LINCOLN, "demo-teacher", "Math 3", |i| i % 2 == 0),
    (LINCOLN, "demo-teacher", "Reading Group B", |i| i % 5 == 0),
    (ROOSEVELT, "demo-other", "Homeroom 7B", |i| i % 4 != 3),
    (ROOSEVELT, "demo-other", "Science 7", |i| i % 3 == 0),
];

async fn seed_classes(store: &Store) -> Result<(), sqlx::Error> {
    for &(school, teacher, name, holds) in CLASSES {
        let students = store.students(school).await?;
        let guids: Vec<String> = students
            .into_iter()
            .enumerate()
            .filter(|(i, _)| holds(*i))
            .map(|(_, student)| student.guid)
            .collect();
        let owner = ClassOwner { school, teacher };
        store.add_to_class(owner, name, &guids).await?;
    }
    Ok(())
}
