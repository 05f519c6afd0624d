//! Wire test of the crate generated from `codegen/tests/fixtures/redirect.yaml` (run by `cargo
//! xtask test` against the in-process server): an operation that only redirects returns the
//! target and never follows it.

use conversations_tests::{MockServer, Reply};
use redirect_fixture_v1::{Client, Error};

fn client(server: &MockServer) -> Client {
    Client::builder()
        .account_sid("AC00000000000000000000000000000001")
        .auth_token("token")
        .base_url(server.url())
        .build()
        .expect("client")
}

#[tokio::test]
async fn the_location_is_returned_not_followed() {
    let server = MockServer::always(
        Reply::empty(302)
            .header("Location", "https://login.example.test/next?step=2")
            .header("Twilio-Request-Id", "RQ1"),
    )
    .await;
    let redirect = client(&server)
        .authorize()
        .fetch("OQ1")
        .state("xyz")
        .send()
        .await
        .expect("redirect");
    assert_eq!(redirect.status, 302);
    assert_eq!(redirect.location, "https://login.example.test/next?step=2");
    assert_eq!(redirect.request_id.as_deref(), Some("RQ1"));
    assert_eq!(redirect.body, None);
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "the redirect was followed: {requests:?}");
    assert_eq!(requests[0].target, "/v1/authorize?client_id=OQ1&state=xyz");
}

#[tokio::test]
async fn a_relative_location_is_made_absolute_on_the_request_host() {
    let server = MockServer::always(Reply::empty(303).header("Location", "/v1/Elsewhere")).await;
    let redirect = client(&server)
        .authorize()
        .fetch("OQ1")
        .send()
        .await
        .expect("redirect");
    assert_eq!(redirect.location, format!("{}/v1/Elsewhere", server.url()));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_redirect_body_is_decoded_when_the_spec_gives_one() {
    let server = MockServer::always(
        Reply::json(
            307,
            r#"{"redirect_to":"https://files.example.test/2026-12-01.gz"}"#,
        )
        .header("Location", "https://files.example.test/2026-12-01.gz"),
    )
    .await;
    let redirect = client(&server)
        .export("2026-12-01")
        .fetch()
        .send()
        .await
        .expect("redirect");
    assert_eq!(redirect.status, 307);
    assert_eq!(
        redirect.location,
        "https://files.example.test/2026-12-01.gz"
    );
    let body = redirect.body.expect("a body");
    assert_eq!(
        body.redirect_to.as_deref(),
        Some("https://files.example.test/2026-12-01.gz")
    );
    assert_eq!(server.requests()[0].target, "/v1/Exports/2026-12-01");
}

#[tokio::test]
async fn no_location_is_a_typed_error() {
    let server = MockServer::sequence(vec![
        Reply::empty(302).header("Twilio-Request-Id", "RQ2"),
        Reply::empty(302).header("Location", "http://[not a host"),
    ])
    .await;
    let c = client(&server);
    for _ in 0..2 {
        match c.authorize().fetch("OQ1").send().await {
            Err(e @ Error::NoRedirectTarget { status: 302, .. }) => {
                assert_eq!(e.status(), Some(302));
            }
            other => panic!("expected NoRedirectTarget, got {other:?}"),
        }
    }
    let e = c.authorize().fetch("OQ1").send().await;
    assert!(e.is_err(), "the server has no third answer");
}
