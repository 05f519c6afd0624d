//! Error values and decoding against the in-process server: Twilio error bodies, proxy pages,
//! broken and malformed bodies, unknown enum values, unknown fields and nulls.

use conversations_api::{Client, ConversationState, Error, RetryPolicy};
use conversations_tests::{conversation_json, MockServer, Reply};

const ACCOUNT: &str = "AC00000000000000000000000000000001";
const TOKEN: &str = "tok3n-S3CRET-marker";
const CONV: &str = "CH00000000000000000000000000000001";

/// One attempt per call: these tests are about the error of that attempt.
fn client(server: &MockServer) -> Client {
    Client::builder()
        .account_sid(ACCOUNT)
        .auth_token(TOKEN)
        .base_url(server.url())
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client")
}

async fn fetch(server: &MockServer) -> Result<conversations_api::Conversation, Error> {
    client(server).conversation(CONV).fetch().send().await
}

#[tokio::test]
async fn api_error_carries_every_field() {
    let server = MockServer::always(
        Reply::json(
            404,
            r#"{"code": 20404, "message": "The requested resource was not found",
                "more_info": "https://www.twilio.com/docs/errors/20404", "status": 404,
                "details": {"hint": "check the SID"}}"#,
        )
        .header("Twilio-Request-Id", "RQ0123456789abcdef"),
    )
    .await;
    let err = fetch(&server).await.expect_err("404");
    let Error::Api(api) = &err else {
        panic!("expected Error::Api, got {err:?}");
    };
    assert_eq!(api.code, Some(20404));
    assert_eq!(api.message, "The requested resource was not found");
    assert_eq!(
        api.more_info.as_deref(),
        Some("https://www.twilio.com/docs/errors/20404")
    );
    assert_eq!(api.status, Some(404));
    assert_eq!(
        api.details,
        Some(serde_json::json!({"hint": "check the SID"}))
    );
    assert_eq!(api.http_status, 404);
    assert_eq!(api.request_id.as_deref(), Some("RQ0123456789abcdef"));
    assert_eq!(err.status(), Some(404));
    assert_eq!(err.code(), Some(20404));
    assert_eq!(err.request_id(), Some("RQ0123456789abcdef"));
    let shown = err.to_string();
    assert!(shown.contains("404") && shown.contains("20404"), "{shown}");
    assert!(shown.contains("RQ0123456789abcdef"), "{shown}");
}

#[tokio::test]
async fn html_502_gives_status_and_a_bounded_excerpt() {
    let page = format!(
        "<html><body><h1>502 Bad Gateway</h1>{}</body></html>",
        "<p>upstream went away</p>".repeat(1000)
    );
    let server =
        MockServer::always(Reply::html(502, page.clone()).header("Twilio-Request-Id", "RQproxy"))
            .await;
    let err = fetch(&server).await.expect_err("502");
    match &err {
        Error::Http {
            status,
            request_id,
            body_excerpt,
        } => {
            assert_eq!(*status, 502);
            assert_eq!(request_id.as_deref(), Some("RQproxy"));
            assert!(body_excerpt.starts_with("<html><body><h1>502 Bad Gateway</h1>"));
            assert!(body_excerpt.len() <= Error::EXCERPT_LIMIT);
            assert!(page.len() > 10 * Error::EXCERPT_LIMIT);
        }
        other => panic!("expected Error::Http, got {other:?}"),
    }
    assert!(err.to_string().contains("502"));
}

#[tokio::test]
async fn json_cut_short_is_a_truncated_body_not_a_bad_field() {
    // A complete HTTP body that is not complete JSON: the cut falls inside `friendly_name`
    // (and, in the next cases, inside `date_created` and a list page), but no field is wrong.
    let one = format!(r#"{{"sid": "{CONV}", "friendly_name": "Supp"#);
    let server = MockServer::always(Reply::json(200, one.clone())).await;
    let err = fetch(&server).await.expect_err("cut-off JSON");
    match &err {
        Error::Truncated {
            type_name,
            bytes_received,
        } => {
            assert_eq!(*type_name, "Conversation");
            assert_eq!(*bytes_received, one.len());
        }
        other => panic!("expected Error::Truncated, got {other:?}"),
    }
    let shown = err.to_string();
    assert!(shown.contains("cut short"), "{shown}");
    assert!(!shown.contains("friendly_name"), "{shown}");

    let server = MockServer::always(Reply::json(
        200,
        format!(r#"{{"sid": "{CONV}", "date_created": "2024-05-0"#),
    ))
    .await;
    let err = fetch(&server).await.expect_err("cut inside a date");
    assert!(matches!(err, Error::Truncated { .. }), "{err:?}");

    let server = MockServer::always(Reply::json(
        200,
        format!(
            r#"{{"conversations": [{}, {{"sid": "CH2", "date_cr"#,
            conversation_json("CH1", "")
        ),
    ))
    .await;
    let err = client(&server)
        .conversations()
        .list()
        .send()
        .await
        .expect_err("cut inside the second item");
    assert!(
        matches!(
            err,
            Error::Truncated {
                type_name: "Conversation",
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn body_cut_off_on_the_wire_is_a_transport_error() {
    // Content-Length announces the whole body, the connection closes after 20 bytes.
    let body = format!(r#"{{"sid": "{CONV}", "friendly_name": "Support"}}"#);
    let server = MockServer::always(Reply::json(200, body).truncated(20)).await;
    let err = fetch(&server).await.expect_err("incomplete body");
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(!err.is_connect());
}

#[tokio::test]
async fn wrong_type_names_type_and_field() {
    let server = MockServer::always(Reply::json(
        200,
        conversation_json(CONV, r#""date_created": "yesterday""#),
    ))
    .await;
    let err = fetch(&server).await.expect_err("not a date-time");
    match &err {
        Error::Decode {
            type_name, field, ..
        } => {
            assert_eq!(*type_name, "Conversation");
            assert_eq!(field, "date_created");
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
    let shown = err.to_string();
    assert!(
        shown.contains("Conversation") && shown.contains("date_created"),
        "{shown}"
    );
}

#[tokio::test]
async fn decode_error_in_a_page_names_the_item() {
    let server = MockServer::always(Reply::json(
        200,
        format!(
            r#"{{"conversations": [{}, {}],
                "meta": {{"next_page_url": null, "key": "conversations"}}}}"#,
            conversation_json("CH1", ""),
            conversation_json("CH2", r#""date_created": 7"#)
        ),
    ))
    .await;
    let err = client(&server)
        .conversations()
        .list()
        .send()
        .await
        .expect_err("second item is bad");
    match &err {
        Error::Decode {
            type_name, field, ..
        } => {
            assert_eq!(*type_name, "Conversation");
            assert_eq!(field, "conversations[1].date_created");
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn unknown_enum_values_and_unknown_fields_decode() {
    let server = MockServer::always(Reply::json(
        200,
        conversation_json(
            CONV,
            r#""state": "hibernating", "friendly_name": "Support",
                "brand_new_field": {"nested": [1, 2, 3]}, "another_one": true"#,
        ),
    ))
    .await;
    let conv = fetch(&server).await.expect("unknown things are tolerated");
    assert_eq!(
        conv.state,
        Some(ConversationState::Unknown("hibernating".into()))
    );
    assert_eq!(conv.state.as_ref().map(|s| s.as_str()), Some("hibernating"));
    assert_eq!(conv.friendly_name.as_deref(), Some("Support"));
    assert_eq!(conv.sid, CONV);
}

#[tokio::test]
async fn null_where_nullable_decodes_to_none() {
    let server = MockServer::always(Reply::json(
        200,
        conversation_json(
            CONV,
            r#""unique_name": null, "state": null, "date_updated": null,
                "timers": null, "links": null, "bindings": null"#,
        ),
    ))
    .await;
    let conv = fetch(&server).await.expect("nulls decode");
    assert_eq!(conv.unique_name, None);
    assert_eq!(conv.state, None);
    assert_eq!(conv.date_updated, None);
    assert_eq!(conv.timers, None);
    assert_eq!(conv.links, None);
    assert_eq!(conv.bindings, None);
    assert_eq!(conv.date_created.to_rfc3339(), "2024-05-01T10:00:00+00:00");
}

#[tokio::test]
async fn empty_delete_answer_is_ok() {
    let server = MockServer::always(Reply::empty(204)).await;
    client(&server)
        .conversation(CONV)
        .delete()
        .send()
        .await
        .expect("204");
    assert_eq!(server.requests()[0].method, "DELETE");
}

#[tokio::test]
async fn missing_required_field_is_a_decode_error_naming_it() {
    // spec/ marks `url` as always returned: an answer without it is not a conversation.
    let body = conversation_json(CONV, "").replace(
        &format!(r#""url": "https://conversations.twilio.com/v1/Conversations/{CONV}", "#),
        "",
    );
    assert!(!body.contains("\"url\""), "{body}");
    let server = MockServer::always(Reply::json(200, body)).await;
    let err = fetch(&server).await.expect_err("no url");
    match &err {
        Error::Decode {
            type_name,
            field,
            message,
        } => {
            assert_eq!(*type_name, "Conversation");
            assert_eq!(field, "url");
            assert!(message.contains("missing field `url`"), "{message}");
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
    assert!(err.to_string().contains("`url`"), "{err}");
}

#[tokio::test]
async fn missing_required_field_in_a_page_names_the_item_and_field() {
    let second = conversation_json("CH2", "").replace(r#""sid": "CH2", "#, "");
    let server = MockServer::always(Reply::json(
        200,
        format!(
            r#"{{"conversations": [{}, {second}],
                "meta": {{"next_page_url": null, "key": "conversations"}}}}"#,
            conversation_json("CH1", "")
        ),
    ))
    .await;
    let err = client(&server)
        .conversations()
        .list()
        .send()
        .await
        .expect_err("second item has no sid");
    match &err {
        Error::Decode {
            type_name, field, ..
        } => {
            assert_eq!(*type_name, "Conversation");
            assert_eq!(field, "conversations[1].sid");
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn typed_sub_objects_decode_and_keep_unknown_keys() {
    let server = MockServer::always(Reply::json(
        200,
        conversation_json(
            CONV,
            r#""timers": {"date_inactive": "2024-05-01T11:00:00Z", "date_reminder": "soon"},
               "links": {"messages": "https://conversations.twilio.com/v1/Conversations/CH1/Messages",
                         "archive": "https://example.org/archive"},
               "bindings": {"email": {"name": "Support", "projected_address": "a@example.org",
                                      "reply_to": "b@example.org"}}"#,
        ),
    ))
    .await;
    let conv = fetch(&server).await.expect("typed sub-objects decode");
    let timers = conv.timers.expect("timers");
    assert_eq!(
        timers.date_inactive.map(|d| d.to_rfc3339()).as_deref(),
        Some("2024-05-01T11:00:00+00:00")
    );
    assert_eq!(timers.date_closed, None);
    assert_eq!(timers.extra.get("date_reminder"), Some(&"soon".into()));
    let links = conv.links.expect("links");
    assert_eq!(
        links.messages.as_deref(),
        Some("https://conversations.twilio.com/v1/Conversations/CH1/Messages")
    );
    assert_eq!(links.participants, None);
    assert_eq!(links.extra.len(), 1);
    assert_eq!(
        links.extra.get("archive"),
        Some(&"https://example.org/archive".into())
    );
    let email = conv.bindings.and_then(|b| b.email).expect("email binding");
    assert_eq!(email.name.as_deref(), Some("Support"));
    assert_eq!(email.extra.get("reply_to"), Some(&"b@example.org".into()));
}
