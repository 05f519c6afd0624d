//! `send_with_metadata()`: the status, `Twilio-Request-Id` and headers of a successful answer,
//! next to the same decoded value `send()` gives, for every kind of operation.

use conversations_api::{Client, Response};
use conversations_tests::{MockServer, Reply};

const ACCOUNT: &str = "AC00000000000000000000000000000001";
const CONV: &str = "CH00000000000000000000000000000002";
const NEXT: &str = "https://conversations.twilio.com/v1/Conversations?Page=1&PageToken=PT1";

fn client(server: &MockServer) -> Client {
    Client::builder()
        .account_sid(ACCOUNT)
        .auth_token("token")
        .base_url(server.url())
        .build()
        .expect("client")
}

fn conversation() -> String {
    conversations_tests::conversation_json(CONV, r#""friendly_name": "Support""#)
}

#[tokio::test]
async fn create_reports_201_the_request_id_and_every_header() {
    let server = MockServer::always(
        Reply::json(201, conversation())
            .header("Twilio-Request-Id", "RQ00000000000000000000000000000001")
            .header("Twilio-Concurrent-Requests", "3"),
    )
    .await;
    let created: Response<conversations_api::Conversation> = client(&server)
        .conversations()
        .create()
        .friendly_name("Support")
        .send_with_metadata()
        .await
        .expect("created");
    assert_eq!(created.status, 201);
    assert_eq!(
        created.request_id.as_deref(),
        Some("RQ00000000000000000000000000000001")
    );
    assert_eq!(
        created
            .headers
            .get("twilio-concurrent-requests")
            .and_then(|v| v.to_str().ok()),
        Some("3")
    );
    assert_eq!(
        created.headers.get("content-type").map(|v| v.as_bytes()),
        Some(&b"application/json"[..])
    );
    assert_eq!(created.value.sid, CONV);
    assert_eq!(created.value.friendly_name.as_deref(), Some("Support"));
    // The same request as `send()` makes.
    let reqs = server.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].method, "POST");
    assert_eq!(reqs[0].body_str(), "FriendlyName=Support");
}

#[tokio::test]
async fn fetch_without_a_request_id_header_has_none() {
    let server = MockServer::always(Reply::json(200, conversation())).await;
    let fetched = client(&server)
        .conversation(CONV)
        .fetch()
        .send_with_metadata()
        .await
        .expect("fetched");
    assert_eq!(fetched.status, 200);
    assert_eq!(fetched.request_id, None);
    let value = fetched.map(|c| c.sid).into_value();
    assert_eq!(value, CONV);
}

#[tokio::test]
async fn delete_reports_204_with_a_unit_value() {
    let server = MockServer::always(
        Reply::empty(204).header("Twilio-Request-Id", "RQ00000000000000000000000000000002"),
    )
    .await;
    let deleted = client(&server)
        .conversation(CONV)
        .delete()
        .webhook_enabled(false)
        .send_with_metadata()
        .await
        .expect("deleted");
    assert_eq!(deleted.status, 204);
    assert_eq!(
        deleted.request_id.as_deref(),
        Some("RQ00000000000000000000000000000002")
    );
    let () = deleted.value;
    let reqs = server.requests();
    assert_eq!(reqs[0].header("x-twilio-webhook-enabled"), Some("false"));
}

#[tokio::test]
async fn a_list_reports_each_page_with_its_own_request_id() {
    let server = MockServer::sequence(vec![
        Reply::json(
            200,
            format!(
                r#"{{"conversations": [{}], "meta": {{"key": "conversations", "page": 0,
                     "next_page_url": "{NEXT}"}}}}"#,
                conversation()
            ),
        )
        .header("Twilio-Request-Id", "RQ00000000000000000000000000000003"),
        Reply::json(
            200,
            r#"{"conversations": [], "meta": {"key": "conversations", "page": 1, "next_page_url": null}}"#,
        )
        .header("Twilio-Request-Id", "RQ00000000000000000000000000000004"),
    ])
    .await;
    let first = client(&server)
        .conversations()
        .list()
        .send_with_metadata()
        .await
        .expect("first page");
    assert_eq!(first.status, 200);
    assert_eq!(
        first.request_id.as_deref(),
        Some("RQ00000000000000000000000000000003")
    );
    assert_eq!(first.value.len(), 1);
    assert_eq!(first.value.meta.page, Some(0));
    assert_eq!(first.value.meta.next_page_url.as_deref(), Some(NEXT));
    let second = first
        .value
        .next_page_with_metadata()
        .await
        .expect("second page")
        .expect("there is one");
    assert_eq!(
        second.request_id.as_deref(),
        Some("RQ00000000000000000000000000000004")
    );
    assert!(second.value.is_empty());
    assert_eq!(second.value.meta.page, Some(1));
    assert!(!second.value.has_next_page());
    assert!(second
        .value
        .next_page_with_metadata()
        .await
        .expect("no request")
        .is_none());
    assert_eq!(server.requests().len(), 2);
}
