//! Step 5 of `cargo xtask test`: conformance against Prism. The conformance suite and the spec's
//! own examples against Prism serving `spec/conversations_v1.yaml`; the same suite against the
//! emulator behind Prism's validating proxy (of `spec/`, and of Twilio's published spec when it
//! is given); then the JSON bodies of each fixture with a Prism
//! driver, then the Media Content Service (`media`), then Conversations v2 (`v2`).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use super::fixtures::dependency_profile;
use super::own_prism;
use super::prism::{prism_installed, Prism, Server};
use super::steps::{have, step};

/// Run the conformance suite as a step: its output echoed, and its last summary line
/// (`conformance: N/103 operations, ...`) repeated on the step's closing line.
fn suite_step(name: &str, cmd: &mut Command) -> bool {
    println!("== xtask test: {name}");
    let started = Instant::now();
    let mut child = match cmd.stdout(Stdio::piped()).spawn() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("== xtask test: {name} could not start: {e}");
            return false;
        }
    };
    let mut summary = None;
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            println!("{line}");
            if line.starts_with("conformance: ") && line.contains(" operations, ") {
                summary = Some(line);
            }
        }
    }
    let summary = summary.unwrap_or_else(|| "no summary line".to_string());
    match child.wait() {
        Ok(s) if s.success() => {
            println!(
                "== xtask test: {name}: ok ({:.1} s): {summary}",
                started.elapsed().as_secs_f64()
            );
            true
        }
        Ok(s) => {
            eprintln!("== xtask test: {name} failed ({s}): {summary}");
            false
        }
        Err(e) => {
            eprintln!("== xtask test: {name}: {e}");
            false
        }
    }
}

/// The conformance suite's command (`cargo run -p conversations-tests --bin conformance`).
fn suite(root: &Path, cargo: &str) -> Command {
    let mut cmd = Command::new(cargo);
    cmd.current_dir(root).args([
        "run",
        "--quiet",
        "-p",
        "conversations-tests",
        "--bin",
        "conformance",
    ]);
    cmd
}

/// Step 5: Prism, the conformance suite and the spec-level example check.
pub(super) fn conformance(root: &Path, cargo: &str, reference: Option<&Path>) -> bool {
    for (tool, why) in [
        ("node", "Node.js runs the Prism mock server"),
        ("npm", "npm installs Prism from package.json"),
        ("python3", "python3 runs scripts/prism_check.py"),
    ] {
        if !have(tool) {
            eprintln!(
                "== xtask test: `{tool}` is not installed or not on PATH ({why}); the conformance \
                 step needs Node.js 18+ with npm, and python3"
            );
            return false;
        }
    }
    if !prism_installed(root)
        && !step(
            "npm ci (Prism, as pinned in package.json)",
            Command::new("npm")
                .current_dir(root)
                // Prism is a devDependency: install it even under NODE_ENV=production.
                .args(["ci", "--include=dev", "--no-audit", "--no-fund"]),
        )
    {
        return false;
    }
    // Build first, so Prism does not sit idle through a compile.
    // Built apart, as each is run: one build of both would unify their dependencies' features,
    // and `cargo run` of either would then build again.
    if !step(
        "build the conformance suite",
        Command::new(cargo).current_dir(root).args([
            "build",
            "--quiet",
            "-p",
            "conversations-tests",
            "--bin",
            "conformance",
            "--bin",
            "conformance_media",
            "--bin",
            "conformance_v2",
        ]),
    ) || !step(
        "build the emulator",
        Command::new(cargo).current_dir(root).args([
            "build",
            "--quiet",
            "-p",
            "conversations-emulator",
            "--bin",
            "conversations-emulator",
        ]),
    ) {
        return false;
    }
    println!("== xtask test: start Prism on spec/conversations_v1.yaml");
    let started = Instant::now();
    let prism = match Prism::start(root, Path::new("spec/conversations_v1.yaml"), "prism.log") {
        Ok(p) => p,
        Err(e) => {
            eprintln!("== xtask test: {e}");
            return false;
        }
    };
    println!(
        "== xtask test: Prism (pid {}) answers on {} ({:.1} s)",
        prism.child.id(),
        prism.url,
        started.elapsed().as_secs_f64()
    );
    let ok = suite_step(
        "conformance suite (every operation through the client)",
        suite(root, cargo).env("CONFORMANCE_BASE_URL", &prism.url),
    ) & step(
        "prism check (the spec's own examples and requests)",
        Command::new("python3")
            .current_dir(root)
            .arg("scripts/prism_check.py")
            .arg("--base-url")
            .arg(&prism.url),
    );
    if !ok {
        eprintln!("== xtask test: Prism's log: {}", prism.log.display());
    }
    drop(prism); // stops it; also happens on any early return or panic
    ok && against_emulator(root, cargo, Path::new("spec/conversations_v1.yaml"))
        && reference.is_none_or(|r| against_emulator_on_reference(root, cargo, r))
        && json_fixtures_against_prism(root, cargo)
        && own_prism::run(root, cargo, &own_prism::MEDIA)
        && own_prism::run(root, cargo, &own_prism::V2)
}

/// Step 5, emulator part: the conformance suite against the emulator, with Prism in front of it
/// as a validating proxy (`prism proxy --errors`): every request checked against the spec before
/// the emulator gets it, every answer of the emulator checked before the client gets it. The
/// suite seeds the records its fixed SIDs name straight into the emulator
/// (`CONFORMANCE_EMULATOR_URL`), and counts the violations Prism reports. `spec`: what Prism
/// validates against.
fn against_emulator(root: &Path, cargo: &str, spec: &Path) -> bool {
    println!("== xtask test: start the emulator (cargo run -p conversations-emulator)");
    let started = Instant::now();
    let emulator = match Server::emulator(root, cargo, "emulator.log") {
        Ok(e) => e,
        Err(e) => {
            eprintln!("== xtask test: {e}");
            return false;
        }
    };
    println!(
        "== xtask test: the emulator (pid {}) answers on {} ({:.1} s)",
        emulator.child.id(),
        emulator.url,
        started.elapsed().as_secs_f64()
    );
    println!(
        "== xtask test: start Prism as a validating proxy of {} in front of the emulator",
        spec.display()
    );
    let started = Instant::now();
    let proxy = match Prism::proxy(root, spec, &emulator.url, "prism-proxy.log") {
        Ok(p) => p,
        Err(e) => {
            eprintln!("== xtask test: {e}");
            return false;
        }
    };
    println!(
        "== xtask test: Prism proxy (pid {}) answers on {} ({:.1} s)",
        proxy.child.id(),
        proxy.url,
        started.elapsed().as_secs_f64()
    );
    let ok = suite_step(
        &format!(
            "conformance suite against the emulator, behind Prism validating {}",
            spec.display()
        ),
        suite(root, cargo)
            .env("CONFORMANCE_BASE_URL", &proxy.url)
            .env("CONFORMANCE_EMULATOR_URL", &emulator.url),
    );
    if !ok {
        eprintln!(
            "== xtask test: Prism's log: {}; the emulator's: {}",
            proxy.log.display(),
            emulator.log.display()
        );
    }
    ok
}

/// With Twilio's published spec: the emulator's answers checked against Twilio's own file, not
/// only against `spec/` (issue 23 asks for both). Prism gets the file with its form bodies'
/// array fields stated as OpenAPI's default (`prism_reference.rs` says why).
fn against_emulator_on_reference(root: &Path, cargo: &str, reference: &Path) -> bool {
    match super::prism_reference::prism_ready(root, reference) {
        Ok((spec, added)) => {
            println!(
                "== xtask test: {} with {added} form array fields given OpenAPI's default \
                 encoding (style form, explode) for Prism: {}",
                reference.display(),
                spec.display()
            );
            against_emulator(root, cargo, &spec)
        }
        Err(e) => {
            eprintln!("== xtask test: the reference spec for Prism: {e}");
            false
        }
    }
}

/// Fixtures whose JSON bodies Prism checks: each has a driver `codegen/tests/prism/<name>.rs`,
/// copied by step 4 into the fixture's generated crate as `tests/prism.rs`.
fn prism_fixtures(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root.join("codegen/tests/prism"))
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter_map(|e| {
                    let name = e.file_name().into_string().ok()?;
                    Some(name.strip_suffix(".rs")?.to_string())
                })
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Step 5, JSON part: for each fixture with a Prism driver, Prism serves the fixture's spec and
/// the driver (a test of the crate generated from it, built in step 4) sends every JSON-body
/// operation through the generated client; Prism answers 422 to a body its spec rejects, so a
/// wrong body fails the driver. The driver also sends one body it knows is wrong, to see Prism
/// refuse it.
fn json_fixtures_against_prism(root: &Path, cargo: &str) -> bool {
    let crates = root.join("target/generated-crates");
    let profile = dependency_profile(root);
    for name in prism_fixtures(root) {
        let spec = root
            .join("codegen/tests/fixtures")
            .join(format!("{name}.yaml"));
        let manifest = crates.join(&name).join("Cargo.toml");
        if !manifest.is_file() {
            eprintln!(
                "== xtask test: {} is missing (step 4 generates it)",
                manifest.display()
            );
            return false;
        }
        // Build first, so Prism does not sit idle through a compile.
        let test_cmd = |extra: &[&str]| {
            let mut cmd = Command::new(cargo);
            cmd.current_dir(&crates)
                .env("CARGO_TARGET_DIR", root.join("target"))
                .args(&profile)
                .args(["test", "--quiet", "--manifest-path"])
                .arg(&manifest)
                .args(["--test", "prism"])
                .args(extra);
            cmd
        };
        if !step(
            &format!("build the Prism driver of the {name} fixture"),
            &mut test_cmd(&["--no-run"]),
        ) {
            return false;
        }
        println!("== xtask test: start Prism on codegen/tests/fixtures/{name}.yaml");
        let started = Instant::now();
        let prism = match Prism::start(root, &spec, &format!("prism-{name}.log")) {
            Ok(p) => p,
            Err(e) => {
                eprintln!("== xtask test: {e}");
                return false;
            }
        };
        println!(
            "== xtask test: Prism (pid {}) answers on {} ({:.1} s)",
            prism.child.id(),
            prism.url,
            started.elapsed().as_secs_f64()
        );
        let mut run = test_cmd(&[]);
        run.env("PRISM_BASE_URL", &prism.url);
        let ok = step(
            &format!("JSON bodies of the {name} fixture, validated by Prism"),
            &mut run,
        );
        if !ok {
            eprintln!("== xtask test: Prism's log: {}", prism.log.display());
            return false;
        }
        drop(prism);
    }
    true
}
