//! How long the server waits for a client and how much it does at once (SPEC section 8,
//! "Hostile input and load"). The defaults are the spec's; tests shorten them.

use std::time::Duration;

/// The server's time limits and bounds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// A request's headers must have arrived this long after the server started reading them
    /// (also how long an idle kept-alive connection stays open).
    pub header_timeout: Duration,
    /// A request, its body included, must have been read and answered within this time; later
    /// it is answered 408.
    pub body_timeout: Duration,
    /// Requests handled at once; one more is answered 503.
    pub max_requests: usize,
    /// Connections open at once; more wait in the system's accept queue.
    pub max_connections: usize,
    /// Argon2 hashes and verifications run at once (one per core by default).
    pub hashing_threads: usize,
    /// Requests that may wait for a hashing thread; one more is answered 503.
    pub hashing_queue: usize,
    /// `usernames` requests per teacher per minute; more are answered 429.
    pub usernames_per_minute: u32,
    /// Sign-in throttle entries kept in memory at most (the oldest are forgotten first).
    pub throttle_entries: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Limits {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(60),
            max_requests: 256,
            max_connections: 1000,
            hashing_threads: cores,
            hashing_queue: 16 * cores,
            usernames_per_minute: 30,
            throttle_entries: 20_000,
        }
    }
}
