//! What an operation that answers with a redirect returns.

use crate::error::Error;

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

/// The [`Redirect`](crate::Redirect) an answer makes, its `Location` resolved against the
/// request's URL (a relative target means "on this host"). No usable `Location` is
/// [`Error::NoRedirectTarget`], whatever the status.
pub(crate) fn redirect_target<T>(
    request_url: &str,
    answer: crate::answer::Answer,
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
