//! Wire test of the crate generated from `codegen/tests/fixtures/one_of.yaml` (run by `cargo
//! xtask test` against the in-process server): a `oneOf` request body on the wire, and
//! `oneOf` / `anyOf` answers decoded into the right alternative or kept as `Other`.

use conversations_tests::{MockServer, Reply};
use one_of_fixture_v1::{
    ChatIndicatorRequest, Client, IndicatorBody, IndicatorShownFor, Number, PhoneIndicatorRequest,
};
use serde_json::json;

fn client(server: &MockServer) -> Client {
    Client::builder()
        .account_sid("AC00000000000000000000000000000001")
        .auth_token("token")
        .base_url(server.url())
        .build()
        .expect("client")
}

fn sent(server: &MockServer, i: usize) -> serde_json::Value {
    serde_json::from_slice(&server.requests()[i].body).expect("the body is JSON")
}

#[tokio::test]
async fn each_alternative_is_sent_bare_with_its_discriminator_filled_in() {
    let server = MockServer::always(Reply::json(201, r#"{"sid":"IN1","shown_for":5}"#)).await;
    let c = client(&server);
    let shown = c
        .indicators()
        .create(IndicatorBody::Chat(ChatIndicatorRequest {
            message_id: "SM1".into(),
            ..Default::default()
        }))
        .send()
        .await
        .expect("chat");
    assert_eq!(shown.shown_for, Some(IndicatorShownFor::Integer(5)));
    c.indicators()
        .create(IndicatorBody::Phone(PhoneIndicatorRequest {
            to: "+15550001".into(),
            seconds: Some(3),
            ..Default::default()
        }))
        .send()
        .await
        .expect("phone");
    // A value the crate has no alternative for goes out as given.
    c.indicators()
        .create(IndicatorBody::Other(json!({"channel": "FAX", "line": 2})))
        .send()
        .await
        .expect("other");
    let r = &server.requests()[0];
    assert_eq!(
        (r.method.as_str(), r.target.as_str()),
        ("POST", "/v1/Indicators")
    );
    assert_eq!(r.header("content-type"), Some("application/json"));
    // No wrapper around the alternative; the tag comes from the mapping (`CHAT`) or from the
    // one-value enum (`PHONE`) although the value left it unset.
    assert_eq!(
        sent(&server, 0),
        json!({"channel": "CHAT", "message_id": "SM1"})
    );
    assert_eq!(
        sent(&server, 1),
        json!({"channel": "PHONE", "to": "+15550001", "seconds": 3})
    );
    assert_eq!(sent(&server, 2), json!({"channel": "FAX", "line": 2}));
}

#[tokio::test]
async fn an_any_of_field_decodes_by_json_kind_and_keeps_an_unknown_kind() {
    let server = MockServer::sequence(vec![
        Reply::json(201, r#"{"sid":"IN1","shown_for":"until-read"}"#),
        Reply::json(201, r#"{"sid":"IN2","shown_for":{"minutes":2}}"#),
    ])
    .await;
    let c = client(&server);
    let body = || {
        IndicatorBody::Chat(ChatIndicatorRequest {
            message_id: "SM1".into(),
            ..Default::default()
        })
    };
    let first = c.indicators().create(body()).send().await.expect("first");
    assert_eq!(
        first.shown_for,
        Some(IndicatorShownFor::String("until-read".into()))
    );
    let second = c.indicators().create(body()).send().await.expect("second");
    assert_eq!(
        second.shown_for,
        Some(IndicatorShownFor::Other(json!({"minutes": 2})))
    );
}

#[tokio::test]
async fn a_one_of_answer_without_discriminator_goes_to_the_alternative_it_fits_best() {
    let server = MockServer::sequence(vec![
        Reply::json(200, r#"{"sid":"PN1","phone_number":"+15550001"}"#),
        Reply::json(
            200,
            r#"{"sid":"PN2","phone_number":"+15550002","capabilities":["sms"]}"#,
        ),
        Reply::json(200, r#"{"carrier":"unknown"}"#),
    ])
    .await;
    let c = client(&server);
    match c.number("PN1").fetch().send().await.expect("v1") {
        Number::LocalNumber(n) => assert_eq!(n.phone_number.as_deref(), Some("+15550001")),
        other => panic!("expected the first shape, got {other:?}"),
    }
    match c.number("PN2").fetch().send().await.expect("v2") {
        Number::LocalNumberV2(n) => {
            assert_eq!(n.sid.as_deref(), Some("PN2"));
            assert_eq!(n.capabilities, Some(vec!["sms".to_string()]));
        }
        other => panic!("expected the second shape, got {other:?}"),
    }
    // Nothing in common with either alternative: kept whole.
    assert_eq!(
        c.number("PN3").fetch().send().await.expect("unknown"),
        Number::Other(json!({"carrier": "unknown"}))
    );
    assert_eq!(server.requests()[2].target, "/v1/Numbers/PN3");
}
