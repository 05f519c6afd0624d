//! Step 5 of `cargo xtask test`: conformance against Prism. The conformance suite and the spec's
//! own examples against Prism serving `spec/conversations_v1.yaml`, then the JSON bodies of each
//! fixture with a Prism driver, then the Media Content Service (`media`).

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use super::fixtures::dependency_profile;
use super::media::media_conformance;
use super::prism::{prism_installed, Prism};
use super::steps::{have, step};

/// Step 5: Prism, the conformance suite and the spec-level example check.
pub(super) fn conformance(root: &Path, cargo: &str) -> bool {
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
    let ok = step(
        "conformance suite (every operation through the client)",
        Command::new(cargo)
            .current_dir(root)
            .env("CONFORMANCE_BASE_URL", &prism.url)
            .args([
                "run",
                "--quiet",
                "-p",
                "conversations-tests",
                "--bin",
                "conformance",
            ]),
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
    ok && json_fixtures_against_prism(root, cargo) && media_conformance(root, cargo)
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
