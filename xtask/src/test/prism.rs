//! The servers step 5 starts, as processes: whether `node_modules` holds the pinned Prism, and a
//! running server (Prism as a mock, Prism as a validating proxy, the emulator) that is started
//! on a free port of 127.0.0.1 in a process group of its own, waited for until it answers, and
//! stopped, with its whole group, when dropped or when `cargo xtask test` is interrupted.

use std::fs::File;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
#[cfg(unix)]
use std::sync::{Mutex, Once, PoisonError};
use std::time::{Duration, Instant};

#[cfg(windows)]
use process_wrap::std::JobObject;
#[cfg(unix)]
use process_wrap::std::ProcessGroup;
use process_wrap::std::{ChildWrapper, CommandWrap};

/// How long a server may take to answer after it was started (Prism usually needs a few
/// seconds; the emulator, already built, less than one).
const PRISM_START_LIMIT: Duration = Duration::from_secs(90);

/// `node_modules` holds the Prism version `package.json` pins.
pub(super) fn prism_installed(root: &Path) -> bool {
    let read = |p: PathBuf| -> Option<serde_json::Value> {
        serde_json::from_str(&std::fs::read_to_string(p).ok()?).ok()
    };
    let pinned = read(root.join("package.json")).and_then(|p| {
        p["devDependencies"]["@stoplight/prism-cli"]
            .as_str()
            .map(str::to_string)
    });
    let installed = read(root.join("node_modules/@stoplight/prism-cli/package.json"))
        .and_then(|p| p["version"].as_str().map(str::to_string));
    root.join("node_modules/.bin/prism").exists() && pinned.is_some() && pinned == installed
}

/// A running server; stopped (with anything it forked) when dropped.
pub(super) struct Server {
    /// What it is, for messages (`Prism`, `the emulator`).
    name: &'static str,
    /// The server, the leader of its own process group (on Windows: in a job object of its
    /// own).
    pub(super) child: Box<dyn ChildWrapper>,
    addr: SocketAddr,
    pub(super) url: String,
    pub(super) log: PathBuf,
}

/// The mock (and the proxy) of step 5.
pub(super) type Prism = Server;

/// The emulator's credentials in the conformance run against it: the conformance suite's own
/// (`ACCOUNT` and `AUTH_TOKEN` in `tests/src/bin/conformance/main.rs`), the only ones the
/// emulator then accepts. The suite checks that the emulator serves its account.
pub(super) const SUITE_ACCOUNT_SID: &str = "AC5ef8732a3c49700934481addd5ce1659";
pub(super) const SUITE_AUTH_TOKEN: &str = "conformance-token";

impl Server {
    /// Start `node_modules/.bin/prism mock` itself (not through npx, whose child would outlive
    /// it) on a free port of 127.0.0.1, and wait until it answers.
    pub(super) fn start(root: &Path, spec: &Path, log_name: &str) -> Result<Server, String> {
        let bin = root.join("node_modules/.bin/prism");
        Server::spawn(root, log_name, "Prism", |port| {
            let mut command = Command::new(&bin);
            command
                .current_dir(root)
                // One process: the pid we hold is the server. (Prism's default under
                // NODE_ENV=production is to fork a cluster worker, which Prism 5.16 cannot even
                // do on current Node.)
                .args(["mock", "--multiprocess=false", "-h", "127.0.0.1", "-p"])
                .arg(port.to_string())
                .arg(spec);
            command
        })
    }

    /// Start Prism as a validating proxy in front of `upstream`: every request is checked
    /// against `spec` before it is forwarded (a violation is answered 422, or 401 for the
    /// credentials, and not forwarded), every answer after (`--errors`: a violation of error
    /// severity is answered 500 with Prism's problem JSON instead of the answer). Prism names
    /// all it found, whatever the severity, in an `sl-violations` header.
    pub(super) fn proxy(
        root: &Path,
        spec: &Path,
        upstream: &str,
        log_name: &str,
    ) -> Result<Server, String> {
        let bin = root.join("node_modules/.bin/prism");
        Server::spawn(root, log_name, "Prism", |port| {
            let mut command = Command::new(&bin);
            command
                .current_dir(root)
                .args([
                    "proxy",
                    "--errors",
                    "--multiprocess=false",
                    "-h",
                    "127.0.0.1",
                    "-p",
                ])
                .arg(port.to_string())
                .arg(spec)
                .arg(upstream);
            command
        })
    }

    /// Start the emulator (`cargo run -p conversations-emulator`, built beforehand) with the
    /// conformance suite's credentials. Its process group holds cargo and the emulator.
    pub(super) fn emulator(root: &Path, cargo: &str, log_name: &str) -> Result<Server, String> {
        Server::spawn(root, log_name, "the emulator", |port| {
            let mut command = Command::new(cargo);
            command
                .current_dir(root)
                .args([
                    "run",
                    "--quiet",
                    "-p",
                    "conversations-emulator",
                    "--",
                    "--host",
                    "127.0.0.1",
                    "--account-sid",
                    SUITE_ACCOUNT_SID,
                    "--auth-token",
                    SUITE_AUTH_TOKEN,
                    "--port",
                ])
                .arg(port.to_string());
            command
        })
    }

    /// Start `command(port)` on a free port of 127.0.0.1 in a process group of its own, its
    /// output to `target/<log_name>`, and wait until it answers.
    fn spawn(
        root: &Path,
        log_name: &str,
        name: &'static str,
        command: impl Fn(u16) -> Command,
    ) -> Result<Server, String> {
        let log = root.join("target").join(log_name);
        std::fs::create_dir_all(root.join("target")).map_err(|e| format!("target/: {e}"))?;
        let mut last_error = String::new();
        // A free port can be taken between our probe and Prism's bind: try a few.
        for _attempt in 0..3 {
            let port = TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .map_err(|e| format!("no free port on 127.0.0.1: {e}"))?
                .port();
            let out = File::create(&log).map_err(|e| format!("{}: {e}", log.display()))?;
            let err = out.try_clone().map_err(|e| e.to_string())?;
            let mut command = command(port);
            command.stdin(Stdio::null()).stdout(out).stderr(err);
            // Should Prism ever fork all the same (another version, a wrapper script), its
            // processes stay in its group (job object), and `stop` kills them all at once; so
            // do cargo and the emulator it runs.
            let mut command = CommandWrap::from(command);
            #[cfg(unix)]
            command.wrap(ProcessGroup::leader());
            #[cfg(windows)]
            command.wrap(JobObject);
            #[cfg(unix)]
            kill_running_on_interrupt();
            let child = command
                .spawn()
                .map_err(|e| format!("could not start {name}: {e}"))?;
            #[cfg(unix)]
            RUNNING
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(child.id());
            let addr = SocketAddr::from(([127, 0, 0, 1], port));
            let mut server = Server {
                name,
                child,
                addr,
                url: format!("http://{addr}"),
                log: log.clone(),
            };
            match server.wait_ready(PRISM_START_LIMIT) {
                Ok(()) => return Ok(server),
                Err(e) => {
                    let tail = log_tail(&log, 40);
                    last_error = format!("{e}\n-- last lines of {}:\n{tail}", log.display());
                    if !tail.contains("EADDRINUSE") && !tail.contains("Address already in use") {
                        break;
                    }
                }
            }
            // `server` is dropped here, which stops it before the next attempt.
        }
        Err(last_error)
    }

    /// Bounded wait for the first HTTP answer (any status: Prism answers 404 to the probe, the
    /// emulator 401).
    fn wait_ready(&mut self, limit: Duration) -> Result<(), String> {
        let deadline = Instant::now() + limit;
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => {
                    return Err(format!(
                        "{} exited ({status}) before it answered",
                        self.name
                    ))
                }
                Ok(None) => {}
                Err(e) => return Err(format!("cannot watch {}: {e}", self.name)),
            }
            if answers(self.addr) {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "{} did not answer on {} within {} s",
                    self.name,
                    self.url,
                    limit.as_secs()
                ));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// SIGKILL to the server's whole process group (on Windows: the job object is terminated),
    /// then reap what was ours. The group is signalled even when the server itself has exited,
    /// since a process it forked would still be in it.
    fn stop(&mut self) {
        let running = !matches!(self.child.try_wait(), Ok(Some(_)));
        let pid = self.child.id();
        let _ = self.child.start_kill();
        let _ = self.child.wait();
        #[cfg(unix)]
        RUNNING
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|&group| group != pid);
        if running {
            println!(
                "== xtask test: stopped {} (pid {pid}) and its process group",
                self.name
            );
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The process groups (each its leader's pid) of the servers now running, for the handler of
/// `kill_running_on_interrupt`.
#[cfg(unix)]
static RUNNING: Mutex<Vec<u32>> = Mutex::new(Vec::new());

/// In a group of its own, a server gets neither the terminal's Ctrl-C nor the SIGHUP of a
/// closed terminal, which go to the foreground group. So, from the first server on, SIGINT,
/// SIGTERM and SIGHUP make xtask kill the groups of the servers still running and exit with
/// status 130 (the handler runs on a thread of its own, so it is not a signal handler's
/// restricted code). On Windows a server shares the console and gets Ctrl-C itself.
#[cfg(unix)]
fn kill_running_on_interrupt() {
    static HANDLER: Once = Once::new();
    HANDLER.call_once(|| {
        let set = ctrlc::set_handler(|| {
            let groups = RUNNING
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone();
            for &group in &groups {
                let Ok(raw) = i32::try_from(group) else {
                    continue;
                };
                let _ = nix::sys::signal::killpg(
                    nix::unistd::Pid::from_raw(raw),
                    nix::sys::signal::Signal::SIGKILL,
                );
            }
            if !groups.is_empty() {
                eprintln!(
                    "== xtask test: interrupted: killed the servers' process groups {groups:?}"
                );
            }
            std::process::exit(130);
        });
        if let Err(e) = set {
            eprintln!(
                "== xtask test: cannot catch Ctrl-C ({e}); an interrupted run would leave Prism \
                 (or the emulator) running"
            );
        }
    });
}

/// An HTTP answer of any kind from `addr`.
fn answers(addr: SocketAddr) -> bool {
    let Ok(mut s) = TcpStream::connect_timeout(&addr, Duration::from_secs(1)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
    let probe = "GET /__xtask_ready HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if s.write_all(probe.as_bytes()).is_err() {
        return false;
    }
    let mut head = [0u8; 8];
    s.read_exact(&mut head).is_ok() && head.starts_with(b"HTTP/1.")
}

fn log_tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}
