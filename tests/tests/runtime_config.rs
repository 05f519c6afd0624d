//! Client configuration: credentials, environment, region and edge, User-Agent, the bytes of
//! the `Authorization` header, and secrets kept out of every `Debug` and `Display`.

use conversations_api::{Client, ClientBuilder, CredentialType, Error, RetryPolicy};
use conversations_tests::{conversation_json, MockServer, Reply};
use std::collections::HashMap;
use std::time::Duration;

const ACCOUNT: &str = "AC00000000000000000000000000000001";
const TOKEN: &str = "tok3n-S3CRET-marker";
const KEY: &str = "SK00000000000000000000000000000002";
const KEY_SECRET: &str = "k3y-S3CRET-marker";

fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |k| map.get(k).cloned()
}

fn config_error(result: Result<impl std::fmt::Debug, Error>) -> String {
    match result {
        Err(Error::Config(message)) => message,
        other => panic!("expected Error::Config, got {other:?}"),
    }
}

fn ok_reply() -> Reply {
    Reply::json(
        200,
        conversation_json("CH00000000000000000000000000000001", ""),
    )
}

// ---- region and edge (no network) ----

#[test]
fn region_and_edge_build_the_host() {
    let build = |b: ClientBuilder| {
        b.account_sid(ACCOUNT)
            .auth_token(TOKEN)
            .build()
            .expect("client")
            .base_url()
            .to_string()
    };
    assert_eq!(build(Client::builder()), "https://conversations.twilio.com");
    assert_eq!(
        build(Client::builder().region("ie1").edge("dublin")),
        "https://conversations.dublin.ie1.twilio.com"
    );
    assert_eq!(
        build(Client::builder().edge("sydney")),
        "https://conversations.sydney.us1.twilio.com",
        "an edge alone implies region us1"
    );
    // Twilio answers on PRODUCT.REGION.twilio.com for us1 only since 2026-04-28; ie1 and au1
    // are reached through the edge Twilio names for each.
    assert_eq!(
        build(Client::builder().region("au1")),
        "https://conversations.sydney.au1.twilio.com"
    );
    assert_eq!(
        build(Client::builder().region("ie1")),
        "https://conversations.dublin.ie1.twilio.com"
    );
    assert_eq!(
        build(Client::builder().region("us1")),
        "https://conversations.us1.twilio.com"
    );
    for region in ["jp1", "de1", "br1", "sg1", "us2"] {
        let err = config_error(
            Client::builder()
                .account_sid(ACCOUNT)
                .auth_token(TOKEN)
                .region(region)
                .build(),
        );
        assert!(err.contains(region) && err.contains("edge"), "{err}");
    }
    assert_eq!(
        build(Client::builder().region("jp1").edge("tokyo")),
        "https://conversations.tokyo.jp1.twilio.com",
        "an edge given by the user is taken as given"
    );
    assert_eq!(
        build(
            Client::builder()
                .region("ie1")
                .edge("dublin")
                .base_url("http://127.0.0.1:9/")
        ),
        "http://127.0.0.1:9",
        "an explicit base URL wins"
    );
    let bad = Client::builder()
        .account_sid(ACCOUNT)
        .auth_token(TOKEN)
        .region("ie1.evil.example/")
        .build();
    assert!(config_error(bad).contains("region"));
}

#[test]
fn plain_http_is_refused_for_remote_hosts() {
    let remote = Client::builder()
        .account_sid(ACCOUNT)
        .auth_token(TOKEN)
        .base_url("http://proxy.example.com")
        .build();
    assert!(config_error(remote).contains("plain http"));
    let allowed = Client::builder()
        .account_sid(ACCOUNT)
        .auth_token(TOKEN)
        .base_url("http://proxy.example.com")
        .danger_accept_plain_http(true)
        .build()
        .expect("explicitly accepted");
    assert_eq!(allowed.base_url(), "http://proxy.example.com");
}

// ---- environment ----

#[test]
fn from_env_with_an_auth_token() {
    let client = ClientBuilder::from_env_with(env(&[
        ("TWILIO_ACCOUNT_SID", ACCOUNT),
        ("TWILIO_AUTH_TOKEN", TOKEN),
    ]))
    .expect("builder")
    .build()
    .expect("client");
    assert_eq!(client.account_sid(), ACCOUNT);
    assert_eq!(client.base_url(), "https://conversations.twilio.com");
    assert!(format!("{client:?}").contains("AuthToken"));
}

#[test]
fn from_env_prefers_the_api_key() {
    let client = ClientBuilder::from_env_with(env(&[
        ("TWILIO_ACCOUNT_SID", ACCOUNT),
        ("TWILIO_AUTH_TOKEN", TOKEN),
        ("TWILIO_API_KEY", KEY),
        ("TWILIO_API_SECRET", KEY_SECRET),
    ]))
    .expect("builder")
    .build()
    .expect("client");
    let shown = format!("{client:?}");
    assert!(shown.contains("ApiKey") && shown.contains(KEY), "{shown}");
    assert_eq!(client.account_sid(), ACCOUNT);
}

#[test]
fn from_env_reads_region_and_edge() {
    let vars = [
        ("TWILIO_ACCOUNT_SID", ACCOUNT),
        ("TWILIO_AUTH_TOKEN", TOKEN),
        ("TWILIO_REGION", "au1"),
        ("TWILIO_EDGE", "sydney"),
    ];
    let client = ClientBuilder::from_env_with(env(&vars))
        .expect("builder")
        .build()
        .expect("client");
    assert_eq!(
        client.base_url(),
        "https://conversations.sydney.au1.twilio.com"
    );
    let edge_only = ClientBuilder::from_env_with(env(&[vars[0], vars[1], vars[3]]))
        .expect("builder")
        .build()
        .expect("client");
    assert_eq!(
        edge_only.base_url(),
        "https://conversations.sydney.us1.twilio.com"
    );
    let region_only = ClientBuilder::from_env_with(env(&[vars[0], vars[1], vars[2]]))
        .expect("builder")
        .build()
        .expect("client");
    assert_eq!(
        region_only.base_url(),
        "https://conversations.sydney.au1.twilio.com"
    );
}

#[test]
fn from_env_errors_name_the_missing_variable() {
    let m = config_error(ClientBuilder::from_env_with(env(&[(
        "TWILIO_AUTH_TOKEN",
        TOKEN,
    )])));
    assert!(m.contains("TWILIO_ACCOUNT_SID"), "{m}");
    let m = config_error(ClientBuilder::from_env_with(env(&[(
        "TWILIO_ACCOUNT_SID",
        ACCOUNT,
    )])));
    assert!(m.contains("TWILIO_AUTH_TOKEN"), "{m}");
    let m = config_error(ClientBuilder::from_env_with(env(&[
        ("TWILIO_ACCOUNT_SID", ACCOUNT),
        ("TWILIO_AUTH_TOKEN", TOKEN),
        ("TWILIO_API_KEY", KEY),
    ])));
    assert!(m.contains("TWILIO_API_SECRET"), "{m}");
    let m = config_error(ClientBuilder::from_env_with(env(&[
        ("TWILIO_ACCOUNT_SID", ACCOUNT),
        ("TWILIO_API_SECRET", KEY_SECRET),
    ])));
    assert!(m.contains("TWILIO_API_KEY"), "{m}");
    // Empty variables count as unset.
    let m = config_error(ClientBuilder::from_env_with(env(&[
        ("TWILIO_ACCOUNT_SID", ""),
        ("TWILIO_AUTH_TOKEN", TOKEN),
    ])));
    assert!(m.contains("TWILIO_ACCOUNT_SID"), "{m}");
    let client = ClientBuilder::from_env_with(env(&[
        ("TWILIO_ACCOUNT_SID", ACCOUNT),
        ("TWILIO_AUTH_TOKEN", TOKEN),
        ("TWILIO_REGION", ""),
    ]))
    .expect("builder")
    .build()
    .expect("client");
    assert_eq!(client.base_url(), "https://conversations.twilio.com");
}

#[test]
fn an_api_key_sid_given_as_the_account_gets_a_hint() {
    let built = ClientBuilder::from_env_with(env(&[
        ("TWILIO_ACCOUNT_SID", KEY),
        ("TWILIO_AUTH_TOKEN", TOKEN),
    ]))
    .expect("builder")
    .build();
    let m = config_error(built);
    assert!(m.contains("`AC`") && m.contains("API key"), "{m}");
    let m = config_error(Client::new("XY123", TOKEN));
    assert!(m.contains("`AC`"), "{m}");
    let m = config_error(Client::new("0123456789abcdef0123456789abcdef", ACCOUNT));
    assert!(m.contains("swapped"), "{m}");
    let m = config_error(
        Client::builder()
            .account_sid(ACCOUNT)
            .api_key(ACCOUNT, KEY_SECRET)
            .build(),
    );
    assert!(m.contains("`SK`"), "{m}");
    let m = config_error(Client::new(ACCOUNT, format!("{TOKEN}\n")));
    assert!(m.contains("whitespace"), "{m}");
    assert!(!m.contains(TOKEN));
}

// ---- on the wire ----

#[tokio::test]
async fn auth_token_sends_basic_account_and_token() {
    let server = MockServer::always(ok_reply()).await;
    Client::builder()
        .account_sid(ACCOUNT)
        .auth_token(TOKEN)
        .base_url(server.url())
        .build()
        .expect("client")
        .conversation("CH1")
        .fetch()
        .send()
        .await
        .expect("ok");
    // base64("AC00000000000000000000000000000001:tok3n-S3CRET-marker")
    assert_eq!(
        server.requests()[0].header("authorization"),
        Some("Basic QUMwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMTp0b2szbi1TM0NSRVQtbWFya2Vy")
    );
}

#[tokio::test]
async fn api_key_sends_basic_key_and_secret() {
    let server = MockServer::always(ok_reply()).await;
    Client::builder()
        .account_sid(ACCOUNT)
        .api_key(KEY, KEY_SECRET)
        .base_url(server.url())
        .build()
        .expect("client")
        .conversation("CH1")
        .fetch()
        .send()
        .await
        .expect("ok");
    // base64("SK00000000000000000000000000000002:k3y-S3CRET-marker")
    assert_eq!(
        server.requests()[0].header("authorization"),
        Some("Basic U0swMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMjprM3ktUzNDUkVULW1hcmtlcg==")
    );
}

#[tokio::test]
async fn user_agent_names_crate_platform_and_compiler() {
    let server = MockServer::always(ok_reply()).await;
    let client = Client::builder()
        .account_sid(ACCOUNT)
        .auth_token(TOKEN)
        .base_url(server.url())
        .build()
        .expect("client");
    client.conversation("CH1").fetch().send().await.expect("ok");
    let ua = server.requests()[0]
        .header("user-agent")
        .expect("a User-Agent")
        .to_string();
    let expected_start = format!(
        "conversations-api-rust/{} ({} {}) rust/",
        env!("CARGO_PKG_VERSION"), // the workspace version, shared with the client crate
        std::env::consts::OS,
        std::env::consts::ARCH
    );
    let rustc = ua
        .strip_prefix(&expected_start)
        .unwrap_or_else(|| panic!("`{ua}` does not start with `{expected_start}`"));
    let parts: Vec<&str> = rustc.split(['.', '-']).collect();
    assert!(
        parts.len() >= 3 && parts[..3].iter().all(|p| p.parse::<u32>().is_ok()),
        "`{rustc}` is not a rustc version"
    );

    let server = MockServer::always(ok_reply()).await;
    Client::builder()
        .account_sid(ACCOUNT)
        .auth_token(TOKEN)
        .base_url(server.url())
        .user_agent_extension("my-app/1.2")
        .build()
        .expect("client")
        .conversation("CH1")
        .fetch()
        .send()
        .await
        .expect("ok");
    assert_eq!(
        server.requests()[0].header("user-agent"),
        Some(format!("{ua} my-app/1.2").as_str())
    );
}

// ---- secrets ----

fn assert_hidden(what: &str, shown: &str) {
    for secret in [TOKEN, KEY_SECRET, "S3CRET"] {
        assert!(!shown.contains(secret), "{what} shows a secret: {shown}");
    }
}

#[tokio::test]
async fn secrets_never_show_in_debug_or_display() {
    let server = MockServer::always(Reply::json(
        401,
        r#"{"code": 20003, "message": "Authenticate", "status": 401}"#,
    ))
    .await;
    let builder = Client::builder()
        .account_sid(ACCOUNT)
        .auth_token(TOKEN)
        .api_key(KEY, KEY_SECRET)
        .base_url(server.url())
        .retry_policy(RetryPolicy::none());
    assert_hidden("builder", &format!("{builder:?} {builder:#?}"));
    let token_builder = Client::builder().account_sid(ACCOUNT).auth_token(TOKEN);
    assert_hidden("builder", &format!("{token_builder:?}"));
    let client = builder.build().expect("client");
    assert_hidden("client", &format!("{client:?} {client:#?}"));
    let token_client = token_builder.build().expect("client");
    assert_hidden("client", &format!("{token_client:?}"));

    // Request builders: a credential's own secret and private key are form values.
    let create = client
        .credentials()
        .create(CredentialType::Fcm)
        .secret("fcm-S3CRET-value")
        .private_key("-----BEGIN S3CRET KEY-----");
    assert_hidden("request builder", &format!("{create:?} {create:#?}"));
    let list = client.conversations().list().page_size(5);
    assert_hidden("request builder", &format!("{list:?}"));
    assert_hidden(
        "handle",
        &format!("{:?}", client.service("IS1").conversation("CH1")),
    );

    // Errors of every kind.
    let api = create.send().await.expect_err("401");
    assert_eq!(api.code(), Some(20003));
    let mut errors = vec![api];
    errors.push(Client::new(ACCOUNT, format!("{TOKEN} ")).expect_err("whitespace in the token"));
    errors.push(Client::new(TOKEN, ACCOUNT).expect_err("swapped arguments"));
    errors.push(
        Client::builder()
            .account_sid(KEY)
            .api_key(KEY, KEY_SECRET)
            .build()
            .expect_err("SK as account"),
    );
    let slow = MockServer::always(ok_reply().delayed(Duration::from_secs(3))).await;
    errors.push(
        Client::builder()
            .account_sid(ACCOUNT)
            .auth_token(TOKEN)
            .base_url(slow.url())
            .timeout(Duration::from_millis(100))
            .retry_policy(RetryPolicy::none())
            .build()
            .expect("client")
            .conversation("CH1")
            .fetch()
            .send()
            .await
            .expect_err("timeout"),
    );
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = closed.local_addr().expect("addr").port();
    drop(closed);
    errors.push(
        Client::builder()
            .account_sid(ACCOUNT)
            .auth_token(TOKEN)
            .base_url(format!("http://127.0.0.1:{port}"))
            .retry_policy(RetryPolicy::none())
            .build()
            .expect("client")
            .conversation("CH1")
            .fetch()
            .send()
            .await
            .expect_err("nothing listens"),
    );
    assert!(matches!(errors[1], Error::Config(_)));
    assert!(matches!(errors[4], Error::Timeout(_)));
    assert!(errors[5].is_connect(), "{:?}", errors[5]);
    for e in &errors {
        assert_hidden("error", &format!("{e:?} {e:#?} {e}"));
    }
}
