//! The HTTP side: one axum router for the REST API (`/v1/...`), the Media Content Service
//! (`/mcs/v1/...`), media download links and the control endpoints (`/_emulator/...`).

use crate::engine::{self, Incoming};
use crate::error::ApiFailure;
use crate::http::{LINK_PREFIX, MEDIA_PREFIX};
use crate::shared::Shared;
use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Router;
use std::sync::Arc;

/// Largest request body read (a media upload included).
const BODY_LIMIT: usize = 150 * 1024 * 1024;

pub fn router(shared: Arc<Shared>) -> Router {
    Router::new().fallback(dispatch).with_state(shared)
}

async fn dispatch(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path().to_string();
    let query = parts.uri.query().unwrap_or("").to_string();
    let body = match to_bytes(body, BODY_LIMIT).await {
        Ok(b) => b,
        Err(_) => {
            return ApiFailure::bad_request("The request body could not be read").into_response()
        }
    };
    let header_text = |name: &str| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    if let Some(token) = path.strip_prefix(&format!("{LINK_PREFIX}/")) {
        return match shared.media.content(token, shared.clock.now()) {
            Some((bytes, content_type)) => {
                let mut r = Response::new(Body::from(bytes));
                if let Ok(v) = content_type.parse() {
                    r.headers_mut().insert(header::CONTENT_TYPE, v);
                }
                r
            }
            None => {
                ApiFailure::new(404, 20404, "The link has expired or never existed").into_response()
            }
        };
    }
    if let Some(rest) = path.strip_prefix("/_emulator") {
        return crate::control::handle(&shared, parts.method.as_str(), rest, &body).await;
    }
    if let Some(media_path) = path.strip_prefix(MEDIA_PREFIX) {
        return crate::media_api::handle(
            &shared,
            parts.method.as_str(),
            media_path,
            &query,
            header_text("authorization").as_deref(),
            header_text("content-type").as_deref(),
            body,
        )
        .await;
    }
    let webhook_enabled = header_text("x-twilio-webhook-enabled").as_deref() == Some("true");
    let lookup = move |name: &str| header_text(&name.to_ascii_lowercase());
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let authorization = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    engine::handle(
        &shared,
        Incoming {
            method: parts.method.as_str(),
            path: &path,
            query: &query,
            authorization,
            webhook_enabled,
            content_type,
            body: &body,
            header: &lookup,
        },
    )
    .await
}
