//! The `tracing` span of each request: what it records (method, path template, attempt,
//! status, request id) and what it never records (credentials, bodies, parameter values).
//! Also the connect-error rule, whose attempts only the span can count (nothing arrives).

use conversations_api::{Client, Error, RetryPolicy};
use conversations_tests::{message_json, MockServer, Reply};
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

const ACCOUNT: &str = "AC00000000000000000000000000000001";
const TOKEN: &str = "tok3n-S3CRET-marker";

/// Records every span creation, span record and event as one line of `name field=value...`.
#[derive(Clone, Default)]
struct Capture {
    lines: Arc<Mutex<Vec<String>>>,
    next_id: Arc<AtomicU64>,
}

struct Line(String);

impl Visit for Line {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={:?}", field.name(), value);
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        let _ = write!(self.0, " {}={}", field.name(), value);
    }
}

impl Capture {
    fn push(&self, line: Line) {
        if let Ok(mut lines) = self.lines.lock() {
            lines.push(line.0);
        }
    }

    fn lines(&self) -> Vec<String> {
        self.lines.lock().map(|l| l.clone()).unwrap_or_default()
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, attrs: &Attributes<'_>) -> Id {
        let mut line = Line(format!("span {}", attrs.metadata().name()));
        attrs.record(&mut line);
        self.push(line);
        Id::from_u64(self.next_id.fetch_add(1, Ordering::Relaxed) + 1)
    }
    fn record(&self, _: &Id, values: &Record<'_>) {
        let mut line = Line("record".into());
        values.record(&mut line);
        self.push(line);
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut line = Line(format!("event {}", event.metadata().target()));
        event.record(&mut line);
        self.push(line);
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

fn fast() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(3)
        .base_delay(Duration::from_millis(1))
        .max_delay(Duration::from_millis(5))
}

#[tokio::test]
async fn span_records_method_template_attempt_status_and_request_id_but_no_secret() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let server = MockServer::sequence(vec![
        Reply::json(
            429,
            r#"{"code": 20429, "message": "slow down", "status": 429}"#,
        )
        .header("Twilio-Request-Id", "RQfirst"),
        Reply::json(201, message_json("IM1", "CH1", r#""body": "hello""#))
            .header("Twilio-Request-Id", "RQsecond"),
    ])
    .await;
    let client = Client::builder()
        .account_sid(ACCOUNT)
        .auth_token(TOKEN)
        .base_url(server.url())
        .retry_policy(fast())
        .build()
        .expect("client");
    client
        .service("IS00000000000000000000000000000009")
        .conversation("CH00000000000000000000000000000007")
        .messages()
        .create()
        .body("private-BODY-text")
        .author("private-AUTHOR")
        .send()
        .await
        .expect("second attempt succeeds");
    assert_eq!(server.requests().len(), 2);

    let lines = capture.lines();
    let all = lines.join("\n");
    let span = lines
        .iter()
        .find(|l| l.starts_with("span conversations_api.request"))
        .unwrap_or_else(|| panic!("no request span in:\n{all}"));
    assert!(span.contains("method=POST"), "{span}");
    assert!(
        span.contains(
            "path=/v1/Services/{ChatServiceSid}/Conversations/{ConversationSid}/Messages"
        ),
        "the template, not the concrete path: {span}"
    );
    for expected in [
        "attempt=1",
        "status=429",
        "request_id=RQfirst",
        "attempt=2",
        "status=201",
        "request_id=RQsecond",
    ] {
        assert!(all.contains(expected), "`{expected}` missing from:\n{all}");
    }
    assert!(all.contains("retrying"), "{all}");
    for hidden in [
        TOKEN,
        "S3CRET",
        "private-BODY-text",
        "private-AUTHOR",
        "CH00000000000000000000000000000007",
        "slow down",
    ] {
        assert!(!all.contains(hidden), "`{hidden}` was logged:\n{all}");
    }
}

#[tokio::test]
async fn connect_errors_are_retried_even_for_post() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = closed.local_addr().expect("addr").port();
    drop(closed);
    let err = Client::builder()
        .account_sid(ACCOUNT)
        .auth_token(TOKEN)
        .base_url(format!("http://127.0.0.1:{port}"))
        .retry_policy(fast())
        .build()
        .expect("client")
        .conversations()
        .create()
        .friendly_name("x")
        .send()
        .await
        .expect_err("nothing listens");
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(err.is_connect());
    let all = capture.lines().join("\n");
    let retries = all.matches("retrying").count();
    assert_eq!(retries, 2, "three attempts, as the policy allows:\n{all}");
    assert!(all.contains("attempt=3"), "{all}");
    assert!(all.contains("error=connect"), "{all}");
}
