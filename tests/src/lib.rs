//! An in-process HTTP/1.1 server for tests: records every request byte for byte and answers
//! from a handler, with optional faults (delays, dropped connections, truncated bodies).
//! It listens on 127.0.0.1 only.

use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One request as it arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub method: String,
    /// Path and query as sent (`/v1/Roles?PageSize=2`).
    pub target: String,
    /// Header names lower-cased, in arrival order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }

    pub fn query(&self) -> &str {
        self.target.split_once('?').map_or("", |(_, q)| q)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn body_str(&self) -> &str {
        std::str::from_utf8(&self.body).unwrap_or("<not utf-8>")
    }
}

/// What the server does with one request.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Wait this long before answering.
    pub delay: Option<Duration>,
    /// Close the connection without answering.
    pub drop_connection: bool,
    /// Announce the full length but send only this many body bytes, then close.
    pub truncate_at: Option<usize>,
}

impl Reply {
    pub fn json(status: u16, body: impl Into<String>) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.into().into_bytes(),
            delay: None,
            drop_connection: false,
            truncate_at: None,
        }
    }

    pub fn empty(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            delay: None,
            drop_connection: false,
            truncate_at: None,
        }
    }

    pub fn html(status: u16, body: impl Into<String>) -> Reply {
        Reply {
            headers: vec![("Content-Type".into(), "text/html".into())],
            ..Reply::json(status, body)
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn delayed(mut self, d: Duration) -> Reply {
        self.delay = Some(d);
        self
    }

    pub fn dropped() -> Reply {
        Reply {
            drop_connection: true,
            ..Reply::empty(0)
        }
    }

    pub fn truncated(mut self, at: usize) -> Reply {
        self.truncate_at = Some(at);
        self
    }
}

type Handler = dyn Fn(usize, &Recorded) -> Reply + Send + Sync;

/// A running server; stops when dropped.
pub struct MockServer {
    addr: std::net::SocketAddr,
    log: Arc<Log>,
    task: tokio::task::JoinHandle<()>,
}

/// What the server keeps of the requests it saw.
#[derive(Default)]
struct Log {
    /// Every request, unless the server was started unrecorded.
    requests: Mutex<Vec<Recorded>>,
    count: std::sync::atomic::AtomicUsize,
    record: bool,
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl MockServer {
    /// Start on 127.0.0.1 with a handler given the request's index (0-based) and the request.
    pub async fn start(
        handler: impl Fn(usize, &Recorded) -> Reply + Send + Sync + 'static,
    ) -> MockServer {
        MockServer::launch(handler, true).await
    }

    /// Like [`start`](Self::start) but keeps only a count of the requests, so a long run
    /// (a benchmark) does not grow the server's memory.
    pub async fn start_unrecorded(
        handler: impl Fn(usize, &Recorded) -> Reply + Send + Sync + 'static,
    ) -> MockServer {
        MockServer::launch(handler, false).await
    }

    async fn launch(
        handler: impl Fn(usize, &Recorded) -> Reply + Send + Sync + 'static,
        record: bool,
    ) -> MockServer {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local addr");
        let log = Arc::new(Log {
            record,
            ..Log::default()
        });
        let handler: Arc<Handler> = Arc::new(handler);
        let shared = log.clone();
        let task = tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                let log = shared.clone();
                let handler = handler.clone();
                tokio::spawn(async move {
                    let _ = serve(sock, log, handler).await;
                });
            }
        });
        MockServer { addr, log, task }
    }

    /// How many requests arrived so far (recorded or not).
    pub fn request_count(&self) -> usize {
        self.log.count.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Answer every request with the same reply.
    pub async fn always(reply: Reply) -> MockServer {
        MockServer::start(move |_, _| reply.clone()).await
    }

    /// Answer the n-th request with the n-th reply (the last one repeats).
    pub async fn sequence(replies: Vec<Reply>) -> MockServer {
        MockServer::start(move |i, _| replies[i.min(replies.len() - 1)].clone()).await
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.log
            .requests
            .lock()
            .map(|r| r.clone())
            .unwrap_or_default()
    }
}

async fn serve(mut sock: TcpStream, log: Arc<Log>, handler: Arc<Handler>) -> std::io::Result<()> {
    sock.set_nodelay(true)?;
    let mut buf = Vec::new();
    loop {
        // Read the head.
        let head_end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i;
            }
            let mut chunk = [0u8; 4096];
            let n = sock.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
        let mut lines = head.split("\r\n");
        let start = lines.next().unwrap_or("");
        let mut parts = start.split(' ');
        let method = parts.next().unwrap_or("").to_string();
        let target = parts.next().unwrap_or("").to_string();
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        let len: usize = headers
            .iter()
            .find(|(k, _)| k == "content-length")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        let body_start = head_end + 4;
        while buf.len() < body_start + len {
            let mut chunk = [0u8; 4096];
            let n = sock.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        let body = buf[body_start..body_start + len].to_vec();
        buf.drain(..body_start + len);
        let rec = Recorded {
            method,
            target,
            headers,
            body,
        };
        let index = {
            // Count and record under one lock so indexes follow arrival order.
            let mut r = log
                .requests
                .lock()
                .map_err(|_| std::io::Error::other("poisoned"))?;
            if log.record {
                r.push(rec.clone());
            }
            log.count.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
        };
        let reply = handler(index, &rec);
        if let Some(d) = reply.delay {
            tokio::time::sleep(d).await;
        }
        if reply.drop_connection {
            return Ok(());
        }
        let mut out = format!(
            "HTTP/1.1 {} X\r\nContent-Length: {}\r\n",
            reply.status,
            reply.body.len()
        );
        for (k, v) in &reply.headers {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
        out.push_str("\r\n");
        // Head and body in one write: two small writes would meet the peer's delayed ACK.
        let mut bytes = out.into_bytes();
        let body_len = reply
            .truncate_at
            .map_or(reply.body.len(), |at| at.min(reply.body.len()));
        bytes.extend_from_slice(&reply.body[..body_len]);
        sock.write_all(&bytes).await?;
        sock.flush().await?;
        if reply.truncate_at.is_some() {
            return Ok(());
        }
    }
}

pub mod compile_checks;

/// The examples of `docs/runtime.md`, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../docs/runtime.md")]
pub struct RuntimeDocs;

/// The path of a workspace example's executable, built by `cargo build --workspace --examples`
/// in the shared target directory. That command asks for the features `cargo test
/// --workspace` resolves (examples pull in dev-dependencies, as tests do), so after a
/// workspace test build it finds everything fresh instead of compiling the dependencies again.
///
/// It runs without the `CARGO_*` variables cargo sets for a running test: some build scripts
/// (ring's) track `CARGO_MANIFEST_DIR`, so inheriting the test's value would make every such
/// build rebuild them, and the next outer build rebuild them back.
pub fn example_executable(name: &str) -> std::path::PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let mut cmd = std::process::Command::new(cargo);
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy().into_owned();
        if key.starts_with("CARGO_") && key != "CARGO_HOME" && key != "CARGO_TARGET_DIR" {
            cmd.env_remove(key);
        }
    }
    let out = cmd
        .args([
            "build",
            "--quiet",
            "--workspace",
            "--examples",
            "--message-format=json",
        ])
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .stderr(std::process::Stdio::inherit())
        .output()
        .expect("run cargo build");
    assert!(out.status.success(), "building the examples failed");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == name)
        .find_map(|m| m["executable"].as_str().map(std::path::PathBuf::from))
        .unwrap_or_else(|| panic!("cargo names the {name} executable"))
}

/// Form fields as an `application/x-www-form-urlencoded` body, the way Twilio posts webhooks.
pub fn form_body(fields: &[(String, String)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in fields {
        s.append_pair(k, v);
    }
    s.finish()
}

/// A conversation answer as JSON text: the fields spec/ marks as always returned (`sid`,
/// `account_sid`, `chat_service_sid`, `url`, `date_created`), then `more` (members of the same
/// object, e.g. `"friendly_name": "Support"`; may be empty).
pub fn conversation_json(sid: &str, more: &str) -> String {
    resource_json(
        &[
            ("sid", sid),
            ("account_sid", ACCOUNT_SID),
            ("chat_service_sid", SERVICE_SID),
            (
                "url",
                &format!("https://conversations.twilio.com/v1/Conversations/{sid}"),
            ),
            ("date_created", "2024-05-01T10:00:00Z"),
        ],
        more,
    )
}

/// A message answer as JSON text: the always-returned fields of a message, then `more`.
pub fn message_json(sid: &str, conversation: &str, more: &str) -> String {
    resource_json(
        &[
            ("sid", sid),
            ("account_sid", ACCOUNT_SID),
            ("conversation_sid", conversation),
            (
                "url",
                &format!(
                    "https://conversations.twilio.com/v1/Conversations/{conversation}/Messages/{sid}"
                ),
            ),
            ("date_created", "2024-05-01T10:00:00Z"),
        ],
        more,
    )
}

/// Account and service SIDs the JSON helpers put into answers.
pub const ACCOUNT_SID: &str = "AC00000000000000000000000000000001";
pub const SERVICE_SID: &str = "IS00000000000000000000000000000001";

/// `{"k": "v", ..., more}` from string members and extra member text. A field that `more`
/// names itself is left out (a duplicate key is a decode error), so a test can give, say, its
/// own `date_created`.
fn resource_json(fields: &[(&str, &str)], more: &str) -> String {
    // Top-level keys `more` sets itself (a nested `"sid"` does not count).
    let overridden: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&format!("{{{more}}}")).unwrap_or_default();
    let mut members: Vec<String> = fields
        .iter()
        .filter(|(k, _)| !overridden.contains_key(*k))
        .map(|(k, v)| {
            format!(
                "{}: {}",
                serde_json::Value::from(*k),
                serde_json::Value::from(*v)
            )
        })
        .collect();
    if !more.trim().is_empty() {
        members.push(more.to_string());
    }
    format!("{{{}}}", members.join(", "))
}
