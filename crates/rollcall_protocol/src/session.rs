//! A teacher's session: signing in and out, who the teacher is and the schools she works in.

use std::fmt;

use serde::{Deserialize, Serialize};

/// `POST /api/session`'s body.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    pub email: String,
    pub password: String,
}

impl fmt::Debug for SignIn {
    /// Without the password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignIn")
            .field("email", &self.email)
            .finish_non_exhaustive()
    }
}

/// A signed-in teacher.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Teacher {
    pub id: String,
    pub email: String,
    pub name: String,
}

/// A school as the teacher sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct School {
    pub id: String,
    pub name: String,
}

/// The answer to signing in (`POST /api/session`) and to `GET /api/session`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub teacher: Teacher,
    /// The schools the teacher works in.
    pub schools: Vec<School>,
    /// The token unsafe requests send as `X-CSRF-Token`.
    pub csrf: String,
}

/// The answer to signing out (`DELETE /api/session`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedOut {
    pub signed_out: bool,
}
