//! One attempt's complete answer, as the send loop read it: what the retry rules, the
//! redirect reader and the decoder each take from it.

use crate::Response;
use std::time::Duration;

/// A complete response to one attempt.
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) request_id: Option<String>,
    /// The `Location` header (read for operations that answer with a redirect).
    pub(crate) location: Option<String>,
    pub(crate) retry_after: Option<Duration>,
    /// Empty unless the caller asked for headers ([`KeepHeaders`](crate::send::KeepHeaders)).
    pub(crate) headers: reqwest::header::HeaderMap,
    pub(crate) body: bytes::Bytes,
}

impl Answer {
    /// The caller's view of a successful answer: `value` decoded from the body.
    pub(crate) fn into_response<T>(self, value: T) -> Response<T> {
        Response {
            status: self.status,
            request_id: self.request_id,
            headers: self.headers,
            value,
        }
    }
}
