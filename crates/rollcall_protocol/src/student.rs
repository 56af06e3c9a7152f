//! A student's session (signing in, setting her own password) and a teacher's reset of her
//! password. Passwords never show in `Debug`.

use std::fmt;

use serde::{Deserialize, Serialize};

/// `POST /api/student/session`'s body: a student signs in with her username.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StudentSignIn {
    pub username: String,
    pub password: String,
}

impl fmt::Debug for StudentSignIn {
    /// Without the password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StudentSignIn")
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

/// A signed-in student, as her page shows her.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudentInfo {
    pub first_name: String,
    pub last_name: String,
    pub username: String,
}

/// The answer to a student's sign-in (and to her setting a password): who she is, whether she
/// must set her own password before anything else (she signed in with a temporary one), and the
/// CSRF token of her session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudentSession {
    pub student: StudentInfo,
    pub must_change_password: bool,
    pub csrf: String,
}

/// `POST /api/student/password`'s body: the student's own new password.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewPassword {
    pub password: String,
}

impl fmt::Debug for NewPassword {
    /// Without the password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewPassword").finish_non_exhaustive()
    }
}

/// A teacher's reset of a student's password: the new temporary password, shown only here,
/// and when it expires unused (RFC 3339).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordReset {
    pub username: String,
    pub temporary_password: String,
    pub expires_at: String,
}

impl fmt::Debug for PasswordReset {
    /// Without the password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasswordReset")
            .field("username", &self.username)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}
