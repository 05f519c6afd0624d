//! Downloading from a link that carries its own authorisation (a signed, short-lived URL such
//! as a media file's temporary link): no credentials go with it, and the body is streamed.

use crate::core::Core;
use crate::error::Error;
use futures::{Stream, TryStreamExt};

impl Core {
    /// The body at `url`, as it arrives, fetched with this client's connections and timeouts but
    /// without its credentials (the link is its own authorisation, and may point at another
    /// host). A non-2xx answer is the same [`Error`] as for any request.
    pub async fn download(
        &self,
        url: &str,
    ) -> Result<impl Stream<Item = Result<bytes::Bytes, Error>> + Send + 'static, Error> {
        let response = self
            .inner
            .http
            .get(url)
            .send()
            .await
            .map_err(Error::from_reqwest)?;
        let status = response.status().as_u16();
        if !(200..300).contains(&status) {
            let request_id = response
                .headers()
                .get("Twilio-Request-Id")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            let body = response.bytes().await.unwrap_or_default();
            return Err(Error::from_response(status, request_id, &body));
        }
        Ok(response.bytes_stream().map_err(Error::from_reqwest))
    }
}
