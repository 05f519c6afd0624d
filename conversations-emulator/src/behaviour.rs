//! What Conversations does beyond storing what it is given: defaults, names that must be
//! unique, a message's index, a participant that is already there, the timers of a
//! conversation. Keyed by resource (model) name; every other resource is stored as given.
//! The facts and their sources are in docs/twilio-facts.md, section "Emulator".

use crate::error::ApiFailure;
use crate::params::Values;
use crate::store::{Record, Store};
use serde_json::{json, Map, Value};

/// A resource's name in the IR, for the rules below.
pub mod names {
    pub const CONVERSATION: &str = "Conversation";
    pub const MESSAGE: &str = "ConversationMessage";
    pub const PARTICIPANT: &str = "ConversationParticipant";
    pub const USER: &str = "User";
    pub const SERVICE: &str = "Service";
    pub const WITH_PARTICIPANTS: &str = "ConversationWithParticipants";
}

/// Twilio's error codes for names and participants that already exist (409).
pub const UNIQUE_NAME_TAKEN: u32 = 50353;
pub const PARTICIPANT_EXISTS: u32 = 50433;
pub const ADDRESS_IN_USE: u32 = 50416;
pub const IDENTITY_TAKEN: u32 = 50201;

/// Fill what Twilio sets on create, and refuse what Twilio refuses, for a record about to be
/// added to `collection`. `fields` already holds what the parameters set.
pub fn on_create(
    resource: &str,
    store: &mut Store,
    collection: &str,
    fields: &mut Map<String, Value>,
    now: &str,
) -> Result<(), ApiFailure> {
    let existing = store.collection(collection);
    let taken = |key: &str, value: &str| existing.is_some_and(|c| c.find_by(key, value).is_some());
    match resource {
        names::CONVERSATION | names::WITH_PARTICIPANTS => {
            if let Some(name) = fields.get("unique_name").and_then(Value::as_str) {
                if taken("unique_name", name) {
                    return Err(ApiFailure::conflict(
                        UNIQUE_NAME_TAKEN,
                        format!("Conversation with provided unique name {name} already exists"),
                    ));
                }
            }
            default(fields, "state", json!("active"));
            default(fields, "attributes", json!("{}"));
        }
        names::MESSAGE => {
            let index = store.take_counter(collection);
            fields.insert("index".into(), json!(index));
            default(fields, "author", json!("system"));
            default(fields, "attributes", json!("{}"));
            if fields.get("body").is_none() && fields.get("media").is_none() {
                fields.insert("body".into(), Value::Null);
            }
        }
        names::PARTICIPANT => {
            if let Some(identity) = fields.get("identity").and_then(Value::as_str) {
                if taken("identity", identity) {
                    return Err(ApiFailure::conflict(
                        PARTICIPANT_EXISTS,
                        format!(
                            "A participant with identity {identity} is already in the conversation"
                        ),
                    ));
                }
            }
            let address = fields
                .get("messaging_binding")
                .and_then(|b| b.get("address"))
                .and_then(Value::as_str)
                .map(str::to_string);
            if let Some(address) = address {
                let in_use = existing.is_some_and(|c| {
                    c.iter().any(|r| {
                        r.get("messaging_binding")
                            .as_ref()
                            .and_then(|b| b.get("address"))
                            .and_then(Value::as_str)
                            == Some(address.as_str())
                    })
                });
                if in_use {
                    return Err(ApiFailure::conflict(
                        ADDRESS_IN_USE,
                        format!(
                            "A participant with address {address} is already in the conversation"
                        ),
                    ));
                }
            } else if fields.get("identity").is_none() {
                return Err(ApiFailure::bad_request(
                    "A participant needs an Identity or a MessagingBinding.Address",
                ));
            }
            default(fields, "attributes", json!("{}"));
            default(fields, "last_read_message_index", Value::Null);
        }
        names::USER => {
            if let Some(identity) = fields.get("identity").and_then(Value::as_str) {
                if taken("identity", identity) {
                    return Err(ApiFailure::conflict(
                        IDENTITY_TAKEN,
                        format!("User with identity {identity} already exists"),
                    ));
                }
            }
            default(fields, "attributes", json!("{}"));
            default(fields, "is_online", Value::Null);
            default(fields, "is_notifiable", Value::Null);
        }
        _ => {}
    }
    let _ = now;
    Ok(())
}

fn default(fields: &mut Map<String, Value>, key: &str, value: Value) {
    if fields.get(key).map_or(true, Value::is_null) {
        fields.insert(key.to_string(), value);
    }
}

/// Refuse an update Twilio refuses (a unique name taken by another record).
pub fn on_update(
    resource: &str,
    store: &Store,
    collection: &str,
    sid: &str,
    changes: &Map<String, Value>,
) -> Result<(), ApiFailure> {
    if resource == names::CONVERSATION {
        if let Some(name) = changes.get("unique_name").and_then(Value::as_str) {
            let other = store
                .collection(collection)
                .and_then(|c| c.find_by("unique_name", name))
                .is_some_and(|r| r.sid() != sid);
            if other {
                return Err(ApiFailure::conflict(
                    UNIQUE_NAME_TAKEN,
                    format!("Conversation with provided unique name {name} already exists"),
                ));
            }
        }
    }
    Ok(())
}

/// The conversation's timers: `Timers.Inactive` and `Timers.Closed` (ISO 8601 durations) set
/// `timers.date_inactive` and `timers.date_closed` from `now`. Also kept as durations, so a
/// state change can restart the inactive timer.
pub fn apply_timers(
    fields: &mut Map<String, Value>,
    values: &Values,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), ApiFailure> {
    let mut timers = fields
        .get("timers")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    for (param, key) in [
        ("Timers.Inactive", "date_inactive"),
        ("Timers.Closed", "date_closed"),
    ] {
        let Some(text) = values.text(param) else {
            continue;
        };
        let duration = crate::clock::parse_duration(text).ok_or_else(|| {
            ApiFailure::bad_request(format!(
                "Invalid parameter {param}: expected an ISO 8601 duration such as PT1H"
            ))
        })?;
        let at = now + chrono::Duration::from_std(duration).unwrap_or(chrono::Duration::MAX);
        timers.insert(key.into(), json!(crate::clock::format(at)));
    }
    if !timers.is_empty() {
        fields.insert("timers".into(), Value::Object(timers));
    }
    Ok(())
}

/// Whether one of `record`'s timers can still move its state: it is not closed, and it has a
/// closed timer, or an inactive timer while active.
pub fn timer_pending(record: &Record) -> bool {
    let timers = record.get("timers");
    let has = |key: &str| {
        timers
            .as_ref()
            .and_then(|t| t.get(key))
            .is_some_and(|v| !v.is_null())
    };
    match record.text("state").unwrap_or("active") {
        "closed" => false,
        "active" => has("date_closed") || has("date_inactive"),
        _ => has("date_closed"),
    }
}

/// Move `record`'s state by its timers at `now`: `active` -> `inactive` at `date_inactive`,
/// anything but `closed` -> `closed` at `date_closed`. The new state, when it changed.
pub fn run_timers(
    record: &mut Record,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<(String, String)> {
    let timers = record.get("timers")?;
    let timers = timers.as_object()?;
    let due = |key: &str| {
        timers
            .get(key)
            .and_then(Value::as_str)
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
            .is_some_and(|t| t.with_timezone(&chrono::Utc) <= now)
    };
    let state = record.text("state").unwrap_or("active").to_string();
    let next = if state != "closed" && due("date_closed") {
        "closed"
    } else if state == "active" && due("date_inactive") {
        "inactive"
    } else {
        return None;
    };
    record.set("state", json!(next));
    record.set("date_updated", json!(crate::clock::format(now)));
    Some((state, next.to_string()))
}
