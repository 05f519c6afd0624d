//! Conversations v2 through the client, on the wire, against the in-process server: paging by
//! token (`meta.nextToken` sent back in `pageToken`), long-running operations (`202` with a
//! `statusUrl`, polled to a final state within a bound), idempotency keys (a fresh UUID per
//! call, the same on every retry of a write), and an operation whose answers differ by status.

use conversations_api::v2::{ConversationStatus, OperationStatus};
use conversations_api::{Client, Error, PollPolicy, RetryPolicy};
use conversations_tests::{MockServer, Recorded, Reply};
use futures::TryStreamExt;
use std::time::Duration;

const ACCOUNT: &str = "AC00000000000000000000000000000001";
const TOKEN: &str = "tok3n-S3CRET-marker";
const TWILIO: &str = "https://conversations.twilio.com";

fn client(server: &MockServer, retry: RetryPolicy) -> Client {
    Client::builder()
        .account_sid(ACCOUNT)
        .auth_token(TOKEN)
        .base_url(server.url())
        .retry_policy(retry)
        .build()
        .expect("client")
}

/// Retries without waiting long: the rules are under test, not the backoff.
fn fast_retries(attempts: u32) -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(attempts)
        .base_delay(Duration::from_millis(1))
        .max_delay(Duration::from_millis(5))
}

fn conversation(i: u32) -> String {
    format!(
        r#"{{"id": "conv_conversation_{i:026}", "accountId": "{ACCOUNT}",
            "configurationId": "conv_configuration_00000000000000000000000001",
            "status": "ACTIVE", "name": "c{i}"}}"#
    )
}

/// A page of conversations `ids` whose `meta` names `next` as the next page's token.
fn page(ids: &[u32], next: Option<&str>) -> Reply {
    let items: Vec<String> = ids.iter().map(|i| conversation(*i)).collect();
    let next = next.map_or(String::new(), |t| format!(r#", "nextToken": "{t}""#));
    Reply::json(
        200,
        format!(
            r#"{{"conversations": [{}], "meta": {{"key": "conversations", "pageSize": 2{next}}}}}"#,
            items.join(", ")
        ),
    )
}

/// Pages of two answered by the token the request carries: none gives the first page, `T1`
/// the second, `T2` the third (the last: no next token), anything else a 400.
async fn token_pages() -> MockServer {
    MockServer::start(
        |_, req: &Recorded| match query_value(req, "pageToken").as_deref() {
            None => page(&[1, 2], Some("T1")),
            Some("T1") => page(&[3, 4], Some("T2")),
            Some("T2") => page(&[5, 6], None),
            Some(_) => Reply::json(
                400,
                r#"{"code": 20001, "message": "bad token", "status": 400}"#,
            ),
        },
    )
    .await
}

fn query_value(req: &Recorded, key: &str) -> Option<String> {
    form_urlencoded::parse(req.query().as_bytes())
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

fn names(items: &[conversations_api::v2::Conversation]) -> Vec<String> {
    items.iter().filter_map(|c| c.name.clone()).collect()
}

#[tokio::test]
async fn stream_follows_page_tokens_to_the_last_page() {
    let server = token_pages().await;
    let all: Vec<_> = client(&server, RetryPolicy::none())
        .v2()
        .conversations()
        .list()
        .page_size(2)
        .status(vec![ConversationStatus::Active])
        .stream()
        .try_collect()
        .await
        .expect("every page");
    assert_eq!(names(&all), ["c1", "c2", "c3", "c4", "c5", "c6"]);
    let requests = server.requests();
    let targets: Vec<&str> = requests.iter().map(|r| r.target.as_str()).collect();
    // The token goes back in `pageToken` of the same request; its other parameters stay.
    assert_eq!(
        targets,
        [
            "/v2/Conversations?pageSize=2&status=ACTIVE",
            "/v2/Conversations?pageSize=2&status=ACTIVE&pageToken=T1",
            "/v2/Conversations?pageSize=2&status=ACTIVE&pageToken=T2",
        ]
    );
}

#[tokio::test]
async fn limit_is_exact_across_token_pages_and_asks_for_no_page_beyond_it() {
    let server = token_pages().await;
    let some: Vec<_> = client(&server, RetryPolicy::none())
        .v2()
        .conversations()
        .list()
        .limit(3)
        .stream()
        .try_collect()
        .await
        .expect("three items");
    assert_eq!(names(&some), ["c1", "c2", "c3"]);
    assert_eq!(
        server.request_count(),
        2,
        "the third page is never asked for"
    );
}

#[tokio::test]
async fn next_page_by_hand_sends_the_token_and_stops_on_the_last_page() {
    let server = token_pages().await;
    let first = client(&server, RetryPolicy::none())
        .v2()
        .conversations()
        .list()
        .send()
        .await
        .expect("first page");
    assert_eq!(first.meta.next_token.as_deref(), Some("T1"));
    assert_eq!(
        first.meta.page_size,
        Some(2),
        "`pageSize` is read into `page_size`"
    );
    let second = first
        .next_page()
        .await
        .expect("second")
        .expect("there is one");
    let third = second
        .next_page()
        .await
        .expect("third")
        .expect("there is one");
    assert_eq!(names(&third.items), ["c5", "c6"]);
    assert!(!third.has_next_page());
    assert!(third.next_page().await.expect("no request").is_none());
    assert_eq!(server.request_count(), 3);
}

#[tokio::test]
async fn a_page_that_names_its_own_token_again_is_the_last() {
    // A server that hands back the token it was given would loop forever.
    let server =
        MockServer::start(
            |_, req: &Recorded| match query_value(req, "pageToken").as_deref() {
                None => page(&[1, 2], Some("SAME")),
                _ => page(&[3, 4], Some("SAME")),
            },
        )
        .await;
    let all: Vec<_> = client(&server, RetryPolicy::none())
        .v2()
        .conversations()
        .list()
        .stream()
        .try_collect()
        .await
        .expect("two pages");
    assert_eq!(names(&all), ["c1", "c2", "c3", "c4"]);
    assert_eq!(server.request_count(), 2);
}

fn accepted(operation: &str) -> Reply {
    Reply::json(
        202,
        format!(
            r#"{{"statusUrl": "{TWILIO}/v2/ControlPlane/Operations/{operation}",
                "related": {{"configurationId": "conv_configuration_00000000000000000000000007"}}}}"#
        ),
    )
}

fn operation_state(operation: &str, state: &str) -> Reply {
    let completed = if state == "PENDING" {
        String::new()
    } else {
        r#", "completedAt": "2026-12-06T10:00:05Z""#.to_string()
    };
    Reply::json(
        200,
        format!(
            r#"{{"operationId": "{operation}", "status": "{state}",
                "createdAt": "2026-12-06T10:00:00Z"{completed},
                "statusUrl": "{TWILIO}/v2/ControlPlane/Operations/{operation}"}}"#
        ),
    )
}

const OP: &str = "proc_job_00000000000000000000000042";

#[tokio::test]
async fn an_accepted_operation_is_polled_on_the_clients_host_until_it_completes() {
    let server = MockServer::sequence(vec![
        accepted(OP),
        operation_state(OP, "PENDING"),
        operation_state(OP, "PENDING"),
        operation_state(OP, "COMPLETED"),
    ])
    .await;
    let op = client(&server, RetryPolicy::none())
        .v2()
        .control_plane()
        .configuration("conv_configuration_00000000000000000000000007")
        .delete()
        .send()
        .await
        .expect("accepted");
    assert!(op.accepted.status_url.ends_with(OP));
    assert_eq!(
        op.status_url(),
        Some(format!("{}/v2/ControlPlane/Operations/{OP}", server.url()).as_str()),
        "the status URL is moved onto the client's host"
    );
    let done = op
        .wait_with(
            PollPolicy::within(Duration::from_secs(10)).first_interval(Duration::from_millis(1)),
        )
        .await
        .expect("completed within the bound");
    assert_eq!(done.operation_id, OP);
    assert_eq!(done.status, Some(OperationStatus::Completed));
    assert!(done.completed_at.is_some());
    let requests = server.requests();
    let lines: Vec<String> = requests
        .iter()
        .map(|r| format!("{} {}", r.method, r.target))
        .collect();
    let poll = format!("GET /v2/ControlPlane/Operations/{OP}");
    assert_eq!(
        lines,
        [
            "DELETE /v2/ControlPlane/Configurations/conv_configuration_00000000000000000000000007"
                .to_string(),
            poll.clone(),
            poll.clone(),
            poll,
        ]
    );
    // Every poll carries the client's credentials and no idempotency key of the delete.
    for r in &requests[1..] {
        assert!(r.header("authorization").is_some());
        assert_eq!(r.header("idempotency-key"), None);
    }
}

#[tokio::test]
async fn a_failed_operation_is_returned_not_raised_and_a_wait_is_bounded() {
    let server = MockServer::sequence(vec![accepted(OP), operation_state(OP, "FAILED")]).await;
    let op = client(&server, RetryPolicy::none())
        .v2()
        .conversation("conv_conversation_00000000000000000000000001")
        .delete()
        .send()
        .await
        .expect("accepted");
    let failed = op.wait(Duration::from_secs(5)).await.expect("final state");
    assert_eq!(failed.status, Some(OperationStatus::Failed));

    let server = MockServer::sequence(vec![accepted(OP), operation_state(OP, "PENDING")]).await;
    let op = client(&server, RetryPolicy::none())
        .v2()
        .conversation("conv_conversation_00000000000000000000000001")
        .delete()
        .send()
        .await
        .expect("accepted");
    let policy = PollPolicy::within(Duration::from_millis(60))
        .first_interval(Duration::from_millis(10))
        .max_interval(Duration::from_millis(10));
    match op.wait_with(policy).await {
        Err(Error::OperationPending { last_state, .. }) => {
            assert_eq!(last_state.as_deref(), Some("PENDING"))
        }
        other => panic!("expected OperationPending, got {other:?}"),
    }
    let polls = server.request_count() - 1;
    assert!(
        (2..=7).contains(&polls),
        "{polls} polls in a 60 ms bound of 10 ms pauses"
    );
}

/// `8-4-4-4-12` hexadecimal digits, version 4, RFC 4122 variant.
fn is_uuid_v4(key: &str) -> bool {
    let groups: Vec<&str> = key.split('-').collect();
    let lengths: Vec<usize> = groups.iter().map(|g| g.len()).collect();
    lengths == [8, 4, 4, 4, 12]
        && groups
            .iter()
            .all(|g| g.bytes().all(|b| b.is_ascii_hexdigit()))
        && groups[2].starts_with('4')
        && matches!(groups[3].as_bytes()[0], b'8' | b'9' | b'a' | b'b')
}

fn server_error(status: u16) -> Reply {
    Reply::json(
        status,
        format!(r#"{{"code": 20500, "message": "try again", "status": {status}}}"#),
    )
}

#[tokio::test]
async fn a_keyed_write_is_retried_after_5xx_with_the_same_key_and_each_call_gets_its_own() {
    let server = MockServer::sequence(vec![
        server_error(500),
        server_error(503),
        accepted(OP),
        accepted(OP),
    ])
    .await;
    let client = client(&server, fast_retries(3));
    // A PATCH: a method that is never repeated without a key.
    let configuration = || {
        client
            .v2()
            .control_plane()
            .configuration("conv_configuration_00000000000000000000000007")
            .patch()
            .display_name("Renamed")
    };
    configuration()
        .send()
        .await
        .expect("third attempt succeeds");
    configuration().send().await.expect("a second call");
    let requests = server.requests();
    assert!(requests.iter().all(|r| r.method == "PATCH"));
    let keys: Vec<String> = requests
        .iter()
        .map(|r| r.header("idempotency-key").expect("a key").to_string())
        .collect();
    assert_eq!(keys.len(), 4);
    assert!(keys.iter().all(|k| is_uuid_v4(k)), "{keys:?}");
    assert_eq!(keys[0], keys[1], "the same key on every attempt");
    assert_eq!(keys[1], keys[2]);
    assert_ne!(keys[2], keys[3], "a new call, a new key");
}

#[tokio::test]
async fn a_keyed_post_is_retried_after_a_dropped_connection_and_a_given_key_is_kept() {
    let server = MockServer::sequence(vec![Reply::dropped(), accepted(OP)]).await;
    let client = client(&server, fast_retries(3));
    client
        .v2()
        .control_plane()
        .configurations()
        .create(
            "Support",
            "Inbound support",
            conversations_api::v2::ConversationGroupingType::GroupByProfile,
            "mem_store_00000000000000000000000001",
        )
        .idempotency_key("01890a5d-aa0f-7c80-b8e6-0242ac140004")
        .send()
        .await
        .expect("the retry succeeds");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for r in &requests {
        assert_eq!(r.method, "POST");
        assert_eq!(
            r.header("idempotency-key"),
            Some("01890a5d-aa0f-7c80-b8e6-0242ac140004")
        );
        let body: serde_json::Value = serde_json::from_slice(&r.body).expect("JSON body");
        assert_eq!(body["displayName"], "Support");
        assert_eq!(body["conversationGroupingType"], "GROUP_BY_PROFILE");
    }
}

#[tokio::test]
async fn a_write_without_a_key_is_still_never_repeated_after_a_5xx() {
    // `CreateConversationWithConfig` declares no idempotency key.
    let server =
        MockServer::sequence(vec![server_error(500), Reply::json(201, conversation(1))]).await;
    let err = client(&server, fast_retries(3))
        .v2()
        .conversations()
        .create("conv_configuration_00000000000000000000000001")
        .send()
        .await
        .expect_err("the 500 is returned");
    assert_eq!(err.status(), Some(500));
    assert_eq!(server.request_count(), 1);
    assert_eq!(server.requests()[0].header("idempotency-key"), None);
}

#[tokio::test]
async fn the_first_poll_waits_for_the_accepted_answers_retry_after() {
    let server = MockServer::sequence(vec![
        accepted(OP).header("Retry-After", "1"),
        operation_state(OP, "COMPLETED"),
    ])
    .await;
    let op = client(&server, RetryPolicy::none())
        .v2()
        .conversation("conv_conversation_00000000000000000000000001")
        .delete()
        .send()
        .await
        .expect("accepted");
    let started = std::time::Instant::now();
    let done = op
        .wait_with(
            PollPolicy::within(Duration::from_secs(10)).first_interval(Duration::from_millis(1)),
        )
        .await
        .expect("completed");
    assert_eq!(done.status, Some(OperationStatus::Completed));
    // Behaviour, not speed: the one-second pause the API asked for was kept.
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.request_count(), 2, "one delete, one poll");
}
