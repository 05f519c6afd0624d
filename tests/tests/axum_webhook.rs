//! The axum extractor, in-process: a request that fails the signature check is answered 403
//! and the handler never runs; a genuine one reaches it decoded; answers keep their bytes.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::post;
use axum::Router;
use conversations_api::axum_webhook::TwilioWebhook;
use conversations_api::{
    MessageChanges, PreActionResponse, SignatureValidator, WebhookEvent, WebhookReceiver,
};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tower::ServiceExt;

const TOKEN: &str = "12345abcdef67890fedcba0987654321";
const PUBLIC: &str = "https://bot.example.com/hooks/conversations";

fn app(calls: Arc<AtomicUsize>) -> Router {
    let receiver = WebhookReceiver::new(TOKEN, PUBLIC).unwrap();
    Router::new()
        .route(
            "/hooks/conversations",
            post(move |TwilioWebhook(event): TwilioWebhook| {
                let calls = calls.clone();
                async move {
                    calls.fetch_add(1, Ordering::SeqCst);
                    match event {
                        WebhookEvent::MessageAdd(m) => PreActionResponse::ModifyMessage(
                            MessageChanges::default()
                                .body(m.body.unwrap_or_default().to_uppercase()),
                        ),
                        _ => PreActionResponse::Allow,
                    }
                }
            })
            .get(|TwilioWebhook(event): TwilioWebhook| async move {
                event.event_type().to_string()
            }),
        )
        .with_state(receiver)
}

fn fields() -> Vec<(String, String)> {
    [
        ("EventType", "onMessageAdd"),
        ("AccountSid", "AC0123456789abcdef0123456789abcdef"),
        ("ConversationSid", "CH0123456789abcdef0123456789abcdef"),
        ("Body", "quiet please"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

fn form_post(signature: Option<&str>, host: &str) -> Request<Body> {
    let mut req = Request::post("/hooks/conversations")
        .header("host", host)
        .header("content-type", "application/x-www-form-urlencoded");
    if let Some(sig) = signature {
        req = req.header("x-twilio-signature", sig);
    }
    req.body(Body::from(conversations_tests::form_body(&fields())))
        .unwrap()
}

async fn send(app: &Router, req: Request<Body>) -> (StatusCode, Option<String>, Vec<u8>) {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let ct = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string());
    let body = axum::body::to_bytes(res.into_body(), 1 << 20)
        .await
        .unwrap();
    (status, ct, body.to_vec())
}

#[tokio::test]
async fn bad_signatures_never_reach_the_handler() {
    let calls = Arc::new(AtomicUsize::new(0));
    let app = app(calls.clone());
    let good = SignatureValidator::new(TOKEN).sign_form(PUBLIC, &fields());
    // Signed for the URL the Host header names: an attacker controls that header.
    let for_host = SignatureValidator::new(TOKEN)
        .sign_form("http://evil.example/hooks/conversations", &fields());
    for sig in [None, Some("not base64"), Some(for_host.as_str())] {
        let (status, _, _) = send(&app, form_post(sig, "evil.example")).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{sig:?}");
    }
    assert_eq!(calls.load(Ordering::SeqCst), 0);

    // The genuine request arrives whatever its Host says, and the answer is the JSON change.
    let (status, ct, body) = send(&app, form_post(Some(&good), "evil.example")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ct.as_deref(), Some("application/json"));
    assert_eq!(body, br#"{"body":"QUIET PLEASE"}"#);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn get_webhooks_and_malformed_events() {
    let app = app(Arc::new(AtomicUsize::new(0)));
    let query = conversations_tests::form_body(&fields());
    let sig =
        SignatureValidator::new(TOKEN).sign_form::<&str, &str>(&format!("{PUBLIC}?{query}"), &[]);
    let req = Request::get(format!("/hooks/conversations?{query}"))
        .header("x-twilio-signature", &sig)
        .body(Body::empty())
        .unwrap();
    let (status, _, body) = send(&app, req).await;
    assert_eq!(
        (status, body.as_slice()),
        (StatusCode::OK, &b"onMessageAdd"[..])
    );

    // Genuine but missing ConversationSid: 400 naming the field.
    let mut f = fields();
    f.retain(|(k, _)| k != "ConversationSid");
    let sig = SignatureValidator::new(TOKEN).sign_form(PUBLIC, &f);
    let req = Request::post("/hooks/conversations")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-twilio-signature", &sig)
        .body(Body::from(conversations_tests::form_body(&f)))
        .unwrap();
    let (status, _, body) = send(&app, req).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(String::from_utf8_lossy(&body).contains("ConversationSid"));

    // Reject is a bare 403.
    let reject = axum::response::IntoResponse::into_response(PreActionResponse::Reject);
    assert_eq!(reject.status(), StatusCode::FORBIDDEN);
    assert!(reject.headers().get("content-type").is_none());
}
