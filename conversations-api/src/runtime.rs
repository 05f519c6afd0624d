//! Plumbing the generated code calls: paths, parameter encoding, sending, decoding, paging.
//! Not part of the public API. Its items are `pub` (the module is `#[doc(hidden)]`) rather than
//! `pub(crate)` because the same runtime serves every spec: a spec without list operations or
//! form bodies must not turn paging or form encoding into dead-code warnings.

use crate::error::Error;
use crate::page::{NextPage, Page, PageSeed};
use crate::retry::{self, Failure};
use crate::{Client, Response};
use futures::Stream;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::de::DeserializeOwned;
use std::collections::VecDeque;
use std::fmt;
use std::marker::PhantomData;
use std::time::{Duration, Instant, SystemTime};
use tracing::Instrument;

/// `base` followed by `parts`, in one allocation (paths are built on every call, and `format!`
/// would cost more than the copying).
fn joined(base: &str, parts: &[&str]) -> String {
    let len = base.len() + parts.iter().map(|p| p.len()).sum::<usize>();
    let mut out = String::with_capacity(len);
    out.push_str(base);
    for p in parts {
        out.push_str(p);
    }
    out
}

/// Characters left as they are in a path segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// `value` percent-encoded for a path segment, onto `out`. SIDs, the usual values, need no
/// escaping; checking that first costs a fraction of running the encoder over them.
fn push_segment_encoded(out: &mut String, value: &str) {
    let plain = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~');
    if value.as_bytes().iter().all(plain) {
        out.push_str(value);
    } else {
        out.extend(utf8_percent_encode(value, SEGMENT));
    }
}

/// Most bytes of an error body read (enough for any Twilio error; an endless proxy page is
/// cut off).
const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// The header Twilio names each request with (lower case, as `HeaderName` stores names).
const REQUEST_ID: reqwest::header::HeaderName =
    reqwest::header::HeaderName::from_static("twilio-request-id");

/// A position in the resource tree: a client and a concrete path.
#[derive(Clone)]
pub struct Node {
    client: Client,
    /// The base URL requests go to, for an API on a host of its own (see [`Node::on_host`]);
    /// `None` is the client's base URL.
    host: Option<String>,
    path: String,
    /// Why requests from here must not be sent (a path value URL parsers would rewrite).
    invalid: Option<String>,
}

impl fmt::Debug for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Node").field("path", &self.path).finish()
    }
}

impl Node {
    pub fn new(client: Client, path: &str) -> Self {
        Node {
            client,
            host: None,
            path: path.to_string(),
            invalid: None,
        }
    }

    /// The root of an API served from another host than the client's main one (the Media
    /// Content Service next to Conversations): `spec_base_url` is that API's server in its
    /// spec, and the client maps it to the host it is configured for (region and edge, an
    /// override, or its custom base URL; see `Client::host_for`). The same credentials,
    /// retries and errors apply.
    pub fn on_host(client: Client, spec_base_url: &str, path: &str) -> Self {
        let (host, invalid) = match client.host_for(spec_base_url) {
            Ok(host) => (Some(host), None),
            Err(e) => (None, Some(e.to_string())),
        };
        Node {
            client,
            host,
            path: path.to_string(),
            invalid,
        }
    }

    /// The client requests from here are sent with.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// `path/literal`.
    pub fn child(&self, literal: &str) -> Node {
        Node {
            client: self.client.clone(),
            host: self.host.clone(),
            path: joined(&self.path, &["/", literal]),
            invalid: self.invalid.clone(),
        }
    }

    /// `path/<value>`, percent-encoded. Three values cannot be sent, and requests from a node
    /// built with one fail with [`Error::InvalidArgument`] before anything is sent:
    /// * the empty string: `/Conversations/` is the list, not an item, and `//Messages` is no
    ///   resource at all; a list answer would even decode into an item whose fields are all
    ///   absent;
    /// * `.` and `..`: URL parsers treat them (escaped or not) as dot segments and would send
    ///   the request to another resource.
    ///
    /// The first problem found is the one reported.
    pub fn param(&self, value: &str) -> Node {
        let invalid = self
            .invalid
            .clone()
            .or_else(|| refused_path_value(&self.path, value));
        // Most values need no escaping, so their length is the usual size.
        let mut path = String::with_capacity(self.path.len() + 1 + value.len());
        path.push_str(&self.path);
        path.push('/');
        push_segment_encoded(&mut path, value);
        Node {
            client: self.client.clone(),
            host: self.host.clone(),
            path,
            invalid,
        }
    }

    /// `path/<pieces>`: one segment of literal text and values (`{From}-{To}`, `v{Version}`,
    /// `{Sid}:cancel` in the spec). The text is the spec's and is sent as it is; each value is
    /// percent-encoded and checked as [`Node::param`] checks a whole-segment value, since the
    /// API reads each one back on its own (an empty `From` in `-PN2` is no value at all).
    pub fn segment(&self, pieces: &[PathPiece<'_>]) -> Node {
        let mut segment = String::new();
        let mut invalid = self.invalid.clone();
        for piece in pieces {
            match piece {
                PathPiece::Text(text) => segment.push_str(text),
                PathPiece::Value(value) => {
                    invalid = invalid.or_else(|| refused_path_value(&self.path, value));
                    push_segment_encoded(&mut segment, value);
                }
            }
        }
        Node {
            client: self.client.clone(),
            host: self.host.clone(),
            path: joined(&self.path, &["/", &segment]),
            invalid,
        }
    }

    /// `path/<the client's value of name>`, for a parent every path of an API sits under
    /// (`AccountSid` in `/2010-04-01/Accounts/{AccountSid}/...`): the client supplies the id it
    /// is configured with. A name the client holds no value for makes requests from here fail
    /// with [`Error::InvalidArgument`] before anything is sent, as an empty value would.
    pub fn client_param(&self, name: &str) -> Node {
        match self.client.path_value(name) {
            Some(value) => self.param(&value),
            None => Node {
                client: self.client.clone(),
                host: self.host.clone(),
                path: format!("{}/{{{name}}}", self.path),
                invalid: self.invalid.clone().or_else(|| {
                    Some(format!(
                        "the client has no value for `{name}`; pass one to the item's accessor"
                    ))
                }),
            },
        }
    }

    /// `path<text>`: text some APIs put after the last segment (`/Calls/{Sid}.json`). It is
    /// literal text from the spec, so it is appended as it is.
    pub fn with_trailing(&self, text: &str) -> Node {
        Node {
            client: self.client.clone(),
            host: self.host.clone(),
            path: joined(&self.path, &[text]),
            invalid: self.invalid.clone(),
        }
    }

    pub fn request(&self, method: reqwest::Method, template: &'static str) -> Request {
        Request {
            client: self.client.clone(),
            host: self.host.clone(),
            method,
            path: self.path.clone(),
            template,
            query: Vec::new(),
            headers: Vec::new(),
            form: Vec::new(),
            json: None,
            binary: None,
            binary_media_type: None,
            limit: None,
            invalid: self.invalid.clone(),
        }
    }
}

/// A piece of one path segment for [`Node::segment`].
#[derive(Debug, Clone, Copy)]
pub enum PathPiece<'a> {
    /// Literal text from the spec, sent as it is.
    Text(&'a str),
    /// A value given by the caller, percent-encoded.
    Value(&'a str),
}

/// Why a path value after `path` cannot be sent, if it cannot (see [`Node::param`]).
fn refused_path_value(path: &str, value: &str) -> Option<String> {
    match value {
        "" => Some(format!("an empty path value after `{path}`")),
        "." | ".." => Some(format!("a path value cannot be `{value}`")),
        _ => None,
    }
}

/// Converts a typed parameter value to its wire text.
pub trait ToParam {
    /// The value as Twilio expects it in a form, query or header.
    fn to_param(&self) -> String;
}

impl ToParam for String {
    fn to_param(&self) -> String {
        self.clone()
    }
}

impl ToParam for bool {
    fn to_param(&self) -> String {
        if *self { "true" } else { "false" }.to_string()
    }
}

macro_rules! display_param {
    ($($t:ty),*) => {$(
        impl ToParam for $t {
            fn to_param(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
display_param!(i32, i64, f64);

impl ToParam for crate::DateTime {
    fn to_param(&self) -> String {
        self.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
    }
}

impl ToParam for serde_json::Value {
    fn to_param(&self) -> String {
        match self {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }
}

/// Display, FromStr, serde and [`ToParam`] for a generated string enum with `as_str` and
/// `from_wire`.
#[allow(unused_macros)] // a spec without enums has nothing to implement it for
macro_rules! impl_string_enum {
    ($name:ident) => {
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(Self::from_wire(s))
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self::from_wire(s)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
                Ok(Self::from_wire(&s))
            }
        }

        impl $crate::runtime::ToParam for $name {
            fn to_param(&self) -> String {
                self.as_str().to_string()
            }
        }
    };
}
#[allow(unused_imports)] // as above: unused by a spec without enums
pub(crate) use impl_string_enum;

/// `key=value&...`, form-encoded, with a space written as `%20` rather than the form
/// encoding's `+`. Both mean a space to a form decoder (Twilio's included), but for a field with
/// an OpenAPI `encoding` entry `+` is a reserved character that strict validators (Prism)
/// reject. A literal `+` is `%2B` either way. One pass, into one string: this runs for every
/// request with a query or a form body.
fn form_encoded(pairs: &[(&'static str, String)]) -> String {
    let mut out = String::with_capacity(pairs.iter().map(|(k, v)| k.len() + v.len() + 2).sum());
    for (i, (key, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        push_form_encoded(&mut out, key);
        out.push('=');
        push_form_encoded(&mut out, value);
    }
    out
}

fn push_form_encoded(out: &mut String, text: &str) {
    // `byte_serialize` gives a space as a `+` piece of its own.
    for piece in form_urlencoded::byte_serialize(text.as_bytes()) {
        out.push_str(if piece == "+" { "%20" } else { piece });
    }
}

/// One HTTP request under construction. Setting a parameter twice keeps the last value.
#[derive(Clone)]
pub struct Request {
    client: Client,
    /// As in [`Node`]: `None` is the client's base URL.
    host: Option<String>,
    method: reqwest::Method,
    path: String,
    template: &'static str,
    query: Vec<(&'static str, String)>,
    headers: Vec<(&'static str, String)>,
    form: Vec<(&'static str, String)>,
    /// Set for operations whose body is JSON; such a request always sends one.
    json: Option<JsonBody>,
    /// The body of an operation whose body is raw bytes.
    binary: Option<BinaryBody>,
    /// The media type the spec declares for that body (may be a range such as `image/*`).
    binary_media_type: Option<&'static str>,
    limit: Option<usize>,
    invalid: Option<String>,
}

/// A request body of raw bytes (a file upload): bytes in memory, or a stream read once as it
/// is sent, so a large file never has to fit in memory. Carries its content type.
///
/// Bytes can be sent again, so an upload from bytes is retried by the same rules as any
/// `POST`; a stream cannot be replayed, so a request with one is made exactly once.
#[derive(Clone)]
pub struct BinaryBody {
    content_type: Option<String>,
    /// Bytes the stream will yield, when known: sent as `Content-Length` rather than chunked.
    length: Option<u64>,
    source: BinarySource,
}

#[derive(Clone)]
enum BinarySource {
    Bytes(bytes::Bytes),
    /// Taken by the one attempt that sends it (a `Request` is `Clone`, the stream is not).
    Stream(std::sync::Arc<std::sync::Mutex<Option<reqwest::Body>>>),
}

impl fmt::Debug for BinaryBody {
    /// The content type and size only, never the bytes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match &self.source {
            BinarySource::Bytes(_) => "bytes",
            BinarySource::Stream(_) => "stream",
        };
        f.debug_struct("BinaryBody")
            .field("content_type", &self.content_type)
            .field("length", &self.length)
            .field("source", &kind)
            .finish()
    }
}

impl BinaryBody {
    /// A body from bytes already in memory (cheap to clone, resendable).
    pub fn bytes(bytes: impl Into<bytes::Bytes>) -> Self {
        let bytes = bytes.into();
        BinaryBody {
            content_type: None,
            length: u64::try_from(bytes.len()).ok(),
            source: BinarySource::Bytes(bytes),
        }
    }

    /// A body read from `stream` while it is sent; `length` is the total when known.
    pub fn stream<S>(stream: S, length: Option<u64>) -> Self
    where
        S: Stream<Item = Result<bytes::Bytes, std::io::Error>> + Send + 'static,
    {
        BinaryBody {
            content_type: None,
            length,
            source: BinarySource::Stream(std::sync::Arc::new(std::sync::Mutex::new(Some(
                reqwest::Body::wrap_stream(stream),
            )))),
        }
    }

    /// A body read from any async reader while it is sent, in chunks of at most 64 KiB.
    pub fn reader<R>(reader: R, length: Option<u64>) -> Self
    where
        R: tokio::io::AsyncRead + Send + 'static,
    {
        Self::stream(
            tokio_util::io::ReaderStream::with_capacity(reader, 64 * 1024),
            length,
        )
    }

    /// Send with this `Content-Type` (otherwise the spec's media type, or
    /// `application/octet-stream` when the spec names a range such as `*/*`).
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The content type set with [`content_type`](Self::content_type).
    pub fn content_type_set(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// Whether the body is a stream, which can be sent once only.
    pub fn is_stream(&self) -> bool {
        matches!(self.source, BinarySource::Stream(_))
    }

    /// The body for one attempt; `None` once a stream has been sent.
    fn take_for_attempt(&self) -> Option<reqwest::Body> {
        match &self.source {
            BinarySource::Bytes(b) => Some(reqwest::Body::from(b.clone())),
            BinarySource::Stream(slot) => slot.lock().ok().and_then(|mut s| s.take()),
        }
    }
}

impl From<Vec<u8>> for BinaryBody {
    fn from(v: Vec<u8>) -> Self {
        BinaryBody::bytes(v)
    }
}

impl From<bytes::Bytes> for BinaryBody {
    fn from(v: bytes::Bytes) -> Self {
        BinaryBody::bytes(v)
    }
}

impl From<&'static [u8]> for BinaryBody {
    fn from(v: &'static [u8]) -> Self {
        BinaryBody::bytes(v)
    }
}

/// A JSON request body under construction.
#[derive(Clone)]
struct JsonBody {
    /// The media type the spec declares (`application/json`, or a `+json` type).
    media_type: &'static str,
    /// Top-level fields set one by one, in the order set.
    fields: serde_json::Map<String, serde_json::Value>,
    /// The whole body, for a body schema without named fields (it replaces `fields`).
    whole: Option<serde_json::Value>,
}

impl fmt::Debug for Request {
    /// Names only: values (which may be secrets such as a credential's private key) never show.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let keys = |v: &[(&'static str, String)]| v.iter().map(|(k, _)| *k).collect::<Vec<_>>();
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("path", &self.template)
            .field("query", &keys(&self.query))
            .field("headers", &keys(&self.headers))
            .field("form", &keys(&self.form))
            .field(
                "json",
                &self
                    .json
                    .as_ref()
                    .map(|j| j.fields.keys().map(String::as_str).collect::<Vec<_>>()),
            )
            .field("binary", &self.binary)
            .field("limit", &self.limit)
            .finish()
    }
}

fn set(list: &mut Vec<(&'static str, String)>, key: &'static str, values: Vec<String>) {
    list.retain(|(k, _)| *k != key);
    list.extend(values.into_iter().map(|v| (key, v)));
}

impl Request {
    pub fn query(&mut self, key: &'static str, value: String) {
        set(&mut self.query, key, vec![value]);
    }

    pub fn query_all(&mut self, key: &'static str, values: Vec<String>) {
        set(&mut self.query, key, values);
    }

    pub fn header(&mut self, key: &'static str, value: String) {
        set(&mut self.headers, key, vec![value]);
    }

    pub fn header_all(&mut self, key: &'static str, values: Vec<String>) {
        set(&mut self.headers, key, vec![values.join(",")]);
    }

    pub fn form(&mut self, key: &'static str, value: String) {
        self.form.retain(|(k, _)| *k != key);
        self.form.push((key, value));
    }

    pub fn form_all(&mut self, key: &'static str, values: Vec<String>) {
        set(&mut self.form, key, values);
    }

    /// This operation's body is JSON of `media_type`: from now on it sends one (`{}` when no
    /// field is set), and the form fields are not used.
    pub fn json_media_type(&mut self, media_type: &'static str) {
        self.json.get_or_insert_with(|| JsonBody {
            media_type,
            fields: serde_json::Map::new(),
            whole: None,
        });
    }

    /// Set one top-level field of the JSON body.
    pub fn json<T: serde::Serialize>(&mut self, key: &'static str, value: T) {
        let value = self.json_value(key, value);
        if let Some(body) = &mut self.json {
            body.fields.insert(key.to_string(), value);
        }
    }

    /// Set the whole JSON body (a body schema without named fields).
    pub fn json_whole<T: serde::Serialize>(&mut self, key: &'static str, value: T) {
        let value = self.json_value(key, value);
        if let Some(body) = &mut self.json {
            body.whole = Some(value);
        }
    }

    /// A value that cannot be JSON (a map with non-string keys, say) is refused before
    /// anything is sent, like an empty path value.
    fn json_value<T: serde::Serialize>(&mut self, key: &str, value: T) -> serde_json::Value {
        serde_json::to_value(value).unwrap_or_else(|e| {
            self.invalid
                .get_or_insert_with(|| format!("`{key}` cannot be written as JSON: {e}"));
            serde_json::Value::Null
        })
    }

    /// This operation's body is raw bytes; the spec declares `media_type` for it.
    pub fn binary_media_type(&mut self, media_type: &'static str) {
        self.binary_media_type = Some(media_type);
    }

    /// Set the raw body (`_key` is the body's name in the generated code; there is only one).
    pub fn binary(&mut self, _key: &'static str, body: BinaryBody) {
        self.binary = Some(body);
    }

    /// The `Content-Type` of the raw body: the one the body carries, else the spec's media type
    /// unless that is a range (`image/*`), else `application/octet-stream`.
    fn binary_content_type(&self, body: &BinaryBody) -> String {
        if let Some(ct) = &body.content_type {
            return ct.clone();
        }
        match self.binary_media_type {
            Some(mt) if !mt.contains('*') => mt.to_string(),
            _ => "application/octet-stream".to_string(),
        }
    }

    /// At most `n` items in all from this list request, whether its pages are read with
    /// `send()` and [`Page::next_page`] or as a stream.
    pub fn limit(&mut self, n: usize) {
        self.limit = Some(n);
    }

    /// The path template this request was built from (for logs).
    pub fn template(&self) -> &'static str {
        self.template
    }

    /// The base URL this request goes to.
    fn base_url(&self) -> &str {
        self.host.as_deref().unwrap_or(&self.client.inner.base_url)
    }

    fn url(&self) -> String {
        let mut url = joined(self.base_url(), &[&self.path]);
        if !self.query.is_empty() {
            url.push('?');
            url.push_str(&form_encoded(&self.query));
        }
        url
    }

    /// The body and its content type: JSON for an operation with a JSON body, otherwise the
    /// encoded form when there are form fields, otherwise none.
    pub(crate) fn body(&self) -> Option<(&'static str, String)> {
        if let Some(json) = &self.json {
            let text = match &json.whole {
                Some(whole) => whole.to_string(),
                None => serde_json::Value::Object(json.fields.clone()).to_string(),
            };
            return Some((json.media_type, text));
        }
        if self.form.is_empty() {
            return None;
        }
        Some((
            "application/x-www-form-urlencoded",
            form_encoded(&self.form),
        ))
    }

    /// One attempt: send, then read the whole body (at most [`ERROR_BODY_LIMIT`] bytes of an
    /// error body).
    async fn attempt(&self, url: &str, headers: KeepHeaders) -> Result<Answer, reqwest::Error> {
        let inner = &self.client.inner;
        // Built once per client and marked sensitive (see `Credentials::authorization`).
        let mut rb = inner
            .http
            .request(self.method.clone(), url)
            .header(reqwest::header::AUTHORIZATION, inner.authorization.clone())
            .header(
                reqwest::header::ACCEPT,
                reqwest::header::HeaderValue::from_static("application/json"),
            );
        for (k, v) in &self.headers {
            rb = rb.header(*k, v.as_str());
        }
        if let Some(binary) = &self.binary {
            rb = rb.header(
                reqwest::header::CONTENT_TYPE,
                self.binary_content_type(binary),
            );
            if let Some(length) = binary.length {
                rb = rb.header(reqwest::header::CONTENT_LENGTH, length);
            }
            // `execute` has checked that a stream was not sent before, and no attempt
            // after the first is made with one; an empty body is never sent in its place.
            if let Some(body) = binary.take_for_attempt() {
                rb = rb.body(body);
            }
        } else if let Some((content_type, body)) = self.body() {
            rb = rb
                .header(reqwest::header::CONTENT_TYPE, content_type)
                .body(body);
        }
        let mut resp = rb.send().await?;
        let status = resp.status().as_u16();
        let kept = match headers {
            KeepHeaders::Yes => owned_headers(resp.headers()),
            KeepHeaders::No => reqwest::header::HeaderMap::new(),
        };
        // Names as `HeaderName` values: looking up by `&str` would parse the name each time.
        let header = |name: &reqwest::header::HeaderName| {
            resp.headers()
                .get(name)
                .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
        };
        let request_id = header(&REQUEST_ID).map(str::to_string);
        let location = header(&reqwest::header::LOCATION).map(str::to_string);
        let retry_after = header(&reqwest::header::RETRY_AFTER)
            .and_then(|v| retry::parse_retry_after(v, SystemTime::now()));
        let body = if (200..300).contains(&status) {
            resp.bytes().await?
        } else {
            // The status is what matters; a body that breaks off still gives an excerpt.
            let mut buf = Vec::new();
            while buf.len() < ERROR_BODY_LIMIT {
                match resp.chunk().await {
                    Ok(Some(chunk)) => buf.extend_from_slice(&chunk),
                    Ok(None) | Err(_) => break,
                }
            }
            buf.truncate(ERROR_BODY_LIMIT);
            buf.into()
        };
        Ok(Answer {
            status,
            request_id,
            location,
            retry_after,
            headers: kept,
            body,
        })
    }

    /// Send to `url`, retrying by the client's policy (rules in `retry.rs`), inside a
    /// `tracing` span that records the method, path template, attempt, status and request
    /// id: never the URL's values, the credentials or a body. With `redirects`, a 3xx is an
    /// answer too (for operations that only redirect), not an error.
    ///
    /// Every `send` awaits this directly rather than through helpers of its own: each `async`
    /// layer holds its own copy of what it was given and is moved whole into the layer above,
    /// so a deep chain of thin wrappers is paid for in copying on every request.
    async fn execute(
        &self,
        url: &str,
        headers: KeepHeaders,
        redirects: bool,
    ) -> Result<Answer, Error> {
        if let Some(why) = &self.invalid {
            return Err(Error::InvalidArgument(why.clone()));
        }
        if let Some(BinaryBody {
            source: BinarySource::Stream(slot),
            ..
        }) = &self.binary
        {
            if slot.lock().map(|s| s.is_none()).unwrap_or(true) {
                return Err(Error::InvalidArgument(
                    "this request's streamed body was already sent; a stream is read once".into(),
                ));
            }
        }
        let span = tracing::debug_span!(
            "conversations_api.request",
            method = %self.method,
            path = self.template,
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        let work = self.execute_with_retries(url, headers, &span, redirects);
        // With no subscriber listening the span is disabled; entering and leaving it on every
        // poll would still cost a little, so the work is then awaited as it is.
        if span.is_disabled() {
            work.await
        } else {
            work.instrument(span.clone()).await
        }
    }

    async fn execute_with_retries(
        &self,
        url: &str,
        headers: KeepHeaders,
        span: &tracing::Span,
        redirects: bool,
    ) -> Result<Answer, Error> {
        let policy = self.client.inner.retry;
        // A streamed body is gone once sent (even a refused connection may have read some of
        // it), so such a request is made once, whatever the failure.
        let max_attempts = if self.binary.as_ref().is_some_and(BinaryBody::is_stream) {
            1
        } else {
            policy.max_attempts.max(1)
        };
        let started = Instant::now();
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            span.record("attempt", attempt);
            let (failure, error, retry_after) = match self.attempt(url, headers).await {
                Ok(answer) => {
                    span.record("status", answer.status);
                    if let Some(id) = &answer.request_id {
                        span.record("request_id", id.as_str());
                    }
                    if (200..300).contains(&answer.status)
                        || (redirects && (300..400).contains(&answer.status))
                    {
                        tracing::debug!(attempt, status = answer.status, "response");
                        return Ok(answer);
                    }
                    let error =
                        Error::from_response(answer.status, answer.request_id, &answer.body);
                    (Failure::Status(answer.status), error, answer.retry_after)
                }
                Err(e) => {
                    let failure = if e.is_builder() {
                        Failure::Invalid
                    } else if e.is_connect() {
                        Failure::Connect
                    } else {
                        Failure::AfterSend
                    };
                    (failure, Error::from_reqwest(e), None)
                }
            };
            let status = error.status();
            let kind = error_kind(&error);
            if !retry::retryable(&self.method, failure) || attempt >= max_attempts {
                tracing::debug!(attempt, status, error = kind, "request failed");
                return Err(error);
            }
            let delay = retry_after.unwrap_or_else(|| policy.backoff(attempt));
            if started.elapsed().saturating_add(delay) > policy.max_total_time {
                tracing::debug!(
                    attempt,
                    status,
                    error = kind,
                    delay_ms = millis(delay),
                    "request failed; a retry would end after the policy's max_total_time"
                );
                return Err(error);
            }
            tracing::debug!(
                attempt,
                status,
                error = kind,
                delay_ms = millis(delay),
                "retrying"
            );
            tokio::time::sleep(delay).await;
        }
    }

    /// Send and expect an empty (or ignored) body.
    pub async fn send_empty(self) -> Result<(), Error> {
        let url = self.url();
        self.execute(&url, KeepHeaders::No, false).await.map(|_| ())
    }

    /// [`send_empty`](Self::send_empty), keeping the status, request id and headers.
    pub async fn send_empty_with_metadata(self) -> Result<Response<()>, Error> {
        let url = self.url();
        let answer = self.execute(&url, KeepHeaders::Yes, false).await?;
        Ok(answer.into_response(()))
    }

    /// Send and decode the body as `T`.
    pub async fn send_json<T: DeserializeOwned>(self) -> Result<T, Error> {
        let url = self.url();
        let answer = self.execute(&url, KeepHeaders::No, false).await?;
        decode(&answer.body)
    }

    /// [`send_json`](Self::send_json), keeping the status, request id and headers.
    pub async fn send_json_with_metadata<T: DeserializeOwned>(self) -> Result<Response<T>, Error> {
        let url = self.url();
        let answer = self.execute(&url, KeepHeaders::Yes, false).await?;
        let value = decode(&answer.body)?;
        Ok(answer.into_response(value))
    }

    /// Send and return the redirect target (see [`Redirect`](crate::Redirect)); a body is
    /// not read.
    pub async fn send_redirect(self) -> Result<crate::Redirect, Error> {
        let url = self.url();
        let answer = self.execute(&url, KeepHeaders::No, true).await?;
        redirect_target(&url, answer, |_| Ok(None))
    }

    /// Send and return the redirect target with its body decoded as `T` (none when the body
    /// is empty).
    pub async fn send_redirect_json<T: DeserializeOwned>(
        self,
    ) -> Result<crate::Redirect<T>, Error> {
        let url = self.url();
        let answer = self.execute(&url, KeepHeaders::No, true).await?;
        redirect_target(&url, answer, |body| {
            if body.iter().all(u8::is_ascii_whitespace) {
                Ok(None)
            } else {
                decode(body).map(Some)
            }
        })
    }

    /// Send and decode the first list page; the page knows how to fetch the next one.
    pub async fn send_page<T: DeserializeOwned>(self, key: &'static str) -> Result<Page<T>, Error> {
        let first = self.into_first_page(key);
        first.fetch(KeepHeaders::No).await.map(|r| r.value)
    }

    /// [`send_page`](Self::send_page), keeping the status, request id and headers.
    pub async fn send_page_with_metadata<T: DeserializeOwned>(
        self,
        key: &'static str,
    ) -> Result<Response<Page<T>>, Error> {
        self.into_first_page(key).fetch(KeepHeaders::Yes).await
    }

    /// The first page's request: this request's own URL, with the whole limit still to go.
    fn into_first_page(self, key: &'static str) -> NextPage {
        NextPage {
            url: self.url(),
            remaining: self.limit,
            request: self,
            key,
        }
    }

    /// Same path and query on this client's base URL: next-page links are followed as given,
    /// but against the host the client is configured for (its region and edge, or its base
    /// URL), so the credentials never go to a host named in a response.
    fn rebase(&self, next: &str) -> String {
        let rest = match next.find("://") {
            Some(i) => {
                let after = &next[i + 3..];
                after.find(['/', '?']).map_or("", |j| &after[j..])
            }
            None => next,
        };
        let sep = if rest.is_empty() || rest.starts_with('/') || rest.starts_with('?') {
            ""
        } else {
            "/"
        };
        format!("{}{sep}{rest}", self.base_url())
    }

    /// Every item of every page, lazily: the next page is requested only when the previous
    /// one is used up, and only one page is held at a time. Pages are fetched exactly as
    /// [`Page::next_page`] fetches them, so the limit and the link rules are the same. The
    /// stream ends after an error.
    pub fn into_stream<T: DeserializeOwned + Send + 'static>(
        self,
        key: &'static str,
    ) -> impl Stream<Item = Result<T, Error>> + Send + 'static {
        struct State<T> {
            pending: Option<NextPage>,
            buf: VecDeque<T>,
        }
        // A limit of 0 asks for nothing, so nothing is requested.
        let pending = Some(self.into_first_page(key)).filter(|p| p.remaining != Some(0));
        let state = State {
            pending,
            buf: VecDeque::new(),
        };
        futures::stream::unfold(state, move |mut st| async move {
            loop {
                if let Some(item) = st.buf.pop_front() {
                    return Some((Ok(item), st));
                }
                let next = st.pending.take()?;
                match next.fetch::<T>(KeepHeaders::No).await {
                    Ok(response) => {
                        let mut page = response.value;
                        st.pending = page.next.take();
                        st.buf = page.items.into();
                    }
                    Err(e) => return Some((Err(e), st)),
                }
            }
        })
    }
}

impl NextPage {
    /// Fetch this page, cut it to the limit, and note how to fetch the one after: its link is
    /// moved onto the client's host ([`Request::rebase`]); a blank link, a link back to this
    /// same page (which would loop forever) or a used-up limit make this the last page.
    pub(crate) async fn fetch<T: DeserializeOwned>(
        &self,
        headers: KeepHeaders,
    ) -> Result<Response<Page<T>>, Error> {
        let answer = self.request.execute(&self.url, headers, false).await?;
        let mut page: Page<T> = decode_page(&answer.body, self.key)?;
        if let Some(n) = self.remaining {
            page.items.truncate(n);
        }
        let remaining = self.remaining.map(|n| n.saturating_sub(page.items.len()));
        page.next = if remaining == Some(0) {
            None
        } else {
            page.meta
                .next_page_url
                .as_deref()
                .filter(|link| !link.trim().is_empty())
                .map(|link| self.request.rebase(link))
                .filter(|url| *url != self.url)
                .map(|url| NextPage {
                    request: self.request.clone(),
                    key: self.key,
                    url,
                    remaining,
                })
        };
        Ok(answer.into_response(page))
    }
}

/// Whether a call hands the answer's headers back (`send_with_metadata()`) or not (`send()`).
#[derive(Clone, Copy)]
pub(crate) enum KeepHeaders {
    Yes,
    No,
}

/// The headers as a map that owns its bytes. The values reqwest gives point into the
/// connection's read buffer; holding them while the body is decoded would keep that buffer
/// (as large as the body) alive and make the next read allocate a new one, so a caller who
/// asks for headers gets copies, and one who does not gets none.
fn owned_headers(headers: &reqwest::header::HeaderMap) -> reqwest::header::HeaderMap {
    use reqwest::header::{HeaderName, HeaderValue};
    let mut out = reqwest::header::HeaderMap::with_capacity(headers.len());
    for (name, value) in headers {
        let name =
            HeaderName::from_bytes(name.as_str().as_bytes()).unwrap_or_else(|_| name.clone());
        let value = HeaderValue::from_bytes(value.as_bytes()).unwrap_or_else(|_| value.clone());
        out.append(name, value);
    }
    out
}

/// The [`Redirect`](crate::Redirect) an answer makes, its `Location` resolved against the
/// request's URL (a relative target means "on this host"). No usable `Location` is
/// [`Error::NoRedirectTarget`], whatever the status.
fn redirect_target<T>(
    request_url: &str,
    answer: Answer,
    body: impl FnOnce(&[u8]) -> Result<Option<T>, Error>,
) -> Result<crate::Redirect<T>, Error> {
    let missing = || Error::NoRedirectTarget {
        status: answer.status,
        request_id: answer.request_id.clone(),
    };
    let location = answer
        .location
        .as_deref()
        .filter(|l| !l.trim().is_empty())
        .ok_or_else(missing)?;
    let location = reqwest::Url::parse(request_url)
        .and_then(|base| base.join(location.trim()))
        .map_err(|_| missing())?;
    Ok(crate::Redirect {
        status: answer.status,
        location: location.into(),
        body: body(&answer.body)?,
        request_id: answer.request_id,
    })
}

/// A complete response to one attempt.
struct Answer {
    status: u16,
    request_id: Option<String>,
    /// The `Location` header (read for operations that answer with a redirect).
    location: Option<String>,
    retry_after: Option<Duration>,
    /// Empty unless the caller asked for headers ([`KeepHeaders`]).
    headers: reqwest::header::HeaderMap,
    body: bytes::Bytes,
}

impl Answer {
    /// The caller's view of a successful answer: `value` decoded from the body.
    fn into_response<T>(self, value: T) -> Response<T> {
        Response {
            status: self.status,
            request_id: self.request_id,
            headers: self.headers,
            value,
        }
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// A short label of an error for logs (never its message, which may quote a response).
fn error_kind(e: &Error) -> &'static str {
    match e {
        Error::Api(_) => "api",
        Error::Http { .. } => "http",
        Error::Timeout(_) => "timeout",
        Error::Transport(e) if e.is_connect() => "connect",
        Error::Transport(_) => "transport",
        Error::Decode { .. } => "decode",
        Error::Truncated { .. } => "truncated",
        Error::Config(_) => "config",
        Error::InvalidArgument(_) => "invalid-argument",
        Error::NoRedirectTarget { .. } => "no-redirect-target",
    }
}

fn type_name<T>() -> &'static str {
    let full = std::any::type_name::<T>();
    full.rsplit("::").next().unwrap_or(full)
}

/// The error for a body that did not decode as `T`. A body that ends inside its value is cut
/// short, whatever field the cut fell in: naming that field would send the reader looking for
/// a type mismatch that is not there.
fn decode_failure<T>(error: &serde_json::Error, field: String, body: &[u8]) -> Error {
    if error.is_eof() {
        Error::Truncated {
            type_name: type_name::<T>(),
            bytes_received: body.len(),
        }
    } else {
        Error::Decode {
            type_name: type_name::<T>(),
            field: with_missing_field(error, field),
            message: error.to_string(),
        }
    }
}

/// The path of the field that failed. For a required field that is absent, serde's path stops
/// at the object that lacks it, so the field's name (which serde puts only in its message,
/// "missing field `sid`") is added: `field` then names what is missing, not its parent.
fn with_missing_field(error: &serde_json::Error, path: String) -> String {
    let text = error.to_string();
    let missing = text
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split_once('`'))
        .map(|(name, _)| name);
    match missing {
        Some(name) if path == "." || path.is_empty() => name.to_string(),
        Some(name) => format!("{path}.{name}"),
        None => path,
    }
}

/// Decode a JSON body, naming the failing field on error. The fast path is plain serde_json;
/// only a body that fails is decoded again with path tracking, to name the field.
pub(crate) fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Error> {
    match serde_json::from_slice(bytes) {
        Ok(v) => Ok(v),
        Err(_) => {
            let de = &mut serde_json::Deserializer::from_slice(bytes);
            let value = serde_path_to_error::deserialize(&mut *de).map_err(|e| {
                let field = e.path().to_string();
                decode_failure::<T>(e.inner(), field, bytes)
            })?;
            // Bytes after the value (`{...}junk`) are an error, as in `serde_json::from_slice`.
            de.end()
                .map_err(|e| decode_failure::<T>(&e, ".".to_string(), bytes))?;
            Ok(value)
        }
    }
}

/// Decode a list page whose items are under `key` (fast path first, as in [`decode`]).
pub(crate) fn decode_page<T: DeserializeOwned>(
    bytes: &[u8],
    key: &'static str,
) -> Result<Page<T>, Error> {
    use serde::de::DeserializeSeed;
    let seed = || PageSeed::<T> {
        key,
        _item: PhantomData,
    };
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    if let Ok(page) = seed()
        .deserialize(&mut *de)
        .and_then(|p| de.end().map(|()| p))
    {
        return Ok(page);
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    let mut track = serde_path_to_error::Track::new();
    let result = seed()
        .deserialize(serde_path_to_error::Deserializer::new(&mut *de, &mut track))
        .and_then(|p| de.end().map(|()| p));
    match result {
        Ok(page) => Ok(page),
        Err(e) => Err(decode_failure::<T>(&e, track.path().to_string(), bytes)),
    }
}

/// What a JSON value must look like to be tried as one alternative of a generated `oneOf` /
/// `anyOf` enum without a discriminator.
#[derive(Debug, Clone, Copy)]
pub enum UnionShape {
    /// An object with every `required` key; `properties` are the keys the alternative knows.
    Object {
        properties: &'static [&'static str],
        required: &'static [&'static str],
    },
    String,
    Integer,
    Number,
    Bool,
    Array,
    /// Any value at all.
    Any,
}

/// The alternatives (indexes into `shapes`) worth trying to decode `value` as, best first.
///
/// An object fits an object alternative when it has every required key and, if the
/// alternative names its properties, uses at least one of them (an empty object fits too).
/// Among those that fit, the one knowing the most of the value's keys comes first; ties keep
/// the spec's order. So of two alternatives that share fields, a value with the second one's
/// extra fields goes to the second, and a value that shares nothing with any alternative is
/// left to the caller's raw fallback. Scalars and arrays fit by JSON kind.
pub fn union_candidates(value: &serde_json::Value, shapes: &[UnionShape]) -> Vec<usize> {
    use serde_json::Value;
    let mut scored: Vec<(usize, usize)> = Vec::new();
    for (i, shape) in shapes.iter().enumerate() {
        let score = match (shape, value) {
            (
                UnionShape::Object {
                    properties,
                    required,
                },
                Value::Object(map),
            ) => {
                let known = map
                    .keys()
                    .filter(|k| properties.contains(&k.as_str()))
                    .count();
                let fits = required.iter().all(|r| map.contains_key(*r))
                    && (properties.is_empty() || known > 0 || map.is_empty());
                fits.then_some(known)
            }
            (UnionShape::String, Value::String(_))
            | (UnionShape::Bool, Value::Bool(_))
            | (UnionShape::Array, Value::Array(_))
            | (UnionShape::Number, Value::Number(_))
            | (UnionShape::Any, _) => Some(0),
            (UnionShape::Integer, Value::Number(n)) if n.is_i64() || n.is_u64() => Some(0),
            _ => None,
        };
        if let Some(score) = score {
            scored.push((i, score));
        }
    }
    // Stable: equal scores stay in spec order.
    scored.sort_by_key(|&(_, score)| std::cmp::Reverse(score));
    scored.into_iter().map(|(i, _)| i).collect()
}

/// The discriminator value of a generated `oneOf` / `anyOf` enum: the string at `property` of
/// an object, if there is one.
pub fn union_tag<'v>(value: &'v serde_json::Value, property: &str) -> Option<&'v str> {
    value.get(property)?.as_str()
}

/// Serialize one alternative of a generated `oneOf` / `anyOf` enum with a discriminator:
/// the value as it is, with `property` set to `tag` when the value is an object that left it
/// unset, so the server can always tell the alternatives apart.
pub fn serialize_tagged<T: serde::Serialize, S: serde::Serializer>(
    value: &T,
    property: &str,
    tag: &str,
    s: S,
) -> Result<S::Ok, S::Error> {
    let mut value = serde_json::to_value(value).map_err(<S::Error as serde::ser::Error>::custom)?;
    if let serde_json::Value::Object(map) = &mut value {
        let slot = map
            .entry(property.to_string())
            .or_insert(serde_json::Value::Null);
        if slot.is_null() {
            *slot = serde_json::Value::String(tag.to_string());
        }
    }
    serde::Serialize::serialize(&value, s)
}

#[cfg(test)]
mod union_tests {
    use super::*;
    use serde_json::json;

    const TWO_OBJECTS: &[UnionShape] = &[
        UnionShape::Object {
            properties: &["sid", "name"],
            required: &[],
        },
        UnionShape::Object {
            properties: &["sid", "name", "extra"],
            required: &[],
        },
    ];

    #[test]
    fn the_alternative_knowing_more_keys_comes_first_and_ties_keep_spec_order() {
        assert_eq!(
            union_candidates(&json!({"sid": "1", "extra": true}), TWO_OBJECTS),
            [1, 0]
        );
        assert_eq!(union_candidates(&json!({"sid": "1"}), TWO_OBJECTS), [0, 1]);
        assert_eq!(union_candidates(&json!({}), TWO_OBJECTS), [0, 1]);
        // Nothing in common with either: the caller keeps it raw.
        assert!(union_candidates(&json!({"other": 1}), TWO_OBJECTS).is_empty());
    }

    #[test]
    fn required_keys_and_json_kinds_decide_what_fits() {
        let shapes = &[
            UnionShape::Object {
                properties: &["to", "seconds"],
                required: &["to"],
            },
            UnionShape::Integer,
            UnionShape::Number,
            UnionShape::String,
        ];
        assert!(union_candidates(&json!({"seconds": 3}), shapes).is_empty());
        assert_eq!(union_candidates(&json!({"to": "x"}), shapes), [0]);
        assert_eq!(union_candidates(&json!(3), shapes), [1, 2]);
        assert_eq!(union_candidates(&json!(2.5), shapes), [2]);
        assert_eq!(union_candidates(&json!("x"), shapes), [3]);
        assert!(union_candidates(&json!(null), shapes).is_empty());
    }

    #[test]
    fn a_tagged_alternative_gets_its_tag_only_when_unset() {
        let unset = serialize_tagged(
            &json!({"to": "x", "kind": null}),
            "kind",
            "a",
            serde_json::value::Serializer,
        );
        assert_eq!(unset.expect("value"), json!({"to": "x", "kind": "a"}));
        let set = serialize_tagged(
            &json!({"kind": "b"}),
            "kind",
            "a",
            serde_json::value::Serializer,
        );
        assert_eq!(set.expect("value"), json!({"kind": "b"}));
        assert_eq!(union_tag(&json!({"kind": "b"}), "kind"), Some("b"));
        assert_eq!(union_tag(&json!({"kind": 1}), "kind"), None);
    }
}

#[cfg(test)]
mod encoding_tests {
    use super::*;

    #[test]
    fn a_form_writes_spaces_as_pct20_and_escapes_every_reserved_byte() {
        let pairs = vec![
            ("Body", "hello & good morning".to_string()),
            ("Attributes", r#"{"k":1+2=3}"#.to_string()),
            ("Author", "Zoë ~_-.".to_string()),
            ("Empty", String::new()),
        ];
        assert_eq!(
            form_encoded(&pairs),
            "Body=hello%20%26%20good%20morning&Attributes=%7B%22k%22%3A1%2B2%3D3%7D\
             &Author=Zo%C3%AB%20%7E_-.&Empty="
        );
        assert_eq!(form_encoded(&[]), "");
    }

    #[test]
    fn a_path_value_is_sent_as_it_is_only_when_it_needs_no_escaping() {
        let encoded = |v: &str| {
            let mut out = String::from("/x/");
            push_segment_encoded(&mut out, v);
            out
        };
        assert_eq!(
            encoded("CH0123456789abcdef-_.~"),
            "/x/CH0123456789abcdef-_.~"
        );
        assert_eq!(encoded("a b/c?d#e%f"), "/x/a%20b%2Fc%3Fd%23e%25f");
        assert_eq!(encoded("Zoë+1"), "/x/Zo%C3%AB%2B1");
        // Every ASCII byte: the quick check and the encoder agree on which are left alone.
        for b in 0u8..128 {
            let v = (b as char).to_string();
            assert_eq!(
                encoded(&v),
                format!("/x/{}", utf8_percent_encode(&v, SEGMENT)),
                "byte {b}"
            );
        }
    }

    #[test]
    fn path_pieces_are_joined_in_order() {
        assert_eq!(joined("/v1", &["/", "Conversations"]), "/v1/Conversations");
        assert_eq!(joined("", &[]), "");
    }
}
