//! Conformance suite: every operation of `spec/conversations_v1.yaml`, in every scope it exists
//! in, called through the generated client against an independent server (Prism, in
//! `cargo xtask test`), with realistic values for every parameter.
//!
//! ```sh
//! CONFORMANCE_BASE_URL=http://127.0.0.1:4010 cargo run -p conversations-tests --bin conformance
//! ```
//!
//! The client talks to a recording pass-through on 127.0.0.1 that forwards to the server, so
//! each request is judged by its bytes on the wire:
//!
//! * it maps to a spec operation (method and path template), which is how operations are
//!   counted (by operationId: a merged call counts for the id of the scope it was sent in);
//! * its query keys, form keys and headers are parameters of that operation, arrays go as
//!   repeated keys with at least two values, other keys appear once;
//! * the server accepts it (any 4xx is a rejection: its validation message is printed);
//! * the client decodes the answer, and what it decoded is exactly what the server sent
//!   (see `compare.rs`).
//!
//! Across all calls, every query, header and form parameter of every operation must have been
//! sent at least once. Then expected rejections (a bogus enum value, a wrong path, a bad path
//! parameter, no credentials) prove that the server does reject and that the suite notices.
//!
//! Prism names what it finds wrong with a request or an answer in an `sl-violations` header
//! (whatever the severity); each item is a problem of the operation and is counted.
//!
//! Last line: `conformance: N/103 operations, M requests, R rejected, V violations`; the exit
//! status is 0 only when every operation passed, nothing was rejected, Prism found no
//! violation and every negative check was rejected. `CONFORMANCE_VERBOSE=1` prints every
//! request.
//!
//! ## Against the emulator
//!
//! ```sh
//! cargo run -p conversations-emulator -- --port 4011 \
//!     --account-sid AC5ef8732a3c49700934481addd5ce1659 --auth-token conformance-token &
//! node_modules/.bin/prism proxy --errors -h 127.0.0.1 -p 4010 \
//!     spec/conversations_v1.yaml http://127.0.0.1:4011 &
//! CONFORMANCE_BASE_URL=http://127.0.0.1:4010 CONFORMANCE_EMULATOR_URL=http://127.0.0.1:4011 \
//!     cargo run -p conversations-tests --bin conformance
//! ```
//!
//! With `CONFORMANCE_EMULATOR_URL` (the emulator itself, not Prism) the suite runs in emulator
//! mode: the emulator keeps state, so before each call that names one of the suite's fixed
//! SIDs (and again after the suite deleted it) the suite stores that record through the
//! emulator's `POST /_emulator/records` (`seed.rs`); the message's media is uploaded to the
//! emulator's Media Content Service and its SID sent; page tokens are the emulator's own (it
//! refuses tokens it did not issue). The emulator must accept the suite's credentials
//! (`ACCOUNT`, `AUTH_TOKEN`). Every call, parameter and check is the same as against the mock.

mod compare;
mod proxy;
mod seed;
mod spec;

use chrono::TimeZone;
use conversations_api::handles::{
    ConfigurationWebhookHandle, ConversationHandle, ConversationList,
    ConversationWithParticipantsHandle, ParticipantConversationList, RoleHandle, RoleList,
    UserHandle, UserList,
};
use conversations_api::{
    Client, ConfigurationAddressAutoCreationType as AutoCreationType,
    ConfigurationAddressAutoCreationWebhookMethod as AutoCreationMethod, ConfigurationAddressType,
    ConfigurationWebhookTarget, ConversationMessageOrder,
    ConversationScopedWebhookConfigurationMethod as HookMethod, ConversationScopedWebhookTarget,
    ConversationState, ConversationWithParticipantsState, CredentialType, DateTime, Error, Page,
    Response, RetryPolicy, RoleType, Scope, ServiceBindingType, UserConversationNotificationLevel,
};
use futures::{Stream, TryStreamExt};
use proxy::{Exchange, Proxy};
use seed::Seeder;
use serde::Serialize;
use serde_json::{json, Value};
use spec::{Location, Spec};
use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::process::ExitCode;
use std::time::Duration;

const SPEC: &str = include_str!("../../../../spec/conversations_v1.yaml");
const BASE_URL_VAR: &str = "CONFORMANCE_BASE_URL";
/// Emulator mode: the emulator's own URL, for seeding (see the module's docs).
const EMULATOR_VAR: &str = "CONFORMANCE_EMULATOR_URL";
const AUTH_TOKEN: &str = "conformance-token";

// SIDs shaped like the spec's patterns (two letters, 32 hex digits).
const ACCOUNT: &str = "AC5ef8732a3c49700934481addd5ce1659";
const SERVICE: &str = "IS4c2f0a93b3e24a0e8c1d7f5b6a9e0d21";
const MESSAGING_SERVICE: &str = "MG8b1e36a4c0f94c0d9a2e5f7b3d6c1a09";
const CONVERSATION: &str = "CH7d3e1f0a2b4c4d6e8f0a1b2c3d4e5f60";
const MESSAGE: &str = "IM0a1b2c3d4e5f60718293a4b5c6d7e8f9";
const RECEIPT: &str = "DY3c5e7a9b1d2f4a6c8e0b2d4f6a8c0e1f";
const PARTICIPANT: &str = "MB2e4a6c8e0f1b3d5f7a9c1e3b5d7f9a0c";
const WEBHOOK: &str = "WH9f8e7d6c5b4a39281706f5e4d3c2b1a0";
const USER: &str = "US6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3";
const ROLE: &str = "RL1f2e3d4c5b6a79880716253443526170";
const ROLE_2: &str = "RL0e1d2c3b4a5968778695a4b3c2d1e0f9";
const CREDENTIAL: &str = "CR4b3a2918f7e6d5c4b3a29180f7e6d5c4";
const BINDING: &str = "BS5d6e7f8091a2b3c4d5e6f708192a3b4c";
const ADDRESS: &str = "IG0f1e2d3c4b5a69788796a5b4c3d2e1f0";
const FLOW: &str = "FW6c5b4a3928170f6e5d4c3b2a1908f7e6";
const MEDIA: &str = "ME1a2b3c4d5e6f708192a3b4c5d6e7f809";
const CONTENT: &str = "HX9a8b7c6d5e4f30211203f4e5d6c7b8a9";
/// Emulator mode: the participant that makes `USER` a member of `CONVERSATION`.
const USER_PARTICIPANT: &str = "MB7c6b5a4938271605f4e3d2c1b0a99887";
/// Emulator mode: the identity of the seeded `USER`.
const USER_IDENTITY: &str = "carol@example.com";

const ATTRIBUTES: &str = r#"{"priority":"high","tags":["vip","eu"],"note":"a=1&b=2"}"#;
const CERTIFICATE: &str = "-----BEGIN CERTIFICATE-----\nMIIDBjCCAe6gAwIBAgIJAL+conformance+test=\n-----END CERTIFICATE-----";
const PRIVATE_KEY: &str = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEAconformance/test+key==\n-----END RSA PRIVATE KEY-----";

fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime {
    chrono::Utc
        .with_ymd_and_hms(y, mo, d, h, mi, s)
        .single()
        .expect("valid date")
}

fn created() -> DateTime {
    at(2024, 3, 5, 10, 20, 30)
}

/// With milliseconds, so the fractional form is on the wire too.
fn updated() -> DateTime {
    at(2024, 3, 6, 8, 0, 0) + chrono::Duration::milliseconds(250)
}

/// What the client gave back, as JSON.
enum Decoded {
    One(Value),
    Page {
        items: Value,
        meta: Value,
    },
    /// What a stream yielded, and the `limit` it was given.
    Items {
        items: Vec<Value>,
        limit: usize,
    },
    Empty,
}

#[derive(Default)]
struct OpState {
    requests: usize,
    problems: Vec<String>,
    sent: BTreeSet<(Location, String)>,
}

struct Negative {
    label: String,
    outcome: Result<String, String>,
}

struct Run {
    spec: Spec,
    proxy: Proxy,
    base_url: String,
    raw: reqwest::Client,
    verbose: bool,
    requests: usize,
    rejected: usize,
    ops: BTreeMap<String, OpState>,
    stray: Vec<String>,
    negatives: Vec<Negative>,
    /// Items of Prism's `sl-violations` headers, over every call (not the negative checks).
    violations: usize,
    /// Emulator mode: where the suite's records are seeded.
    seeder: Option<Seeder>,
}

fn to_json<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value)
        .unwrap_or_else(|e| Value::String(format!("<not serializable: {e}>")))
}

fn excerpt(bytes: &[u8], limit: usize) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut s: String = text.chars().take(limit).collect();
    if text.chars().count() > limit {
        s.push('…');
    }
    s
}

/// The server's reason for refusing a request: Prism's problem+json (title, detail and each
/// validation message), Twilio's `{code, message}`, or the start of the body.
fn refusal(body: &[u8]) -> String {
    let Ok(doc) = serde_json::from_slice::<Value>(body) else {
        return excerpt(body, 300);
    };
    let mut parts = Vec::new();
    for key in ["title", "message", "detail"] {
        if let Some(s) = doc.get(key).and_then(Value::as_str) {
            parts.push(s.to_string());
        }
    }
    for v in doc
        .get("validation")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let location: Vec<String> = v
            .get("location")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|l| l.as_str().map_or_else(|| l.to_string(), str::to_string))
            .collect();
        let message = v.get("message").and_then(Value::as_str).unwrap_or("");
        parts.push(format!("{}: {message}", location.join("/")));
    }
    if parts.is_empty() {
        excerpt(body, 300)
    } else {
        parts.join(" | ")
    }
}

/// One item of Prism's `sl-violations`, as a line.
fn violation(v: &Value) -> String {
    let location: Vec<String> = v["location"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|l| l.as_str().map_or_else(|| l.to_string(), str::to_string))
        .collect();
    format!(
        "Prism violation ({}): {}: {}",
        v["severity"].as_str().unwrap_or("?"),
        location.join("."),
        v["message"].as_str().unwrap_or("")
    )
}

/// The collection paths of a scope: `/v1` for the default service, `/v1/Services/SERVICE`.
fn base(scope: &str) -> String {
    if scope == "default" {
        "/v1".to_string()
    } else {
        format!("/v1/Services/{SERVICE}")
    }
}

impl Run {
    /// Emulator mode: store a record with the SID `fields` names in the collection at `path`
    /// (nothing against the mock, which answers for any SID). A failure is a problem of the run.
    async fn seed(&mut self, path: &str, fields: Value) {
        let Some(seeder) = &self.seeder else {
            return;
        };
        if let Err(e) = seeder.record(path, fields.clone()).await {
            let sid = fields["sid"].as_str().unwrap_or("?");
            self.problem(None, format!("seeding {sid} in {path}: {e}"));
        }
    }

    /// A `PageToken` to send: the mock takes any text; the emulator reads its own tokens back
    /// (`PT` and the hexadecimal offset) and refuses others, so there the first page's.
    fn token(&self, mock: &'static str) -> &'static str {
        if self.seeder.is_some() {
            "PT0"
        } else {
            mock
        }
    }

    /// The media SID a message is created with: the suite's `MEDIA` for the mock, a file
    /// uploaded to the emulator's media service (in the scope's service) in emulator mode.
    async fn media_sid(&mut self, scope: &str) -> String {
        let Some(seeder) = &self.seeder else {
            return MEDIA.to_string();
        };
        let service = if scope == "default" {
            seeder.default_service.clone()
        } else {
            SERVICE.to_string()
        };
        match seeder.upload_media(&service).await {
            Ok(sid) => sid,
            Err(e) => {
                self.problem(None, format!("uploading media to {service}: {e}"));
                MEDIA.to_string()
            }
        }
    }

    /// Check one exchange against the spec; returns the operationId it went to.
    fn inspect(&mut self, label: &str, ex: &Exchange) -> Option<String> {
        self.requests += 1;
        self.violations += ex.violations.len();
        let Some(op) = self.spec.route(&ex.method, ex.path()).cloned() else {
            let msg = format!(
                "{label}: {} {} is not an operation of the spec (answer {}, {} violation(s))",
                ex.method,
                ex.path(),
                ex.status,
                ex.violations.len()
            );
            println!("FAIL {msg}");
            self.stray.push(msg);
            if (400..500).contains(&ex.status) {
                self.rejected += 1;
            }
            return None;
        };
        let mut problems: Vec<String> = ex.violations.iter().map(violation).collect();
        let mut sent = Vec::new();
        if !ex
            .header("authorization")
            .is_some_and(|a| a.starts_with("Basic "))
        {
            problems.push("no HTTP Basic Authorization header".to_string());
        }
        let mut counts: BTreeMap<(Location, String), usize> = BTreeMap::new();
        for (k, _) in form_urlencoded::parse(ex.query().as_bytes()) {
            *counts.entry((Location::Query, k.into_owned())).or_default() += 1;
        }
        if !ex.body.is_empty() {
            let ct = ex.header("content-type").unwrap_or("");
            if !ct.starts_with("application/x-www-form-urlencoded") {
                problems.push(format!("body sent as `{ct}`, not as a form"));
            }
            for (k, _) in form_urlencoded::parse(&ex.body) {
                *counts.entry((Location::Form, k.into_owned())).or_default() += 1;
            }
        }
        for p in op.params.iter().filter(|p| p.location == Location::Header) {
            if let Some(v) = ex.header(&p.name) {
                counts.insert((Location::Header, p.name.clone()), v.split(',').count());
            }
        }
        for ((location, key), n) in &counts {
            match op.param(*location, key) {
                None => problems.push(format!(
                    "sent {} parameter `{key}`, which {} does not have",
                    location.as_str(),
                    op.id
                )),
                Some(p) if p.array && *n < 2 => problems.push(format!(
                    "array `{key}` sent with {n} value(s): the suite sends at least two"
                )),
                Some(p) if !p.array && *n > 1 => {
                    problems.push(format!("`{key}` sent {n} times but is not an array"))
                }
                Some(p) => sent.push((p.location, p.name.clone())),
            }
        }
        let mut rejected = false;
        match ex.status {
            200..=299 => {}
            400..=499 => {
                rejected = true;
                self.rejected += 1;
                problems.push(format!(
                    "REJECTED with {}: {}",
                    ex.status,
                    refusal(&ex.response)
                ));
            }
            0 => problems.push(format!("no answer: {}", excerpt(&ex.response, 300))),
            s => problems.push(format!(
                "server answered {s}: {}",
                excerpt(&ex.response, 300)
            )),
        }
        let line = format!("{} {} -> {}", ex.method, ex.target, ex.status);
        if problems.is_empty() {
            if self.verbose {
                println!("ok   {:<42} {line}   ({label})", op.id);
            }
        } else {
            let tag = if rejected { "REJECTED" } else { "FAIL" };
            println!("{tag} {} {line}   ({label})", op.id);
            for p in &problems {
                println!("       {p}");
            }
        }
        let state = self.ops.entry(op.id.clone()).or_default();
        state.requests += 1;
        state.sent.extend(sent);
        state
            .problems
            .extend(problems.into_iter().map(|p| format!("{label}: {p}")));
        Some(op.id)
    }

    fn problem(&mut self, op: Option<&str>, msg: String) {
        println!("FAIL {}   {msg}", op.unwrap_or("-"));
        match op {
            Some(op) => self
                .ops
                .entry(op.to_string())
                .or_default()
                .problems
                .push(msg),
            None => self.stray.push(msg),
        }
    }

    /// Judge a finished call: its exchanges, then what the client made of the answer.
    fn judge(&mut self, label: &str, result: Result<Decoded, Error>) {
        let exchanges = self.proxy.take();
        if exchanges.is_empty() {
            let err = result.err().map(|e| e.to_string()).unwrap_or_default();
            self.problem(
                None,
                format!("{label}: no request reached the server: {err}"),
            );
            return;
        }
        let mut last_op = None;
        let mut all_rejected = true;
        for ex in &exchanges {
            last_op = self.inspect(label, ex).or(last_op);
            all_rejected &= (400..500).contains(&ex.status);
        }
        let op = last_op.as_deref();
        let decoded = match result {
            Ok(d) => d,
            Err(e) => {
                if all_rejected {
                    // Already counted; show that the client surfaced the server's reason.
                    println!("       client error: {e}");
                } else {
                    self.problem(op, format!("{label}: client error: {e}"));
                }
                return;
            }
        };
        let bodies: Vec<Result<Value, String>> = exchanges
            .iter()
            .map(|ex| {
                serde_json::from_slice(&ex.response)
                    .map_err(|e| format!("the answer is not JSON ({e})"))
            })
            .collect();
        let key = op
            .and_then(|id| self.spec.ops.get(id))
            .and_then(|o| o.list_key.clone());
        let check = match decoded {
            Decoded::Empty => exchanges
                .iter()
                .all(|ex| ex.response.iter().all(u8::is_ascii_whitespace))
                .then_some(())
                .ok_or_else(|| "expected an empty answer".to_string()),
            Decoded::One(v) => match bodies.as_slice() {
                [Ok(raw)] => compare::covers(&v, raw, "$"),
                [Err(e)] => Err(e.clone()),
                _ => Err(format!("{} requests for one call", exchanges.len())),
            },
            Decoded::Page { items, meta } => match (bodies.as_slice(), &key) {
                ([Ok(raw)], Some(key)) => compare::covers(&items, &raw[key], &format!("$.{key}"))
                    .and_then(|()| compare::covers(&meta, &raw["meta"], "$.meta")),
                ([Err(e)], _) => Err(e.clone()),
                (_, None) => Err("the spec gives no list key".into()),
                _ => Err(format!("{} requests for one page", exchanges.len())),
            },
            Decoded::Items { items, limit } => match &key {
                Some(key) => {
                    let mut raw_items = Vec::new();
                    let mut err = None;
                    for b in &bodies {
                        match b.as_ref().map(|raw| raw[key].as_array()) {
                            Ok(Some(a)) => raw_items.extend(a.iter().cloned()),
                            Ok(None) => err = Some(format!("an answer has no `{key}` array")),
                            Err(e) => err = Some(e.clone()),
                        }
                    }
                    // The first `limit` items on the wire, each decoded, and no more.
                    raw_items.truncate(limit);
                    match err {
                        Some(e) => Err(e),
                        None => compare::covers(
                            &Value::Array(items),
                            &Value::Array(raw_items),
                            &format!("$.{key}"),
                        ),
                    }
                }
                None => Err("the spec gives no list key".into()),
            },
        };
        if let Err(e) = check {
            self.problem(
                op,
                format!("{label}: decoded value differs from the answer: {e}"),
            );
        }
    }

    async fn one<T: Serialize>(
        &mut self,
        label: &str,
        call: impl Future<Output = Result<T, Error>>,
    ) {
        let result = call.await.map(|v| Decoded::One(to_json(&v)));
        self.judge(label, result);
    }

    /// A `send_with_metadata()` call: the value is judged as [`Run::one`] judges it, and the
    /// status it reports must be the one the server answered with.
    async fn one_with_metadata<T: Serialize>(
        &mut self,
        label: &str,
        call: impl Future<Output = Result<Response<T>, Error>>,
    ) {
        let result = call.await;
        self.check_reported_status(label, result.as_ref().ok().map(|r| r.status));
        self.judge(label, result.map(|r| Decoded::One(to_json(&r.value))));
    }

    /// [`Run::page`] through `send_with_metadata()`, with the status check of
    /// [`Run::one_with_metadata`].
    async fn page_with_metadata<T: Serialize>(
        &mut self,
        label: &str,
        call: impl Future<Output = Result<Response<Page<T>>, Error>>,
    ) {
        let result = call.await;
        self.check_reported_status(label, result.as_ref().ok().map(|r| r.status));
        let result = result.map(|r| Decoded::Page {
            items: to_json(&r.value.items),
            meta: to_json(&r.value.meta),
        });
        self.judge(label, result);
    }

    fn check_reported_status(&mut self, label: &str, reported: Option<u16>) {
        let served = self.proxy.last_status();
        if let Some(reported) = reported {
            if Some(reported) != served {
                self.problem(
                    None,
                    format!("{label}: the client reports status {reported}, the server answered {served:?}"),
                );
            }
        }
    }

    async fn page<T: Serialize>(
        &mut self,
        label: &str,
        call: impl Future<Output = Result<Page<T>, Error>>,
    ) {
        let result = call.await.map(|p| Decoded::Page {
            items: to_json(&p.items),
            meta: to_json(&p.meta),
        });
        self.judge(label, result);
    }

    /// A `.limit(limit).stream()`: the items of every page fetched, cut to `limit` (the
    /// client stops there, and pages need not be that short).
    async fn items<T: Serialize>(
        &mut self,
        label: &str,
        limit: usize,
        stream: impl Stream<Item = Result<T, Error>>,
    ) {
        let result: Result<Vec<T>, Error> = stream.try_collect().await;
        let result = result.map(|v| Decoded::Items {
            items: v.iter().map(to_json).collect(),
            limit,
        });
        self.judge(label, result);
    }

    async fn empty(&mut self, label: &str, call: impl Future<Output = Result<(), Error>>) {
        let result = call.await.map(|()| Decoded::Empty);
        self.judge(label, result);
    }

    /// A call through the client that the server must refuse with a 4xx, and the client must
    /// report as an error carrying that status.
    async fn refused_via_client<T>(
        &mut self,
        label: &str,
        call: impl Future<Output = Result<T, Error>>,
    ) {
        let result = call.await;
        let exchanges = self.proxy.take();
        let outcome = match (&result, exchanges.as_slice()) {
            (Err(e), [ex]) if (400..500).contains(&ex.status) && e.status() == Some(ex.status) => {
                Ok(format!(
                    "{} {}: {}",
                    ex.status,
                    ex.path(),
                    refusal(&ex.response)
                ))
            }
            (Err(e), [ex]) => Err(format!("answer {}, client error {e}", ex.status)),
            (Ok(_), [ex]) => Err(format!("accepted with {}", ex.status)),
            (_, many) => Err(format!("{} requests instead of one", many.len())),
        };
        self.negatives.push(Negative {
            label: label.to_string(),
            outcome,
        });
    }

    /// A hand-made request straight to the server (not through the client) that it must refuse.
    async fn refused_raw(
        &mut self,
        label: &str,
        method: reqwest::Method,
        path: &str,
        form: Option<&str>,
        headers: &[(&str, &str)],
        auth: bool,
    ) {
        let mut rb = self
            .raw
            .request(
                method,
                format!("{}{path}", self.base_url.trim_end_matches('/')),
            )
            .header("Accept", "application/json");
        for (name, value) in headers {
            rb = rb.header(*name, *value);
        }
        if auth {
            rb = rb.basic_auth(ACCOUNT, Some(AUTH_TOKEN));
        }
        if let Some(form) = form {
            rb = rb
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body(form.to_string());
        }
        let outcome = match rb.send().await {
            Ok(resp) => {
                let status = resp.status().as_u16();
                let body = resp.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
                if (400..500).contains(&status) {
                    Ok(format!("{status} {path}: {}", refusal(&body)))
                } else {
                    Err(format!("answered {status}"))
                }
            }
            Err(e) => Err(format!("no answer: {e}")),
        };
        self.negatives.push(Negative {
            label: label.to_string(),
            outcome,
        });
    }
}

// ------------------------------------------------------------------------------------------
// Operations that exist only for the account's default service.

async fn default_only(run: &mut Run, c: &Client) {
    let config = c.configuration();
    run.one("configuration: fetch", config.fetch().send()).await;
    run.one(
        "configuration: update every field",
        config
            .update()
            .default_chat_service_sid(SERVICE)
            .default_messaging_service_sid(MESSAGING_SERVICE)
            .default_inactive_timer("PT2H")
            .default_closed_timer("P3D")
            .send(),
    )
    .await;
    run.one("configuration: update nothing", config.update().send())
        .await;
    run.one(
        "configuration webhook: update with target (default scope only)",
        config
            .webhooks()
            .update()
            .target(ConfigurationWebhookTarget::Webhook)
            .method("POST")
            .filters(["onMessageAdded", "onConversationStateUpdated"])
            .pre_webhook_url("https://hooks.example.org/pre?tenant=eu&v=2")
            .post_webhook_url("https://hooks.example.org/post")
            .send(),
    )
    .await;
    run.one(
        "configuration webhook: hand events to Flex",
        config
            .webhooks()
            .update()
            .target(ConfigurationWebhookTarget::Flex)
            .send(),
    )
    .await;

    // Address configurations.
    let addresses = config.addresses();
    run.page(
        "addresses: list with every filter",
        addresses
            .list()
            .r#type("whatsapp")
            .page_size(20)
            .page(0)
            .page_token(run.token("PTaddresses0"))
            .send(),
    )
    .await;
    run.items("addresses: stream", 3, addresses.list().limit(3).stream())
        .await;
    run.one(
        "addresses: create with webhook auto-creation",
        addresses
            .create(ConfigurationAddressType::Whatsapp, "whatsapp:+14155550100")
            .friendly_name("Support (EU) & Sales")
            .auto_creation_enabled(true)
            .auto_creation_type(AutoCreationType::Webhook)
            .auto_creation_conversation_service_sid(SERVICE)
            .auto_creation_webhook_url("https://hooks.example.org/inbound?source=whatsapp&v=2")
            .auto_creation_webhook_method(AutoCreationMethod::Post)
            .auto_creation_webhook_filters(["onParticipantAdded", "onMessageAdded"])
            .address_country("US")
            .send(),
    )
    .await;
    run.one(
        "addresses: create with Studio auto-creation",
        addresses
            .create(ConfigurationAddressType::Sms, "+14155550143")
            .auto_creation_enabled(true)
            .auto_creation_type(AutoCreationType::Studio)
            .auto_creation_studio_flow_sid(FLOW)
            .auto_creation_studio_retry_count(3)
            .send(),
    )
    .await;
    run.one(
        "addresses: create, required arguments only",
        addresses
            .create(ConfigurationAddressType::Email, "support@example.com")
            .send(),
    )
    .await;
    run.seed(
        "/v1/Configuration/Addresses",
        json!({"sid": ADDRESS, "type": "sms", "address": "+14155550111", "friendly_name": "Support line"}),
    )
    .await;
    let address = config.address(ADDRESS);
    run.one("address: fetch", address.fetch().send()).await;
    run.one(
        "address: update every field",
        address
            .update()
            .friendly_name("Support line – Zürich")
            .auto_creation_enabled(false)
            .auto_creation_type(AutoCreationType::Default)
            .auto_creation_conversation_service_sid(SERVICE)
            .auto_creation_webhook_url("https://hooks.example.org/inbound")
            .auto_creation_webhook_method(AutoCreationMethod::Get)
            .auto_creation_webhook_filters([
                "onMessageAdded",
                "onMessageUpdated",
                "onMessageRemoved",
            ])
            .auto_creation_studio_flow_sid(FLOW)
            .auto_creation_studio_retry_count(0)
            .send(),
    )
    .await;
    run.empty("address: delete", address.delete().send()).await;

    // Push credentials.
    let credentials = c.credentials();
    run.page_with_metadata(
        "credentials: list, with metadata",
        credentials
            .list()
            .page_size(50)
            .page(1)
            .page_token(run.token("PTcredentials1"))
            .send_with_metadata(),
    )
    .await;
    run.items(
        "credentials: stream",
        2,
        credentials.list().limit(2).stream(),
    )
    .await;
    run.one(
        "credentials: create APN",
        credentials
            .create(CredentialType::Apn)
            .friendly_name("iOS app (production)")
            .certificate(CERTIFICATE)
            .private_key(PRIVATE_KEY)
            .sandbox(false)
            .send(),
    )
    .await;
    run.one(
        "credentials: create FCM",
        credentials
            .create(CredentialType::Fcm)
            .friendly_name("Android app")
            .secret("AAAAx9Yk3c8:APA91bF-conformance_secret+/=")
            .send(),
    )
    .await;
    run.one(
        "credentials: create GCM",
        credentials
            .create(CredentialType::Gcm)
            .api_key("AIzaSyConformanceKey-0123456789")
            .sandbox(true)
            .send(),
    )
    .await;
    run.seed(
        "/v1/Credentials",
        json!({"sid": CREDENTIAL, "type": "fcm", "friendly_name": "Android app", "sandbox": "false"}),
    )
    .await;
    let credential = c.credential(CREDENTIAL);
    run.one("credential: fetch", credential.fetch().send())
        .await;
    run.one(
        "credential: update every field",
        credential
            .update()
            .r#type(CredentialType::Apn)
            .friendly_name("iOS app (sandbox)")
            .certificate(CERTIFICATE)
            .private_key(PRIVATE_KEY)
            .sandbox(true)
            .api_key("AIzaSyConformanceKey-9876543210")
            .secret("rotated+secret/==")
            .send(),
    )
    .await;
    run.empty("credential: delete", credential.delete().send())
        .await;
}

// ------------------------------------------------------------------------------------------
// Operations that exist only under a chosen service.

/// Emulator mode: `SERVICE`, the service the suite's service-scope calls act in.
async fn seed_service(run: &mut Run) {
    run.seed(
        "/v1/Services",
        json!({"sid": SERVICE, "friendly_name": "Customer support"}),
    )
    .await;
}

async fn service_only(run: &mut Run, c: &Client) {
    seed_service(run).await;
    let services = c.services();
    run.page(
        "services: list",
        services
            .list()
            .page_size(100)
            .page(0)
            .page_token(run.token("PTservices0"))
            .send(),
    )
    .await;
    run.items("services: stream", 10, services.list().limit(10).stream())
        .await;
    run.one(
        "services: create",
        services.create("Customer support – EU").send(),
    )
    .await;

    let svc = c.service(SERVICE);
    run.one("service: fetch", svc.fetch().send()).await;
    run.empty("service: delete", svc.delete().send()).await;
    // Deleted with everything in it: the calls below and in `both_scopes` need it back.
    seed_service(run).await;

    let bindings = svc.bindings();
    run.page(
        "bindings: list with both filters",
        bindings
            .list()
            .binding_type([ServiceBindingType::Apn, ServiceBindingType::Fcm])
            .identity(["alice@example.com", "bob"])
            .page_size(50)
            .page(0)
            .page_token(run.token("PTbindings0"))
            .send(),
    )
    .await;
    run.items("bindings: stream", 5, bindings.list().limit(5).stream())
        .await;
    run.seed(
        &format!("/v1/Services/{SERVICE}/Bindings"),
        json!({
            "sid": BINDING, "binding_type": "apn", "identity": "alice@example.com",
            "endpoint": "APN_addr_1", "credential_sid": CREDENTIAL,
            "message_types": ["onMessageAdded"],
        }),
    )
    .await;
    let binding = svc.binding(BINDING);
    run.one("binding: fetch", binding.fetch().send()).await;
    run.empty("binding: delete", binding.delete().send()).await;

    let config = svc.configuration();
    run.one("service configuration: fetch", config.fetch().send())
        .await;
    run.one(
        "service configuration: update every field",
        config
            .update()
            .default_conversation_creator_role_sid(ROLE)
            .default_conversation_role_sid(ROLE_2)
            .default_chat_service_role_sid(ROLE)
            .reachability_enabled(true)
            .send(),
    )
    .await;
    let notifications = config.notifications();
    run.one("notifications: fetch", notifications.fetch().send())
        .await;
    run.one(
        "notifications: update every field",
        notifications
            .update()
            .log_enabled(true)
            .new_message_enabled(true)
            .new_message_template("${PARTICIPANT}: ${MESSAGE}")
            .new_message_sound("default")
            .new_message_badge_count_enabled(true)
            .added_to_conversation_enabled(true)
            .added_to_conversation_template("You joined ${CONVERSATION} 🎉")
            .added_to_conversation_sound("chime.caf")
            .removed_from_conversation_enabled(false)
            .removed_from_conversation_template("You left ${CONVERSATION}")
            .removed_from_conversation_sound("none")
            .new_message_with_media_enabled(true)
            .new_message_with_media_template("${PARTICIPANT} sent a file & a note")
            .send(),
    )
    .await;
}

// ------------------------------------------------------------------------------------------
// Resources that exist in both scopes: the same calls, once per scope.

async fn configuration_webhooks<S: Scope>(
    run: &mut Run,
    scope: &str,
    hooks: ConfigurationWebhookHandle<S>,
) {
    run.one(
        &format!("{scope}: configuration webhook: fetch"),
        hooks.fetch().send(),
    )
    .await;
    run.one(
        &format!("{scope}: configuration webhook: update"),
        hooks
            .update()
            .method("POST")
            .filters(["onMessageAdded", "onParticipantAdded"])
            .pre_webhook_url("https://hooks.example.org/pre")
            .post_webhook_url("https://hooks.example.org/post?tenant=eu&v=2")
            .send(),
    )
    .await;
}

async fn conversations<S: Scope>(
    run: &mut Run,
    scope: &str,
    list: ConversationList<S>,
    by_name: ConversationHandle<S>,
    conv: ConversationHandle<S>,
) {
    run.page(
        &format!("{scope}: conversations: list with every filter"),
        list.list()
            .start_date("2024-01-01T00:00:00Z")
            .end_date("2024-12-31T23:59:59Z")
            .state(ConversationState::Active)
            .page_size(50)
            .page(0)
            .page_token(run.token("PTconversations0"))
            .send(),
    )
    .await;
    run.page(&format!("{scope}: conversations: list"), list.list().send())
        .await;
    run.items(
        &format!("{scope}: conversations: stream"),
        4,
        list.list()
            .state(ConversationState::Closed)
            .limit(4)
            .stream(),
    )
    .await;
    run.one(
        &format!("{scope}: conversations: create every field"),
        list.create()
            .webhook_enabled(true)
            .friendly_name("Support & Sales = 100% +1 ☕")
            .unique_name("support-eu-2024")
            .date_created(created())
            .date_updated(updated())
            .messaging_service_sid(MESSAGING_SERVICE)
            .attributes(ATTRIBUTES)
            .state(ConversationState::Active)
            .timers_inactive("PT10M")
            .timers_closed("P1D")
            .bindings_email_address("support+eu@example.com")
            .bindings_email_name("Support Team")
            .send(),
    )
    .await;
    run.one_with_metadata(
        &format!("{scope}: conversations: create nothing set, with metadata"),
        list.create().send_with_metadata(),
    )
    .await;
    seed_conversation(run, scope).await;
    run.one(
        &format!("{scope}: conversation: fetch"),
        conv.fetch().send(),
    )
    .await;
    run.one(
        &format!("{scope}: conversation: fetch by unique name"),
        by_name.fetch().send(),
    )
    .await;
    run.one(
        &format!("{scope}: conversation: update every field"),
        conv.update()
            .webhook_enabled(false)
            .friendly_name("Support – closed ✔")
            .date_created(created())
            .date_updated(updated())
            .attributes(r#"{"closed_by":"agent-7"}"#)
            .messaging_service_sid(MESSAGING_SERVICE)
            .state(ConversationState::Inactive)
            .timers_inactive("PT30M")
            .timers_closed("PT12H")
            .unique_name("support-eu-2024-archived")
            .bindings_email_address("archive@example.com")
            .bindings_email_name("Archive")
            .send(),
    )
    .await;
    run.one(
        &format!("{scope}: conversation: update state only"),
        conv.update().state(ConversationState::Closed).send(),
    )
    .await;
    run.empty(
        &format!("{scope}: conversation: delete without webhooks"),
        conv.delete().webhook_enabled(false).send(),
    )
    .await;
    seed_conversation(run, scope).await;
    run.empty(
        &format!("{scope}: conversation: delete"),
        conv.delete().send(),
    )
    .await;
    // Messages, participants and webhooks below live in it.
    seed_conversation(run, scope).await;

    messages(run, scope, &conv).await;
    participants(run, scope, &conv).await;
    scoped_webhooks(run, scope, &conv).await;
}

/// Emulator mode: `CONVERSATION` in `scope`.
async fn seed_conversation(run: &mut Run, scope: &str) {
    run.seed(
        &format!("{}/Conversations", base(scope)),
        json!({"sid": CONVERSATION, "friendly_name": "Support", "attributes": "{}"}),
    )
    .await;
}

/// Emulator mode: `MESSAGE` in `CONVERSATION`.
async fn seed_message(run: &mut Run, scope: &str) {
    run.seed(
        &format!("{}/Conversations/{CONVERSATION}/Messages", base(scope)),
        json!({"sid": MESSAGE, "author": "alice@example.com", "body": "Where is my order?"}),
    )
    .await;
}

async fn messages<S: Scope>(run: &mut Run, scope: &str, conv: &ConversationHandle<S>) {
    let list = conv.messages();
    let media = run.media_sid(scope).await;
    run.page(
        &format!("{scope}: messages: list newest first"),
        list.list()
            .order(ConversationMessageOrder::Desc)
            .page_size(100)
            .page(0)
            .page_token(run.token("PTmessages0"))
            .send(),
    )
    .await;
    run.items(
        &format!("{scope}: messages: stream oldest first"),
        2,
        list.list()
            .order(ConversationMessageOrder::Asc)
            .limit(2)
            .stream(),
    )
    .await;
    run.one(
        &format!("{scope}: messages: create every field"),
        list.create()
            .webhook_enabled(true)
            .author("alice@example.com")
            .body("Hello & welcome, Zoë! 👋 50% off = today + tomorrow")
            .date_created(created())
            .date_updated(updated())
            .attributes(ATTRIBUTES)
            .media_sid(&media)
            .content_sid(CONTENT)
            .content_variables(r#"{"1":"Zoë","2":"10:30 & 11:00"}"#)
            .subject("Re: order #1234")
            .send(),
    )
    .await;
    run.one(
        &format!("{scope}: messages: create body only"),
        list.create().body("hi").send(),
    )
    .await;
    seed_message(run, scope).await;
    let msg = conv.message(MESSAGE);
    run.one(&format!("{scope}: message: fetch"), msg.fetch().send())
        .await;
    run.one(
        &format!("{scope}: message: update every field"),
        msg.update()
            .webhook_enabled(false)
            .author("system")
            .body("edited: 2 + 2 = 4")
            .date_created(created())
            .date_updated(updated())
            .attributes(r#"{"edited":true}"#)
            .subject("Updated subject")
            .send(),
    )
    .await;
    run.empty(
        &format!("{scope}: message: delete"),
        msg.delete().webhook_enabled(true).send(),
    )
    .await;
    // Its receipts are read below.
    seed_message(run, scope).await;

    let receipts = msg.receipts();
    run.page(
        &format!("{scope}: receipts: list"),
        receipts
            .list()
            .page_size(50)
            .page(0)
            .page_token(run.token("PTreceipts0"))
            .send(),
    )
    .await;
    run.items(
        &format!("{scope}: receipts: stream"),
        5,
        receipts.list().limit(5).stream(),
    )
    .await;
    run.seed(
        &format!(
            "{}/Conversations/{CONVERSATION}/Messages/{MESSAGE}/Receipts",
            base(scope)
        ),
        json!({"sid": RECEIPT, "participant_sid": PARTICIPANT, "status": "delivered", "error_code": 0}),
    )
    .await;
    run.one(
        &format!("{scope}: receipt: fetch"),
        msg.receipt(RECEIPT).fetch().send(),
    )
    .await;
}

async fn participants<S: Scope>(run: &mut Run, scope: &str, conv: &ConversationHandle<S>) {
    let list = conv.participants();
    run.page(
        &format!("{scope}: participants: list"),
        list.list()
            .page_size(100)
            .page(0)
            .page_token(run.token("PTparticipants0"))
            .send(),
    )
    .await;
    run.items(
        &format!("{scope}: participants: stream"),
        3,
        list.list().limit(3).stream(),
    )
    .await;
    run.one(
        &format!("{scope}: participants: add a chat participant"),
        list.create()
            .webhook_enabled(true)
            .identity("alice@example.com")
            .attributes(r#"{"department":"R&D"}"#)
            .role_sid(ROLE)
            .date_created(created())
            .date_updated(updated())
            .send(),
    )
    .await;
    run.one(
        &format!("{scope}: participants: add an SMS participant"),
        list.create()
            .messaging_binding_address("+14155550123")
            .messaging_binding_proxy_address("+14155550100")
            .send(),
    )
    .await;
    run.one(
        &format!("{scope}: participants: add a group MMS chat participant"),
        list.create()
            .identity("bob")
            .messaging_binding_projected_address("+14155550199")
            .send(),
    )
    .await;
    run.seed(
        &format!("{}/Conversations/{CONVERSATION}/Participants", base(scope)),
        json!({"sid": PARTICIPANT, "identity": "dave@example.com"}),
    )
    .await;
    let p = conv.participant(PARTICIPANT);
    run.one(&format!("{scope}: participant: fetch"), p.fetch().send())
        .await;
    run.one(
        &format!("{scope}: participant: fetch by identity"),
        conv.participant("alice@example.com").fetch().send(),
    )
    .await;
    run.one(
        &format!("{scope}: participant: update every field"),
        p.update()
            .webhook_enabled(false)
            .date_created(created())
            .date_updated(updated())
            .attributes(r#"{"vip":true}"#)
            .role_sid(ROLE_2)
            .messaging_binding_proxy_address("+14155550101")
            .messaging_binding_projected_address("+14155550198")
            .identity("alice.smith@example.com")
            .last_read_message_index(7)
            .last_read_timestamp("2024-03-05T10:20:30Z")
            .send(),
    )
    .await;
    run.empty(
        &format!("{scope}: participant: delete"),
        p.delete().webhook_enabled(true).send(),
    )
    .await;
}

async fn scoped_webhooks<S: Scope>(run: &mut Run, scope: &str, conv: &ConversationHandle<S>) {
    let list = conv.webhooks();
    run.page(
        &format!("{scope}: conversation webhooks: list"),
        list.list()
            .page_size(5)
            .page(0)
            .page_token(run.token("PTwebhooks0"))
            .send(),
    )
    .await;
    run.items(
        &format!("{scope}: conversation webhooks: stream"),
        5,
        list.list().limit(5).stream(),
    )
    .await;
    run.one(
        &format!("{scope}: conversation webhooks: create a webhook"),
        list.create(ConversationScopedWebhookTarget::Webhook)
            .configuration_url("https://hooks.example.org/conversation?id=CH1&x=a%20b")
            .configuration_method(HookMethod::Post)
            .configuration_filters(["onMessageAdded", "onParticipantRemoved"])
            .send(),
    )
    .await;
    run.one(
        &format!("{scope}: conversation webhooks: create a keyword trigger"),
        list.create(ConversationScopedWebhookTarget::Trigger)
            .configuration_url("https://hooks.example.org/trigger")
            .configuration_method(HookMethod::Get)
            .configuration_triggers(["help", "stop", "agent please"])
            .send(),
    )
    .await;
    run.one(
        &format!("{scope}: conversation webhooks: create a Studio hand-off"),
        list.create(ConversationScopedWebhookTarget::Studio)
            .configuration_flow_sid(FLOW)
            .configuration_replay_after(0)
            .send(),
    )
    .await;
    run.seed(
        &format!("{}/Conversations/{CONVERSATION}/Webhooks", base(scope)),
        json!({
            "sid": WEBHOOK, "target": "webhook",
            "configuration": {"url": "https://hooks.example.org/v1", "method": "POST", "filters": ["onMessageAdded"]},
        }),
    )
    .await;
    let hook = conv.webhook(WEBHOOK);
    run.one(
        &format!("{scope}: conversation webhook: fetch"),
        hook.fetch().send(),
    )
    .await;
    run.one(
        &format!("{scope}: conversation webhook: update every field"),
        hook.update()
            .configuration_url("https://hooks.example.org/v2")
            .configuration_method(HookMethod::Post)
            .configuration_filters(["onMessageAdded", "onMessageUpdated"])
            .configuration_triggers(["urgent", "refund"])
            .configuration_flow_sid(FLOW)
            .send(),
    )
    .await;
    run.empty(
        &format!("{scope}: conversation webhook: delete"),
        hook.delete().send(),
    )
    .await;
}

async fn with_participants<S: Scope>(
    run: &mut Run,
    scope: &str,
    h: ConversationWithParticipantsHandle<S>,
) {
    run.one(
        &format!("{scope}: conversation with participants: create every field"),
        h.create()
            .webhook_enabled(true)
            .friendly_name("Order #1234 – delivery")
            .unique_name("order-1234")
            .date_created(created())
            .date_updated(updated())
            .messaging_service_sid(MESSAGING_SERVICE)
            .attributes(ATTRIBUTES)
            .state(ConversationWithParticipantsState::Active)
            .timers_inactive("PT5M")
            .timers_closed("P7D")
            .bindings_email_address("orders@example.com")
            .bindings_email_name("Orders")
            .participant([
                r#"{"identity":"alice@example.com"}"#,
                r#"{"messaging_binding":{"address":"+14155550123","proxy_address":"+14155550100"}}"#,
            ])
            .send(),
    )
    .await;
    run.one(
        &format!("{scope}: conversation with participants: two chat participants"),
        h.create()
            .participant([r#"{"identity":"a"}"#, r#"{"identity":"b"}"#])
            .send(),
    )
    .await;
}

async fn participant_conversations<S: Scope>(
    run: &mut Run,
    scope: &str,
    list: ParticipantConversationList<S>,
) {
    run.page(
        &format!("{scope}: participant conversations: by identity"),
        list.list()
            .identity("alice@example.com")
            .page_size(50)
            .page(0)
            .page_token(run.token("PTpc0"))
            .send(),
    )
    .await;
    run.page(
        &format!("{scope}: participant conversations: by address"),
        list.list().address("+14155550123").send(),
    )
    .await;
    run.items(
        &format!("{scope}: participant conversations: stream"),
        3,
        list.list().identity("bob").limit(3).stream(),
    )
    .await;
}

async fn roles<S: Scope>(run: &mut Run, scope: &str, list: RoleList<S>, role: RoleHandle<S>) {
    run.page(
        &format!("{scope}: roles: list"),
        list.list()
            .page_size(50)
            .page(0)
            .page_token(run.token("PTroles0"))
            .send(),
    )
    .await;
    run.items(
        &format!("{scope}: roles: stream"),
        2,
        list.list().limit(2).stream(),
    )
    .await;
    run.one(
        &format!("{scope}: roles: create a conversation role"),
        list.create(
            "Moderator",
            RoleType::Conversation,
            [
                "sendMessage",
                "sendMediaMessage",
                "editAnyMessage",
                "removeMember",
            ],
        )
        .send(),
    )
    .await;
    run.one(
        &format!("{scope}: roles: create a service role"),
        list.create(
            "Agent (EU) & lead",
            RoleType::Service,
            ["createConversation", "joinConversation"],
        )
        .send(),
    )
    .await;
    run.seed(
        &format!("{}/Roles", base(scope)),
        json!({"sid": ROLE, "friendly_name": "Supervisor", "type": "conversation", "permissions": ["sendMessage", "removeMember"]}),
    )
    .await;
    run.one(&format!("{scope}: role: fetch"), role.fetch().send())
        .await;
    run.one(
        &format!("{scope}: role: update"),
        role.update(["sendMessage", "leaveConversation"]).send(),
    )
    .await;
    run.empty(&format!("{scope}: role: delete"), role.delete().send())
        .await;
}

/// Emulator mode: `USER` in `scope`.
async fn seed_user(run: &mut Run, scope: &str) {
    run.seed(
        &format!("{}/Users", base(scope)),
        json!({"sid": USER, "identity": USER_IDENTITY, "friendly_name": "Carol"}),
    )
    .await;
}

async fn users<S: Scope>(
    run: &mut Run,
    scope: &str,
    list: UserList<S>,
    user: UserHandle<S>,
    by_identity: UserHandle<S>,
) {
    run.page(
        &format!("{scope}: users: list"),
        list.list()
            .page_size(50)
            .page(0)
            .page_token(run.token("PTusers0"))
            .send(),
    )
    .await;
    run.items(
        &format!("{scope}: users: stream"),
        2,
        list.list().limit(2).stream(),
    )
    .await;
    run.one(
        &format!("{scope}: users: create every field"),
        list.create("alice@example.com")
            .webhook_enabled(true)
            .friendly_name("Alice Ærø")
            .attributes(r#"{"team":"support","langs":["en","da"]}"#)
            .role_sid(ROLE)
            .send(),
    )
    .await;
    run.one(
        &format!("{scope}: users: create identity only"),
        list.create("bob").send(),
    )
    .await;
    seed_user(run, scope).await;
    run.one(&format!("{scope}: user: fetch"), user.fetch().send())
        .await;
    run.one(
        &format!("{scope}: user: fetch by identity"),
        by_identity.fetch().send(),
    )
    .await;
    run.one(
        &format!("{scope}: user: update every field"),
        user.update()
            .webhook_enabled(false)
            .friendly_name("Alice S.")
            .attributes("{}")
            .role_sid(ROLE_2)
            .send(),
    )
    .await;
    run.empty(
        &format!("{scope}: user: delete"),
        user.delete().webhook_enabled(true).send(),
    )
    .await;
    // Back, and a member of `CONVERSATION`, for the user's conversations below.
    seed_user(run, scope).await;
    run.seed(
        &format!("{}/Conversations/{CONVERSATION}/Participants", base(scope)),
        json!({"sid": USER_PARTICIPANT, "identity": USER_IDENTITY}),
    )
    .await;

    let convs = user.conversations();
    run.page(
        &format!("{scope}: user conversations: list"),
        convs
            .list()
            .page_size(50)
            .page(0)
            .page_token(run.token("PTuc0"))
            .send(),
    )
    .await;
    run.items(
        &format!("{scope}: user conversations: stream"),
        2,
        convs.list().limit(2).stream(),
    )
    .await;
    let uc = user.conversation(CONVERSATION);
    run.one(
        &format!("{scope}: user conversation: fetch"),
        uc.fetch().send(),
    )
    .await;
    run.one(
        &format!("{scope}: user conversation: update every field"),
        uc.update()
            .notification_level(UserConversationNotificationLevel::Muted)
            .last_read_timestamp(updated())
            .last_read_message_index(12)
            .send(),
    )
    .await;
    run.one(
        &format!("{scope}: user conversation: unmute"),
        uc.update()
            .notification_level(UserConversationNotificationLevel::Default)
            .send(),
    )
    .await;
    run.empty(
        &format!("{scope}: user conversation: leave"),
        uc.delete().send(),
    )
    .await;
}

async fn both_scopes(run: &mut Run, c: &Client) {
    let svc = c.service(SERVICE);
    for scope in ["default", "service"] {
        // The same generic functions, given the default-scope or the Service-scope handles.
        if scope == "default" {
            configuration_webhooks(run, scope, c.configuration().webhooks()).await;
            conversations(
                run,
                scope,
                c.conversations(),
                c.conversation("support-eu-2024"),
                c.conversation(CONVERSATION),
            )
            .await;
            with_participants(run, scope, c.conversation_with_participants()).await;
            participant_conversations(run, scope, c.participant_conversations()).await;
            roles(run, scope, c.roles(), c.role(ROLE)).await;
            users(
                run,
                scope,
                c.users(),
                c.user(USER),
                c.user("alice@example.com"),
            )
            .await;
        } else {
            configuration_webhooks(run, scope, svc.configuration().webhooks()).await;
            conversations(
                run,
                scope,
                svc.conversations(),
                svc.conversation("support-eu-2024"),
                svc.conversation(CONVERSATION),
            )
            .await;
            with_participants(run, scope, svc.conversation_with_participants()).await;
            participant_conversations(run, scope, svc.participant_conversations()).await;
            roles(run, scope, svc.roles(), svc.role(ROLE)).await;
            users(
                run,
                scope,
                svc.users(),
                svc.user(USER),
                svc.user("alice@example.com"),
            )
            .await;
        }
    }
}

// ------------------------------------------------------------------------------------------
// Expected rejections: the run passes only if the server refuses each of these.

async fn negative_checks(run: &mut Run, c: &Client) {
    run.refused_raw(
        "raw request with a bogus enum value (POST /v1/Roles Type=bogus)",
        reqwest::Method::POST,
        "/v1/Roles",
        Some(
            "FriendlyName=Moderator&Type=bogus&Permission=sendMessage&Permission=leaveConversation",
        ),
        &[],
        true,
    )
    .await;
    run.refused_raw(
        "raw request to a path the spec does not have (GET /v1/Conversation)",
        reqwest::Method::GET,
        "/v1/Conversation",
        None,
        &[],
        true,
    )
    .await;
    run.refused_raw(
        "raw request without credentials (GET /v1/Roles)",
        reqwest::Method::GET,
        "/v1/Roles",
        None,
        &[],
        false,
    )
    .await;
    run.refused_via_client(
        "client with an enum value the spec does not list (RoleType \"bogus\")",
        c.roles()
            .create(
                "Moderator",
                RoleType::from("bogus"),
                ["sendMessage", "leaveConversation"],
            )
            .send(),
    )
    .await;
    run.refused_via_client(
        "client with a message SID that breaks the pattern",
        c.conversation(CONVERSATION)
            .message("IM-not-a-sid")
            .fetch()
            .send(),
    )
    .await;
    // The client takes a `bool` for this header, so only a hand-made request can send this.
    run.refused_raw(
        "raw request with a header value the spec does not list (X-Twilio-Webhook-Enabled: maybe)",
        reqwest::Method::DELETE,
        &format!("/v1/Conversations/{CONVERSATION}"),
        None,
        &[("X-Twilio-Webhook-Enabled", "maybe")],
        true,
    )
    .await;
}

// ------------------------------------------------------------------------------------------

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let Some(base_url) = std::env::var(BASE_URL_VAR)
        .ok()
        .filter(|v| !v.trim().is_empty())
    else {
        eprintln!(
            "conformance: set {BASE_URL_VAR} to the server to test, e.g. \
             {BASE_URL_VAR}=http://127.0.0.1:4010 (`cargo xtask test` starts Prism and sets it)"
        );
        return ExitCode::from(2);
    };
    let verbose = std::env::var("CONFORMANCE_VERBOSE").is_ok_and(|v| v != "0" && !v.is_empty());
    let seeder = match std::env::var(EMULATOR_VAR)
        .ok()
        .filter(|v| !v.trim().is_empty())
    {
        None => None,
        Some(url) => match Seeder::connect(&url, ACCOUNT, AUTH_TOKEN).await {
            Ok(s) => Some(s),
            Err(e) => {
                eprintln!("conformance: {EMULATOR_VAR}: {e}");
                return ExitCode::FAILURE;
            }
        },
    };
    let spec = match Spec::parse(SPEC) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("conformance: {e}");
            return ExitCode::FAILURE;
        }
    };
    let proxy = match Proxy::start(&base_url).await {
        Ok(p) => p,
        Err(e) => {
            eprintln!("conformance: cannot listen on 127.0.0.1: {e}");
            return ExitCode::FAILURE;
        }
    };
    let client = Client::builder()
        .account_sid(ACCOUNT)
        .auth_token(AUTH_TOKEN)
        .base_url(proxy.url())
        .retry_policy(RetryPolicy::none())
        .timeout(Duration::from_secs(30))
        .build();
    let client = match client {
        Ok(c) => c,
        Err(e) => {
            eprintln!("conformance: client: {e}");
            return ExitCode::FAILURE;
        }
    };
    let raw = match reqwest::Client::builder().no_proxy().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("conformance: http client: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "conformance: {} operations in the spec, server {base_url}",
        spec.ops.len()
    );
    if let Some(s) = &seeder {
        println!(
            "conformance: emulator mode: records seeded through {EMULATOR_VAR}, default service {}",
            s.default_service
        );
    }
    let mut run = Run {
        spec,
        proxy,
        base_url,
        raw,
        verbose,
        requests: 0,
        rejected: 0,
        ops: BTreeMap::new(),
        stray: Vec::new(),
        negatives: Vec::new(),
        violations: 0,
        seeder,
    };

    default_only(&mut run, &client).await;
    service_only(&mut run, &client).await;
    both_scopes(&mut run, &client).await;
    negative_checks(&mut run, &client).await;

    // Per operation: called, every request accepted and decoded, every parameter sent.
    let mut passed = 0;
    let mut params_total = 0;
    let mut params_sent = 0;
    let total = run.spec.ops.len();
    for op in run.spec.ops.values() {
        let state = run.ops.remove(&op.id).unwrap_or_default();
        let mut problems = state.problems;
        if state.requests == 0 {
            problems.push("never called".into());
        }
        let unsent: Vec<String> = op
            .params
            .iter()
            .filter(|p| p.location != Location::Path)
            .inspect(|_| params_total += 1)
            .filter(|p| !state.sent.contains(&(p.location, p.name.clone())))
            .map(|p| format!("{} {}", p.location.as_str(), p.name))
            .collect();
        params_sent += op
            .params
            .iter()
            .filter(|p| p.location != Location::Path)
            .count()
            - unsent.len();
        if !unsent.is_empty() {
            problems.push(format!("never sent: {}", unsent.join(", ")));
        }
        if problems.is_empty() {
            passed += 1;
        } else {
            println!("NOT PASSED {} ({} {}):", op.id, op.method, op.path);
            for p in &problems {
                println!("       {p}");
            }
        }
    }
    for s in &run.stray {
        println!("FAIL {s}");
    }
    println!("conformance: parameters sent: {params_sent}/{params_total} (query, header and form, across all operations)");

    let negatives_ok = run.negatives.iter().filter(|n| n.outcome.is_ok()).count();
    for n in &run.negatives {
        match &n.outcome {
            Ok(why) => println!("negative: rejected as expected: {}\n       {why}", n.label),
            Err(why) => println!("negative: NOT REJECTED: {}: {why}", n.label),
        }
    }
    println!(
        "negative checks: {negatives_ok}/{} rejected as expected",
        run.negatives.len()
    );
    println!(
        "conformance: {passed}/{total} operations, {} requests, {} rejected, {} violations",
        run.requests, run.rejected, run.violations
    );
    let ok = passed == total
        && run.rejected == 0
        && run.violations == 0
        && run.stray.is_empty()
        && negatives_ok == run.negatives.len()
        && !run.negatives.is_empty();
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
