//! `cargo xtask test`: every test the project has, in the order a reviewer wants failures.
//!
//! 1. generated code is fresh (`regen --check`);
//! 2. `cargo test --workspace` (unit, snapshot, wire and runtime tests);
//! 3. Twilio's reference spec generates a standalone crate that builds;
//! 4. Prism (installed from `package.json` into the git-ignored `node_modules/`) answers a valid
//!    request to each of the 103 operations of `spec/`.

use std::process::{Command, ExitCode};

fn step(name: &str, cmd: &mut Command) -> bool {
    println!("== xtask test: {name}");
    match cmd.status() {
        Ok(s) if s.success() => true,
        Ok(s) => {
            eprintln!("== xtask test: {name} failed ({s})");
            false
        }
        Err(e) => {
            eprintln!("== xtask test: {name} could not start: {e}");
            false
        }
    }
}

fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

pub fn run(args: &[String]) -> ExitCode {
    if !args.is_empty() {
        eprintln!("usage: cargo xtask test");
        return ExitCode::from(2);
    }
    let root = crate::project_root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let ok = step(
        "regen --check",
        Command::new(&cargo)
            .current_dir(&root)
            .args(["run", "--quiet", "-p", "xtask", "--", "regen", "--check"]),
    ) && step(
        "cargo test --workspace",
        Command::new(&cargo)
            .current_dir(&root)
            .args(["test", "--workspace", "--quiet"]),
    );
    if !ok {
        return ExitCode::FAILURE;
    }
    // Twilio's own spec, as a user downloads it, must give a crate that builds.
    let reference = root.join("../shared/reference/twilio_conversations_v1.yaml");
    let out = root.join("target/reference-crate");
    if !reference.is_file() {
        eprintln!(
            "== xtask test: {} is missing (../shared must sit beside the repository)",
            reference.display()
        );
        return ExitCode::FAILURE;
    }
    let ok = step(
        "regen --spec <reference> --out target/reference-crate",
        Command::new(&cargo)
            .current_dir(&root)
            .args(["run", "--quiet", "-p", "xtask", "--", "regen", "--spec"])
            .arg(&reference)
            .arg("--out")
            .arg(&out),
    ) && step(
        "build the reference crate with -D warnings",
        Command::new(&cargo)
            .current_dir(&out)
            .env(
                "CARGO_TARGET_DIR",
                root.join("target/reference-crate-target"),
            )
            .env("RUSTFLAGS", "-D warnings")
            .args(["build", "--quiet"]),
    );
    if !ok {
        return ExitCode::FAILURE;
    }
    for tool in ["node", "npm", "python3"] {
        if !have(tool) {
            eprintln!(
                "== xtask test: `{tool}` is not installed; the Prism conformance step needs Node.js with npm and python3"
            );
            return ExitCode::FAILURE;
        }
    }
    if !root.join("node_modules/.bin/prism").exists()
        && !step(
            "npm ci (Prism)",
            Command::new("npm")
                .current_dir(&root)
                .args(["ci", "--no-audit", "--no-fund"]),
        )
    {
        return ExitCode::FAILURE;
    }
    if !step(
        "prism check",
        Command::new("python3")
            .current_dir(&root)
            .arg("scripts/prism_check.py"),
    ) {
        return ExitCode::FAILURE;
    }
    println!("== xtask test: all steps passed");
    ExitCode::SUCCESS
}
