//! Wire test of the crate generated from `codegen/tests/fixtures/open_objects.yaml`: `cargo
//! xtask test` copies this file into that crate's `tests/` and runs it against the in-process
//! server of the `conversations-tests` crate. It checks what a decoded answer keeps: required
//! fields as plain values, unknown keys of open objects, and the error when a required field
//! is missing.

use conversations_tests::{MockServer, Reply};
use open_objects_fixture_v1::{Client, Error, OpeningHours};

fn client(server: &MockServer) -> Client {
    Client::builder()
        .account_sid("AC00000000000000000000000000000001")
        .auth_token("token")
        .base_url(server.url())
        .build()
        .expect("client")
}

#[tokio::test]
async fn open_objects_keep_unknown_keys_and_closed_ones_drop_them() {
    let server = MockServer::always(Reply::json(
        200,
        r#"{"sid": "TH1", "date_created": "2024-01-02T03:04:05Z",
            "timers": {"date_closed": "2024-01-03T00:00:00Z", "extra": "named", "later": 5},
            "links": {"parts": "https://example.twilio.com/v1/Things/TH1/Parts",
                      "owner": "https://example.twilio.com/v1/Owners/OW1"},
            "parts": [{"size": 3, "kind": "bolt"}, {"size": null}],
            "closed": {"reason": "done", "by": "someone"},
            "window": {"from": "09:00"}, "next_window": {"from": "10:00", "until": "18:00"}}"#,
    ))
    .await;
    let thing = client(&server)
        .thing("TH1")
        .fetch()
        .send()
        .await
        .expect("decodes");
    assert_eq!(thing.sid, "TH1");
    assert_eq!(thing.date_created.to_rfc3339(), "2024-01-02T03:04:05+00:00");
    let timers = thing.timers.clone().expect("timers");
    assert_eq!(timers.extra.as_deref(), Some("named"));
    assert_eq!(timers.extra_keys.get("later"), Some(&serde_json::json!(5)));
    let links = thing.links.clone().expect("links");
    assert_eq!(
        links.parts.as_deref(),
        Some("https://example.twilio.com/v1/Things/TH1/Parts")
    );
    assert_eq!(
        links.extra.get("owner"),
        Some(&serde_json::json!(
            "https://example.twilio.com/v1/Owners/OW1"
        ))
    );
    let parts = thing.parts.clone().expect("parts");
    assert_eq!(parts[0].size, Some(3));
    assert_eq!(parts[0].extra.get("kind"), Some(&serde_json::json!("bolt")));
    assert!(parts[1].extra.is_empty());
    // Two fields that refer to one component share its type.
    let windows: [Option<OpeningHours>; 2] = [thing.window.clone(), thing.next_window.clone()];
    assert_eq!(
        windows[0].as_ref().and_then(|w| w.from.as_deref()),
        Some("09:00")
    );
    assert_eq!(
        windows[1].as_ref().and_then(|w| w.extra.get("until")),
        Some(&serde_json::json!("18:00"))
    );
    // Encoding again gives back the unknown keys of open objects.
    let again = serde_json::to_value(&thing).expect("encodes");
    assert_eq!(again["timers"]["later"], 5);
    assert_eq!(again["parts"][0]["kind"], "bolt");
    assert_eq!(again["closed"]["reason"], "done");
    assert!(again["closed"].get("by").is_none());
}

#[tokio::test]
async fn a_missing_required_field_is_named() {
    let server = MockServer::always(Reply::json(
        200,
        r#"{"date_created": "2024-01-02T03:04:05Z"}"#,
    ))
    .await;
    let err = client(&server)
        .thing("TH1")
        .fetch()
        .send()
        .await
        .expect_err("no sid");
    match err {
        Error::Decode {
            type_name, field, ..
        } => {
            assert_eq!(type_name, "Thing");
            assert_eq!(field, "sid");
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}
