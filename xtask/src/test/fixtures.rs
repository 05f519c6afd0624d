//! Step 4 of `cargo xtask test`: crates generated from other specs (the generator fixtures and,
//! when given, Twilio's reference), built side by side in the workspace's target directory with
//! the workspace's dependency profile (`dependency_profile`, also used by step 5 and `corpus`).

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use super::steps::step;

/// Step 4: generate a crate for every generator fixture (and for the reference, when given)
/// into one scratch workspace, `target/generated-crates/`, and build them there with the
/// workspace's target directory, lock file and dependency profile, so that the dependencies
/// step 2 compiled are reused rather than built a second time. Each crate is named for its spec,
/// which is what lets them share one target directory.
pub(super) fn generated_crates(root: &Path, cargo: &str, reference: Option<&Path>) -> bool {
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
        let tests_crate = root.join("tests").display().to_string();
        let copy = |from: &Path, to: &str| -> std::io::Result<()> {
            if from.is_file() {
                std::fs::copy(from, krate.join("tests").join(to))?;
            }
            Ok(())
        };
        let added = std::fs::create_dir_all(krate.join("tests"))
            .and_then(|()| copy(&test, "wire.rs"))
            .and_then(|()| copy(&prism_driver, "prism.rs"))
            .and_then(|()| with_test_dependencies(&krate.join("Cargo.toml"), &tests_crate));
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
/// The generated crate's manifest with what its wire and Prism tests need: the in-process
/// server of `conversations-tests` (at `tests_crate`), tokio's test runtime, serde_json, and
/// reqwest for the Prism drivers' requests made without the client (a body the spec rejects).
/// The generated crate reaches reqwest only through `twilio-runtime`, so it is named here.
fn with_test_dependencies(manifest: &Path, tests_crate: &str) -> std::io::Result<()> {
    use toml_edit::{value, Array, DocumentMut, InlineTable, Item, Table};
    let text = std::fs::read_to_string(manifest)?;
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e| std::io::Error::other(format!("{}: {e}", manifest.display())))?;
    let mut dev = Table::new();
    let mut tests = InlineTable::new();
    tests.insert("path", tests_crate.into());
    dev["conversations-tests"] = value(tests);
    let mut tokio = InlineTable::new();
    tokio.insert("version", "1".into());
    let features: Array = ["rt", "macros"].into_iter().collect();
    tokio.insert("features", features.into());
    dev["tokio"] = value(tokio);
    dev["serde_json"] = value("1");
    let mut reqwest = InlineTable::new();
    reqwest.insert("version", "0.12".into());
    reqwest.insert("default-features", false.into());
    dev["reqwest"] = value(reqwest);
    doc["dev-dependencies"] = Item::Table(dev);
    std::fs::write(manifest, doc.to_string())
}

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
