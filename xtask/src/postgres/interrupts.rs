//! Ctrl-C while a throw-away server lives: the first is noted and lets the task stop through
//! the drop that stops the server; a second stops every throw-away server at once.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, Once};

use super::Server;

/// The throw-away servers alive, which a second Ctrl-C stops.
static SERVERS: Mutex<Vec<Server>> = Mutex::new(Vec::new());
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

pub(super) fn register(server: &Server) {
    let mut servers = SERVERS.lock().unwrap_or_else(|e| e.into_inner());
    servers.retain(|s| s.dir != server.dir);
    servers.push(server.clone());
}

pub(super) fn deregister(dir: &Path) {
    let mut servers = SERVERS.lock().unwrap_or_else(|e| e.into_inner());
    servers.retain(|s| s.dir != dir);
}

/// Whether Ctrl-C was pressed while a throw-away server lived.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// Installs the Ctrl-C handler (once). With no throw-away server alive, Ctrl-C ends the xtask
/// as it would without a handler. With one alive, the first Ctrl-C is only noted: the
/// programs the task waits for (in the same foreground process group) get it too and stop,
/// and the task returns through the drop that stops the server. A second one stops every
/// throw-away server here and exits.
pub(super) fn watch_interrupts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let installed = ctrlc::set_handler(|| {
            let again = INTERRUPTED.swap(true, Ordering::SeqCst);
            let servers = SERVERS.lock().unwrap_or_else(|e| e.into_inner());
            if servers.is_empty() {
                std::process::exit(130);
            }
            if again {
                for server in servers.iter() {
                    server.stop_and_remove();
                }
                std::process::exit(130);
            }
            eprintln!(
                "\nxtask: interrupted; the throw-away PostgreSQL stops once what uses it has \
                 stopped (Ctrl-C again stops it at once)"
            );
        });
        if let Err(e) = installed {
            eprintln!(
                "xtask: cannot watch for Ctrl-C ({e}); a Ctrl-C may leave PostgreSQL running"
            );
        }
    });
}
