//! Bytes on the wire for create/fetch/update/delete/list in both scopes, against an in-process
//! server on 127.0.0.1.

use chrono::TimeZone;
use conversations_api::{Client, ConversationState, RoleType, ServiceBindingType};
use conversations_tests::{MockServer, Recorded, Reply};
use futures::TryStreamExt;

const ACCOUNT: &str = "AC0123456789abcdef0123456789abcdef";
const BASIC: &str = "Basic QUMwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZjp0b2tlbi0xMjM=";
const SERVICE: &str = "IS00000000000000000000000000000001";
const CONV: &str = "CH00000000000000000000000000000002";

const CONVERSATION: &str = r#"{
  "sid": "CH00000000000000000000000000000002",
  "account_sid": "AC0123456789abcdef0123456789abcdef",
  "chat_service_sid": "IS00000000000000000000000000000001",
  "friendly_name": "Support",
  "state": "active",
  "date_created": "2024-05-06T07:08:09Z",
  "url": "https://conversations.twilio.com/v1/Conversations/CH00000000000000000000000000000002",
  "timers": {"date_inactive": "2024-05-06T08:08:09Z"},
  "links": {"messages": "https://conversations.twilio.com/v1/Conversations/CH00000000000000000000000000000002/Messages"}
}"#;

fn client(server: &MockServer) -> Client {
    Client::builder()
        .account_sid(ACCOUNT)
        .auth_token("token-123")
        .base_url(server.url())
        .build()
        .unwrap()
}

fn only(server: &MockServer) -> Recorded {
    let r = server.requests();
    assert_eq!(r.len(), 1, "expected exactly one request: {r:?}");
    r.into_iter().next().unwrap()
}

fn assert_common(r: &Recorded) {
    assert_eq!(r.header("authorization"), Some(BASIC));
    assert_eq!(r.header("accept"), Some("application/json"));
    assert!(r
        .header("user-agent")
        .unwrap_or("")
        .starts_with("conversations-api-rust/"));
}

#[tokio::test]
async fn create_in_default_scope() {
    let server = MockServer::always(Reply::json(201, CONVERSATION)).await;
    let conv = client(&server)
        .conversations()
        .create()
        .friendly_name("Support & Sales")
        .timers_inactive("PT1M")
        .bindings_email_address("help+x@example.com")
        .date_created(chrono::Utc.with_ymd_and_hms(2024, 5, 6, 7, 8, 9).unwrap())
        .state(ConversationState::Active)
        .webhook_enabled(true)
        .send()
        .await
        .unwrap();
    let r = only(&server);
    assert_eq!(r.method, "POST");
    assert_eq!(r.target, "/v1/Conversations");
    assert_common(&r);
    assert_eq!(
        r.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(r.header("x-twilio-webhook-enabled"), Some("true"));
    assert_eq!(
        r.body_str(),
        "FriendlyName=Support%20%26%20Sales&Timers.Inactive=PT1M&Bindings.Email.Address=help%2Bx%40example.com\
         &DateCreated=2024-05-06T07%3A08%3A09Z&State=active"
    );
    assert_eq!(conv.sid, CONV);
    assert_eq!(conv.state, Some(ConversationState::Active));
    assert_eq!(
        conv.date_created,
        chrono::Utc.with_ymd_and_hms(2024, 5, 6, 7, 8, 9).unwrap()
    );
    assert_eq!(
        conv.timers.as_ref().and_then(|t| t.date_inactive),
        Some(chrono::Utc.with_ymd_and_hms(2024, 5, 6, 8, 8, 9).unwrap())
    );
    let links = conv.links.as_ref().expect("links");
    assert!(links
        .messages
        .as_ref()
        .is_some_and(|m| m.ends_with("/Messages")));
}

#[tokio::test]
async fn create_in_service_scope() {
    let server = MockServer::always(Reply::json(201, CONVERSATION)).await;
    client(&server)
        .service(SERVICE)
        .conversations()
        .create()
        .unique_name("support-1")
        .send()
        .await
        .unwrap();
    let r = only(&server);
    assert_eq!(r.method, "POST");
    assert_eq!(r.target, format!("/v1/Services/{SERVICE}/Conversations"));
    assert_common(&r);
    assert_eq!(r.body_str(), "UniqueName=support-1");
}

#[tokio::test]
async fn fetch_in_both_scopes() {
    let server = MockServer::always(Reply::json(200, CONVERSATION)).await;
    let c = client(&server);
    let a = c.conversation(CONV).fetch().send().await.unwrap();
    let b = c
        .service(SERVICE)
        .conversation(CONV)
        .fetch()
        .send()
        .await
        .unwrap();
    assert_eq!(a, b);
    let r = server.requests();
    assert_eq!(r.len(), 2);
    assert_eq!(
        (r[0].method.as_str(), r[0].target.as_str()),
        (
            "GET",
            "/v1/Conversations/CH00000000000000000000000000000002"
        )
    );
    assert_eq!(
        (r[1].method.as_str(), r[1].target.clone()),
        (
            "GET",
            format!("/v1/Services/{SERVICE}/Conversations/{CONV}")
        )
    );
    assert!(r
        .iter()
        .all(|r| r.body.is_empty() && r.header("content-type").is_none()));
}

#[tokio::test]
async fn update_in_service_scope() {
    let server = MockServer::always(Reply::json(200, CONVERSATION)).await;
    client(&server)
        .service(SERVICE)
        .conversation(CONV)
        .update()
        .state(ConversationState::Closed)
        .attributes(r#"{"topic":"billing"}"#)
        .send()
        .await
        .unwrap();
    let r = only(&server);
    assert_eq!(r.method, "POST");
    assert_eq!(
        r.target,
        format!("/v1/Services/{SERVICE}/Conversations/{CONV}")
    );
    assert_eq!(
        r.body_str(),
        "State=closed&Attributes=%7B%22topic%22%3A%22billing%22%7D"
    );
}

#[tokio::test]
async fn delete_in_both_scopes() {
    let server = MockServer::always(Reply::empty(204)).await;
    let c = client(&server);
    c.conversation(CONV)
        .delete()
        .webhook_enabled(false)
        .send()
        .await
        .unwrap();
    c.service(SERVICE)
        .user("alice smith/1")
        .delete()
        .send()
        .await
        .unwrap();
    let r = server.requests();
    assert_eq!(r[0].method, "DELETE");
    assert_eq!(r[0].target, format!("/v1/Conversations/{CONV}"));
    assert_eq!(r[0].header("x-twilio-webhook-enabled"), Some("false"));
    // Identities in the path are percent-encoded as one segment.
    assert_eq!(r[1].method, "DELETE");
    assert_eq!(
        r[1].target,
        format!("/v1/Services/{SERVICE}/Users/alice%20smith%2F1")
    );
}

#[tokio::test]
async fn list_one_page_and_stream_in_both_scopes() {
    let page = |next: &str| {
        format!(
            r#"{{"conversations": [{CONVERSATION}, {CONVERSATION}],
                "meta": {{"page": 0, "page_size": 2, "key": "conversations", "next_page_url": {next},
                          "url": "https://conversations.twilio.com/v1/Conversations?PageSize=2"}}}}"#
        )
    };
    let first = page(
        r#""https://conversations.twilio.com/v1/Services/IS00000000000000000000000000000001/Conversations?PageSize=2&Page=1&PageToken=PT1""#,
    );
    let last = page("null");
    let server = MockServer::sequence(vec![
        Reply::json(200, first.clone()),
        Reply::json(200, first),
        Reply::json(200, last),
    ])
    .await;
    let c = client(&server);
    let one = c
        .conversations()
        .list()
        .page_size(2)
        .state(ConversationState::Active)
        .send()
        .await
        .unwrap();
    assert_eq!(one.items.len(), 2);
    assert_eq!(one.meta.key.as_deref(), Some("conversations"));
    assert!(one.meta.next_page_url.is_some());
    let all: Vec<_> = c
        .service(SERVICE)
        .conversations()
        .list()
        .page_size(2)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 4);
    let r = server.requests();
    assert_eq!(r.len(), 3);
    assert_eq!(r[0].method, "GET");
    assert_eq!(r[0].target, "/v1/Conversations?PageSize=2&State=active");
    assert_eq!(
        r[1].target,
        format!("/v1/Services/{SERVICE}/Conversations?PageSize=2")
    );
    // The next page is followed as given, on the configured host.
    assert_eq!(
        r[2].target,
        format!("/v1/Services/{SERVICE}/Conversations?PageSize=2&Page=1&PageToken=PT1")
    );
}

#[tokio::test]
async fn array_form_fields_and_query_arrays_repeat_their_key() {
    let server = MockServer::start(|_, r| {
        if r.method == "POST" {
            Reply::json(201, r#"{"sid": "RL00000000000000000000000000000003", "account_sid": "AC0123456789abcdef0123456789abcdef", "chat_service_sid": "IS00000000000000000000000000000001", "url": "https://conversations.twilio.com/v1/Roles/RL00000000000000000000000000000003", "date_created": "2024-05-06T07:08:09Z", "permissions": ["sendMessage", "leaveConversation"], "type": "conversation"}"#)
        } else {
            Reply::json(200, r#"{"bindings": [], "meta": {"key": "bindings", "next_page_url": null}}"#)
        }
    })
    .await;
    let c = client(&server);
    let role = c
        .service(SERVICE)
        .roles()
        .create(
            "Agent",
            RoleType::Conversation,
            ["sendMessage", "leaveConversation"],
        )
        .send()
        .await
        .unwrap();
    assert_eq!(role.r#type, Some(RoleType::Conversation));
    assert_eq!(role.permissions.as_deref().map(<[String]>::len), Some(2));
    let page = c
        .service(SERVICE)
        .bindings()
        .list()
        .binding_type([ServiceBindingType::Apn, ServiceBindingType::Fcm])
        .identity(["alice", "bob"])
        .send()
        .await
        .unwrap();
    assert!(page.items.is_empty());
    let r = server.requests();
    assert_eq!(r[0].target, format!("/v1/Services/{SERVICE}/Roles"));
    assert_eq!(
        r[0].body_str(),
        "FriendlyName=Agent&Type=conversation&Permission=sendMessage&Permission=leaveConversation"
    );
    assert_eq!(
        r[1].target,
        format!("/v1/Services/{SERVICE}/Bindings?BindingType=apn&BindingType=fcm&Identity=alice&Identity=bob")
    );
}

#[tokio::test]
async fn setting_a_parameter_twice_keeps_the_last_value() {
    let server = MockServer::always(Reply::json(201, CONVERSATION)).await;
    client(&server)
        .conversations()
        .create()
        .friendly_name("a")
        .friendly_name("b")
        .send()
        .await
        .unwrap();
    assert_eq!(only(&server).body_str(), "FriendlyName=b");
}

#[tokio::test]
async fn default_only_parameter_reaches_the_wire_in_its_scope() {
    let server = MockServer::always(Reply::json(
        200,
        r#"{"account_sid": "AC0123456789abcdef0123456789abcdef", "target": "flex", "method": "POST",
            "url": "https://conversations.twilio.com/v1/Configuration/Webhooks"}"#,
    ))
    .await;
    let c = client(&server);
    let hook = c
        .configuration()
        .webhooks()
        .update()
        .target(conversations_api::ConfigurationWebhookTarget::Flex)
        .filters(["onMessageAdded"])
        .send()
        .await
        .unwrap();
    assert_eq!(
        hook.target,
        Some(conversations_api::ConfigurationWebhookTarget::Flex)
    );
    c.service(SERVICE)
        .configuration()
        .webhooks()
        .update()
        .pre_webhook_url("https://example.com/pre")
        .send()
        .await
        .unwrap();
    let r = server.requests();
    assert_eq!(r[0].target, "/v1/Configuration/Webhooks");
    assert_eq!(r[0].body_str(), "Target=flex&Filters=onMessageAdded");
    assert_eq!(
        r[1].target,
        format!("/v1/Services/{SERVICE}/Configuration/Webhooks")
    );
    assert_eq!(
        r[1].body_str(),
        "PreWebhookUrl=https%3A%2F%2Fexample.com%2Fpre"
    );
}

#[tokio::test]
async fn dot_segments_are_refused_before_sending() {
    let server = MockServer::always(Reply::empty(204)).await;
    let c = client(&server);
    for sid in [".", ".."] {
        let err = c
            .conversation(CONV)
            .participant(sid)
            .delete()
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(err, conversations_api::Error::InvalidArgument(_)),
            "{err:?}"
        );
    }
    assert!(server.requests().is_empty());
    // A dot inside a value is fine and sent as is.
    c.conversation(CONV)
        .participant("a.b")
        .delete()
        .send()
        .await
        .unwrap();
    assert_eq!(
        only(&server).target,
        format!("/v1/Conversations/{CONV}/Participants/a.b")
    );
}

#[tokio::test]
async fn trailing_bytes_after_the_body_are_a_decode_error() {
    let server = MockServer::always(Reply::json(200, format!("{CONVERSATION} junk"))).await;
    let err = client(&server)
        .conversation(CONV)
        .fetch()
        .send()
        .await
        .unwrap_err();
    match err {
        conversations_api::Error::Decode {
            type_name, message, ..
        } => {
            assert_eq!(type_name, "Conversation");
            assert!(message.contains("trailing"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

/// Asserts `Error::InvalidArgument` naming an empty path value.
fn assert_empty_refused<T: std::fmt::Debug>(
    what: &str,
    result: Result<T, conversations_api::Error>,
) {
    match result {
        Err(conversations_api::Error::InvalidArgument(why)) => {
            assert!(why.contains("empty path value"), "{what}: {why}")
        }
        other => panic!("{what}: expected InvalidArgument, got {other:?}"),
    }
}

/// An empty SID would send `GET /v1/Conversations/` (the list, whose answer decodes as an item
/// with every field absent) or `/v1/Conversations//Messages`: every position is refused in both
/// scopes before anything is sent.
#[tokio::test]
async fn empty_path_values_are_refused_before_sending() {
    let server = MockServer::always(Reply::json(200, CONVERSATION)).await;
    let c = client(&server);
    // The resource's own SID.
    assert_empty_refused(
        "conversation(\"\").fetch",
        c.conversation("").fetch().send().await,
    );
    assert_empty_refused(
        "service scope: conversation(\"\").fetch",
        c.service(SERVICE).conversation("").fetch().send().await,
    );
    assert_empty_refused("user(\"\").delete", c.user("").delete().send().await);
    // A parent SID, under a create and a list.
    assert_empty_refused(
        "conversation(\"\").messages().create",
        c.conversation("")
            .messages()
            .create()
            .body("hi")
            .send()
            .await,
    );
    assert_empty_refused(
        "service scope: conversation(\"\").participants().list",
        c.service(SERVICE)
            .conversation("")
            .participants()
            .list()
            .send()
            .await,
    );
    // A grandchild under an empty parent, and an empty child under a good parent.
    assert_empty_refused(
        "conversation(\"\").message(MSG).receipts().list",
        c.conversation("")
            .message("IM00000000000000000000000000000003")
            .receipts()
            .list()
            .send()
            .await,
    );
    assert_empty_refused(
        "conversation(CONV).message(\"\").fetch",
        c.conversation(CONV).message("").fetch().send().await,
    );
    // The service SID itself, for a scoped resource and for the service's own operations.
    assert_empty_refused(
        "service(\"\").conversations().create",
        c.service("").conversations().create().send().await,
    );
    assert_empty_refused(
        "service(\"\").conversation(CONV).fetch",
        c.service("").conversation(CONV).fetch().send().await,
    );
    assert_empty_refused("service(\"\").fetch", c.service("").fetch().send().await);
    // Streams are refused too, on their first item.
    let stream = c.service("").conversations().list().stream();
    let first = Box::pin(stream).try_next().await;
    assert_empty_refused("service(\"\").conversations().list().stream", first);
    assert!(
        server.requests().is_empty(),
        "nothing may be sent: {:?}",
        server.requests()
    );
}
