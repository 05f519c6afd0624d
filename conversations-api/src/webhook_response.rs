//! Answers to webhooks, as status + headers + body that any HTTP framework can send.
//!
//! A post-action webhook only needs a `200`. A pre-action webhook's answer decides the
//! action: `200` with an empty body lets it go ahead unchanged; `200` with a JSON object lets
//! it go ahead with the fields the object names changed (only the keys Twilio documents for a
//! pre-action answer, in Twilio's snake_case spelling: [`MessageChanges`],
//! [`ConversationChanges`]; Twilio ignores a key it does not know, so a change under any other
//! name would silently not happen); any 4xx or 5xx stops it, so
//! [`PreActionResponse::Reject`] answers `403`.
//!
//! Twilio waits at most 5 seconds for the answer; after that the action goes ahead unchanged,
//! as if the answer had been an empty `200`. Answer first, work after: slow work (a REST call
//! of your own, a database write) belongs after the answer, in a task of its own. The sources
//! of these rules are in `docs/twilio-facts.md`.

use serde_json::{Map, Value};

/// A response ready to be written by an HTTP server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookResponse {
    /// HTTP status.
    pub status: u16,
    /// `Some("application/json")` when there is a body.
    pub content_type: Option<&'static str>,
    /// Body bytes (empty for a bare status).
    pub body: Vec<u8>,
}

impl WebhookResponse {
    /// `200` with no body: what a post-action webhook (or any event to ignore) gets.
    pub fn ok() -> WebhookResponse {
        WebhookResponse {
            status: 200,
            content_type: None,
            body: Vec::new(),
        }
    }
}

/// The answer to a pre-action webhook.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum PreActionResponse {
    /// Let the action go ahead as it is.
    Allow,
    /// Let a message be added or changed, with these fields replaced.
    ModifyMessage(MessageChanges),
    /// Let a conversation be created or changed, with these fields replaced.
    ModifyConversation(ConversationChanges),
    /// Stop the action: nothing is added, changed or removed.
    Reject,
}

/// What a pre-action message webhook (`onMessageAdd`, `onMessageUpdate`) may change. Fields
/// left `None` keep what the sender wrote.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct MessageChanges {
    /// New text of the message.
    pub body: Option<String>,
    /// New author (an identity or an address).
    pub author: Option<String>,
    /// Any JSON; Twilio stores attributes as JSON text, so it is sent as a string.
    pub attributes: Option<Value>,
}

impl MessageChanges {
    /// Replace the message's text.
    pub fn body(mut self, body: impl Into<String>) -> Self {
        self.body = Some(body.into());
        self
    }

    /// Replace the message's author.
    pub fn author(mut self, author: impl Into<String>) -> Self {
        self.author = Some(author.into());
        self
    }

    /// Replace the attributes.
    pub fn attributes(mut self, attributes: Value) -> Self {
        self.attributes = Some(attributes);
        self
    }
}

/// What a pre-action conversation webhook (`onConversationAdd`, `onConversationUpdate`) may
/// change: the keys Twilio documents (`friendly_name`) and the one Twilio's own sample service
/// answers with (`attributes`, as JSON text). A conversation's unique name, state and timers
/// cannot be changed by the answer; change them with a REST call after answering.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct ConversationChanges {
    /// New display name (`friendly_name`).
    pub friendly_name: Option<String>,
    /// New attributes (any JSON, sent as JSON text under `attributes`).
    pub attributes: Option<Value>,
}

impl ConversationChanges {
    /// Replace the display name.
    pub fn friendly_name(mut self, name: impl Into<String>) -> Self {
        self.friendly_name = Some(name.into());
        self
    }

    /// Replace the attributes.
    pub fn attributes(mut self, attributes: Value) -> Self {
        self.attributes = Some(attributes);
        self
    }
}

/// Attributes travel as JSON text inside the JSON answer.
fn attributes_text(value: &Value) -> Value {
    Value::String(value.to_string())
}

impl PreActionResponse {
    /// Status and body as Twilio expects them.
    pub fn to_response(&self) -> WebhookResponse {
        let mut fields = Map::new();
        let mut put = |key: &str, value: Option<Value>| {
            if let Some(v) = value {
                fields.insert(key.to_string(), v);
            }
        };
        match self {
            PreActionResponse::Allow => return WebhookResponse::ok(),
            PreActionResponse::Reject => {
                return WebhookResponse {
                    status: 403,
                    content_type: None,
                    body: Vec::new(),
                }
            }
            PreActionResponse::ModifyMessage(m) => {
                put("body", m.body.clone().map(Value::String));
                put("author", m.author.clone().map(Value::String));
                put("attributes", m.attributes.as_ref().map(attributes_text));
            }
            PreActionResponse::ModifyConversation(c) => {
                put("friendly_name", c.friendly_name.clone().map(Value::String));
                put("attributes", c.attributes.as_ref().map(attributes_text));
            }
        }
        if fields.is_empty() {
            // Nothing to change is the same as allowing the action unchanged.
            return WebhookResponse::ok();
        }
        WebhookResponse {
            status: 200,
            content_type: Some("application/json"),
            body: Value::Object(fields).to_string().into_bytes(),
        }
    }
}

impl From<PreActionResponse> for WebhookResponse {
    fn from(r: PreActionResponse) -> WebhookResponse {
        r.to_response()
    }
}
