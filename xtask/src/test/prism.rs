//! The Prism mock server as a process: whether `node_modules` holds the pinned version, and a
//! running Prism that is started on a free port of 127.0.0.1, waited for until it answers, and
//! stopped when dropped.

use std::fs::File;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

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
    pub(super) child: Child,
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
            let child = Command::new(&bin)
                .current_dir(root)
                // One process: the pid we hold is the server. (Prism's default under
                // NODE_ENV=production is to fork a cluster worker, which Prism 5.16 cannot even
                // do on current Node.)
                .args(["mock", "--multiprocess=false", "-h", "127.0.0.1", "-p"])
                .arg(port.to_string())
                .arg(spec)
                .stdin(Stdio::null())
                .stdout(out)
                .stderr(err)
                .spawn()
                .map_err(|e| format!("could not start {}: {e}", bin.display()))?;
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

    fn stop(&mut self) {
        if matches!(self.child.try_wait(), Ok(Some(_))) {
            return;
        }
        let pid = self.child.id();
        // Prism runs as one process, but should it ever fork (a different version, a wrapper
        // script), find every descendant before the parent dies and they are re-parented.
        let descendants = descendants(pid);
        let _ = self.child.kill(); // SIGKILL, by process id
        for d in &descendants {
            let _ = Command::new("kill")
                .args(["-KILL", &d.to_string()])
                .stderr(Stdio::null())
                .status();
        }
        let _ = self.child.wait();
        println!(
            "== xtask test: stopped Prism (pid {pid}{})",
            if descendants.is_empty() {
                String::new()
            } else {
                format!(" and its processes {descendants:?}")
            }
        );
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        self.stop();
    }
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

/// Every process below `pid` (Linux: `/proc/<pid>/task/<tid>/children`; empty elsewhere).
fn descendants(pid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    let mut todo = vec![pid];
    while let Some(p) = todo.pop() {
        let Ok(tasks) = std::fs::read_dir(format!("/proc/{p}/task")) else {
            continue;
        };
        for task in tasks.flatten() {
            let Ok(children) = std::fs::read_to_string(task.path().join("children")) else {
                continue;
            };
            for c in children.split_whitespace().filter_map(|c| c.parse().ok()) {
                if !out.contains(&c) {
                    out.push(c);
                    todo.push(c);
                }
            }
        }
    }
    out
}

fn log_tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}
