//! One error type for everything a call can fail with.
//!
//! No variant ever holds a credential: the auth token and API secret live only inside the
//! client and go on the wire in the `Authorization` header, which is never copied into an
//! error, a log record or a `Debug` output.

use std::fmt;

/// An error answered by the Twilio API (a JSON error body).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ApiError {
    /// Twilio's error code (see `more_info`), e.g. `20404`.
    pub code: Option<i64>,
    /// Twilio's message.
    pub message: String,
    /// A link to the error's documentation.
    pub more_info: Option<String>,
    /// The `status` field of the body.
    pub status: Option<u16>,
    /// Extra details, when Twilio sends them.
    pub details: Option<serde_json::Value>,
    /// The HTTP status of the response.
    pub http_status: u16,
    /// The `Twilio-Request-Id` response header (quote it to Twilio support).
    pub request_id: Option<String>,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Twilio API error {}", self.http_status)?;
        if let Some(code) = self.code {
            write!(f, " (code {code})")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(id) = &self.request_id {
            write!(f, " [request {id}]")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// Everything a call can fail with.
///
/// Retryable failures (see [`RetryPolicy`](crate::RetryPolicy)) are retried before they reach
/// you; the error returned is the last attempt's.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The API answered with Twilio's JSON error body.
    Api(Box<ApiError>),
    /// The server answered an error status with a body that is not Twilio's JSON (for example
    /// an HTML page from a proxy or load balancer).
    Http {
        /// HTTP status.
        status: u16,
        /// `Twilio-Request-Id`, if present.
        request_id: Option<String>,
        /// At most [`Error::EXCERPT_LIMIT`] bytes of the body, lossily decoded as UTF-8.
        body_excerpt: String,
    },
    /// An attempt did not complete within the configured connect or total timeout. The source
    /// says which phase ran out of time (connecting, or waiting for and reading the answer).
    Timeout(reqwest::Error),
    /// The connection could not be made, or broke before a complete answer arrived.
    /// [`Error::is_connect`] tells whether anything could have reached the server.
    Transport(reqwest::Error),
    /// A success response that does not decode into the expected type.
    Decode {
        /// The type being decoded (e.g. `Conversation`).
        type_name: &'static str,
        /// Path of the field that failed (e.g. `conversations[3].date_created`), `.` for the top
        /// level.
        field: String,
        /// What went wrong.
        message: String,
    },
    /// A success response whose body ends before its JSON value does: the answer was cut short
    /// on the way (a proxy, a dropped connection that still looked complete), not a field that
    /// has the wrong type.
    Truncated {
        /// The type being decoded (e.g. `Conversation`).
        type_name: &'static str,
        /// How many bytes of body arrived.
        bytes_received: usize,
    },
    /// The client is misconfigured (missing or malformed credentials, bad region or base URL).
    Config(String),
    /// An argument cannot be sent as given (for example a path value of `..`); nothing was sent.
    InvalidArgument(String),
    /// An operation that answers with a redirect got an answer without a usable target: no
    /// `Location` header, or one that is not a URL.
    NoRedirectTarget {
        /// HTTP status of the answer.
        status: u16,
        /// `Twilio-Request-Id`, if present.
        request_id: Option<String>,
    },
    /// A success status the spec does not list for this operation, on an operation whose
    /// answers differ by status: the body cannot be told apart safely, so it is not guessed.
    UnexpectedStatus {
        /// HTTP status of the answer (a 2xx).
        status: u16,
        /// `Twilio-Request-Id`, if present.
        request_id: Option<String>,
    },
    /// A long-running operation was still not in a final state when the wait given to
    /// [`LongRunning::wait`](crate::LongRunning::wait) ran out. It may still finish: poll again
    /// later.
    OperationPending {
        /// How long the wait lasted.
        waited: std::time::Duration,
        /// The state the last poll reported (its `status`), if it named one.
        last_state: Option<String>,
    },
    /// An accepted long-running operation whose answer names no place to poll (no
    /// `statusUrl`), so its progress cannot be followed.
    NoStatusUrl,
}

/// Longest body excerpt kept in [`Error::Http`], in bytes.
pub(crate) const EXCERPT_LIMIT: usize = 512;

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => e.fmt(f),
            Error::Http {
                status,
                request_id,
                body_excerpt,
            } => {
                write!(f, "HTTP {status} with a body that is not a Twilio error")?;
                if let Some(id) = request_id {
                    write!(f, " [request {id}]")?;
                }
                write!(f, ": {body_excerpt}")
            }
            Error::Timeout(e) => {
                write!(f, "the request timed out")?;
                write_causes(f, e)
            }
            Error::Transport(e) => {
                write!(f, "transport error: {e}")?;
                write_causes(f, e)
            }
            Error::Decode {
                type_name,
                field,
                message,
            } => {
                write!(f, "could not decode {type_name} at `{field}`: {message}")
            }
            Error::Truncated {
                type_name,
                bytes_received,
            } => write!(
                f,
                "the {type_name} body was cut short: it ends after {bytes_received} bytes, \
                 inside its JSON value"
            ),
            Error::Config(m) => write!(f, "client configuration: {m}"),
            Error::InvalidArgument(m) => write!(f, "invalid argument: {m}"),
            Error::NoRedirectTarget { status, request_id } => {
                write!(
                    f,
                    "expected a redirect, got HTTP {status} without a usable Location header"
                )?;
                if let Some(id) = request_id {
                    write!(f, " [request {id}]")?;
                }
                Ok(())
            }
            Error::UnexpectedStatus { status, request_id } => {
                write!(
                    f,
                    "HTTP {status} is a success the spec does not list for this operation"
                )?;
                if let Some(id) = request_id {
                    write!(f, " [request {id}]")?;
                }
                Ok(())
            }
            Error::OperationPending { waited, last_state } => {
                write!(
                    f,
                    "the operation was not finished after {:.1} s",
                    waited.as_secs_f64()
                )?;
                if let Some(state) = last_state {
                    write!(f, " (last state {state})")?;
                }
                Ok(())
            }
            Error::NoStatusUrl => write!(
                f,
                "the accepted operation's answer names no status URL to poll"
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(e) | Error::Timeout(e) => Some(e),
            _ => None,
        }
    }
}

impl Error {
    /// Longest body excerpt kept in [`Error::Http`], in bytes.
    pub const EXCERPT_LIMIT: usize = EXCERPT_LIMIT;

    /// The HTTP status, for errors that have one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.http_status),
            Error::Http { status, .. }
            | Error::NoRedirectTarget { status, .. }
            | Error::UnexpectedStatus { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Twilio's error code, for [`Error::Api`].
    pub fn code(&self) -> Option<i64> {
        self.api().and_then(|e| e.code)
    }

    /// The `Twilio-Request-Id` of the failed response, if there was one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.request_id.as_deref(),
            Error::Http { request_id, .. }
            | Error::NoRedirectTarget { request_id, .. }
            | Error::UnexpectedStatus { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The API error body, for [`Error::Api`].
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// `true` for [`Error::Timeout`].
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout(_))
    }

    /// `true` when a [`Error::Transport`] failure happened while connecting, so the request
    /// never reached the server.
    pub fn is_connect(&self) -> bool {
        matches!(self, Error::Transport(e) if e.is_connect())
    }

    pub(crate) fn from_reqwest(e: reqwest::Error) -> Self {
        if e.is_timeout() {
            Error::Timeout(e.without_url())
        } else {
            Error::Transport(e.without_url())
        }
    }

    /// Build the error for a non-2xx response.
    pub(crate) fn from_response(status: u16, request_id: Option<String>, body: &[u8]) -> Self {
        #[derive(serde::Deserialize)]
        struct Body {
            code: Option<i64>,
            message: Option<String>,
            more_info: Option<String>,
            status: Option<u16>,
            details: Option<serde_json::Value>,
        }
        match serde_json::from_slice::<Body>(body) {
            Ok(b) if b.message.is_some() || b.code.is_some() => Error::Api(Box::new(ApiError {
                code: b.code,
                message: b.message.unwrap_or_default(),
                more_info: b.more_info,
                status: b.status,
                details: b.details,
                http_status: status,
                request_id,
            })),
            _ => Error::Http {
                status,
                request_id,
                body_excerpt: excerpt(body),
            },
        }
    }
}

/// `: cause: cause ...` for every source below `e`: reqwest's own message is generic ("error
/// sending request"), the causes say why.
fn write_causes(f: &mut fmt::Formatter<'_>, e: &reqwest::Error) -> fmt::Result {
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        write!(f, ": {cause}")?;
        source = cause.source();
    }
    Ok(())
}

/// At most [`EXCERPT_LIMIT`] bytes of `body` as text, cut on a character boundary.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(EXCERPT_LIMIT + 4)]);
    let mut cut = text.len().min(EXCERPT_LIMIT);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    text[..cut].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_is_bounded_and_cut_on_a_char_boundary() {
        let body = "é".repeat(EXCERPT_LIMIT);
        let e = excerpt(body.as_bytes());
        assert!(e.len() <= EXCERPT_LIMIT);
        assert!(e.chars().all(|c| c == 'é'));
        assert_eq!(excerpt(b"<html>"), "<html>");
    }

    #[test]
    fn json_without_code_or_message_is_not_an_api_error() {
        let e = Error::from_response(502, None, br#"{"hello": 1}"#);
        assert!(matches!(e, Error::Http { status: 502, .. }));
    }
}
