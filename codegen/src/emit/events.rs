//! `events.rs`: one struct per webhook event, and `WebhookEvent` over all of them.
//!
//! The emitted code decodes through the runtime's `FormFields`, which names the field of every
//! failure. Without an events spec the same file is emitted with no events, so code that refers
//! to `WebhookEvent` compiles for every spec (a standalone crate for another API included).

use super::runtime::{DATE_TIME, EVENT_ERROR, FORM_FIELDS};
use super::text::{doc, ident};
use super::types;
use crate::ir::events::{Event, Events, Field, JsonModel, Kind};
use crate::names::snake;
use proc_macro2::TokenStream;
use quote::quote;

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
pub(crate) fn events_file(events: Option<&Events>) -> TokenStream {
    let mut out = TokenStream::new();
    if let Some(ev) = events {
        for e in &ev.enums {
            out.extend(types::enum_tokens(e));
        }
        for m in &ev.models {
            out.extend(json_model(m));
        }
        for e in &ev.events {
            out.extend(event_struct(e, ev));
        }
    }
    out.extend(webhook_event(events));
    out
}

/// How the docs name what an events spec supplies: its discriminator field and the events'
/// sender; without an events spec, neutral words.
struct Words<'a> {
    /// `` `EventType` ``, or `event type`.
    discriminator: String,
    /// `` `EventType` value ``, or `event type`.
    value: String,
    /// `Twilio`, or `the sender`.
    sender: &'a str,
}

impl<'a> Words<'a> {
    fn of(events: Option<&'a Events>) -> Words<'a> {
        match events {
            Some(ev) => Words {
                discriminator: format!("`{}`", ev.discriminator),
                value: format!("`{}` value", ev.discriminator),
                sender: &ev.sender,
            },
            None => Words {
                discriminator: "event type".to_string(),
                value: "event type".to_string(),
                sender: "the sender",
            },
        }
    }

    /// `An`, or `A`, before the discriminator's name.
    fn article(&self) -> &'static str {
        let first = self.discriminator.trim_start_matches('`').chars().next();
        if first.is_some_and(|c| "AEIOUaeiou".contains(c)) {
            "An"
        } else {
            "A"
        }
    }
}

/// An object a JSON-encoded field holds a list of.
fn json_model(m: &JsonModel) -> TokenStream {
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
    quote! {
        #mdoc
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }
    }
}

/// One event's struct, with its decoder.
fn event_struct(e: &Event, ev: &Events) -> TokenStream {
    let words = Words::of(Some(ev));
    let name = ident(&e.struct_name);
    let phase = if e.pre_action {
        &ev.pre_action_doc
    } else {
        &ev.post_action_doc
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
    let type_doc = format!(" The {} of this event.", words.value);
    let pre_doc = format!(
        " Whether {} waits for the answer before acting.",
        words.sender
    );
    quote! {
        #edoc
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            #[doc = #type_doc]
            pub const EVENT_TYPE: &'static str = #event_type;
            #[doc = #pre_doc]
            pub const PRE_ACTION: bool = #pre;

            #[allow(unused_variables)]
            fn from_fields(f: &#FORM_FIELDS<'_>) -> Result<Self, #EVENT_ERROR> {
                Ok(Self { #(#inits)* })
            }
        }
    }
}

/// `WebhookEvent` over every event, with `Unknown` for the others.
fn webhook_event(events: Option<&Events>) -> TokenStream {
    let words = Words::of(events);
    let all: &[Event] = events.map_or(&[], |ev| &ev.events);
    let variants: Vec<_> = all.iter().map(|e| ident(&e.variant)).collect();
    let decode_arms = all.iter().map(|e| {
        let (v, s, t) = (ident(&e.variant), ident(&e.struct_name), &e.event_type);
        quote!(#t => Ok(Self::#v(#s::from_fields(&#FORM_FIELDS::new(#t, fields))?)),)
    });
    let structs: Vec<_> = all.iter().map(|e| ident(&e.struct_name)).collect();
    let types: Vec<&String> = all.iter().map(|e| &e.event_type).collect();
    let vdocs = all.iter().map(|e| {
        let d = format!(" `{}`", e.event_type);
        quote!(#[doc = #d])
    });
    let pre_variants: Vec<_> = all
        .iter()
        .filter(|e| e.pre_action)
        .map(|e| ident(&e.variant))
        .collect();
    let is_pre = if pre_variants.is_empty() {
        quote!(false)
    } else {
        quote!(matches!(self, #(Self::#pre_variants(_))|*))
    };
    // The event's name: read from the spec's discriminator field; without an events spec,
    // where the runtime reads it.
    let read_event_type = match events {
        Some(ev) => {
            let field = &ev.discriminator;
            quote! {
                fields
                    .iter()
                    .find(|(name, _)| name == #field)
                    .map(|(_, value)| value.as_str())
                    .filter(|value| !value.is_empty())
                    .ok_or(#EVENT_ERROR::MissingEventType)?
            }
        }
        None => quote!(#FORM_FIELDS::event_type(fields)?),
    };
    let shared_accessors = events
        .map_or(&[][..], |ev| &ev.shared_fields)
        .iter()
        .map(|wire| shared_accessor(all, wire));
    let title = match events {
        Some(ev) => format!("every event of {}", ev.title),
        None => "no events spec was given, so only `Unknown`".to_string(),
    };
    let scope_note = events.map_or("", |ev| &ev.scope_note);
    let enum_doc = if scope_note.is_empty() {
        format!(" One webhook request, decoded: {title}.")
    } else {
        format!(" One webhook request, decoded: {title}. {scope_note}")
    };
    let unknown_doc = format!(
        " {} {} this version does not know decodes as `Unknown` with every field kept.",
        words.article(),
        words.discriminator
    );
    let its_doc = format!(" Its {}.", words.value);
    let known_doc = format!(
        " Every {} this version decodes into a typed variant.",
        words.discriminator
    );
    let event_type_doc = format!(" The {}.", words.value);
    let is_pre_doc = format!(
        " Whether {} waits for the answer before acting (false for unknown events).",
        words.sender
    );
    quote! {
        #[doc = #enum_doc]
        ///
        #[doc = #unknown_doc]
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum WebhookEvent {
            #(#vdocs #variants(#structs),)*
            /// An event this version of the crate does not know.
            Unknown {
                #[doc = #its_doc]
                event_type: String,
                /// Every form field as received.
                fields: Vec<(String, String)>,
            },
        }

        impl WebhookEvent {
            #[doc = #known_doc]
            pub const KNOWN_EVENT_TYPES: &'static [&'static str] = &[#(#types),*];

            /// Decode form fields (a `POST` body or a `GET` query string, already split into
            /// pairs). A known event with a missing or malformed field is an error naming it.
            pub fn from_form(fields: &[(String, String)]) -> Result<WebhookEvent, #EVENT_ERROR> {
                let event_type = #read_event_type;
                match event_type {
                    #(#decode_arms)*
                    other => Ok(Self::Unknown {
                        event_type: other.to_string(),
                        fields: fields.to_vec(),
                    }),
                }
            }

            #[doc = #event_type_doc]
            pub fn event_type(&self) -> &str {
                match self {
                    #(Self::#variants(_) => #types,)*
                    Self::Unknown { event_type, .. } => event_type,
                }
            }

            #[doc = #is_pre_doc]
            pub fn is_pre_action(&self) -> bool {
                #is_pre
            }

            #(#shared_accessors)*
        }
    }
}

/// The accessor of a field most events share (`conversation_sid()`), so a handler can route
/// without matching every variant.
fn shared_accessor(events: &[Event], wire: &str) -> TokenStream {
    let arms = events.iter().map(|e| {
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
    let name = ident(&snake(wire));
    let d = format!(" `{wire}`, when the event has it.");
    quote! {
        #[doc = #d]
        pub fn #name(&self) -> Option<&str> {
            match self {
                #(#arms)*
                Self::Unknown { fields, .. } => fields
                    .iter()
                    .find(|(k, _)| k == #wire)
                    .map(|(_, v)| v.as_str())
                    .filter(|v| !v.is_empty()),
            }
        }
    }
}
