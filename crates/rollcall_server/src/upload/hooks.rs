//! Hooks into the queue worker, for tests: a function called before each upload is processed
//! (to take a lock, fill the disk or panic at a chosen moment) and a replacement for Argon2id
//! (instant, or failing for one password). `Hooks::default()`, what the server runs, has none.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// What a hook returns: a future the worker awaits.
pub type HookFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Called with an upload's id before it is processed.
pub type BeforeUpload = Arc<dyn Fn(&str) -> HookFuture + Send + Sync>;

/// Hashes a password, or says why it cannot.
pub type HashPassword = Arc<dyn Fn(&str) -> Result<String, String> + Send + Sync>;

#[derive(Clone, Default)]
pub struct Hooks {
    /// Called with each upload's id after it is claimed and before it is processed, inside the
    /// task that processes it (a panic here is a panic while processing that upload).
    pub before_upload: Option<BeforeUpload>,
    /// Hashes a password instead of Argon2id; an `Err` is a password that cannot be hashed.
    pub hash_password: Option<HashPassword>,
}

impl fmt::Debug for Hooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hooks")
            .field("before_upload", &self.before_upload.is_some())
            .field("hash_password", &self.hash_password.is_some())
            .finish()
    }
}

impl Hooks {
    /// Hashes `password` with the hook or Argon2id.
    pub fn hash(&self, password: &str) -> Result<String, String> {
        match &self.hash_password {
            Some(hash) => hash(password),
            None => crate::auth::hash_password(password).map_err(|e| format!("{e:?}")),
        }
    }
}
