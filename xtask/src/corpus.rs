//! `cargo xtask corpus DIR`: how far the generator gets on a folder of specs.
//!
//! For every `*.yaml`, `*.yml` and `*.json` file in DIR (not recursive), in name order:
//!
//! 1. generate a crate with `regen --spec FILE --out target/corpus/<stem> --workspace-member
//!    --crate-name <stem>` (named for its file: several of Twilio's files share one title);
//! 2. build each generated crate's library, one after the other, in one scratch workspace that
//!    uses this workspace's target directory, lock file and dependency profile, so every
//!    dependency is compiled once for the whole corpus;
//! 3. print one row per spec (operations, generated or the generator's error, build result
//!    with its warning and error counts) and a total.
//!
//! "clean" means the library compiled without a single warning, which is what `-D warnings`
//! asks. Twilio's published specs are the intended corpus (README, "Taking Twilio's next spec
//! update"); they are not part of this repository.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

/// What happened to one spec.
struct Row {
    stem: String,
    /// The generator's summary (`N operations, ...`) or its error.
    generated: Result<String, String>,
    build: Option<Build>,
}

/// The outcome of compiling one generated crate's library.
struct Build {
    compiled: bool,
    warnings: usize,
    errors: usize,
    /// The first diagnostic, to show why a crate is not clean.
    first: Option<String>,
}

impl Build {
    fn clean(&self) -> bool {
        self.compiled && self.warnings == 0
    }

    fn cell(&self) -> String {
        match (self.compiled, self.warnings) {
            (true, 0) => "clean".to_string(),
            (true, n) => format!("{n} warnings"),
            (false, _) => format!("does not compile ({} errors)", self.errors),
        }
    }
}

pub fn run(args: &[String]) -> ExitCode {
    let [dir] = args else {
        eprintln!("usage: cargo xtask corpus DIR   (a folder of OpenAPI 3.0 files)");
        return ExitCode::from(2);
    };
    match corpus(Path::new(dir)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("corpus: {e}");
            ExitCode::FAILURE
        }
    }
}

fn specs_in(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut specs: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && p.extension()
                    .is_some_and(|x| x == "yaml" || x == "yml" || x == "json")
        })
        .collect();
    specs.sort();
    if specs.is_empty() {
        return Err(format!(
            "{}: no *.yaml, *.yml or *.json file",
            dir.display()
        ));
    }
    Ok(specs)
}

/// Folder names must be unique and valid as workspace member paths.
fn folder_name(spec: &Path) -> String {
    spec.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

fn corpus(dir: &Path) -> Result<bool, String> {
    let started = Instant::now();
    let root = crate::project_root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let xtask = std::env::current_exe().map_err(|e| e.to_string())?;
    let out = root.join("target/corpus");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;

    let mut rows = Vec::new();
    for spec in specs_in(dir)? {
        let stem = folder_name(&spec);
        let run = Command::new(&xtask)
            .current_dir(&root)
            .arg("regen")
            .arg("--spec")
            .arg(&spec)
            .arg("--out")
            .arg(out.join(&stem))
            .arg("--workspace-member")
            // Several of Twilio's files share one title, and so one derived crate name: the
            // file name is unique in a folder.
            .arg("--crate-name")
            .arg(stem.replace('_', "-"))
            .output()
            .map_err(|e| format!("{}: {e}", xtask.display()))?;
        let text = |b: &[u8]| String::from_utf8_lossy(b).trim().to_string();
        let generated = if run.status.success() {
            // `regen: 12 operations, ...; N file(s) written ...`: keep the summary part.
            let line = text(&run.stdout);
            let summary = line
                .strip_prefix("regen: ")
                .and_then(|l| l.split(';').next())
                .unwrap_or(&line)
                .to_string();
            Ok(summary)
        } else {
            let err = text(&run.stderr);
            Err(err.strip_prefix("regen: ").unwrap_or(&err).to_string())
        };
        eprintln!(
            "corpus: {stem}: {}",
            match &generated {
                Ok(s) => format!("generated ({s})"),
                Err(e) => format!("not generated: {e}"),
            }
        );
        rows.push(Row {
            stem,
            generated,
            build: None,
        });
    }

    let members: Vec<String> = rows
        .iter()
        .filter(|r| r.generated.is_ok())
        .map(|r| format!("{:?}", r.stem))
        .collect();
    let manifest = format!(
        "# Written by `cargo xtask corpus`.\n[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
        members.join(", ")
    );
    std::fs::write(out.join("Cargo.toml"), manifest)
        .and_then(|()| std::fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock")).map(drop))
        .map_err(|e| format!("{}: {e}", out.display()))?;
    let profile = crate::test::fixtures::dependency_profile(&root);
    for row in rows.iter_mut().filter(|r| r.generated.is_ok()) {
        let build = Command::new(&cargo)
            .current_dir(&out)
            .env("CARGO_TARGET_DIR", root.join("target"))
            .args(&profile)
            .args([
                "build",
                "--lib",
                "--message-format",
                "short",
                "--manifest-path",
            ])
            .arg(out.join(&row.stem).join("Cargo.toml"))
            .output()
            .map_err(|e| format!("{cargo}: {e}"))?;
        let build = read_build(
            build.status.success(),
            &String::from_utf8_lossy(&build.stderr),
        );
        eprintln!("corpus: {}: {}", row.stem, build.cell());
        row.build = Some(build);
    }

    let generated = rows.iter().filter(|r| r.generated.is_ok()).count();
    let compiled = rows
        .iter()
        .filter(|r| r.build.as_ref().is_some_and(|b| b.compiled))
        .count();
    let clean = rows
        .iter()
        .filter(|r| r.build.as_ref().is_some_and(Build::clean))
        .count();
    println!("| spec | generated | build | first problem |");
    println!("| --- | --- | --- | --- |");
    for r in &rows {
        let (generated, build, problem) = match (&r.generated, &r.build) {
            (Err(e), _) => ("no".to_string(), "-".to_string(), e.clone()),
            (Ok(s), Some(b)) => (
                s.split(',').next().unwrap_or("").trim().to_string(),
                b.cell(),
                b.first.clone().unwrap_or_default(),
            ),
            (Ok(s), None) => (s.clone(), "-".to_string(), String::new()),
        };
        println!(
            "| {} | {generated} | {build} | {} |",
            r.stem,
            cell_text(&problem)
        );
    }
    println!(
        "corpus: {} specs, {generated} generated, {compiled} compile, {clean} clean \
         (no warning), in {:.0} s",
        rows.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(clean == rows.len())
}

/// Counts from cargo's short messages: `path:line:col: warning: ...` per diagnostic, and the
/// `warning: `name` (lib) generated N warnings` / `error: could not compile` summaries.
fn read_build(compiled: bool, stderr: &str) -> Build {
    let mut warnings = 0;
    let mut errors = 0;
    let mut first = None;
    for line in stderr.lines() {
        let diagnostic = line
            .split_once(": warning: ")
            .map(|(_, m)| (false, m))
            .or_else(|| line.split_once(": error").map(|(_, m)| (true, m)));
        if let Some((is_error, message)) = diagnostic {
            if is_error {
                errors += 1;
            } else {
                warnings += 1;
            }
            if first.is_none() || (is_error && errors == 1) {
                first = Some(message.trim_start_matches(':').trim().to_string());
            }
        }
    }
    // A failure before any crate was compiled (a manifest problem) has only cargo's own
    // `error: ...` line.
    if !compiled && first.is_none() {
        first = stderr
            .lines()
            .find(|l| l.starts_with("error"))
            .map(|l| l.to_string());
    }
    Build {
        compiled,
        warnings,
        errors,
        first,
    }
}

/// A table cell: one line, no pipe, at most 120 characters.
fn cell_text(s: &str) -> String {
    let one: String = s
        .lines()
        .next()
        .unwrap_or("")
        .replace('|', "\\|")
        .chars()
        .take(120)
        .collect();
    one
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_cargo_short_diagnostics() {
        let stderr = "\
   Compiling x v0.1.0
src/generated/a.rs:3:5: warning: unused import: `self::enums::*`
src/runtime.rs:9:1: warning: function `decode_page` is never used
src/generated/b.rs:1:1: error[E0428]: the name `Content` is defined multiple times
warning: `x` (lib) generated 2 warnings
error: could not compile `x` (lib) due to 1 previous error; 2 warnings emitted
";
        let b = read_build(false, stderr);
        assert_eq!((b.compiled, b.warnings, b.errors), (false, 2, 1));
        assert_eq!(
            b.first.as_deref(),
            Some("[E0428]: the name `Content` is defined multiple times")
        );
        assert_eq!(b.cell(), "does not compile (1 errors)");
        let b = read_build(true, "   Compiling x v0.1.0\n");
        assert!(b.clean());
        assert_eq!(b.cell(), "clean");
    }
}
