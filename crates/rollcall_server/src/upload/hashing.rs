//! The password work of an upload: which rows need a hash (a password given, or a temporary
//! one generated for a new student), hashing them on both cores, and where the batches of rows
//! that are hashed and committed together begin and end.

use rollcall_core::{Field, Op};

use super::hooks::Hooks;
use crate::auth;

/// Passwords hashed together (on both cores, while the batch before is written): a batch ends
/// at this many passwords to hash, or at [`BATCH_ROWS`] rows.
const BATCH_PASSWORDS: usize = 32;

/// Rows applied in one transaction at most. Rows without a password cost no hashing, so a run
/// of them commits together: each commit waits for the disk (on a durable PostgreSQL, several
/// milliseconds), and a 10,000-row upload of names and grades is about 20 commits, not 313.
const BATCH_ROWS: usize = 500;

/// A row's password work: a hash of the password the file gave, or of a generated one.
pub(super) fn password_for(op: &Op) -> Option<(String, bool)> {
    match op {
        Op::Update { set, .. } => set.get(Field::Password).map(|p| (p.to_owned(), false)),
        Op::Create { values, .. } => Some(match values.get(Field::Password) {
            Some(given) if !given.is_empty() => (given.to_owned(), false),
            _ => (temporary_password(), true),
        }),
    }
}

/// A temporary password: 16 letters and digits, easy to read out.
pub fn temporary_password() -> String {
    let token = auth::random_token();
    let chars: Vec<char> = token.chars().take(16).collect();
    chars
        .chunks(4)
        .map(|chunk| chunk.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// A row's hash: `Ok(None)` without a password, `Err` when it could not be hashed.
pub(super) type Hash = Result<Option<String>, String>;

/// Hashes passwords on both cores, off the async threads.
pub(super) async fn hash_all(
    passwords: Vec<Option<String>>,
    hooks: Hooks,
) -> Result<Vec<Hash>, String> {
    tokio::task::spawn_blocking(move || {
        let middle = passwords.len() / 2;
        let hash = |part: &[Option<String>]| -> Vec<Hash> {
            part.iter()
                .map(|p| p.as_deref().map(|p| hooks.hash(p)).transpose())
                .collect()
        };
        std::thread::scope(|scope| {
            let second = scope.spawn(|| hash(&passwords[middle..]));
            let mut all = hash(&passwords[..middle]);
            match second.join() {
                Ok(rest) => all.extend(rest),
                Err(_) => all.resize(passwords.len(), Err("hashing panicked".to_owned())),
            }
            all
        })
    })
    .await
    .map_err(|e| e.to_string())
}

/// Where an upload's batches begin and end: at most [`BATCH_PASSWORDS`] passwords to hash and
/// [`BATCH_ROWS`] rows each.
pub(super) fn batch_ranges(passwords: &[Option<(String, bool)>]) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    let (mut start, mut hashed) = (0, 0);
    for (k, password) in passwords.iter().enumerate() {
        if k - start == BATCH_ROWS || (password.is_some() && hashed == BATCH_PASSWORDS) {
            ranges.push(start..k);
            (start, hashed) = (k, 0);
        }
        hashed += usize::from(password.is_some());
    }
    if start < passwords.len() {
        ranges.push(start..passwords.len());
    }
    ranges
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_end_at_32_passwords_or_500_rows() {
        let with = |n: usize| -> Vec<Option<(String, bool)>> {
            (0..n).map(|_| Some((String::new(), false))).collect()
        };
        let lengths = |passwords: &[Option<(String, bool)>]| -> Vec<usize> {
            batch_ranges(passwords).iter().map(|r| r.len()).collect()
        };
        assert_eq!(lengths(&with(70)), [32, 32, 6]);
        assert_eq!(lengths(&vec![None; 1200]), [500, 500, 200]);
        let mut mixed = vec![None; 100];
        mixed.extend(with(40));
        assert_eq!(lengths(&mixed), [132, 8]);
        assert!(batch_ranges(&[]).is_empty());
    }
}
