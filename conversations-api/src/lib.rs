//! A typed, async client for the Twilio Conversations v1 REST API.
//!
//! ```no_run
//! # async fn demo() -> Result<(), conversations_api::Error> {
//! use conversations_api::Client;
//! use futures::TryStreamExt;
//!
//! let client = Client::from_env()?;
//! let conv = client.conversations().create().friendly_name("Support").send().await?;
//! let sid = conv.sid.clone().unwrap_or_default();
//! client.conversation(&sid).messages().create().body("hi").send().await?;
//!
//! // The same handle types, scoped to one service:
//! let svc = client.service("IS00000000000000000000000000000000");
//! let page = svc.conversations().list().page_size(50).send().await?;
//! println!("{} conversations on the first page", page.items.len());
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

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod client;
mod error;
mod page;
#[doc(hidden)]
pub mod runtime;
pub mod scope;

// Written by `cargo xtask regen`; formatted by the generator, not by rustfmt.
#[rustfmt::skip]
mod generated;

pub use client::{Client, ClientBuilder};
pub use error::{ApiError, Error};
pub use generated::*;
pub use page::{Page, PageMeta};
pub use scope::{DefaultScope, Scope, ServiceScope};

/// Date-times on the wire are RFC 3339 in UTC.
pub type DateTime = chrono::DateTime<chrono::Utc>;
