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
//! assert_eq!(a.sid.len(), b.sid.len());
//! # Ok(())
//! # }
//! ```
//!
//! A header whose values are `true`/`false` takes a `bool`, under the name its type rule gives
//! (no `x_twilio_` prefix):
//!
//! ```
//! # fn f(client: conversations_api::Client) {
//! let _ = client.conversation("CH1").delete().webhook_enabled(false);
//! let _ = client.conversations().create().webhook_enabled(true);
//! # }
//! ```
//!
//! `send_with_metadata()` gives the value `send()` gives, inside a [`Response`]; a page asks for
//! the next one, iterates, and its future can be spawned:
//!
//! ```
//! # async fn f(client: conversations_api::Client) -> Result<(), conversations_api::Error> {
//! use conversations_api::{Conversation, Page, Response};
//! let r: Response<Conversation> = client.conversation("CH1").fetch().send_with_metadata().await?;
//! let (_status, _id, _headers): (u16, Option<String>, &reqwest::header::HeaderMap) =
//!     (r.status, r.request_id.clone(), &r.headers);
//! let _: Conversation = r.into_value();
//! let _: Response<()> = client.conversation("CH1").delete().send_with_metadata().await?;
//! let first: Response<Page<Conversation>> =
//!     client.conversations().list().limit(10).send_with_metadata().await?;
//! let page: Page<Conversation> = first.value;
//! for c in &page {
//!     let _: &Conversation = c;
//! }
//! let next: Option<Page<Conversation>> = page.next_page().await?;
//! let _: Option<Response<Page<Conversation>>> = page.next_page_with_metadata().await?;
//! fn spawnable<F: std::future::Future + Send + 'static>(_: F) {}
//! spawnable(async move { page.next_page().await });
//! let _: Vec<Conversation> = next.into_iter().flatten().collect();
//! # Ok(())
//! # }
//! ```
//!
//! What a resource always carries is a plain value, so its SID leads straight to its handle:
//!
//! ```
//! # async fn f(client: conversations_api::Client) -> Result<(), conversations_api::Error> {
//! let conv = client.conversations().create().send().await?;
//! let sid: &String = &conv.sid;
//! let created: conversations_api::DateTime = conv.date_created;
//! let url: &str = &conv.url;
//! client.conversation(sid).messages().create().body("hi").send().await?;
//! # let _ = (created, url);
//! # Ok(())
//! # }
//! ```
//!
//! Nested objects are structs with typed fields, each optional, and an `extra` map for keys
//! this version does not name:
//!
//! ```
//! use conversations_api::{
//!     ConversationMessage, ConversationParticipant, ConversationScopedWebhook, Conversation,
//!     ServiceNotification,
//! };
//! fn read(c: &Conversation, p: &ConversationParticipant, m: &ConversationMessage,
//!         w: &ConversationScopedWebhook, n: &ServiceNotification) {
//!     let address: Option<&String> = p.messaging_binding.as_ref().and_then(|b| b.address.as_ref());
//!     let closes: Option<conversations_api::DateTime> =
//!         c.timers.as_ref().and_then(|t| t.date_closed);
//!     let messages_url: Option<&String> = c.links.as_ref().and_then(|l| l.messages.as_ref());
//!     let email_name: Option<&String> =
//!         c.bindings.as_ref().and_then(|b| b.email.as_ref()).and_then(|e| e.name.as_ref());
//!     let sizes: Vec<i64> = m.media.iter().flatten().filter_map(|item| item.size).collect();
//!     let delivered: Option<&String> = m.delivery.as_ref().and_then(|d| d.delivered.as_ref());
//!     let total: Option<i64> = m.delivery.as_ref().and_then(|d| d.total);
//!     let filters: Option<&Vec<String>> = w.configuration.as_ref().and_then(|c| c.filters.as_ref());
//!     let template: Option<&String> = n.new_message.as_ref().and_then(|s| s.template.as_ref());
//!     let unknown: Option<&serde_json::Value> =
//!         p.messaging_binding.as_ref().and_then(|b| b.extra.get("level"));
//!     let _ = (address, closes, messages_url, email_name, sizes, delivered, total, filters,
//!              template, unknown);
//! }
//! ```
//!
//! The typed sub-objects are structs users can name, start from `Default` and decode:
//!
//! ```
//! use conversations_api::{MessagingBinding, ConversationTimers};
//! let binding = MessagingBinding::default();
//! let timers: ConversationTimers = serde_json::from_str(r#"{"date_closed": null}"#).unwrap();
//! assert_eq!(binding.address, None);
//! assert!(timers.extra.is_empty());
//! ```
//!
//! [`Response`]: conversations_api::Response
