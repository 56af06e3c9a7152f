//! Generated usernames for many new students named alike, at the store: `first.last`,
//! `first.last2`, … each found by one statement that starts where the last one given out
//! stopped. `alike-1k` and `alike-10k` create 1,000 and 10,000 students all named "Sam Same…"
//! (a new surname each iteration, so every run starts from no one of that name) in batches of
//! 32 rows per transaction, as the queue worker does. Linear time: the 10k figure is about
//! ten times the 1k figure. (Probing one name at a time, the n-th student costs n look-ups,
//! so 10,000 alike would cost 50 million.)

use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use rollcall_core::{Field, Lang, Values};
use rollcall_server::demo::{DISTRICT, LINCOLN};
use rollcall_server::store::Store;
use rollcall_server::store::apply::{NewPassword, UsernameHints};
use rollcall_server::store::classes::{ClassIds, ClassOwner};
use rollcall_server::store::uploads::{NewUpload, NewUploadRow, UploadKind};

struct Bench {
    runtime: tokio::runtime::Runtime,
    store: Store,
    teacher: String,
    _dir: tempfile::TempDir,
}

impl Bench {
    fn new() -> Bench {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let dir = tempfile::tempdir().expect("dir");
        let url = format!("sqlite://{}", dir.path().join("bench.db").display());
        let (store, teacher) = runtime.block_on(async {
            let store = Store::open(&url).await.expect("store");
            rollcall_server::demo::seed(&store, 60).await.expect("seed");
            let teacher: String = sqlx::query_scalar("SELECT id FROM teachers LIMIT 1")
                .fetch_one(store.pool())
                .await
                .expect("teacher");
            (store, teacher)
        });
        Bench {
            runtime,
            store,
            teacher,
            _dir: dir,
        }
    }

    /// Creates `n` students named "Sam {surname}" with generated usernames; returns the time
    /// spent in the store's batches (storing the upload's rows is not counted).
    fn alike(&self, n: u32, surname: &str) -> Duration {
        self.runtime.block_on(async {
            let id = uuid::Uuid::new_v4().to_string();
            let header: Vec<String> = Vec::new();
            self.store
                .insert_upload(&NewUpload {
                    id: &id,
                    school: LINCOLN,
                    teacher: &self.teacher,
                    changeset_id: None,
                    idempotency_key: None,
                    file_name: "bench.csv",
                    kind: UploadKind::Changeset,
                    reverts: None,
                    lang: Lang::En,
                    created_at: "2026-11-22T10:00:00Z",
                    header: &header,
                    sheet: None,
                    rows: (0..n)
                        .map(|k| NewUploadRow {
                            row: k + 2,
                            cells: vec![String::new(); 7],
                            op: Some("{}".to_owned()),
                            errors: Vec::new(),
                            kept: None,
                        })
                        .collect(),
                })
                .await
                .expect("upload");
            let values: Values = [
                (Field::FirstName, "Sam".to_owned()),
                (Field::LastName, surname.to_owned()),
                (Field::Grade, "03".to_owned()),
            ]
            .into_iter()
            .collect();
            let password = NewPassword {
                hash: "bench-hash".to_owned(),
                temporary: None,
            };
            let hints = UsernameHints::default();
            let owner = ClassOwner {
                school: LINCOLN,
                teacher: &self.teacher,
            };
            let rows: Vec<u32> = (2..n + 2).collect();
            let start = Instant::now();
            for batch in rows.chunks(32) {
                let mut tx = self.store.begin_write().await.expect("begin");
                for &row in batch {
                    assert!(Store::take_row(&mut tx, &id, row).await.expect("take"));
                    Store::apply_create(
                        &mut tx,
                        &id,
                        row,
                        LINCOLN,
                        DISTRICT,
                        &values,
                        &password,
                        self.store.clock().now(),
                        &hints,
                        (owner, &mut ClassIds::default()),
                    )
                    .await
                    .expect("create")
                    .expect("no conflict");
                }
                tx.commit().await.expect("commit");
            }
            start.elapsed()
        })
    }
}

/// A surname of letters only for run `n`.
fn surname(n: usize) -> String {
    let letters: String = n
        .to_string()
        .bytes()
        .map(|d| char::from(b'a' + (d - b'0')))
        .collect();
    format!("Same{letters}")
}

fn benches(c: &mut Criterion) {
    let bench = Bench::new();
    let mut group = c.benchmark_group("usernames");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    let mut run = 0;
    for (name, n) in [("alike-1k", 1_000), ("alike-10k", 10_000)] {
        group.bench_function(name, |b| {
            b.iter_custom(|iterations| {
                (0..iterations)
                    .map(|_| {
                        run += 1;
                        bench.alike(n, &surname(run))
                    })
                    .sum()
            })
        });
    }
    group.finish();
}

criterion_group!(usernames, benches);
criterion_main!(usernames);
