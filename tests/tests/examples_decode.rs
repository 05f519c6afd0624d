//! Every response example in `spec/conversations_v1.yaml` decodes into the type the client
//! returns for that operation, and loses nothing on the way: serialized back, the decoded value
//! says exactly what the example says (see `compare.rs`). Prism answers with these examples, so
//! this is the offline half of the conformance suite.

#[path = "../src/bin/conformance/compare.rs"]
mod compare;

use chrono::DateTime;
use conversations_api::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Debug;

const SPEC: &str = include_str!("../../spec/conversations_v1.yaml");

/// Operations with a JSON body, and examples, in the spec: 85 operations, two of which
/// (`Create[Service]ConversationWithParticipants`) document both 201 and 202.
const OPERATIONS_WITH_A_BODY: usize = 85;
const EXAMPLES: usize = 87;

/// Decodes one example; returns the decoded value's `Debug` text.
type Check = fn(&Value) -> Result<String, String>;

fn one<T: DeserializeOwned + Serialize + Debug>(example: &Value) -> Result<String, String> {
    let decoded: T = serde_json::from_value(example.clone()).map_err(|e| format!("decode: {e}"))?;
    let back = serde_json::to_value(&decoded).map_err(|e| format!("serialize: {e}"))?;
    compare::covers(&back, example, "$")?;
    Ok(format!("{decoded:?}"))
}

/// A list page: `{<key>: [T...], meta: {..., key: <key>}}`, decoded as `Vec<T>` + `PageMeta`.
fn list<T: DeserializeOwned + Serialize + Debug>(example: &Value) -> Result<String, String> {
    let obj = example.as_object().ok_or("a list page must be an object")?;
    let keys: Vec<&String> = obj.keys().filter(|k| *k != "meta").collect();
    let [key] = keys.as_slice() else {
        return Err(format!(
            "expected one item array beside `meta`, found {keys:?}"
        ));
    };
    let items: Vec<T> =
        serde_json::from_value(obj[*key].clone()).map_err(|e| format!("decode {key}: {e}"))?;
    let meta: PageMeta = serde_json::from_value(obj.get("meta").cloned().ok_or("no meta")?)
        .map_err(|e| format!("decode meta: {e}"))?;
    if meta.key.as_deref() != Some(key.as_str()) {
        return Err(format!(
            "meta.key is {:?}, the items are under {key:?}",
            meta.key
        ));
    }
    if items.is_empty() {
        return Err("the example list is empty, so it shows nothing about the item type".into());
    }
    let back_items = serde_json::to_value(&items).map_err(|e| e.to_string())?;
    compare::covers(&back_items, &obj[*key], &format!("$.{key}"))?;
    let back_meta = serde_json::to_value(&meta).map_err(|e| e.to_string())?;
    compare::covers(&back_meta, &obj["meta"], "$.meta")?;
    Ok(format!("{items:?} {meta:?}"))
}

/// operationId -> the type the generated client decodes its answer into.
fn table() -> BTreeMap<&'static str, Check> {
    let mut t: BTreeMap<&'static str, Check> = BTreeMap::new();
    macro_rules! one {
        ($ty:ty: $($op:literal),+) => { $( assert!(t.insert($op, one::<$ty>).is_none(), $op); )+ };
    }
    macro_rules! list {
        ($ty:ty: $($op:literal),+) => { $( assert!(t.insert($op, list::<$ty>).is_none(), $op); )+ };
    }
    one!(Configuration: "FetchConfiguration", "UpdateConfiguration");
    one!(ConfigurationAddress: "CreateConfigurationAddress", "FetchConfigurationAddress", "UpdateConfigurationAddress");
    one!(ConfigurationWebhook: "FetchConfigurationWebhook", "UpdateConfigurationWebhook",
        "FetchServiceWebhookConfiguration", "UpdateServiceWebhookConfiguration");
    one!(Conversation: "CreateConversation", "FetchConversation", "UpdateConversation",
        "CreateServiceConversation", "FetchServiceConversation", "UpdateServiceConversation");
    one!(ConversationMessage: "CreateConversationMessage", "FetchConversationMessage", "UpdateConversationMessage",
        "CreateServiceConversationMessage", "FetchServiceConversationMessage", "UpdateServiceConversationMessage");
    one!(ConversationMessageReceipt: "FetchConversationMessageReceipt", "FetchServiceConversationMessageReceipt");
    one!(ConversationParticipant: "CreateConversationParticipant", "FetchConversationParticipant",
        "UpdateConversationParticipant", "CreateServiceConversationParticipant",
        "FetchServiceConversationParticipant", "UpdateServiceConversationParticipant");
    one!(ConversationScopedWebhook: "CreateConversationScopedWebhook", "FetchConversationScopedWebhook",
        "UpdateConversationScopedWebhook", "CreateServiceConversationScopedWebhook",
        "FetchServiceConversationScopedWebhook", "UpdateServiceConversationScopedWebhook");
    one!(ConversationWithParticipants: "CreateConversationWithParticipants", "CreateServiceConversationWithParticipants");
    one!(Credential: "CreateCredential", "FetchCredential", "UpdateCredential");
    one!(Role: "CreateRole", "FetchRole", "UpdateRole", "CreateServiceRole", "FetchServiceRole", "UpdateServiceRole");
    one!(Service: "CreateService", "FetchService");
    one!(ServiceBinding: "FetchServiceBinding");
    one!(ServiceConfiguration: "FetchServiceConfiguration", "UpdateServiceConfiguration");
    one!(ServiceNotification: "FetchServiceNotification", "UpdateServiceNotification");
    one!(User: "CreateUser", "FetchUser", "UpdateUser", "CreateServiceUser", "FetchServiceUser", "UpdateServiceUser");
    one!(UserConversation: "FetchUserConversation", "UpdateUserConversation",
        "FetchServiceUserConversation", "UpdateServiceUserConversation");
    list!(ConfigurationAddress: "ListConfigurationAddress");
    list!(Conversation: "ListConversation", "ListServiceConversation");
    list!(ConversationMessage: "ListConversationMessage", "ListServiceConversationMessage");
    list!(ConversationMessageReceipt: "ListConversationMessageReceipt", "ListServiceConversationMessageReceipt");
    list!(ConversationParticipant: "ListConversationParticipant", "ListServiceConversationParticipant");
    list!(ConversationScopedWebhook: "ListConversationScopedWebhook", "ListServiceConversationScopedWebhook");
    list!(Credential: "ListCredential");
    list!(ParticipantConversation: "ListParticipantConversation", "ListServiceParticipantConversation");
    list!(Role: "ListRole", "ListServiceRole");
    list!(Service: "ListService");
    list!(ServiceBinding: "ListServiceBinding");
    list!(User: "ListUser", "ListServiceUser");
    list!(UserConversation: "ListUserConversation", "ListServiceUserConversation");
    t
}

struct Example {
    op: String,
    status: String,
    value: Value,
}

/// Every `application/json` response example of the spec, in spec order.
fn examples() -> Vec<Example> {
    let doc: serde_yaml::Value = serde_yaml::from_str(SPEC).expect("spec parses");
    let doc: Value = serde_json::to_value(doc).expect("spec as JSON");
    let mut out = Vec::new();
    for (_path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            if !["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                continue;
            }
            let id = op["operationId"].as_str().expect("operationId");
            for (status, response) in op["responses"].as_object().expect("responses") {
                assert!(
                    response.get("$ref").is_none(),
                    "{id}: response $refs are not expected"
                );
                let Some(media) = response.pointer("/content/application~1json") else {
                    continue;
                };
                let mut values: Vec<Value> = media.get("example").cloned().into_iter().collect();
                if let Some(named) = media.get("examples").and_then(Value::as_object) {
                    values.extend(named.values().map(|e| e["value"].clone()));
                }
                assert!(
                    !values.is_empty(),
                    "{id} {status}: a JSON response without an example"
                );
                for value in values {
                    out.push(Example {
                        op: id.to_string(),
                        status: status.clone(),
                        value,
                    });
                }
            }
        }
    }
    out
}

#[test]
fn every_response_example_decodes_into_its_type_without_loss() {
    let table = table();
    assert_eq!(table.len(), OPERATIONS_WITH_A_BODY);
    let examples = examples();
    let mut failures = Vec::new();
    let mut used = std::collections::BTreeSet::new();
    for ex in &examples {
        let Some(check) = table.get(ex.op.as_str()) else {
            failures.push(format!(
                "{} {}: no type mapped for this operation",
                ex.op, ex.status
            ));
            continue;
        };
        used.insert(ex.op.as_str());
        match check(&ex.value) {
            Ok(debug) if debug.contains("Unknown(") => failures.push(format!(
                "{} {}: an enum value of the example decoded as Unknown: {debug}",
                ex.op, ex.status
            )),
            Ok(_) => {}
            Err(e) => failures.push(format!("{} {}: {e}", ex.op, ex.status)),
        }
    }
    let unused: Vec<_> = table.keys().filter(|k| !used.contains(*k)).collect();
    assert!(
        unused.is_empty(),
        "mapped but without an example in the spec: {unused:?}"
    );
    assert!(
        failures.is_empty(),
        "{} example(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(examples.len(), EXAMPLES, "examples decoded");
    assert_eq!(used.len(), OPERATIONS_WITH_A_BODY);
}

fn example(op: &str) -> Value {
    examples()
        .into_iter()
        .find(|e| e.op == op)
        .unwrap_or_else(|| panic!("no example for {op}"))
        .value
}

fn instant(s: &Value) -> chrono::DateTime<chrono::Utc> {
    DateTime::parse_from_rfc3339(s.as_str().expect("a date-time string"))
        .expect("RFC 3339")
        .with_timezone(&chrono::Utc)
}

#[test]
fn conversation_example_has_a_known_state_and_real_dates() {
    let ex = example("FetchServiceConversation");
    let conv: Conversation = serde_json::from_value(ex.clone()).unwrap();
    let state = conv.state.clone().expect("state");
    assert!(!matches!(state, ConversationState::Unknown(_)), "{state:?}");
    assert_eq!(Some(state.as_str()), ex["state"].as_str());
    assert_eq!(conv.date_created, instant(&ex["date_created"]));
    assert_eq!(conv.date_updated, Some(instant(&ex["date_updated"])));
    assert!(Some(conv.date_created) <= conv.date_updated);
    assert_eq!(
        Some(conv.chat_service_sid.as_str()),
        ex["chat_service_sid"].as_str()
    );
    assert!(conv.sid.starts_with("CH") && conv.sid.len() == 34);
}

#[test]
fn list_example_pages_decode_with_their_meta() {
    let ex = example("ListServiceConversationMessage");
    let items: Vec<ConversationMessage> = serde_json::from_value(ex["messages"].clone()).unwrap();
    let meta: PageMeta = serde_json::from_value(ex["meta"].clone()).unwrap();
    assert_eq!(items.len(), ex["messages"].as_array().unwrap().len());
    assert_eq!(meta.key.as_deref(), Some("messages"));
    assert_eq!(meta.page_size, ex["meta"]["page_size"].as_i64());
    assert_eq!(meta.next_page_url, None);
    for (m, raw) in items.iter().zip(ex["messages"].as_array().unwrap()) {
        assert_eq!(m.index, raw["index"].as_i64());
        assert_eq!(m.date_created, instant(&raw["date_created"]));
        assert_eq!(
            m.chat_service_sid.as_deref(),
            raw["chat_service_sid"].as_str()
        );
    }
}

#[test]
fn enum_examples_decode_to_known_variants() {
    let role: Role = serde_json::from_value(example("CreateServiceRole")).unwrap();
    assert!(
        matches!(
            role.r#type,
            Some(RoleType::Conversation | RoleType::Service)
        ),
        "{role:?}"
    );
    assert!(role.permissions.as_ref().is_some_and(|p| !p.is_empty()));

    let receipt: ConversationMessageReceipt =
        serde_json::from_value(example("FetchConversationMessageReceipt")).unwrap();
    let status = receipt.status.expect("status");
    assert!(
        !matches!(status, ConversationMessageReceiptStatus::Unknown(_)),
        "{status:?}"
    );

    let binding: ServiceBinding = serde_json::from_value(example("FetchServiceBinding")).unwrap();
    let kind = binding.binding_type.expect("binding_type");
    assert!(!matches!(kind, ServiceBindingType::Unknown(_)), "{kind:?}");

    let hook: ConfigurationWebhook =
        serde_json::from_value(example("FetchConfigurationWebhook")).unwrap();
    assert!(matches!(
        hook.target,
        Some(ConfigurationWebhookTarget::Webhook | ConfigurationWebhookTarget::Flex)
    ));
    assert!(matches!(
        hook.method,
        Some(ConfigurationWebhookMethod::Get | ConfigurationWebhookMethod::Post)
    ));

    let uc: UserConversation = serde_json::from_value(example("FetchUserConversation")).unwrap();
    assert!(matches!(
        uc.notification_level,
        Some(UserConversationNotificationLevel::Default | UserConversationNotificationLevel::Muted)
    ));
    assert!(!matches!(
        uc.conversation_state,
        Some(UserConversationState::Unknown(_)) | None
    ));
}

#[test]
fn the_comparison_notices_loss_and_invention() {
    // The helper the tests above rely on must fail when it should.
    let raw: Value = serde_json::json!({"sid": "CH1", "state": "active", "date_created": "2024-01-02T03:04:05Z"});
    let same = serde_json::json!({"sid": "CH1", "state": "active", "date_created": "2024-01-02T03:04:05.000+00:00", "extra": null});
    assert_eq!(compare::covers(&same, &raw, "$"), Ok(()));
    let lost = serde_json::json!({"sid": "CH1", "state": "active"});
    assert!(compare::covers(&lost, &raw, "$")
        .unwrap_err()
        .contains("$.date_created"));
    let changed = serde_json::json!({"sid": "CH1", "state": "closed", "date_created": "2024-01-02T03:04:05Z"});
    assert!(compare::covers(&changed, &raw, "$")
        .unwrap_err()
        .contains("$.state"));
    let invented = serde_json::json!({"sid": "CH1", "state": "active", "date_created": "2024-01-02T03:04:05Z", "x": 1});
    assert!(compare::covers(&invented, &raw, "$")
        .unwrap_err()
        .contains("$.x"));
    let other_instant = serde_json::json!({"sid": "CH1", "state": "active", "date_created": "2024-01-02T03:04:06Z"});
    assert!(compare::covers(&other_instant, &raw, "$").is_err());
}
