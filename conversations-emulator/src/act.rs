//! What each action does to the store and how it answers: list (filtered and paged), fetch,
//! create, update, delete, and singletons read and written.

use crate::behaviour::{self, names};
use crate::catalog::{Action, Answer, Operation};
use crate::clock::format;
use crate::dispatch::{post_events, state_event, PostEvents};
use crate::error::ApiFailure;
use crate::fields::{apply_changes, fields_from, snake};
use crate::params::Values;
use crate::place::Place;
use crate::render;
use crate::shared::Shared;
use crate::store::{Record, Store};
use crate::views::Window;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Map, Value};

/// Carry out `op` at `place`.
pub fn act(
    shared: &Shared,
    store: &mut Store,
    op: &Operation,
    place: &Place,
    values: &Values,
    changes: &Map<String, Value>,
    query: &[(String, String)],
) -> Result<(Response, PostEvents), ApiFailure> {
    let catalog = &shared.catalog;
    let resource = catalog
        .resources
        .get(&op.resource)
        .cloned()
        .unwrap_or_default();
    let now = shared.clock.now();
    let now_text = format(now);
    let status = StatusCode::from_u16(op.status).unwrap_or(StatusCode::OK);
    crate::timers::run_all(shared, store, now);
    let mut post: PostEvents = Vec::new();
    let response = match op.action {
        Action::List => {
            let Answer::List { key } = &op.answer else {
                return Err(ApiFailure::new(500, 20500, "list without a key"));
            };
            let window = page_window(op, values, query)?;
            let (items, more) = crate::views::list(shared, store, op, place, values, window);
            page(&items, more, window, key, place, &resource, query)?
        }
        Action::Fetch => {
            let sid = place.item.clone().unwrap_or_default();
            let record = crate::views::fetch(shared, store, op, place, &sid).ok_or_else(|| {
                ApiFailure::not_found(&format!(
                    "/{}/{}",
                    place.collection,
                    place.item_as_given.as_deref().unwrap_or("")
                ))
            })?;
            crate::http::json(
                status,
                &render::record(&record, &resource, &place.item_url(&sid)),
            )
        }
        Action::FetchSingleton => {
            let fields = singleton(shared, store, place, &resource);
            crate::http::json(status, &render::record(&fields, &resource, &place.url))
        }
        Action::UpdateSingleton => {
            let set = fields_from(op, &resource, values);
            let mut fields = singleton(shared, store, place, &resource);
            for (k, v) in set {
                fields.insert(k, v);
            }
            if resource.field("date_updated").is_some() {
                fields.insert("date_updated".into(), json!(now_text));
            }
            *store.singleton_mut(&place.collection) = fields.clone();
            crate::http::json(status, &render::record(&fields, &resource, &place.url))
        }
        Action::Create => {
            // A conversation created with its participants is stored with the others.
            let collection = crate::special::collection_for(op, place);
            let mut fields = fields_from(op, &resource, values);
            let sid = crate::sid::new_sid(resource.sid_prefix.as_deref().unwrap_or("XX"));
            fields.insert("sid".into(), json!(sid));
            fields.insert("account_sid".into(), json!(shared.account_sid));
            if let Some(service) = &place.service {
                if resource.field("chat_service_sid").is_some() {
                    fields.insert("chat_service_sid".into(), json!(service));
                }
                if resource.field("service_sid").is_some() {
                    fields.insert("service_sid".into(), json!(service));
                }
            }
            for (name, parent) in &place.parents {
                let key = snake(name);
                if resource.field(&key).is_some() {
                    fields.insert(key, json!(parent));
                }
            }
            for key in ["date_created", "date_updated"] {
                if resource.field(key).is_some() && fields.get(key).is_none() {
                    fields.insert(key.into(), json!(now_text));
                }
            }
            apply_changes(&op.resource, &mut fields, changes);
            crate::special::before_create(shared, store, op, place, values, &mut fields, now)?;
            behaviour::on_create(&op.resource, store, &collection, &mut fields, &now_text)?;
            let seq = store.next_seq();
            store.put(&collection, Record::new(seq, fields.clone()));
            crate::special::after_create(shared, store, op, place, values, &fields, now)?;
            post.extend(post_events(
                shared,
                store,
                op,
                Action::Create,
                place,
                &fields,
            ));
            let url = if collection == place.collection {
                place.item_url(&sid)
            } else {
                // `.../ConversationWithParticipants` answers with the conversation's own URL.
                let base = place
                    .url
                    .rsplit_once('/')
                    .map_or(place.url.as_str(), |(b, _)| b);
                format!("{base}/Conversations/{sid}")
            };
            crate::http::json(status, &render::record(&fields, &resource, &url))
        }
        Action::Update => {
            let sid = place.item.clone().unwrap_or_default();
            if let Some(response) =
                crate::views::update(shared, store, op, place, values, &resource)?
            {
                return Ok((response, post));
            }
            let mut set = fields_from(op, &resource, values);
            apply_changes(&op.resource, &mut set, changes);
            behaviour::on_update(&op.resource, store, &place.collection, &sid, &set)?;
            let before = store
                .get(&place.collection, &sid)
                .cloned()
                .ok_or_else(|| ApiFailure::not_found(&format!("/{}/{sid}", place.collection)))?;
            let mut fields = before.fields();
            if op.resource == names::CONVERSATION {
                behaviour::apply_timers(&mut set, values, now)?;
                if let (Some(Value::Object(new)), Some(Value::Object(old))) =
                    (set.get("timers").cloned(), fields.get("timers"))
                {
                    let mut merged = old.clone();
                    merged.extend(new);
                    set.insert("timers".into(), Value::Object(merged));
                }
            }
            for (k, v) in set {
                fields.insert(k, v);
            }
            if fields.contains_key("date_updated") || resource.field("date_updated").is_some() {
                fields.insert("date_updated".into(), json!(now_text));
            }
            store.put(&place.collection, Record::new(before.seq, fields.clone()));
            post.extend(post_events(
                shared,
                store,
                op,
                Action::Update,
                place,
                &fields,
            ));
            if op.resource == names::CONVERSATION
                && before.text("state") != fields.get("state").and_then(Value::as_str)
            {
                post.extend(state_event(
                    shared,
                    store,
                    place,
                    &fields,
                    before.text("state").unwrap_or(""),
                    "API",
                    &now_text,
                ));
            }
            crate::http::json(
                status,
                &render::record(&fields, &resource, &place.item_url(&sid)),
            )
        }
        Action::Delete => {
            let sid = place.item.clone().unwrap_or_default();
            if let Some(response) = crate::views::delete(shared, store, op, place)? {
                return Ok((response, post));
            }
            let record = store
                .collection_mut(&place.collection)
                .remove(&sid)
                .ok_or_else(|| ApiFailure::not_found(&format!("/{}/{sid}", place.collection)))?;
            // Deleting a conversation deletes its messages, participants and webhooks.
            store.remove_under(&place.item_path(&sid));
            crate::special::after_delete(shared, store, op, place, &record);
            post.extend(post_events(
                shared,
                store,
                op,
                Action::Delete,
                place,
                &record.fields(),
            ));
            crate::http::empty(status)
        }
    };
    Ok((response, post))
}

/// The singleton at `place`, made with its defaults on first read: those of its fields the
/// resource has (a service's configuration has no `account_sid`).
fn singleton(
    shared: &Shared,
    store: &mut Store,
    place: &Place,
    resource: &crate::catalog::Resource,
) -> Map<String, Value> {
    if let Some(existing) = store.singleton(&place.collection) {
        return existing.clone();
    }
    let mut fields = crate::special::singleton_defaults(shared, store, place);
    fields.retain(|key, _| resource.field(key).is_some());
    *store.singleton_mut(&place.collection) = fields.clone();
    fields
}

/// Twilio's page size when a request names none (docs/twilio-facts.md, "Emulator"), or the
/// list's maximum when that is smaller.
const DEFAULT_PAGE_SIZE: i64 = 50;

/// The part of a list a request asks for, by its `PageSize`, `Page` and `PageToken`.
fn page_window(
    op: &Operation,
    values: &Values,
    query: &[(String, String)],
) -> Result<Window, ApiFailure> {
    let default = op
        .params
        .iter()
        .find(|p| p.wire == "PageSize")
        .and_then(|p| p.maximum)
        .map_or(DEFAULT_PAGE_SIZE, |max| max.min(DEFAULT_PAGE_SIZE));
    let size = values
        .get("PageSize")
        .and_then(Value::as_i64)
        .unwrap_or(default)
        .max(1) as usize;
    let page_no = values
        .get("Page")
        .and_then(Value::as_i64)
        .unwrap_or(0)
        .max(0) as usize;
    let start = match values.text("PageToken").or_else(|| {
        query
            .iter()
            .find(|(k, _)| k == "PageToken")
            .map(|(_, v)| v.as_str())
    }) {
        Some(token) => render::offset_of_token(token)
            .ok_or_else(|| ApiFailure::bad_request("Invalid parameter PageToken"))?,
        None => page_no.saturating_mul(size),
    };
    Ok(Window { start, size })
}

/// A list page of `items`, the records of `window`; `more` when others follow.
fn page(
    items: &[Map<String, Value>],
    more: bool,
    window: Window,
    key: &str,
    place: &Place,
    resource: &crate::catalog::Resource,
    query: &[(String, String)],
) -> Result<Response, ApiFailure> {
    let rendered: Vec<Value> = items
        .iter()
        .map(|f| {
            let sid = f.get("sid").and_then(Value::as_str).unwrap_or("");
            let url = match f.get("__url").and_then(Value::as_str) {
                Some(u) => u.to_string(),
                None => place.item_url(sid),
            };
            let mut shown = f.clone();
            shown.remove("__url");
            render::record(&shown, resource, &url)
        })
        .collect();
    let filters: Vec<(String, String)> = query
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "PageSize" | "Page" | "PageToken"))
        .cloned()
        .collect();
    let body = render::page(
        rendered,
        &render::PageLinks {
            key,
            list_url: &place.url,
            filters: &filters,
            page: window.start / window.size,
            page_size: window.size,
            has_next: more,
        },
    );
    Ok(crate::http::json(StatusCode::OK, &body))
}
