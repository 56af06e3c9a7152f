//! The store: every SQL statement the server runs, behind one type, on either backend through
//! sqlx's `Any` driver: an embedded SQLite file (the default; WAL, created on open) or a
//! PostgreSQL server that many processes share. The statements are the same text for both:
//! `$n` parameters and SQL that both read. Where the two differ (how a writing transaction
//! begins, durability of one commit, wake-ups) the store asks [`Backend`].

pub mod apply;
pub mod audit;
pub mod retry;
mod schema;
mod sessions;
pub mod sign_ins;
pub mod update_batch;
pub mod uploads;

use std::sync::Once;
use std::time::Duration;

use serde::Serialize;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{Any, AnyConnection, AnyPool, Row, Transaction};

/// A number that orders what this process stores: microseconds since 1970, one more than the
/// last when the clock has not moved on (or went back).
pub(crate) fn sequence() -> i64 {
    static LAST: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_micros() as i64)
        .unwrap_or_default();
    let mut last = LAST.load(std::sync::atomic::Ordering::Relaxed);
    loop {
        let next = now.max(last + 1);
        match LAST.compare_exchange_weak(
            last,
            next,
            std::sync::atomic::Ordering::Relaxed,
            std::sync::atomic::Ordering::Relaxed,
        ) {
            Ok(_) => return next,
            Err(seen) => last = seen,
        }
    }
}

/// `url` with `mode=rwc` added unless it names a mode: the file is created if missing.
fn sqlite_url_creating(url: &str) -> String {
    if url.contains("mode=") || url.contains(":memory:") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    }
}

/// A school as the teacher sees it, and a signed-in teacher: as the API sends them.
pub use rollcall_protocol::{School, Teacher};

/// A student as stored (the password hash stays in the store).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StudentRecord {
    pub guid: String,
    pub student_id: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub grade: String,
    pub username: String,
}

impl StudentRecord {
    /// The core's view of this student, as the export at `row` shows it.
    pub fn to_core(&self, export_row: Option<u32>) -> rollcall_core::Student {
        rollcall_core::Student {
            guid: self.guid.clone(),
            export_row,
            student_id: self.student_id.clone(),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            grade: self.grade.clone(),
            username: Some(self.username.clone()),
        }
    }

    /// The student as a row of an export (SPEC column order), with `password` in the Password
    /// column: empty in exports, a generated temporary password in a Completed File.
    pub fn export_cells(&self, password: &str) -> Vec<String> {
        vec![
            self.guid.clone(),
            self.student_id.clone().unwrap_or_default(),
            self.first_name.clone(),
            self.last_name.clone(),
            self.grade.clone(),
            self.username.clone(),
            password.to_owned(),
        ]
    }

    /// The change-set `base` of this student (rollcall_core's fingerprint).
    pub fn fingerprint(&self) -> String {
        let roster = rollcall_core::Roster::new(&[self.to_core(None)]);
        rollcall_core::fingerprint(&roster.student(0))
    }
}

/// A new student to insert.
#[derive(Debug, Clone)]
pub struct NewStudent {
    pub record: StudentRecord,
    pub password_hash: Option<String>,
}

/// The PostgreSQL channel on which a stored upload wakes every process's queue.
pub const QUEUE_CHANNEL: &str = "rollcall_queue";

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The statement that begins a writing transaction (see [`Store::begin_write`]).
    pub fn begin_write(self) -> &'static str {
        match self {
            Backend::Sqlite => "BEGIN IMMEDIATE",
            Backend::Postgres => "BEGIN",
        }
    }

    /// The backend a database URL names: `postgres://…` or `postgresql://…`, else SQLite.
    pub fn of(url: &str) -> Backend {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }
}

/// The steps that processes take in turn (see [`Store::take_turn`]); the value is the key of
/// the PostgreSQL advisory lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Turn {
    Migrate = 727_001,
    Claim = 727_002,
}

#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    url: String,
}

fn teacher_row(row: &AnyRow) -> Teacher {
    Teacher {
        id: row.get("id"),
        email: row.get("email"),
        name: row.get("name"),
    }
}

fn school_row(row: &AnyRow) -> School {
    School {
        id: row.get("id"),
        name: row.get("name"),
    }
}

pub(crate) fn student(row: &AnyRow) -> StudentRecord {
    StudentRecord {
        guid: row.get("guid"),
        student_id: row.get("student_id"),
        first_name: row.get("first_name"),
        last_name: row.get("last_name"),
        grade: row.get("grade"),
        username: row.get("username"),
    }
}

impl Store {
    /// Opens and migrates the database at `url`: `sqlite://path` (created if needed) or
    /// `postgres://user@host:port/database`.
    pub async fn open(url: &str) -> Result<Store, String> {
        Store::open_with_busy_timeout(url, Duration::from_secs(10)).await
    }

    /// [`Store::open`]; on SQLite a write waits at most `busy_timeout` for another
    /// connection's write lock before it fails (and the queue retries it).
    pub async fn open_with_busy_timeout(
        url: &str,
        busy_timeout: Duration,
    ) -> Result<Store, String> {
        static DRIVERS: Once = Once::new();
        DRIVERS.call_once(sqlx::any::install_default_drivers);
        let backend = Backend::of(url);
        let options = AnyPoolOptions::new()
            // A write that failed with SQLITE_FULL or an I/O error can make SQLite roll the
            // transaction back by itself; sqlx's own ROLLBACK then fails and it still counts
            // the connection as inside a transaction, so every later BEGIN on it would fail.
            // Such a connection is closed instead of being given out again.
            .before_acquire(|conn, _| {
                Box::pin(async move { Ok(!sqlx::Connection::is_in_transaction(conn)) })
            });
        let (options, connect_url) = match backend {
            Backend::Postgres => (options.max_connections(16), url.to_owned()),
            Backend::Sqlite => {
                let pragmas = format!(
                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = {};",
                    busy_timeout.as_millis()
                );
                let options = options.max_connections(8).after_connect(move |conn, _| {
                    let pragmas = pragmas.clone();
                    Box::pin(async move {
                        sqlx::raw_sql(sqlx::AssertSqlSafe(pragmas))
                            .execute(&mut *conn)
                            .await?;
                        Ok(())
                    })
                });
                (options, sqlite_url_creating(url))
            }
        };
        let pool = options
            .connect(&connect_url)
            .await
            .map_err(|e| format!("cannot open the database {url}: {e}"))?;
        let store = Store {
            pool,
            backend,
            url: url.to_owned(),
        };
        store
            .migrate()
            .await
            .map_err(|e| format!("cannot migrate the database {url}: {e}"))?;
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The URL the store was opened with.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Runs the migrations not yet applied, one transaction each. Processes that start
    /// together take turns: SQLite's write lock, or on PostgreSQL an advisory lock held for
    /// the transaction, and the applied number is read again under it.
    async fn migrate(&self) -> Result<(), sqlx::Error> {
        loop {
            let mut tx = self.begin_write().await?;
            self.take_turn(&mut tx, Turn::Migrate).await?;
            sqlx::query("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)")
                .execute(&mut *tx)
                .await?;
            let applied: i64 =
                sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM schema_version")
                    .fetch_one(&mut *tx)
                    .await?;
            let Some(number) = (applied as usize + 1..=schema::MIGRATIONS.len()).next() else {
                tx.commit().await?;
                return Ok(());
            };
            sqlx::raw_sql(sqlx::AssertSqlSafe(schema::migration(self.backend, number)))
                .execute(&mut *tx)
                .await?;
            sqlx::query("INSERT INTO schema_version (version) VALUES ($1)")
                .bind(number as i64)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        }
    }

    /// Waits until no other transaction of any process holds `turn`, and holds it until this
    /// transaction ends. SQLite needs nothing: `BEGIN IMMEDIATE` already lets one writer in at a
    /// time. PostgreSQL lets writers run side by side, and under READ COMMITTED neither sees the
    /// other's uncommitted rows, so steps that read, decide and then write (which migration is
    /// next, which upload is free to claim) take an advisory lock first; each statement after
    /// it then sees everything the previous holder committed.
    pub async fn take_turn(&self, tx: &mut AnyConnection, turn: Turn) -> Result<(), sqlx::Error> {
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(turn as i64)
                .execute(&mut *tx)
                .await?;
        }
        Ok(())
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// A transaction that writes. On SQLite it takes the write lock when it begins (`BEGIN
    /// IMMEDIATE`), waiting for it up to the busy timeout: a plain (deferred) transaction
    /// that reads first and writes after another connection has committed cannot take the
    /// lock at all (SQLite answers "database is locked" at once, without waiting), and the
    /// whole upload or export would fail because two requests met. PostgreSQL locks rows as
    /// they are written, so a plain `BEGIN` is right there.
    pub async fn begin_write(&self) -> Result<Transaction<'static, Any>, sqlx::Error> {
        self.pool.begin_with(self.backend.begin_write()).await
    }

    // Districts, schools, teachers.

    pub async fn district_exists(&self, id: &str) -> Result<bool, sqlx::Error> {
        let found: Option<String> = sqlx::query_scalar("SELECT id FROM districts WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(found.is_some())
    }

    pub async fn insert_district(&self, id: &str, name: &str) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT INTO districts (id, name) VALUES ($1, $2)")
            .bind(id)
            .bind(name)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn insert_school(
        &self,
        id: &str,
        district: &str,
        name: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT INTO schools (id, district_id, name) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(district)
            .bind(name)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Inserts a teacher, or sets the password of the teacher with this email.
    pub async fn upsert_teacher(
        &self,
        id: &str,
        email: &str,
        name: &str,
        password_hash: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO teachers (id, email, name, password_hash) VALUES ($1, $2, $3, $4)
             ON CONFLICT (email) DO UPDATE SET password_hash = excluded.password_hash",
        )
        .bind(id)
        .bind(email)
        .bind(name)
        .bind(password_hash)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn add_teacher_to_school(
        &self,
        teacher: &str,
        school: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO teacher_schools (teacher_id, school_id) VALUES ($1, $2)
             ON CONFLICT DO NOTHING",
        )
        .bind(teacher)
        .bind(school)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The teacher with this email (any case) and their password hash.
    pub async fn teacher_by_email(
        &self,
        email: &str,
    ) -> Result<Option<(Teacher, String)>, sqlx::Error> {
        let row = sqlx::query(
            "SELECT id, email, name, password_hash FROM teachers WHERE lower(email) = lower($1)",
        )
        .bind(email)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|row| (teacher_row(&row), row.get("password_hash"))))
    }

    /// The schools a teacher works in, by name.
    pub async fn schools_of(&self, teacher: &str) -> Result<Vec<School>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT s.id, s.name FROM schools s JOIN teacher_schools t ON t.school_id = s.id
             WHERE t.teacher_id = $1 ORDER BY s.name",
        )
        .bind(teacher)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(school_row).collect())
    }

    /// The school, if the teacher works in it.
    pub async fn school_of(
        &self,
        teacher: &str,
        school: &str,
    ) -> Result<Option<School>, sqlx::Error> {
        let row = sqlx::query(
            "SELECT s.id, s.name FROM schools s JOIN teacher_schools t ON t.school_id = s.id
             WHERE t.teacher_id = $1 AND s.id = $2",
        )
        .bind(teacher)
        .bind(school)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(school_row))
    }

    // Sessions.

    pub async fn insert_session(
        &self,
        token_hash: &str,
        teacher: &str,
        csrf: &str,
        expires_at: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT INTO sessions (token_hash, teacher_id, csrf, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(token_hash)
            .bind(teacher)
            .bind(csrf)
            .bind(expires_at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The teacher and CSRF token of a session that has not expired at `now`.
    pub async fn session(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<(Teacher, String)>, sqlx::Error> {
        let row = sqlx::query(
            "SELECT t.id, t.email, t.name, s.csrf FROM sessions s JOIN teachers t ON t.id = s.teacher_id
             WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|row| (teacher_row(&row), row.get("csrf"))))
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    // Students.

    /// A school's students in roster order.
    pub async fn students(&self, school: &str) -> Result<Vec<StudentRecord>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT guid, student_id, first_name, last_name, grade, username FROM students
             WHERE school_id = $1 ORDER BY position, guid",
        )
        .bind(school)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(student).collect())
    }

    pub async fn insert_students(
        &self,
        school: &str,
        district: &str,
        students: &[NewStudent],
        now: &str,
    ) -> Result<(), sqlx::Error> {
        let mut tx = self.begin_write().await?;
        let next: i64 = sqlx::query_scalar(
            "SELECT COALESCE(MAX(position), 0) + 1 FROM students WHERE school_id = $1",
        )
        .bind(school)
        .fetch_one(&mut *tx)
        .await?;
        for (i, new) in students.iter().enumerate() {
            let s = &new.record;
            sqlx::query(
                "INSERT INTO students (guid, school_id, district_id, student_id, first_name, last_name,
                     grade, username, username_key, password_hash, position, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            )
            .bind(s.guid.to_lowercase())
            .bind(school)
            .bind(district)
            .bind(&s.student_id)
            .bind(&s.first_name)
            .bind(&s.last_name)
            .bind(&s.grade)
            .bind(&s.username)
            .bind(s.username.to_lowercase())
            .bind(&new.password_hash)
            .bind(next + i as i64)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await
    }

    /// Which of these usernames (compared in lower case) belong to students outside `school`.
    pub async fn usernames_taken_outside(
        &self,
        school: &str,
        usernames: &[String],
    ) -> Result<Vec<String>, sqlx::Error> {
        let mut taken = Vec::new();
        for username in usernames {
            let found: Option<String> = sqlx::query_scalar(
                "SELECT guid FROM students WHERE username_key = $1 AND school_id <> $2",
            )
            .bind(username.to_lowercase())
            .bind(school)
            .fetch_optional(&self.pool)
            .await?;
            if found.is_some() {
                taken.push(username.clone());
            }
        }
        Ok(taken)
    }

    // Exports.

    /// Records an export and its snapshot rows (row 2 onwards, as in the file).
    pub async fn insert_export(
        &self,
        id: &str,
        school: &str,
        teacher: &str,
        format: &str,
        created_at: &str,
        students: &[StudentRecord],
    ) -> Result<(), sqlx::Error> {
        let mut tx = self.begin_write().await?;
        sqlx::query("INSERT INTO exports (id, school_id, teacher_id, format, created_at, seq) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(id)
            .bind(school)
            .bind(teacher)
            .bind(format)
            .bind(created_at)
            .bind(sequence())
            .execute(&mut *tx)
            .await?;
        for (i, s) in students.iter().enumerate() {
            sqlx::query(
                "INSERT INTO export_rows (export_id, row, guid, student_id, first_name, last_name, grade,
                     username, fingerprint)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(id)
            .bind(i as i64 + 2)
            .bind(&s.guid)
            .bind(&s.student_id)
            .bind(&s.first_name)
            .bind(&s.last_name)
            .bind(&s.grade)
            .bind(&s.username)
            .bind(s.fingerprint())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await
    }

    /// An export's rows as exported, if the export belongs to `school`.
    pub async fn export_rows(
        &self,
        school: &str,
        export: &str,
    ) -> Result<Option<Vec<StudentRecord>>, sqlx::Error> {
        let found: Option<String> =
            sqlx::query_scalar("SELECT id FROM exports WHERE id = $1 AND school_id = $2")
                .bind(export)
                .bind(school)
                .fetch_optional(&self.pool)
                .await?;
        if found.is_none() {
            return Ok(None);
        }
        let rows = sqlx::query(
            "SELECT guid, student_id, first_name, last_name, grade, username FROM export_rows
             WHERE export_id = $1 ORDER BY row",
        )
        .bind(export)
        .fetch_all(&self.pool)
        .await?;
        Ok(Some(rows.iter().map(student).collect()))
    }

    /// A teacher's exports of a school, newest first.
    pub async fn exports_of(
        &self,
        school: &str,
        teacher: &str,
        limit: i64,
    ) -> Result<Vec<ExportSummary>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT id, format, created_at FROM exports WHERE school_id = $1 AND teacher_id = $2
             ORDER BY created_at DESC, seq DESC LIMIT $3",
        )
        .bind(school)
        .bind(teacher)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|row| ExportSummary {
                id: row.get("id"),
                format: row.get("format"),
                created_at: row.get("created_at"),
            })
            .collect())
    }
}

/// One Export Students download, as the page lists them.
pub use rollcall_protocol::ExportSummary;
