//! A typed, async client for the Twilio Conversations v1 REST API.
//!
//! ```no_run
//! # async fn demo() -> Result<(), conversations_api::Error> {
//! use conversations_api::Client;
//! use futures::TryStreamExt;
//!
//! let client = Client::from_env()?;
//! let conv = client.conversations().create().friendly_name("Support").send().await?;
//! client.conversation(&conv.sid).messages().create().body("hi").send().await?;
//!
//! // Nested objects are typed: the phone number of each SMS participant.
//! let participants = client.conversation(&conv.sid).participants().list().send().await?;
//! for p in &participants.items {
//!     if let Some(address) = p.messaging_binding.as_ref().and_then(|b| b.address.as_ref()) {
//!         println!("{} is reached at {address}", p.sid);
//!     }
//! }
//!
//! // The same handle types, scoped to one service:
//! let svc = client.service("IS00000000000000000000000000000000");
//! let page = svc.conversations().list().page_size(50).send().await?;
//! println!("{} conversations on the first page", page.len());
//! let all: Vec<_> = svc.conversations().list().stream().try_collect().await?;
//! # let _ = all;
//! # Ok(())
//! # }
//! ```
//!
//! Resources that exist both under the account's default service and under a chosen service
//! are generated once; handle types carry a scope parameter ([`DefaultScope`] or
//! [`ServiceScope`]). A parameter the API accepts in one scope only can only be set there.
//! `DRIFT.md` lists every difference between the two variants in the spec.
//!
//! # The shape of the API
//!
//! | where | what |
//! | --- | --- |
//! | [`Client`] | `client.conversations()`, `client.conversation(sid)`, ... and `client.service(sid)` for the Service scope |
//! | [`handles`] | one type per resource, reached from the client and from each other (`ConversationHandle<S>`) |
//! | [`builders`] | one request type per operation: required values in the call, optional ones as methods, then `.send()` |
//! | [`models`] (also at the root) | what the API answers with: [`Conversation`], [`ConversationMessage`], ... |
//! | [`enums`] (also at the root) | string values, each keeping a value this version does not know |
//! | [`events`], [`WebhookEvent`], [`webhook`] | Conversations webhooks, typed; signature checks in [`webhook_signature`] |
//! | [`AccessToken`] | tokens for Twilio's browser and mobile SDKs |
//!
//! Models: what a resource always carries (`sid`, `account_sid`, the SIDs it sits under, `url`,
//! `date_created`) is a plain value, so an answer without it is a decode error naming it; other
//! fields are `Option`s. Nested objects are structs whose `extra` map keeps keys this version of
//! the crate does not name.
//!
//! The runtime under the generated code is the `twilio-runtime` crate, re-exported here:
//!
//! * [`Client`] / [`ClientBuilder`]: account SID with auth token or API key, region and edge,
//!   timeouts, a base-URL override; credentials never appear in `Debug`, errors or logs.
//! * [`RetryPolicy`]: 429 is retried for every method (honouring `Retry-After`), 5xx,
//!   timeouts and broken connections for `GET`/`DELETE` only, so a `POST` the server may have
//!   acted on is never sent twice.
//! * [`Page`] from `list().send()`, with [`Page::next_page`] for the one after it, or every
//!   item lazily from `list().stream()` (one page in memory at a time); `limit(n)` means at
//!   most `n` items in all either way, and no page is fetched past it.
//! * [`Response`] from `send_with_metadata()`: the value plus status, `Twilio-Request-Id` and
//!   headers, for the calls that need them (`send()` returns the value alone).
//! * [`Error`]: Twilio's error body ([`ApiError`]), non-JSON error pages, timeouts, transport
//!   failures and decode errors that name the type and field.
//! * A `tracing` span `conversations_api.request` per call with the method, path template,
//!   attempt, status and `Twilio-Request-Id`.
//!
//! What is Conversations' own is written here: the webhook receiver ([`WebhookReceiver`],
//! [`webhook_response`], `axum_webhook`), [`AccessToken`]s for the SDKs, and the media helpers
//! ([`MediaFile`], `client.send_media_message(..)`).
//!
//! Conversations v2 (configurations, conversations, participants, communications) is the
//! [`v2`] module, reached as `client.v2()`: its lists page by token behind the same [`Page`],
//! its slow writes answer with a [`LongRunning`] operation to [`wait`](LongRunning::wait) for,
//! and those writes carry an idempotency key, so they are retried like reads.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod access_token;
#[cfg(feature = "axum")]
pub mod axum_webhook;
mod media_upload;
pub mod webhook;
pub mod webhook_response;

// Written by `cargo xtask regen`; formatted by the generator, not by rustfmt.
#[rustfmt::skip]
mod generated;

pub use access_token::{
    AccessToken, AccessTokenBuilder, AccessTokenError, DEFAULT_TTL as ACCESS_TOKEN_DEFAULT_TTL,
    MAX_TTL as ACCESS_TOKEN_MAX_TTL,
};
pub use generated::*;
pub use media_upload::MediaFile;
pub use twilio_runtime::reexport::*;
pub use twilio_runtime::webhook_signature;
pub use webhook::{IncomingRequest, ReceiveError, WebhookReceiver};
pub use webhook_response::{
    ConversationChanges, MessageChanges, PreActionResponse, WebhookResponse,
};

/// Default API host, from the spec's server.
pub const DEFAULT_BASE_URL: &str = generated::BASE_URL;
