//! The intermediate representation of webhook events: what `events.rs` is emitted from, read
//! from an events spec by [`crate::lower::lower_events`].

use super::EnumDef;

/// Every event of one events spec.
#[derive(Debug, Clone, Default)]
pub struct Events {
    pub title: String,
    /// The form field whose value names the event (`EventType`), from the spec's
    /// `x-webhook-events`.
    pub discriminator: String,
    /// Who sends the events, as the docs name it (`Twilio`).
    pub sender: String,
    /// The sentence that ends the docs of each pre-action event (the sender waits for the
    /// answer before it acts).
    pub pre_action_doc: String,
    /// The sentence that ends the docs of each post-action event.
    pub post_action_doc: String,
    pub events: Vec<Event>,
    pub enums: Vec<EnumDef>,
    /// Object types that JSON-encoded fields decode into (`WebhookMedia`).
    pub models: Vec<JsonModel>,
    /// Form fields many events carry, from the spec's `x-shared-fields` list: each gets an
    /// accessor on `WebhookEvent` (`conversation_sid()`), so a handler can route on it without
    /// matching every variant.
    pub shared_fields: Vec<String>,
    /// What the spec's `x-scope-note` says about where events come from, for the
    /// `WebhookEvent` docs; empty when it says nothing.
    pub scope_note: String,
}

/// One event: a request the API sends, decoded into a struct of its own.
#[derive(Debug, Clone)]
pub struct Event {
    /// The event's name, the value of the discriminator field (`onMessageAdded`).
    pub event_type: String,
    /// The `WebhookEvent` variant (`MessageAdded`).
    pub variant: String,
    /// The struct (`OnMessageAdded`).
    pub struct_name: String,
    pub doc: String,
    /// Whether the sender waits for the answer before it acts.
    pub pre_action: bool,
    pub fields: Vec<Field>,
}

/// One form field of an event (or one key of a [`JsonModel`]).
#[derive(Debug, Clone)]
pub struct Field {
    /// Form field name (`MessagingBinding.Address`).
    pub wire: String,
    /// Other spellings the same field arrives under (the property's `x-aliases`), tried in
    /// order after `wire` (`isOnline`, then `IsOnline`).
    pub aliases: Vec<String>,
    pub rust: String,
    pub doc: String,
    pub required: bool,
    pub kind: Kind,
}

/// How a form value is decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// An identifier the runtime checks for this two-letter prefix and 32 hex digits after it.
    Sid(String),
    Integer,
    Boolean,
    DateTime,
    /// Every value of a field that may repeat (`MessagingBinding.Address` of a group MMS), in
    /// the order received: an array of strings without a JSON encoding entry.
    TextList,
    /// Any JSON value.
    Json,
    /// A JSON array of this model.
    JsonList(String),
    /// A string enum.
    Enum(String),
}

/// An object that a JSON-encoded field holds a list of.
#[derive(Debug, Clone)]
pub struct JsonModel {
    pub name: String,
    pub doc: String,
    /// Kinds are `Text`, `Integer`, `Boolean`.
    pub fields: Vec<Field>,
}
