//! The checked-in crate is exactly what the generator makes of `spec/`, and the drift report
//! says what the guide says it must.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn generate(spec: &Path, source: &str) -> codegen::Generated {
    let text = std::fs::read_to_string(spec).unwrap();
    codegen::generate(&text, source).unwrap()
}

#[test]
fn checked_in_code_is_fresh() {
    let text = std::fs::read_to_string(root().join("spec/conversations_v1.yaml")).unwrap();
    let events =
        std::fs::read_to_string(root().join("spec/conversations_webhooks_v1.yaml")).unwrap();
    let g = codegen::generate_with_events(
        &text,
        "spec/conversations_v1.yaml",
        Some(codegen::EventsSpec {
            text: &events,
            source: "spec/conversations_webhooks_v1.yaml",
        }),
    )
    .unwrap();
    assert_eq!(g.summary.events, 23);
    let media = std::fs::read_to_string(root().join("spec/media_v1.yaml")).unwrap();
    let module = codegen::generate_module(&media, "spec/media_v1.yaml", "media").unwrap();
    assert_eq!(module.summary.operations, 2);
    let g = g.with_module("media", "spec/media_v1.yaml", module);
    let dir = root().join("conversations-api/src/generated");
    for (name, body) in &g.files {
        let on_disk = std::fs::read_to_string(dir.join(name)).unwrap_or_default();
        assert!(on_disk == *body, "{name} is stale: run `cargo xtask regen`");
    }
    let list = |d: &Path, prefix: &str| -> BTreeSet<String> {
        std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap())
            .filter(|e| e.path().is_file())
            .map(|e| format!("{prefix}{}", e.file_name().to_string_lossy()))
            .collect()
    };
    let mut on_disk = list(&dir, "");
    on_disk.extend(list(&dir.join("media"), "media/"));
    let expected: BTreeSet<String> = g.files.keys().cloned().collect();
    assert_eq!(on_disk, expected, "stale or missing generated files");
    let drift = std::fs::read_to_string(root().join("conversations-api/DRIFT.md")).unwrap();
    assert_eq!(drift, g.drift_report, "DRIFT.md is stale");
}

#[test]
fn spec_drift_report_is_pinned() {
    let g = generate(
        &root().join("spec/conversations_v1.yaml"),
        "spec/conversations_v1.yaml",
    );
    assert_eq!(g.summary.operations, 103);
    insta::assert_snapshot!("spec_drift_report", g.drift_report);
}

/// Twilio's published spec, named by `TWILIO_REFERENCE_SPEC`: it is not part of this
/// repository, so the tests that read it are `#[ignore]`d unless asked for (`cargo xtask test
/// --reference PATH`, or `-- --ignored` with the variable set; README, "Upstream checks").
fn reference() -> PathBuf {
    match std::env::var_os("TWILIO_REFERENCE_SPEC") {
        Some(path) => PathBuf::from(path),
        None => panic!(
            "set TWILIO_REFERENCE_SPEC to Twilio's twilio_conversations_v1.yaml \
             (README, \"Upstream checks\")"
        ),
    }
}

#[test]
#[ignore = "upstream check: needs TWILIO_REFERENCE_SPEC (cargo xtask test --reference PATH)"]
fn reference_drift_names_every_known_difference() {
    let g = generate(&reference(), "twilio_conversations_v1.yaml");
    assert_eq!(g.summary.operations, 103);
    let d = &g.drift_report;
    for model in [
        "ConversationMessage",
        "ConversationParticipant",
        "ConversationMessageReceipt",
        "ConversationScopedWebhook",
    ] {
        let section = d
            .split(&format!("### {model}\n"))
            .nth(1)
            .unwrap_or_else(|| panic!("no section for {model}:\n{d}"));
        let section = section.split("###").next().unwrap();
        assert!(
            section.contains("model field `chat_service_sid`: only in the Service scope"),
            "{model}: {section}"
        );
    }
    let webhook = d
        .split("### ConfigurationWebhook\n")
        .nth(1)
        .unwrap()
        .split("###")
        .next()
        .unwrap();
    assert!(webhook.contains(
        "`UpdateConfigurationWebhook` form field `Target`: only in the default-service scope"
    ));
    assert!(webhook.contains("model field `target`: only in the default-service scope"));
    for f in ["PreWebhookUrl", "PostWebhookUrl"] {
        assert!(webhook.contains(&format!("form field `{f}`: format differs: none in the default-service scope, `uri` in the Service scope")), "{f}");
    }
    for f in ["pre_webhook_url", "post_webhook_url"] {
        assert!(
            webhook.contains(&format!("model field `{f}`: format differs")),
            "{f}"
        );
    }
    // Enums named and ordered differently in the two scopes (conversation state) are no drift.
    assert!(!d.contains("enum values differ"), "{d}");
    assert!(d.contains("`/v1/Configuration` and `/v1/Services/{ChatServiceSid}/Configuration`"));
    assert_eq!(g.summary.drift_items, 11, "{d}");
}

#[test]
#[ignore = "upstream check: needs TWILIO_REFERENCE_SPEC (cargo xtask test --reference PATH)"]
fn spec_and_reference_generate_the_same_api() {
    // Prose differs; the API surface (every pub item) must not.
    let ours = generate(&root().join("spec/conversations_v1.yaml"), "x");
    let theirs = generate(&reference(), "x");
    let surface = |g: &codegen::Generated| -> Vec<String> {
        g.files
            .values()
            .flat_map(|b| b.lines())
            .map(str::trim)
            .filter(|l| l.starts_with("pub ") || l.starts_with("impl"))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(surface(&ours), surface(&theirs));
    assert_eq!(ours.summary, theirs.summary);
}
