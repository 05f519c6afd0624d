//! Control endpoints under `/_emulator`, for tests in other languages and for local
//! development; Rust tests call the same through [`crate::Emulator`]'s methods.
//!
//! | request | does |
//! | --- | --- |
//! | `GET /_emulator` | the account SID, service SIDs and base URLs |
//! | `GET /_emulator/deliveries` | every webhook call so far |
//! | `POST /_emulator/faults` `{"path": "/v1/Conversations*", "method": "POST", "kind": "429", "retry_after": 1, "count": 2}` | the next `count` matching requests fail (`kind`: `429`, `503`, `drop`, `delay` with `delay_ms`) |
//! | `DELETE /_emulator/faults` | no more faults |
//! | `POST /_emulator/clock` `{"advance_seconds": 3600}` | move the clock forward |
//! | `POST /_emulator/records` `{"path": "/v1/Services/IS../Conversations", "fields": {"sid": "CH..", "friendly_name": "Seeded"}}` | store a record with the SID given, answer `201` with it as a fetch would show it |
//!
//! `records` puts a record where a test needs one, with a SID it chose (fixtures, a suite
//! whose SIDs are constants). `path` names a collection as the REST API does, in either scope
//! (`/v1/Conversations` is the default service's, `/v1/Services/IS../Conversations` that
//! service's); its parents must exist. `fields` are stored as the answers name them
//! (snake_case, nested objects as objects) and must hold a `sid` with the resource's prefix.
//! What a create fills in is filled in the same way where not given (`account_sid`, the
//! service and parent SIDs, `date_created`, `date_updated`, a conversation's `state`, a
//! message's `index`, ...), and a name that must be unique is refused as a create refuses it
//! (409). A record with that SID already there is replaced. No webhook is called.

use crate::catalog::Action;
use crate::error::ApiFailure;
use crate::faults::{Fault, FaultKind};
use crate::shared::Shared;
use crate::store::Record;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};
use std::sync::Arc;
use std::time::Duration;

pub async fn handle(shared: &Arc<Shared>, method: &str, path: &str, body: &[u8]) -> Response {
    let input: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    match (method, path) {
        ("GET", "" | "/") => crate::http::json(
            StatusCode::OK,
            &json!({
                "account_sid": shared.account_sid,
                "default_chat_service_sid": shared.default_service,
                "base_url": shared.origin,
                "media_base_url": format!("{}{}", shared.origin, crate::http::MEDIA_PREFIX),
            }),
        ),
        ("GET", "/deliveries") => {
            let list: Vec<Value> = shared
                .caller
                .deliveries
                .all()
                .into_iter()
                .map(|d| {
                    json!({
                        "event_type": d.event_type, "url": d.url, "method": d.method,
                        "fields": d.fields, "signature": d.signature, "status": d.status,
                        "body": d.body, "pre_action": d.pre_action, "at": crate::clock::format(d.at),
                    })
                })
                .collect();
            crate::http::json(StatusCode::OK, &json!({ "deliveries": list }))
        }
        ("POST", "/faults") => match fault_of(&input) {
            Some(fault) => {
                shared.faults.add(fault);
                crate::http::empty(StatusCode::NO_CONTENT)
            }
            None => crate::http::json(
                StatusCode::BAD_REQUEST,
                &json!({"message": "expected {path, kind: 429|503|drop|delay, count, method?, retry_after?, delay_ms?}"}),
            ),
        },
        ("DELETE", "/faults") => {
            shared.faults.clear();
            crate::http::empty(StatusCode::NO_CONTENT)
        }
        ("POST", "/clock") => match input.get("advance_seconds").and_then(Value::as_u64) {
            Some(s) => {
                shared.clock.advance(Duration::from_secs(s));
                crate::http::json(
                    StatusCode::OK,
                    &json!({"now": crate::clock::format(shared.clock.now())}),
                )
            }
            None => crate::http::json(
                StatusCode::BAD_REQUEST,
                &json!({"message": "expected {advance_seconds}"}),
            ),
        },
        ("POST", "/records") => match seed(shared, &input) {
            Ok(record) => crate::http::json(StatusCode::CREATED, &record),
            Err(e) => e.into_response(),
        },
        _ => ApiFailure::not_found(&format!("/_emulator{path}")).into_response(),
    }
}

/// `POST /_emulator/records`: store `fields` in the collection `path` names; the record as
/// answers show it.
fn seed(shared: &Shared, input: &Value) -> Result<Value, ApiFailure> {
    let usage = || {
        ApiFailure::bad_request(
            "expected {path: \"/v1/...\", fields: {sid: \"..\", ...}} (the fields as answers name them)",
        )
    };
    let path = input
        .get("path")
        .and_then(Value::as_str)
        .ok_or_else(usage)?;
    let mut fields: Map<String, Value> = input
        .get("fields")
        .and_then(Value::as_object)
        .cloned()
        .ok_or_else(usage)?;
    let catalog = shared.catalog.clone();
    // The collection at `path`: the route of its list or its create, whichever it has.
    let matched = ["GET", "POST"]
        .into_iter()
        .filter_map(|method| crate::router::route(&catalog, method, path).ok())
        .find(|m| matches!(m.op.action, Action::List | Action::Create))
        .ok_or_else(|| ApiFailure::not_found(&format!("{path} (a collection of the REST API)")))?;
    let op = matched.op;
    let resource = catalog
        .resources
        .get(&op.resource)
        .cloned()
        .unwrap_or_default();
    let sid = fields
        .get("sid")
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(usage)?;
    if let Some(prefix) = resource.sid_prefix.as_deref() {
        if !crate::sid::is_sid(prefix, &sid) {
            return Err(ApiFailure::bad_request(format!(
                "fields.sid: {sid:?} is not a {prefix} SID"
            )));
        }
    }
    let mut store = shared.lock();
    let place = crate::place::resolve(
        &catalog,
        &matched,
        &store,
        &shared.api_url(),
        &shared.default_service,
    )?;
    let collection = crate::special::collection_for(op, &place);
    // What a create fills in, where the fields do not say.
    let now = crate::clock::format(shared.clock.now());
    let mut filled = vec![("account_sid".to_string(), json!(shared.account_sid))];
    if let Some(service) = &place.service {
        filled.push(("chat_service_sid".into(), json!(service)));
        filled.push(("service_sid".into(), json!(service)));
    }
    for (name, parent) in &place.parents {
        filled.push((crate::fields::snake(name), json!(parent)));
    }
    filled.push(("date_created".into(), json!(now)));
    filled.push(("date_updated".into(), json!(now)));
    for (key, value) in filled {
        if resource.field(&key).is_some() && !fields.contains_key(&key) {
            fields.insert(key, value);
        }
    }
    // Replace a record with this SID; refuse a name another record holds, as a create does.
    let replaced = store.collection_mut(&collection).remove(&sid);
    let given_index = fields.get("index").cloned();
    if let Err(e) =
        crate::behaviour::on_create(&op.resource, &mut store, &collection, &mut fields, &now)
    {
        if let Some(old) = replaced {
            store.collection_mut(&collection).insert(old);
        }
        return Err(e);
    }
    if let Some(index) = given_index {
        fields.insert("index".into(), index);
    }
    let seq = match &replaced {
        Some(old) => old.seq,
        None => store.next_seq(),
    };
    store.put(&collection, Record::new(seq, fields.clone()));
    Ok(crate::render::record(
        &fields,
        &resource,
        &place.item_url(&sid),
    ))
}

fn fault_of(input: &Value) -> Option<Fault> {
    let kind = match input.get("kind")?.as_str()? {
        "429" => FaultKind::TooManyRequests {
            retry_after: input.get("retry_after").and_then(Value::as_u64),
        },
        "503" => FaultKind::Unavailable,
        "drop" => FaultKind::DropConnection,
        "delay" => FaultKind::Delay(Duration::from_millis(input.get("delay_ms")?.as_u64()?)),
        _ => return None,
    };
    Some(Fault {
        method: input
            .get("method")
            .and_then(Value::as_str)
            .map(str::to_string),
        path: input.get("path")?.as_str()?.to_string(),
        kind,
        remaining: u32::try_from(input.get("count").and_then(Value::as_u64).unwrap_or(1)).ok()?,
    })
}
