//! One request, start to end: credentials, faults, the route, parameters, the place, pre-action
//! webhooks, the action on the store, the answer, post-action webhooks.

use crate::act::act;
use crate::catalog::Seg;
use crate::dispatch::pre_action;
use crate::error::ApiFailure;
use crate::faults::FaultKind;
use crate::params;
use crate::place;
use crate::router::{self, Matched};
use crate::shared::Shared;
use axum::response::{IntoResponse, Response};
use serde_json::Map;
use std::sync::Arc;
/// What the HTTP layer hands over.
pub struct Incoming<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: &'a str,
    pub authorization: Option<&'a str>,
    pub webhook_enabled: bool,
    pub content_type: Option<&'a str>,
    pub body: &'a [u8],
    pub header: &'a (dyn Fn(&str) -> Option<String> + Sync),
}

/// Handle one REST request (faults and credentials included).
pub async fn handle(shared: &Arc<Shared>, req: Incoming<'_>) -> Response {
    if !shared.authorized(req.authorization) {
        return ApiFailure::unauthorized().into_response();
    }
    match shared.faults.take(req.method, req.path) {
        Some(FaultKind::TooManyRequests { retry_after }) => {
            let mut r = ApiFailure::new(429, 20429, "Too Many Requests").into_response();
            if let Some(s) = retry_after {
                if let Ok(v) = s.to_string().parse() {
                    r.headers_mut().insert("Retry-After", v);
                }
            }
            return r;
        }
        Some(FaultKind::Unavailable) => {
            return ApiFailure::new(503, 20503, "Service Unavailable").into_response()
        }
        Some(FaultKind::DropConnection) => return crate::http::broken(),
        Some(FaultKind::Delay(d)) => tokio::time::sleep(d).await,
        None => {}
    }
    match run(shared, &req).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

fn split(text: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(text.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

async fn run(shared: &Arc<Shared>, req: &Incoming<'_>) -> Result<Response, ApiFailure> {
    let catalog = shared.catalog.clone();
    let matched = router::route(&catalog, req.method, req.path)?;
    check_path_sids(&matched)?;
    let query = split(req.query);
    let is_form = req
        .content_type
        .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
    let form = if is_form {
        split(std::str::from_utf8(req.body).unwrap_or(""))
    } else {
        Vec::new()
    };
    let values = params::read(matched.op, &query, &form, |n| (req.header)(n))?;
    let op = matched.op;
    tracing::debug!(operation = %op.id, path = req.path, "emulated");
    // Pre-action webhooks: decided before the action, without holding the store.
    let mut changes = Map::new();
    if req.webhook_enabled {
        if let Some(pre) = pre_action(shared, &matched, &values).await? {
            changes = pre;
        }
    }
    let (response, post) = {
        let mut store = shared.lock();
        let place = place::resolve(
            &catalog,
            &matched,
            &store,
            &shared.api_url(),
            &shared.default_service,
        )?;
        act(shared, &mut store, op, &place, &values, &changes, &query)?
    };
    if req.webhook_enabled {
        for (target, event_type, fields) in post {
            shared
                .caller
                .post_action(target, event_type, fields, shared.clock.now());
        }
    }
    Ok(response)
}

/// A path value whose parameter has a SID pattern must have that shape: 400 otherwise.
fn check_path_sids(matched: &Matched<'_>) -> Result<(), ApiFailure> {
    for seg in &matched.op.route {
        if let Seg::Param {
            name,
            sid_prefix: Some(prefix),
            ..
        } = seg
        {
            let value = matched.param(name).unwrap_or("");
            if !crate::sid::is_sid(prefix, value) {
                return Err(ApiFailure::bad_request(format!(
                    "Invalid path parameter {name}: {value:?} is not a {prefix} SID"
                )));
            }
        }
    }
    Ok(())
}
