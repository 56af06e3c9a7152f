//! Several real `rollcall serve` processes on one database, as a district runs them: two on a
//! SQLite file, three on PostgreSQL (when `ROLLCALL_TEST_POSTGRES` names a server). Six
//! teachers in three schools each make five uploads over HTTP, every step (sign-in, export,
//! upload, polling, the Completed File) sent to a process chosen at random. One upload is large;
//! while it is being applied the process holding its lease is killed (SIGKILL) and not
//! restarted. Every upload must still finish, the large one taken over by another process once
//! the lease lapses; every row must be applied exactly once, the Completed Files must hold the
//! uploaded rows, and no two claims of an upload may overlap.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rollcall_server::store::uploads::{RowState, UploadStatus};
use rollcall_server::store::{NewStudent, Store, StudentRecord};
use rollcall_server::upload::lease::LEASE;
use rollcall_server::{auth, demo, testing};

mod client;
mod cluster;
mod run;
mod teachers;

use client::*;
use cluster::*;
use run::*;
use teachers::*;

/// Uploads each teacher makes.
const UPLOADS_EACH: usize = 5;
/// New students in the large upload. Each gets a generated temporary password hashed with
/// Argon2id (about 20 to 40 ms of one core each, even in a debug build: argon2 is optimised in
/// the dev profile), which is what makes it slow: about 9 s of two cores, more under load.
const LARGE: usize = 480;
/// Rows the large upload must have applied before its process is killed (four batches): the
/// rest, after the takeover, must fit in the time left once the lease lapsed.
const APPLIED_BEFORE_KILL: usize = 128;
/// Every upload must be final this long after the kill (the lease, then time to finish).
const AFTER_KILL: Duration = Duration::from_secs(LEASE.as_secs() + 30);
/// The third school, seeded with this many students.
const JEFFERSON: &str = "jefferson-high";
const JEFFERSON_STUDENTS: usize = 40;

/// The tests run one after the other: five server processes at once are too many for two cores.
static SERIAL: Mutex<()> = Mutex::new(());

#[test]
fn two_processes_share_a_sqlite_file() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let dir = Folder(tempfile::tempdir().expect("temp dir"));
    let url = format!("sqlite://{}", dir.0.path().join("rollcall.db").display());
    run("SQLite", &url, 2);
}

#[test]
fn three_processes_share_a_postgresql_database() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    if testing::postgres_for_tests().is_none() {
        println!(
            "three_processes_share_a_postgresql_database: not run; set ROLLCALL_TEST_POSTGRES=postgres://… to run it"
        );
        return;
    }
    let dir = Folder(tempfile::tempdir().expect("temp dir"));
    let url = runtime().block_on(testing::fresh_database(dir.0.path()));
    run("PostgreSQL", &url, 3);
}

/// A test's folder; its PostgreSQL schema, if any, is dropped with it.
struct Folder(tempfile::TempDir);

impl Drop for Folder {
    fn drop(&mut self) {
        testing::drop_database(self.0.path());
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

/// xorshift64*: the same choices on every run (the timing still varies).
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % n
    }
}

/// A number as letters (names hold no digits): 0 → "a", 12 → "bc".
fn letters(n: usize) -> String {
    n.to_string()
        .bytes()
        .map(|d| char::from(b'a' + (d - b'0')))
        .collect()
}
