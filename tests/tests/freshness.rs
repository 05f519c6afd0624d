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
    let input = codegen::Input::new(&text, "spec/conversations_v1.yaml")
        .events(codegen::EventsSpec {
            text: &events,
            source: "spec/conversations_webhooks_v1.yaml",
        })
        .conventions(conventions());
    let g = codegen::generate_with(&input).unwrap();
    assert_eq!(g.summary.events, 23);
    // The modules `cargo xtask regen` adds, with what each must hold.
    let mut g = g;
    for (name, spec, operations) in [
        ("media", "spec/media_v1.yaml", 2),
        ("v2", "spec/conversations_v2.yaml", 22),
    ] {
        let text = std::fs::read_to_string(root().join(spec)).unwrap();
        let input = codegen::Input::new(&text, spec).conventions(conventions());
        let module = codegen::generate_module(&input, name).unwrap();
        assert_eq!(module.summary.operations, operations, "{spec}");
        g = g.with_module(name, spec, module);
    }
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
    on_disk.extend(list(&dir.join("v2"), "v2/"));
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
    // Twilio's file does not name its scopes (`info.x-scope-names` is ours), so the report
    // uses the neutral words the generator takes from the scope pair itself.
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
            section.contains("model field `chat_service_sid`: only in the scope of one service"),
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
    assert!(webhook
        .contains("`UpdateConfigurationWebhook` form field `Target`: only in the top-level scope"));
    assert!(webhook.contains("model field `target`: only in the top-level scope"));
    for f in ["PreWebhookUrl", "PostWebhookUrl"] {
        assert!(webhook.contains(&format!("form field `{f}`: format differs: none in the top-level scope, `uri` in the scope of one service")), "{f}");
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
    // Prose differs; the API surface (every pub item) must not, except where spec/ records a
    // refinement (its header comment): a sub-object typed where the reference leaves it open,
    // and a field that is always returned made a plain value.
    let ours = surface(&generate(&root().join("spec/conversations_v1.yaml"), "x"));
    // The Rust names of the two scopes are prose too: spec/ names them (`x-scope-names`), the
    // reference gets the generator's neutral ones. Compare under spec/'s names.
    let (our_types, their_types) = (
        scope_types(&root().join("spec/conversations_v1.yaml")),
        scope_types(&reference()),
    );
    let theirs: Vec<(Option<String>, String)> = surface(&generate(&reference(), "x"))
        .into_iter()
        .map(|(owner, line)| {
            let line = their_types
                .iter()
                .zip(&our_types)
                .fold(line, |l, (t, o)| l.replace(t.as_str(), o));
            (owner, line)
        })
        .collect();
    let structs = |s: &[(Option<String>, String)]| -> BTreeSet<String> {
        s.iter().filter_map(|(owner, _)| owner.clone()).collect()
    };
    let sub_objects: BTreeSet<String> = structs(&ours)
        .difference(&structs(&theirs))
        .cloned()
        .collect();
    assert!(structs(&theirs).is_subset(&structs(&ours)));
    assert!(
        sub_objects.contains("ConversationTimers"),
        "{sub_objects:?}"
    );

    // 1. Everything but model field types and the sub-object types is the same, in order.
    let erase = |s: &[(Option<String>, String)]| -> Vec<String> {
        s.iter()
            .filter(|(owner, _)| owner.as_ref().is_none_or(|o| !sub_objects.contains(o)))
            .map(|(owner, line)| match (owner, field(line)) {
                (Some(_), Some((name, _))) => format!("pub {name}: _,"),
                _ => line.clone(),
            })
            .collect()
    };
    let (a, b) = (erase(&ours), erase(&theirs));
    if let Some(i) = (0..a.len().max(b.len())).find(|&i| a.get(i) != b.get(i)) {
        let window = |v: &[String]| v[i.saturating_sub(3)..(i + 3).min(v.len())].to_vec();
        panic!(
            "surfaces differ at line {i}:\nspec/: {:#?}\nreference: {:#?}",
            window(&a),
            window(&b)
        );
    }

    // 2. Each field type that differs is one of the two refinements.
    let types = |s: &[(Option<String>, String)]| -> Vec<(String, String, String)> {
        s.iter()
            .filter_map(|(owner, line)| {
                let (name, ty) = field(line)?;
                Some((owner.clone()?, name.to_string(), ty.to_string()))
            })
            .collect()
    };
    let ours_types = types(&ours);
    let (mut plain, mut typed) = (0, 0);
    for (model, name, theirs_ty) in types(&theirs) {
        let ours_ty = &ours_types
            .iter()
            .find(|(m, n, _)| *m == model && *n == name)
            .unwrap_or_else(|| panic!("{model}.{name} is missing"))
            .2;
        if *ours_ty == theirs_ty {
            continue;
        }
        let open = [
            "Option<serde_json::Value>",
            "Option<std::collections::BTreeMap<String, String>>",
            "Option<Vec<serde_json::Value>>",
        ];
        let inner = ours_ty
            .strip_prefix("Option<")
            .map(|t| t.strip_prefix("Vec<").unwrap_or(t))
            .map(|t| t.trim_end_matches('>'));
        if theirs_ty == format!("Option<{ours_ty}>") {
            plain += 1;
        } else if open.contains(&theirs_ty.as_str())
            && inner.is_some_and(|t| sub_objects.contains(t))
        {
            typed += 1;
        } else {
            panic!("{model}.{name}: {theirs_ty} in the reference, {ours_ty} in spec/");
        }
    }
    assert!(plain > 0 && typed > 0, "{plain} plain, {typed} typed");

    let (ours, theirs) = (
        generate(&root().join("spec/conversations_v1.yaml"), "x").summary,
        generate(&reference(), "x").summary,
    );
    assert_eq!(ours.models, theirs.models + sub_objects.len());
    assert_eq!(
        codegen::Summary {
            models: theirs.models,
            ..ours
        },
        theirs
    );
}

/// Every pub item and impl line of the generated files, trimmed, each with the struct it
/// belongs to (the last `pub struct` opened and not yet closed in its file).
/// The Rust type names of the top-level and the service scope that `spec` gets.
fn scope_types(spec: &Path) -> [String; 2] {
    let text = std::fs::read_to_string(spec).unwrap();
    let doc = codegen::load::parse(&text).unwrap();
    let api = codegen::lower::lower(&doc, &conventions()).unwrap();
    let pair = api.scope_pair.expect("a scope pair");
    [
        pair.names.top.type_name.clone(),
        pair.names.item.type_name.clone(),
    ]
}

fn surface(g: &codegen::Generated) -> Vec<(Option<String>, String)> {
    let mut out = Vec::new();
    for body in g.files.values() {
        let mut owner: Option<String> = None;
        let mut lines = body.lines();
        while let Some(line) = lines.next() {
            if line == "}" {
                owner = None;
            }
            let mut trimmed = line.trim().to_string();
            // A long field type is wrapped over several lines: one field, one entry.
            while owner.is_some() && trimmed.starts_with("pub ") && !trimmed.ends_with(',') {
                match lines.next() {
                    Some(more) => trimmed.push_str(more.trim()),
                    None => break,
                }
            }
            let trimmed = trimmed.as_str();
            if let Some(rest) = trimmed.strip_prefix("pub struct ") {
                owner = rest
                    .strip_suffix(" {")
                    .filter(|name| !name.contains('<'))
                    .map(str::to_string);
            }
            if trimmed.starts_with("pub ") || trimmed.starts_with("impl") {
                out.push((owner.clone(), trimmed.to_string()));
            }
        }
    }
    out
}

/// `(name, type)` of a struct field line `pub name: Type,`.
fn field(line: &str) -> Option<(&str, &str)> {
    let rest = line.strip_prefix("pub ")?.strip_suffix(',')?;
    let (name, ty) = rest.split_once(": ")?;
    (!name.contains(' ') && !name.contains('(')).then_some((name, ty))
}

/// The runtime's conventions, as `cargo xtask regen` passes them.
fn conventions() -> codegen::Conventions<'static> {
    codegen::Conventions::client_path_parameters(twilio_runtime::CLIENT_PATH_PARAMETERS)
        .idempotency_key_header(twilio_runtime::IDEMPOTENCY_KEY_HEADER)
        .page_token(
            twilio_runtime::PAGE_TOKEN_MEMBER,
            twilio_runtime::PAGE_TOKEN_PARAMETER,
        )
        .operation_status_url(twilio_runtime::OPERATION_STATUS_URL_MEMBER)
}
