//! Webhook events: an OpenAPI 3.0 description of the requests Twilio sends -> `events.rs`.
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
//! and a `$ref` to a string enum becomes an enum with an `Unknown` fallback. The emitted code
//! decodes through the hand-written `crate::webhook::FormFields`, which names the field of
//! every failure.
//!
//! Without an events spec the same file is emitted with no events, so the runtime that refers
//! to `WebhookEvent` compiles for every spec (a standalone crate for another API included).

use crate::emit::runtime::{DATE_TIME, EVENT_ERROR, FORM_FIELDS};
use crate::emit::{doc, ident, types};
use crate::error::{Ptr, Result};
use crate::ir::EnumDef;
use crate::names;
use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaKind, Type};
use proc_macro2::TokenStream;
use quote::quote;

/// Every event of one events spec.
#[derive(Debug, Clone, Default)]
pub struct Events {
    pub title: String,
    pub events: Vec<Event>,
    pub enums: Vec<EnumDef>,
    /// Object types that JSON-encoded fields decode into (`WebhookMedia`).
    pub models: Vec<JsonModel>,
    /// Form fields many events carry, from the spec's `x-shared-fields` list: each gets an
    /// accessor on `WebhookEvent` (`conversation_sid()`), so a handler can route on it without
    /// matching every variant.
    pub shared_fields: Vec<String>,
    /// What the spec's `x-scope-note` says about where events come from, for the
    /// `WebhookEvent` docs (Conversations: the default service and named services send the
    /// same events); empty when it says nothing.
    pub scope_note: String,
}

#[derive(Debug, Clone)]
pub struct Event {
    /// `onMessageAdded`.
    pub event_type: String,
    /// `MessageAdded`: the `WebhookEvent` variant.
    pub variant: String,
    /// `OnMessageAdded`: the struct.
    pub struct_name: String,
    pub doc: String,
    pub pre_action: bool,
    pub fields: Vec<Field>,
}

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
    /// A SID with this two-letter prefix.
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

#[derive(Debug, Clone)]
pub struct JsonModel {
    pub name: String,
    pub doc: String,
    /// Kinds are `Text`, `Integer`, `Boolean`.
    pub fields: Vec<Field>,
}

/// A property's `x-aliases`: other names the same value arrives under.
fn aliases(schema: &Schema, at: &Ptr) -> Result<Vec<String>> {
    let Some(list) = schema.schema_data.extensions.get("x-aliases") else {
        return Ok(Vec::new());
    };
    let at = at.join("x-aliases");
    let items = list
        .as_array()
        .ok_or_else(|| at.err("x-aliases is a list of other spellings of this field"))?;
    items
        .iter()
        .enumerate()
        .map(|(i, v)| {
            v.as_str()
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .ok_or_else(|| at.join(i).err("an alias is a field name"))
        })
        .collect()
}

/// Parse and lower an events spec.
pub fn lower(text: &str) -> Result<Events> {
    let api = crate::load::parse(text)?;
    let callbacks_at = Ptr::root().join("components").join("callbacks");
    let components = api
        .components
        .as_ref()
        .ok_or_else(|| Ptr::root().err("an events spec needs components.callbacks"))?;
    let mut out = Events {
        title: api.info.title.clone(),
        ..Events::default()
    };
    if let Some(list) = api.extensions.get("x-shared-fields") {
        let at = Ptr::root().join("x-shared-fields");
        let names = list
            .as_array()
            .ok_or_else(|| at.err("x-shared-fields is a list of form field names"))?;
        for (i, name) in names.iter().enumerate() {
            let name = name
                .as_str()
                .filter(|n| !n.is_empty())
                .ok_or_else(|| at.join(i).err("a shared field is a form field name"))?;
            out.shared_fields.push(name.to_string());
        }
    }
    if let Some(note) = api.extensions.get("x-scope-note") {
        out.scope_note = note
            .as_str()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .ok_or_else(|| {
                Ptr::root()
                    .join("x-scope-note")
                    .err("x-scope-note is one sentence for the WebhookEvent docs")
            })?
            .to_string();
    }
    for (name, callback) in &components.callbacks {
        let at = callbacks_at.join(name);
        let callback = match callback {
            ReferenceOr::Item(c) => c,
            ReferenceOr::Reference { .. } => {
                return Err(at.err("a callback must be written in place, not as a $ref"))
            }
        };
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
        let body = match &op.request_body {
            Some(ReferenceOr::Item(b)) => b,
            _ => return Err(at.err("the event's form body is written in place (requestBody)")),
        };
        let at_body = at.join("requestBody").join("content");
        let media = body
            .content
            .get("application/x-www-form-urlencoded")
            .ok_or_else(|| at_body.err("the event is sent as application/x-www-form-urlencoded"))?;
        let at_media = at_body.join("application/x-www-form-urlencoded");
        let (schema, schema_at) = match &media.schema {
            Some(s) => resolve(&api, s, &at_media.join("schema"))?,
            None => return Err(at_media.err("no schema for the form body")),
        };
        let json_fields: Vec<&str> = media
            .encoding
            .iter()
            .filter(|(_, e)| e.content_type.as_deref() == Some("application/json"))
            .map(|(k, _)| k.as_str())
            .collect();
        let obj = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => o,
            _ => return Err(schema_at.err("an event body schema is an object")),
        };
        let mut fields = Vec::new();
        for (wire, prop) in &obj.properties {
            if wire == "EventType" {
                continue;
            }
            let prop_at = schema_at.join("properties").join(wire);
            let prop = match prop {
                ReferenceOr::Item(s) => ReferenceOr::Item((**s).clone()),
                ReferenceOr::Reference { reference } => ReferenceOr::Reference {
                    reference: reference.clone(),
                },
            };
            let kind = field_kind(
                &api,
                &prop,
                json_fields.contains(&wire.as_str()),
                &prop_at,
                &mut out,
            )?;
            let (resolved, _) = resolve(&api, &prop, &prop_at)?;
            let doc = resolved.schema_data.description.clone().unwrap_or_default();
            fields.push(Field {
                wire: wire.clone(),
                aliases: aliases(resolved, &prop_at)?,
                rust: names::snake(wire),
                doc,
                required: obj.required.contains(wire),
                kind,
            });
        }
        if !obj.properties.contains_key("EventType") {
            return Err(schema_at.err("an event body has an EventType property"));
        }
        let variant = names::camel(&name[2..]);
        out.events.push(Event {
            event_type: name.clone(),
            struct_name: format!("On{variant}"),
            variant,
            doc: op
                .summary
                .clone()
                .or_else(|| schema.schema_data.description.clone())
                .unwrap_or_default(),
            pre_action,
            fields,
        });
    }
    Ok(out)
}

fn resolve<'a>(
    api: &'a OpenAPI,
    schema: &'a ReferenceOr<Schema>,
    at: &Ptr,
) -> Result<(&'a Schema, Ptr)> {
    match schema {
        ReferenceOr::Item(s) => Ok((s, at.clone())),
        ReferenceOr::Reference { reference } => {
            let name = reference
                .strip_prefix("#/components/schemas/")
                .ok_or_else(|| at.err(format!("unsupported $ref `{reference}`")))?;
            let found = api
                .components
                .as_ref()
                .and_then(|c| c.schemas.get(name))
                .ok_or_else(|| at.err(format!("$ref `{reference}` names no schema")))?;
            match found {
                ReferenceOr::Item(s) => {
                    Ok((s, Ptr::root().join("components").join("schemas").join(name)))
                }
                ReferenceOr::Reference { .. } => {
                    Err(at.err(format!("$ref `{reference}` points at another $ref")))
                }
            }
        }
    }
}

fn ref_name(schema: &ReferenceOr<Schema>) -> Option<&str> {
    match schema {
        ReferenceOr::Reference { reference } => reference.strip_prefix("#/components/schemas/"),
        ReferenceOr::Item(_) => None,
    }
}

/// `^CH[0-9a-fA-F]{32}$` -> `CH`.
fn sid_prefix(pattern: &str) -> Option<String> {
    let prefix = pattern
        .strip_prefix('^')?
        .strip_suffix("[0-9a-fA-F]{32}$")?;
    (prefix.len() == 2 && prefix.chars().all(|c| c.is_ascii_uppercase())).then(|| prefix.into())
}

fn field_kind(
    api: &OpenAPI,
    prop: &ReferenceOr<Schema>,
    json: bool,
    at: &Ptr,
    out: &mut Events,
) -> Result<Kind> {
    let (schema, schema_at) = resolve(api, prop, at)?;
    if json {
        return match &schema.schema_kind {
            SchemaKind::Type(Type::Array(a)) => {
                let item = a
                    .items
                    .as_ref()
                    .ok_or_else(|| schema_at.err("a JSON list field names its item schema"))?;
                let item = item.clone().unbox();
                let name = ref_name(&item)
                    .ok_or_else(|| schema_at.err("a JSON list's items are a $ref to an object"))?
                    .to_string();
                json_model(api, &item, &name, at, out)?;
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

fn json_model(
    api: &OpenAPI,
    schema: &ReferenceOr<Schema>,
    name: &str,
    at: &Ptr,
    out: &mut Events,
) -> Result<()> {
    if out.models.iter().any(|m| m.name == name) {
        return Ok(());
    }
    let (schema, schema_at) = resolve(api, schema, at)?;
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

fn field_ty(kind: &Kind) -> TokenStream {
    match kind {
        Kind::Text | Kind::Sid(_) => quote!(String),
        Kind::Integer => quote!(i64),
        Kind::Boolean => quote!(bool),
        Kind::TextList => quote!(Vec<String>),
        Kind::DateTime => quote!(#DATE_TIME),
        Kind::Json => quote!(serde_json::Value),
        Kind::JsonList(m) => {
            let m = ident(m);
            quote!(Vec<#m>)
        }
        Kind::Enum(e) => {
            let e = ident(e);
            quote!(#e)
        }
    }
}

fn decode_expr(f: &Field) -> TokenStream {
    let wire = &f.wire;
    // The name to read: the first spelling the request has (the documented one first).
    let name = if f.aliases.is_empty() {
        quote!(#wire)
    } else {
        let aliases = &f.aliases;
        quote!(f.spelling(#wire, &[#(#aliases),*]))
    };
    let wire = &name;
    let value = match &f.kind {
        Kind::Text => quote!(f.text(#wire)),
        Kind::Sid(prefix) => quote!(f.sid(#wire, #prefix)?),
        Kind::Integer => quote!(f.integer(#wire)?),
        Kind::Boolean => quote!(f.boolean(#wire)?),
        Kind::DateTime => quote!(f.date_time(#wire)?),
        Kind::TextList => quote!(f.text_list(#wire)),
        Kind::Json => quote!(f.json(#wire)?),
        Kind::JsonList(_) => quote!(f.json_as(#wire)?),
        Kind::Enum(_) => quote!(f.enumeration(#wire)),
    };
    // A list is empty when the field is absent; it is never an `Option`.
    if f.kind == Kind::TextList {
        return value;
    }
    if f.required {
        quote!(f.required(#wire, #value)?)
    } else {
        value
    }
}

/// `events.rs` for these events (`None`: no events spec, only `Unknown`).
pub fn emit(events: Option<&Events>) -> TokenStream {
    let empty = Events::default();
    let ev = events.unwrap_or(&empty);
    let mut out = TokenStream::new();
    for e in &ev.enums {
        out.extend(types::enum_tokens(e));
    }
    for m in &ev.models {
        let name = ident(&m.name);
        let mdoc = doc(&[&m.doc]);
        let fields = m.fields.iter().map(|f| {
            let (wire, aliases) = (&f.wire, &f.aliases);
            let fname = ident(&f.rust);
            let ty = field_ty(&f.kind);
            let ty = if f.required { ty } else { quote!(Option<#ty>) };
            let d = doc(&[&f.doc]);
            quote! {
                #d
                #[serde(rename = #wire #(, alias = #aliases)*)]
                pub #fname: #ty,
            }
        });
        out.extend(quote! {
            #mdoc
            #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
            #[non_exhaustive]
            pub struct #name {
                #(#fields)*
            }
        });
    }
    for e in &ev.events {
        let name = ident(&e.struct_name);
        let phase = if e.pre_action {
            "Pre-action: Twilio waits for the answer (see `PreActionResponse`) before acting."
        } else {
            "Post-action: sent after the fact; the answer only acknowledges it."
        };
        let header = format!("`{}`: {}", e.event_type, e.doc);
        let edoc = doc(&[&header, phase]);
        let fields = e.fields.iter().map(|f| {
            let fname = ident(&f.rust);
            let ty = field_ty(&f.kind);
            let ty = if f.required || f.kind == Kind::TextList {
                ty
            } else {
                quote!(Option<#ty>)
            };
            let form = match (&f.kind, f.aliases.is_empty()) {
                (Kind::TextList, _) => format!(
                    "Form field `{}`, every value in the order received (it may repeat).",
                    f.wire
                ),
                (_, true) => format!("Form field `{}`.", f.wire),
                (_, false) => format!(
                    "Form field `{}` (also read as `{}`).",
                    f.wire,
                    f.aliases.join("`, `")
                ),
            };
            let d = doc(&[&f.doc, &form]);
            quote! {
                #d
                pub #fname: #ty,
            }
        });
        let inits = e.fields.iter().map(|f| {
            let fname = ident(&f.rust);
            let expr = decode_expr(f);
            quote!(#fname: #expr,)
        });
        let event_type = &e.event_type;
        let pre = e.pre_action;
        out.extend(quote! {
            #edoc
            #[derive(Debug, Clone, PartialEq)]
            #[non_exhaustive]
            pub struct #name {
                #(#fields)*
            }

            impl #name {
                /// The `EventType` value of this event.
                pub const EVENT_TYPE: &'static str = #event_type;
                /// Whether Twilio waits for the answer before acting.
                pub const PRE_ACTION: bool = #pre;

                #[allow(unused_variables)]
                fn from_fields(f: &#FORM_FIELDS<'_>) -> Result<Self, #EVENT_ERROR> {
                    Ok(Self { #(#inits)* })
                }
            }
        });
    }
    let variants: Vec<_> = ev.events.iter().map(|e| ident(&e.variant)).collect();
    let decode_arms = ev.events.iter().map(|e| {
        let (v, s, t) = (ident(&e.variant), ident(&e.struct_name), &e.event_type);
        quote!(#t => Ok(Self::#v(#s::from_fields(&#FORM_FIELDS::new(#t, fields))?)),)
    });
    let structs: Vec<_> = ev.events.iter().map(|e| ident(&e.struct_name)).collect();
    let types: Vec<&String> = ev.events.iter().map(|e| &e.event_type).collect();
    let vdocs = ev.events.iter().map(|e| {
        let d = format!(" `{}`", e.event_type);
        quote!(#[doc = #d])
    });
    let pre_variants: Vec<_> = ev
        .events
        .iter()
        .filter(|e| e.pre_action)
        .map(|e| ident(&e.variant))
        .collect();
    let is_pre = if pre_variants.is_empty() {
        quote!(false)
    } else {
        quote!(matches!(self, #(Self::#pre_variants(_))|*))
    };
    // Accessors for fields most events share, so a handler can route without matching
    // every variant.
    let shared = |wire: &str| -> TokenStream {
        let arms = ev.events.iter().map(|e| {
            let v = ident(&e.variant);
            match e.fields.iter().find(|f| f.wire == wire) {
                Some(f) if matches!(f.kind, Kind::Text | Kind::Sid(_)) => {
                    let fname = ident(&f.rust);
                    if f.required {
                        quote!(Self::#v(e) => Some(e.#fname.as_str()),)
                    } else {
                        quote!(Self::#v(e) => e.#fname.as_deref(),)
                    }
                }
                _ => quote!(Self::#v(_) => None,),
            }
        });
        quote! {
            match self {
                #(#arms)*
                Self::Unknown { fields, .. } => fields
                    .iter()
                    .find(|(k, _)| k == #wire)
                    .map(|(_, v)| v.as_str())
                    .filter(|v| !v.is_empty()),
            }
        }
    };
    let shared_accessors = ev.shared_fields.iter().map(|wire| {
        let name = ident(&crate::names::snake(wire));
        let body = shared(wire);
        let d = format!(" `{wire}`, when the event has it.");
        quote! {
            #[doc = #d]
            pub fn #name(&self) -> Option<&str> {
                #body
            }
        }
    });
    let title = if ev.title.is_empty() {
        "no events spec was given, so only `Unknown`".to_string()
    } else {
        format!("every event of {}", ev.title)
    };
    let enum_doc = if ev.scope_note.is_empty() {
        format!(" One webhook request, decoded: {title}.")
    } else {
        format!(" One webhook request, decoded: {title}. {}", ev.scope_note)
    };
    out.extend(quote! {
        #[doc = #enum_doc]
        ///
        /// An `EventType` this version does not know decodes as `Unknown` with every field kept.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum WebhookEvent {
            #(#vdocs #variants(#structs),)*
            /// An event this version of the crate does not know.
            Unknown {
                /// Its `EventType` value.
                event_type: String,
                /// Every form field as received.
                fields: Vec<(String, String)>,
            },
        }

        impl WebhookEvent {
            /// Every `EventType` this version decodes into a typed variant.
            pub const KNOWN_EVENT_TYPES: &'static [&'static str] = &[#(#types),*];

            /// Decode form fields (a `POST` body or a `GET` query string, already split into
            /// pairs). A known event with a missing or malformed field is an error naming it.
            pub fn from_form(fields: &[(String, String)]) -> Result<WebhookEvent, #EVENT_ERROR> {
                let event_type = #FORM_FIELDS::event_type(fields)?;
                match event_type {
                    #(#decode_arms)*
                    other => Ok(Self::Unknown {
                        event_type: other.to_string(),
                        fields: fields.to_vec(),
                    }),
                }
            }

            /// The `EventType` value.
            pub fn event_type(&self) -> &str {
                match self {
                    #(Self::#variants(_) => #types,)*
                    Self::Unknown { event_type, .. } => event_type,
                }
            }

            /// Whether Twilio waits for the answer before acting (false for unknown events).
            pub fn is_pre_action(&self) -> bool {
                #is_pre
            }

            #(#shared_accessors)*
        }
    });
    out
}
