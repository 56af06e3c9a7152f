//! A school's roster as the page reads it: its students, the teacher's classes and exports, and
//! which usernames are taken.

use serde::{Deserialize, Serialize};

use crate::values::PasswordState;

/// One Export Students download (`GET …/exports`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportSummary {
    pub id: String,
    /// `csv` or `xlsx`.
    pub format: String,
    /// RFC 3339.
    pub created_at: String,
}

/// One student of the school's roster (`GET …/roster`), as the server holds it; the page checks
/// a file against these when it came from no export of the teacher's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterStudent {
    pub guid: String,
    pub student_id: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub grade: String,
    pub username: String,
    /// The signed-in teacher's classes of the student, sorted ignoring case.
    #[serde(default)]
    pub classes: Vec<String>,
    /// Where the student's password is in its life (the Students view shows it).
    pub password: PasswordState,
    /// When a temporary password expires unused (RFC 3339); null otherwise.
    #[serde(default)]
    pub password_expires_at: Option<String>,
}

/// One of the signed-in teacher's classes in a school (`GET …/classes`) and how many students
/// are in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassSummary {
    pub id: String,
    pub name: String,
    pub students: u32,
}

/// `POST …/usernames`'s body: the usernames to ask about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UsernamesQuery {
    pub usernames: Vec<String>,
}

/// `POST …/usernames`'s answer: those taken outside the school's roster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TakenUsernames {
    pub taken: Vec<String>,
}
