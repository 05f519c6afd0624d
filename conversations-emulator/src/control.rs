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

use crate::engine::Shared;
use crate::faults::{Fault, FaultKind};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};
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
                "media_base_url": format!("{}{}", shared.origin, crate::server::MEDIA_PREFIX),
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
        _ => crate::server::not_served(&format!("/_emulator{path}")),
    }
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
