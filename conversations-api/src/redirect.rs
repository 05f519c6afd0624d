//! What an operation that answers with a redirect returns.

/// Where the API sent the request on to, returned instead of followed.
///
/// Some operations answer only with a redirect (an OAuth authorize step, a link to a file to
/// download). The client never follows a redirect itself: the credentials it sends must not
/// reach another host, and the caller usually wants the target (to hand it to a browser, or
/// to download from it with another client).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Redirect<T = ()> {
    /// HTTP status of the answer (`302`, `307`, ...).
    pub status: u16,
    /// The `Location` header, made absolute against the request's URL when it was relative.
    pub location: String,
    /// The redirect's body decoded as `T`, when the spec declares one and the answer has one.
    pub body: Option<T>,
    /// The `Twilio-Request-Id` header, if present.
    pub request_id: Option<String>,
}
