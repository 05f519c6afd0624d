//! The Prism mock server as a process: whether `node_modules` holds the pinned version, and a
//! running Prism that is started on a free port of 127.0.0.1 in a process group of its own,
//! waited for until it answers, and stopped, with its whole group, when dropped or when
//! `cargo xtask test` is interrupted.

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

/// How long Prism may take to answer after it was started (it usually needs a few seconds).
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

/// A running Prism mock server; stopped (with anything it forked) when dropped.
pub(super) struct Prism {
    /// Prism, the leader of its own process group (on Windows: in a job object of its own).
    pub(super) child: Box<dyn ChildWrapper>,
    addr: SocketAddr,
    pub(super) url: String,
    pub(super) log: PathBuf,
}

impl Prism {
    /// Start `node_modules/.bin/prism mock` itself (not through npx, whose child would outlive
    /// it) on a free port of 127.0.0.1, and wait until it answers.
    pub(super) fn start(root: &Path, spec: &Path, log_name: &str) -> Result<Prism, String> {
        let bin = root.join("node_modules/.bin/prism");
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
            let mut command = Command::new(&bin);
            command
                .current_dir(root)
                // One process: the pid we hold is the server. (Prism's default under
                // NODE_ENV=production is to fork a cluster worker, which Prism 5.16 cannot even
                // do on current Node.)
                .args(["mock", "--multiprocess=false", "-h", "127.0.0.1", "-p"])
                .arg(port.to_string())
                .arg(spec)
                .stdin(Stdio::null())
                .stdout(out)
                .stderr(err);
            // Should Prism ever fork all the same (another version, a wrapper script), its
            // processes stay in its group (job object), and `stop` kills them all at once.
            let mut command = CommandWrap::from(command);
            #[cfg(unix)]
            command.wrap(ProcessGroup::leader());
            #[cfg(windows)]
            command.wrap(JobObject);
            #[cfg(unix)]
            kill_running_on_interrupt();
            let child = command
                .spawn()
                .map_err(|e| format!("could not start {}: {e}", bin.display()))?;
            #[cfg(unix)]
            RUNNING
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(child.id());
            let addr = SocketAddr::from(([127, 0, 0, 1], port));
            let mut prism = Prism {
                child,
                addr,
                url: format!("http://{addr}"),
                log: log.clone(),
            };
            match prism.wait_ready(PRISM_START_LIMIT) {
                Ok(()) => return Ok(prism),
                Err(e) => {
                    let tail = log_tail(&log, 40);
                    last_error = format!("{e}\n-- last lines of {}:\n{tail}", log.display());
                    if !tail.contains("EADDRINUSE") {
                        break;
                    }
                }
            }
            // `prism` is dropped here, which stops it before the next attempt.
        }
        Err(last_error)
    }

    /// Bounded wait for the first HTTP answer (any status: Prism answers 404 to the probe).
    fn wait_ready(&mut self, limit: Duration) -> Result<(), String> {
        let deadline = Instant::now() + limit;
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => {
                    return Err(format!("Prism exited ({status}) before it answered"))
                }
                Ok(None) => {}
                Err(e) => return Err(format!("cannot watch Prism: {e}")),
            }
            if answers(self.addr) {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "Prism did not answer on {} within {} s",
                    self.url,
                    limit.as_secs()
                ));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// SIGKILL to Prism's whole process group (on Windows: the job object is terminated), then
    /// reap what was ours. The group is signalled even when Prism itself has exited, since a
    /// process it forked would still be in it.
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
            println!("== xtask test: stopped Prism (pid {pid}) and its process group");
        }
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The process groups (each its Prism's pid) of the Prisms now running, for the handler of
/// `kill_running_on_interrupt`.
#[cfg(unix)]
static RUNNING: Mutex<Vec<u32>> = Mutex::new(Vec::new());

/// In a group of its own, Prism gets neither the terminal's Ctrl-C nor the SIGHUP of a closed
/// terminal, which go to the foreground group. So, from the first Prism on, SIGINT, SIGTERM and
/// SIGHUP make xtask kill the groups of the Prisms still running and exit with status 130
/// (the handler runs on a thread of its own, so it is not a signal handler's restricted code).
/// On Windows Prism shares the console and gets Ctrl-C itself.
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
                eprintln!("== xtask test: interrupted: killed Prism's process group {groups:?}");
            }
            std::process::exit(130);
        });
        if let Err(e) = set {
            eprintln!(
                "== xtask test: cannot catch Ctrl-C ({e}); an interrupted run would leave Prism \
                 running"
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
