//! `events.rs`: one struct per webhook event, and `WebhookEvent` over all of them.
//!
//! The emitted code decodes through the runtime's `FormFields`, which names the field of every
//! failure. Without an events spec the same file is emitted with no events, so code that refers
//! to `WebhookEvent` compiles for every spec (a standalone crate for another API included).

use super::runtime::{DATE_TIME, EVENT_ERROR, FORM_FIELDS};
use super::text::{doc, ident};
use super::types;
use crate::ir::events::{Events, Field, Kind};
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
        let name = ident(&snake(wire));
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
