//! The Media Content Service's routes, from the media spec's IR like the REST API's: upload
//! (`POST .../Services/{ChatServiceSid}/Media`, the raw bytes with their content type and an
//! optional `Filename`) and fetch (`GET .../Media/{Sid}`, with a fresh temporary link).

use crate::catalog::Action;
use crate::error::ApiFailure;
use crate::shared::Shared;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

pub async fn handle(
    shared: &Arc<Shared>,
    method: &str,
    path: &str,
    query: &str,
    authorization: Option<&str>,
    content_type: Option<&str>,
    body: bytes::Bytes,
) -> Response {
    if !shared.authorized(authorization) {
        return ApiFailure::unauthorized().into_response();
    }
    match run(shared, method, path, query, content_type, body) {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

fn run(
    shared: &Arc<Shared>,
    method: &str,
    path: &str,
    query: &str,
    content_type: Option<&str>,
    body: bytes::Bytes,
) -> Result<Response, ApiFailure> {
    let catalog = shared.media_catalog.clone();
    let matched = crate::router::route(&catalog, method, path)?;
    let query: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let values = crate::params::read(matched.op, &query, &[], |_| None)?;
    let service = matched
        .param("ChatServiceSid")
        .unwrap_or_default()
        .to_string();
    let services = catalog
        .scope_collection
        .as_ref()
        .map_or("Services".to_string(), |(c, _)| c.clone());
    if shared.lock().get(&services, &service).is_none() {
        return Err(ApiFailure::not_found(&format!("/v1/Services/{service}")));
    }
    let media_url = format!(
        "{}{}{}",
        shared.origin,
        crate::http::MEDIA_PREFIX,
        catalog.prefix
    );
    let now = shared.clock.now();
    match matched.op.action {
        Action::Create => {
            let content_type = content_type
                .filter(|c| !c.is_empty())
                .unwrap_or("application/octet-stream");
            let upload = crate::media::Upload {
                service: service.clone(),
                bytes: body,
                content_type: content_type.to_string(),
                filename: values.text("Filename").map(str::to_string),
            };
            let record = shared
                .media
                .upload(&shared.account_sid, upload, now, &media_url);
            Ok(crate::http::json(StatusCode::CREATED, &record))
        }
        Action::Fetch => {
            let sid = matched.param("Sid").unwrap_or_default();
            let link_base = format!("{}{}", shared.origin, crate::http::LINK_PREFIX);
            shared
                .media
                .fetch(
                    &shared.account_sid,
                    &service,
                    sid,
                    now,
                    &media_url,
                    &link_base,
                )
                .map(|record| crate::http::json(StatusCode::OK, &record))
                .ok_or_else(|| ApiFailure::not_found(path))
        }
        _ => Err(ApiFailure::method_not_allowed(method)),
    }
}
