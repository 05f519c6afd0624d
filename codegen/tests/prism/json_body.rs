//! Prism driver for the crate generated from `codegen/tests/fixtures/json_body.yaml`: `cargo
//! xtask test` (step 5) copies it into that crate's `tests/` and runs it with
//! `PRISM_BASE_URL` naming a Prism that serves the same fixture. Prism validates every request
//! against the spec and answers 422 to a body the spec rejects, so each call below passing
//! means Prism accepted the JSON the generated client wrote.

use json_body_fixture_v1::{Client, SenderChannel, SenderProfile};
use serde_json::json;

fn prism_url() -> String {
    let url = std::env::var("PRISM_BASE_URL")
        .expect("PRISM_BASE_URL names the Prism that `cargo xtask test` started");
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    url
}

fn client() -> Client {
    Client::builder()
        .account_sid("AC00000000000000000000000000000001")
        .auth_token("token")
        .base_url(prism_url())
        .build()
        .expect("client")
}

#[tokio::test]
async fn every_json_body_operation_is_accepted() {
    let c = client();
    // Every field set, nested value included.
    c.senders()
        .create("whatsapp:+15550001")
        .profile(SenderProfile {
            name: Some("Corner shop".into()),
            emails: Some(vec!["shop@example.test".into()]),
        })
        .channel(SenderChannel::Rcs)
        .priority(3)
        .tags(["retail", "eu"])
        .send()
        .await
        .expect("CreateSender with every field");
    // Only the required field.
    c.senders()
        .create("whatsapp:+15550002")
        .send()
        .await
        .expect("CreateSender with the required field only");
    c.sender("XE00000000000000000000000000000001")
        .events()
        .create()
        .body(json!({"kind": "opened", "at": [1, 2]}))
        .send()
        .await
        .expect("CreateSenderEvent");
    c.users()
        .create()
        .user_name("ada")
        .active(true)
        .send()
        .await
        .expect("CreateUser (application/scim+json)");
}

/// The check above only means something if Prism does refuse a wrong body: the required
/// `sender_id` with a number instead of a string, and a body without it.
#[tokio::test]
async fn prism_refuses_a_body_the_spec_rejects() {
    let http = reqwest::Client::new();
    for wrong in [json!({"sender_id": 5}), json!({"priority": 1})] {
        let answer = http
            .post(format!("{}/v1/Senders", prism_url()))
            .header("content-type", "application/json")
            .body(wrong.to_string())
            .send()
            .await
            .expect("Prism answers");
        assert_eq!(answer.status().as_u16(), 422, "{wrong}");
    }
}
