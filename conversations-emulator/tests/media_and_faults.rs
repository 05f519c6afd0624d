//! Media (upload, fetch, a link that expires, uploads that go when unattached) and faults on
//! demand (the client's retry rules against them).

mod common;

use common::emulator;
use conversations_api::{MediaFile, RetryPolicy};
use conversations_emulator::{Fault, FaultKind};
use futures::TryStreamExt;
use std::time::Duration;

#[tokio::test]
async fn media_upload_fetch_and_a_link_that_expires() {
    let emu = emulator().await;
    let client = emu.client();
    let conv = client.conversations().create().send().await.unwrap();
    let message = client
        .send_media_message(
            &conv.sid,
            MediaFile::from_bytes(&b"png bytes"[..], "image/png").filename("a.png"),
        )
        .await
        .expect("media message");
    let media = message.media.clone().expect("media on the message");
    let media_sid = media[0].sid.clone().expect("media sid");
    assert!(media_sid.starts_with("ME"));
    let record = client.fetch_media(&media_sid).await.expect("fetch media");
    assert_eq!(record.filename.as_deref(), Some("a.png"));
    assert_eq!(record.message_sid.as_deref(), Some(message.sid.as_str()));
    let bytes: Vec<bytes::Bytes> = client
        .media_content(&record)
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(bytes.concat(), b"png bytes");
    // 300 seconds later the link no longer works; a fresh fetch gives a new one.
    emu.advance_clock(Duration::from_secs(301));
    match client.media_content(&record).await {
        Err(e) => assert_eq!(e.status(), Some(404), "{e:?}"),
        Ok(_) => panic!("an expired link still served"),
    }
    let fresh = client.fetch_media(&media_sid).await.unwrap();
    assert!(client.media_content(&fresh).await.is_ok());
}

#[tokio::test]
async fn an_upload_no_message_names_within_five_minutes_is_gone() {
    let emu = emulator().await;
    let client = emu.client();
    let conv = client.conversations().create().send().await.unwrap();
    let upload = client
        .upload_media(MediaFile::from_bytes(&b"x"[..], "text/plain"))
        .await
        .unwrap();
    emu.advance_clock(Duration::from_secs(5 * 60 + 1));
    let err = client
        .conversation(&conv.sid)
        .messages()
        .create()
        .media_sid(upload.sid.clone())
        .send()
        .await
        .expect_err("the upload was deleted");
    assert_eq!(err.status(), Some(400));
    assert!(client.fetch_media(&upload.sid).await.is_err());
}

#[tokio::test]
async fn faults_test_the_retry_rules() {
    let emu = emulator().await;
    let client = emu
        .client()
        .with_retry_policy(RetryPolicy::default().base_delay(Duration::from_millis(1)));
    // Two 429s with Retry-After 0: retried, then it works.
    emu.fail_next(Fault {
        method: Some("POST".into()),
        path: "/v1/Conversations".into(),
        kind: FaultKind::TooManyRequests {
            retry_after: Some(0),
        },
        remaining: 2,
    });
    client
        .conversations()
        .create()
        .send()
        .await
        .expect("retried past two 429s");
    // A 503 on a POST is not retried.
    emu.fail_next(Fault {
        method: Some("POST".into()),
        path: "/v1/Conversations".into(),
        kind: FaultKind::Unavailable,
        remaining: 1,
    });
    let err = client
        .conversations()
        .create()
        .send()
        .await
        .expect_err("503 on a POST");
    assert_eq!((err.status(), err.code()), (Some(503), Some(20503)));
    // A GET after a dropped connection is retried.
    emu.fail_next(Fault {
        method: Some("GET".into()),
        path: "/v1/Conversations".into(),
        kind: FaultKind::DropConnection,
        remaining: 1,
    });
    client
        .conversations()
        .list()
        .send()
        .await
        .expect("retried after a dropped connection");
    // A delay longer than the client's timeout is a timeout.
    emu.fail_next(Fault {
        method: None,
        path: "/v1/Configuration".into(),
        kind: FaultKind::Delay(Duration::from_millis(800)),
        remaining: 3,
    });
    let impatient = conversations_api::Client::builder()
        .account_sid(emu.account_sid())
        .auth_token(emu.auth_token())
        .base_url(emu.base_url())
        .timeout(Duration::from_millis(200))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let err = impatient
        .configuration()
        .fetch()
        .send()
        .await
        .expect_err("timed out");
    assert!(err.is_timeout(), "{err:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_writers_get_unique_gapless_indexes() {
    let emu = emulator().await;
    let client = emu.client();
    let conv = client.conversations().create().send().await.unwrap();
    let mut tasks = Vec::new();
    for i in 0..100 {
        let c = client.clone();
        let sid = conv.sid.clone();
        tasks.push(tokio::spawn(async move {
            c.conversation(&sid)
                .messages()
                .create()
                .body(format!("{i}"))
                .send()
                .await
                .map(|m| m.index)
        }));
    }
    let mut indexes = Vec::new();
    for t in tasks {
        indexes.push(t.await.unwrap().expect("every write answered").unwrap());
    }
    indexes.sort_unstable();
    assert_eq!(indexes, (0..100).collect::<Vec<i64>>());
    let listed: Vec<_> = client
        .conversation(&conv.sid)
        .messages()
        .list()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(listed.len(), 100);
}
