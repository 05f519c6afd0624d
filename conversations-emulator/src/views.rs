//! Reads that are more than a collection's records: a conversation's messages in either
//! order, lists filtered by their query parameters, a participant's conversations, a user's
//! conversations (a view of the conversations the user takes part in, with the user's own
//! settings).

use crate::behaviour::names;
use crate::catalog::Operation;
use crate::error::ApiFailure;
use crate::fields::snake;
use crate::params::Values;
use crate::place::Place;
use crate::shared::Shared;
use crate::store::{Record, Store};
use axum::response::Response;
use serde_json::{json, Map, Value};

const USER_CONVERSATION: &str = "UserConversation";
const PARTICIPANT_CONVERSATION: &str = "ParticipantConversation";

/// Which part of a list a request asks for: `size` records from the `start`th.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub start: usize,
    pub size: usize,
}

/// The records of the page `window` of a list, in order, and whether more follow.
pub fn list(
    shared: &Shared,
    store: &Store,
    op: &Operation,
    place: &Place,
    values: &Values,
    window: Window,
) -> (Vec<Map<String, Value>>, bool) {
    let rows = match op.resource.as_str() {
        USER_CONVERSATION => user_conversations(shared, store, place),
        PARTICIPANT_CONVERSATION => participant_conversations(shared, store, place, values),
        _ => return stored(shared, store, op, place, values, window),
    };
    let more = rows.len() > window.start.saturating_add(window.size);
    let page = rows
        .into_iter()
        .skip(window.start)
        .take(window.size)
        .collect();
    (page, more)
}

/// A page of a stored collection: only the records on the page are read out, so a page costs
/// the same however long the list is (when no filter has to pass over the others).
fn stored(
    shared: &Shared,
    store: &Store,
    op: &Operation,
    place: &Place,
    values: &Values,
    window: Window,
) -> (Vec<Map<String, Value>>, bool) {
    let Some(collection) = store.collection(&place.collection) else {
        return (Vec::new(), false);
    };
    // Filters: a query parameter named for a field of the resource keeps the records whose
    // field equals it (`State=closed`), or one of its values when it is a list (a binding's
    // `BindingType`); `StartDate`/`EndDate` bound `date_created`.
    let resource = shared.catalog.resources.get(&op.resource);
    let mut filters: Vec<(String, Vec<&str>)> = Vec::new();
    let (mut after, mut before) = (None, None);
    for (wire, value) in &values.0 {
        match (wire.as_str(), value.as_str()) {
            ("PageSize" | "Page" | "PageToken" | "Order", _) => {}
            ("StartDate", Some(text)) => after = Some(text),
            ("EndDate", Some(text)) => before = Some(text),
            _ => {
                let key = snake(wire);
                if resource.is_some_and(|r| r.field(&key).is_some()) {
                    let wanted = match value {
                        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
                        other => other.as_str().into_iter().collect(),
                    };
                    filters.push((key, wanted));
                }
            }
        }
    }
    let keep = |r: &&Record| {
        let created = r.text("date_created");
        filters
            .iter()
            .all(|(key, wanted)| r.text(key).is_some_and(|v| wanted.contains(&v)))
            && after.map_or(true, |a| created.is_some_and(|d| d >= a))
            && before.map_or(true, |b| created.is_some_and(|d| d <= b))
    };
    let records: Box<dyn Iterator<Item = &Record>> = if values.text("Order") == Some("desc") {
        Box::new(collection.iter().rev())
    } else {
        Box::new(collection.iter())
    };
    let mut rows = records.filter(keep).skip(window.start);
    let page = rows
        .by_ref()
        .take(window.size)
        .map(Record::fields)
        .collect();
    (page, rows.next().is_some())
}

/// One record, for a fetch.
pub fn fetch(
    shared: &Shared,
    store: &Store,
    op: &Operation,
    place: &Place,
    sid: &str,
) -> Option<Map<String, Value>> {
    if op.resource == USER_CONVERSATION {
        let sid = place
            .service
            .as_deref()
            .map(|service| conversation_sid(store, op, service, sid))
            .unwrap_or_else(|| sid.to_string());
        let sid = sid.as_str();
        return user_conversations(
            shared,
            store,
            &Place {
                item: None,
                ..place.clone()
            },
        )
        .into_iter()
        .find(|r| r.get("conversation_sid").and_then(Value::as_str) == Some(sid))
        // The list's own note of each row's URL; a fetch answers with the request's.
        .map(|mut r| {
            r.remove("__url");
            r
        });
    }
    store.get(&place.collection, sid).map(Record::fields)
}

/// A user's conversations: every conversation of the user's service with a participant whose
/// identity is the user's, with the user's settings kept on that participant.
fn user_conversations(shared: &Shared, store: &Store, place: &Place) -> Vec<Map<String, Value>> {
    let (Some(service), Some(user_sid)) = (&place.service, place.parent("UserSid")) else {
        return Vec::new();
    };
    let users = format!("Services/{service}/Users");
    let Some(identity) = store
        .get(&users, user_sid)
        .and_then(|u| u.text("identity"))
        .map(str::to_string)
    else {
        return Vec::new();
    };
    let conversations = format!("Services/{service}/Conversations");
    let mut out = Vec::new();
    if let Some(list) = store.collection(&conversations) {
        for conversation in list.iter() {
            let sid = conversation.sid();
            let participants = format!("{conversations}/{sid}/Participants");
            let Some(participant) = store
                .collection(&participants)
                .and_then(|p| p.find_by("identity", &identity))
            else {
                continue;
            };
            let c = conversation.fields();
            let messages = store
                .collection(&format!("{conversations}/{sid}/Messages"))
                .map_or(0, |m| m.len());
            let last_read = participant
                .get("last_read_message_index")
                .unwrap_or(Value::Null);
            let unread = last_read
                .as_i64()
                .map_or(messages as i64, |i| (messages as i64 - 1 - i).max(0));
            let mut row = json!({
                "account_sid": shared.account_sid,
                "chat_service_sid": service,
                "conversation_sid": sid,
                "user_sid": user_sid,
                "participant_sid": participant.sid(),
                "unread_messages_count": unread,
                "last_read_message_index": last_read,
                "notification_level": participant.get("notification_level").unwrap_or(json!("default")),
                "friendly_name": c.get("friendly_name").cloned().unwrap_or(Value::Null),
                "unique_name": c.get("unique_name").cloned().unwrap_or(Value::Null),
                "attributes": c.get("attributes").cloned().unwrap_or(Value::Null),
                "date_created": c.get("date_created").cloned().unwrap_or(Value::Null),
                "date_updated": c.get("date_updated").cloned().unwrap_or(Value::Null),
                "created_by": c.get("created_by").cloned().unwrap_or(Value::Null),
                "conversation_state": c.get("state").cloned().unwrap_or(Value::Null),
                "timers": c.get("timers").cloned().unwrap_or(Value::Null),
                "__url": format!("{}/{sid}", place.url),
            });
            if let Some(map) = row.as_object_mut() {
                out.push(std::mem::take(map));
            }
        }
    }
    out
}

/// The conversations a participant (by `Identity` or `Address`) takes part in.
fn participant_conversations(
    shared: &Shared,
    store: &Store,
    place: &Place,
    values: &Values,
) -> Vec<Map<String, Value>> {
    let Some(service) = &place.service else {
        return Vec::new();
    };
    let identity = values.text("Identity");
    let address = values.text("Address");
    let conversations = format!("Services/{service}/Conversations");
    let mut out = Vec::new();
    let Some(list) = store.collection(&conversations) else {
        return out;
    };
    for conversation in list.iter() {
        let sid = conversation.sid();
        let Some(participants) = store.collection(&format!("{conversations}/{sid}/Participants"))
        else {
            continue;
        };
        let found = participants.iter().find(|p| {
            identity.is_some_and(|i| p.text("identity") == Some(i))
                || address.is_some_and(|a| {
                    p.get("messaging_binding")
                        .as_ref()
                        .and_then(|b| b.get("address"))
                        .and_then(Value::as_str)
                        == Some(a)
                })
        });
        let Some(p) = found else { continue };
        let c = conversation.fields();
        let mut row = json!({
            "account_sid": shared.account_sid,
            "chat_service_sid": service,
            "participant_sid": p.sid(),
            "participant_user_sid": Value::Null,
            "participant_identity": p.get("identity").unwrap_or(Value::Null),
            "participant_messaging_binding": p.get("messaging_binding").unwrap_or(Value::Null),
            "conversation_sid": sid,
            "conversation_unique_name": c.get("unique_name").cloned().unwrap_or(Value::Null),
            "conversation_friendly_name": c.get("friendly_name").cloned().unwrap_or(Value::Null),
            "conversation_attributes": c.get("attributes").cloned().unwrap_or(Value::Null),
            "conversation_date_created": c.get("date_created").cloned().unwrap_or(Value::Null),
            "conversation_date_updated": c.get("date_updated").cloned().unwrap_or(Value::Null),
            "conversation_created_by": c.get("created_by").cloned().unwrap_or(Value::Null),
            "conversation_state": c.get("state").cloned().unwrap_or(Value::Null),
            "conversation_timers": c.get("timers").cloned().unwrap_or(Value::Null),
            "__url": Value::Null,
        });
        if let Some(map) = row.as_object_mut() {
            map.remove("__url");
            out.push(std::mem::take(map));
        }
    }
    let _ = names::CONVERSATION;
    out
}

/// An update that is not a stored record's: a user's settings on one of their conversations,
/// kept on the user's participant.
pub fn update(
    shared: &Shared,
    store: &mut Store,
    op: &Operation,
    place: &Place,
    values: &Values,
    resource: &crate::catalog::Resource,
) -> Result<Option<Response>, ApiFailure> {
    if op.resource != USER_CONVERSATION {
        return Ok(None);
    }
    let sid = place.item.clone().unwrap_or_default();
    let (participants, participant) = user_participant(store, op, place, &sid)?;
    let coll = store.collection_mut(&participants);
    if let Some(p) = coll.get_mut(&participant) {
        if let Some(level) = values.text("NotificationLevel") {
            p.set("notification_level", json!(level));
        }
        if let Some(index) = values.get("LastReadMessageIndex") {
            p.set("last_read_message_index", index.clone());
        }
        if let Some(ts) = values.get("LastReadTimestamp") {
            p.set("last_read_timestamp", ts.clone());
        }
    }
    let row = fetch(shared, store, op, place, &sid)
        .ok_or_else(|| ApiFailure::not_found(&format!("/{}/{sid}", place.collection)))?;
    let mut shown = row.clone();
    shown.remove("__url");
    Ok(Some(crate::http::json(
        axum::http::StatusCode::OK,
        &crate::render::record(&shown, resource, &place.item_url(&sid)),
    )))
}

/// A user leaves one of their conversations: their participant is removed.
pub fn delete(
    _shared: &Shared,
    store: &mut Store,
    op: &Operation,
    place: &Place,
) -> Result<Option<Response>, ApiFailure> {
    if op.resource != USER_CONVERSATION {
        return Ok(None);
    }
    let sid = place.item.clone().unwrap_or_default();
    let (participants, participant) = user_participant(store, op, place, &sid)?;
    store.collection_mut(&participants).remove(&participant);
    Ok(Some(crate::http::empty(axum::http::StatusCode::NO_CONTENT)))
}

/// The SID of the conversation a user's-conversation route names (by SID, or by unique name
/// where the route's `x-name-field` allows it).
fn conversation_sid(store: &Store, op: &Operation, service: &str, given: &str) -> String {
    let name_field = match op.route.last() {
        Some(crate::catalog::Seg::Param { name_field, .. }) => name_field.as_deref(),
        _ => None,
    };
    crate::place::canonical(
        store,
        &format!("Services/{service}/Conversations"),
        given,
        name_field,
    )
}

fn user_participant(
    store: &Store,
    op: &Operation,
    place: &Place,
    conversation: &str,
) -> Result<(String, String), ApiFailure> {
    let missing = || ApiFailure::not_found(&format!("/{}/{conversation}", place.collection));
    let service = place.service.clone().ok_or_else(missing)?;
    let user = place.parent("UserSid").ok_or_else(missing)?;
    let identity = store
        .get(&format!("Services/{service}/Users"), user)
        .and_then(|u| u.text("identity"))
        .ok_or_else(missing)?
        .to_string();
    let conversation = conversation_sid(store, op, &service, conversation);
    let participants = format!("Services/{service}/Conversations/{conversation}/Participants");
    let participant = store
        .collection(&participants)
        .and_then(|c| c.find_by("identity", &identity))
        .map(|p| p.sid().to_string())
        .ok_or_else(missing)?;
    Ok((participants, participant))
}
