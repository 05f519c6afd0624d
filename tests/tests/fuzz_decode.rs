//! Property tests (proptest) for the response side: arbitrary bytes and arbitrary JSON shaped
//! like the models, fed to the decoder of every response type, directly and through the client.
//!
//! Properties, beyond "never panics":
//! * decoding from bytes and from a `serde_json::Value` agree (the client decodes from bytes);
//! * whatever decodes is kept without loss: serialized back it carries every model field of the
//!   input unchanged, and decodes again to an equal value;
//! * through the client: a 2xx answer gives `Ok` exactly when the body decodes, otherwise
//!   `Error::Decode` (or `Error::Truncated` when the body ends inside its JSON); any other
//!   status gives an error carrying that status.
//!
//! Cases per property: 256 (64 for the ones that go through HTTP), or `PROPTEST_CASES`.
//! See docs/fuzzing.md.

#[path = "../src/bin/conformance/compare.rs"]
mod compare;

use conversations_api::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use std::fmt::Debug;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

const SPEC: &str = include_str!("../../spec/conversations_v1.yaml");

fn runner(default_cases: u32) -> TestRunner {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default_cases);
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    })
}

/// One response type: its name, its field names, and the two decode checks.
struct Target {
    name: &'static str,
    fields: fn() -> Vec<String>,
    bytes: fn(&[u8]) -> Result<(), String>,
    value: fn(&Value) -> Result<(), String>,
}

fn fields_of<T: Default + Serialize>() -> Vec<String> {
    match serde_json::to_value(T::default()) {
        Ok(Value::Object(m)) => m.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

/// The decoded value, serialized back, must carry each model field of `raw` unchanged and
/// decode again to the same value.
fn lossless<T: DeserializeOwned + Serialize + PartialEq + Debug>(
    v: &T,
    raw: &Value,
) -> Result<(), String> {
    let back = serde_json::to_value(v).map_err(|e| format!("serialize: {e}"))?;
    if let (Value::Object(raw), Value::Object(b)) = (raw, &back) {
        // Only the model's own fields: unknown fields are accepted and dropped by design.
        let known: serde_json::Map<String, Value> = raw
            .iter()
            .filter(|(k, _)| b.contains_key(*k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        compare::covers(&back, &Value::Object(known), "$")?;
    }
    let again: T = serde_json::from_value(back).map_err(|e| format!("re-decode: {e}"))?;
    if &again != v {
        return Err(format!("re-decoded {again:?} differs from {v:?}"));
    }
    Ok(())
}

/// Equal as JSON, except that floats may differ in the last bits: serde_json (without its
/// `float_roundtrip` feature, which the runtime does not enable) parses a float from text with a
/// fast algorithm that can be one ulp off the exact value a `Value` holds.
fn same_up_to_float_rounding<T: Serialize>(a: &T, b: &T) -> bool {
    fn same(a: &Value, b: &Value) -> bool {
        match (a, b) {
            (Value::Number(x), Value::Number(y)) if x.is_f64() || y.is_f64() => {
                let (x, y) = (
                    x.as_f64().unwrap_or(f64::NAN),
                    y.as_f64().unwrap_or(f64::NAN),
                );
                x == y || (x - y).abs() <= 1e-15 * x.abs().max(y.abs())
            }
            (Value::Array(x), Value::Array(y)) => {
                x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
            }
            (Value::Object(x), Value::Object(y)) => {
                x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
            }
            _ => a == b,
        }
    }
    match (serde_json::to_value(a), serde_json::to_value(b)) {
        (Ok(a), Ok(b)) => same(&a, &b),
        _ => false,
    }
}

fn check_bytes<T: DeserializeOwned + Serialize + PartialEq + Debug>(
    bytes: &[u8],
) -> Result<(), String> {
    let from_bytes = serde_json::from_slice::<T>(bytes);
    if let Ok(raw) = serde_json::from_slice::<Value>(bytes) {
        let from_value = serde_json::from_value::<T>(raw.clone());
        match (&from_bytes, &from_value) {
            (Ok(a), Ok(b)) if !same_up_to_float_rounding(a, b) => {
                return Err(format!("bytes gave {a:?}, value gave {b:?}"))
            }
            (Ok(_), Err(e)) => {
                return Err(format!(
                    "bytes decode, the same JSON as a value does not: {e}"
                ))
            }
            _ => {}
        }
        if let Ok(v) = &from_bytes {
            lossless(v, &raw)?;
        }
    }
    Ok(())
}

fn check_value<T: DeserializeOwned + Serialize + PartialEq + Debug>(
    raw: &Value,
) -> Result<(), String> {
    let from_value = serde_json::from_value::<T>(raw.clone());
    let bytes = serde_json::to_vec(raw).map_err(|e| e.to_string())?;
    let from_bytes = serde_json::from_slice::<T>(&bytes);
    match (&from_value, &from_bytes) {
        (Ok(a), Ok(b)) if !same_up_to_float_rounding(a, b) => {
            Err(format!("value gave {a:?}, bytes gave {b:?}"))
        }
        (Ok(_), Err(e)) => Err(format!("the value decodes, its bytes do not: {e}")),
        (Err(e), Ok(_)) => Err(format!("the bytes decode, the value does not: {e}")),
        (Ok(v), Ok(_)) => lossless(v, raw),
        (Err(_), Err(_)) => Ok(()),
    }
}

macro_rules! targets {
    ($($ty:ident),+ $(,)?) => {
        vec![$(Target {
            name: stringify!($ty),
            fields: fields_of::<$ty>,
            bytes: check_bytes::<$ty>,
            value: check_value::<$ty>,
        }),+]
    };
}

/// Every type a response decodes into (list items are the same types).
fn targets() -> Vec<Target> {
    targets![
        Configuration,
        ConfigurationAddress,
        ConfigurationWebhook,
        Conversation,
        ConversationMessage,
        ConversationMessageReceipt,
        ConversationParticipant,
        ConversationScopedWebhook,
        ConversationWithParticipants,
        Credential,
        ParticipantConversation,
        Role,
        Service,
        ServiceBinding,
        ServiceConfiguration,
        ServiceNotification,
        User,
        UserConversation,
    ]
}

/// The spec's response examples, as JSON bytes: seeds for mutation.
fn example_bodies() -> Vec<Vec<u8>> {
    let doc: serde_yaml::Value = serde_yaml::from_str(SPEC).expect("spec");
    let doc: Value = serde_json::to_value(doc).expect("spec as JSON");
    let mut out = Vec::new();
    for item in doc["paths"].as_object().expect("paths").values() {
        for op in item.as_object().expect("path item").values() {
            for response in op["responses"]
                .as_object()
                .into_iter()
                .flat_map(|m| m.values())
            {
                if let Some(ex) = response.pointer("/content/application~1json/example") {
                    out.push(serde_json::to_vec(ex).expect("example"));
                    // Single resources also as list items, so item decoding sees real data.
                    for v in ex.as_object().into_iter().flatten().map(|(_, v)| v) {
                        if let Some(first) = v.as_array().and_then(|a| a.first()) {
                            out.push(serde_json::to_vec(first).expect("item"));
                        }
                    }
                }
            }
        }
    }
    assert!(out.len() >= 87, "examples found: {}", out.len());
    out
}

/// Bytes: random, or a spec example with a few bytes flipped, replaced, inserted or cut.
fn bytes_strategy() -> impl Strategy<Value = Vec<u8>> {
    const INTERESTING: &[u8] = b"\"{}[],:\\0-.eE+ntf\x00\xff\xc3\x80";
    let mutated = (
        prop::sample::select(example_bodies()),
        prop::collection::vec((any::<prop::sample::Index>(), 0u8..5, any::<u8>()), 1..6),
    )
        .prop_map(|(mut body, edits)| {
            for (at, op, byte) in edits {
                if body.is_empty() {
                    body.push(byte);
                    continue;
                }
                let i = at.index(body.len());
                match op {
                    0 => body[i] ^= 1 << (byte % 8),
                    1 => body[i] = INTERESTING[byte as usize % INTERESTING.len()],
                    2 => {
                        body.remove(i);
                    }
                    3 => body.insert(i, INTERESTING[byte as usize % INTERESTING.len()]),
                    _ => body.truncate(i),
                }
            }
            body
        });
    prop_oneof![
        1 => prop::collection::vec(any::<u8>(), 0..300),
        3 => mutated,
    ]
}

/// Strings a Twilio body might carry, and strings it should not.
fn text() -> impl Strategy<Value = String> {
    let date = (
        0i32..10000,
        0u32..14,
        0u32..33,
        0u32..25,
        0u32..61,
        0u32..62,
        prop::option::of(0u32..1_000_000_000),
        prop::sample::select(vec![
            "Z", "z", "+00:00", "-07:30", "+14:00", "", " UTC", "+2400",
        ]),
        prop::sample::select(vec!["T", "t", " "]),
    )
        .prop_map(|(y, mo, d, h, mi, s, frac, tz, sep)| {
            let frac = frac.map(|f| format!(".{f}")).unwrap_or_default();
            format!("{y:04}-{mo:02}-{d:02}{sep}{h:02}:{mi:02}:{s:02}{frac}{tz}")
        });
    let word = prop::sample::select(vec![
        "active",
        "inactive",
        "closed",
        "initializing",
        "Active",
        "ACTIVE",
        "",
        " active",
        "conversation",
        "service",
        "read",
        "delivered",
        "failed",
        "undelivered",
        "sent",
        "apn",
        "gcm",
        "fcm",
        "twilsock",
        "default",
        "muted",
        "webhook",
        "flex",
        "trigger",
        "studio",
        "GET",
        "POST",
        "get",
        "post",
        "sms",
        "whatsapp",
        "true",
        "false",
        "null",
        "{}",
        "[]",
    ])
    .prop_map(str::to_string);
    let sid = "[A-Z]{2}[0-9a-f]{32}";
    prop_oneof![
        3 => date,
        3 => word,
        1 => sid,
        2 => any::<String>(),
    ]
}

/// Any JSON, biased toward what the models hold.
fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(text(), inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// An object with (some of) the model's field names, each holding any JSON, plus sometimes an
/// unknown field; or, rarely, any JSON at all.
fn shaped(fields: Vec<String>) -> impl Strategy<Value = Value> {
    let n = fields.len();
    let object = (
        prop::collection::vec((prop::sample::select(fields), json()), 0..n + 2),
        prop::option::of((text(), json())),
    )
        .prop_map(|(pairs, extra)| {
            let mut m = serde_json::Map::new();
            for (k, v) in pairs.into_iter().chain(extra) {
                m.insert(k, v);
            }
            Value::Object(m)
        });
    prop_oneof![9 => object, 1 => json()]
}

fn report(test: &str, executions: usize) {
    // Shown with `--nocapture`; docs/fuzzing.md records a large run.
    eprintln!("{test}: {executions} executions");
}

#[test]
fn arbitrary_bytes_decode_or_fail_cleanly_for_every_response_type() {
    let targets = targets();
    let runs = AtomicUsize::new(0);
    let result = runner(256).run(&bytes_strategy(), |bytes| {
        for t in &targets {
            runs.fetch_add(1, Ordering::Relaxed);
            (t.bytes)(&bytes).map_err(|e| TestCaseError::fail(format!("{}: {e}", t.name)))?;
        }
        Ok(())
    });
    report("fuzz_decode bytes", runs.load(Ordering::Relaxed));
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[test]
fn json_shaped_like_each_model_decodes_losslessly_or_fails_cleanly() {
    let runs = AtomicUsize::new(0);
    for t in targets() {
        let result = runner(256).run(&shaped((t.fields)()), |value| {
            runs.fetch_add(1, Ordering::Relaxed);
            (t.value)(&value).map_err(|e| TestCaseError::fail(format!("{}: {e}", t.name)))
        });
        if let Err(e) = result {
            panic!("{}: {e}", t.name);
        }
    }
    report("fuzz_decode shaped JSON", runs.load(Ordering::Relaxed));
}

#[test]
fn real_examples_survive_the_lossless_check() {
    // The strategies above lean on `lossless`; it must accept the real thing.
    let conv = example_bodies()
        .into_iter()
        .find(|b| b.starts_with(b"{") && String::from_utf8_lossy(b).contains("\"timers\""))
        .expect("a conversation example");
    check_bytes::<Conversation>(&conv).unwrap();
    let decoded: Conversation = serde_json::from_slice(&conv).unwrap();
    assert!(decoded.sid.starts_with("CH") && decoded.url.ends_with(&decoded.sid));
}

/// The first JSON value of `body`, ignoring what follows it. The client accepts a body with
/// trailing bytes after a complete value (`{}` followed by junk decodes); a stricter client is
/// fine too: the properties only require that what the client returns is this value, and that
/// what it refuses does not decode as a whole.
fn first_value<T: DeserializeOwned>(body: &[u8]) -> Result<T, serde_json::Error> {
    let mut values = serde_json::Deserializer::from_slice(body).into_iter::<T>();
    match values.next() {
        Some(v) => v,
        None => serde_json::from_slice(body), // empty: the error for "EOF"
    }
}

/// What the responder answers next.
#[derive(Debug, Clone)]
struct Answer {
    status: u16,
    json: bool,
    body: Vec<u8>,
}

fn answer_strategy() -> impl Strategy<Value = Answer> {
    let status = prop::sample::select(vec![
        200u16, 200, 200, 201, 202, 204, 400, 401, 404, 409, 422, 429, 500, 502, 503,
    ]);
    (status, any::<bool>(), bytes_strategy()).prop_map(|(status, json, body)| Answer {
        status,
        json,
        // A 204 carries no body (the test server would otherwise write one).
        body: if status == 204 { Vec::new() } else { body },
    })
}

/// A minimal HTTP/1.1 responder on 127.0.0.1 that answers every request with the current
/// `Answer` in a single write (the shared test server writes head and body separately, which
/// meets Nagle's algorithm and delayed ACKs: ~40 ms per answer, too slow for many cases).
async fn responder(next: Arc<Mutex<Option<Answer>>>) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let _ = sock.set_nodelay(true);
            let next = next.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    // Requests here have no body: read up to the end of the head.
                    let end = loop {
                        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                            break i + 4;
                        }
                        match sock.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    };
                    buf.drain(..end);
                    let Some(a) = next.lock().unwrap().clone() else {
                        return;
                    };
                    let ct = if a.json {
                        "application/json"
                    } else {
                        "text/html"
                    };
                    let mut out = format!("HTTP/1.1 {} X\r\nContent-Type: {ct}\r\n", a.status);
                    if a.status != 204 {
                        out.push_str(&format!("Content-Length: {}\r\n", a.body.len()));
                    }
                    out.push_str("\r\n");
                    let mut out = out.into_bytes();
                    out.extend_from_slice(&a.body);
                    if sock.write_all(&out).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    url
}

#[test]
fn the_client_turns_any_answer_into_a_value_or_a_typed_error() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let next: Arc<Mutex<Option<Answer>>> = Arc::default();
    let url = rt.block_on(responder(next.clone()));
    let client = Client::builder()
        .account_sid("AC00000000000000000000000000000000")
        .auth_token("fuzz")
        .base_url(url)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let runs = AtomicUsize::new(0);
    let result = runner(64).run(&answer_strategy(), |a| {
        *next.lock().unwrap() = Some(a.clone());
        runs.fetch_add(3, Ordering::Relaxed);
        let ok = (200..300).contains(&a.status);
        let check_err = |what: &str, e: &Error| -> Result<(), TestCaseError> {
            if ok {
                prop_assert!(
                    matches!(e, Error::Decode { .. } | Error::Truncated { .. }),
                    "{what}: 2xx but {e:?}"
                );
            } else {
                prop_assert_eq!(e.status(), Some(a.status), "{}: {:?}", what, e);
            }
            // Display never panics and stays bounded.
            prop_assert!(e.to_string().len() < 4096);
            Ok(())
        };
        let (one, page, gone) = rt.block_on(async {
            let one = client
                .conversation("CH00000000000000000000000000000001")
                .fetch()
                .send()
                .await;
            let page = client.conversations().list().send().await;
            let gone = client
                .conversation("CH00000000000000000000000000000001")
                .delete()
                .send()
                .await;
            (one, page, gone)
        });
        match &one {
            Ok(v) => {
                prop_assert!(ok);
                let direct: Conversation = first_value(&a.body).map_err(|e| {
                    TestCaseError::fail(format!("client decoded, serde_json did not: {e}"))
                })?;
                prop_assert_eq!(v, &direct);
            }
            Err(e) => {
                check_err("fetch", e)?;
                if ok {
                    prop_assert!(
                        serde_json::from_slice::<Conversation>(&a.body).is_err(),
                        "decodable but {:?}",
                        e
                    );
                }
            }
        }
        match &page {
            Ok(p) => {
                prop_assert!(ok);
                // Counted the way the client reads a page: other properties (and unknown fields
                // of items) are skipped unparsed, so they may hold what a `Value` would refuse
                // (a lone surrogate escape, say).
                #[derive(serde::Deserialize)]
                struct Items {
                    conversations: Vec<serde::de::IgnoredAny>,
                }
                let items = first_value::<Items>(&a.body)
                    .map(|i| i.conversations.len())
                    .map_err(|e| {
                        TestCaseError::fail(format!("a page from a body without items: {e}"))
                    })?;
                prop_assert_eq!(p.items.len(), items);
            }
            Err(e) => check_err("list", e)?,
        }
        match &gone {
            Ok(()) => prop_assert!(ok),
            Err(e) => {
                prop_assert!(!ok, "a 2xx delete failed: {:?}", e);
                check_err("delete", e)?;
            }
        }
        Ok(())
    });
    report(
        "fuzz_decode through the client",
        runs.load(Ordering::Relaxed),
    );
    if let Err(e) = result {
        panic!("{e}");
    }
}
