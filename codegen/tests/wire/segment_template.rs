//! Wire test of the crate generated from `codegen/tests/fixtures/segment_template.yaml` (`cargo
//! xtask test` copies it into that crate's `tests/`): a segment that mixes text with parameters
//! is sent with the text as the spec writes it and each value percent-encoded in its place, and
//! a value that cannot be sent fails before anything is sent.

use conversations_tests::{MockServer, Reply};
use segment_template_fixture_v1::{Client, Error};

fn client(server: &MockServer) -> Client {
    Client::builder()
        .account_sid("AC00000000000000000000000000000001")
        .auth_token("token")
        .base_url(server.url())
        .build()
        .expect("client")
}

const RATE: &str = r#"{"sid":"RA1","price":"0.01"}"#;
const CALL: &str = r#"{"sid":"CA1","status":"in-progress"}"#;

#[tokio::test]
async fn two_values_in_one_segment_are_encoded_each_around_the_text() {
    let server = MockServer::always(Reply::json(200, RATE)).await;
    let c = client(&server);
    let rate = c.rate("+1 555", "44/20").fetch().send().await.expect("rate");
    assert_eq!(rate.price.as_deref(), Some("0.01"));
    // Under the template, with the `.json` after the path's last segment.
    c.rate("1", "44").details().fetch().send().await.expect("details");
    let targets: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(
        targets,
        ["/v1/Rates/%2B1%20555-44%2F20", "/v1/Rates/1-44/Details.json"]
    );
}

#[tokio::test]
async fn text_before_a_value_is_kept() {
    let server = MockServer::always(Reply::json(200, r#"{"number":"2.1"}"#)).await;
    let release = client(&server)
        .release_v("2.1")
        .fetch()
        .send()
        .await
        .expect("release");
    assert_eq!(release.number.as_deref(), Some("2.1"));
    assert_eq!(server.requests()[0].target, "/v1/Releases/v2.1");
}

#[tokio::test]
async fn siblings_that_differ_only_in_text_are_two_accessors() {
    let server = MockServer::always(Reply::json(200, CALL)).await;
    let c = client(&server);
    c.call("CA1").fetch().send().await.expect("fetch");
    c.call_start("CA1").create().send().await.expect("start");
    c.call_stop("CA1")
        .create()
        .reason("done")
        .send()
        .await
        .expect("stop");
    let requests = server.requests();
    let sent: Vec<(&str, &str, &str)> = requests
        .iter()
        .map(|r| (r.method.as_str(), r.target.as_str(), r.body_str()))
        .collect();
    assert_eq!(
        sent,
        [
            ("GET", "/v1/Calls/CA1", ""),
            ("POST", "/v1/Calls/CA1:start", ""),
            ("POST", "/v1/Calls/CA1:stop", "Reason=done"),
        ]
    );
}

#[tokio::test]
async fn a_template_next_to_a_whole_segment_parameter_is_told_apart_by_its_parameters() {
    let server = MockServer::always(Reply::json(200, RATE)).await;
    let c = client(&server);
    c.route("RT1").fetch().send().await.expect("by id");
    c.route_by_from_to("1", "44")
        .fetch()
        .send()
        .await
        .expect("between");
    let targets: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(targets, ["/v1/Routes/RT1", "/v1/Routes/1~44"]);
}

#[tokio::test]
async fn each_value_is_checked_before_anything_is_sent() {
    let server = MockServer::always(Reply::json(200, RATE)).await;
    let c = client(&server);
    for (from, to) in [("", "44"), ("1", ""), ("1", ".."), (".", "44")] {
        let result = c.rate(from, to).fetch().send().await;
        assert!(
            matches!(result, Err(Error::InvalidArgument(_))),
            "{from:?}-{to:?}: {result:?}"
        );
    }
    let result = c.call_stop("").create().send().await;
    assert!(matches!(result, Err(Error::InvalidArgument(_))), "{result:?}");
    // Under a refused template the children are refused too.
    let result = c.rate("", "44").details().fetch().send().await;
    assert!(matches!(result, Err(Error::InvalidArgument(_))), "{result:?}");
    assert_eq!(server.request_count(), 0);
}
