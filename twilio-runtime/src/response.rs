//! A successful answer together with what came with it besides the body.

/// A decoded answer and its HTTP metadata, from a builder's `send_with_metadata()`.
///
/// `send()` returns only the value, which is what most calls want; this is for the calls that
/// also need the request id (to quote to Twilio support, or to log next to a business event),
/// the status (`200` or `201`) or a header such as a rate-limit figure.
///
/// In an API crate (here `conversations-api`):
///
/// ```text
/// let created = client.conversations().create().send_with_metadata().await?;
/// println!("{} {:?}", created.status, created.request_id);
/// let conversation = created.value;
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Response<T> {
    /// HTTP status of the answer (a 2xx).
    pub status: u16,
    /// The `Twilio-Request-Id` header: the id Twilio knows this request by.
    pub request_id: Option<String>,
    /// Every header of the answer.
    pub headers: reqwest::header::HeaderMap,
    /// The decoded body (`()` for an operation that answers with no body).
    pub value: T,
}

impl<T> Response<T> {
    /// The decoded body, dropping the metadata.
    pub fn into_value(self) -> T {
        self.value
    }

    /// The same metadata with the value changed by `f`.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            status: self.status,
            request_id: self.request_id,
            headers: self.headers,
            value: f(self.value),
        }
    }
}
