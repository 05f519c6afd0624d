//! `cargo xtask test [--reference PATH]`: every test the project has, in the order a reviewer
//! wants failures.
//!
//! 1. generated code is fresh (`regen --check`), `cargo fmt --check`, `cargo clippy -D warnings`,
//!    the docs build without a warning (`RUSTDOCFLAGS=-D warnings cargo doc`), and the two
//!    crates users depend on package and build from their packages (`cargo package` of
//!    `twilio-runtime` and `conversations-api`);
//! 2. `cargo test --workspace` (unit, snapshot, wire, runtime, example-decoding and fuzz tests);
//! 3. with Twilio's published spec (`--reference PATH` or `TWILIO_REFERENCE_SPEC`), the upstream
//!    checks: the `#[ignore]`d tests that read it (our spec's facts equal to it, drift found in
//!    it, same public API); without it, one line says they were skipped. The file is not part of
//!    this repository (README, "Upstream checks");
//! 4. crates generated from other specs build without a single warning in the workspace's own
//!    target directory, side by side: one per generator fixture (`codegen/tests/fixtures`), and,
//!    with the reference, the crate from Twilio's spec. They reuse the dependencies step 2
//!    built. Fixtures with a wire test (`codegen/tests/wire/<fixture>.rs`) run it against the
//!    in-process server;
//! 5. conformance against an independent mock: Prism (pinned in `package.json`, installed by
//!    `npm ci` into the git-ignored `node_modules/`) serves `spec/conversations_v1.yaml` on
//!    127.0.0.1; the conformance suite (`tests/src/bin/conformance`) calls every operation
//!    through the generated client against it, then `scripts/prism_check.py` checks the spec's
//!    own examples against the same Prism. Then the same suite runs against the emulator
//!    (`conversations-emulator`, with the suite's credentials) behind Prism as a validating
//!    proxy (`prism proxy --errors`), which checks every request and every answer of the
//!    emulator against the spec; the suite seeds the records its SIDs name through the
//!    emulator's `/_emulator/records` and must end `103/103 operations, .. 0 rejected,
//!    0 violations`. Then, for each fixture with a Prism driver
//!    (`codegen/tests/prism/<fixture>.rs`), Prism serves that fixture and the driver sends its
//!    JSON bodies through the generated crate, so Prism validates them (it answers 422 to a body
//!    its spec rejects). Then a second Prism serves `spec/media_v1.yaml` (the Media Content
//!    Service, another host) for `tests/src/bin/conformance_media`. Prism (and the emulator)
//!    runs in a process group of its own, and the whole group is killed on every path (success,
//!    failure, panic, Ctrl-C).
//!
//! See docs/conformance.md.
//!
//! This file reads the arguments and runs the steps in order; `steps` runs one command as a
//! step, `fixtures` is step 4, `conformance` and `own_prism` (media, v2) are step 5, `prism` holds the server
//! processes they start (Prism, the emulator).

mod conformance;
pub(crate) mod fixtures;
mod own_prism;
mod prism;
mod prism_reference;
mod steps;

use std::path::PathBuf;
use std::process::{Command, ExitCode};

use conformance::conformance;
use fixtures::generated_crates;
use steps::{cargo_test, step, step_in_process};

/// The environment variable that names Twilio's published spec for the upstream checks.
const REFERENCE_VAR: &str = "TWILIO_REFERENCE_SPEC";

/// `--reference PATH`, else `TWILIO_REFERENCE_SPEC`; made absolute (tests run in their crate's
/// folder) and checked to be a file.
fn reference_arg(args: &[String]) -> Result<Option<PathBuf>, String> {
    let given = match args {
        [] => std::env::var_os(REFERENCE_VAR)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from),
        [flag, path] if flag == "--reference" => Some(PathBuf::from(path)),
        _ => return Err("usage: cargo xtask test [--reference PATH]".into()),
    };
    let Some(path) = given else {
        return Ok(None);
    };
    std::fs::canonicalize(&path)
        .ok()
        .filter(|p| p.is_file())
        .map(Some)
        .ok_or_else(|| {
            format!(
                "the reference spec {} is not a readable file",
                path.display()
            )
        })
}

/// Where `cargo package` builds the packages it checks: a target folder of its own.
const PACKAGE_TARGET: &str = "target/package-verify";

/// The crates users depend on, packaged and checked in [`PACKAGE_TARGET`]: the same list for
/// `cargo package` and for the clean before it.
const PACKAGED: [&str; 6] = [
    "-p",
    "twilio-runtime",
    "-p",
    "conversations-api",
    "--target-dir",
    PACKAGE_TARGET,
];

/// Before `cargo package`: its check build compiles the packaged runtime as a registry crate,
/// and cargo takes a registry crate of an unchanged version as unchanged, so a runtime built
/// by an earlier run would be used instead of today's (an API crate that calls something new
/// in the runtime then fails to build; a fresh clone never has one). The check builds in a
/// target folder of its own, whose two packaged crates are cleaned first; their dependencies
/// stay built.
fn fresh_package_dir(root: &std::path::Path, cargo: &str) -> bool {
    let _ = std::fs::remove_dir_all(root.join("target/package"));
    step(
        "clean the packaged crates' last check build",
        Command::new(cargo)
            .current_dir(root)
            .args(["clean", "--quiet"])
            .args(PACKAGED),
    )
}

/// Every cargo this run starts builds without incremental data, unless the caller chose
/// (`CARGO_INCREMENTAL` set). A run builds each crate once, so incremental data saves no time,
/// and it is the biggest part of the target folder: about 4 GB of a fresh clone's 9.8 GB, which
/// has filled a CI machine's disk (README, "What `cargo xtask test` runs").
fn lean_builds() {
    if std::env::var_os("CARGO_INCREMENTAL").is_none() {
        // Set before any thread or child starts, so every child inherits it.
        std::env::set_var("CARGO_INCREMENTAL", "0");
    }
}

pub fn run(args: &[String]) -> ExitCode {
    let reference = match reference_arg(args) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("xtask test: {e}");
            return ExitCode::from(2);
        }
    };
    let root = crate::project_root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    lean_builds();
    let ok = step_in_process("regen --check", crate::regen::check)
        && step(
            "cargo fmt --check",
            Command::new(&cargo)
                .current_dir(&root)
                .args(["fmt", "--all", "--check"]),
        )
        && step(
            "cargo clippy -D warnings",
            Command::new(&cargo).current_dir(&root).args([
                "clippy",
                "--quiet",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ]),
        )
        && step(
            "cargo doc, warnings denied",
            Command::new(&cargo)
                .current_dir(&root)
                .env("RUSTDOCFLAGS", "-D warnings")
                .args([
                    "doc",
                    "--quiet",
                    "--workspace",
                    "--no-deps",
                    "--all-features",
                ]),
        )
        && fresh_package_dir(&root, &cargo)
        && step(
            "cargo package twilio-runtime conversations-api",
            Command::new(&cargo)
                .current_dir(&root)
                .args(["package", "--quiet", "--allow-dirty"])
                .args(PACKAGED),
        );
    if !ok {
        return ExitCode::FAILURE;
    }
    let Some((mut passed, mut failed)) =
        cargo_test("cargo test --workspace", &root, &cargo, &[], None)
    else {
        return ExitCode::FAILURE;
    };
    match &reference {
        Some(path) => {
            let Some((p, f)) = cargo_test(
                "upstream checks (the ignored tests, on the reference spec)",
                &root,
                &cargo,
                &["--", "--ignored"],
                Some(path),
            ) else {
                return ExitCode::FAILURE;
            };
            passed += p;
            failed += f;
        }
        None => println!(
            "== xtask test: upstream checks skipped: no reference spec given (--reference PATH \
             or {REFERENCE_VAR}; README, \"Upstream checks\")"
        ),
    }
    if !generated_crates(&root, &cargo, reference.as_deref()) {
        return ExitCode::FAILURE;
    }
    if conformance(&root, &cargo, reference.as_deref()) {
        println!("== xtask test: all steps passed");
        println!("tests: {passed} passed, {failed} failed");
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
