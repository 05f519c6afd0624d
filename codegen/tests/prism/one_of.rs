//! Prism driver for the crate generated from `codegen/tests/fixtures/one_of.yaml` (see
//! `json_body.rs` next to this file): Prism checks that each alternative of the `oneOf`
//! request body, as the generated enum writes it, matches exactly one of the spec's
//! alternatives.

use one_of_fixture_v1::{ChatIndicatorRequest, Client, IndicatorBody, PhoneIndicatorRequest};
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
async fn each_alternative_is_accepted() {
    let c = client();
    // The tag field is left unset: the enum fills it in from the discriminator.
    c.indicators()
        .create(IndicatorBody::Chat(ChatIndicatorRequest {
            message_id: "SM1".into(),
            ..Default::default()
        }))
        .send()
        .await
        .expect("the chat alternative");
    c.indicators()
        .create(IndicatorBody::Phone(PhoneIndicatorRequest {
            to: "+15550001".into(),
            seconds: Some(3),
            ..Default::default()
        }))
        .send()
        .await
        .expect("the phone alternative");
}

/// A body that fits no alternative (a chat indicator without its `message_id`, a tag no
/// alternative has) is refused, so the acceptance above is Prism's judgement.
#[tokio::test]
async fn prism_refuses_a_body_that_fits_no_alternative() {
    let c = client();
    for wrong in [
        json!({"channel": "CHAT"}),
        json!({"channel": "FAX", "to": "+15550001"}),
    ] {
        let answer = c
            .indicators()
            .create(IndicatorBody::Other(wrong.clone()))
            .send()
            .await;
        match answer {
            Err(e) => assert_eq!(e.status(), Some(422), "{wrong}: {e}"),
            Ok(v) => panic!("Prism accepted {wrong}: {v:?}"),
        }
    }
}
