//! Which webhook events an action raises, with what fields, to which URLs.
//!
//! * The events and their fields are those of `spec/conversations_webhooks_v1.yaml`; an event
//!   carries each of its listed fields the emulator has a value for.
//! * Targets: a service's own webhook configuration (`/v1/Services/{sid}/Configuration/Webhooks`)
//!   when it names a URL, else the account's (`/v1/Configuration/Webhooks`): Twilio's
//!   per-service webhooks replace the global ones for their service. Both fire only the events
//!   their `filters` list. Conversation-scoped webhooks (`target=webhook`) get post-action
//!   events of their conversation that their `configuration.filters` list.
//! * REST actions raise events only when the request carries `X-Twilio-Webhook-Enabled: true`.

use crate::behaviour::names;
use crate::catalog::Action;
use crate::webhooks::Target;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// One event of the events spec.
#[derive(Debug, Clone)]
pub struct EventSpec {
    /// Its form fields (documented spelling), `EventType` excluded.
    pub fields: Vec<String>,
}

/// Every event the events spec describes, by `EventType`.
#[derive(Debug, Clone, Default)]
pub struct EventCatalog {
    pub events: BTreeMap<String, EventSpec>,
}

/// The event noun of a resource and the event types an action raises: `(pre, post)`. Twilio's
/// webhooks page lists them (docs/twilio-facts.md, "Webhook events").
pub fn event_types(resource: &str, action: Action) -> Option<(String, String)> {
    let noun = match resource {
        names::CONVERSATION | names::WITH_PARTICIPANTS => "Conversation",
        names::MESSAGE => "Message",
        names::PARTICIPANT => "Participant",
        names::USER => "User",
        _ => return None,
    };
    let (pre, post) = match action {
        Action::Create => ("Add", "Added"),
        Action::Update => ("Update", "Updated"),
        Action::Delete => ("Remove", "Removed"),
        _ => return None,
    };
    Some((format!("on{noun}{pre}"), format!("on{noun}{post}")))
}

/// `friendly_name` -> `FriendlyName`; `date_created` -> `DateCreated`.
fn pascal(snake: &str) -> String {
    snake
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// The fields an event could carry for `record` (stored keys in Twilio's form-field spelling:
/// `MessagingBinding.Address`, the record's own SID as `<Noun>Sid`), plus `extra`.
pub fn facts(
    record: &Map<String, Value>,
    own_sid_field: &str,
    extra: &[(&str, String)],
) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    let mut put = |key: String, values: Vec<String>| {
        if !values.is_empty() && !out.iter().any(|(k, _)| k.eq_ignore_ascii_case(&key)) {
            out.push((key, values));
        }
    };
    for (k, v) in extra {
        put((*k).to_string(), vec![v.clone()]);
    }
    for (key, value) in record {
        let name = if key == "sid" {
            own_sid_field.to_string()
        } else {
            pascal(key)
        };
        match value {
            Value::Null => {}
            Value::Object(map) => {
                for (inner, v) in map {
                    let name = format!("{name}.{}", pascal(inner));
                    put(name, texts(v));
                }
            }
            Value::Array(_) => put(name, vec![value.to_string()]),
            other => put(name, texts(other)),
        }
    }
    out
}

fn texts(value: &Value) -> Vec<String> {
    match value {
        Value::Null => Vec::new(),
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items.iter().flat_map(texts).collect(),
        other => vec![other.to_string()],
    }
}

/// The form fields of `event_type`: `EventType`, then each listed field (matched without regard
/// to case, so `isOnline` is filled from `is_online`) that `facts` has.
pub fn fields_of(
    catalog: &EventCatalog,
    event_type: &str,
    facts: &[(String, Vec<String>)],
) -> Option<Vec<(String, String)>> {
    let spec = catalog.events.get(event_type)?;
    let mut out = vec![("EventType".to_string(), event_type.to_string())];
    for field in &spec.fields {
        if let Some((_, values)) = facts.iter().find(|(k, _)| k.eq_ignore_ascii_case(field)) {
            for v in values {
                out.push((field.clone(), v.clone()));
            }
        }
    }
    Some(out)
}

/// A webhook configuration record as a pre and a post target.
pub fn targets_of(config: &Map<String, Value>) -> (Option<Target>, Option<Target>) {
    let target = |key: &str| {
        let url = config.get(key)?.as_str().filter(|u| !u.is_empty())?;
        Some(target_at(url, config))
    };
    (target("pre_webhook_url"), target("post_webhook_url"))
}

/// A target at `url` with the `method` (POST when unset) and `filters` of `config`, the keys
/// that webhook settings and a conversation-scoped webhook's configuration share.
fn target_at(url: &str, config: &Map<String, Value>) -> Target {
    Target {
        url: url.to_string(),
        method: config
            .get("method")
            .and_then(Value::as_str)
            .unwrap_or("POST")
            .to_string(),
        filters: config
            .get("filters")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// A conversation-scoped webhook record as a target (only `target=webhook` ones with a URL).
pub fn scoped_target(record: &Map<String, Value>) -> Option<Target> {
    if record.get("target").and_then(Value::as_str) != Some("webhook") {
        return None;
    }
    let config = record.get("configuration")?.as_object()?;
    let url = config.get("url")?.as_str().filter(|u| !u.is_empty())?;
    Some(target_at(url, config))
}

/// Only the events a target's filters list fire (Twilio: events not listed do not fire).
pub fn listed(target: &Target, event_type: &str) -> bool {
    target.filters.iter().any(|f| f == event_type)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn facts_use_form_field_spellings() {
        let record = json!({
            "sid": "MB1", "identity": "alice", "messaging_binding": {"address": "+1", "proxy_address": "+2"},
            "is_online": true, "date_created": "2026-01-01T00:00:00Z", "gone": null
        });
        let facts = facts(
            record.as_object().unwrap(),
            "ParticipantSid",
            &[("Source", "API".into())],
        );
        let get = |k: &str| facts.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        assert_eq!(get("ParticipantSid"), Some(vec!["MB1".to_string()]));
        assert_eq!(
            get("MessagingBinding.Address"),
            Some(vec!["+1".to_string()])
        );
        assert_eq!(get("IsOnline"), Some(vec!["true".to_string()]));
        assert_eq!(get("Source"), Some(vec!["API".to_string()]));
        assert_eq!(get("Gone"), None);
        let mut catalog = EventCatalog::default();
        catalog.events.insert(
            "onUserUpdated".into(),
            EventSpec {
                fields: vec!["isOnline".into(), "Identity".into()],
            },
        );
        let fields = fields_of(&catalog, "onUserUpdated", &facts).unwrap();
        assert_eq!(
            fields,
            [
                ("EventType".to_string(), "onUserUpdated".to_string()),
                ("isOnline".to_string(), "true".to_string()),
                ("Identity".to_string(), "alice".to_string()),
            ]
        );
    }
}
