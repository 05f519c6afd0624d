//! The media helpers of the runtime against in-process servers: uploads from bytes, a reader
//! and a file; the default service looked up once per client (and again after a failure);
//! the POST retry rules for uploads; streaming a file back from its temporary link; the
//! Media Content Service host under region, edge and overrides.

use conversations_api::{Client, Error, MediaFile, RetryPolicy};
use conversations_tests::{MockServer, Reply};
use futures::TryStreamExt;
use std::time::Duration;

const ACCOUNT: &str = "AC0123456789abcdef0123456789abcdef";
const IS: &str = "IS00000000000000000000000000000d3f";
const ME: &str = "ME0123456789abcdef0123456789abcdef";

/// A Configuration answer with its always-returned fields and this default service value.
fn configuration_json(default_service: &str) -> String {
    format!(
        r#"{{"account_sid":"AC00000000000000000000000000000001","default_chat_service_sid":{default_service},"url":"https://conversations.twilio.com/v1/Configuration"}}"#
    )
}

fn client(conversations: &MockServer, media: &MockServer) -> Client {
    Client::builder()
        .account_sid(ACCOUNT)
        .auth_token("token")
        .base_url(conversations.url())
        .media_base_url(media.url())
        .retry_policy(RetryPolicy::default().base_delay(Duration::from_millis(1)))
        .build()
        .expect("client")
}

fn configuration() -> Reply {
    Reply::json(200, configuration_json(&format!(r#""{IS}""#)))
}

fn stored() -> Reply {
    Reply::json(201, format!(r#"{{"sid":"{ME}","size":3}}"#))
}

fn busy(status: u16) -> Reply {
    Reply::json(
        status,
        format!(r#"{{"code":20{status},"message":"try later","status":{status}}}"#),
    )
}

#[tokio::test]
async fn the_default_service_is_looked_up_once_for_all_clones() {
    let conversations = MockServer::always(configuration()).await;
    let media = MockServer::always(stored()).await;
    let c = client(&conversations, &media);
    let clone = c.clone();
    let retry_variant = c.with_retry_policy(RetryPolicy::none());
    for client in [&c, &clone, &retry_variant] {
        let m = client
            .upload_media(MediaFile::from_bytes(&b"abc"[..], "text/plain"))
            .await
            .expect("upload");
        assert_eq!(m.sid, ME);
    }
    assert_eq!(conversations.request_count(), 1);
    let uploads = media.requests();
    assert_eq!(uploads.len(), 3);
    for u in &uploads {
        assert_eq!(u.path(), format!("/v1/Services/{IS}/Media"));
        assert_eq!(u.query(), "", "no filename given, none sent");
        assert_eq!(u.header("content-type"), Some("text/plain"));
        assert_eq!(u.body, b"abc");
    }
}

#[tokio::test]
async fn a_failed_lookup_is_not_remembered() {
    let conversations = MockServer::sequence(vec![
        Reply::json(
            401,
            r#"{"code":20003,"message":"Authenticate","status":401}"#,
        ),
        configuration(),
    ])
    .await;
    let media = MockServer::always(stored()).await;
    let c = client(&conversations, &media);
    let err = c.default_chat_service_sid().await.expect_err("401");
    assert_eq!(err.status(), Some(401));
    assert_eq!(c.default_chat_service_sid().await.expect("second try"), IS);
    assert_eq!(c.default_chat_service_sid().await.expect("kept"), IS);
    assert_eq!(conversations.request_count(), 2);
    assert_eq!(media.request_count(), 0);
}

#[tokio::test]
async fn a_configuration_without_a_default_service_is_a_config_error() {
    let conversations = MockServer::always(Reply::json(200, configuration_json("null"))).await;
    let media = MockServer::always(stored()).await;
    let err = client(&conversations, &media)
        .upload_media(MediaFile::from_bytes(vec![1u8], "image/png"))
        .await
        .expect_err("no service");
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    assert_eq!(media.request_count(), 0);
}

#[tokio::test]
async fn a_reader_and_a_file_are_streamed_with_their_length_and_name() {
    let conversations = MockServer::always(configuration()).await;
    let media = MockServer::always(stored()).await;
    let c = client(&conversations, &media);
    let data: Vec<u8> = (0..300_000u32).map(|i| (i % 253) as u8).collect();
    let svc = c.service(IS);
    svc.upload_media(
        MediaFile::from_reader(
            std::io::Cursor::new(data.clone()),
            "video/mp4",
            Some(300_000),
        )
        .filename("clip one.mp4"),
    )
    .await
    .expect("reader upload");
    let dir = std::env::temp_dir().join(format!("runtime_media_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("notes.pdf");
    std::fs::write(&path, &data[..1000]).unwrap();
    let file = MediaFile::from_path(&path, "application/pdf")
        .await
        .expect("open");
    assert_eq!(file.filename_set(), Some("notes.pdf"));
    svc.upload_media(file).await.expect("file upload");
    let r = media.requests();
    assert_eq!(r[0].query(), "Filename=clip%20one.mp4");
    assert_eq!(r[0].header("content-type"), Some("video/mp4"));
    assert_eq!(r[0].header("content-length"), Some("300000"));
    assert_eq!(r[0].body, data);
    assert_eq!(r[1].query(), "Filename=notes.pdf");
    assert_eq!(r[1].header("content-length"), Some("1000"));
    assert_eq!(r[1].body, &data[..1000]);
    assert_eq!(conversations.request_count(), 0, "Service scope: no lookup");

    let missing = MediaFile::from_path(dir.join("absent.png"), "image/png").await;
    assert!(matches!(missing, Err(Error::InvalidArgument(m)) if m.contains("absent.png")));
}

#[tokio::test]
async fn uploads_follow_the_post_rules_and_a_stream_is_sent_once() {
    let conversations = MockServer::always(configuration()).await;
    // Bytes: 429 is retried (Twilio did not act on the request) ...
    let media = MockServer::sequence(vec![busy(429), busy(429), stored()]).await;
    let c = client(&conversations, &media);
    c.service(IS)
        .upload_media(MediaFile::from_bytes(vec![9u8; 4], "image/gif"))
        .await
        .expect("third attempt");
    let r = media.requests();
    assert_eq!(r.len(), 3);
    assert!(
        r.iter().all(|x| x.body == [9u8; 4]),
        "the same bytes each time"
    );

    // ... a 500 or 503 is not: the upload may have been stored.
    for status in [500, 503] {
        let media = MockServer::sequence(vec![busy(status), stored()]).await;
        let err = client(&conversations, &media)
            .service(IS)
            .upload_media(MediaFile::from_bytes(vec![9u8; 4], "image/gif"))
            .await
            .expect_err("no retry after a 5xx");
        assert_eq!(err.status(), Some(status));
        assert_eq!(media.request_count(), 1);
    }

    // A stream is not replayable: even a 429 ends the call after one attempt.
    let media = MockServer::sequence(vec![busy(429), stored()]).await;
    let err = client(&conversations, &media)
        .service(IS)
        .upload_media(MediaFile::from_reader(
            std::io::Cursor::new(vec![1u8; 8]),
            "image/gif",
            Some(8),
        ))
        .await
        .expect_err("one attempt with a stream");
    assert_eq!(err.status(), Some(429));
    assert_eq!(media.request_count(), 1);
}

#[tokio::test]
async fn content_is_streamed_from_the_temporary_link_without_credentials() {
    let payload: Vec<u8> = (0..500_000u32).map(|i| (i % 241) as u8).collect();
    let files = MockServer::always(Reply {
        status: 200,
        headers: vec![("Content-Type".into(), "image/png".into())],
        body: payload.clone(),
        delay: None,
        drop_connection: false,
        truncate_at: None,
    })
    .await;
    let link = format!("{}/signed/{ME}?expires=1", files.url());
    let conversations = MockServer::always(configuration()).await;
    let media = MockServer::always(Reply::json(
        200,
        format!(r#"{{"sid":"{ME}","links":{{"content_direct_temporary":"{link}"}}}}"#),
    ))
    .await;
    let c = client(&conversations, &media);
    let record = c.fetch_media(ME).await.expect("fetch");
    assert_eq!(
        media.requests()[0].path(),
        format!("/v1/Services/{IS}/Media/{ME}")
    );
    let stream = c.media_content(&record).await.expect("download");
    let chunks: Vec<_> = stream.try_collect().await.expect("every chunk");
    assert!(
        chunks.len() > 1,
        "the body arrives in pieces, not as one buffer"
    );
    assert_eq!(
        chunks.iter().flat_map(|c| c.to_vec()).collect::<Vec<u8>>(),
        payload
    );
    let got = &files.requests()[0];
    assert_eq!(got.target, format!("/signed/{ME}?expires=1"));
    assert_eq!(
        got.header("authorization"),
        None,
        "a signed link gets no credentials"
    );
}

#[tokio::test]
async fn download_errors_are_typed() {
    let conversations = MockServer::always(configuration()).await;
    let media = MockServer::always(Reply::json(
        200,
        format!(r#"{{"sid":"{ME}","links":{{}}}}"#),
    ))
    .await;
    let c = client(&conversations, &media);
    let record = c.service(IS).fetch_media(ME).await.expect("fetch");
    assert!(matches!(
        c.media_content(&record).await.err(),
        Some(Error::InvalidArgument(_))
    ));

    let gone = MockServer::always(Reply::html(403, "<Error>expired</Error>")).await;
    let media = MockServer::always(Reply::json(
        200,
        format!(
            r#"{{"sid":"{ME}","links":{{"content_direct_temporary":"{}/x"}}}}"#,
            gone.url()
        ),
    ))
    .await;
    let c = client(&conversations, &media);
    let record = c.service(IS).fetch_media(ME).await.expect("fetch");
    let err = c.media_content(&record).await.err().expect("403");
    assert_eq!(err.status(), Some(403));
}

#[test]
fn the_media_host_follows_region_edge_and_overrides() {
    let build = |b: conversations_api::ClientBuilder| {
        b.account_sid(ACCOUNT)
            .auth_token("token")
            .build()
            .expect("client")
    };
    let mcs = conversations_api::media::BASE_URL;
    assert_eq!(
        build(Client::builder()).host_for(mcs).unwrap(),
        "https://mcs.us1.twilio.com"
    );
    assert_eq!(
        build(Client::builder().region("ie1").edge("dublin"))
            .host_for(mcs)
            .unwrap(),
        "https://mcs.dublin.ie1.twilio.com"
    );
    assert_eq!(
        build(Client::builder().region("au1"))
            .host_for(mcs)
            .unwrap(),
        "https://mcs.sydney.au1.twilio.com"
    );
    // A hand-set main base URL takes the media requests too: no credentials to a host nobody named.
    assert_eq!(
        build(Client::builder().base_url("http://127.0.0.1:9"))
            .host_for(mcs)
            .unwrap(),
        "http://127.0.0.1:9"
    );
    assert_eq!(
        build(
            Client::builder()
                .base_url("http://127.0.0.1:9")
                .media_base_url("http://localhost:10/")
        )
        .host_for(mcs)
        .unwrap(),
        "http://localhost:10"
    );
    let refused = Client::builder()
        .account_sid(ACCOUNT)
        .auth_token("token")
        .media_base_url("http://media.example.com")
        .build();
    assert!(
        matches!(refused, Err(Error::Config(_))),
        "plain http off loopback"
    );
}

/// The media record as Twilio's answers spell it (`filename`) and as its documentation's field
/// table does (`file_name`), and its `sid` as a plain value that must be there.
#[tokio::test]
async fn media_records_read_both_spellings_and_need_a_sid() {
    let conversations = MockServer::always(configuration()).await;
    let media = MockServer::sequence(vec![
        Reply::json(200, format!(r#"{{"sid":"{ME}","filename":"a.png"}}"#)),
        Reply::json(200, format!(r#"{{"sid":"{ME}","file_name":"b.png"}}"#)),
        Reply::json(200, r#"{"filename":"c.png"}"#),
    ])
    .await;
    let c = client(&conversations, &media);
    let a = c.service(IS).fetch_media(ME).await.expect("filename");
    assert_eq!((a.sid.as_str(), a.filename.as_deref()), (ME, Some("a.png")));
    let b = c.service(IS).fetch_media(ME).await.expect("file_name");
    assert_eq!(b.filename.as_deref(), Some("b.png"));
    match c.service(IS).fetch_media(ME).await {
        Err(Error::Decode { field, .. }) => assert_eq!(field, "sid"),
        other => panic!("a record without its SID decoded: {other:?}"),
    }
}
