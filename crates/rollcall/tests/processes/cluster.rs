//! The `rollcall serve` processes: started, watched, killed; one picked at random per request.

use super::*;

/// One `rollcall serve` process.
pub(crate) struct Process {
    pub(crate) child: Child,
    pub(crate) base: String,
    /// Its queue's name in leases and claims.
    pub(crate) owner: String,
}

/// Every process started; all are killed when this is dropped, whatever happened.
pub(crate) struct Processes(pub(crate) Vec<Process>);

impl Drop for Processes {
    fn drop(&mut self) {
        for process in &mut self.0 {
            let _ = process.child.kill();
            let _ = process.child.wait();
        }
    }
}

/// Starts `rollcall serve` on `url` at a port the system picks, and reads the address and the
/// queue worker id it prints. Its further output is passed on, marked with its number.
pub(crate) fn start(url: &str, number: usize, processes: &mut Processes) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rollcall"))
        .args(["serve", "--db", url, "--addr", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("rollcall serve starts");
    let stdout = child.stdout.take().expect("stdout");
    let stderr = child.stderr.take().expect("stderr");
    // Pushed first, so that it is killed even if it never says where it listens.
    processes.0.push(Process {
        child,
        base: String::new(),
        owner: String::new(),
    });
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let (mut base, mut owner) = (None, None);
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            println!("[process {number}] {line}");
            if let Some(rest) = line.strip_prefix("Rollcall is running at ") {
                base = Some(rest.trim_end_matches('/').to_owned());
            }
            if let Some(rest) = line.strip_prefix("Queue worker id: ") {
                owner = Some(rest.to_owned());
            }
            if let (Some(base), Some(owner)) = (&base, &owner) {
                let _ = tx.send((base.clone(), owner.clone()));
            }
        }
    });
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            eprintln!("[process {number}] {line}");
        }
    });
    let (base, owner) = rx
        .recv_timeout(Duration::from_secs(60))
        .unwrap_or_else(|_| panic!("process {number} did not say where it listens"));
    let process = processes.0.last_mut().expect("pushed");
    process.base = base;
    process.owner = owner;
}

/// Waits until the process answers HTTP.
pub(crate) fn wait_until_answering(base: &str) {
    let agent = agent();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if agent.get(format!("{base}/api/session")).call().is_ok() {
            return;
        }
        assert!(Instant::now() < deadline, "{base} does not answer");
        std::thread::sleep(Duration::from_millis(50));
    }
}

pub(crate) fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

/// The processes as the teachers reach them: any that has not been killed.
pub(crate) struct Cluster {
    pub(crate) bases: Vec<String>,
    pub(crate) alive: Vec<AtomicBool>,
}

impl Cluster {
    pub(crate) fn pick(&self, rng: &mut Rng) -> usize {
        loop {
            let p = rng.below(self.bases.len());
            if self.alive[p].load(Ordering::SeqCst) {
                return p;
            }
        }
    }
}
