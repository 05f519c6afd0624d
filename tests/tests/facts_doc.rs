//! `docs/twilio-facts.md` names, for every fact, the test that pins it (`path/file.rs::name`).
//! Each of those must exist: a renamed or deleted test would leave a fact unpinned without
//! anyone noticing.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace root")
        .to_path_buf()
}

/// Every `.rs` file of the repository, build output and installed packages left out.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if path.is_dir() {
            if !name.starts_with('.') && !name.starts_with("target") && name != "node_modules" {
                rust_files(&path, out);
            }
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}

/// `(file, function)` for each backticked `some/file.rs::[module::]name` in `text`.
fn references(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for code in text.split('`').skip(1).step_by(2) {
        let Some((file, rest)) = code.split_once(".rs::") else {
            continue;
        };
        let name = rest.rsplit("::").next().unwrap_or(rest);
        let plain = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '/' | '-' | '.'))
        };
        if plain(file) && plain(name) && !name.contains('/') {
            out.push((format!("{file}.rs"), name.to_string()));
        }
    }
    out
}

#[test]
fn every_test_the_facts_name_exists() {
    let root = root();
    let doc = std::fs::read_to_string(root.join("docs/twilio-facts.md")).expect("the facts");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let refs = references(&doc);
    assert!(refs.len() > 50, "only {} references found", refs.len());
    let mut missing = Vec::new();
    for (file, name) in &refs {
        // A path from the root, or (`rest.rs`, `webhook_signature/url_forms.rs`) the end of one.
        let candidates: Vec<&PathBuf> = files
            .iter()
            .filter(|p| {
                let rel = p
                    .strip_prefix(&root)
                    .unwrap_or(p)
                    .to_string_lossy()
                    .replace('\\', "/");
                rel == *file || rel.ends_with(&format!("/{file}"))
            })
            .collect();
        let found = candidates.iter().any(|p| {
            std::fs::read_to_string(p).is_ok_and(|text| {
                text.contains(&format!("fn {name}(")) || text.contains(&format!("fn {name}<"))
            })
        });
        if !found {
            missing.push(format!("{file}::{name} ({} files match)", candidates.len()));
        }
    }
    assert!(
        missing.is_empty(),
        "named in docs/twilio-facts.md but not found:\n{}",
        missing.join("\n")
    );
}

#[test]
fn references_are_read_as_file_and_function() {
    let refs = references("x `a/b.rs::t` y `c.rs::tests::u`, `not code`, `d.rs` and `e.rs::v`");
    assert_eq!(
        refs,
        [
            ("a/b.rs".to_string(), "t".to_string()),
            ("c.rs".into(), "u".into()),
            ("e.rs".into(), "v".into())
        ]
    );
}
