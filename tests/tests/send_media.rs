//! The `send_media` example run as a process against two in-process servers, one standing in
//! for the Conversations API and one for the Media Content Service: the upload's bytes,
//! content type and filename, the Configuration lookup, and the follow-up message on the wire,
//! in both scopes.

use conversations_tests::{MockServer, Recorded, Reply};
use std::process::Command;

const TOKEN: &str = "12345abcdef67890fedcba0987654321";
const ACCOUNT: &str = "AC0123456789abcdef0123456789abcdef";
const DEFAULT_IS: &str = "IS00000000000000000000000000000d3f";
const CHOSEN_IS: &str = "IS0123456789abcdef0123456789abcdef";
const CH: &str = "CH0123456789abcdef0123456789abcdef";
const ME: &str = "ME0123456789abcdef0123456789abcdef";
const IM: &str = "IM0123456789abcdef0123456789abcdef";

/// Answers `GET /v1/Configuration` and message creation like Twilio.
async fn conversations_server() -> MockServer {
    MockServer::start(|_, r| {
        if r.method == "GET" && r.path() == "/v1/Configuration" {
            Reply::json(
                200,
                format!(
                    r#"{{"account_sid":"{ACCOUNT}","default_chat_service_sid":"{DEFAULT_IS}","url":"https://conversations.twilio.com/v1/Configuration"}}"#
                ),
            )
        } else {
            Reply::json(
                201,
                conversations_tests::message_json(
                    IM,
                    CH,
                    &format!(r#""media":[{{"sid":"{ME}"}}]"#),
                ),
            )
        }
    })
    .await
}

async fn media_server() -> MockServer {
    MockServer::always(Reply::json(
        201,
        format!(r#"{{"sid":"{ME}","size":6,"content_type":"image/png","filename":"chart.png"}}"#),
    ))
    .await
}

fn run(
    conversations: &MockServer,
    media: &MockServer,
    file: &std::path::Path,
    service: Option<&str>,
) -> std::process::Output {
    let mut cmd = Command::new(conversations_tests::example_executable("send_media"));
    cmd.args([CH, &file.display().to_string()])
        .env_remove("TWILIO_API_KEY")
        .env_remove("TWILIO_API_SECRET")
        .env_remove("TWILIO_REGION")
        .env_remove("TWILIO_EDGE")
        .env("TWILIO_ACCOUNT_SID", ACCOUNT)
        .env("TWILIO_AUTH_TOKEN", TOKEN)
        .env("CONVERSATIONS_BASE_URL", conversations.url())
        .env("CONVERSATIONS_MEDIA_BASE_URL", media.url());
    match service {
        Some(sid) => cmd.env("CONVERSATIONS_SERVICE_SID", sid),
        None => cmd.env_remove("CONVERSATIONS_SERVICE_SID"),
    };
    cmd.output().expect("run send_media")
}

fn form_of(r: &Recorded) -> Vec<(String, String)> {
    form_urlencoded::parse(&r.body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn basic_auth() -> String {
    use base64::Engine as _;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{ACCOUNT}:{TOKEN}"))
    )
}

const PNG: &[u8] = b"\x89PNG\r\n";

fn png_file(dir: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("send_media_{dir}_{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("chart.png");
    std::fs::write(&path, PNG).expect("write the file");
    path
}

fn check_upload(upload: &Recorded, service: &str) {
    assert_eq!(upload.method, "POST");
    assert_eq!(upload.path(), format!("/v1/Services/{service}/Media"));
    assert_eq!(upload.query(), "Filename=chart.png");
    assert_eq!(upload.header("content-type"), Some("image/png"));
    assert_eq!(upload.header("content-length"), Some("6"));
    assert_eq!(upload.header("authorization"), Some(basic_auth().as_str()));
    assert_eq!(upload.body, PNG);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn default_service_looks_up_the_service_then_uploads_and_posts_the_message() {
    let conversations = conversations_server().await;
    let media = media_server().await;
    let file = png_file("default");
    let out = run(&conversations, &media, &file, None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), format!("{IM}\n"));

    let calls = conversations.requests();
    assert_eq!(calls.len(), 2, "one Configuration lookup, one message");
    assert_eq!(
        (calls[0].method.as_str(), calls[0].path()),
        ("GET", "/v1/Configuration")
    );
    let message = &calls[1];
    assert_eq!(message.method, "POST");
    assert_eq!(message.path(), format!("/v1/Conversations/{CH}/Messages"));
    assert_eq!(
        form_of(message),
        vec![("MediaSid".to_string(), ME.to_string())]
    );

    let uploads = media.requests();
    assert_eq!(uploads.len(), 1);
    check_upload(&uploads[0], DEFAULT_IS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn service_scope_uploads_to_that_service_without_a_lookup() {
    let conversations = conversations_server().await;
    let media = media_server().await;
    let file = png_file("service");
    let out = run(&conversations, &media, &file, Some(CHOSEN_IS));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), format!("{IM}\n"));

    let calls = conversations.requests();
    assert_eq!(
        calls.len(),
        1,
        "no Configuration lookup in the Service scope"
    );
    assert_eq!(calls[0].method, "POST");
    assert_eq!(
        calls[0].path(),
        format!("/v1/Services/{CHOSEN_IS}/Conversations/{CH}/Messages")
    );
    assert_eq!(
        form_of(&calls[0]),
        vec![("MediaSid".to_string(), ME.to_string())]
    );
    let uploads = media.requests();
    assert_eq!(uploads.len(), 1);
    check_upload(&uploads[0], CHOSEN_IS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_file_is_a_usage_error_and_nothing_is_sent() {
    let conversations = conversations_server().await;
    let media = media_server().await;
    let missing = std::env::temp_dir().join("send_media_no_such_file.png");
    let out = run(&conversations, &media, &missing, None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("send_media_no_such_file.png"));
    assert!(out.stdout.is_empty());
    assert_eq!(conversations.request_count() + media.request_count(), 0);
}
