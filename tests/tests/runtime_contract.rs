//! The contract between the generator and the runtime crate: generated code names runtime items
//! only as `::twilio_runtime::support::<name>`, every such name the generator can write exists
//! in the runtime, and the path parameters the generator leaves to the client are ones the
//! client supplies. A generator change that emits a path the runtime does not have fails here,
//! by name, before any generated crate is compiled.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

fn surface() -> BTreeSet<&'static str> {
    twilio_runtime::support::SURFACE.iter().copied().collect()
}

#[test]
fn every_item_the_generator_can_name_is_in_the_runtime() {
    let surface = surface();
    let missing: Vec<&str> = codegen::emit::runtime::ALL
        .iter()
        .map(|item| item.0)
        .filter(|name| !surface.contains(name))
        .collect();
    assert!(
        missing.is_empty(),
        "not in twilio_runtime::support: {missing:?}"
    );
}

/// Every file under `dir`, recursively, whose name ends with one of `suffixes`.
fn files(dir: &Path, suffixes: &[&str], out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, suffixes, out);
        } else if suffixes.iter().any(|s| path.to_string_lossy().ends_with(s)) {
            out.push(path);
        }
    }
}

/// The generated code on disk (the checked-in crate and the generator's snapshots): every runtime
/// path in it goes through `support`, and names an item the runtime has.
#[test]
fn generated_code_names_only_the_runtime_surface() {
    let mut paths = Vec::new();
    files(
        &root().join("conversations-api/src/generated"),
        &[".rs"],
        &mut paths,
    );
    files(
        &root().join("codegen/tests/snapshots"),
        &[".snap"],
        &mut paths,
    );
    assert!(paths.len() > 40, "found only {} files", paths.len());
    let surface = surface();
    let mut seen = BTreeSet::new();
    let mut problems = Vec::new();
    for path in &paths {
        let text = std::fs::read_to_string(path).expect("read");
        for (at, _) in text.match_indices("twilio_runtime::") {
            let rest = &text[at + "twilio_runtime::".len()..];
            let Some(name) = rest.strip_prefix("support::") else {
                problems.push(format!(
                    "{}: a runtime path outside support",
                    path.display()
                ));
                continue;
            };
            let name: String = name
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !surface.contains(name.as_str()) {
                problems.push(format!(
                    "{}: support::{name} does not exist",
                    path.display()
                ));
            }
            seen.insert(name);
        }
        // The old in-crate runtime paths are gone for good.
        for old in ["crate::runtime::", "crate::webhook::FormFields"] {
            if text.contains(old) {
                problems.push(format!("{}: still names {old}", path.display()));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
    for expected in [
        "Node",
        "Request",
        "api_client",
        "impl_string_enum",
        "FormFields",
    ] {
        assert!(seen.contains(expected), "{expected} never seen: {seen:?}");
    }
}

/// What the generator lets the client supply (`CLIENT_PATH_PARAMETERS`, passed by `cargo xtask
/// regen`) the client really does supply; anything else it does not.
#[test]
fn the_client_supplies_every_path_parameter_the_generator_leaves_to_it() {
    let client = conversations_api::Client::new("AC0123456789abcdef0123456789abcdef", "token")
        .expect("client");
    for name in twilio_runtime::CLIENT_PATH_PARAMETERS {
        assert!(client.core().path_value(name).is_some(), "{name}");
    }
    assert_eq!(
        client.core().path_value("AccountSid").as_deref(),
        Some("AC0123456789abcdef0123456789abcdef")
    );
    assert_eq!(client.core().path_value("ChatServiceSid"), None);
}

/// The media API's paths all sit under `Services/{ChatServiceSid}`, a value no client has: so
/// the generator offers no shortcut from `client.media()` that would need it (each such call
/// used to fail with `InvalidArgument`); the service is always named.
#[test]
fn no_accessor_depends_on_a_value_nobody_supplies() {
    let root_rs =
        std::fs::read_to_string(root().join("conversations-api/src/generated/media/root.rs"))
            .expect("media root");
    assert!(
        !root_rs.contains("client_param(\"ChatServiceSid\")"),
        "{root_rs}"
    );
    for file in [
        "conversations-api/src/generated/root.rs",
        "conversations-api/src/generated/media/root.rs",
    ] {
        let text = std::fs::read_to_string(root().join(file)).unwrap();
        for (at, _) in text.match_indices("client_param(\"") {
            let name: String = text[at + 14..].chars().take_while(|c| *c != '"').collect();
            assert!(
                twilio_runtime::CLIENT_PATH_PARAMETERS.contains(&name.as_str()),
                "{file}: client_param({name})"
            );
        }
    }
}
