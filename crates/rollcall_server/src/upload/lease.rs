//! Leases: one process at a time works on an upload. A process claims an upload by writing
//! its own id and an expiry (`lease_owner`, `lease_until`: now + 30 s) with a conditional
//! UPDATE that only succeeds on an upload nobody holds or whose lease has lapsed
//! (`Store::claim_upload`), and renews it every 10 s while it works. A process that died
//! stops renewing, and another takes the upload over once the lease lapses. A process that
//! finds its lease taken (it stalled for longer than the lease) stops; a row either of them
//! applied is never applied again (`Store::take_row`).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::clock::Clock;
use crate::store::Store;

/// How long a claim lasts without renewal.
pub const LEASE: Duration = Duration::from_secs(30);
/// How often a held lease is renewed.
const RENEW_EVERY: Duration = Duration::from_secs(10);

/// The expiry of a lease taken or renewed now by `clock`, in milliseconds since 1970 (the unit
/// of `lease_until`).
pub fn expiry(clock: &Clock) -> i64 {
    clock.unix_millis() + LEASE.as_millis() as i64
}

/// A held lease, renewed in the background until dropped.
#[derive(Debug)]
pub struct Lease {
    lost: Arc<AtomicBool>,
    renewer: tokio::task::JoinHandle<()>,
}

/// Whether a lease was lost; cheap to clone into the task that works under it.
#[derive(Debug, Clone)]
pub struct LeaseWatch(Arc<AtomicBool>);

impl LeaseWatch {
    pub fn lost(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

impl Lease {
    /// Keeps `owner`'s lease on upload `id` renewed until the `Lease` is dropped.
    pub fn hold(store: Store, id: String, owner: String) -> Lease {
        let lost = Arc::new(AtomicBool::new(false));
        let flag = lost.clone();
        let renewer = tokio::spawn(async move {
            loop {
                tokio::time::sleep(RENEW_EVERY).await;
                match store.renew_lease(&id, &owner, expiry(store.clock())).await {
                    Ok(true) => {}
                    Ok(false) => {
                        flag.store(true, Ordering::Relaxed);
                        return;
                    }
                    // Tried again at the next turn; the rows stay safe meanwhile.
                    Err(e) => eprintln!("rollcall serve: upload {id}: cannot renew its lease: {e}"),
                }
            }
        });
        Lease { lost, renewer }
    }

    pub fn watch(&self) -> LeaseWatch {
        LeaseWatch(self.lost.clone())
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        self.renewer.abort();
    }
}
