//! What the emulator's tests share: a started emulator, a raw HTTP client with its credentials,
//! and a small webhook receiver on 127.0.0.1.

#![allow(dead_code)]

use conversations_emulator::{Emulator, Options};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub async fn emulator() -> Emulator {
    Emulator::start().await.expect("emulator starts")
}

pub async fn emulator_with(wait: Duration) -> Emulator {
    Emulator::start_with(Options {
        pre_action_wait: wait,
        ..Options::default()
    })
    .await
    .expect("emulator starts")
}

/// A raw request to the emulator with its credentials: `(status, JSON body)`.
pub async fn raw(
    emu: &Emulator,
    method: reqwest::Method,
    path: &str,
    form: &[(&str, &str)],
    headers: &[(&str, &str)],
) -> (u16, serde_json::Value) {
    let mut req = reqwest::Client::new()
        .request(method, format!("{}{path}", emu.base_url()))
        .basic_auth(emu.account_sid(), Some(emu.auth_token()));
    if !form.is_empty() {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in form {
            s.append_pair(k, v);
        }
        req = req
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(s.finish());
    }
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = req.send().await.expect("the emulator answers");
    let status = res.status().as_u16();
    let text = res.text().await.unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
    )
}

/// What a test webhook server answers each call with.
#[derive(Clone)]
pub enum HookAnswer {
    Ok,
    Json(&'static str),
    Status(u16),
    Sleep(Duration),
}

/// One call a webhook receiver got: URI, headers (names lower-cased), body.
pub type Call = (String, Vec<(String, String)>, String);

/// A webhook receiver: records every call and answers as told.
pub struct Hook {
    pub url: String,
    pub calls: Arc<Mutex<Vec<Call>>>,
    _task: tokio::task::JoinHandle<()>,
}

pub async fn hook(answer: HookAnswer) -> Hook {
    use axum::body::Bytes;
    use axum::http::HeaderMap;
    use axum::response::IntoResponse;
    let calls: Arc<Mutex<Vec<Call>>> = Arc::default();
    let seen = calls.clone();
    let app = axum::Router::new().fallback(
        move |uri: axum::http::Uri, headers: HeaderMap, body: Bytes| {
            let seen = seen.clone();
            let answer = answer.clone();
            async move {
                let h = headers
                    .iter()
                    .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
                    .collect();
                seen.lock().unwrap().push((
                    uri.to_string(),
                    h,
                    String::from_utf8_lossy(&body).into_owned(),
                ));
                match answer {
                    HookAnswer::Ok => axum::http::StatusCode::OK.into_response(),
                    HookAnswer::Json(text) => (
                        [(axum::http::header::CONTENT_TYPE, "application/json")],
                        text,
                    )
                        .into_response(),
                    HookAnswer::Status(s) => {
                        axum::http::StatusCode::from_u16(s).unwrap().into_response()
                    }
                    HookAnswer::Sleep(d) => {
                        tokio::time::sleep(d).await;
                        axum::http::StatusCode::OK.into_response()
                    }
                }
            }
        },
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Hook {
        url,
        calls,
        _task: task,
    }
}
