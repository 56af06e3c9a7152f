//! The schema, as numbered migrations. Each runs once, in order, in its own transaction; the
//! applied number is kept in `schema_version`. One list for both backends, in SQL that SQLite
//! and PostgreSQL both read, so the two schemas cannot drift apart (a test compares their
//! tables and columns). Whole numbers are `BIGINT` (SQLite's INTEGER affinity; PostgreSQL's
//! `INTEGER` would be 32 bits). A step that only SQLite needs (filling a new column from its
//! `rowid`) is in [`SQLITE_AFTER`].

use super::Backend;

/// The statements of migration `number` (1-based) on `backend`.
pub fn migration(backend: Backend, number: usize) -> String {
    let mut sql = MIGRATIONS[number - 1].to_owned();
    if backend == Backend::Sqlite {
        for (after, extra) in SQLITE_AFTER {
            if *after == number {
                sql.push_str(extra);
            }
        }
    }
    sql
}

/// Statements run after a migration on SQLite only.
const SQLITE_AFTER: &[(usize, &str)] = &[(
    5,
    "
    UPDATE uploads SET seq = rowid;
    UPDATE exports SET seq = rowid;
    ",
)];

pub const MIGRATIONS: &[&str] = &[
    // 1: districts, schools, teachers, students, sessions, exports.
    "
    CREATE TABLE districts (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL
    );
    CREATE TABLE schools (
        id TEXT PRIMARY KEY,
        district_id TEXT NOT NULL REFERENCES districts(id),
        name TEXT NOT NULL
    );
    CREATE TABLE teachers (
        id TEXT PRIMARY KEY,
        email TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        password_hash TEXT NOT NULL
    );
    CREATE TABLE teacher_schools (
        teacher_id TEXT NOT NULL REFERENCES teachers(id),
        school_id TEXT NOT NULL REFERENCES schools(id),
        PRIMARY KEY (teacher_id, school_id)
    );
    CREATE TABLE students (
        guid TEXT PRIMARY KEY,
        school_id TEXT NOT NULL REFERENCES schools(id),
        district_id TEXT NOT NULL REFERENCES districts(id),
        student_id TEXT,
        first_name TEXT NOT NULL,
        last_name TEXT NOT NULL,
        grade TEXT NOT NULL,
        username TEXT NOT NULL,
        -- lower-case username: unique server-wide, whatever the case
        username_key TEXT NOT NULL UNIQUE,
        password_hash TEXT,
        password_temporary BIGINT NOT NULL DEFAULT 0,
        password_expires_at TEXT,
        position BIGINT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (district_id, student_id)
    );
    CREATE INDEX students_by_school ON students (school_id, position);
    CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        teacher_id TEXT NOT NULL REFERENCES teachers(id),
        csrf TEXT NOT NULL,
        expires_at BIGINT NOT NULL
    );
    CREATE TABLE exports (
        id TEXT PRIMARY KEY,
        school_id TEXT NOT NULL REFERENCES schools(id),
        teacher_id TEXT NOT NULL REFERENCES teachers(id),
        format TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE INDEX exports_by_teacher ON exports (school_id, teacher_id, created_at);
    CREATE TABLE export_rows (
        export_id TEXT NOT NULL REFERENCES exports(id),
        row BIGINT NOT NULL,
        guid TEXT NOT NULL,
        student_id TEXT,
        first_name TEXT NOT NULL,
        last_name TEXT NOT NULL,
        grade TEXT NOT NULL,
        username TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        PRIMARY KEY (export_id, row)
    );
    ",
    // 2: uploads and their rows: the durable queue and the Upload History.
    "
    CREATE TABLE uploads (
        id TEXT PRIMARY KEY,
        school_id TEXT NOT NULL REFERENCES schools(id),
        teacher_id TEXT NOT NULL REFERENCES teachers(id),
        -- the change-set id: replaying it returns this upload
        changeset_id TEXT,
        file_name TEXT NOT NULL,
        kind TEXT NOT NULL,
        -- the language of the rows' messages (the Error File): en or es
        lang TEXT NOT NULL,
        status TEXT NOT NULL,
        created_at TEXT NOT NULL,
        finished_at TEXT,
        -- JSON array: the uploaded file's columns
        header TEXT NOT NULL,
        -- JSON object: rows, applied, failed, created, updated
        counts TEXT NOT NULL,
        UNIQUE (school_id, changeset_id)
    );
    CREATE INDEX uploads_by_school ON uploads (school_id, created_at);
    CREATE INDEX uploads_by_status ON uploads (status, created_at);
    CREATE TABLE upload_rows (
        upload_id TEXT NOT NULL REFERENCES uploads(id),
        row BIGINT NOT NULL,
        -- JSON array: the row as uploaded, its password blanked
        cells TEXT NOT NULL,
        -- JSON change-set op still to apply (it may hold a password); NULL once done
        op TEXT,
        -- pending, applied or failed
        state TEXT NOT NULL,
        -- JSON array of the row's export columns after it was applied; the Password cell holds
        -- a generated temporary password, the one place it is ever shown
        result TEXT,
        -- JSON array of {code, message}
        errors TEXT NOT NULL,
        PRIMARY KEY (upload_id, row)
    );
    ",
    // 3: the queue's leases (one process at a time works on an upload; another takes it over
    // once `lease_until`, milliseconds since 1970, has passed) and file uploads' Idempotency-Key.
    "
    ALTER TABLE uploads ADD COLUMN lease_owner TEXT;
    ALTER TABLE uploads ADD COLUMN lease_until BIGINT;
    ALTER TABLE uploads ADD COLUMN idempotency_key TEXT;
    CREATE UNIQUE INDEX uploads_by_idempotency_key
        ON uploads (school_id, teacher_id, idempotency_key);
    ",
    // 4: the audit table: sign-ins, failed sign-ins, downloads of Completed Files.
    "
    CREATE TABLE audit (
        id TEXT PRIMARY KEY,
        -- sign-in, sign-in-failed or completed-file-download
        kind TEXT NOT NULL,
        -- NULL for an email that is no teacher's
        teacher_id TEXT REFERENCES teachers(id),
        -- the email as normalised at sign-in (trimmed, lower-cased)
        email TEXT,
        -- RFC 3339, UTC, milliseconds
        at TEXT NOT NULL,
        -- the client's address, when known
        address TEXT,
        -- what was downloaded: UPLOAD/completed
        detail TEXT
    );
    CREATE INDEX audit_by_time ON audit (at);
    ",
    // 5: the order uploads and exports were stored in, for the newest-first lists (two can
    // share a millisecond): a number from a clock that never goes back in one process; and
    // the record of which process worked on which upload when; and the sign-in counts every
    // process shares.
    "
    ALTER TABLE uploads ADD COLUMN seq BIGINT;
    ALTER TABLE exports ADD COLUMN seq BIGINT;
    -- every claim of an upload by a process (milliseconds since 1970): from when, and until
    -- its lease's last expiry or its finish; two claims of one upload never overlap
    CREATE TABLE upload_claims (
        upload_id TEXT NOT NULL REFERENCES uploads(id),
        owner TEXT NOT NULL,
        claimed_at BIGINT NOT NULL,
        until BIGINT NOT NULL
    );
    CREATE INDEX upload_claims_by_upload ON upload_claims (upload_id, claimed_at);
    -- sign-in attempts per email and client address ('' when unknown) that every process
    -- counts: since `window_start` (milliseconds since 1970), cleared when the owner gets in
    CREATE TABLE sign_in_failures (
        email TEXT NOT NULL,
        address TEXT NOT NULL,
        window_start BIGINT NOT NULL,
        failures BIGINT NOT NULL,
        PRIMARY KEY (email, address)
    );
    CREATE INDEX sign_in_failures_by_window ON sign_in_failures (window_start);
    ",
    // 6: classes. Each is one teacher's in one school; its name is unique for her there
    // ignoring case (`name_key`, the name folded as the rules compare names). Exports keep
    // each row's classes of the exporting teacher as exported.
    "
    CREATE TABLE classes (
        id TEXT PRIMARY KEY,
        school_id TEXT NOT NULL REFERENCES schools(id),
        teacher_id TEXT NOT NULL REFERENCES teachers(id),
        name TEXT NOT NULL,
        name_key TEXT NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (school_id, teacher_id, name_key)
    );
    CREATE TABLE class_members (
        class_id TEXT NOT NULL REFERENCES classes(id),
        student_guid TEXT NOT NULL REFERENCES students(guid),
        PRIMARY KEY (class_id, student_guid)
    );
    CREATE INDEX class_members_by_student ON class_members (student_guid);
    -- the row's classes as exported, joined by '; '
    ALTER TABLE export_rows ADD COLUMN classes TEXT NOT NULL DEFAULT '';
    ",
    // 7: student accounts. A student's sessions (`must_change` while the only thing she may do
    // is set her own password: she signed in with a temporary one); and which student's
    // temporary password an upload row's Completed File cells show, so that the text is erased
    // as soon as that password is no longer usable.
    "
    CREATE TABLE student_sessions (
        token_hash TEXT PRIMARY KEY,
        student_guid TEXT NOT NULL REFERENCES students(guid),
        csrf TEXT NOT NULL,
        must_change BIGINT NOT NULL,
        expires_at BIGINT NOT NULL
    );
    CREATE INDEX student_sessions_by_student ON student_sessions (student_guid);
    ALTER TABLE upload_rows ADD COLUMN temporary_for TEXT;
    CREATE INDEX upload_rows_by_temporary ON upload_rows (temporary_for);
    ",
    // 8: reverts. An upload that reverts another names it (at most one revert an upload); an
    // applied row keeps what it replaced (JSON, `store::reverts::Replaced`), so that a revert
    // needs nothing else. And a file upload's sheet as read, every column and row, passwords
    // blanked (JSON, `rollcall_core::read::SheetAsRead`): its Uploaded File.
    "
    ALTER TABLE uploads ADD COLUMN reverts TEXT;
    CREATE UNIQUE INDEX uploads_by_reverts ON uploads (reverts);
    ALTER TABLE upload_rows ADD COLUMN replaced TEXT;
    CREATE TABLE upload_sheets (
        upload_id TEXT PRIMARY KEY REFERENCES uploads(id),
        sheet TEXT NOT NULL
    );
    ",
    // 9: an export keeps its rows as the CSV `GET …/exports/{id}` answers, one value: a row
    // each made a 50,000-student export take seconds to store and half a second to read back.
    // Exports stored before keep their `export_rows`.
    "
    ALTER TABLE exports ADD COLUMN snapshot TEXT;
    ",
];
