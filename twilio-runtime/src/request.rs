//! One HTTP request under construction: the generated builders set its query, headers and
//! body (form, JSON or raw bytes) field by field; [`send`](crate::send) sends it.

use crate::binary::BinaryBody;
use crate::core::Core;
use crate::form::form_encoded;
use crate::joined::joined;
use std::fmt;

/// The request header that carries an idempotency key. The generator is given this name
/// (`codegen::Conventions`): an operation whose spec declares a header of this name gets a
/// fresh key per call and is retried like a read.
pub const IDEMPOTENCY_KEY_HEADER: &str = "Idempotency-Key";

/// One HTTP request under construction. Setting a parameter twice keeps the last value.
#[derive(Clone)]
pub struct Request {
    pub(crate) core: Core,
    /// As in [`Node`]: `None` is the client's base URL.
    pub(crate) host: Option<String>,
    pub(crate) method: reqwest::Method,
    pub(crate) path: String,
    pub(crate) template: &'static str,
    pub(crate) query: Vec<(&'static str, String)>,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) form: Vec<(&'static str, String)>,
    /// Set for operations whose body is JSON; such a request always sends one.
    pub(crate) json: Option<JsonBody>,
    /// The body of an operation whose body is raw bytes.
    pub(crate) binary: Option<BinaryBody>,
    /// The media type the spec declares for that body (may be a range such as `image/*`).
    pub(crate) binary_media_type: Option<&'static str>,
    pub(crate) limit: Option<usize>,
    /// How a list request finds its next page.
    pub(crate) paging: Paging,
    /// The header the spec declares for an idempotency key, on an operation that has one: a
    /// fresh key is sent in it unless the caller set one, and the call is then retried like a
    /// read (see `retry.rs`).
    pub(crate) idempotency_key_header: Option<&'static str>,
    pub(crate) invalid: Option<String>,
}

/// How a list says where its next page is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Paging {
    /// A link in `meta.next_page_url`, followed on the client's host.
    Link,
    /// A token in `meta.nextToken`, sent back in this query parameter of the same request.
    Token(&'static str),
}

/// A JSON request body under construction.
#[derive(Clone)]
pub(crate) struct JsonBody {
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
            .field("paging", &self.paging)
            .finish()
    }
}

fn set(list: &mut Vec<(&'static str, String)>, key: &'static str, values: Vec<String>) {
    list.retain(|(k, _)| *k != key);
    list.extend(values.into_iter().map(|v| (key, v)));
}

impl Request {
    /// A query parameter (replacing one set before).
    pub fn query(&mut self, key: &'static str, value: String) {
        set(&mut self.query, key, vec![value]);
    }

    /// A query parameter sent once per value.
    pub fn query_all(&mut self, key: &'static str, values: Vec<String>) {
        set(&mut self.query, key, values);
    }

    /// A header (replacing one set before).
    pub fn header(&mut self, key: &'static str, value: String) {
        set(&mut self.headers, key, vec![value]);
    }

    /// A header with several values, joined by commas.
    pub fn header_all(&mut self, key: &'static str, values: Vec<String>) {
        set(&mut self.headers, key, vec![values.join(",")]);
    }

    /// A form field (replacing one set before).
    pub fn form(&mut self, key: &'static str, value: String) {
        self.form.retain(|(k, _)| *k != key);
        self.form.push((key, value));
    }

    /// A form field sent once per value (`Permission=a&Permission=b`).
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
    pub(crate) fn binary_content_type(&self, body: &BinaryBody) -> String {
        if let Some(ct) = &body.content_type {
            return ct.clone();
        }
        match self.binary_media_type {
            Some(mt) if !mt.contains('*') => mt.to_string(),
            _ => "application/octet-stream".to_string(),
        }
    }

    /// This list pages by token: the next page is this same request with `parameter` set to
    /// the token the page's `meta` names (the member [`PAGE_TOKEN_MEMBER`](crate::PAGE_TOKEN_MEMBER)).
    pub fn token_paging(&mut self, parameter: &'static str) {
        self.paging = Paging::Token(parameter);
    }

    /// This operation takes an idempotency key in `header` (the spec declares it; the name is
    /// [`IDEMPOTENCY_KEY_HEADER`](crate::IDEMPOTENCY_KEY_HEADER)): each call sends a fresh
    /// UUID there unless the caller set one, keeps it on every retry, and may therefore be
    /// retried after a 5xx, a timeout or a dropped connection like a read.
    pub fn idempotency_key_header(&mut self, header: &'static str) {
        self.idempotency_key_header = Some(header);
    }

    /// The key to add to this call's headers: a fresh UUID (v4) when the operation takes an
    /// idempotency key and the caller set none (a key the caller set is among the headers
    /// already). Made once per call, before the first attempt.
    pub(crate) fn idempotency_key(&self) -> Option<(&'static str, String)> {
        let header = self.idempotency_key_header?;
        if self
            .headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case(header))
        {
            return None;
        }
        Some((header, uuid::Uuid::new_v4().to_string()))
    }

    /// At most `n` items in all from this list request, whether its pages are read with
    /// `send()` and [`Page::next_page`](crate::Page::next_page) or as a stream.
    pub fn limit(&mut self, n: usize) {
        self.limit = Some(n);
    }

    /// The path template this request was built from (for logs).
    pub fn template(&self) -> &'static str {
        self.template
    }

    /// The base URL this request goes to.
    pub(crate) fn base_url(&self) -> &str {
        self.host.as_deref().unwrap_or(&self.core.inner.base_url)
    }

    pub(crate) fn url(&self) -> String {
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
}

/// The request that fetches the page after this one. Kept with the page so that paging by hand
/// goes through the same path as a stream: same client, same rules for the link.
#[derive(Clone)]
pub(crate) struct NextPage {
    /// The list request as built (client, headers, limit); only its URL changes from page to page.
    pub(crate) request: Request,
    /// Property that holds the items.
    pub(crate) key: &'static str,
    /// The next page's URL, already moved onto the client's own host.
    pub(crate) url: String,
    /// Items the limit still allows (`None`: no limit).
    pub(crate) remaining: Option<usize>,
}
