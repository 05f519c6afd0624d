//! Media messages end to end: upload a file to the Media Content Service, attach it to a
//! message, read it back.
//!
//! Twilio keeps message attachments on a separate service with a host of its own
//! (`mcs.us1.twilio.com`, region and edge applied like the main host; see
//! [`Client::host_for`]). The generated `client.media()` handles speak its two operations; this
//! module adds what a caller needs around them:
//!
//! * [`MediaFile`]: the bytes (in memory, a file or any `AsyncRead`, streamed so a large file
//!   never sits in memory), their content type and the file name recipients see;
//! * the default service: an upload needs a service SID even when messages go to the account's
//!   default service, so it is read once from `GET /v1/Configuration` and kept for the client
//!   and all its clones (a failed lookup is not kept);
//! * one call for the common case, in either scope: upload, then create the message with the
//!   `MediaSid` ([`Client::send_media_message`], [`ServiceHandle::send_media_message`]);
//! * reading back: [`Client::fetch_media`] and [`Client::media_content`], which streams the
//!   bytes from the record's short-lived download link.
//!
//! Retries: an upload is a `POST`, so the rules of `retry.rs` apply to it as to any other (429
//! and refused connections are retried, other failures are not). A streamed upload is made
//! exactly once whatever happens, because its bytes are gone once sent.

use crate::builders::CreateConversationMessage;
use crate::handles::ServiceHandle;
use crate::media::Media;
use crate::runtime::BinaryBody;
use crate::scope::{DefaultScope, ServiceScope};
use crate::{Client, ClientBuilder, ConversationMessage, Error};
use futures::{Stream, TryStreamExt};
use std::path::Path;

/// A file to upload: its bytes, their content type, and optionally the name recipients see.
///
/// ```no_run
/// # async fn demo(client: conversations_api::Client) -> Result<(), conversations_api::Error> {
/// use conversations_api::MediaFile;
///
/// // Read while it is sent: memory stays flat whatever the file's size.
/// let file = MediaFile::from_path("chart.png", "image/png").await?;
/// let message = client.send_media_message("CH00000000000000000000000000000000", file).await?;
/// println!("{:?}", message.sid);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct MediaFile {
    body: BinaryBody,
    filename: Option<String>,
}

impl MediaFile {
    /// A file whose bytes are in memory. Such an upload can be sent again, so it is retried
    /// like any `POST`.
    pub fn from_bytes(bytes: impl Into<bytes::Bytes>, content_type: impl Into<String>) -> Self {
        MediaFile {
            body: BinaryBody::bytes(bytes).content_type(content_type),
            filename: None,
        }
    }

    /// A file read from `reader` while it is uploaded. `length`, when known, is sent as
    /// `Content-Length` (otherwise the body goes chunked). Sent once, never retried.
    pub fn from_reader<R>(reader: R, content_type: impl Into<String>, length: Option<u64>) -> Self
    where
        R: tokio::io::AsyncRead + Send + 'static,
    {
        MediaFile {
            body: BinaryBody::reader(reader, length).content_type(content_type),
            filename: None,
        }
    }

    /// The file at `path`, streamed from disk while it is uploaded, with its length as
    /// `Content-Length` and its file name as the filename. A file that cannot be opened is an
    /// [`Error::InvalidArgument`] naming the path.
    pub async fn from_path(
        path: impl AsRef<Path>,
        content_type: impl Into<String>,
    ) -> Result<Self, Error> {
        let path = path.as_ref();
        let unreadable =
            |e: std::io::Error| Error::InvalidArgument(format!("{}: {e}", path.display()));
        let file = tokio::fs::File::open(path).await.map_err(unreadable)?;
        let length = file.metadata().await.map_err(unreadable)?.len();
        let mut media = Self::from_reader(file, content_type, Some(length));
        media.filename = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned());
        Ok(media)
    }

    /// The name recipients see (sent as the upload's `Filename`).
    pub fn filename(mut self, name: impl Into<String>) -> Self {
        self.filename = Some(name.into());
        self
    }

    /// The file name that will be sent, if any.
    pub fn filename_set(&self) -> Option<&str> {
        self.filename.as_deref()
    }
}

impl ClientBuilder {
    /// Send Media Content Service requests to `url` (a mock, a proxy) instead of
    /// `https://mcs.us1.twilio.com` with the region and edge applied. Checked like
    /// [`base_url`](Self::base_url): plain `http://` for loopback hosts only, unless
    /// `danger_accept_plain_http` is set. Without it, a client with a `base_url` sends media
    /// requests there too.
    pub fn media_base_url(self, url: impl Into<String>) -> Self {
        self.host_override(crate::media::BASE_URL, url)
    }
}

/// Upload `file` to the service `service_sid` through the generated handles.
async fn upload_to(client: &Client, service_sid: &str, file: MediaFile) -> Result<Media, Error> {
    let mut create = client
        .media()
        .service(service_sid)
        .media()
        .create(file.body);
    if let Some(name) = file.filename {
        create = create.filename(name);
    }
    create.send().await
}

impl Client {
    /// The account's default Conversations service SID (`default_chat_service_sid` of
    /// `GET /v1/Configuration`), looked up on first use and remembered by this client and its
    /// clones. A failed lookup is not remembered: the next call asks again.
    pub async fn default_chat_service_sid(&self) -> Result<String, Error> {
        let cell = &self.inner.default_service_sid;
        cell.get_or_try_init(|| async {
            let configuration = self.configuration().fetch().send().await?;
            configuration
                .default_chat_service_sid
                .filter(|s| !s.is_empty())
                .ok_or_else(|| {
                    Error::Config(
                        "the account's Conversations configuration names no default chat \
                         service (default_chat_service_sid is empty)"
                            .into(),
                    )
                })
        })
        .await
        .cloned()
    }

    /// Upload `file` to the account's default service (see
    /// [`default_chat_service_sid`](Self::default_chat_service_sid)).
    pub async fn upload_media(&self, file: MediaFile) -> Result<Media, Error> {
        let service = self.default_chat_service_sid().await?;
        upload_to(self, &service, file).await
    }

    /// Upload `file` to the default service and start a message in conversation
    /// `conversation_sid` that carries it (`MediaSid` set); add a body or author, then `send()`.
    pub async fn message_with_media(
        &self,
        conversation_sid: impl AsRef<str>,
        file: MediaFile,
    ) -> Result<CreateConversationMessage<DefaultScope>, Error> {
        let media = self.upload_media(file).await?;
        Ok(self
            .conversation(conversation_sid)
            .messages()
            .create()
            .media_sid(media.sid))
    }

    /// Upload `file` to the default service and post it as a message in conversation
    /// `conversation_sid`: the common case in one call.
    pub async fn send_media_message(
        &self,
        conversation_sid: impl AsRef<str>,
        file: MediaFile,
    ) -> Result<ConversationMessage, Error> {
        self.message_with_media(conversation_sid, file)
            .await?
            .send()
            .await
    }

    /// The media record `media_sid` of the default service.
    pub async fn fetch_media(&self, media_sid: impl AsRef<str>) -> Result<Media, Error> {
        let service = self.default_chat_service_sid().await?;
        self.media()
            .service(service)
            .media_by_sid(media_sid)
            .fetch()
            .send()
            .await
    }

    /// The bytes of `media`, streamed from its short-lived download link
    /// (`links.content_direct_temporary`) as they arrive. The link carries its own
    /// authorisation, so no credentials are sent with it. A record without the link (an
    /// upload's answer may lack it) is an [`Error::InvalidArgument`]: fetch the record first.
    /// A non-2xx answer is the same [`Error`] as for any request.
    pub async fn media_content(
        &self,
        media: &Media,
    ) -> Result<impl Stream<Item = Result<bytes::Bytes, Error>> + Send + 'static, Error> {
        let link = media
            .links
            .as_ref()
            .and_then(|l| l.content_direct_temporary.as_deref())
            .filter(|l| !l.is_empty())
            .ok_or_else(|| {
                Error::InvalidArgument(
                    "the media record has no links.content_direct_temporary; fetch it with \
                     fetch_media first"
                        .into(),
                )
            })?;
        let response = self
            .inner
            .http
            .get(link)
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

impl ServiceHandle {
    /// Upload `file` to this service.
    pub async fn upload_media(&self, file: MediaFile) -> Result<Media, Error> {
        upload_to(self.client(), self.sid(), file).await
    }

    /// Upload `file` to this service and start a message in its conversation
    /// `conversation_sid` that carries it; add a body or author, then `send()`.
    pub async fn message_with_media(
        &self,
        conversation_sid: impl AsRef<str>,
        file: MediaFile,
    ) -> Result<CreateConversationMessage<ServiceScope>, Error> {
        let media = self.upload_media(file).await?;
        Ok(self
            .conversation(conversation_sid)
            .messages()
            .create()
            .media_sid(media.sid))
    }

    /// Upload `file` to this service and post it as a message in its conversation
    /// `conversation_sid`.
    pub async fn send_media_message(
        &self,
        conversation_sid: impl AsRef<str>,
        file: MediaFile,
    ) -> Result<ConversationMessage, Error> {
        self.message_with_media(conversation_sid, file)
            .await?
            .send()
            .await
    }

    /// The media record `media_sid` of this service.
    pub async fn fetch_media(&self, media_sid: impl AsRef<str>) -> Result<Media, Error> {
        self.client()
            .media()
            .service(self.sid())
            .media_by_sid(media_sid)
            .fetch()
            .send()
            .await
    }
}
