//! Pagination against the in-process server: one page with `send()`, the pages after it by
//! hand with `next_page()`, every item with `stream()`, `limit(n)` for both, laziness,
//! next-page links rebased onto the configured host.

use conversations_api::{Client, Error, RetryPolicy};
use conversations_tests::{conversation_json, MockServer, Reply};
use futures::{StreamExt, TryStreamExt};

const ACCOUNT: &str = "AC00000000000000000000000000000001";
const TOKEN: &str = "tok3n-S3CRET-marker";
const SERVICE: &str = "IS00000000000000000000000000000001";
const TWILIO: &str = "https://conversations.twilio.com";

fn client_at(base: String) -> Client {
    Client::builder()
        .account_sid(ACCOUNT)
        .auth_token(TOKEN)
        .base_url(base)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client")
}

fn client(server: &MockServer) -> Client {
    client_at(server.url())
}

fn sid(i: u32) -> String {
    format!("CH{i:032}")
}

/// A page of conversations `ids`, linking to `next` (as Twilio does: an absolute URL on
/// Twilio's own host).
fn page(ids: &[u32], next: Option<&str>) -> Reply {
    let items: Vec<String> = ids
        .iter()
        .map(|i| conversation_json(&sid(*i), &format!(r#""friendly_name": "c{i}""#)))
        .collect();
    let next = next.map_or("null".to_string(), |n| format!("\"{TWILIO}{n}\""));
    Reply::json(
        200,
        format!(
            r#"{{"conversations": [{}], "meta": {{"page": 0, "page_size": 2,
                "first_page_url": "{TWILIO}/v1/Conversations?PageSize=2&Page=0",
                "previous_page_url": null, "url": "{TWILIO}/v1/Conversations?PageSize=2&Page=0",
                "next_page_url": {next}, "key": "conversations"}}}}"#,
            items.join(", ")
        ),
    )
}

const NEXT1: &str = "/v1/Conversations?PageSize=2&Page=1&PageToken=PT1";
const NEXT2: &str = "/v1/Conversations?PageSize=2&Page=2&PageToken=PT2";
const NEXT3: &str = "/v1/Conversations?PageSize=2&Page=3&PageToken=PT3";

/// Three full pages of two; the third still links to a fourth.
async fn three_pages_and_more() -> MockServer {
    MockServer::sequence(vec![
        page(&[1, 2], Some(NEXT1)),
        page(&[3, 4], Some(NEXT2)),
        page(&[5, 6], Some(NEXT3)),
        page(&[7, 8], None),
    ])
    .await
}

fn sids(items: &[conversations_api::Conversation]) -> Vec<String> {
    items.iter().map(|c| c.sid.clone()).collect()
}

#[tokio::test]
async fn send_returns_one_page_with_its_meta() {
    let server = three_pages_and_more().await;
    let page = client(&server)
        .conversations()
        .list()
        .page_size(2)
        .send()
        .await
        .expect("page");
    assert_eq!(sids(&page.items), vec![sid(1), sid(2)]);
    assert_eq!(page.meta.page_size, Some(2));
    assert_eq!(page.meta.key.as_deref(), Some("conversations"));
    assert_eq!(
        page.meta.next_page_url,
        Some(format!("{TWILIO}{NEXT1}")),
        "the page reports the link as Twilio sent it"
    );
    let reqs = server.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].target, "/v1/Conversations?PageSize=2");
}

#[tokio::test]
async fn stream_follows_next_page_url_rebased_to_the_mock_host() {
    let server = MockServer::sequence(vec![
        page(&[1, 2], Some(NEXT1)),
        page(&[3, 4], Some(NEXT2)),
        page(&[5], None),
    ])
    .await;
    let items: Vec<_> = client(&server)
        .conversations()
        .list()
        .page_size(2)
        .stream()
        .try_collect()
        .await
        .expect("all pages");
    assert_eq!(sids(&items), (1..=5).map(sid).collect::<Vec<_>>());
    let targets: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    // Pages 2 and 3 went to the mock (the only server there is), path and query as linked.
    assert_eq!(targets, vec!["/v1/Conversations?PageSize=2", NEXT1, NEXT2]);
}

#[tokio::test]
async fn limit_that_stops_mid_page_makes_exactly_three_requests() {
    let server = three_pages_and_more().await;
    let items: Vec<_> = client(&server)
        .conversations()
        .list()
        .page_size(2)
        .limit(5)
        .stream()
        .try_collect()
        .await
        .expect("five items");
    assert_eq!(sids(&items), (1..=5).map(sid).collect::<Vec<_>>());
    assert_eq!(
        server.requests().len(),
        3,
        "the fourth page is never requested"
    );
}

#[tokio::test]
async fn limit_at_a_page_end_does_not_fetch_the_next_page() {
    let server = three_pages_and_more().await;
    let items: Vec<_> = client(&server)
        .conversations()
        .list()
        .limit(4)
        .stream()
        .try_collect()
        .await
        .expect("four items");
    assert_eq!(items.len(), 4);
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn limit_zero_sends_nothing() {
    let server = three_pages_and_more().await;
    let items: Vec<_> = client(&server)
        .conversations()
        .list()
        .limit(0)
        .stream()
        .try_collect()
        .await
        .expect("nothing");
    assert!(items.is_empty());
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn stream_fetches_a_page_only_when_the_previous_one_is_used_up() {
    let server = three_pages_and_more().await;
    let stream = client(&server).conversations().list().stream();
    futures::pin_mut!(stream);
    assert!(
        server.requests().is_empty(),
        "nothing is sent before polling"
    );
    let mut seen = Vec::new();
    for expected_requests in [1, 1, 2, 2, 3] {
        let item = stream.next().await.expect("an item").expect("ok");
        seen.push(item.sid);
        assert_eq!(server.requests().len(), expected_requests);
    }
    assert_eq!(seen, (1..=5).map(sid).collect::<Vec<_>>());
}

#[tokio::test]
async fn an_error_mid_stream_is_yielded_then_the_stream_ends() {
    let server = MockServer::sequence(vec![
        page(&[1, 2], Some(NEXT1)),
        Reply::json(
            400,
            r#"{"code": 20001, "message": "bad token", "status": 400}"#,
        ),
        page(&[3, 4], None),
    ])
    .await;
    let results: Vec<Result<_, Error>> = client(&server)
        .conversations()
        .list()
        .stream()
        .collect()
        .await;
    assert_eq!(results.len(), 3);
    assert!(results[0].is_ok() && results[1].is_ok());
    let err = results[2].as_ref().expect_err("the second page failed");
    assert_eq!(err.code(), Some(20001));
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_link_to_the_same_page_ends_the_stream() {
    let server = MockServer::always(page(&[1], Some("/v1/Conversations"))).await;
    let items: Vec<_> = client(&server)
        .conversations()
        .list()
        .stream()
        .try_collect()
        .await
        .expect("one page");
    assert_eq!(items.len(), 1);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn links_keep_the_base_url_path_prefix_in_the_service_scope() {
    let server = MockServer::sequence(vec![
        page(
            &[1],
            Some(&format!(
                "/v1/Services/{SERVICE}/Conversations?PageSize=1&Page=1&PageToken=PT1"
            )),
        ),
        page(&[2], None),
    ])
    .await;
    // A proxy that serves the API under a path prefix.
    let client = client_at(format!("{}/twilio/", server.url()));
    let items: Vec<_> = client
        .service(SERVICE)
        .conversations()
        .list()
        .page_size(1)
        .stream()
        .try_collect()
        .await
        .expect("two pages");
    assert_eq!(sids(&items), vec![sid(1), sid(2)]);
    let targets: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(
        targets,
        vec![
            format!("/twilio/v1/Services/{SERVICE}/Conversations?PageSize=1"),
            format!("/twilio/v1/Services/{SERVICE}/Conversations?PageSize=1&Page=1&PageToken=PT1"),
        ]
    );
}

#[tokio::test]
async fn next_page_walks_the_same_pages_as_stream_and_stops_on_the_last() {
    let server = MockServer::sequence(vec![
        page(&[1, 2], Some(NEXT1)),
        page(&[3, 4], Some(NEXT2)),
        page(&[5], None),
    ])
    .await;
    let mut page = client(&server)
        .conversations()
        .list()
        .page_size(2)
        .send()
        .await
        .expect("first page");
    let mut seen = Vec::new();
    let mut pages = 1;
    loop {
        // A page iterates by reference and by value.
        assert_eq!(page.iter().count(), page.len());
        seen.extend((&page).into_iter().map(|c| c.sid.clone()));
        match page.next_page().await.expect("next page") {
            Some(next) => {
                page = next;
                pages += 1;
            }
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, (1..=5).map(sid).collect::<Vec<_>>());
    assert!(!page.has_next_page());
    let last: Vec<String> = page.into_iter().map(|c| c.sid).collect();
    assert_eq!(last, vec![sid(5)]);
    let targets: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    // The same requests `stream()` makes (see the test above), and none after the last page.
    assert_eq!(targets, vec!["/v1/Conversations?PageSize=2", NEXT1, NEXT2]);
}

#[tokio::test]
async fn next_page_sends_a_link_to_another_host_to_the_configured_one_with_credentials() {
    let server = MockServer::sequence(vec![
        Reply::json(
            200,
            format!(
                r#"{{"conversations": [{}],
                "meta": {{"key": "conversations",
                         "next_page_url": "https://collector.example/v1/Conversations?Page=1&PageToken=PT1"}}}}"#,
                conversation_json(&sid(1), "")
            ),
        ),
        page(&[2], None),
    ])
    .await;
    let first = client(&server)
        .conversations()
        .list()
        .send()
        .await
        .expect("first page");
    assert!(first.has_next_page());
    let second = first
        .next_page()
        .await
        .expect("second page")
        .expect("there is one");
    assert_eq!(sids(&second.items), vec![sid(2)]);
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[1].target, "/v1/Conversations?Page=1&PageToken=PT1");
    assert_eq!(
        reqs[1].header("authorization"),
        reqs[0].header("authorization")
    );
    assert!(reqs[1].header("authorization").is_some());
}

#[tokio::test]
async fn next_page_retries_by_the_client_policy() {
    let server = MockServer::sequence(vec![
        page(&[1, 2], Some(NEXT1)),
        Reply::json(503, r#"{"code": 20503, "message": "busy", "status": 503}"#),
        page(&[3], None),
    ])
    .await;
    let client = Client::builder()
        .account_sid(ACCOUNT)
        .auth_token(TOKEN)
        .base_url(server.url())
        .retry_policy(
            RetryPolicy::default()
                .max_attempts(2)
                .base_delay(std::time::Duration::from_millis(1))
                .max_delay(std::time::Duration::from_millis(1)),
        )
        .build()
        .expect("client");
    let first = client.conversations().list().send().await.expect("first");
    let second = first.next_page().await.expect("retried").expect("a page");
    assert_eq!(sids(&second.items), vec![sid(3)]);
    let targets: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(targets, vec!["/v1/Conversations", NEXT1, NEXT1]);
}

#[tokio::test]
async fn an_error_from_next_page_is_returned_and_the_page_can_ask_again() {
    let server = MockServer::sequence(vec![
        page(&[1, 2], Some(NEXT1)),
        Reply::json(
            400,
            r#"{"code": 20001, "message": "bad token", "status": 400}"#,
        ),
        page(&[3], None),
    ])
    .await;
    let first = client(&server)
        .conversations()
        .list()
        .send()
        .await
        .expect("first");
    let err = first.next_page().await.expect_err("the server refused");
    assert_eq!(err.code(), Some(20001));
    // The page is unchanged, so asking again sends the same request.
    let second = first
        .next_page()
        .await
        .expect("second try")
        .expect("a page");
    assert_eq!(sids(&second.items), vec![sid(3)]);
    let targets: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(targets, vec!["/v1/Conversations", NEXT1, NEXT1]);
}

#[tokio::test]
async fn limit_means_the_same_for_send_and_next_page_as_for_stream() {
    let server = three_pages_and_more().await;
    let first = client(&server)
        .conversations()
        .list()
        .page_size(2)
        .limit(3)
        .send()
        .await
        .expect("first page");
    assert_eq!(sids(&first.items), vec![sid(1), sid(2)]);
    let second = first.next_page().await.expect("second").expect("a page");
    // Cut at the limit; the meta still says what the server sent.
    assert_eq!(sids(&second.items), vec![sid(3)]);
    assert_eq!(second.meta.page_size, Some(2));
    assert_eq!(second.meta.next_page_url, Some(format!("{TWILIO}{NEXT2}")));
    assert!(!second.has_next_page());
    assert!(second.next_page().await.expect("no request").is_none());
    assert_eq!(server.requests().len(), 2, "nothing after the limit");
}

#[tokio::test]
async fn limit_below_the_first_page_cuts_send_and_ends_paging() {
    let server = three_pages_and_more().await;
    let page = client(&server)
        .conversations()
        .list()
        .limit(1)
        .send()
        .await
        .expect("page");
    assert_eq!(sids(&page.items), vec![sid(1)]);
    assert!(!page.has_next_page());
    assert!(page.next_page().await.expect("no request").is_none());
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_page_debug_shows_no_credentials_and_says_whether_more_follow() {
    let server = three_pages_and_more().await;
    let page = client(&server)
        .conversations()
        .list()
        .send()
        .await
        .expect("page");
    let shown = format!("{page:?}");
    assert!(shown.contains("has_next_page: true"), "{shown}");
    assert!(!shown.contains(TOKEN), "{shown}");
}
