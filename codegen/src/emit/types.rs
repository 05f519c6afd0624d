//! Models and enums.

use super::runtime::{
    DATE_TIME, IMPL_STRING_ENUM, SERIALIZE_TAGGED, UNION_CANDIDATES, UNION_SHAPE, UNION_TAG,
};
use super::text::{doc, ident};
use crate::ir::{EnumDef, Model, ScopeNames, Scopes, Shape, Ty, Union};
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
        Ty::DateTime => quote!(#DATE_TIME),
        Ty::Json => quote!(serde_json::Value),
        Ty::UriMap => quote!(std::collections::BTreeMap<String, String>),
        Ty::Array(item) => {
            let item = rust_ty(item);
            quote!(Vec<#item>)
        }
        Ty::Enum(name) | Ty::Model(name) | Ty::Union(name) => {
            let name = ident(name);
            quote!(#name)
        }
        Ty::Boxed(inner) => {
            let inner = rust_ty(inner);
            quote!(Box<#inner>)
        }
    }
}

pub(crate) fn param_scope_note(scopes: Scopes, names: &ScopeNames) -> String {
    names.of(scopes).map_or(String::new(), |one| {
        format!("Sent only in the {} (see `DRIFT.md`).", one.scope)
    })
}

/// The structs of `models`, in order; `names` are the API's words for its scopes.
pub(crate) fn models<'a>(
    models: impl IntoIterator<Item = &'a Model>,
    names: &ScopeNames,
) -> TokenStream {
    let mut out = TokenStream::new();
    for model in models {
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
            let aliases = &f.aliases;
            let rename = quote!(#rename #(#[serde(alias = #aliases)])*);
            let fallback = format!("`{}`.", f.wire);
            let note = names.of(f.scopes).map_or(String::new(), |one| {
                format!("Returned only in the {} (see `DRIFT.md`).", one.scope)
            });
            let fdoc = doc(&[if f.doc.is_empty() { &fallback } else { &f.doc }, &note]);
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

pub(crate) fn enums<'a>(enums: impl IntoIterator<Item = &'a EnumDef>) -> TokenStream {
    let mut out = TokenStream::new();
    for e in enums {
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

            #IMPL_STRING_ENUM!(#name);
        });
    }
    out
}

pub(crate) fn unions<'a>(unions: impl IntoIterator<Item = &'a Union>) -> TokenStream {
    let mut out = TokenStream::new();
    for u in unions {
        out.extend(union_tokens(u));
    }
    out
}

/// One `oneOf` / `anyOf` type: an enum with a variant per alternative and `Other` for a value
/// none of them fits. It serializes as the alternative it holds (no wrapper); decoding picks
/// the alternative by the discriminator when there is one, otherwise by the JSON value's
/// shape (see `runtime::union_candidates`).
fn union_tokens(u: &Union) -> TokenStream {
    let name = ident(&u.name);
    let fallback = if u.input {
        format!(
            "`{}`: one of several shapes a request body can take.",
            u.name
        )
    } else {
        format!("`{}`: one of several shapes the API answers with.", u.name)
    };
    let how = match &u.tag {
        Some(tag) => format!(
            "The `{tag}` property picks the alternative; a value with another or no `{tag}` \
             decodes as `Other`, kept as it came."
        ),
        None => "A value is decoded as the first alternative whose shape it fits best (its \
                 JSON kind, its required properties, the most properties it knows); a value \
                 none fits decodes as `Other`, kept as it came."
            .to_string(),
    };
    let udoc = doc(&[if u.doc.is_empty() { &fallback } else { &u.doc }, &how]);
    let variants: Vec<_> = u.variants.iter().map(|v| ident(&v.rust)).collect();
    let tys: Vec<_> = u.variants.iter().map(|v| rust_ty(&v.ty)).collect();
    let vdocs = u.variants.iter().map(|v| {
        let d = match &v.tag_value {
            Some(t) => format!(
                " The alternative with `{}: {t}`.",
                u.tag.as_deref().unwrap_or("")
            ),
            None => " One alternative.".to_string(),
        };
        quote!(#[doc = #d])
    });
    // With a discriminator, the alternative's tag goes on the wire even when the value left
    // its (one-value) tag field unset.
    let encode = u.variants.iter().map(|v| {
        let var = ident(&v.rust);
        match (&u.tag, &v.tag_value) {
            (Some(tag), Some(value)) => quote! {
                Self::#var(v) => #SERIALIZE_TAGGED(v, #tag, #value, s),
            },
            _ => quote!(Self::#var(v) => serde::Serialize::serialize(v, s),),
        }
    });
    let decode = match &u.tag {
        Some(tag) => {
            let arms = u.variants.iter().filter_map(|v| {
                let t = v.tag_value.as_ref()?;
                let var = ident(&v.rust);
                Some(quote! {
                    Some(#t) => serde_json::from_value(value)
                        .map(Self::#var)
                        .map_err(<D::Error as serde::de::Error>::custom),
                })
            });
            quote! {
                match #UNION_TAG(&value, #tag) {
                    #(#arms)*
                    _ => Ok(Self::Other(value)),
                }
            }
        }
        None => {
            let shapes = u.variants.iter().map(|v| shape_tokens(&v.shape));
            let arms = u.variants.iter().enumerate().map(|(i, v)| {
                let var = ident(&v.rust);
                quote!(#i => serde_json::from_value(value.clone()).map(Self::#var).ok(),)
            });
            quote! {
                const SHAPES: &[#UNION_SHAPE] = &[#(#shapes),*];
                for candidate in #UNION_CANDIDATES(&value, SHAPES) {
                    let decoded = match candidate {
                        #(#arms)*
                        _ => None,
                    };
                    if let Some(decoded) = decoded {
                        return Ok(decoded);
                    }
                }
                Ok(Self::Other(value))
            }
        }
    };
    quote! {
        #udoc
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#vdocs #variants(#tys),)*
            /// A value none of the alternatives above fits, kept as it came.
            Other(serde_json::Value),
        }

        /// `Other(null)`: lets a model holding this type derive `Default`.
        impl Default for #name {
            fn default() -> Self {
                Self::Other(serde_json::Value::Null)
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#encode)*
                    Self::Other(v) => serde::Serialize::serialize(v, s),
                }
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let value = <serde_json::Value as serde::Deserialize>::deserialize(d)?;
                #decode
            }
        }
    }
}

fn shape_tokens(shape: &Shape) -> TokenStream {
    match shape {
        Shape::Object {
            properties,
            required,
        } => quote! {
            #UNION_SHAPE::Object {
                properties: &[#(#properties),*],
                required: &[#(#required),*],
            }
        },
        Shape::String => quote!(#UNION_SHAPE::String),
        Shape::Integer => quote!(#UNION_SHAPE::Integer),
        Shape::Number => quote!(#UNION_SHAPE::Number),
        Shape::Bool => quote!(#UNION_SHAPE::Bool),
        Shape::Array => quote!(#UNION_SHAPE::Array),
        Shape::Any => quote!(#UNION_SHAPE::Any),
    }
}
