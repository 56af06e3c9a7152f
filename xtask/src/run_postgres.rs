//! `cargo xtask run --postgres`: two `rollcall serve --demo` on one throw-away PostgreSQL
//! (durable, as in production), at 127.0.0.1:8080 and 127.0.0.1:8081, until Ctrl-C; then
//! neither server nor PostgreSQL nor its temporary folder is left.

use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::postgres::{self, Postgres, Purpose};

/// Where the two servers listen.
const ADDRS: [&str; 2] = ["127.0.0.1:8080", "127.0.0.1:8081"];

/// Fails on arguments `--postgres` decides itself; called before anything is built.
pub fn check_args(extra: &[String]) -> Result<(), String> {
    for arg in extra {
        for taken in ["--addr", "--db"] {
            if arg == taken || arg.starts_with(&format!("{taken}=")) {
                return Err(format!(
                    "with --postgres the servers listen on {} and {} and use a throw-away \
                     PostgreSQL: {taken} cannot be given",
                    ADDRS[0], ADDRS[1]
                ));
            }
        }
    }
    Ok(())
}

/// One `rollcall serve` and the threads echoing its output.
struct Serve {
    addr: &'static str,
    child: Child,
    echoes: Vec<JoinHandle<()>>,
}

/// Starts PostgreSQL and the two servers (the second once the first listens, so that only
/// one seeds the demo data at a time), then waits for Ctrl-C or for a server to stop.
pub fn run(binary: &Path, root: &Path, extra: &[String]) -> Result<(), String> {
    for addr in ADDRS {
        if let Err(e) = TcpListener::bind(addr) {
            return Err(format!(
                "{addr} is busy ({e}): another `rollcall serve`? Stop what listens there and \
                 run again"
            ));
        }
    }
    let pg = Postgres::start(Purpose::Bench)?;
    let mut serves: Vec<Serve> = Vec::new();
    let outcome = start_both(binary, root, extra, pg.url(), &mut serves).and_then(|()| {
        println!(
            "\n== Rollcall on PostgreSQL (Ctrl-C stops both servers and PostgreSQL)\n\n  \
             http://{}/\n  http://{}/\n  database: {}\n\n\
             Both servers share the database. Each `serve --demo` gives the demo teachers new \
             passwords:\nsign in on either with the ones [{}] printed.\n",
            ADDRS[0],
            ADDRS[1],
            pg.url(),
            port_of(ADDRS[1]),
        );
        watch(&mut serves)
    });
    for serve in &mut serves {
        stop(serve);
    }
    for serve in serves {
        for echo in serve.echoes {
            let _ = echo.join();
        }
    }
    drop(pg);
    outcome
}

fn port_of(addr: &str) -> &str {
    addr.rsplit(':').next().unwrap_or(addr)
}

fn start_both(
    binary: &Path,
    root: &Path,
    extra: &[String],
    url: &str,
    serves: &mut Vec<Serve>,
) -> Result<(), String> {
    for addr in ADDRS {
        let (serve, listening) = spawn(binary, root, extra, url, addr)?;
        serves.push(serve);
        let serve = serves.last_mut().expect("just pushed");
        wait_listening(serve, &listening)?;
    }
    Ok(())
}

/// Starts `rollcall serve --demo --db URL --addr ADDR …`; its output is echoed with
/// `[PORT]` before each line, and the receiver hears when it prints its URL.
fn spawn(
    binary: &Path,
    root: &Path,
    extra: &[String],
    url: &str,
    addr: &'static str,
) -> Result<(Serve, Receiver<()>), String> {
    let args = ["serve", "--demo", "--db", url, "--addr", addr];
    println!(
        "$ {} {} {}",
        binary.display(),
        args.join(" "),
        extra.join(" ")
    );
    let mut child = Command::new(binary)
        .args(args)
        .args(extra)
        .current_dir(root)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
    let tag = format!("[{}] ", port_of(addr));
    let (tx, listening) = mpsc::channel();
    let mut echoes = Vec::new();
    if let Some(out) = child.stdout.take() {
        let tag = tag.clone();
        echoes.push(std::thread::spawn(move || {
            echo(out, &tag, |line| {
                // "Rollcall is running at http://…/" (or its Spanish), printed once it listens.
                if line.contains("http://") {
                    let _ = tx.send(());
                }
            });
        }));
    }
    if let Some(err) = child.stderr.take() {
        echoes.push(std::thread::spawn(move || echo(err, &tag, |_| ())));
    }
    Ok((
        Serve {
            addr,
            child,
            echoes,
        },
        listening,
    ))
}

fn echo(from: impl Read, tag: &str, mut seen: impl FnMut(&str)) {
    for line in BufReader::new(from).lines() {
        let Ok(line) = line else { break };
        println!("{tag}{line}");
        seen(&line);
    }
}

/// Waits until the server prints its URL; fails if it stops first, on Ctrl-C, or after
/// five minutes (seeding the demo data takes seconds).
fn wait_listening(serve: &mut Serve, listening: &Receiver<()>) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        match listening.recv_timeout(Duration::from_millis(200)) {
            Ok(()) => return Ok(()),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => std::thread::sleep(Duration::from_millis(200)),
        }
        // Ctrl-C stops the server too: checked first, so that it is not reported as a failure.
        if postgres::interrupted() {
            return Err("interrupted (Ctrl-C)".to_owned());
        }
        if let Some(status) = exited(serve)? {
            return Err(format!(
                "rollcall serve on {} stopped before it listened ({status})",
                serve.addr
            ));
        }
        if Instant::now() > deadline {
            return Err(format!(
                "rollcall serve on {} is not listening after five minutes",
                serve.addr
            ));
        }
    }
}

fn exited(serve: &mut Serve) -> Result<Option<ExitStatus>, String> {
    serve
        .child
        .try_wait()
        .map_err(|e| format!("cannot watch rollcall serve on {}: {e}", serve.addr))
}

/// Until Ctrl-C (fine) or until a server stops by itself (a failure).
fn watch(serves: &mut [Serve]) -> Result<(), String> {
    loop {
        if postgres::interrupted() {
            println!("\nxtask: stopping both servers and PostgreSQL");
            return Ok(());
        }
        for serve in serves.iter_mut() {
            if let Some(status) = exited(serve)? {
                if postgres::interrupted() {
                    // Stopped by the same Ctrl-C, noted a moment later.
                    continue;
                }
                return Err(format!(
                    "rollcall serve on {} stopped ({status})",
                    serve.addr
                ));
            }
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Stops a server: SIGINT (what Ctrl-C sends it, a graceful stop), then SIGKILL if it still
/// runs ten seconds later.
fn stop(serve: &mut Serve) {
    if matches!(serve.child.try_wait(), Ok(Some(_))) {
        return;
    }
    let pid = serve.child.id().to_string();
    let _ = Command::new("kill").args(["-INT", &pid]).status();
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if matches!(serve.child.try_wait(), Ok(Some(_))) {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    eprintln!(
        "xtask: rollcall serve on {} ignored SIGINT; killing it",
        serve.addr
    );
    let _ = serve.child.kill();
    let _ = serve.child.wait();
}
