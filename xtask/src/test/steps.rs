//! The step runner of `cargo xtask test`: run one command as a named step and report how it
//! went, run `cargo test` and add up its results, and check that a tool is on `PATH`.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use super::REFERENCE_VAR;

pub(super) fn step(name: &str, cmd: &mut Command) -> bool {
    println!("== xtask test: {name}");
    let started = Instant::now();
    match cmd.status() {
        Ok(s) if s.success() => {
            println!(
                "== xtask test: {name}: ok ({:.1} s)",
                started.elapsed().as_secs_f64()
            );
            true
        }
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

/// A step that runs in this process: `Ok(true)` passes, `Ok(false)` fails (the function has
/// said why), `Err` fails with its message.
pub(super) fn step_in_process(name: &str, run: impl FnOnce() -> Result<bool, String>) -> bool {
    println!("== xtask test: {name}");
    let started = Instant::now();
    match run() {
        Ok(true) => {
            println!(
                "== xtask test: {name}: ok ({:.1} s)",
                started.elapsed().as_secs_f64()
            );
            true
        }
        Ok(false) => {
            eprintln!("== xtask test: {name} failed");
            false
        }
        Err(e) => {
            eprintln!("== xtask test: {name} failed: {e}");
            false
        }
    }
}

/// `cargo test --workspace <extra>`, echoing its output and adding up its `test result:` lines.
pub(super) fn cargo_test(
    name: &str,
    root: &Path,
    cargo: &str,
    extra: &[&str],
    reference: Option<&Path>,
) -> Option<(u64, u64)> {
    use std::io::{BufRead, BufReader};
    println!("== xtask test: {name}");
    let started = Instant::now();
    let mut cmd = Command::new(cargo);
    cmd.current_dir(root)
        .args(["test", "--workspace", "--quiet"])
        .args(extra)
        .stdout(Stdio::piped());
    if let Some(path) = reference {
        cmd.env(REFERENCE_VAR, path);
    }
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("== xtask test: {name} could not start: {e}");
            return None;
        }
    };
    let (mut passed, mut failed) = (0u64, 0u64);
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            println!("{line}");
            if let Some(rest) = line.strip_prefix("test result: ") {
                let count = |word: &str| -> u64 {
                    rest.split(';')
                        .find_map(|part| {
                            part.trim()
                                .strip_suffix(word)?
                                .trim()
                                .rsplit(' ')
                                .next()?
                                .parse()
                                .ok()
                        })
                        .unwrap_or(0)
                };
                passed += count("passed");
                failed += count("failed");
            }
        }
    }
    match child.wait() {
        Ok(s) if s.success() => {
            println!(
                "== xtask test: {name}: ok, {passed} passed ({:.1} s)",
                started.elapsed().as_secs_f64()
            );
            Some((passed, failed))
        }
        Ok(s) => {
            eprintln!("== xtask test: {name} failed ({s}): {passed} passed, {failed} failed");
            None
        }
        Err(e) => {
            eprintln!("== xtask test: {name}: {e}");
            None
        }
    }
}

pub(super) fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}
