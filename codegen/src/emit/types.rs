//! Models and enums.

use super::{doc, ident};
use crate::ir::{Api, EnumDef, Model, Scopes, Ty};
use proc_macro2::TokenStream;
use quote::quote;

/// The Rust type for `ty`.
pub(crate) fn rust_ty(ty: &Ty) -> TokenStream {
    match ty {
        Ty::String => quote!(String),
        Ty::I64 => quote!(i64),
        Ty::I32 => quote!(i32),
        Ty::F64 => quote!(f64),
        Ty::Bool => quote!(bool),
        Ty::DateTime => quote!(crate::DateTime),
        Ty::Json => quote!(serde_json::Value),
        Ty::UriMap => quote!(std::collections::BTreeMap<String, String>),
        Ty::Array(item) => {
            let item = rust_ty(item);
            quote!(Vec<#item>)
        }
        Ty::Enum(name) | Ty::Model(name) => {
            let name = ident(name);
            quote!(#name)
        }
    }
}

pub(crate) fn param_scope_note(scopes: Scopes) -> &'static str {
    match scopes {
        Scopes::Both => "",
        Scopes::Default => "Sent only in the default-service scope (see `DRIFT.md`).",
        Scopes::Service => "Sent only in the Service scope (see `DRIFT.md`).",
    }
}

pub(crate) fn models(api: &Api) -> TokenStream {
    let mut out = TokenStream::new();
    for model in api.models.values() {
        let name = ident(&model.name);
        let fallback = if model.input {
            format!("`{}`: a value sent in a JSON request body.", model.name)
        } else {
            format!("The `{}` resource as the API returns it.", model.name)
        };
        let model_doc = doc(&[if model.doc.is_empty() {
            &fallback
        } else {
            &model.doc
        }]);
        let fields = model.fields.iter().map(|f| {
            let fname = ident(&f.rust);
            let ty = rust_ty(&f.ty);
            let optional = f.optional || matches!(f.ty, Ty::Enum(_));
            let ty = if optional { quote!(Option<#ty>) } else { ty };
            // A missing optional field decodes as `None`; a missing required one is a decode
            // error naming it, so required fields get no `default`.
            let skip = match (model.input, optional) {
                (true, true) => {
                    quote!(#[serde(default, skip_serializing_if = "Option::is_none")])
                }
                (false, true) => quote!(#[serde(default)]),
                (_, false) => quote!(),
            };
            let wire = &f.wire;
            let rename = if crate::names::bare(&f.rust) == f.wire {
                quote!()
            } else {
                quote!(#[serde(rename = #wire)])
            };
            let fallback = format!("`{}`.", f.wire);
            let note = match f.scopes {
                Scopes::Both => "",
                Scopes::Default => "Returned only in the default-service scope (see `DRIFT.md`).",
                Scopes::Service => "Returned only in the Service scope (see `DRIFT.md`).",
            };
            let fdoc = doc(&[if f.doc.is_empty() { &fallback } else { &f.doc }, note]);
            quote! {
                #fdoc
                #rename
                #skip
                pub #fname: #ty,
            }
        });
        let extra = if model.keeps_unknown_keys {
            let name = unknown_keys_field(model);
            let fname = ident(&name);
            quote! {
                /// Keys the API sent that this version of the crate does not name, kept as
                /// they came so that nothing is lost when the API adds one.
                #[serde(flatten)]
                pub #fname: serde_json::Map<String, serde_json::Value>,
            }
        } else {
            quote!()
        };
        // Users build input models with `..Default::default()`, so they cannot be
        // non-exhaustive; a missing optional field is left out of the JSON, not sent as null.
        let exhaustive = if model.input {
            quote!()
        } else {
            quote!(#[non_exhaustive])
        };
        out.extend(quote! {
            #model_doc
            #[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
            #exhaustive
            pub struct #name {
                #(#fields)*
                #extra
            }
        });
    }
    out
}

/// Name of the field that holds a model's unknown keys: `extra`, unless a wire field already
/// takes that name.
pub(crate) fn unknown_keys_field(model: &Model) -> String {
    let mut name = "extra".to_string();
    while model
        .fields
        .iter()
        .any(|f| crate::names::bare(&f.rust) == name)
    {
        name.push_str("_keys");
    }
    name
}

pub(crate) fn enums(api: &Api) -> TokenStream {
    let mut out = TokenStream::new();
    for e in api.enums.values() {
        out.extend(enum_tokens(e));
    }
    out
}

/// One string enum with its `Unknown` fallback (REST enums and webhook event enums alike).
pub(crate) fn enum_tokens(e: &EnumDef) -> TokenStream {
    let mut out = TokenStream::new();
    {
        let name = ident(&e.name);
        let fallback = format!("Values of `{}`.", e.name);
        let edoc = doc(&[
            if e.doc.is_empty() { &fallback } else { &e.doc },
            "Values this crate does not know yet decode as `Unknown`, so a new value on the wire never breaks decoding.",
        ]);
        let variants: Vec<_> = e.variants.iter().map(|(_, v)| ident(v)).collect();
        let wires: Vec<&String> = e.variants.iter().map(|(w, _)| w).collect();
        let vdocs = wires.iter().map(|w| {
            let d = format!(" `{w}`");
            quote!(#[doc = #d])
        });
        out.extend(quote! {
            #edoc
            #[derive(Debug, Clone, PartialEq, Eq, Hash)]
            #[non_exhaustive]
            pub enum #name {
                #(#vdocs #variants,)*
                /// A value this version of the crate does not know.
                Unknown(String),
            }

            impl #name {
                /// The value as sent on the wire.
                pub fn as_str(&self) -> &str {
                    match self {
                        #(Self::#variants => #wires,)*
                        Self::Unknown(other) => other,
                    }
                }

                fn from_wire(value: &str) -> Self {
                    match value {
                        #(#wires => Self::#variants,)*
                        other => Self::Unknown(other.to_string()),
                    }
                }
            }

            crate::runtime::impl_string_enum!(#name);
        });
    }
    out
}
