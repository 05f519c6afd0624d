//! `POST /_emulator/records`: records with SIDs a test chose, in either scope, filled in as a
//! create fills them in, and refused where a create would be.

mod common;

use common::{emulator, raw};
use conversations_emulator::Emulator;
use reqwest::Method;
use serde_json::{json, Value};

const CONVERSATION: &str = "CH7d3e1f0a2b4c4d6e8f0a1b2c3d4e5f60";
const MESSAGE: &str = "IM0a1b2c3d4e5f60718293a4b5c6d7e8f9";
const SERVICE: &str = "IS4c2f0a93b3e24a0e8c1d7f5b6a9e0d21";

async fn seed(emu: &Emulator, path: &str, fields: Value) -> (u16, Value) {
    let res = reqwest::Client::new()
        .post(format!("{}/_emulator/records", emu.base_url()))
        .header("Content-Type", "application/json")
        .body(json!({ "path": path, "fields": fields }).to_string())
        .send()
        .await
        .expect("the emulator answers");
    let status = res.status().as_u16();
    let text = res.text().await.unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_seeded_record_is_served_in_both_scopes_with_what_a_create_fills_in() {
    let emu = emulator().await;
    let (status, record) = seed(
        &emu,
        "/v1/Conversations",
        json!({"sid": CONVERSATION, "friendly_name": "Seeded", "unique_name": "seeded"}),
    )
    .await;
    assert_eq!(status, 201, "{record}");
    assert_eq!(record["sid"], CONVERSATION);
    assert_eq!(record["account_sid"], emu.account_sid());
    assert_eq!(record["chat_service_sid"], emu.default_service_sid());
    assert_eq!(record["state"], "active");
    assert!(record["date_created"].is_string(), "{record}");
    assert_eq!(
        record["url"],
        format!("{}/v1/Conversations/{CONVERSATION}", emu.base_url())
    );

    let client = emu.client();
    let fetched = client
        .conversation(CONVERSATION)
        .fetch()
        .send()
        .await
        .expect("fetch");
    assert_eq!(fetched.friendly_name.as_deref(), Some("Seeded"));
    let by_name = client
        .service(emu.default_service_sid())
        .conversation("seeded")
        .fetch()
        .send()
        .await
        .expect("the default service's own path, by unique name");
    assert_eq!(by_name.sid, CONVERSATION);

    // Under the seeded conversation: a message gets the next index, as a created one does.
    let (status, message) = seed(
        &emu,
        &format!("/v1/Conversations/{CONVERSATION}/Messages"),
        json!({"sid": MESSAGE, "body": "hello"}),
    )
    .await;
    assert_eq!(status, 201, "{message}");
    assert_eq!(message["index"], 0);
    assert_eq!(message["conversation_sid"], CONVERSATION);
    let next = client
        .conversation(CONVERSATION)
        .messages()
        .create()
        .body("after")
        .send()
        .await
        .expect("create");
    assert_eq!(next.index, Some(1));

    // Seeding the same SID again replaces the record.
    let (status, again) = seed(
        &emu,
        "/v1/Conversations",
        json!({"sid": CONVERSATION, "friendly_name": "Replaced", "unique_name": "seeded"}),
    )
    .await;
    assert_eq!(status, 201, "{again}");
    let page = client.conversations().list().send().await.expect("list");
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].friendly_name.as_deref(), Some("Replaced"));
}

#[tokio::test]
async fn a_seeded_service_is_a_scope() {
    let emu = emulator().await;
    let (status, service) = seed(
        &emu,
        "/v1/Services",
        json!({"sid": SERVICE, "friendly_name": "Seeded service"}),
    )
    .await;
    assert_eq!(status, 201, "{service}");
    let (status, conversation) = seed(
        &emu,
        &format!("/v1/Services/{SERVICE}/Conversations"),
        json!({"sid": CONVERSATION}),
    )
    .await;
    assert_eq!(status, 201, "{conversation}");
    assert_eq!(conversation["chat_service_sid"], SERVICE);
    let (status, _) = raw(
        &emu,
        Method::GET,
        &format!("/v1/Services/{SERVICE}/Conversations/{CONVERSATION}"),
        &[],
        &[],
    )
    .await;
    assert_eq!(status, 200);
    // Not in the default service.
    let (status, _) = raw(
        &emu,
        Method::GET,
        &format!("/v1/Conversations/{CONVERSATION}"),
        &[],
        &[],
    )
    .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn seeding_is_refused_where_a_create_would_be() {
    let emu = emulator().await;
    // A unique name another record holds.
    let first = seed(
        &emu,
        "/v1/Conversations",
        json!({"sid": CONVERSATION, "unique_name": "taken"}),
    )
    .await;
    assert_eq!(first.0, 201);
    let (status, body) = seed(
        &emu,
        "/v1/Conversations",
        json!({"sid": "CH00000000000000000000000000000001", "unique_name": "taken"}),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_u64()),
        (409, Some(50353)),
        "{body}"
    );
    // A SID that is not the resource's.
    let (status, body) = seed(&emu, "/v1/Conversations", json!({"sid": MESSAGE})).await;
    assert_eq!(status, 400, "{body}");
    // No SID at all.
    let (status, _) = seed(&emu, "/v1/Conversations", json!({"friendly_name": "x"})).await;
    assert_eq!(status, 400);
    // A parent that does not exist.
    let (status, _) = seed(
        &emu,
        "/v1/Conversations/CH00000000000000000000000000000009/Messages",
        json!({"sid": MESSAGE}),
    )
    .await;
    assert_eq!(status, 404);
    // A path that is no collection.
    let (status, _) = seed(&emu, "/v1/Nothing", json!({"sid": CONVERSATION})).await;
    assert_eq!(status, 404);
}
