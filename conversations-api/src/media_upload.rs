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
//!   `MediaSid` ([`Client::send_media_message`], [`ServiceHandle::send_media_message`]),
//!   written once over the scope ([`Place`]);
//! * reading back: [`Client::fetch_media`] and [`Client::media_content`], which streams the
//!   bytes from the record's short-lived download link.
//!
//! Retries: an upload is a `POST`, so the rules of `retry.rs` apply to it as to any other (429
//! and refused connections are retried, other failures are not). A streamed upload is made
//! exactly once whatever happens, because its bytes are gone once sent.

//!
//! Twilio deletes an upload that no message names within 5 minutes, and a temporary link
//! expires 300 seconds after it was issued (docs/twilio-facts.md, "Media"): the helpers upload
//! and attach in one call, and [`Client::media_content`] reads a link that was just fetched.
use crate::builders::CreateConversationMessage;
use crate::handles::{ConversationHandle, ServiceHandle};
use crate::media::Media;
use crate::scope::{DefaultScope, Scope, ServiceScope};
use crate::{BinaryBody, Client, ClientBuilder, ConversationMessage, Error};
use futures::Stream;
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
        self.api_base_url(crate::media::BASE_URL, url)
    }
}

/// The account's default Conversations service SID, once looked up: kept by the client (see
/// [`twilio_runtime::Core::shared`]) so that every clone uses one lookup.
#[derive(Default)]
struct DefaultServiceSid(tokio::sync::OnceCell<String>);

impl Client {
    /// The account's default Conversations service SID (`default_chat_service_sid` of
    /// `GET /v1/Configuration`), looked up on first use and remembered by this client and its
    /// clones. A failed lookup is not remembered: the next call asks again.
    pub async fn default_chat_service_sid(&self) -> Result<String, Error> {
        let kept = self.core().shared::<DefaultServiceSid>();
        kept.0
            .get_or_try_init(|| async {
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

    /// The bytes of `media`, streamed from its short-lived download link
    /// (`links.content_direct_temporary`, valid for 300 seconds after the record was fetched)
    /// as they arrive. The link carries its own authorisation, so no credentials are sent with
    /// it. A record without the link (an upload's answer may lack it) is an
    /// [`Error::InvalidArgument`]: fetch the record first. A non-2xx answer is the same
    /// [`Error`] as for any request.
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
        self.core().download(link).await
    }
}

/// Where a media message goes: the account's default service ([`Client`]) or a chosen one
/// ([`ServiceHandle`]). The helpers are written once over it.
trait Place {
    /// The scope of the conversations reached from here.
    type Scope: Scope;
    fn client(&self) -> &Client;
    /// The service SID when it is known here; `None` means the account's default service.
    fn chosen_service(&self) -> Option<&str>;
    fn conversation_in(&self, sid: &str) -> ConversationHandle<Self::Scope>;
}

impl Place for Client {
    type Scope = DefaultScope;
    fn client(&self) -> &Client {
        self
    }
    fn chosen_service(&self) -> Option<&str> {
        None
    }
    fn conversation_in(&self, sid: &str) -> ConversationHandle<DefaultScope> {
        self.conversation(sid)
    }
}

impl Place for ServiceHandle {
    type Scope = ServiceScope;
    fn client(&self) -> &Client {
        ServiceHandle::client(self)
    }
    fn chosen_service(&self) -> Option<&str> {
        Some(self.sid())
    }
    fn conversation_in(&self, sid: &str) -> ConversationHandle<ServiceScope> {
        self.conversation(sid)
    }
}

async fn service_of<P: Place>(place: &P) -> Result<String, Error> {
    match place.chosen_service() {
        Some(sid) => Ok(sid.to_string()),
        None => place.client().default_chat_service_sid().await,
    }
}

async fn upload<P: Place>(place: &P, file: MediaFile) -> Result<Media, Error> {
    let service = service_of(place).await?;
    let mut create = place
        .client()
        .media()
        .service(service)
        .media()
        .create(file.body);
    if let Some(name) = file.filename {
        create = create.filename(name);
    }
    create.send().await
}

async fn message_with<P: Place>(
    place: &P,
    conversation_sid: &str,
    file: MediaFile,
) -> Result<CreateConversationMessage<P::Scope>, Error> {
    let media = upload(place, file).await?;
    Ok(place
        .conversation_in(conversation_sid)
        .messages()
        .create()
        .media_sid(media.sid))
}

async fn fetch<P: Place>(place: &P, media_sid: &str) -> Result<Media, Error> {
    let service = service_of(place).await?;
    place
        .client()
        .media()
        .service(service)
        .media_by_sid(media_sid)
        .fetch()
        .send()
        .await
}

/// The public helpers of one [`Place`], delegating to the functions above.
macro_rules! media_helpers {
    ($place:ty, $scope:ty, $where:literal) => {
        impl $place {
            #[doc = concat!("Upload `file` to ", $where, ".")]
            pub async fn upload_media(&self, file: MediaFile) -> Result<Media, Error> {
                upload(self, file).await
            }

            #[doc = concat!("Upload `file` to ", $where, " and start a message in conversation")]
            /// `conversation_sid` that carries it (`MediaSid` set); add a body or author, then
            /// `send()`.
            pub async fn message_with_media(
                &self,
                conversation_sid: impl AsRef<str>,
                file: MediaFile,
            ) -> Result<CreateConversationMessage<$scope>, Error> {
                message_with(self, conversation_sid.as_ref(), file).await
            }

            #[doc = concat!("Upload `file` to ", $where, " and post it as a message in conversation")]
            /// `conversation_sid`: the common case in one call.
            pub async fn send_media_message(
                &self,
                conversation_sid: impl AsRef<str>,
                file: MediaFile,
            ) -> Result<ConversationMessage, Error> {
                message_with(self, conversation_sid.as_ref(), file)
                    .await?
                    .send()
                    .await
            }

            #[doc = concat!("The media record `media_sid` of ", $where, ".")]
            pub async fn fetch_media(&self, media_sid: impl AsRef<str>) -> Result<Media, Error> {
                fetch(self, media_sid.as_ref()).await
            }
        }
    };
}

media_helpers!(
    Client,
    DefaultScope,
    "the account's default service (see [`default_chat_service_sid`](Client::default_chat_service_sid))"
);
media_helpers!(ServiceHandle, ServiceScope, "this service");
