//! Events spec -> [`Events`]: an OpenAPI 3.0 description of the requests Twilio sends.
//!
//! OpenAPI 3.0 has no top-level `webhooks` (that is 3.1), but `components.callbacks` holds
//! exactly what we need: named out-of-band requests the API makes to you. Each entry is one
//! event, named by its `EventType` value, with one `post` operation whose form body schema
//! lists the fields. The operation's tag says the phase (`pre-action` or `post-action`). A
//! form field whose `encoding` entry is `application/json` carries JSON text (a message's
//! `Attributes`, its `Media` list) and is decoded as JSON.
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

/// Lower a parsed events spec.
pub fn lower_events(api: &OpenAPI) -> Result<Events> {
    let r = Resolver::new(api);
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
        let event = event(&r, name, callback, &at, &mut out)?;
        out.events.push(event);
    }
    Ok(out)
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
    name: &str,
    callback: &'a openapiv3::Callback,
    at: &Ptr,
    out: &mut Events,
) -> Result<Event> {
    if !name.starts_with("on") || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(at.err(format!(
            "callback `{name}`: event names are EventType values such as onMessageAdded"
        )));
    }
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
    let pre_action = match op.tags.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["pre-action"] => true,
        ["post-action"] => false,
        _ => {
            return Err(at
                .join("tags")
                .err("tag the event `pre-action` or `post-action` (exactly one)"))
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
    if !obj.properties.contains_key("EventType") {
        return Err(schema_at.err("an event body has an EventType property"));
    }
    let mut fields = Vec::new();
    for (wire, prop) in &obj.properties {
        if wire == "EventType" {
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
    let variant = names::camel(&name[2..]);
    Ok(Event {
        event_type: name.to_string(),
        struct_name: names::camel(name),
        variant,
        doc: op
            .summary
            .clone()
            .or_else(|| schema.schema_data.description.clone())
            .unwrap_or_default(),
        pre_action,
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
