//! `cargo xtask bench [--quick]`: the figures in BENCHMARKS.md.
//!
//! - generator: each stage (load, lower, emit, format) for `spec/` and Twilio's reference,
//!   median of 15 in-process runs, in the build `cargo xtask` itself uses (for `spec/` alone:
//!   `--generator-only`);
//! - `regen --check` as the xtask binary and as the typed command `cargo xtask regen --check`
//!   (xtask already built): median of 11 runs each;
//! - generated crate size;
//! - compile time of `conversations-api` alone (dependencies built) in debug and release, and
//!   a clean build with its dependencies in a fresh target folder (the workspace's profile),
//!   and what a user pays: a clean debug build of a binary using the standalone crate;
//! - runtime: `cargo bench -p conversations-tests --bench runtime` (client overhead against
//!   plain reqwest, JSON throughput of a 1000-item page, peak heap streaming 10 and 1000 pages),
//!   and the instructions per request of the client and of plain reqwest under callgrind
//!   (also alone: `--instructions`);
//! - media uploads: `cargo bench -p conversations-tests --bench media_upload` (peak RSS of a
//!   1 MB and a 100 MB upload, streamed from the file and read into memory first).

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use crate::timing::{median, time_command};

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

fn generator(name: &str, path: &Path, runs: usize) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut stages: [Vec<Duration>; 5] = Default::default();
    for _ in 0..runs {
        let start = Instant::now();
        let (_, t) = codegen::generate_timed(&codegen::Input::new(&text, name))
            .map_err(|e| e.to_string())?;
        let total = start.elapsed();
        for (i, d) in [t.load, t.lower, t.emit, t.format, total]
            .into_iter()
            .enumerate()
        {
            stages[i].push(d);
        }
    }
    let [load, lower, emit, format, total] = stages.map(median);
    println!(
        "generator {name}: load {}, lower {}, emit {}, format {}, total {} (median of {runs})",
        ms(load),
        ms(lower),
        ms(emit),
        ms(format),
        ms(total)
    );
    Ok(())
}

/// What a user pays: `regen --out` writes the standalone crate (its own `[workspace]`, none of
/// this workspace's profile overrides), a one-file binary depends on it by path, and `cargo
/// build` (debug) runs in an empty target folder. The lock file is this workspace's, so the
/// same dependency versions are measured and no registry index update is needed.
fn user_build(root: &Path, cargo: &str, xtask: &Path) -> Result<Duration, String> {
    let dir = root.join("target/bench-user-build");
    let _ = std::fs::remove_dir_all(&dir);
    let app = dir.join("app");
    time_command(
        Command::new(xtask)
            .current_dir(root)
            .args(["regen", "--crate-name", "conversations-api", "--out"])
            .arg(dir.join("client")),
    )?;
    let src = app.join("src");
    std::fs::create_dir_all(&src).map_err(|e| e.to_string())?;
    let manifest =
        "[package]\nname = \"bench-user-app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
                    [dependencies]\nconversations-api = { path = \"../client\" }\n\
                    tokio = { version = \"1\", features = [\"rt\", \"macros\"] }\n\n[workspace]\n";
    let main = "#[tokio::main(flavor = \"current_thread\")]\nasync fn main() {\n    \
                let client = conversations_api::Client::from_env().expect(\"credentials\");\n    \
                let conv = client.conversation(\"CH00000000000000000000000000000001\").fetch().send().await;\n    \
                println!(\"{}\", conv.is_ok());\n}\n";
    std::fs::write(app.join("Cargo.toml"), manifest)
        .and_then(|()| std::fs::write(src.join("main.rs"), main))
        .and_then(|()| std::fs::copy(root.join("Cargo.lock"), app.join("Cargo.lock")).map(drop))
        .map_err(|e| format!("{}: {e}", app.display()))?;
    let d = time_command(
        Command::new(cargo)
            .current_dir(&app)
            .env("CARGO_TARGET_DIR", dir.join("target"))
            .args(["build", "--quiet"]),
    )?;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(d)
}

fn lines(dir: &Path) -> (usize, usize) {
    let mut all = 0;
    let mut non_blank = 0;
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            if let Ok(text) = std::fs::read_to_string(e.path()) {
                all += text.lines().count();
                non_blank += text.lines().filter(|l| !l.trim().is_empty()).count();
            }
        }
    }
    (all, non_blank)
}

pub fn run(args: &[String]) -> ExitCode {
    if args.iter().any(|a| a == "--scale") {
        return match crate::scale::bench(&crate::project_root()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("bench --scale: {e}");
                ExitCode::FAILURE
            }
        };
    }
    if args.iter().any(|a| a == "--instructions") {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        return match instructions(&crate::project_root(), &cargo) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("bench --instructions: {e}");
                ExitCode::FAILURE
            }
        };
    }
    if args.iter().any(|a| a == "--downstream") {
        return match crate::downstream::bench(&crate::project_root(), args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("bench --downstream: {e}");
                ExitCode::FAILURE
            }
        };
    }
    if args.iter().any(|a| a == "--generator-only") {
        // The generator stages alone, for work on the generator's speed: 15 runs.
        let path = crate::project_root().join("spec/conversations_v1.yaml");
        return match generator("spec/conversations_v1.yaml", &path, 15) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("bench --generator-only: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let quick = args.iter().any(|a| a == "--quick");
    match bench(quick) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench: {e}");
            ExitCode::FAILURE
        }
    }
}

fn bench(quick: bool) -> Result<(), String> {
    let root = crate::project_root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    // Twilio's published spec is not part of the repository: timed only when named.
    let reference = std::env::var_os("TWILIO_REFERENCE_SPEC").map(std::path::PathBuf::from);
    println!(
        "machine: {} cores, {}",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0),
        std::env::consts::ARCH
    );

    // Generator stages, in-process.
    let runs = if quick { 5 } else { 15 };
    generator(
        "spec/conversations_v1.yaml",
        &root.join("spec/conversations_v1.yaml"),
        runs,
    )?;
    let reference = reference.filter(|p| p.is_file());
    match &reference {
        Some(reference) => generator("reference", reference, runs)?,
        None => println!("generator on Twilio's spec: skipped (set TWILIO_REFERENCE_SPEC)"),
    }

    // `regen --check` twice: the xtask binary alone (what the generator pipeline costs, with
    // process start), and the command as a maintainer types it, `cargo xtask regen --check`,
    // which adds cargo's start-up and its freshness check of the xtask build.
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let runs = if quick { 3 } else { 11 };
    let mut binary = Vec::new();
    let mut typed = Vec::new();
    for _ in 0..runs {
        binary.push(time_command(
            Command::new(&exe)
                .current_dir(&root)
                .args(["regen", "--check"]),
        )?);
        typed.push(time_command(
            Command::new(&cargo)
                .current_dir(&root)
                .args(["xtask", "regen", "--check"]),
        )?);
    }
    println!(
        "regen --check, xtask binary: {} (median of {runs})",
        ms(median(binary))
    );
    println!(
        "cargo xtask regen --check, as typed (xtask built): {} (median of {runs})",
        ms(median(typed))
    );

    // Generated code size.
    let (all, non_blank) = lines(&root.join("conversations-api/src/generated"));
    println!("generated code (spec/): {all} lines, {non_blank} non-blank");
    if let Some(reference) = &reference {
        let out = root.join("target/bench-reference-crate");
        time_command(
            Command::new(&exe)
                .current_dir(&root)
                .arg("regen")
                .arg("--spec")
                .arg(reference)
                .arg("--out")
                .arg(&out),
        )?;
        let (all, non_blank) = lines(&out.join("src/generated"));
        println!("generated code (reference): {all} lines, {non_blank} non-blank");
    }

    // Compile time of the crate alone, dependencies already built. Incremental compilation is
    // off: with it, rebuilding after touching a file reuses almost everything and measures
    // nothing.
    for (profile, extra) in [("debug", None), ("release", Some("--release"))] {
        let build = || {
            let mut cmd = Command::new(&cargo);
            cmd.current_dir(&root)
                .env("CARGO_INCREMENTAL", "0")
                .args(["build", "--quiet", "-p", "conversations-api"])
                .args(extra);
            cmd
        };
        time_command(&mut build())?;
        let mut samples = Vec::new();
        for _ in 0..(if quick { 1 } else { 3 }) {
            let lib = root.join("conversations-api/src/lib.rs");
            let text = std::fs::read_to_string(&lib).map_err(|e| e.to_string())?;
            std::thread::sleep(Duration::from_millis(1100)); // mtime granularity
            std::fs::write(&lib, text).map_err(|e| e.to_string())?; // new mtime
            samples.push(time_command(&mut build())?);
        }
        println!(
            "compile conversations-api alone ({profile}): {} (median)",
            secs(median(samples))
        );
    }
    if !quick {
        let fresh = root.join("target/bench-clean-build");
        let _ = std::fs::remove_dir_all(&fresh);
        let d = time_command(
            Command::new(&cargo)
                .current_dir(&root)
                .env("CARGO_TARGET_DIR", &fresh)
                .args(["build", "--quiet", "-p", "conversations-api"]),
        )?;
        println!(
            "clean build of conversations-api with dependencies, workspace profile (deps at \
             opt-level 2): {}",
            secs(d)
        );
        let _ = std::fs::remove_dir_all(&fresh);
        let d = user_build(&root, &cargo, &exe)?;
        println!(
            "a user's clean debug build of a binary using a standalone crate (regen --out): {}",
            secs(d)
        );
    }

    // Runtime figures.
    let mut cmd = Command::new(&cargo);
    cmd.current_dir(&root).args([
        "bench",
        "--quiet",
        "-p",
        "conversations-tests",
        "--bench",
        "runtime",
        "--",
    ]);
    if quick {
        cmd.arg("--quick");
    }
    let out = cmd.output().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!(
            "runtime bench failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    for line in String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.starts_with("bench: "))
    {
        println!("runtime {}", &line["bench: ".len()..]);
    }
    if !quick {
        instructions(&root, &cargo)?;
    }

    // Media upload memory (peak RSS of 1 MB and 100 MB uploads; the same in --quick).
    let out = Command::new(&cargo)
        .current_dir(&root)
        .args([
            "bench",
            "--quiet",
            "-p",
            "conversations-tests",
            "--bench",
            "media_upload",
        ])
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!(
            "media upload bench failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    for line in String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.starts_with("bench: "))
    {
        println!("media {}", &line["bench: ".len()..]);
    }
    Ok(())
}

/// Instructions per request of the client and of plain reqwest, counted by callgrind (skipped
/// when valgrind is not installed): the bench binary's `--one-side` mode makes `few` and then
/// `many` requests of one workload by one side, and the difference of the two counts over
/// `many - few` is the cost of one request, start-up and warm-up cancelled out. Two counts: the
/// whole process (the in-process server's share is in both sides, but it parses whatever the
/// side sends, a longer `User-Agent` included), and the client's thread alone.
fn instructions(root: &Path, cargo: &str) -> Result<(), String> {
    let valgrind = Command::new("valgrind").arg("--version").output();
    if !valgrind.is_ok_and(|o| o.status.success()) {
        println!("runtime instructions = skipped (valgrind is not installed)");
        return Ok(());
    }
    let out = Command::new(cargo)
        .current_dir(root)
        .args([
            "bench",
            "--quiet",
            "-p",
            "conversations-tests",
            "--bench",
            "runtime",
            "--no-run",
            "--message-format=json",
        ])
        .output()
        .map_err(|e| e.to_string())?;
    let exe = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["target"]["name"] == "runtime")
        .find_map(|v| v["executable"].as_str().map(String::from))
        .ok_or("no runtime bench executable in cargo's output")?;
    let out_file = root.join("target/bench-callgrind.out");
    // Per thread: the file of thread 1 (the `--one-side` mode's main thread, which runs the
    // client's single-threaded runtime) counts the client side alone; the server's thread and
    // any resolver thread have files of their own.
    let count = |side: &str, work: &str, n: usize| -> Result<(u64, u64), String> {
        let out = Command::new("valgrind")
            .arg("--tool=callgrind")
            .arg("--separate-threads=yes")
            .arg(format!("--callgrind-out-file={}", out_file.display()))
            .arg(&exe)
            .args(["--one-side", side, work, &n.to_string()])
            .output()
            .map_err(|e| e.to_string())?;
        let text = String::from_utf8_lossy(&out.stderr);
        let whole = text
            .lines()
            .find_map(|l| l.split("Collected :").nth(1))
            .and_then(|n| n.trim().parse().ok())
            .ok_or_else(|| format!("callgrind printed no count for {side} {work}: {text}"));
        let main_file = PathBuf::from(format!("{}-01", out_file.display()));
        let main = std::fs::read_to_string(&main_file)
            .ok()
            .and_then(|t| {
                t.lines()
                    .find_map(|l| l.strip_prefix("summary:").or(l.strip_prefix("totals:")))
                    .and_then(|n| n.split_whitespace().next()?.parse().ok())
            })
            .ok_or_else(|| format!("no count for the main thread in {}", main_file.display()));
        if let Some(dir) = out_file.parent() {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                if entry
                    .file_name()
                    .to_string_lossy()
                    .starts_with("bench-callgrind.out")
                {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
        }
        Ok((whole?, main?))
    };
    for (work, few, many) in [
        ("fetch", 200, 1200),
        ("create", 200, 1200),
        ("list", 50, 300),
    ] {
        let per = |side: &str| -> Result<(f64, f64), String> {
            let (a, b) = (count(side, work, few)?, count(side, work, many)?);
            let n = (many - few) as f64;
            Ok(((b.0 as f64 - a.0 as f64) / n, (b.1 as f64 - a.1 as f64) / n))
        };
        let ((ours, ours_client), (plain, plain_client)) = (per("ours")?, per("plain")?);
        println!(
            "runtime instructions {work} = client {ours:.0}, reqwest {plain:.0} per request \
             (whole process), difference {:.0}, ratio {:.3}; client thread alone: client \
             {ours_client:.0}, reqwest {plain_client:.0}, difference {:.0}, ratio {:.3}",
            ours - plain,
            ours / plain,
            ours_client - plain_client,
            ours_client / plain_client
        );
    }
    Ok(())
}
