//! Compile-time guarantees of the generated API: the calls that must compile, as doctests.
//! Their counterparts that must not compile are `tests/ui/*.rs`, each pinned to its compiler
//! error by `tests/tests/compile_fail.rs`.
//!
//! A parameter that the spec allows in one scope only cannot be set in the other:
//!
//! ```
//! # fn f(client: conversations_api::Client) {
//! use conversations_api::ConfigurationWebhookTarget;
//! let _ = client.configuration().webhooks().update().target(ConfigurationWebhookTarget::Flex);
//! # }
//! ```
//!
//! A resource that exists in one scope only is reachable only there:
//!
//! ```
//! # fn f(client: conversations_api::Client) {
//! let _ = client.service("IS00000000000000000000000000000001").bindings().list();
//! # }
//! ```
//!
//! A required parameter is an argument, so leaving it out does not compile:
//!
//! ```
//! # fn f(client: conversations_api::Client) {
//! use conversations_api::RoleType;
//! let _ = client.roles().create("Agent", RoleType::Conversation, ["sendMessage"]);
//! # }
//! ```
//!
//! The two scopes share one model type:
//!
//! ```
//! # async fn f(client: conversations_api::Client) -> Result<(), conversations_api::Error> {
//! let a: conversations_api::Conversation = client.conversation("CH1").fetch().send().await?;
//! let b: conversations_api::Conversation =
//!     client.service("IS1").conversation("CH1").fetch().send().await?;
//! assert_eq!(a.sid.is_some(), b.sid.is_some());
//! # Ok(())
//! # }
//! ```
