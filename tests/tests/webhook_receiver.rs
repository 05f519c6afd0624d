//! `WebhookReceiver` (signature against the configured public URL, then decode) and the
//! pre-action answers, framework-free.

use conversations_api::webhook_signature::body_sha256;
use conversations_api::{
    ConversationChanges, IncomingRequest, MessageChanges, PreActionResponse, ReceiveError,
    SignatureError, SignatureValidator, WebhookEvent, WebhookReceiver, WebhookResponse,
};

const TOKEN: &str = "12345abcdef67890fedcba0987654321";
const PUBLIC: &str = "https://bot.example.com/twilio";

fn fields() -> Vec<(String, String)> {
    [
        ("EventType", "onMessageAdded"),
        ("AccountSid", "AC0123456789abcdef0123456789abcdef"),
        ("ConversationSid", "CH0123456789abcdef0123456789abcdef"),
        ("MessageSid", "IM0123456789abcdef0123456789abcdef"),
        ("Index", "1"),
        ("Body", "hi there"),
        ("Author", "alice"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

fn encode(pairs: &[(String, String)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

#[test]
fn a_signed_form_post_decodes() {
    let r = WebhookReceiver::new(TOKEN, PUBLIC).unwrap();
    let body = encode(&fields());
    let sig = SignatureValidator::new(TOKEN).sign_form(PUBLIC, &fields());
    let event = r
        .receive(IncomingRequest {
            query: None,
            content_type: Some("application/x-www-form-urlencoded"),
            body: body.as_bytes(),
            signature: Some(&sig),
        })
        .unwrap();
    let WebhookEvent::MessageAdded(m) = event else {
        panic!()
    };
    assert_eq!(m.body.as_deref(), Some("hi there"));
}

#[test]
fn the_configured_url_is_what_counts() {
    // Signed for the URL of the proxy in front; the app listens elsewhere and must not care.
    let r = WebhookReceiver::new(TOKEN, PUBLIC).unwrap();
    let body = encode(&fields());
    let signed_for_other_host =
        SignatureValidator::new(TOKEN).sign_form("http://127.0.0.1:8080/twilio", &fields());
    let got = r.receive(IncomingRequest {
        query: None,
        content_type: Some("application/x-www-form-urlencoded"),
        body: body.as_bytes(),
        signature: Some(&signed_for_other_host),
    });
    assert_eq!(got, Err(ReceiveError::Signature(SignatureError::Mismatch)));
    assert_eq!(got.unwrap_err().status(), 403);
    let missing = r.receive(IncomingRequest {
        query: None,
        content_type: None,
        body: body.as_bytes(),
        signature: None,
    });
    assert_eq!(
        missing,
        Err(ReceiveError::Signature(SignatureError::MissingHeader))
    );
}

#[test]
fn a_get_webhook_is_signed_over_its_query() {
    let r = WebhookReceiver::new(TOKEN, PUBLIC).unwrap();
    let query = encode(&fields());
    let sig =
        SignatureValidator::new(TOKEN).sign_form::<&str, &str>(&format!("{PUBLIC}?{query}"), &[]);
    let event = r
        .receive(IncomingRequest {
            query: Some(&query),
            content_type: None,
            body: b"",
            signature: Some(&sig),
        })
        .unwrap();
    assert_eq!(event.event_type(), "onMessageAdded");
    // A query changed in flight breaks the signature.
    let tampered = query.replace("hi+there", "bye");
    assert!(matches!(
        r.receive(IncomingRequest {
            query: Some(&tampered),
            content_type: None,
            body: b"",
            signature: Some(&sig),
        }),
        Err(ReceiveError::Signature(SignatureError::Mismatch))
    ));
}

#[test]
fn a_json_webhook_is_checked_by_body_hash() {
    let r = WebhookReceiver::new(TOKEN, PUBLIC).unwrap();
    let body = br#"{"EventType":"onUserUpdated","AccountSid":"AC0123456789abcdef0123456789abcdef","UserSid":"US0123456789abcdef0123456789abcdef","IsOnline":true}"#;
    let query = format!("bodySHA256={}", body_sha256(body));
    let sig =
        SignatureValidator::new(TOKEN).sign_form::<&str, &str>(&format!("{PUBLIC}?{query}"), &[]);
    let req = |body: &'static [u8]| IncomingRequest {
        query: Some(query.as_str()),
        content_type: Some("application/json; charset=utf-8"),
        body,
        signature: Some(sig.as_str()),
    };
    let WebhookEvent::UserUpdated(u) = r.receive(req(body)).unwrap() else {
        panic!()
    };
    assert_eq!(u.is_online, Some(true));
    assert_eq!(
        r.receive(req(b"{}")),
        Err(ReceiveError::Signature(SignatureError::BodyHashMismatch))
    );
}

#[test]
fn genuine_but_malformed_is_400_and_bad_urls_are_refused_up_front() {
    let r = WebhookReceiver::new(TOKEN, PUBLIC).unwrap();
    let mut f = fields();
    f.retain(|(k, _)| k != "MessageSid");
    let body = encode(&f);
    let sig = SignatureValidator::new(TOKEN).sign_form(PUBLIC, &f);
    let got = r
        .receive(IncomingRequest {
            query: None,
            content_type: None,
            body: body.as_bytes(),
            signature: Some(&sig),
        })
        .unwrap_err();
    assert_eq!(got.status(), 400);
    assert!(got.to_string().contains("MessageSid"), "{got}");
    assert!(matches!(
        WebhookReceiver::new(TOKEN, "/twilio"),
        Err(SignatureError::BadUrl { .. })
    ));
    let debug = format!("{r:?}");
    assert!(!debug.contains(TOKEN), "{debug}");
    let with_credentials =
        WebhookReceiver::new(TOKEN, "https://bot:s3cret-pass@bot.example.com/twilio?x=1").unwrap();
    let debug = format!("{with_credentials:?}");
    assert!(
        !debug.contains("s3cret-pass") && !debug.contains(TOKEN),
        "{debug}"
    );
    assert!(
        debug.contains("https://<redacted>@bot.example.com/twilio?x=1"),
        "{debug}"
    );
}

#[test]
fn pre_action_answers_on_the_wire() {
    assert_eq!(
        PreActionResponse::Allow.to_response(),
        WebhookResponse {
            status: 200,
            content_type: None,
            body: vec![]
        }
    );
    assert_eq!(PreActionResponse::Reject.to_response().status, 403);
    assert!(PreActionResponse::Reject.to_response().body.is_empty());
    let m = PreActionResponse::ModifyMessage(
        MessageChanges::default()
            .body("****")
            .author("moderator")
            .attributes(serde_json::json!({"edited": true})),
    )
    .to_response();
    assert_eq!(m.status, 200);
    assert_eq!(m.content_type, Some("application/json"));
    let v: serde_json::Value = serde_json::from_slice(&m.body).unwrap();
    assert_eq!(
        v,
        serde_json::json!({"body": "****", "author": "moderator", "attributes": "{\"edited\":true}"})
    );
    // Twilio's documented key (`friendly_name`) and its sample service's (`attributes`, as
    // JSON text), in snake_case: a camelCase key would be ignored by Twilio.
    let c = PreActionResponse::ModifyConversation(
        ConversationChanges::default()
            .friendly_name("Support")
            .attributes(serde_json::json!({"avatar": "https://img.example/a.png"})),
    )
    .to_response();
    assert_eq!((c.status, c.content_type), (200, Some("application/json")));
    let v: serde_json::Value = serde_json::from_slice(&c.body).unwrap();
    assert_eq!(
        v,
        serde_json::json!({"friendly_name": "Support", "attributes": "{\"avatar\":\"https://img.example/a.png\"}"})
    );
    // Changing nothing is allowing.
    assert_eq!(
        PreActionResponse::ModifyMessage(MessageChanges::default()).to_response(),
        WebhookResponse::ok()
    );
}
