//! Receiving Conversations webhooks: decoding the form fields of a request into a
//! [`WebhookEvent`] (generated from `spec/conversations_webhooks_v1.yaml`).
//!
//! Decoding is strict for the events this version knows, so a handler can trust a typed field:
//! a missing required field, a SID with the wrong prefix, a date or number that does not parse
//! or JSON that is not JSON is an [`EventError`] naming the event and the field. It is lenient
//! where Twilio may grow: an unknown `EventType` is kept whole as `WebhookEvent::Unknown`,
//! unknown fields of a known event are ignored, and an enum value this version does not know
//! is that enum's `Unknown`.

use crate::EventError;
use std::fmt;

/// Why a request was not accepted as a webhook.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReceiveError {
    /// The signature check failed: answer `403` and ignore the request.
    Signature(crate::SignatureError),
    /// The request is genuine but its body is not a form (or JSON object) of fields.
    Body(&'static str),
    /// The request is genuine but a known event is malformed.
    Event(EventError),
}

impl ReceiveError {
    /// The status to answer with: `403` for a bad signature, `400` otherwise.
    pub fn status(&self) -> u16 {
        match self {
            ReceiveError::Signature(_) => 403,
            ReceiveError::Body(_) | ReceiveError::Event(_) => 400,
        }
    }
}

impl fmt::Display for ReceiveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReceiveError::Signature(e) => write!(f, "webhook signature: {e}"),
            ReceiveError::Body(why) => write!(f, "webhook body: {why}"),
            ReceiveError::Event(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ReceiveError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ReceiveError::Signature(e) => Some(e),
            ReceiveError::Event(e) => Some(e),
            ReceiveError::Body(_) => None,
        }
    }
}

/// One HTTP request as a webhook receiver needs it, whatever the framework.
#[derive(Debug, Clone, Copy)]
pub struct IncomingRequest<'a> {
    /// The query string as received, without `?` (`None` or empty when there is none).
    pub query: Option<&'a str>,
    /// The `Content-Type` header.
    pub content_type: Option<&'a str>,
    /// The raw body (empty for a `GET` webhook).
    pub body: &'a [u8],
    /// The `X-Twilio-Signature` header.
    pub signature: Option<&'a str>,
}

/// Checks and decodes webhook requests sent to one public URL.
///
/// ```
/// use conversations_api::{IncomingRequest, PreActionResponse, ReceiveError, WebhookEvent, WebhookReceiver, WebhookResponse};
///
/// fn handle(receiver: &WebhookReceiver, request: IncomingRequest<'_>) -> WebhookResponse {
///     match receiver.receive(request) {
///         Ok(WebhookEvent::MessageAdd(m)) if m.body.as_deref() == Some("spam") => {
///             PreActionResponse::Reject.to_response()
///         }
///         Ok(event) => {
///             println!("{}", event.event_type());
///             WebhookResponse::ok()
///         }
///         Err(e) => WebhookResponse { status: e.status(), content_type: None, body: Vec::new() },
///     }
/// }
///
/// let receiver = WebhookReceiver::new("auth token", "https://bot.example.com/twilio").unwrap();
/// let unsigned = IncomingRequest { query: None, content_type: None, body: b"EventType=onMessageAdd", signature: None };
/// assert_eq!(handle(&receiver, unsigned).status, 403);
/// ```
///
/// The URL is the one configured at Twilio (the URL Twilio calls), fixed when the receiver is
/// made: behind a proxy or a load balancer the request's own `Host`, scheme and port differ
/// from it, and a `Host` header is whatever the caller wrote, so it is never used. Only the
/// request's query string is taken from the request, because for a `GET` webhook Twilio puts
/// the fields there.
#[derive(Clone)]
pub struct WebhookReceiver {
    validator: crate::SignatureValidator,
    public_url: String,
}

/// The auth token is redacted by the validator; basic-auth credentials that Twilio lets a
/// webhook URL carry (`https://user:pass@host/...`) are redacted here.
impl fmt::Debug for WebhookReceiver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = match self.public_url.split_once("://") {
            Some((scheme, rest)) => {
                let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
                match rest[..authority_end].rfind('@') {
                    Some(at) => format!("{scheme}://<redacted>@{}", &rest[at + 1..]),
                    None => self.public_url.clone(),
                }
            }
            None => self.public_url.clone(),
        };
        f.debug_struct("WebhookReceiver")
            .field("validator", &self.validator)
            .field("public_url", &shown)
            .finish()
    }
}

impl WebhookReceiver {
    /// A receiver for the webhook URL configured at Twilio, checking with this auth token.
    /// The URL must be absolute `http` or `https`.
    pub fn new(
        auth_token: impl AsRef<str>,
        public_url: impl Into<String>,
    ) -> Result<WebhookReceiver, crate::SignatureError> {
        let public_url = public_url.into();
        // Reject a malformed URL now rather than on every request.
        twilio_runtime::webhook_signature::check_url(&public_url)?;
        Ok(WebhookReceiver {
            validator: crate::SignatureValidator::new(auth_token),
            public_url,
        })
    }

    /// The configured public URL.
    pub fn public_url(&self) -> &str {
        &self.public_url
    }

    /// The URL Twilio signed: the configured URL, with the request's query string when it has
    /// one (Twilio builds that query from the configured URL's own query plus, for `GET`, the
    /// fields).
    fn signed_url(&self, query: Option<&str>) -> String {
        match query.filter(|q| !q.is_empty()) {
            Some(q) => {
                let base = self
                    .public_url
                    .split(['?', '#'])
                    .next()
                    .unwrap_or(&self.public_url);
                format!("{base}?{q}")
            }
            None => self.public_url.clone(),
        }
    }

    /// Verify the signature, then decode the event. A form body (`POST`) is signed field by
    /// field; an empty body means a `GET` webhook whose fields are the query string; a JSON body
    /// is checked against `bodySHA256` and its top-level members become the fields (strings
    /// as they are, other values as JSON text).
    pub fn receive(&self, request: IncomingRequest<'_>) -> Result<WebhookEvent, ReceiveError> {
        let url = self.signed_url(request.query);
        let is_json = request.content_type.is_some_and(|c| {
            c.split(';')
                .next()
                .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
        });
        let fields: Vec<(String, String)> = if is_json {
            self.validator
                .validate_json(&url, request.body, request.signature)
                .map_err(ReceiveError::Signature)?;
            let value: serde_json::Value =
                serde_json::from_slice(request.body).map_err(|_| ReceiveError::Body("not JSON"))?;
            let serde_json::Value::Object(members) = value else {
                return Err(ReceiveError::Body("JSON body is not an object"));
            };
            members
                .into_iter()
                .map(|(k, v)| match v {
                    serde_json::Value::String(s) => (k, s),
                    other => (k, other.to_string()),
                })
                .collect()
        } else if request.body.is_empty() {
            self.validator
                .validate_get(&url, request.signature)
                .map_err(ReceiveError::Signature)?;
            decode_pairs(request.query.unwrap_or("").as_bytes())
        } else {
            let fields = decode_pairs(request.body);
            self.validator
                .validate_form(&url, &fields, request.signature)
                .map_err(ReceiveError::Signature)?;
            fields
        };
        WebhookEvent::from_form(&fields).map_err(ReceiveError::Event)
    }
}

use crate::WebhookEvent;

fn decode_pairs(bytes: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(bytes)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}
