//! A throw-away PostgreSQL: `initdb` into a fresh temporary folder, started on a free port of
//! 127.0.0.1 with trust authentication, one database `rollcall` owned by the role `rollcall`;
//! stopped and its folder removed when the [`Postgres`] is dropped.
//!
//! The server's tests use it through [`for_tests`], which takes the server named by
//! `ROLLCALL_TEST_POSTGRES` (`postgres://…`) instead, when that is set, and then starts nothing.
//! `cargo xtask run --postgres` uses [`Postgres::start`] with [`Purpose::Bench`].
//!
//! initdb refuses to run as root (CI runs as root), so as root the PostgreSQL programs run as
//! the `postgres` system user (`runuser -u postgres --`), owning the temporary folder.
//!
//! While a throw-away server lives, Ctrl-C does not end the xtask at once: the programs it waits
//! for get the same SIGINT, stop, and the task returns through the drop that stops the server.
//! A second Ctrl-C stops every throw-away server and exits.

use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::{cmd, setup};

mod interrupts;

pub use interrupts::interrupted;
use interrupts::{deregister, register, watch_interrupts};

/// The variable naming an existing PostgreSQL for the tests: `postgres://USER@HOST:PORT/DB`,
/// a role that may create schemas. The server's tests read it; [`for_tests`] honours it.
pub const TEST_URL_VAR: &str = "ROLLCALL_TEST_POSTGRES";

/// What the server is for, which decides how durable it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// The server's tests: nothing is flushed to disk (see [`Postgres::start`]).
    Tests,
    /// `cargo xtask run --postgres` and benchmarks: PostgreSQL's durable defaults, so that a
    /// commit costs what it costs in production.
    Bench,
}

/// A PostgreSQL to connect to: a throw-away one this process started (stopped and removed on
/// drop), or the existing one of `ROLLCALL_TEST_POSTGRES` (left alone on drop).
pub struct Postgres {
    url: String,
    server: Option<Server>,
}

/// A throw-away server's temporary folder (`data/` the cluster, `log`, the Unix socket) and
/// how to run its programs.
#[derive(Clone)]
struct Server {
    dir: PathBuf,
    /// The folder holding initdb and pg_ctl (and usually createdb and psql).
    bin: PathBuf,
    /// Run the programs as the `postgres` system user (this process runs as root).
    as_postgres: bool,
    port: u16,
}

/// For the server's tests: the server of `ROLLCALL_TEST_POSTGRES` when set (nothing started),
/// else a throw-away one for [`Purpose::Tests`].
pub fn for_tests() -> Result<Postgres, String> {
    match std::env::var(TEST_URL_VAR) {
        Ok(url) if !url.is_empty() => {
            if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
                return Err(format!(
                    "{TEST_URL_VAR} must be a postgres:// URL (or be unset, and a throw-away \
                     PostgreSQL is started); it is {url:?}"
                ));
            }
            println!("using the PostgreSQL of {TEST_URL_VAR} (nothing started)");
            Ok(Postgres { url, server: None })
        }
        _ => Postgres::start(Purpose::Tests),
    }
}

impl Postgres {
    /// Starts a throw-away server: `initdb` into a new `rollcall-pg-PID-N` under the temporary
    /// folder, `pg_ctl start` on a free port of 127.0.0.1, `createdb rollcall`.
    pub fn start(purpose: Purpose) -> Result<Postgres, String> {
        watch_interrupts();
        let bin = binaries(purpose)?;
        let as_postgres = cmd::running_as_root();
        if as_postgres && cmd::output("id", &["-u", "postgres"]).is_err() {
            return Err(format!(
                "initdb refuses to run as root, and this machine has no `postgres` user to run \
                 it as (Debian's postgresql package creates it: apt-get install postgresql){}",
                hint(purpose)
            ));
        }
        let dir = new_folder()?;
        // From here on, dropping `pg` (on any error below too) stops what was started and
        // removes the folder.
        let mut pg = Postgres {
            url: String::new(),
            server: Some(Server {
                dir: dir.clone(),
                bin,
                as_postgres,
                port: 0,
            }),
        };
        let server = pg.server.as_mut().expect("just set");
        register(server);
        if as_postgres {
            cmd::output("chown", &["postgres", &dir.to_string_lossy()])?;
        }
        println!(
            "starting a throw-away PostgreSQL in {} ({})",
            dir.display(),
            match purpose {
                Purpose::Tests => "for tests: fsync off",
                Purpose::Bench => "durable",
            }
        );
        server.initdb()?;
        server.port = server.launch(purpose)?;
        register(server);
        let port = server.port.to_string();
        server.run(
            "createdb",
            &["-h", "127.0.0.1", "-p", &port, "-U", "rollcall", "rollcall"],
        )?;
        pg.url = format!("postgres://rollcall@127.0.0.1:{port}/rollcall");
        println!("PostgreSQL is running at {}", pg.url);
        Ok(pg)
    }

    /// `postgres://rollcall@127.0.0.1:PORT/rollcall`, or the URL of `ROLLCALL_TEST_POSTGRES`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Whether this process started the server (false: `ROLLCALL_TEST_POSTGRES`'s).
    pub fn started(&self) -> bool {
        self.server.is_some()
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            deregister(&server.dir);
            server.stop_and_remove();
        }
    }
}

impl Server {
    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    fn log(&self) -> PathBuf {
        self.dir.join("log")
    }

    /// A PostgreSQL program: from the server's folder, else from PATH (Debian's wrappers).
    fn program(&self, name: &str) -> PathBuf {
        let own = self.bin.join(name);
        if own.is_file() {
            own
        } else {
            PathBuf::from(name)
        }
    }

    /// Runs a PostgreSQL program (as `postgres` when this process is root) in the server's
    /// folder; the error shows its output.
    fn run(&self, name: &str, args: &[&str]) -> Result<String, String> {
        let program = self.program(name);
        let mut command = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&program);
            c
        } else {
            Command::new(&program)
        };
        let line = format!(
            "{}{} {}",
            if self.as_postgres {
                "runuser -u postgres -- "
            } else {
                ""
            },
            program.display(),
            args.iter()
                .map(|a| if a.contains(' ') {
                    format!("\"{a}\"")
                } else {
                    a.to_string()
                })
                .collect::<Vec<_>>()
                .join(" ")
        );
        let out = command
            .args(args)
            // A folder the `postgres` user may enter (not root's home).
            .current_dir(&self.dir)
            .output()
            .map_err(|e| format!("could not start `{line}`: {e}"))?;
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        if out.status.success() {
            Ok(text)
        } else {
            Err(format!(
                "`{line}` failed ({}):\n{}",
                out.status,
                text.trim()
            ))
        }
    }

    fn initdb(&self) -> Result<(), String> {
        let data = self.data();
        self.run(
            "initdb",
            &[
                "-D",
                &data.to_string_lossy(),
                "--auth=trust",
                "--username=rollcall",
                "-E",
                "UTF8",
                "--no-locale",
                // initdb's own flushes only guard the first catalog against a crash of this
                // machine; a throw-away cluster is made again anyway.
                "--no-sync",
            ],
        )
        .map(drop)
    }

    /// `pg_ctl start` on a free port, tried again on another port if that one was taken in
    /// the meantime. Returns the port.
    fn launch(&self, purpose: Purpose) -> Result<u16, String> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let port = free_port()?;
            let mut options = format!(
                "-p {port} -c listen_addresses=127.0.0.1 -k {} \
                 -c max_connections=300",
                shell_quote(&self.dir.to_string_lossy())
            );
            // The server's tests run in parallel, each test with a connection pool of its own:
            // hence max_connections=300 (PostgreSQL's default is 100).
            if purpose == Purpose::Tests {
                // Throw-away data: nothing needs to survive a crash of this machine, so the
                // tests do not wait for the disk at each commit.
                options.push_str(" -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
            }
            match self.run(
                "pg_ctl",
                &[
                    "start",
                    "-w",
                    "-t",
                    "120",
                    "-D",
                    &self.data().to_string_lossy(),
                    "-l",
                    &self.log().to_string_lossy(),
                    "-o",
                    &options,
                ],
            ) {
                Ok(_) => return Ok(port),
                Err(e) => {
                    let log = tail(&self.log(), 30);
                    if attempt < 3 && log.contains("could not bind") {
                        // Stop what may linger before the next try.
                        self.stop();
                        let _ = std::fs::remove_file(self.log());
                        continue;
                    }
                    return Err(format!(
                        "PostgreSQL did not start: {e}\nthe end of its log (removed with \
                         its folder):\n{log}"
                    ));
                }
            }
        }
    }

    /// Stops the server if it runs: fast (rolls back open transactions, closes connections),
    /// else immediate, else SIGKILL to the postmaster.
    fn stop(&self) {
        let pid_file = self.data().join("postmaster.pid");
        if !pid_file.exists() {
            return;
        }
        let data = self.data();
        let data = data.to_string_lossy();
        for mode in ["fast", "immediate"] {
            if self
                .run("pg_ctl", &["stop", "-w", "-D", &data, "-m", mode])
                .is_ok()
                || !pid_file.exists()
            {
                return;
            }
        }
        let pid = std::fs::read_to_string(&pid_file).unwrap_or_default();
        if let Some(pid) = pid.lines().next().filter(|p| p.parse::<u32>().is_ok()) {
            eprintln!("xtask: pg_ctl could not stop PostgreSQL (pid {pid}); killing it");
            let _ = Command::new("kill").args(["-KILL", pid]).status();
            std::thread::sleep(std::time::Duration::from_millis(500));
        }
    }

    fn stop_and_remove(&self) {
        self.stop();
        match std::fs::remove_dir_all(&self.dir) {
            Ok(()) => {
                if self.port != 0 {
                    println!(
                        "stopped the throw-away PostgreSQL of port {} and removed {}",
                        self.port,
                        self.dir.display()
                    );
                }
            }
            Err(e) => eprintln!("xtask: cannot remove {}: {e}", self.dir.display()),
        }
        let _ = std::io::stdout().flush();
    }
}

/// Where initdb and pg_ctl are: PATH, else the newest `/usr/lib/postgresql/*/bin`; when
/// neither has them, Debian's postgresql package is installed and they are looked for again.
fn binaries(purpose: Purpose) -> Result<PathBuf, String> {
    if let Some(bin) = find_binaries() {
        return Ok(bin);
    }
    cmd::step("set-up: PostgreSQL (apt)", || {
        setup::apt_install(&["postgresql"])
    })
    .map_err(|e| {
        format!(
            "{e}\nPostgreSQL's initdb and pg_ctl are neither on PATH nor in \
             /usr/lib/postgresql/*/bin, and Debian's postgresql package could not be \
             installed; install PostgreSQL by hand{}",
            hint(purpose)
        )
    })?;
    find_binaries().ok_or_else(|| {
        format!(
            "Debian's postgresql package is installed, but initdb and pg_ctl are neither on \
             PATH nor in /usr/lib/postgresql/*/bin{}",
            hint(purpose)
        )
    })
}

/// How to do without a throw-away server, where that is possible.
fn hint(purpose: Purpose) -> String {
    match purpose {
        Purpose::Tests => format!(
            "\nor point the tests at a PostgreSQL you run: \
             {TEST_URL_VAR}=postgres://USER@HOST:PORT/DB (a role that may create schemas)"
        ),
        Purpose::Bench => String::new(),
    }
}

fn find_binaries() -> Option<PathBuf> {
    let has_both = |dir: &Path| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file();
    let path = std::env::var_os("PATH").unwrap_or_default();
    if let Some(dir) = std::env::split_paths(&path).find(|dir| has_both(dir)) {
        return Some(dir);
    }
    // Debian: /usr/lib/postgresql/15/bin, …; the highest version wins.
    std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let version: Vec<u32> = entry
                .file_name()
                .to_str()?
                .split('.')
                .map(|part| part.parse().ok())
                .collect::<Option<_>>()?;
            let bin = entry.path().join("bin");
            has_both(&bin).then_some((version, bin))
        })
        .max()
        .map(|(_, bin)| bin)
}

/// A new, empty `rollcall-pg-PID-N` under the temporary folder.
fn new_folder() -> Result<PathBuf, String> {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let pid = std::process::id();
    loop {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("rollcall-pg-{pid}-{n}"));
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(format!("cannot create {}: {e}", dir.display())),
        }
    }
}

/// A port of 127.0.0.1 nothing listens on (the system's pick).
fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .map_err(|e| format!("cannot find a free port on 127.0.0.1: {e}"))
}

/// `text` as one word for the shell that `pg_ctl` passes its `-o` options through.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// The last `lines` lines of a file (a note when it cannot be read).
fn tail(path: &Path, lines: usize) -> String {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let all: Vec<&str> = text.lines().collect();
            all[all.len().saturating_sub(lines)..].join("\n")
        }
        Err(e) => format!("(cannot read {}: {e})", path.display()),
    }
}

/// `cargo xtask pg-smoke`: starts a throw-away server of each purpose, checks it answers
/// `select 1` and how durable it is, stops it, and checks nothing is left: what to run when
/// the PostgreSQL step of `cargo xtask test` fails to start its server.
pub fn smoke() -> Result<(), String> {
    for (purpose, fsync) in [(Purpose::Tests, "off"), (Purpose::Bench, "on")] {
        cmd::step(&format!("throw-away PostgreSQL ({purpose:?})"), || {
            let pg = Postgres::start(purpose)?;
            let server = pg.server.clone().expect("started");
            let psql = server.program("psql");
            let psql = psql.to_string_lossy();
            let one = cmd::output(&psql, &["-X", "-tA", pg.url(), "-c", "select 1"])?;
            let shown = cmd::output(&psql, &["-X", "-tA", pg.url(), "-c", "show fsync"])?;
            println!("select 1 → {}; fsync = {}", one.trim(), shown.trim());
            if one.trim() != "1" || shown.trim() != fsync {
                return Err(format!(
                    "expected 1 and fsync = {fsync}, got {one:?} and {shown:?}"
                ));
            }
            drop(pg);
            if server.dir.exists() {
                return Err(format!("{} is still there", server.dir.display()));
            }
            if std::net::TcpStream::connect(("127.0.0.1", server.port)).is_ok() {
                return Err(format!("port {} still answers", server.port));
            }
            println!("stopped, folder gone, port {} closed", server.port);
            Ok(())
        })?;
    }
    Ok(())
}
