//! `cargo xtask bench --downstream [--rounds N]`: what a user's build pays for our client next
//! to progenitor's output for the same spec, side by side on this machine (BENCHMARKS.md).
//!
//! Each side is a one-file binary that builds a client and fetches one conversation, depending
//! by path on a crate generated from `spec/conversations_v1.yaml`:
//! - ours: `regen --crate-name conversations-api --out` (the standalone crate), with this
//!   workspace's lock file, once with the default TLS (rustls) and once with `native-tls`;
//! - progenitor's: `cargo progenitor` (it must be installed: `cargo install cargo-progenitor`),
//!   whose crate comes without TLS, so the binary adds reqwest with a TLS feature, once with
//!   reqwest's own default (`rustls`, which builds aws-lc) and once with `native-tls` (the
//!   system's OpenSSL). progenitor stops on two constructs of our spec (an object schema with a
//!   `format`, and `encoding` entries of form bodies), so it reads a copy without them; neither
//!   changes which types or operations exist.
//!
//! For each side and round: a clean debug build and a clean release build in an empty target
//! folder, and the size of the release binary. Sides alternate within a round, so neither one
//! always runs on a warmer machine; the median over the rounds is printed. Dependencies are
//! resolved and downloaded before anything is timed.

use crate::timing::{median, time_command as time};
use std::path::{Path, PathBuf};
use std::process::Command;

/// One binary to build: how the report names it, and its folder.
struct Side {
    name: &'static str,
    dir: PathBuf,
}

pub fn bench(root: &Path, args: &[String]) -> Result<(), String> {
    let rounds: usize = match args.iter().position(|a| a == "--rounds") {
        Some(i) => args
            .get(i + 1)
            .and_then(|n| n.parse().ok())
            .filter(|n| *n > 0)
            .ok_or("--rounds needs a positive number")?,
        None => 3,
    };
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let xtask = std::env::current_exe().map_err(|e| e.to_string())?;
    let work = root.join("target/bench-downstream");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;

    let mut sides = ours(root, &work, &xtask)?;
    match progenitor(root, &work, &cargo) {
        Ok(mut more) => sides.append(&mut more),
        Err(why) => println!("bench: downstream: progenitor side skipped: {why}"),
    }
    for side in &sides {
        // Resolve and download outside the timed builds.
        run(Command::new(&cargo)
            .current_dir(&side.dir)
            .args(["fetch", "--quiet"]))?;
    }

    let mut debug = vec![Vec::new(); sides.len()];
    let mut release = vec![Vec::new(); sides.len()];
    let mut size = vec![0u64; sides.len()];
    for round in 0..rounds {
        let order: Vec<usize> = if round % 2 == 0 {
            (0..sides.len()).collect()
        } else {
            (0..sides.len()).rev().collect()
        };
        for i in order {
            let side = &sides[i];
            let target = work.join("target");
            let _ = std::fs::remove_dir_all(&target);
            let build = |release: bool| {
                let mut cmd = Command::new(&cargo);
                cmd.current_dir(&side.dir)
                    .env("CARGO_TARGET_DIR", &target)
                    .args(["build", "--quiet", "--offline"]);
                if release {
                    cmd.arg("--release");
                }
                time(&mut cmd)
            };
            let d = build(false)?;
            let _ = std::fs::remove_dir_all(&target);
            let r = build(true)?;
            let binary = target.join("release").join("downstream-app");
            size[i] = std::fs::metadata(&binary)
                .map_err(|e| format!("{}: {e}", binary.display()))?
                .len();
            println!(
                "bench: downstream round {} {}: debug {:.1} s, release {:.1} s, binary {:.2} MiB",
                round + 1,
                side.name,
                d.as_secs_f64(),
                r.as_secs_f64(),
                size[i] as f64 / 1048576.0
            );
            debug[i].push(d);
            release[i].push(r);
            let _ = std::fs::remove_dir_all(&target);
        }
    }
    for (i, side) in sides.iter().enumerate() {
        println!(
            "bench: downstream {}: clean debug build {:.1} s, clean release build {:.1} s \
             (medians of {rounds}), release binary {:.2} MiB",
            side.name,
            median(debug[i].clone()).as_secs_f64(),
            median(release[i].clone()).as_secs_f64(),
            size[i] as f64 / 1048576.0
        );
    }
    let _ = std::fs::remove_dir_all(&work);
    Ok(())
}

/// Our standalone crate, and one binary per TLS choice: the default (rustls) and the
/// system's OpenSSL, to set beside progenitor's two.
fn ours(root: &Path, work: &Path, xtask: &Path) -> Result<Vec<Side>, String> {
    let client = work.join("ours-client");
    run(Command::new(xtask)
        .current_dir(root)
        .args(["regen", "--crate-name", "conversations-api", "--out"])
        .arg(&client))?;
    let main = "let client = conversations_api::Client::from_env().expect(\"credentials\");\n    \
                let conv = client.conversation(\"CH00000000000000000000000000000001\").fetch().send().await;";
    let mut sides = Vec::new();
    for (name, dir, dependency) in [
        (
            "ours (rustls, the default)",
            "ours-rustls",
            "conversations-api = { path = \"../ours-client\" }\n",
        ),
        (
            "ours (`native-tls`)",
            "ours-native-tls",
            "conversations-api = { path = \"../ours-client\", default-features = false, \
             features = [\"native-tls\"] }\n",
        ),
    ] {
        let dir = work.join(dir);
        app(&dir, dependency, main)?;
        std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))
            .map_err(|e| format!("Cargo.lock: {e}"))?;
        sides.push(Side { name, dir });
    }
    Ok(sides)
}

/// progenitor's crate, and one binary per TLS choice.
fn progenitor(root: &Path, work: &Path, cargo: &str) -> Result<Vec<Side>, String> {
    let version = Command::new(cargo)
        .args(["progenitor", "--help"])
        .output()
        .map_err(|e| e.to_string())?;
    if !version.status.success() {
        return Err("`cargo progenitor` is not installed (cargo install cargo-progenitor)".into());
    }
    let spec_text = std::fs::read_to_string(root.join("spec/conversations_v1.yaml"))
        .map_err(|e| e.to_string())?;
    let mut spec: serde_yaml::Value =
        serde_yaml::from_str(&spec_text).map_err(|e| e.to_string())?;
    strip_for_progenitor(&mut spec);
    let spec_path = work.join("progenitor-spec.yaml");
    std::fs::write(
        &spec_path,
        serde_yaml::to_string(&spec).map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    run(Command::new(cargo)
        .args(["progenitor", "-i"])
        .arg(&spec_path)
        .arg("-o")
        .arg(work.join("progenitor-client"))
        .args(["-n", "conversations-progenitor", "-v", "0.1.0"]))?;
    let main = "let client = conversations_progenitor::Client::new(\"https://conversations.twilio.com\");\n    \
                let conv = client.fetch_conversation(\"CH00000000000000000000000000000001\").await;";
    let mut sides = Vec::new();
    for (name, dir, tls) in [
        (
            "progenitor + reqwest `rustls` (reqwest's default TLS)",
            "progenitor-rustls",
            "rustls",
        ),
        (
            "progenitor + reqwest `native-tls` (system OpenSSL)",
            "progenitor-native-tls",
            "native-tls",
        ),
    ] {
        let dir = work.join(dir);
        app(
            &dir,
            &format!(
                "conversations-progenitor = {{ path = \"../progenitor-client\" }}\n\
                 reqwest = {{ version = \"0.13\", default-features = false, features = [\"{tls}\"] }}\n"
            ),
            main,
        )?;
        sides.push(Side { name, dir });
    }
    Ok(sides)
}

/// Remove what progenitor cannot read: `format` on an object schema (`uri-map`) and the
/// `encoding` of a request body's media type.
fn strip_for_progenitor(v: &mut serde_yaml::Value) {
    match v {
        serde_yaml::Value::Mapping(map) => {
            let is_object = map.get("type").and_then(|t| t.as_str()) == Some("object");
            if is_object {
                map.remove("format");
            }
            if map.contains_key("schema") {
                map.remove("encoding");
            }
            for (_, child) in map.iter_mut() {
                strip_for_progenitor(child);
            }
        }
        serde_yaml::Value::Sequence(items) => items.iter_mut().for_each(strip_for_progenitor),
        _ => {}
    }
}

/// A binary crate `downstream-app` whose `main` runs `body` (which binds `conv`).
fn app(dir: &Path, dependencies: &str, body: &str) -> Result<(), String> {
    let src = dir.join("src");
    std::fs::create_dir_all(&src).map_err(|e| e.to_string())?;
    let manifest = format!(
        "[package]\nname = \"downstream-app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
         [dependencies]\n{dependencies}tokio = {{ version = \"1\", features = [\"rt\", \"macros\"] }}\n\n\
         [workspace]\n"
    );
    let main = format!(
        "#[tokio::main(flavor = \"current_thread\")]\nasync fn main() {{\n    {body}\n    \
         println!(\"{{}}\", conv.is_ok());\n}}\n"
    );
    std::fs::write(dir.join("Cargo.toml"), manifest)
        .and_then(|()| std::fs::write(src.join("main.rs"), main))
        .map_err(|e| format!("{}: {e}", dir.display()))
}

fn run(cmd: &mut Command) -> Result<(), String> {
    time(cmd).map(drop)
}
