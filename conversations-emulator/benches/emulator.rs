//! The emulator beside Prism, in one run (`cargo bench -p conversations-emulator --bench
//! emulator`; Prism from `npm ci`, as `cargo xtask test` installs it):
//!
//! * requests per second through the client (fetch, create, a list page of 2 conversations, and
//!   of 50 for the emulator alone), 8 calls in flight, each server (both as processes) in turn
//!   for `ROUND` seconds, `ROUNDS` rounds, the order flipped each round, a new client each round;
//! * start time: `Emulator::start` in process (the first one builds the IR, later ones do not),
//!   and each server as a process until it first answers;
//! * memory: resident size added per message over 100,000 messages of a 2-byte body.
//!
//! Prints one line per figure with min / median / max over the rounds.

use conversations_emulator::Emulator;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const ROUND: Duration = Duration::from_secs(3);
const ROUNDS: usize = 5;
const IN_FLIGHT: usize = 8;
const MESSAGES: usize = 100_000;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Process(Child);
impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Start a server process and time it until an HTTP request to `probe` gets any answer.
async fn start_process(mut cmd: Command, probe: &str) -> (Process, Duration) {
    let started = Instant::now();
    let child = Process(
        cmd.stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start"),
    );
    let http = reqwest::Client::new();
    loop {
        if http.get(probe).send().await.is_ok() {
            return (child, started.elapsed());
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "{probe} never answered"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

fn prism(port: u16) -> Command {
    let mut cmd = Command::new(root().join("node_modules/.bin/prism"));
    cmd.current_dir(root())
        .args([
            "mock",
            "--multiprocess=false",
            "-h",
            "127.0.0.1",
            "-p",
            &port.to_string(),
        ])
        .arg(root().join("spec/conversations_v1.yaml"));
    cmd
}

/// `cargo build --release` of the emulator's binary; whether it built. Without the variables
/// Cargo set for this bench (build scripts watch some of them, and a build that sees them
/// changed would rebuild them here and again on the next `cargo bench`).
fn build_emulator() -> bool {
    let mut cmd = Command::new(env!("CARGO"));
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy();
        let ours = key.starts_with("CARGO_") && !matches!(&*key, "CARGO_HOME" | "CARGO_TARGET_DIR");
        if ours || matches!(&*key, "OUT_DIR" | "RUSTC" | "RUSTDOC" | "__CARGO_FIX_PLZ") {
            cmd.env_remove(&*key);
        }
    }
    cmd.current_dir(root())
        .args([
            "build",
            "--release",
            "-q",
            "-p",
            "conversations-emulator",
            "--bin",
            "conversations-emulator",
        ])
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

fn emulator_bin(port: u16) -> Command {
    let bin = root().join("target/release/conversations-emulator");
    let mut cmd = Command::new(bin);
    cmd.args(["--port", &port.to_string()]);
    cmd
}

fn client(base: &str, account: &str, token: &str) -> conversations_api::Client {
    conversations_api::Client::builder()
        .account_sid(account)
        .auth_token(token)
        .base_url(base)
        .retry_policy(conversations_api::RetryPolicy::none())
        .build()
        .unwrap()
}

#[derive(Clone, Copy, Debug)]
enum Call {
    Fetch,
    Create,
    /// A page of this many conversations (Prism answers every list with its example page of
    /// two, whatever the page size: the comparison uses two).
    List(i64),
}

/// Where a round sends its requests: base URL and credentials.
#[derive(Clone)]
struct Server {
    name: &'static str,
    base: String,
    account: String,
    token: String,
}

/// Requests per second for `call` over one round, through a client of its own (no connection
/// left idle from an earlier round). A failed call is counted and reported, not timed.
async fn rate(server: &Server, call: Call, conversation: &str) -> f64 {
    let client = &client(&server.base, &server.account, &server.token);
    let done = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + ROUND;
    let mut tasks = Vec::new();
    for _ in 0..IN_FLIGHT {
        let (c, done, failed, conv) = (
            client.clone(),
            done.clone(),
            failed.clone(),
            conversation.to_string(),
        );
        let name = server.name;
        tasks.push(tokio::spawn(async move {
            while Instant::now() < deadline {
                let outcome = match call {
                    Call::Fetch => c.conversation(&conv).fetch().send().await.map(drop),
                    Call::Create => c
                        .conversations()
                        .create()
                        .friendly_name("bench")
                        .send()
                        .await
                        .map(drop),
                    Call::List(size) => c
                        .conversations()
                        .list()
                        .page_size(size)
                        .send()
                        .await
                        .map(drop),
                };
                match outcome {
                    Ok(()) => done.fetch_add(1, Ordering::Relaxed),
                    Err(e) => {
                        if failed.fetch_add(1, Ordering::Relaxed) == 0 {
                            eprintln!("{name} {call:?}: {e}");
                        }
                        0
                    }
                };
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let failed = failed.load(Ordering::Relaxed);
    if failed > 0 {
        println!(
            "  {} {call:?}: {failed} calls failed in one round",
            server.name
        );
    }
    done.load(Ordering::Relaxed) as f64 / ROUND.as_secs_f64()
}

fn stats(mut xs: Vec<f64>) -> String {
    xs.sort_by(|a, b| a.partial_cmp(b).unwrap());
    format!(
        "min {:>9.1}  median {:>9.1}  max {:>9.1}",
        xs[0],
        xs[xs.len() / 2],
        xs[xs.len() - 1]
    )
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    // `EMULATOR_BENCH=start,rate,memory` (the default: all three) picks the parts to run.
    let parts = std::env::var("EMULATOR_BENCH").unwrap_or_else(|_| "start,rate,memory".into());
    let part = |name: &str| parts.split(',').any(|p| p.trim() == name);
    rt.block_on(async {
        if part("start") {
            start_times().await;
        }
        let emu = Emulator::start().await.unwrap();
        let emu_client = client(&emu.base_url(), emu.account_sid(), emu.auth_token());
        if part("rate") {
            rates().await;
        }
        if part("memory") {
            memory(&emu, &emu_client).await;
        }
    });
}

async fn start_times() {
    {
        // Start time, in process.
        let t = Instant::now();
        let first = Emulator::start().await.unwrap();
        let cold = t.elapsed();
        let mut warm = Vec::new();
        for _ in 0..20 {
            let t = Instant::now();
            let e = Emulator::start().await.unwrap();
            warm.push(t.elapsed().as_secs_f64() * 1000.0);
            drop(e);
        }
        println!(
            "start in process: first {:.1} ms (builds the IR); then {}",
            cold.as_secs_f64() * 1000.0,
            stats(warm)
        );
        drop(first);

        // Start time as processes, side by side.
        let built = build_emulator();
        let have_prism = root().join("node_modules/.bin/prism").exists();
        let (mut emu_starts, mut prism_starts) = (Vec::new(), Vec::new());
        for _ in 0..3 {
            if built {
                let port = free_port();
                let (_p, d) = start_process(
                    emulator_bin(port),
                    &format!("http://127.0.0.1:{port}/v1/Conversations"),
                )
                .await;
                emu_starts.push(d.as_secs_f64() * 1000.0);
            }
            if have_prism {
                let port = free_port();
                let (_p, d) = start_process(
                    prism(port),
                    &format!("http://127.0.0.1:{port}/v1/Conversations"),
                )
                .await;
                prism_starts.push(d.as_secs_f64() * 1000.0);
            }
        }
        if !emu_starts.is_empty() {
            println!("start as a process, emulator (ms): {}", stats(emu_starts));
        }
        if !prism_starts.is_empty() {
            println!("start as a process, Prism    (ms): {}", stats(prism_starts));
        }
    }
}

/// Both servers as processes of their own, the client in this one: the same arrangement for
/// each.
async fn rates() {
    let have_prism = root().join("node_modules/.bin/prism").exists();
    if !build_emulator() {
        println!("the emulator binary did not build: no rates");
        return;
    }
    let (account, token) = ("AC0123456789abcdef0123456789abcdef", "bench-token");
    let port = free_port();
    let mut cmd = emulator_bin(port);
    cmd.args(["--account-sid", account, "--auth-token", token]);
    let (_emulator, _) =
        start_process(cmd, &format!("http://127.0.0.1:{port}/v1/Conversations")).await;
    let emu = Server {
        name: "emulator",
        base: format!("http://127.0.0.1:{port}"),
        account: account.into(),
        token: token.into(),
    };
    let setup = client(&emu.base, account, token);
    let conv = setup.conversations().create().send().await.unwrap().sid;
    for _ in 0..50 {
        setup.conversations().create().send().await.unwrap();
    }
    let prism_server = if have_prism {
        let port = free_port();
        let (p, _) = start_process(
            prism(port),
            &format!("http://127.0.0.1:{port}/v1/Conversations"),
        )
        .await;
        Some((
            p,
            Server {
                name: "Prism",
                base: format!("http://127.0.0.1:{port}"),
                account: "AC00000000000000000000000000000000".into(),
                token: "token".into(),
            },
        ))
    } else {
        println!("Prism not installed (npm ci): emulator figures only");
        None
    };
    // Prism answers any SID with its example.
    let prism_conv = "CH7d3e1f0a2b4c4d6e8f0a1b2c3d4e5f60";
    // `EMULATOR_BENCH_CALLS=fetch,create,list2,list50` (the default: all) picks the calls.
    let wanted = std::env::var("EMULATOR_BENCH_CALLS")
        .unwrap_or_else(|_| "fetch,create,list2,list50".into());
    let calls = [
        ("fetch", Call::Fetch),
        ("create", Call::Create),
        ("list2", Call::List(2)),
        ("list50", Call::List(50)),
    ];
    for (_, call) in calls
        .into_iter()
        .filter(|(name, _)| wanted.split(',').any(|w| w.trim() == *name))
    {
        let (mut e, mut p) = (Vec::new(), Vec::new());
        for round in 0..ROUNDS {
            let emu_first = round % 2 == 0;
            for side in [emu_first, !emu_first] {
                if side {
                    e.push(rate(&emu, call, &conv).await);
                } else if let (Some((_, prism)), false) =
                    (&prism_server, matches!(call, Call::List(50)))
                {
                    p.push(rate(prism, call, prism_conv).await);
                }
            }
        }
        let ratio = if p.is_empty() {
            String::new()
        } else {
            let mut ratios: Vec<f64> = e.iter().zip(&p).map(|(a, b)| a / b).collect();
            ratios.sort_by(|a, b| a.partial_cmp(b).unwrap());
            format!(
                "; emulator / Prism, median of rounds: {:.1}x",
                ratios[ratios.len() / 2]
            )
        };
        println!("{call:?} req/s emulator: {}", stats(e));
        if !p.is_empty() {
            println!("{call:?} req/s Prism:    {}{ratio}", stats(p));
        }
    }
}

async fn memory(emu: &Emulator, emu_client: &conversations_api::Client) {
    {
        // Memory per message.
        let big = emu_client
            .conversations()
            .create()
            .send()
            .await
            .unwrap()
            .sid;
        let before = rss_kib();
        let records_before = emu.record_count();
        let sem = Arc::new(tokio::sync::Semaphore::new(IN_FLIGHT));
        let mut tasks = Vec::new();
        for _ in 0..MESSAGES {
            let permit = sem.clone().acquire_owned().await.unwrap();
            let (c, sid) = (emu_client.clone(), big.clone());
            tasks.push(tokio::spawn(async move {
                c.conversation(&sid)
                    .messages()
                    .create()
                    .body("hi")
                    .send()
                    .await
                    .unwrap();
                drop(permit);
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        let after = rss_kib();
        assert_eq!(emu.record_count() - records_before, MESSAGES);
        println!(
            "memory: {} KiB more resident for {MESSAGES} messages: {:.0} bytes per message (2-byte body)",
            after.saturating_sub(before),
            (after.saturating_sub(before) as f64 * 1024.0) / MESSAGES as f64
        );
    }
}
