//! A recording pass-through on 127.0.0.1: the client under test talks to it, it forwards each
//! request unchanged to the server under test and keeps both sides, so the suite judges the
//! bytes that were really sent and received, not what the client meant to send.

use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One request and the server's answer.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub method: String,
    /// Path and query as sent (`/v1/Roles?PageSize=2`).
    pub target: String,
    /// Names lower-cased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The server's status; 0 when the server could not be reached.
    pub status: u16,
    pub response: Vec<u8>,
    /// What Prism found wrong with the request or the answer: the items of its
    /// `sl-violations` header (`{location, severity, code, message}`), which it sets whenever
    /// it found anything, whatever the severity and whether or not it also answered with an
    /// error.
    pub violations: Vec<serde_json::Value>,
}

impl Exchange {
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }

    pub fn query(&self) -> &str {
        self.target.split_once('?').map_or("", |(_, q)| q)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub struct Proxy {
    url: String,
    log: Arc<Mutex<Vec<Exchange>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

struct Upstream {
    base: String,
    http: reqwest::Client,
}

impl Proxy {
    /// Listen on 127.0.0.1 (a free port) and forward to `base` (`http://host:port[/prefix]`).
    pub async fn start(base: &str) -> std::io::Result<Proxy> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let http = reqwest::Client::builder()
            .no_proxy()
            .build()
            .map_err(std::io::Error::other)?;
        let upstream = Arc::new(Upstream {
            base: base.trim_end_matches('/').to_string(),
            http,
        });
        let log: Arc<Mutex<Vec<Exchange>>> = Arc::default();
        let records = log.clone();
        let task = tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                // Answers go out in one write, but without delay even if they did not.
                let _ = sock.set_nodelay(true);
                let upstream = upstream.clone();
                let records = records.clone();
                tokio::spawn(async move {
                    let _ = serve(sock, upstream, records).await;
                });
            }
        });
        Ok(Proxy { url, log, task })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Every exchange since the last call.
    /// The status of the last answer recorded so far (without taking anything).
    pub fn last_status(&self) -> Option<u16> {
        self.log
            .lock()
            .ok()
            .and_then(|l| l.last().map(|ex| ex.status))
    }

    pub fn take(&self) -> Vec<Exchange> {
        self.log
            .lock()
            .map(|mut l| std::mem::take(&mut *l))
            .unwrap_or_default()
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

async fn serve(
    mut sock: TcpStream,
    upstream: Arc<Upstream>,
    log: Arc<Mutex<Vec<Exchange>>>,
) -> std::io::Result<()> {
    let mut buf: Vec<u8> = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    loop {
        let head_end = loop {
            if let Some(i) = find(&buf, b"\r\n\r\n") {
                break i + 4;
            }
            let n = sock.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
        };
        let head = String::from_utf8_lossy(&buf[..head_end - 4]).into_owned();
        let mut lines = head.split("\r\n");
        let mut request_line = lines.next().unwrap_or("").split(' ');
        let method = request_line.next().unwrap_or("").to_string();
        let target = request_line.next().unwrap_or("").to_string();
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        let chunked = headers
            .iter()
            .any(|(k, v)| k == "transfer-encoding" && v.to_ascii_lowercase().contains("chunked"));
        if chunked {
            // The client under test always knows its body length; refuse rather than guess.
            let msg = "the conformance proxy does not accept chunked request bodies";
            write_response(&mut sock, 501, Some("text/plain"), msg.as_bytes()).await?;
            return Ok(());
        }
        let length: usize = headers
            .iter()
            .find(|(k, _)| k == "content-length")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        while buf.len() < head_end + length {
            let n = sock.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        let body = buf[head_end..head_end + length].to_vec();
        buf.drain(..head_end + length);

        let Answer {
            status,
            content_type,
            body: response,
            violations,
        } = forward(&upstream, &method, &target, &headers, &body).await;
        if let Ok(mut l) = log.lock() {
            l.push(Exchange {
                method,
                target,
                headers,
                body,
                status,
                response: response.clone(),
                violations,
            });
        }
        let status = if status == 0 { 502 } else { status };
        write_response(&mut sock, status, content_type.as_deref(), &response).await?;
    }
}

/// What the server under test answered.
struct Answer {
    /// 0 when the server could not be reached (`body` then says why).
    status: u16,
    content_type: Option<String>,
    body: Vec<u8>,
    violations: Vec<serde_json::Value>,
}

impl Answer {
    fn failed(why: String) -> Answer {
        Answer {
            status: 0,
            content_type: None,
            body: why.into_bytes(),
            violations: Vec::new(),
        }
    }
}

/// The items of Prism's `sl-violations` header; one item saying what was wrong when the header
/// is there but is not a JSON array (Prism cuts a long one short).
fn violations_of(headers: &reqwest::header::HeaderMap) -> Vec<serde_json::Value> {
    let Some(value) = headers.get("sl-violations") else {
        return Vec::new();
    };
    let text = String::from_utf8_lossy(value.as_bytes());
    match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(serde_json::Value::Array(items)) => items,
        _ => vec![serde_json::json!({
            "location": ["sl-violations"],
            "severity": "Error",
            "message": text,
        })],
    }
}

/// Send to the server under test; status 0 and an explanation when it cannot be reached.
async fn forward(
    upstream: &Upstream,
    method: &str,
    target: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> Answer {
    let Ok(method) = reqwest::Method::from_bytes(method.as_bytes()) else {
        return Answer::failed("bad method".into());
    };
    let mut rb = upstream
        .http
        .request(method, format!("{}{target}", upstream.base));
    for (k, v) in headers {
        if !matches!(
            k.as_str(),
            "host" | "content-length" | "connection" | "keep-alive" | "accept-encoding"
        ) {
            rb = rb.header(k.as_str(), v.as_str());
        }
    }
    if !body.is_empty() {
        rb = rb.body(body.to_vec());
    }
    match rb.send().await {
        Ok(resp) => {
            let status = resp.status().as_u16();
            let content_type = resp
                .headers()
                .get(reqwest::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            let violations = violations_of(resp.headers());
            match resp.bytes().await {
                Ok(b) => Answer {
                    status,
                    content_type,
                    body: b.to_vec(),
                    violations,
                },
                Err(e) => Answer::failed(format!("reading the answer failed: {e}")),
            }
        }
        Err(e) => {
            let mut msg = format!("could not reach the server under test: {e}");
            let mut source = std::error::Error::source(&e);
            while let Some(cause) = source {
                msg.push_str(&format!(": {cause}"));
                source = cause.source();
            }
            Answer::failed(msg)
        }
    }
}

async fn write_response(
    sock: &mut TcpStream,
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> std::io::Result<()> {
    let reason = reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    let mut head = format!("HTTP/1.1 {status} {reason}\r\n");
    if let Some(ct) = content_type {
        head.push_str(&format!("Content-Type: {ct}\r\n"));
    }
    let bodyless = status == 204 || status == 304 || (100..200).contains(&status);
    if !bodyless {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    // One write: a head and a body in two small segments would meet Nagle's algorithm and the
    // peer's delayed ACK (about 40 ms per answer).
    let mut out = head.into_bytes();
    if !bodyless {
        out.extend_from_slice(body);
    }
    sock.write_all(&out).await?;
    sock.flush().await
}
