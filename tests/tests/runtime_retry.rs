//! Retry rules, against the in-process server: which failures are retried for which method,
//! how many requests arrive, and what error comes back when retrying stops.

use conversations_api::{Client, Error, RetryPolicy};
use conversations_tests::{conversation_json, MockServer, Reply};
use std::time::{Duration, Instant};

const ACCOUNT: &str = "AC00000000000000000000000000000001";
const TOKEN: &str = "tok3n-S3CRET-marker";
const CONV: &str = "CH00000000000000000000000000000001";

/// Three attempts, millisecond waits: the suite stays fast.
fn fast() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(3)
        .base_delay(Duration::from_millis(1))
        .max_delay(Duration::from_millis(5))
        .max_total_time(Duration::from_secs(20))
}

fn client(server: &MockServer, policy: RetryPolicy) -> Client {
    Client::builder()
        .account_sid(ACCOUNT)
        .auth_token(TOKEN)
        .base_url(server.url())
        .retry_policy(policy)
        .build()
        .expect("client")
}

fn conversation() -> Reply {
    Reply::json(
        200,
        conversation_json(CONV, r#""friendly_name": "Support", "state": "active""#),
    )
}

fn twilio_error(status: u16, code: i64) -> Reply {
    Reply::json(
        status,
        format!(
            r#"{{"code": {code}, "message": "nope", "more_info": "https://www.twilio.com/docs/errors/{code}", "status": {status}}}"#
        ),
    )
}

#[tokio::test]
async fn get_429_then_200_is_retried() {
    let server = MockServer::sequence(vec![twilio_error(429, 20429), conversation()]).await;
    let conv = client(&server, fast())
        .conversation(CONV)
        .fetch()
        .send()
        .await
        .expect("second attempt succeeds");
    assert_eq!(conv.friendly_name.as_deref(), Some("Support"));
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    for r in &reqs {
        assert_eq!(r.method, "GET");
        assert_eq!(r.target, format!("/v1/Conversations/{CONV}"));
    }
}

#[tokio::test]
async fn post_429_is_retried_with_the_same_body() {
    let server = MockServer::sequence(vec![twilio_error(429, 20429), conversation()]).await;
    let conv = client(&server, fast())
        .conversations()
        .create()
        .friendly_name("Support")
        .send()
        .await
        .expect("the server refused the first POST, so it is sent again");
    assert_eq!(conv.sid, CONV);
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    for r in &reqs {
        assert_eq!(r.method, "POST");
        assert_eq!(r.body_str(), "FriendlyName=Support");
    }
}

/// Twilio documents no 503 as unprocessed (only 429), so a POST answered 503 is not sent
/// again: a second copy could post a message twice. A GET answered 503 is retried.
#[tokio::test]
async fn post_503_is_sent_once_and_get_503_is_retried() {
    let server = MockServer::sequence(vec![twilio_error(503, 20503), conversation()]).await;
    let err = client(&server, fast())
        .conversations()
        .create()
        .send()
        .await
        .expect_err("503 on a POST is returned");
    assert_eq!((err.status(), err.code()), (Some(503), Some(20503)));
    assert_eq!(server.requests().len(), 1);
    let server = MockServer::sequence(vec![twilio_error(503, 20503), conversation()]).await;
    client(&server, fast())
        .conversation(CONV)
        .fetch()
        .send()
        .await
        .expect("503 on a GET is retried");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn retry_after_seconds_are_waited() {
    let server = MockServer::sequence(vec![
        twilio_error(503, 20503).header("Retry-After", "1"),
        conversation(),
    ])
    .await;
    let started = Instant::now();
    client(&server, fast())
        .conversation(CONV)
        .fetch()
        .send()
        .await
        .expect("retried after the announced second");
    // The computed backoff is at most 5 ms, so only `Retry-After` explains a 1 s wait.
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn retry_after_beyond_the_time_budget_stops_retrying() {
    let server = MockServer::always(twilio_error(503, 20503).header("Retry-After", "120")).await;
    let policy = fast().max_total_time(Duration::from_secs(5));
    let err = client(&server, policy)
        .conversation(CONV)
        .fetch()
        .send()
        .await
        .expect_err("waiting 120 s does not fit a 5 s budget");
    assert_eq!(err.status(), Some(503));
    assert_eq!(err.code(), Some(20503));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn post_500_is_sent_exactly_once() {
    let server = MockServer::always(twilio_error(500, 20500)).await;
    let err = client(&server, fast())
        .conversation(CONV)
        .messages()
        .create()
        .body("hello")
        .send()
        .await
        .expect_err("500");
    match &err {
        Error::Api(api) => {
            assert_eq!(api.http_status, 500);
            assert_eq!(api.code, Some(20500));
        }
        other => panic!("expected Error::Api, got {other:?}"),
    }
    let reqs = server.requests();
    assert_eq!(
        reqs.len(),
        1,
        "a POST that may have been processed is never re-sent"
    );
    assert_eq!(reqs[0].body_str(), "Body=hello");
}

#[tokio::test]
async fn get_500_is_retried_until_success() {
    let server = MockServer::sequence(vec![
        twilio_error(500, 20500),
        Reply::html(502, "<html>bad gateway</html>"),
        conversation(),
    ])
    .await;
    let conv = client(&server, fast())
        .conversation(CONV)
        .fetch()
        .send()
        .await
        .expect("third attempt succeeds");
    assert_eq!(conv.sid, CONV);
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn get_5xx_gives_up_after_max_attempts() {
    let server = MockServer::always(Reply::html(502, "<html>bad gateway</html>")).await;
    let err = client(&server, fast())
        .conversation(CONV)
        .fetch()
        .send()
        .await
        .expect_err("every attempt fails");
    assert!(matches!(err, Error::Http { status: 502, .. }), "{err:?}");
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn delete_500_is_retried() {
    let server = MockServer::sequence(vec![twilio_error(500, 20500), Reply::empty(204)]).await;
    client(&server, fast())
        .conversation(CONV)
        .delete()
        .send()
        .await
        .expect("DELETE is idempotent");
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    assert!(reqs.iter().all(|r| r.method == "DELETE"));
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let server = MockServer::always(twilio_error(404, 20404)).await;
    let err = client(&server, fast())
        .conversation(CONV)
        .fetch()
        .send()
        .await
        .expect_err("404");
    assert_eq!(err.code(), Some(20404));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn retries_are_bounded_by_max_attempts() {
    let server = MockServer::always(twilio_error(429, 20429)).await;
    let err = client(&server, fast().max_attempts(4))
        .conversations()
        .create()
        .send()
        .await
        .expect_err("always 429");
    assert_eq!(err.status(), Some(429));
    assert_eq!(server.requests().len(), 4);
}

#[tokio::test]
async fn retry_policy_none_makes_one_attempt() {
    let server = MockServer::always(twilio_error(429, 20429)).await;
    let base = client(&server, fast());
    let err = base
        .with_retry_policy(RetryPolicy::none())
        .conversation(CONV)
        .fetch()
        .send()
        .await
        .expect_err("429");
    assert_eq!(err.code(), Some(20429));
    assert_eq!(server.requests().len(), 1);
    assert_eq!(
        base.retry_policy(),
        fast(),
        "the original client keeps its policy"
    );
}

#[tokio::test]
async fn post_timeout_is_not_resent() {
    let server = MockServer::always(conversation().delayed(Duration::from_secs(3))).await;
    let client = Client::builder()
        .account_sid(ACCOUNT)
        .auth_token(TOKEN)
        .base_url(server.url())
        .retry_policy(fast())
        .timeout(Duration::from_millis(300))
        .build()
        .expect("client");
    let err = client
        .conversations()
        .create()
        .friendly_name("Support")
        .send()
        .await
        .expect_err("the reply is slower than the timeout");
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    assert!(err.is_timeout());
    // The cause is kept: reqwest's own timeout error, reachable through `source()`.
    let source = std::error::Error::source(&err).expect("a timeout keeps its cause");
    let cause = source
        .downcast_ref::<reqwest::Error>()
        .expect("the cause is reqwest's error");
    assert!(cause.is_timeout(), "{cause:?}");
    assert!(
        err.to_string().starts_with("the request timed out: "),
        "{err}"
    );
    assert_eq!(
        server.requests().len(),
        1,
        "a timed-out POST is never re-sent"
    );
}

#[tokio::test]
async fn get_timeout_is_retried() {
    let server = MockServer::sequence(vec![
        conversation().delayed(Duration::from_secs(3)),
        conversation(),
    ])
    .await;
    let client = Client::builder()
        .account_sid(ACCOUNT)
        .auth_token(TOKEN)
        .base_url(server.url())
        .retry_policy(fast())
        .timeout(Duration::from_millis(300))
        .build()
        .expect("client");
    let conv = client
        .conversation(CONV)
        .fetch()
        .send()
        .await
        .expect("the second attempt answers at once");
    assert_eq!(conv.sid, CONV);
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn get_timeout_on_every_attempt_is_error_timeout() {
    let server = MockServer::always(conversation().delayed(Duration::from_secs(3))).await;
    let client = Client::builder()
        .account_sid(ACCOUNT)
        .auth_token(TOKEN)
        .base_url(server.url())
        .retry_policy(fast().max_attempts(2))
        .timeout(Duration::from_millis(200))
        .build()
        .expect("client");
    let err = client
        .conversation(CONV)
        .fetch()
        .send()
        .await
        .expect_err("slow");
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn post_dropped_connection_is_not_resent() {
    let server = MockServer::always(Reply::dropped()).await;
    let err = client(&server, fast())
        .conversations()
        .create()
        .send()
        .await
        .expect_err("no answer");
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(
        !err.is_connect(),
        "the request was sent before the connection broke"
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn get_dropped_connection_is_retried() {
    let server = MockServer::sequence(vec![Reply::dropped(), conversation()]).await;
    let conv = client(&server, fast())
        .conversation(CONV)
        .fetch()
        .send()
        .await
        .expect("retried on a new connection");
    assert_eq!(conv.sid, CONV);
    assert_eq!(server.requests().len(), 2);
}
