//! Wire test of the crate generated from `codegen/tests/fixtures/json_body.yaml`: `cargo xtask
//! test` copies this file into that crate's `tests/` and runs it against the in-process server
//! of the `conversations-tests` crate. It checks the bytes a JSON body puts on the wire.

use conversations_tests::{MockServer, Reply};
use json_body_fixture_v1::{Client, SenderChannel, SenderProfile};
use serde_json::json;

fn client(server: &MockServer) -> Client {
    Client::builder()
        .account_sid("AC00000000000000000000000000000001")
        .auth_token("token")
        .base_url(server.url())
        .build()
        .expect("client")
}

fn body(server: &MockServer) -> serde_json::Value {
    let requests = server.requests();
    let last = requests.last().expect("a request");
    serde_json::from_slice(&last.body).expect("the body is JSON")
}

#[tokio::test]
async fn json_fields_are_one_object_with_typed_values() {
    let server = MockServer::always(Reply::json(
        201,
        r#"{"sid":"XE00000000000000000000000000000001","sender_id":"whatsapp:+15550001"}"#,
    ))
    .await;
    let sender = client(&server)
        .senders()
        .create("whatsapp:+15550001")
        .profile(SenderProfile {
            name: Some("Corner shop".into()),
            ..Default::default()
        })
        .channel(SenderChannel::Whatsapp)
        .priority(3)
        .tags(["retail", "eu"])
        .send()
        .await
        .expect("create");
    assert_eq!(
        sender.sid.as_deref(),
        Some("XE00000000000000000000000000000001")
    );
    let r = &server.requests()[0];
    assert_eq!((r.method.as_str(), r.target.as_str()), ("POST", "/v1/Senders"));
    assert_eq!(r.header("content-type"), Some("application/json"));
    // An unset optional field of a nested value is left out, not sent as null.
    assert_eq!(
        body(&server),
        json!({
            "sender_id": "whatsapp:+15550001",
            "profile": {"name": "Corner shop"},
            "channel": "whatsapp",
            "priority": 3,
            "tags": ["retail", "eu"],
        })
    );
}

#[tokio::test]
async fn a_body_without_named_fields_is_sent_whole_and_defaults_to_an_empty_object() {
    let server = MockServer::always(Reply::empty(204)).await;
    let c = client(&server);
    c.sender("XE00000000000000000000000000000001")
        .events()
        .create()
        .body(json!({"kind": "opened", "at": [1, 2]}))
        .send()
        .await
        .expect("with a body");
    let first: serde_json::Value =
        serde_json::from_slice(&server.requests()[0].body).expect("JSON");
    assert_eq!(first, json!({"kind": "opened", "at": [1, 2]}));
    c.sender("XE00000000000000000000000000000001")
        .events()
        .create()
        .send()
        .await
        .expect("without");
    assert_eq!(server.requests()[1].body, b"{}".to_vec());
    assert_eq!(
        server.requests()[1].target,
        "/v1/Senders/XE00000000000000000000000000000001/Events"
    );
}

#[tokio::test]
async fn a_structured_json_media_type_is_sent_as_declared() {
    let server = MockServer::always(Reply::empty(204)).await;
    client(&server)
        .users()
        .create()
        .user_name("ada")
        .active(true)
        .send()
        .await
        .expect("create");
    let r = &server.requests()[0];
    assert_eq!(r.header("content-type"), Some("application/scim+json"));
    assert_eq!(body(&server), json!({"userName": "ada", "active": true}));
}
