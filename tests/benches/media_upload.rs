//! Peak memory of media uploads: a 1 MB and a 100 MB file uploaded through the client to a
//! server on 127.0.0.1 that reads and discards the bytes. Peak resident memory is the kernel's
//! `VmHWM` of this process (reset before each upload by writing `5` to
//! `/proc/self/clear_refs`), so it counts everything the process holds: runtime, buffers,
//! and the bytes of an in-memory upload. Uploads from a file path are streamed; uploads of the
//! same file read into memory first are measured next to them for contrast.
//! Prints `bench: key = value` lines. Linux only (it reads `/proc`).

use conversations_api::{Client, MediaFile, RetryPolicy};
use std::io::Write;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const SERVICE: &str = "IS00000000000000000000000000000001";

/// A field of `/proc/self/status` in KiB.
fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// Reset the peak (`VmHWM`) to the current resident size.
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// Accept connections; for each request read the head, discard `Content-Length` body bytes in
/// 64 KiB pieces, and answer 201 with a media record.
async fn discard_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = vec![0u8; 64 * 1024];
                loop {
                    let mut head = Vec::new();
                    let end = loop {
                        if let Some(i) = head.windows(4).position(|w| w == b"\r\n\r\n") {
                            break i + 4;
                        }
                        match sock.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => head.extend_from_slice(&buf[..n]),
                        }
                    };
                    let text = String::from_utf8_lossy(&head[..end]).to_ascii_lowercase();
                    let length: u64 = text
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .and_then(|v| v.trim().parse().ok())
                        .unwrap_or(0);
                    let mut left = length.saturating_sub((head.len() - end) as u64);
                    while left > 0 {
                        match sock.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => left = left.saturating_sub(n as u64),
                        }
                    }
                    let body = format!(
                        r#"{{"sid":"ME00000000000000000000000000000001","size":{length}}}"#
                    );
                    let answer = format!(
                        "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    if sock.write_all(answer.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    format!("http://{addr}")
}

fn write_file(path: &std::path::Path, bytes: usize) {
    let mut f = std::fs::File::create(path).expect("create");
    let chunk: Vec<u8> = (0..1024 * 1024).map(|i| (i % 251) as u8).collect();
    let mut left = bytes;
    while left > 0 {
        let n = left.min(chunk.len());
        f.write_all(&chunk[..n]).expect("write");
        left -= n;
    }
}

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let url = rt.block_on(discard_server());
    let client = Client::builder()
        .account_sid("AC00000000000000000000000000000001")
        .auth_token("token")
        .base_url(&url)
        .retry_policy(RetryPolicy::none())
        .timeout(std::time::Duration::from_secs(300))
        .build()
        .expect("client");
    let dir = std::env::temp_dir().join(format!("media_upload_bench_{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    // Warm up: connection pool, TLS-free HTTP stack, allocator arenas.
    rt.block_on(
        client
            .service(SERVICE)
            .upload_media(MediaFile::from_bytes(vec![0u8; 1024], "image/png")),
    )
    .expect("warm-up upload");
    for (label, size) in [("1 MB", 1_000_000usize), ("100 MB", 100_000_000)] {
        let path = dir.join(format!("file-{size}.bin"));
        write_file(&path, size);
        for mode in ["streamed from the file", "read into memory first"] {
            let before = status_kib("VmRSS:");
            if !reset_peak() {
                println!(
                    "bench: upload {label} {mode}: /proc/self/clear_refs not writable, skipped"
                );
                continue;
            }
            let started = std::time::Instant::now();
            let result = rt.block_on(async {
                let file = if mode.starts_with("streamed") {
                    MediaFile::from_path(&path, "application/octet-stream").await?
                } else {
                    let bytes = tokio::fs::read(&path)
                        .await
                        .map_err(|e| conversations_api::Error::InvalidArgument(e.to_string()))?;
                    MediaFile::from_bytes(bytes, "application/octet-stream")
                };
                client.service(SERVICE).upload_media(file).await
            });
            let elapsed = started.elapsed();
            let peak = status_kib("VmHWM:");
            match result {
                Ok(media) => {
                    assert_eq!(media.size, Some(size as i64), "the server got every byte");
                    println!(
                        "bench: upload {label} {mode}: peak RSS {:.1} MiB, {:+.1} MiB over the {:.1} MiB before ({:.0} ms)",
                        peak as f64 / 1024.0,
                        (peak as f64 - before as f64) / 1024.0,
                        before as f64 / 1024.0,
                        elapsed.as_secs_f64() * 1e3
                    );
                }
                Err(e) => println!("bench: upload {label} {mode}: failed: {e}"),
            }
        }
        let _ = std::fs::remove_file(&path);
    }
    let _ = std::fs::remove_dir_all(&dir);
}
