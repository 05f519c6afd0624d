//! `cargo xtask regen` as a user runs it: writes, checks, deletes stale files, changes no byte
//! the second time.

use std::path::PathBuf;
use std::process::Command;

fn xtask(args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .expect("run xtask");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn write_check_stale_and_idempotence() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf();
    let spec = root.join("spec/conversations_v1.yaml");
    let dir = std::env::temp_dir().join(format!("xtask-regen-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (spec, out) = (spec.to_str().unwrap(), dir.to_str().unwrap());

    let (ok, text) = xtask(&["regen", "--spec", spec, "--out", out]);
    assert!(ok, "{text}");
    assert!(text.contains("103 operations"), "{text}");
    assert!(
        dir.join("Cargo.toml").is_file()
            && dir.join("src/lib.rs").is_file()
            && dir.join("DRIFT.md").is_file()
    );
    // No copy of the runtime: the crate depends on it.
    assert!(!dir.join("src/runtime.rs").exists() && !dir.join("src/client.rs").exists());

    let (ok, text) = xtask(&["regen", "--check", "--spec", spec, "--out", out]);
    assert!(ok, "{text}");

    // A stale file and an edited one are both named by --check, then repaired by regen.
    std::fs::write(dir.join("src/generated/old_resource.rs"), "// left over\n").unwrap();
    let models = dir.join("src/generated/models.rs");
    let original = std::fs::read_to_string(&models).unwrap();
    std::fs::write(
        &models,
        original.replace("pub struct Conversation {", "pub struct Conversation2 {"),
    )
    .unwrap();
    let (ok, text) = xtask(&["regen", "--check", "--spec", spec, "--out", out]);
    assert!(!ok);
    assert!(
        text.contains("old_resource.rs") && text.contains("models.rs"),
        "{text}"
    );

    let (ok, text) = xtask(&["regen", "--spec", spec, "--out", out]);
    assert!(ok, "{text}");
    assert!(text.contains("1 stale deleted"), "{text}");
    assert!(!dir.join("src/generated/old_resource.rs").exists());
    assert_eq!(std::fs::read_to_string(&models).unwrap(), original);

    let (ok, text) = xtask(&["regen", "--spec", spec, "--out", out]);
    assert!(ok && text.contains(" 0 file(s) written"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_bad_spec_is_an_error_naming_the_file_and_pointer() {
    let dir = std::env::temp_dir().join(format!("xtask-bad-spec-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let spec = dir.join("bad.yaml");
    std::fs::write(
        &spec,
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\nservers: [{url: 'https://x.test'}]\npaths:\n  /v1/A:\n    get:\n      operationId: FetchA\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Gone'}\n",
    )
    .unwrap();
    let (ok, text) = xtask(&[
        "regen",
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        dir.join("out").to_str().unwrap(),
    ]);
    assert!(!ok);
    assert!(text.contains("bad.yaml"), "{text}");
    assert!(
        text.contains("#/paths/~1v1~1A/get/responses/200/content/application~1json/schema"),
        "{text}"
    );
    assert!(!text.contains("panicked"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn events_come_from_the_events_spec_only_when_asked() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf();
    let spec = root.join("spec/conversations_v1.yaml");
    let events = root.join("spec/conversations_webhooks_v1.yaml");
    let dir = std::env::temp_dir().join(format!("xtask-regen-events-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (spec, events, out) = (
        spec.to_str().unwrap(),
        events.to_str().unwrap(),
        dir.to_str().unwrap(),
    );
    let generated = dir.join("src/generated/events.rs");

    // --spec without --events: a crate for any API, with no webhook events module at all
    // (another API's crate carries nothing of Conversations v1's webhooks).
    let (ok, text) = xtask(&["regen", "--spec", spec, "--out", out]);
    assert!(ok && text.contains("0 webhook events"), "{text}");
    assert!(!generated.exists(), "no events spec, no events.rs");
    let lib = std::fs::read_to_string(dir.join("src/generated/mod.rs")).unwrap();
    assert!(!lib.contains("WebhookEvent"), "{lib}");
    // The standalone manifest depends on the runtime crate by path and version, and on
    // nothing of conversations-api's (no axum, no examples).
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    let parsed: toml_edit::DocumentMut = manifest.parse().expect("a TOML manifest");
    let runtime = &parsed["dependencies"]["twilio-runtime"];
    let path = runtime["path"].as_str().expect("a path");
    assert!(
        dir.join(path).join("Cargo.toml").is_file(),
        "{path} is not the runtime crate: {manifest}"
    );
    assert!(runtime["version"].as_str().is_some(), "{manifest}");
    assert_eq!(
        parsed["package"]["name"].as_str(),
        Some("twilio-conversations-v1")
    );
    assert!(parsed["workspace"].is_table(), "{manifest}");
    assert!(!manifest.contains("axum") && !manifest.contains("[[example]]"));
    assert!(!manifest.contains("workspace = true"), "{manifest}");

    let (ok, text) = xtask(&["regen", "--spec", spec, "--events", events, "--out", out]);
    assert!(ok && text.contains("23 webhook events"), "{text}");
    assert!(std::fs::read_to_string(&generated)
        .unwrap()
        .contains("pub struct OnMessageAdded"));

    let (ok, text) = xtask(&["regen", "--events", "/nonexistent/events.yaml", "--check"]);
    assert!(!ok && text.contains("/nonexistent/events.yaml"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_crate_for_another_spec_gets_an_introduction_of_its_own() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf();
    let other = root.join("codegen/tests/fixtures/other_scope_pair.yaml");
    let ours = root.join("spec/conversations_v1.yaml");
    let dir = std::env::temp_dir().join(format!("xtask-regen-intro-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let out = dir.to_str().unwrap();
    let lib = || std::fs::read_to_string(dir.join("src/lib.rs")).unwrap();

    let (ok, text) = xtask(&["regen", "--spec", other.to_str().unwrap(), "--out", out]);
    assert!(ok, "{text}");
    let front = lib();
    assert!(front.starts_with("//! Typed async client for "), "{front}");
    assert!(
        front.contains("pub use twilio_runtime::reexport::*;"),
        "{front}"
    );
    // The crate's own names come from its spec: its scope types too, none of Conversations'.
    let code: String = ["mod.rs", "root.rs", "scope.rs"]
        .iter()
        .map(|f| std::fs::read_to_string(dir.join("src/generated").join(f)).unwrap_or_default())
        .collect();
    for conversations_only in [
        "client.conversations()",
        "default service",
        "ServiceScope",
        "DefaultScope",
        "conversation(sid)",
    ] {
        assert!(
            !front.contains(conversations_only) && !code.contains(conversations_only),
            "{conversations_only}: {front}"
        );
    }
    // Our own spec through --out is a generated crate like any other: the hand-written
    // Conversations parts (webhook receiver, access tokens, media helpers) stay in
    // conversations-api.
    let (ok, text) = xtask(&["regen", "--spec", ours.to_str().unwrap(), "--out", out]);
    assert!(ok, "{text}");
    assert!(!lib().contains("mod access_token"));
    let _ = std::fs::remove_dir_all(&dir);
}
