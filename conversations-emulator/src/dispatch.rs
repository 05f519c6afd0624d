//! Which webhooks an action calls and with what: the pre-action call that may change or stop
//! it, the post-action events to the account's or the service's targets and to the
//! conversation's own webhooks, and the state change a timer makes.

use crate::behaviour::names;
use crate::catalog::{Action, Operation};
use crate::error::ApiFailure;
use crate::events;
use crate::fields::snake;
use crate::params::Values;
use crate::place::{self, Place};
use crate::router::Matched;
use crate::shared::Shared;
use crate::store::{Record, Store};
use crate::webhooks::{Target, Verdict};
use serde_json::{Map, Value};
use std::sync::Arc;

/// The post-action calls an action makes: (target, event type, form fields).
pub type PostEvents = Vec<(Target, String, Vec<(String, String)>)>;

/// The pre-action webhook of this request, if its resource and action have one and a target
/// wants it: the answer's changes, or the failure that stops the action.
pub async fn pre_action(
    shared: &Arc<Shared>,
    matched: &Matched<'_>,
    values: &Values,
) -> Result<Option<Map<String, Value>>, ApiFailure> {
    let op = matched.op;
    let Some((pre, _)) = events::event_types(&op.resource, op.action) else {
        return Ok(None);
    };
    if !shared.events.events.contains_key(&pre) {
        return Ok(None);
    }
    let (target, fields) = {
        let store = shared.lock();
        let place = place::resolve(
            &shared.catalog,
            matched,
            &store,
            &shared.api_url(),
            &shared.default_service,
        )?;
        let Some(target) = service_targets(shared, &store, &place).0 else {
            return Ok(None);
        };
        if !events::listed(&target, &pre) {
            return Ok(None);
        }
        // What the event says: the record as it is (update, delete) or the parameters (add).
        let mut record = place
            .item
            .as_deref()
            .and_then(|sid| store.get(&place.collection, sid))
            .map(Record::fields)
            .unwrap_or_default();
        for (wire, value) in &values.0 {
            let key = wire.split('.').map(snake).collect::<Vec<_>>().join(".");
            record.insert(key, value.clone());
        }
        let facts = event_facts(shared, &place, op, &record);
        let Some(fields) = events::fields_of(&shared.events, &pre, &facts) else {
            return Ok(None);
        };
        (target, fields)
    };
    match shared
        .caller
        .pre_action(&target, &pre, &fields, shared.clock.now())
        .await
    {
        Verdict::Allow(changes) => Ok(Some(changes)),
        Verdict::Reject(status) => Err(ApiFailure::new(
            422,
            WEBHOOK_REJECTED,
            format!("The {pre} webhook rejected the action (it answered {status})"),
        )),
    }
}

/// The error a REST call gets when a pre-action webhook stops it. No Twilio source names the
/// status and code; see docs/twilio-facts.md, "Emulator".
pub const WEBHOOK_REJECTED: u32 = 50004;

/// The service-level or account-level webhook targets for a place: `(pre, post)`.
fn service_targets(
    shared: &Shared,
    store: &Store,
    place: &Place,
) -> (Option<Target>, Option<Target>) {
    let service_config = place
        .service
        .as_deref()
        .and_then(|s| store.singleton(&format!("Services/{s}/Configuration/Webhooks")));
    if let Some(config) = service_config {
        let targets = events::targets_of(config);
        if targets.0.is_some() || targets.1.is_some() {
            return targets;
        }
    }
    let _ = shared;
    store
        .singleton("Configuration/Webhooks")
        .map(events::targets_of)
        .unwrap_or((None, None))
}

/// The facts an event of `op` on `record` may carry.
fn event_facts(
    shared: &Shared,
    place: &Place,
    op: &Operation,
    record: &Map<String, Value>,
) -> Vec<(String, Vec<String>)> {
    let noun = match op.resource.as_str() {
        names::MESSAGE => "MessageSid",
        names::PARTICIPANT => "ParticipantSid",
        names::USER => "UserSid",
        _ => "ConversationSid",
    };
    let mut extra: Vec<(&str, String)> = vec![
        ("AccountSid", shared.account_sid.clone()),
        ("Source", "API".to_string()),
        ("RetryCount", "0".to_string()),
    ];
    if let Some(service) = &place.service {
        extra.push(("ChatServiceSid", service.clone()));
    }
    for (name, sid) in &place.parents {
        if name != "ChatServiceSid" {
            extra.push((name.as_str(), sid.clone()));
        }
    }
    events::facts(record, noun, &extra)
}

/// The post-action events of an action, to the service or account target and to the
/// conversation's scoped webhooks.
pub fn post_events(
    shared: &Shared,
    store: &Store,
    op: &Operation,
    action: Action,
    place: &Place,
    record: &Map<String, Value>,
) -> PostEvents {
    let Some((_, post)) = events::event_types(&op.resource, action) else {
        return Vec::new();
    };
    let facts = event_facts(shared, place, op, record);
    let Some(fields) = events::fields_of(&shared.events, &post, &facts) else {
        return Vec::new();
    };
    deliveries_for(shared, store, place, &post, fields, record)
}

fn deliveries_for(
    shared: &Shared,
    store: &Store,
    place: &Place,
    event_type: &str,
    fields: Vec<(String, String)>,
    record: &Map<String, Value>,
) -> PostEvents {
    let mut out = Vec::new();
    if let Some(target) = service_targets(shared, store, place).1 {
        if events::listed(&target, event_type) {
            out.push((target, event_type.to_string(), fields.clone()));
        }
    }
    // Conversation-scoped webhooks of the conversation the event is about.
    let conversation = place
        .parent("ConversationSid")
        .map(str::to_string)
        .or_else(|| {
            (record
                .get("sid")
                .and_then(Value::as_str)
                .is_some_and(|s| s.starts_with("CH")))
            .then(|| {
                record
                    .get("sid")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string()
            })
        });
    if let (Some(service), Some(conversation)) = (&place.service, conversation) {
        let path = format!("Services/{service}/Conversations/{conversation}/Webhooks");
        if let Some(hooks) = store.collection(&path) {
            for hook in hooks.iter() {
                if let Some(target) = events::scoped_target(&hook.fields()) {
                    if events::listed(&target, event_type) {
                        out.push((target, event_type.to_string(), fields.clone()));
                    }
                }
            }
        }
    }
    out
}

/// `onConversationStateUpdated` for a conversation that moved from `from`.
pub fn state_event(
    shared: &Shared,
    store: &Store,
    place: &Place,
    record: &Map<String, Value>,
    from: &str,
    reason: &str,
    now: &str,
) -> PostEvents {
    let event_type = "onConversationStateUpdated";
    let mut facts = events::facts(
        record,
        "ConversationSid",
        &[
            ("AccountSid", shared.account_sid.clone()),
            ("ChatServiceSid", place.service.clone().unwrap_or_default()),
            ("StateFrom", from.to_string()),
            (
                "StateTo",
                record
                    .get("state")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
            ),
            ("Reason", reason.to_string()),
            ("StateUpdated", now.to_string()),
            ("Source", "API".to_string()),
        ],
    );
    facts.retain(|(k, _)| k != "State");
    let Some(fields) = events::fields_of(&shared.events, event_type, &facts) else {
        return Vec::new();
    };
    deliveries_for(shared, store, place, event_type, fields, record)
}
