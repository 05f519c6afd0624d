//! `cargo xtask test [--reference PATH]`: every test the project has, in the order a reviewer
//! wants failures.
//!
//! 1. generated code is fresh (`regen --check`), `cargo fmt --check`, `cargo clippy -D warnings`;
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
//!    own examples against the same Prism. Then, for each fixture with a Prism driver
//!    (`codegen/tests/prism/<fixture>.rs`), Prism serves that fixture and the driver sends its
//!    JSON bodies through the generated crate, so Prism validates them (it answers 422 to a body
//!    its spec rejects). Then a second Prism serves `spec/media_v1.yaml` (the Media Content
//!    Service, another host) for `tests/src/bin/conformance_media`. Prism is stopped by its
//!    process id on every path (success, failure, panic), together with any process it forked.
//!
//! See docs/conformance.md.

use std::fs::File;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

/// How long Prism may take to answer after it was started (it usually needs a few seconds).
const PRISM_START_LIMIT: Duration = Duration::from_secs(90);

fn step(name: &str, cmd: &mut Command) -> bool {
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

/// `cargo test --workspace <extra>`, echoing its output and adding up its `test result:` lines.
fn cargo_test(
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

fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

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
    let ok = step(
        "regen --check",
        Command::new(&cargo)
            .current_dir(&root)
            .args(["run", "--quiet", "-p", "xtask", "--", "regen", "--check"]),
    ) && step(
        "cargo fmt --check",
        Command::new(&cargo)
            .current_dir(&root)
            .args(["fmt", "--all", "--check"]),
    ) && step(
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
    if conformance(&root, &cargo) {
        println!("== xtask test: all steps passed");
        println!("tests: {passed} passed, {failed} failed");
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Step 4: generate a crate for every generator fixture (and for the reference, when given)
/// into one scratch workspace, `target/generated-crates/`, and build them there with the
/// workspace's target directory, lock file and dependency profile, so that the dependencies
/// step 2 compiled are reused rather than built a second time. Each crate is named for its spec,
/// which is what lets them share one target directory.
fn generated_crates(root: &Path, cargo: &str, reference: Option<&Path>) -> bool {
    println!("== xtask test: crates generated from other specs, in one target dir");
    let started = Instant::now();
    let dir = root.join("target/generated-crates");
    let _ = std::fs::remove_dir_all(&dir);
    let fixtures = root.join("codegen/tests/fixtures");
    let mut specs: Vec<(String, PathBuf)> = match std::fs::read_dir(&fixtures) {
        Ok(rd) => rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
            .filter_map(|p| Some((p.file_stem()?.to_str()?.to_string(), p)))
            .collect(),
        Err(e) => {
            eprintln!("== xtask test: {}: {e}", fixtures.display());
            return false;
        }
    };
    specs.sort();
    if let Some(path) = reference {
        specs.push(("reference".to_string(), path.to_path_buf()));
    }
    for (folder, spec) in &specs {
        let args = [
            "--spec".to_string(),
            spec.display().to_string(),
            "--out".to_string(),
            dir.join(folder).display().to_string(),
            "--workspace-member".to_string(),
        ];
        if crate::regen::run(&args) != ExitCode::SUCCESS {
            eprintln!(
                "== xtask test: could not generate a crate from {}",
                spec.display()
            );
            return false;
        }
    }
    // A fixture with a wire test (`codegen/tests/wire/<fixture>.rs`) gets it as an integration
    // test, with the in-process server of the `conversations-tests` crate.
    // A fixture with a Prism driver (`codegen/tests/prism/<fixture>.rs`) gets it as the test
    // `prism`, run by step 5 against Prism serving that fixture.
    let mut wire_tests = Vec::new();
    for (folder, _) in &specs {
        let test = root.join("codegen/tests/wire").join(format!("{folder}.rs"));
        let prism_driver = root
            .join("codegen/tests/prism")
            .join(format!("{folder}.rs"));
        if !test.is_file() && !prism_driver.is_file() {
            continue;
        }
        let krate = dir.join(folder);
        let dev_deps = format!(
            "\n[dev-dependencies]\nconversations-tests = {{ path = {:?} }}\n\
             tokio = {{ version = \"1\", features = [\"rt\", \"macros\"] }}\n\
             serde_json = \"1\"\n",
            root.join("tests").display().to_string()
        );
        let copy = |from: &Path, to: &str| -> std::io::Result<()> {
            if from.is_file() {
                std::fs::copy(from, krate.join("tests").join(to))?;
            }
            Ok(())
        };
        let added = std::fs::create_dir_all(krate.join("tests"))
            .and_then(|()| copy(&test, "wire.rs"))
            .and_then(|()| copy(&prism_driver, "prism.rs"))
            .and_then(|()| {
                let manifest = krate.join("Cargo.toml");
                let text = std::fs::read_to_string(&manifest)?;
                std::fs::write(&manifest, text + &dev_deps)
            });
        if let Err(e) = added {
            eprintln!("== xtask test: {}: {e}", krate.display());
            return false;
        }
        if test.is_file() {
            wire_tests.push(folder.clone());
        }
    }
    let members: Vec<String> = specs.iter().map(|(f, _)| format!("{f:?}")).collect();
    let manifest = format!(
        "# Written by `cargo xtask test`: crates generated from other specs.\n\
         [workspace]\nresolver = \"2\"\nmembers = [{}]\n",
        members.join(", ")
    );
    let written = std::fs::write(dir.join("Cargo.toml"), manifest)
        .and_then(|()| std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).map(drop));
    if let Err(e) = written {
        eprintln!("== xtask test: {}: {e}", dir.display());
        return false;
    }
    let profile = dependency_profile(root);
    let build = |name: &str, extra: &[&str]| {
        step(
            name,
            Command::new(cargo)
                .current_dir(&dir)
                .env("CARGO_TARGET_DIR", root.join("target"))
                .args(&profile)
                .args(extra),
        )
    };
    // Every crate must build without a single warning (what `-D warnings` asks), checked on
    // cargo's short messages: RUSTFLAGS would rebuild every dependency, and cargo replays a
    // cached crate's warnings, so the check holds on a warm target directory too.
    let name = format!(
        "build {} crates generated from other specs, without warnings",
        specs.len()
    );
    println!("== xtask test: {name}");
    let built = Command::new(cargo)
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", root.join("target"))
        .args(&profile)
        .args(["build", "--workspace", "--message-format", "short"])
        .output();
    let mut ok = match built {
        Ok(out) => {
            let stderr = String::from_utf8_lossy(&out.stderr);
            let problems: Vec<&str> = stderr
                .lines()
                .filter(|l| l.contains(": warning: ") || l.contains(": error"))
                .collect();
            for line in &problems {
                eprintln!("{line}");
            }
            if out.status.success() && problems.is_empty() {
                println!("== xtask test: {name}: ok");
                true
            } else {
                eprintln!(
                    "== xtask test: {name} failed: {} warnings or errors{}",
                    problems.len(),
                    if out.status.success() {
                        ""
                    } else {
                        ", build failed"
                    }
                );
                false
            }
        }
        Err(e) => {
            eprintln!("== xtask test: {name} could not start: {e}");
            false
        }
    };
    for folder in &wire_tests {
        ok = ok
            && build(
                &format!("wire test of the {folder} fixture crate"),
                &[
                    "test",
                    "--quiet",
                    "--manifest-path",
                    &format!("{folder}/Cargo.toml"),
                    "--test",
                    "wire",
                ],
            );
    }
    if ok {
        println!(
            "== xtask test: generated crates: ok ({:.1} s)",
            started.elapsed().as_secs_f64()
        );
    }
    ok
}

/// `--config` arguments that give another workspace the dependency profile of ours
/// (`[profile.dev.package."*"]` in the root Cargo.toml), so it can reuse our built dependencies.
pub(crate) fn dependency_profile(root: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(root.join("Cargo.toml")).unwrap_or_default();
    let Ok(doc) = text.parse::<toml_edit::DocumentMut>() else {
        return Vec::new();
    };
    let Some(table) = doc["profile"]["dev"]["package"]["*"].as_table() else {
        return Vec::new();
    };
    table
        .iter()
        .flat_map(|(key, item)| {
            let value = item.as_value().map(|v| v.to_string()).unwrap_or_default();
            [
                "--config".to_string(),
                format!("profile.dev.package.\"*\".{key}={}", value.trim()),
            ]
        })
        .collect()
}

/// Step 5: Prism, the conformance suite and the spec-level example check.
fn conformance(root: &Path, cargo: &str) -> bool {
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

/// `node_modules` holds the Prism version `package.json` pins.
fn prism_installed(root: &Path) -> bool {
    let read = |p: PathBuf| -> Option<serde_json::Value> {
        serde_json::from_str(&std::fs::read_to_string(p).ok()?).ok()
    };
    let pinned = read(root.join("package.json")).and_then(|p| {
        p["devDependencies"]["@stoplight/prism-cli"]
            .as_str()
            .map(str::to_string)
    });
    let installed = read(root.join("node_modules/@stoplight/prism-cli/package.json"))
        .and_then(|p| p["version"].as_str().map(str::to_string));
    root.join("node_modules/.bin/prism").exists() && pinned.is_some() && pinned == installed
}

/// A running Prism mock server; stopped (with anything it forked) when dropped.
struct Prism {
    child: Child,
    addr: SocketAddr,
    url: String,
    log: PathBuf,
}

impl Prism {
    /// Start `node_modules/.bin/prism mock` itself (not through npx, whose child would outlive
    /// it) on a free port of 127.0.0.1, and wait until it answers.
    fn start(root: &Path, spec: &Path, log_name: &str) -> Result<Prism, String> {
        let bin = root.join("node_modules/.bin/prism");
        let log = root.join("target").join(log_name);
        std::fs::create_dir_all(root.join("target")).map_err(|e| format!("target/: {e}"))?;
        let mut last_error = String::new();
        // A free port can be taken between our probe and Prism's bind: try a few.
        for _attempt in 0..3 {
            let port = TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .map_err(|e| format!("no free port on 127.0.0.1: {e}"))?
                .port();
            let out = File::create(&log).map_err(|e| format!("{}: {e}", log.display()))?;
            let err = out.try_clone().map_err(|e| e.to_string())?;
            let child = Command::new(&bin)
                .current_dir(root)
                // One process: the pid we hold is the server. (Prism's default under
                // NODE_ENV=production is to fork a cluster worker, which Prism 5.16 cannot even
                // do on current Node.)
                .args(["mock", "--multiprocess=false", "-h", "127.0.0.1", "-p"])
                .arg(port.to_string())
                .arg(spec)
                .stdin(Stdio::null())
                .stdout(out)
                .stderr(err)
                .spawn()
                .map_err(|e| format!("could not start {}: {e}", bin.display()))?;
            let addr = SocketAddr::from(([127, 0, 0, 1], port));
            let mut prism = Prism {
                child,
                addr,
                url: format!("http://{addr}"),
                log: log.clone(),
            };
            match prism.wait_ready(PRISM_START_LIMIT) {
                Ok(()) => return Ok(prism),
                Err(e) => {
                    let tail = log_tail(&log, 40);
                    last_error = format!("{e}\n-- last lines of {}:\n{tail}", log.display());
                    if !tail.contains("EADDRINUSE") {
                        break;
                    }
                }
            }
            // `prism` is dropped here, which stops it before the next attempt.
        }
        Err(last_error)
    }

    /// Bounded wait for the first HTTP answer (any status: Prism answers 404 to the probe).
    fn wait_ready(&mut self, limit: Duration) -> Result<(), String> {
        let deadline = Instant::now() + limit;
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => {
                    return Err(format!("Prism exited ({status}) before it answered"))
                }
                Ok(None) => {}
                Err(e) => return Err(format!("cannot watch Prism: {e}")),
            }
            if answers(self.addr) {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "Prism did not answer on {} within {} s",
                    self.url,
                    limit.as_secs()
                ));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    fn stop(&mut self) {
        if matches!(self.child.try_wait(), Ok(Some(_))) {
            return;
        }
        let pid = self.child.id();
        // Prism runs as one process, but should it ever fork (a different version, a wrapper
        // script), find every descendant before the parent dies and they are re-parented.
        let descendants = descendants(pid);
        let _ = self.child.kill(); // SIGKILL, by process id
        for d in &descendants {
            let _ = Command::new("kill")
                .args(["-KILL", &d.to_string()])
                .stderr(Stdio::null())
                .status();
        }
        let _ = self.child.wait();
        println!(
            "== xtask test: stopped Prism (pid {pid}{})",
            if descendants.is_empty() {
                String::new()
            } else {
                format!(" and its processes {descendants:?}")
            }
        );
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        self.stop();
    }
}

/// An HTTP answer of any kind from `addr`.
fn answers(addr: SocketAddr) -> bool {
    let Ok(mut s) = TcpStream::connect_timeout(&addr, Duration::from_secs(1)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
    let probe = "GET /__xtask_ready HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if s.write_all(probe.as_bytes()).is_err() {
        return false;
    }
    let mut head = [0u8; 8];
    s.read_exact(&mut head).is_ok() && head.starts_with(b"HTTP/1.")
}

/// Every process below `pid` (Linux: `/proc/<pid>/task/<tid>/children`; empty elsewhere).
fn descendants(pid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    let mut todo = vec![pid];
    while let Some(p) = todo.pop() {
        let Ok(tasks) = std::fs::read_dir(format!("/proc/{p}/task")) else {
            continue;
        };
        for task in tasks.flatten() {
            let Ok(children) = std::fs::read_to_string(task.path().join("children")) else {
                continue;
            };
            for c in children.split_whitespace().filter_map(|c| c.parse().ok()) {
                if !out.contains(&c) {
                    out.push(c);
                    todo.push(c);
                }
            }
        }
    }
    out
}

fn log_tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// The Media Content Service on a Prism of its own (it is another host): both operations
/// through the client, and the refusals that show Prism validates (`conformance_media`).
fn media_conformance(root: &Path, cargo: &str) -> bool {
    println!("== xtask test: start Prism on spec/media_v1.yaml");
    let prism = match Prism::start(root, Path::new("spec/media_v1.yaml"), "prism-media.log") {
        Ok(p) => p,
        Err(e) => {
            eprintln!("== xtask test: {e}");
            return false;
        }
    };
    let ok = step(
        "media conformance (upload and fetch through the client)",
        Command::new(cargo)
            .current_dir(root)
            .env("CONFORMANCE_MEDIA_URL", &prism.url)
            .args([
                "run",
                "--quiet",
                "-p",
                "conversations-tests",
                "--bin",
                "conformance_media",
            ]),
    );
    if !ok {
        eprintln!("== xtask test: Prism's log: {}", prism.log.display());
    }
    ok
}
