//! Wire test of the crate generated from `codegen/tests/fixtures/all_of.yaml` (run by `cargo
//! xtask test` against the in-process server): `allOf` schemas merged into one form body, one
//! JSON body and one answer.

use all_of_fixture_v1::{Client, WidgetLabel, WidgetStatus};
use conversations_tests::{form_body, MockServer, Reply};
use serde_json::json;

fn client(server: &MockServer) -> Client {
    Client::builder()
        .account_sid("AC00000000000000000000000000000001")
        .auth_token("token")
        .base_url(server.url())
        .build()
        .expect("client")
}

#[tokio::test]
async fn merged_form_fields_go_out_and_the_merged_answer_decodes() {
    let server = MockServer::always(Reply::json(
        201,
        r#"{"sid":"WI1","date_created":"2026-12-01T10:00:00Z","friendly_name":"Gear","status":"active"}"#,
    ))
    .await;
    let widget = client(&server)
        .widgets()
        .create("Gear")
        .size(3)
        .send()
        .await
        .expect("create");
    assert_eq!(widget.sid.as_deref(), Some("WI1"));
    assert_eq!(widget.friendly_name.as_deref(), Some("Gear"));
    assert_eq!(widget.status, Some(WidgetStatus::Active));
    assert_eq!(
        widget.date_created.map(|d| d.to_rfc3339()),
        Some("2026-12-01T10:00:00+00:00".to_string())
    );
    let r = &server.requests()[0];
    assert_eq!(
        r.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        r.body_str(),
        form_body(&[
            ("FriendlyName".into(), "Gear".into()),
            ("Size".into(), "3".into())
        ])
    );
}

#[tokio::test]
async fn a_merged_json_body_and_a_merged_nested_value() {
    let server = MockServer::always(Reply::empty(204)).await;
    client(&server)
        .widget("WI1")
        .labels()
        .create("blue")
        .weight(0.5)
        .label(WidgetLabel {
            friendly_name: "Fragile".into(),
            note: Some("this side up".into()),
        })
        .send()
        .await
        .expect("create");
    let r = &server.requests()[0];
    assert_eq!(r.target, "/v1/Widgets/WI1/Labels");
    let body: serde_json::Value = serde_json::from_slice(&r.body).expect("JSON");
    assert_eq!(
        body,
        json!({
            "color": "blue",
            "weight": 0.5,
            "label": {"FriendlyName": "Fragile", "note": "this side up"},
        })
    );
}
