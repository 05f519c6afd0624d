//! Upstream checks on Twilio's published spec, which is not part of this repository: our spec's
//! facts against it, the reference against itself, against its own JSON form, and against
//! edited copies that carry the real constructs (dotted form keys, shared `$ref` models,
//! untyped nullable properties, array form fields, list `meta`).
//!
//! They are `#[ignore]`d unless asked for: `TWILIO_REFERENCE_SPEC=path/to/twilio_conversations_v1.yaml
//! cargo test -p spec-diff --test reference -- --ignored`, or `cargo xtask test --reference PATH`
//! (README, "Upstream checks").

use std::path::PathBuf;

use serde_json::{json, Value};
use spec_diff::{diff_files, diff_values, load_file, run, Report};

/// Twilio's published spec, named by `TWILIO_REFERENCE_SPEC`.
fn reference_path() -> PathBuf {
    match std::env::var_os("TWILIO_REFERENCE_SPEC") {
        Some(path) => PathBuf::from(path),
        None => panic!(
            "set TWILIO_REFERENCE_SPEC to Twilio's twilio_conversations_v1.yaml \
             (README, \"Upstream checks\")"
        ),
    }
}

fn reference() -> Value {
    match load_file(&reference_path()) {
        Ok(v) => v,
        Err(e) => panic!("{e}"),
    }
}

fn compare(old: &Value, new: &Value) -> Report {
    match diff_values("old", old, "new", new) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    }
}

fn at<'a>(v: &'a mut Value, pointer: &str) -> &'a mut Value {
    match v.pointer_mut(pointer) {
        Some(v) => v,
        None => panic!("no {pointer} in the reference"),
    }
}

fn lines(report: &Report) -> Vec<String> {
    report
        .differences
        .iter()
        .map(|d| format!("{} | {}", d.group, d.line()))
        .collect()
}

fn refinements(report: &Report) -> Vec<String> {
    report
        .refinements
        .iter()
        .map(|r| format!("{} | {}", r.group, r.line()))
        .collect()
}

#[test]
#[ignore = "upstream check: needs TWILIO_REFERENCE_SPEC (cargo xtask test --reference PATH)"]
fn reference_against_itself_is_zero() {
    let path = reference_path().display().to_string();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run(&[path.clone(), path], &mut out, &mut err);
    assert_eq!(
        String::from_utf8_lossy(&out),
        "spec-diff: 0 differences (0 breaking, 0 compatible), 0 refinements\n"
    );
    assert_eq!(String::from_utf8_lossy(&err), "");
    assert_eq!(code, 0);
}

#[test]
#[ignore = "upstream check: needs TWILIO_REFERENCE_SPEC (cargo xtask test --reference PATH)"]
fn reference_as_json_is_zero() {
    let json_path =
        std::env::temp_dir().join(format!("spec-diff-reference-{}.json", std::process::id()));
    let text = serde_json::to_string(&reference()).unwrap_or_default();
    std::fs::write(&json_path, text).unwrap_or_else(|e| panic!("{e}"));
    let report = diff_files(&reference_path(), &json_path);
    let _ = std::fs::remove_file(&json_path);
    assert_eq!(
        report.map(|r| r.render()),
        Ok("spec-diff: 0 differences (0 breaking, 0 compatible), 0 refinements\n".to_owned())
    );
}

#[test]
#[ignore = "upstream check: needs TWILIO_REFERENCE_SPEC (cargo xtask test --reference PATH)"]
fn edited_reference() {
    let old = reference();
    let mut new = old.clone();
    const FORM: &str = "requestBody/content/application~1x-www-form-urlencoded/schema";
    // A dotted form key gains a format.
    at(
        &mut new,
        &format!("/paths/~1v1~1Conversations/post/{FORM}/properties/Timers.Inactive"),
    )["format"] = json!("date-time");
    // A list loses `meta.next_page_url`.
    let meta = at(
        &mut new,
        "/paths/~1v1~1Roles/get/responses/200/content/application~1json/schema/properties/meta/properties",
    );
    meta.as_object_mut().map(|m| m.remove("next_page_url"));
    // An operation disappears, another gains a 2xx response.
    at(&mut new, "/paths/~1v1~1Users~1{Sid}")
        .as_object_mut()
        .map(|m| m.remove("delete"));
    at(&mut new, "/paths/~1v1~1Roles/post/responses")["202"] = json!({"description": "Accepted"});
    // A query parameter's bound is loosened.
    let params = at(&mut new, "/paths/~1v1~1Conversations/get/parameters");
    if let Some(list) = params.as_array_mut() {
        for p in list {
            if p["name"] == "PageSize" {
                p["schema"]["maximum"] = json!(1000);
            }
        }
    }
    // An enum shared by request and response gains and loses a value.
    if let Some(values) =
        at(&mut new, "/components/schemas/conversation_enum_state/enum").as_array_mut()
    {
        values.retain(|v| v != "closed");
        values.push(json!("archived"));
    }
    // Refinements: a type and a described key on an untyped nullable property of a shared
    // model, a field made required (and not nullable), and the form encoding of an array field.
    let address = "/components/schemas/conversations.v1.configuration_address";
    let auto_creation = at(&mut new, &format!("{address}/properties/auto_creation"));
    auto_creation["type"] = json!("object");
    auto_creation["properties"] = json!({"enabled": {"type": "boolean", "nullable": true}});
    at(&mut new, address)["required"] = json!(["sid"]);
    at(&mut new, &format!("{address}/properties/sid"))
        .as_object_mut()
        .map(|m| m.remove("nullable"));
    at(
        &mut new,
        "/paths/~1v1~1Roles/post/requestBody/content/application~1x-www-form-urlencoded",
    )["encoding"] = json!({"Permission": {"style": "form", "explode": true}});

    let report = compare(&old, &new);
    const LIST: &str = "GET /v1/Conversations (ListConversation)";
    const CREATE: &str = "POST /v1/Conversations (CreateConversation)";
    const FETCH: &str = "GET /v1/Conversations/{Sid} (FetchConversation)";
    const UPDATE: &str = "POST /v1/Conversations/{Sid} (UpdateConversation)";
    let mut expected = vec![
        format!("{LIST} | parameter query PageSize: maximum: 100 -> 1000 [compatible]"),
        format!("{LIST} | parameter query State: enum value removed: \"closed\" [breaking]"),
        format!("{LIST} | parameter query State: enum value added: \"archived\" [compatible]"),
        format!("{LIST} | response 200 field conversations[].state: enum value removed: \"closed\" [compatible]"),
        format!("{LIST} | response 200 field conversations[].state: enum value added: \"archived\" [compatible]"),
        format!("{CREATE} | request body field State: enum value removed: \"closed\" [breaking]"),
        format!("{CREATE} | request body field State: enum value added: \"archived\" [compatible]"),
        format!("{CREATE} | request body field Timers.Inactive: format: none -> date-time [breaking]"),
        format!("{CREATE} | response 201 field state: enum value removed: \"closed\" [compatible]"),
        format!("{CREATE} | response 201 field state: enum value added: \"archived\" [compatible]"),
    ];
    for op in [FETCH, UPDATE] {
        if op == UPDATE {
            expected.push(format!(
                "{op} | request body field State: enum value removed: \"closed\" [breaking]"
            ));
            expected.push(format!(
                "{op} | request body field State: enum value added: \"archived\" [compatible]"
            ));
        }
        expected.push(format!(
            "{op} | response 200 field state: enum value removed: \"closed\" [compatible]"
        ));
        expected.push(format!(
            "{op} | response 200 field state: enum value added: \"archived\" [compatible]"
        ));
    }
    expected.extend([
        "GET /v1/Roles (ListRole) | response 200 field meta.next_page_url: removed [breaking]"
            .to_owned(),
        "POST /v1/Roles (CreateRole) | response 202: added [breaking]".to_owned(),
        "DELETE /v1/Users/{Sid} (DeleteUser) | operation: removed [breaking]".to_owned(),
    ]);
    assert_eq!(lines(&report), expected);
    assert_eq!(refinements(&report), address_refinements());
}

#[test]
#[ignore = "upstream check: needs TWILIO_REFERENCE_SPEC (cargo xtask test --reference PATH)"]
fn our_spec_has_the_reference_facts() {
    let ours = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec/conversations_v1.yaml");
    let args = [
        reference_path().display().to_string(),
        ours.display().to_string(),
    ];
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run(&args, &mut out, &mut err);
    let out = String::from_utf8_lossy(&out);
    // Refinements (encoding entries, explicit types) are allowed; a counted difference is not.
    assert!(
        out.lines()
            .last()
            .is_some_and(|l| l.starts_with("spec-diff: 0 differences (0 breaking, 0 compatible), ")),
        "spec/ differs from Twilio's facts:\n{out}{}",
        String::from_utf8_lossy(&err)
    );
    assert_eq!(code, 0);
}

/// The refinements `edited_reference` expects from its `configuration_address` edits, in
/// report order, then the encoding one.
fn address_refinements() -> Vec<String> {
    let mut out = Vec::new();
    for (op, code, prefix) in [
        (
            "GET /v1/Configuration/Addresses (ListConfigurationAddress)",
            "200",
            "address_configurations[].",
        ),
        (
            "POST /v1/Configuration/Addresses (CreateConfigurationAddress)",
            "201",
            "",
        ),
        (
            "GET /v1/Configuration/Addresses/{Sid} (FetchConfigurationAddress)",
            "200",
            "",
        ),
        (
            "POST /v1/Configuration/Addresses/{Sid} (UpdateConfigurationAddress)",
            "200",
            "",
        ),
    ] {
        let field = |name: &str| format!("{op} | response {code} field {prefix}{name}");
        out.extend([
            format!(
                "{}: type: none -> object (was only nullable: true)",
                field("auto_creation")
            ),
            format!(
                "{}: added (a key of an object OLD left open)",
                field("auto_creation.enabled")
            ),
            format!(
                "{}: required: false -> true (always returned)",
                field("sid")
            ),
            format!(
                "{}: nullable: true -> false (required: always returned with a value)",
                field("sid")
            ),
        ]);
    }
    out.push(
        "POST /v1/Roles (CreateRole) | request body encoding Permission: added {style: form, explode: true}"
            .to_owned(),
    );
    out
}
