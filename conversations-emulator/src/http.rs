//! Small helpers to write answers, and the path prefixes of what the emulator serves beside
//! the REST API.

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;

/// `value` as a JSON answer with `status`, and a `Twilio-Request-Id` like Twilio's (`RQ` and 32
/// hex digits).
pub fn json(status: StatusCode, value: &serde_json::Value) -> Response {
    let mut response = Response::new(Body::from(value.to_string()));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Ok(id) = HeaderValue::from_str(&crate::sid::new_sid("RQ")) {
        headers.insert("Twilio-Request-Id", id);
    }
    response
}

/// An empty answer (204 for a delete).
pub fn empty(status: StatusCode) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = status;
    response
}

/// An answer whose body breaks off: the status line and headers go out, then the connection
/// is closed before the promised body (what a client sees as a dropped connection).
pub fn broken() -> Response {
    let stream = futures_util_stream();
    let mut response = Response::new(Body::from_stream(stream));
    *response.status_mut() = StatusCode::OK;
    response
        .headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from_static("1000"));
    response
}

fn futures_util_stream(
) -> impl futures::Stream<Item = Result<bytes::Bytes, std::io::Error>> + Send + 'static {
    struct Broken;
    impl futures::Stream for Broken {
        type Item = Result<bytes::Bytes, std::io::Error>;
        fn poll_next(
            self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Self::Item>> {
            std::task::Poll::Ready(Some(Err(std::io::Error::other(
                "connection dropped on purpose",
            ))))
        }
    }
    Broken
}

/// The path prefix of the Media Content Service.
pub const MEDIA_PREFIX: &str = "/mcs";
/// Where temporary media links point.
pub const LINK_PREFIX: &str = "/_emulator/media";
