//! Wire test of the crate generated from `codegen/tests/fixtures/binary_body.yaml`: `cargo
//! xtask test` copies this file into that crate's `tests/` and runs it against the in-process
//! server of the `conversations-tests` crate. It checks the bytes and `Content-Type` a raw body
//! puts on the wire, and that a streamed body is sent once while bytes follow the POST rules.

use binary_body_fixture_v1::{BinaryBody, Client, RetryPolicy};
use conversations_tests::{MockServer, Reply};
use std::time::Duration;

fn client(server: &MockServer) -> Client {
    Client::builder()
        .account_sid("AC00000000000000000000000000000001")
        .auth_token("token")
        .base_url(server.url())
        .retry_policy(RetryPolicy::default().base_delay(Duration::from_millis(1)))
        .build()
        .expect("client")
}

const STORED: &str = r#"{"sid":"IM00000000000000000000000000000001","size":5}"#;

#[tokio::test]
async fn bytes_go_out_as_the_body_with_the_content_type_they_carry() {
    let server = MockServer::always(Reply::json(201, STORED)).await;
    let image = client(&server)
        .images()
        .create(BinaryBody::bytes(&b"\x89PNG\x00"[..]).content_type("image/png"))
        .caption("a chart")
        .send()
        .await
        .expect("create");
    assert_eq!(image.size, Some(5));
    let r = &server.requests()[0];
    assert_eq!(
        (r.method.as_str(), r.target.as_str()),
        ("POST", "/v1/Images?Caption=a%20chart")
    );
    assert_eq!(r.header("content-type"), Some("image/png"));
    assert_eq!(r.header("content-length"), Some("5"));
    assert_eq!(r.body, b"\x89PNG\x00");
}

#[tokio::test]
async fn without_a_content_type_a_range_falls_back_to_octet_stream_and_a_concrete_type_is_used() {
    let server = MockServer::sequence(vec![Reply::json(201, STORED), Reply::empty(204)]).await;
    let c = client(&server);
    c.images().create(vec![1u8, 2, 3]).send().await.expect("create");
    c.blob("BL1").update(vec![4u8, 5]).send().await.expect("update");
    let r = server.requests();
    // `image/*` is a range, not a type a server could store the bytes as.
    assert_eq!(r[0].header("content-type"), Some("application/octet-stream"));
    assert_eq!(r[0].body, [1, 2, 3]);
    assert_eq!((r[1].method.as_str(), r[1].target.as_str()), ("PUT", "/v1/Blobs/BL1"));
    assert_eq!(r[1].header("content-type"), Some("application/octet-stream"));
    assert_eq!(r[1].body, [4, 5]);
}

#[tokio::test]
async fn a_reader_is_streamed_with_its_length() {
    let server = MockServer::always(Reply::json(201, STORED)).await;
    let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    let reader = std::io::Cursor::new(data.clone());
    client(&server)
        .images()
        .create(BinaryBody::reader(reader, Some(data.len() as u64)).content_type("image/jpeg"))
        .send()
        .await
        .expect("create");
    let r = &server.requests()[0];
    assert_eq!(r.header("content-type"), Some("image/jpeg"));
    assert_eq!(r.header("content-length"), Some("200000"));
    assert_eq!(r.body, data);
}

#[tokio::test]
async fn bytes_are_sent_again_after_a_429_but_a_stream_is_sent_once() {
    let server = MockServer::sequence(vec![
        Reply::json(429, r#"{"code":20429,"message":"busy","status":429}"#),
        Reply::json(201, STORED),
    ])
    .await;
    client(&server)
        .images()
        .create(vec![7u8; 10])
        .send()
        .await
        .expect("the retry succeeds");
    let r = server.requests();
    assert_eq!(r.len(), 2);
    assert_eq!(r[1].body, vec![7u8; 10]);

    let server = MockServer::sequence(vec![
        Reply::json(429, r#"{"code":20429,"message":"busy","status":429}"#),
        Reply::json(201, STORED),
    ])
    .await;
    let err = client(&server)
        .images()
        .create(BinaryBody::reader(std::io::Cursor::new(vec![7u8; 10]), Some(10)))
        .send()
        .await
        .expect_err("no second attempt with a stream");
    assert_eq!(err.status(), Some(429));
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn a_500_after_a_post_of_bytes_is_not_retried() {
    let server = MockServer::sequence(vec![
        Reply::json(500, r#"{"code":20500,"message":"oops","status":500}"#),
        Reply::json(201, STORED),
    ])
    .await;
    let err = client(&server)
        .images()
        .create(vec![1u8])
        .send()
        .await
        .expect_err("a POST the server may have acted on is not sent twice");
    assert_eq!(err.status(), Some(500));
    assert_eq!(server.request_count(), 1);
}
