//! Sending a request: one attempt on the wire, the retry loop around it (rules in
//! `retry.rs`) inside a `tracing` span, and the `send_*` endpoints the generated builders call.

use crate::answer::Answer;
use crate::binary::{BinaryBody, BinarySource};
use crate::decode::decode;
use crate::error::Error;
use crate::redirect::redirect_target;
use crate::request::Request;
use crate::retry::{self, Failure};
use crate::Response;
use serde::de::DeserializeOwned;
use std::time::{Duration, Instant, SystemTime};
use tracing::Instrument;

/// Most bytes of an error body read (enough for any Twilio error; an endless proxy page is
/// cut off).
const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// The header Twilio names each request with (lower case, as `HeaderName` stores names).
const REQUEST_ID: reqwest::header::HeaderName =
    reqwest::header::HeaderName::from_static("twilio-request-id");

impl Request {
    /// One attempt: send, then read the whole body (at most [`ERROR_BODY_LIMIT`] bytes of an
    /// error body).
    pub(crate) async fn attempt(
        &self,
        url: &str,
        headers: KeepHeaders,
        idempotency_key: Option<&(&'static str, String)>,
    ) -> Result<Answer, reqwest::Error> {
        let inner = &self.core.inner;
        // Built once per client and marked sensitive (see `Credentials::authorization`).
        let mut rb = inner
            .http
            .request(self.method.clone(), url)
            .header(reqwest::header::AUTHORIZATION, inner.authorization.clone())
            .header(
                reqwest::header::ACCEPT,
                reqwest::header::HeaderValue::from_static("application/json"),
            );
        for (k, v) in self.headers.iter().chain(idempotency_key) {
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
    pub(crate) async fn execute(
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
        // The API crate makes the span (its name is the crate's: `conversations_api.request`).
        let span = (self.core.inner.api.request_span)(&self.method, self.template);
        // One key per call, made before the first attempt and sent on every one.
        let idempotency_key = self.idempotency_key();
        let work =
            self.execute_with_retries(url, headers, &span, redirects, idempotency_key.as_ref());
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
        idempotency_key: Option<&(&'static str, String)>,
    ) -> Result<Answer, Error> {
        let policy = self.core.inner.retry;
        // The key the caller set counts as much as one made here: either way every attempt
        // carries the same one.
        let keyed = self.idempotency_key_header.is_some();
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
            let (failure, error, retry_after) =
                match self.attempt(url, headers, idempotency_key).await {
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
            if !retry::retryable(&self.method, failure, keyed) || attempt >= max_attempts {
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
        Error::UnexpectedStatus { .. } => "unexpected-status",
        Error::OperationPending { .. } => "operation-pending",
        Error::NoStatusUrl => "no-status-url",
    }
}
