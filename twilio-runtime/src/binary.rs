//! Request bodies of raw bytes (file uploads), from memory or streamed.

use futures::Stream;
use std::fmt;

/// A request body of raw bytes (a file upload): bytes in memory, or a stream read once as it
/// is sent, so a large file never has to fit in memory. Carries its content type.
///
/// Bytes can be sent again, so an upload from bytes is retried by the same rules as any
/// `POST`; a stream cannot be replayed, so a request with one is made exactly once.
#[derive(Clone)]
pub struct BinaryBody {
    pub(crate) content_type: Option<String>,
    /// Bytes the stream will yield, when known: sent as `Content-Length` rather than chunked.
    pub(crate) length: Option<u64>,
    pub(crate) source: BinarySource,
}

#[derive(Clone)]
pub(crate) enum BinarySource {
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
    pub(crate) fn take_for_attempt(&self) -> Option<reqwest::Body> {
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
