//! One request, start to end: credentials, faults, the route, parameters, the place, pre-action
//! webhooks, the action on the store, the answer, post-action webhooks.

use crate::behaviour::{self, names};
use crate::catalog::{Action, Answer, Catalog, Operation, Seg};
use crate::clock::{format, Clock};
use crate::error::ApiFailure;
use crate::events::{self, EventCatalog};
use crate::faults::{FaultKind, Faults};
use crate::params::{self, Values};
use crate::place::{self, Place};
use crate::render;
use crate::router::{self, Matched};
use crate::store::{Record, Store};
use crate::views::Window;
use crate::webhooks::{Caller, Target, Verdict};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};
use std::sync::{Arc, Mutex};

/// Everything one emulator holds.
pub struct Shared {
    pub catalog: Arc<Catalog>,
    /// The Media Content Service's operations.
    pub media_catalog: Arc<Catalog>,
    pub events: Arc<EventCatalog>,
    pub account_sid: String,
    pub auth_token: String,
    /// `http://127.0.0.1:PORT`.
    pub origin: String,
    pub default_service: String,
    /// The account's default messaging service (`MG...`), named by `/v1/Configuration`.
    pub messaging_service: String,
    pub store: Mutex<Store>,
    pub clock: Clock,
    pub faults: Faults,
    pub caller: Caller,
    pub media: crate::media::Media,
}

/// What the HTTP layer hands over.
pub struct Incoming<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: &'a str,
    pub authorization: Option<&'a str>,
    pub webhook_enabled: bool,
    pub content_type: Option<&'a str>,
    pub body: &'a [u8],
    pub header: &'a (dyn Fn(&str) -> Option<String> + Sync),
}

impl Shared {
    pub fn lock(&self) -> std::sync::MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether the Basic credentials are this account's.
    pub fn authorized(&self, authorization: Option<&str>) -> bool {
        use base64::Engine as _;
        let Some(encoded) = authorization.and_then(|a| a.strip_prefix("Basic ")) else {
            return false;
        };
        let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(encoded.trim()) else {
            return false;
        };
        let expected = format!("{}:{}", self.account_sid, self.auth_token);
        decoded == expected.as_bytes()
    }

    pub fn default_messaging_service(&self) -> &str {
        &self.messaging_service
    }

    /// The emulator's URL of the REST API (with its prefix).
    pub fn api_url(&self) -> String {
        format!("{}{}", self.origin, self.catalog.prefix)
    }
}

/// Handle one REST request (faults and credentials included).
pub async fn handle(shared: &Arc<Shared>, req: Incoming<'_>) -> Response {
    if !shared.authorized(req.authorization) {
        return ApiFailure::unauthorized().into_response();
    }
    match shared.faults.take(req.method, req.path) {
        Some(FaultKind::TooManyRequests { retry_after }) => {
            let mut r = ApiFailure::new(429, 20429, "Too Many Requests").into_response();
            if let Some(s) = retry_after {
                if let Ok(v) = s.to_string().parse() {
                    r.headers_mut().insert("Retry-After", v);
                }
            }
            return r;
        }
        Some(FaultKind::Unavailable) => {
            return ApiFailure::new(503, 20503, "Service Unavailable").into_response()
        }
        Some(FaultKind::DropConnection) => return crate::http::broken(),
        Some(FaultKind::Delay(d)) => tokio::time::sleep(d).await,
        None => {}
    }
    match run(shared, &req).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

fn split(text: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(text.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

async fn run(shared: &Arc<Shared>, req: &Incoming<'_>) -> Result<Response, ApiFailure> {
    let catalog = shared.catalog.clone();
    let matched = router::route(&catalog, req.method, req.path)?;
    check_path_sids(&matched)?;
    let query = split(req.query);
    let is_form = req
        .content_type
        .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
    let form = if is_form {
        split(std::str::from_utf8(req.body).unwrap_or(""))
    } else {
        Vec::new()
    };
    let values = params::read(matched.op, &query, &form, |n| (req.header)(n))?;
    let op = matched.op;
    tracing::debug!(operation = %op.id, path = req.path, "emulated");
    // Pre-action webhooks: decided before the action, without holding the store.
    let mut changes = Map::new();
    if req.webhook_enabled {
        if let Some(pre) = pre_action(shared, &matched, &values).await? {
            changes = pre;
        }
    }
    let (response, post) = {
        let mut store = shared.lock();
        let place = place::resolve(
            &catalog,
            &matched,
            &store,
            &shared.api_url(),
            &shared.default_service,
        )?;
        act(shared, &mut store, op, &place, &values, &changes, &query)?
    };
    if req.webhook_enabled {
        for (target, event_type, fields) in post {
            shared
                .caller
                .post_action(target, event_type, fields, shared.clock.now());
        }
    }
    Ok(response)
}

/// A path value whose parameter has a SID pattern must have that shape: 400 otherwise.
fn check_path_sids(matched: &Matched<'_>) -> Result<(), ApiFailure> {
    for seg in &matched.op.route {
        if let Seg::Param {
            name,
            sid_prefix: Some(prefix),
            ..
        } = seg
        {
            let value = matched.param(name).unwrap_or("");
            if !crate::sid::is_sid(prefix, value) {
                return Err(ApiFailure::bad_request(format!(
                    "Invalid path parameter {name}: {value:?} is not a {prefix} SID"
                )));
            }
        }
    }
    Ok(())
}

type PostEvents = Vec<(Target, String, Vec<(String, String)>)>;

/// The pre-action webhook of this request, if its resource and action have one and a target
/// wants it: the answer's changes, or the failure that stops the action.
async fn pre_action(
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

/// `FriendlyName` -> `friendly_name`, `MessagingBinding` -> `messaging_binding`.
pub fn snake(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 4);
    let chars: Vec<char> = text.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev_lower =
                i > 0 && (chars[i - 1].is_ascii_lowercase() || chars[i - 1].is_ascii_digit());
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            let prev_upper = i > 0 && chars[i - 1].is_ascii_uppercase();
            if i > 0 && (prev_lower || (prev_upper && next_lower)) {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(*c);
        }
    }
    out
}

/// The stored fields a request's parameters set: each form parameter under its snake-case
/// name, dotted ones nested (`MessagingBinding.Address` -> `messaging_binding.address`), when
/// the resource has such a field. Headers and list filters set nothing.
fn fields_from(
    op: &Operation,
    resource: &crate::catalog::Resource,
    values: &Values,
) -> Map<String, Value> {
    let mut out = Map::new();
    for p in &op.params {
        if p.at != crate::catalog::Where::Form {
            continue;
        }
        let Some(value) = values.get(&p.wire) else {
            continue;
        };
        let parts: Vec<String> = p.wire.split('.').map(snake).collect();
        let top = field_name(resource, &parts[0]);
        let Some(top) = top else {
            continue;
        };
        if parts.len() == 1 {
            // A boolean or number parameter for a field the answer gives as a string.
            let value = match value {
                Value::Bool(_) | Value::Number(_)
                    if resource.field(&top).is_some_and(|f| f.is_text) =>
                {
                    Value::String(value.to_string())
                }
                _ => value.clone(),
            };
            out.insert(top, value);
        } else {
            let mut slot = out.entry(top).or_insert_with(|| Value::Object(Map::new()));
            for part in &parts[1..parts.len() - 1] {
                if !slot.is_object() {
                    *slot = Value::Object(Map::new());
                }
                slot = slot
                    .as_object_mut()
                    .map(|m| {
                        m.entry(part.clone())
                            .or_insert_with(|| Value::Object(Map::new()))
                    })
                    .expect("made an object above");
            }
            if let Some(map) = slot.as_object_mut() {
                map.insert(parts[parts.len() - 1].clone(), value.clone());
            }
        }
    }
    out
}

/// The resource's field for a parameter's snake-case name: itself, or its plural (`Permission`
/// -> `permissions`, a list parameter filling a list field).
fn field_name(resource: &crate::catalog::Resource, snake: &str) -> Option<String> {
    if resource.field(snake).is_some() {
        return Some(snake.to_string());
    }
    let plural = format!("{snake}s");
    resource.field(&plural).map(|_| plural)
}

/// Apply the changes a pre-action webhook answered (snake_case keys; `attributes` as JSON
/// text) to fields about to be stored. Only the keys Twilio documents are taken.
fn apply_changes(resource: &str, fields: &mut Map<String, Value>, changes: &Map<String, Value>) {
    let allowed: &[&str] = match resource {
        names::MESSAGE => &["body", "author", "attributes"],
        names::CONVERSATION | names::WITH_PARTICIPANTS => &["friendly_name", "attributes"],
        _ => &[],
    };
    for key in allowed {
        if let Some(v) = changes.get(*key) {
            let v = match (key, v) {
                (&"attributes", Value::String(_)) => v.clone(),
                (&"attributes", other) => Value::String(other.to_string()),
                _ => v.clone(),
            };
            fields.insert((*key).to_string(), v);
        }
    }
}

/// Carry out `op` at `place`.
fn act(
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
