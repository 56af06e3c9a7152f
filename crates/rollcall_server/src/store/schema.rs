//! The schema, as numbered migrations. Each runs once, in order, in its own transaction; the
//! applied number is kept in `schema_version`. Plain SQL that SQLite and PostgreSQL both read.

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
        password_temporary INTEGER NOT NULL DEFAULT 0,
        password_expires_at TEXT,
        position INTEGER NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (district_id, student_id)
    );
    CREATE INDEX students_by_school ON students (school_id, position);
    CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        teacher_id TEXT NOT NULL REFERENCES teachers(id),
        csrf TEXT NOT NULL,
        expires_at INTEGER NOT NULL
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
        row INTEGER NOT NULL,
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
];
