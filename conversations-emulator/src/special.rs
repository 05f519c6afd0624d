//! Side effects of creating and deleting particular resources, and the values singletons start
//! with: the default roles of a new service, a conversation's timers and messaging service, a
//! message's media and participant, a conversation created with its participants.

use crate::behaviour::{self, names};
use crate::catalog::Operation;
use crate::error::ApiFailure;
use crate::params::Values;
use crate::place::Place;
use crate::shared::Shared;
use crate::store::{Record, Store};
use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};

/// The roles every new service starts with: `(name, type, permissions)`. No Twilio source
/// says what a new Conversations service holds: the names are Programmable Chat's documented
/// defaults, the types Conversations' (`service`, `conversation`), the permissions words of the
/// Conversations vocabulary. The emulator enforces no permission (REST calls act as the
/// account). See docs/twilio-facts.md, "Emulator".
const DEFAULT_ROLES: &[(&str, &str, &[&str])] = &[
    (
        "channel admin",
        "conversation",
        &[
            "addParticipant",
            "deleteAnyMessage",
            "deleteOwnMessage",
            "editAnyMessage",
            "editAnyMessageAttributes",
            "editConversationAttributes",
            "editOwnMessage",
            "editOwnMessageAttributes",
            "leaveConversation",
            "removeParticipant",
            "sendMediaMessage",
            "sendMessage",
        ],
    ),
    (
        "channel user",
        "conversation",
        &[
            "deleteOwnMessage",
            "editOwnMessage",
            "editOwnMessageAttributes",
            "leaveConversation",
            "sendMediaMessage",
            "sendMessage",
        ],
    ),
    (
        "service admin",
        "service",
        &[
            "addParticipant",
            "deleteConversation",
            "editAnyUserInfo",
            "editConversationAttributes",
            "editOwnUserInfo",
            "joinConversation",
            "removeParticipant",
        ],
    ),
    (
        "service user",
        "service",
        &["editOwnUserInfo", "joinConversation"],
    ),
];

/// Make the roles a new service starts with.
pub fn default_roles(shared: &Shared, store: &mut Store, service: &str) {
    let path = format!("Services/{service}/Roles");
    let now = crate::clock::format(shared.clock.now());
    for (name, kind, permissions) in DEFAULT_ROLES {
        let sid = crate::sid::new_sid("RL");
        let seq = store.next_seq();
        store.put(
            &path,
            Record::new(
                seq,
                json!({
                    "sid": sid, "account_sid": shared.account_sid, "chat_service_sid": service,
                    "friendly_name": name, "type": kind, "permissions": permissions,
                    "date_created": now, "date_updated": now,
                })
                .as_object()
                .cloned()
                .unwrap_or_default(),
            ),
        );
    }
}

/// The fields a singleton starts with, by where it is.
pub fn singleton_defaults(shared: &Shared, store: &Store, place: &Place) -> Map<String, Value> {
    let mut fields = Map::new();
    fields.insert("account_sid".into(), json!(shared.account_sid));
    if let Some(service) = &place.service {
        fields.insert("chat_service_sid".into(), json!(service));
    }
    let path = place.collection.as_str();
    if path == "Configuration" {
        fields.insert(
            "default_chat_service_sid".into(),
            json!(shared.default_service),
        );
        fields.insert(
            "default_messaging_service_sid".into(),
            json!(shared.default_messaging_service()),
        );
        fields.insert("default_inactive_timer".into(), Value::Null);
        fields.insert("default_closed_timer".into(), Value::Null);
    } else if path.ends_with("Configuration/Webhooks") {
        fields.insert("method".into(), json!("POST"));
        fields.insert("filters".into(), json!([]));
        fields.insert("pre_webhook_url".into(), Value::Null);
        fields.insert("post_webhook_url".into(), Value::Null);
        if path == "Configuration/Webhooks" {
            fields.insert("target".into(), json!("webhook"));
        }
    } else if path.ends_with("Configuration/Notifications") {
        for key in [
            "new_message",
            "added_to_conversation",
            "removed_from_conversation",
        ] {
            fields.insert(key.into(), json!({"enabled": false}));
        }
        fields.insert("log_enabled".into(), json!(false));
    } else if path.ends_with("/Configuration") {
        // The service's own default roles, as Chat documents its defaults: users join as
        // "service user", participants as "channel user", a conversation's creator is its
        // "channel admin".
        if let Some(roles) = place
            .service
            .as_deref()
            .and_then(|s| store.collection(&format!("Services/{s}/Roles")))
        {
            for (key, name) in [
                ("default_chat_service_role_sid", "service user"),
                ("default_conversation_role_sid", "channel user"),
                ("default_conversation_creator_role_sid", "channel admin"),
            ] {
                if let Some(role) = roles.iter().find(|r| r.text("friendly_name") == Some(name)) {
                    fields.insert(key.into(), json!(role.sid()));
                }
            }
        }
        fields.insert("reachability_enabled".into(), json!(false));
    }
    fields
}

/// Before a create is stored: what Twilio derives from the request.
pub fn before_create(
    shared: &Shared,
    store: &mut Store,
    op: &Operation,
    place: &Place,
    values: &Values,
    fields: &mut Map<String, Value>,
    now: DateTime<Utc>,
) -> Result<(), ApiFailure> {
    match op.resource.as_str() {
        names::CONVERSATION | names::WITH_PARTICIPANTS => {
            behaviour::apply_timers(fields, values, now)?;
            if fields
                .get("messaging_service_sid")
                .map_or(true, Value::is_null)
            {
                fields.insert(
                    "messaging_service_sid".into(),
                    json!(shared.default_messaging_service()),
                );
            }
        }
        names::MESSAGE => {
            if let Some(media_sid) = values.text("MediaSid") {
                let service = place.service.clone().unwrap_or_default();
                let conversation = place.parent("ConversationSid").unwrap_or("").to_string();
                let sid = fields
                    .get("sid")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                let item = shared
                    .media
                    .attach(&service, media_sid, &conversation, &sid, now)
                    .ok_or_else(|| {
                        ApiFailure::bad_request(format!(
                            "Invalid parameter MediaSid: no media {media_sid} in this service \
                             (an upload not attached within 5 minutes is deleted)"
                        ))
                    })?;
                fields.insert("media".into(), json!([item]));
            }
            if let Some(author) = fields.get("author").and_then(Value::as_str) {
                let participants = format!(
                    "{}/Participants",
                    place.collection.trim_end_matches("/Messages")
                );
                if let Some(p) = store
                    .collection(&participants)
                    .and_then(|c| c.find_by("identity", author))
                {
                    fields.insert("participant_sid".into(), json!(p.sid()));
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// After a create is stored.
pub fn after_create(
    shared: &Shared,
    store: &mut Store,
    op: &Operation,
    _place: &Place,
    values: &Values,
    fields: &Map<String, Value>,
    now: DateTime<Utc>,
) -> Result<(), ApiFailure> {
    let sid = fields
        .get("sid")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    match op.resource.as_str() {
        names::SERVICE => {
            default_roles(shared, store, &sid);
        }
        names::WITH_PARTICIPANTS => {
            let service = fields
                .get("chat_service_sid")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let path = format!("Services/{service}/Conversations/{sid}/Participants");
            let now_text = crate::clock::format(now);
            for raw in values
                .get("Participant")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let spec: Map<String, Value> = raw
                    .as_str()
                    .and_then(|t| serde_json::from_str(t).ok())
                    .ok_or_else(|| {
                        ApiFailure::bad_request(
                            "Invalid parameter Participant: expected a JSON object",
                        )
                    })?;
                let mut p = Map::new();
                p.insert("sid".into(), json!(crate::sid::new_sid("MB")));
                p.insert("account_sid".into(), json!(shared.account_sid));
                p.insert("chat_service_sid".into(), json!(service));
                p.insert("conversation_sid".into(), json!(sid));
                for key in ["identity", "attributes", "role_sid"] {
                    if let Some(v) = spec.get(key) {
                        p.insert(key.into(), v.clone());
                    }
                }
                if let Some(b) = spec.get("messaging_binding") {
                    p.insert("messaging_binding".into(), b.clone());
                }
                p.insert("date_created".into(), json!(now_text));
                p.insert("date_updated".into(), json!(now_text));
                behaviour::on_create(names::PARTICIPANT, store, &path, &mut p, &now_text)?;
                let seq = store.next_seq();
                store.put(&path, Record::new(seq, p));
            }
        }
        _ => {}
    }
    Ok(())
}

/// After a delete: a deleted service's singletons go with it (its collections went with
/// `remove_under`).
pub fn after_delete(
    _shared: &Shared,
    _store: &mut Store,
    _op: &Operation,
    _place: &Place,
    _record: &Record,
) {
}

/// Where a conversation created with its participants is stored: with the other conversations.
pub fn collection_for(op: &Operation, place: &Place) -> String {
    if op.resource == names::WITH_PARTICIPANTS {
        if let Some(service) = &place.service {
            return format!("Services/{service}/Conversations");
        }
    }
    place.collection.clone()
}
