//! axum integration (cargo feature `axum`): an extractor that yields a verified, decoded
//! [`WebhookEvent`], and `IntoResponse` for the webhook answers.
//!
//! ```no_run
//! use axum::{routing::post, Router};
//! use conversations_api::axum_webhook::TwilioWebhook;
//! use conversations_api::{PreActionResponse, WebhookEvent, WebhookReceiver};
//!
//! async fn hook(TwilioWebhook(event): TwilioWebhook) -> PreActionResponse {
//!     match event {
//!         WebhookEvent::MessageAdd(m) if m.body.as_deref() == Some("spam") => PreActionResponse::Reject,
//!         _ => PreActionResponse::Allow,
//!     }
//! }
//!
//! # fn app() -> Result<Router, conversations_api::SignatureError> {
//! let receiver = WebhookReceiver::new("auth token", "https://bot.example.com/twilio")?;
//! let app = Router::new().route("/twilio", post(hook)).with_state(receiver);
//! # Ok(app) }
//! ```
//!
//! The extractor checks the signature against the receiver's configured public URL (never the
//! request's `Host`), and a request that fails is answered `403` before the handler runs; a
//! genuine request with a malformed body gets `400`. The router state must give a
//! [`WebhookReceiver`] through [`FromRef`] (the receiver itself, or a field of your state).

use crate::{IncomingRequest, PreActionResponse, WebhookEvent, WebhookReceiver, WebhookResponse};
use axum::extract::{FromRef, FromRequest, Request};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// Twilio's webhook bodies are a few kilobytes; anything far larger is not one.
pub const MAX_WEBHOOK_BODY: usize = 1 << 20;

/// A webhook request whose signature was verified, decoded into its event.
#[derive(Debug, Clone)]
pub struct TwilioWebhook(pub WebhookEvent);

impl<S> FromRequest<S> for TwilioWebhook
where
    S: Send + Sync,
    WebhookReceiver: FromRef<S>,
{
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let receiver = WebhookReceiver::from_ref(state);
        let (parts, body) = req.into_parts();
        let body = axum::body::to_bytes(body, MAX_WEBHOOK_BODY)
            .await
            .map_err(|_| StatusCode::PAYLOAD_TOO_LARGE.into_response())?;
        let header_text = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
        let request = IncomingRequest {
            query: parts.uri.query(),
            content_type: header_text(header::CONTENT_TYPE.as_str()),
            body: &body,
            signature: header_text("x-twilio-signature"),
        };
        match receiver.receive(request) {
            Ok(event) => Ok(TwilioWebhook(event)),
            Err(e) => {
                tracing::warn!(error = %e, "webhook request refused");
                let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_REQUEST);
                Err((status, e.to_string()).into_response())
            }
        }
    }
}

impl IntoResponse for WebhookResponse {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::OK);
        let mut response = (status, self.body).into_response();
        if let Some(ct) = self.content_type {
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
        } else {
            response.headers_mut().remove(header::CONTENT_TYPE);
        }
        response
    }
}

impl IntoResponse for PreActionResponse {
    fn into_response(self) -> Response {
        self.to_response().into_response()
    }
}
