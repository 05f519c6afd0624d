//! Events spec -> [`Events`]: an OpenAPI 3.0 description of the requests an API sends.
//!
//! OpenAPI 3.0 has no top-level `webhooks` (that is 3.1), but `components.callbacks` holds
//! exactly what we need: named out-of-band requests the API makes to you. Each entry is one
//! event, named by the value of its discriminator field, with one `post` operation whose form
//! body schema lists the fields; the operation's tag says its phase. How the callbacks read as
//! events is the spec's to say, in `x-webhook-events` (see [`Conventions`]): the generator
//! knows no API's field names, tags or prose. A form field whose `encoding` entry is
//! `application/json` carries JSON text (a message's `Attributes`, its `Media` list) and is
//! decoded as JSON.
//!
//! Field types come from the schema: a string with a SID pattern (`^CH[0-9a-fA-F]{32}$`) is
//! checked for its prefix, `date-time` strings are parsed, integers and booleans are parsed,
//! and a `$ref` to a string enum becomes an enum with an `Unknown` fallback.

use super::schema::aliases;
use crate::error::{Ptr, Result};
use crate::ir::events::{Event, Events, Field, JsonModel, Kind};
use crate::ir::EnumDef;
use crate::load::Resolver;
use crate::names;
use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaKind, Type};

const FORM: &str = "application/x-www-form-urlencoded";
const JSON: &str = "application/json";

/// The vendor extension at the spec's root that says how its callbacks read as events.
const CONVENTIONS: &str = "x-webhook-events";

/// Lower a parsed events spec.
pub fn lower_events(api: &OpenAPI) -> Result<Events> {
    let r = Resolver::new(api);
    let conventions = Conventions::read(api)?;
    let callbacks_at = Ptr::root().join("components").join("callbacks");
    let components = api
        .components
        .as_ref()
        .ok_or_else(|| Ptr::root().err("an events spec needs components.callbacks"))?;
    let mut out = Events {
        title: api.info.title.clone(),
        shared_fields: shared_fields(api)?,
        scope_note: scope_note(api)?,
        ..Events::default()
    };
    for (name, callback) in &components.callbacks {
        let at = callbacks_at.join(name);
        let callback = match callback {
            ReferenceOr::Item(c) => c,
            ReferenceOr::Reference { .. } => {
                return Err(at.err("a callback must be written in place, not as a $ref"))
            }
        };
        let event = event(&r, &conventions, name, callback, &at, &mut out)?;
        out.events.push(event);
    }
    let Conventions {
        discriminator,
        sender,
        pre_action,
        post_action,
        ..
    } = conventions;
    Ok(Events {
        discriminator,
        sender,
        pre_action_doc: pre_action.doc,
        post_action_doc: post_action.doc,
        ..out
    })
}

/// How the spec's callbacks read as events: its `x-webhook-events`, every key required.
struct Conventions {
    /// `discriminator`: the form field whose value names the event (`EventType`).
    discriminator: String,
    /// `name-prefix`: what every event name starts with (`on`); the rest names the variant.
    name_prefix: String,
    /// `sender`: who sends the events, for the docs (`Twilio`).
    sender: String,
    /// `pre-action`: the phase whose answer the sender waits for before it acts.
    pre_action: Phase,
    /// `post-action`: the phase of events sent after the fact.
    post_action: Phase,
}

/// One phase: the tag that marks its events and the sentence their docs end with.
struct Phase {
    tag: String,
    doc: String,
}

impl Conventions {
    const KEYS: [&'static str; 5] = [
        "discriminator",
        "name-prefix",
        "sender",
        "pre-action",
        "post-action",
    ];

    fn read(api: &OpenAPI) -> Result<Conventions> {
        let at = Ptr::root().join(CONVENTIONS);
        let value = api.extensions.get(CONVENTIONS).ok_or_else(|| {
            at.err(format!(
                "an events spec says how its callbacks read as events: {CONVENTIONS} with {}",
                Self::KEYS.join(", ")
            ))
        })?;
        let map = value
            .as_object()
            .ok_or_else(|| at.err(format!("expected a mapping of {}", Self::KEYS.join(", "))))?;
        if let Some(unknown) = map.keys().find(|k| !Self::KEYS.contains(&k.as_str())) {
            return Err(at.join(unknown).err(format!(
                "unknown key; {CONVENTIONS} has {}",
                Self::KEYS.join(", ")
            )));
        }
        let discriminator = text(map, "discriminator", &at)?;
        let name_prefix = match map.get("name-prefix") {
            Some(serde_json::Value::String(p)) if p.chars().all(|c| c.is_ascii_alphanumeric()) => {
                p.clone()
            }
            _ => {
                return Err(at.join("name-prefix").err(
                    "expected the ASCII letters and digits every event name starts with (may \
                     be empty)",
                ))
            }
        };
        let sender = text(map, "sender", &at)?;
        let phase = |key: &str| -> Result<Phase> {
            let at = at.join(key);
            let map = map.get(key).and_then(|v| v.as_object()).ok_or_else(|| {
                at.err("expected a mapping of tag (the operations' tag) and doc (a sentence)")
            })?;
            if let Some(unknown) = map.keys().find(|k| *k != "tag" && *k != "doc") {
                return Err(at
                    .join(unknown)
                    .err("unknown key; a phase has a tag and a doc"));
            }
            Ok(Phase {
                tag: text(map, "tag", &at)?,
                doc: text(map, "doc", &at)?,
            })
        };
        let (pre_action, post_action) = (phase("pre-action")?, phase("post-action")?);
        if pre_action.tag == post_action.tag {
            return Err(at
                .join("post-action")
                .join("tag")
                .err("the two phases need two tags"));
        }
        Ok(Conventions {
            discriminator,
            name_prefix,
            sender,
            pre_action,
            post_action,
        })
    }
}

/// A non-empty string under `key` of `map` (at `at`).
fn text(map: &serde_json::Map<String, serde_json::Value>, key: &str, at: &Ptr) -> Result<String> {
    map.get(key)
        .and_then(|v| v.as_str())
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .ok_or_else(|| at.join(key).err("expected a non-empty string"))
}

/// `x-shared-fields`: form fields to give `WebhookEvent` an accessor for.
fn shared_fields(api: &OpenAPI) -> Result<Vec<String>> {
    let Some(list) = api.extensions.get("x-shared-fields") else {
        return Ok(Vec::new());
    };
    let at = Ptr::root().join("x-shared-fields");
    let names = list
        .as_array()
        .ok_or_else(|| at.err("x-shared-fields is a list of form field names"))?;
    names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            name.as_str()
                .filter(|n| !n.is_empty())
                .map(str::to_string)
                .ok_or_else(|| at.join(i).err("a shared field is a form field name"))
        })
        .collect()
}

/// `x-scope-note`: one sentence on where events come from.
fn scope_note(api: &OpenAPI) -> Result<String> {
    let Some(note) = api.extensions.get("x-scope-note") else {
        return Ok(String::new());
    };
    note.as_str()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .ok_or_else(|| {
            Ptr::root()
                .join("x-scope-note")
                .err("x-scope-note is one sentence for the WebhookEvent docs")
        })
}

/// One callback: one event.
fn event<'a>(
    r: &Resolver<'a>,
    conventions: &Conventions,
    name: &str,
    callback: &'a openapiv3::Callback,
    at: &Ptr,
    out: &mut Events,
) -> Result<Event> {
    let Conventions {
        discriminator,
        name_prefix,
        pre_action,
        post_action,
        ..
    } = conventions;
    let rest = name
        .strip_prefix(name_prefix.as_str())
        .filter(|rest| !rest.is_empty() && rest.chars().all(|c| c.is_ascii_alphanumeric()));
    let Some(rest) = rest else {
        return Err(at.err(format!(
            "callback `{name}`: an event's name is its `{discriminator}` value: `{name_prefix}` \
             and then ASCII letters and digits ({CONVENTIONS}/name-prefix)"
        )));
    };
    let (expr, item) = match callback.iter().next() {
        Some(entry) if callback.len() == 1 => entry,
        _ => return Err(at.err("a callback describes exactly one request")),
    };
    let at = at.join(expr);
    let op = item
        .post
        .as_ref()
        .ok_or_else(|| at.err("a webhook event is a `post` operation"))?;
    let at = at.join("post");
    let is_pre_action = match &op.tags[..] {
        [tag] if *tag == pre_action.tag => true,
        [tag] if *tag == post_action.tag => false,
        _ => {
            return Err(at.join("tags").err(format!(
                "tag the event `{}` or `{}` (exactly one; {CONVENTIONS} names the tags)",
                pre_action.tag, post_action.tag
            )))
        }
    };
    let body = op
        .request_body
        .as_ref()
        .ok_or_else(|| at.err("an event has a form body (requestBody)"))?;
    let (body, body_at) = r.request_body(body, &at.join("requestBody"))?;
    let content_at = body_at.join("content");
    let media = body
        .content
        .get(FORM)
        .ok_or_else(|| content_at.err(format!("the event is sent as {FORM}")))?;
    let media_at = content_at.join(FORM);
    let schema = media
        .schema
        .as_ref()
        .ok_or_else(|| media_at.err("no schema for the form body"))?;
    let (schema, schema_at) = r.schema(schema, &media_at.join("schema"))?;
    let json_fields: Vec<&str> = media
        .encoding
        .iter()
        .filter(|(_, e)| e.content_type.as_deref() == Some(JSON))
        .map(|(k, _)| k.as_str())
        .collect();
    let obj = match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => o,
        _ => return Err(schema_at.err("an event body schema is an object")),
    };
    if !obj.properties.contains_key(discriminator) {
        return Err(schema_at.err(format!(
            "an event body has a `{discriminator}` property ({CONVENTIONS}/discriminator)"
        )));
    }
    let mut fields = Vec::new();
    for (wire, prop) in &obj.properties {
        if wire == discriminator {
            continue;
        }
        let prop_at = schema_at.join("properties").join(wire);
        let json = json_fields.contains(&wire.as_str());
        let kind = field_kind(r, prop, json, &prop_at, out)?;
        let (resolved, _) = r.boxed_schema(prop, &prop_at)?;
        fields.push(Field {
            wire: wire.clone(),
            aliases: aliases(resolved, &prop_at)?,
            rust: names::snake(wire),
            doc: resolved.schema_data.description.clone().unwrap_or_default(),
            required: obj.required.contains(wire),
            kind,
        });
    }
    Ok(Event {
        event_type: name.to_string(),
        struct_name: names::camel(name),
        variant: names::camel(rest),
        doc: op
            .summary
            .clone()
            .or_else(|| schema.schema_data.description.clone())
            .unwrap_or_default(),
        pre_action: is_pre_action,
        fields,
    })
}

/// The component a schema refers to, when it is a `$ref`.
fn ref_name<T>(schema: &ReferenceOr<T>) -> Option<&str> {
    match schema {
        ReferenceOr::Reference { reference } => reference.strip_prefix("#/components/schemas/"),
        ReferenceOr::Item(_) => None,
    }
}

/// `^CH[0-9a-fA-F]{32}$` -> `CH`: the identifiers the runtime's `sid` check knows (two
/// upper-case letters, then 32 hex digits). Any other pattern is not checked.
fn sid_prefix(pattern: &str) -> Option<String> {
    let prefix = pattern
        .strip_prefix('^')?
        .strip_suffix("[0-9a-fA-F]{32}$")?;
    (prefix.len() == 2 && prefix.chars().all(|c| c.is_ascii_uppercase())).then(|| prefix.into())
}

fn field_kind<'a>(
    r: &Resolver<'a>,
    prop: &'a ReferenceOr<Box<Schema>>,
    json: bool,
    at: &Ptr,
    out: &mut Events,
) -> Result<Kind> {
    let (schema, schema_at) = r.boxed_schema(prop, at)?;
    if json {
        return match &schema.schema_kind {
            SchemaKind::Type(Type::Array(a)) => {
                let item = a
                    .items
                    .as_ref()
                    .ok_or_else(|| schema_at.err("a JSON list field names its item schema"))?;
                let name = ref_name(item)
                    .ok_or_else(|| schema_at.err("a JSON list's items are a $ref to an object"))?
                    .to_string();
                json_model(r, item, &name, at, out)?;
                Ok(Kind::JsonList(name))
            }
            _ => Ok(Kind::Json),
        };
    }
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => {
            if !s.enumeration.is_empty() {
                let name = ref_name(prop)
                    .ok_or_else(|| at.err("an enum field is a $ref to a named string enum"))?
                    .to_string();
                if !out.enums.iter().any(|e| e.name == name) {
                    out.enums.push(EnumDef {
                        name: name.clone(),
                        doc: schema.schema_data.description.clone().unwrap_or_default(),
                        variants: s
                            .enumeration
                            .iter()
                            .flatten()
                            .map(|v| (v.clone(), names::camel(v)))
                            .collect(),
                    });
                }
                return Ok(Kind::Enum(name));
            }
            if let Some(prefix) = s.pattern.as_deref().and_then(sid_prefix) {
                return Ok(Kind::Sid(prefix));
            }
            match &s.format {
                openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::DateTime) => {
                    Ok(Kind::DateTime)
                }
                _ => Ok(Kind::Text),
            }
        }
        SchemaKind::Type(Type::Integer(_)) => Ok(Kind::Integer),
        SchemaKind::Type(Type::Boolean(_)) => Ok(Kind::Boolean),
        SchemaKind::Type(Type::Array(a))
            if a.items.as_ref().is_some_and(|i| {
                matches!(i, ReferenceOr::Item(item)
                    if matches!(item.schema_kind, SchemaKind::Type(Type::String(_))))
            }) =>
        {
            Ok(Kind::TextList)
        }
        _ => Err(at.err(
            "a form field is a string, integer, boolean, string enum or array of strings (a \
             field that repeats); objects and other arrays need an application/json encoding \
             entry",
        )),
    }
}

/// The object a JSON list field holds, added to `out.models` once.
fn json_model<'a>(
    r: &Resolver<'a>,
    schema: &'a ReferenceOr<Box<Schema>>,
    name: &str,
    at: &Ptr,
    out: &mut Events,
) -> Result<()> {
    if out.models.iter().any(|m| m.name == name) {
        return Ok(());
    }
    let (schema, schema_at) = r.boxed_schema(schema, at)?;
    let obj = match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => o,
        _ => return Err(schema_at.err("a JSON list item is an object")),
    };
    let mut fields = Vec::new();
    for (wire, prop) in &obj.properties {
        let prop_at = schema_at.join("properties").join(wire);
        let prop = match prop {
            ReferenceOr::Item(s) => s.as_ref(),
            ReferenceOr::Reference { .. } => {
                return Err(prop_at.err("fields of a JSON list item are written in place"))
            }
        };
        let kind = match &prop.schema_kind {
            SchemaKind::Type(Type::String(_)) => Kind::Text,
            SchemaKind::Type(Type::Integer(_)) => Kind::Integer,
            SchemaKind::Type(Type::Boolean(_)) => Kind::Boolean,
            _ => return Err(prop_at.err("a JSON list item field is a string, integer or boolean")),
        };
        fields.push(Field {
            wire: wire.clone(),
            aliases: aliases(prop, &prop_at)?,
            rust: names::snake(wire),
            doc: prop.schema_data.description.clone().unwrap_or_default(),
            required: obj.required.contains(wire),
            kind,
        });
    }
    out.models.push(JsonModel {
        name: name.to_string(),
        doc: schema.schema_data.description.clone().unwrap_or_default(),
        fields,
    });
    Ok(())
}
