//! One error type for everything a call can fail with.

use std::fmt;

/// An error answered by the Twilio API (a JSON error body).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ApiError {
    /// Twilio's error code (see `more_info`).
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
    /// The `Twilio-Request-Id` response header.
    pub request_id: Option<String>,
}

/// Everything a call can fail with.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The API answered with an error body.
    Api(Box<ApiError>),
    /// The server answered an error status with a body that is not Twilio's JSON (for example
    /// an HTML page from a proxy).
    Http {
        /// HTTP status.
        status: u16,
        /// `Twilio-Request-Id`, if present.
        request_id: Option<String>,
        /// The first bytes of the body, lossily decoded.
        body_excerpt: String,
    },
    /// The request did not complete in time.
    Timeout,
    /// The connection failed or broke.
    Transport(reqwest::Error),
    /// A success response that does not decode into the expected type.
    Decode {
        /// The type being decoded.
        type_name: &'static str,
        /// Path of the field that failed (e.g. `messages[3].date_created`), `.` for the top level.
        field: String,
        /// What went wrong.
        message: String,
    },
    /// The client is misconfigured (missing or malformed credentials, bad base URL, ...).
    Config(String),
}

/// Longest body excerpt kept in [`Error::Http`].
pub(crate) const EXCERPT_LIMIT: usize = 512;

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => {
                write!(f, "Twilio API error {}", e.http_status)?;
                if let Some(code) = e.code {
                    write!(f, " (code {code})")?;
                }
                write!(f, ": {}", e.message)?;
                if let Some(id) = &e.request_id {
                    write!(f, " [request {id}]")?;
                }
                Ok(())
            }
            Error::Http {
                status,
                body_excerpt,
                ..
            } => {
                write!(f, "HTTP {status} with a non-JSON body: {body_excerpt}")
            }
            Error::Timeout => write!(f, "the request timed out"),
            Error::Transport(e) => write!(f, "transport error: {e}"),
            Error::Decode {
                type_name,
                field,
                message,
            } => {
                write!(f, "could not decode {type_name} at `{field}`: {message}")
            }
            Error::Config(m) => write!(f, "client configuration: {m}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(e) => Some(e),
            _ => None,
        }
    }
}

impl Error {
    /// The HTTP status, for errors that have one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.http_status),
            Error::Http { status, .. } => Some(*status),
            _ => None,
        }
    }

    pub(crate) fn from_reqwest(e: reqwest::Error) -> Self {
        if e.is_timeout() {
            Error::Timeout
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
            _ => {
                let cut = body.len().min(EXCERPT_LIMIT);
                Error::Http {
                    status,
                    request_id,
                    body_excerpt: String::from_utf8_lossy(&body[..cut]).into_owned(),
                }
            }
        }
    }
}
