//! OpenAPI schemas to raw types.

use super::first_line;
use crate::error::{Ptr, Result};
use crate::ir::Scopes;
use crate::load::Resolver;
use crate::raw::{RawField, RawTy};
use openapiv3::{
    AdditionalProperties, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};

const MAX_DEPTH: usize = 16;

fn string_ty(format: Option<&str>, enumeration: Vec<String>) -> RawTy {
    if !enumeration.is_empty() {
        return RawTy::Enum(enumeration);
    }
    match format {
        Some("date-time") => RawTy::DateTime,
        Some(f) => RawTy::String {
            format: Some(f.to_string()),
        },
        None => RawTy::String { format: None },
    }
}

pub(super) fn lower_schema<'a>(
    r: &Resolver<'a>,
    s: &'a Schema,
    at: &Ptr,
    depth: usize,
) -> Result<RawTy> {
    if depth > MAX_DEPTH {
        return Err(at.err("schema nests too deeply (a recursive schema?)"));
    }
    Ok(match &s.schema_kind {
        SchemaKind::Type(Type::String(st)) => {
            let format = match &st.format {
                VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => {
                    Some("date-time".to_string())
                }
                VariantOrUnknownOrEmpty::Item(StringFormat::Date) => Some("date".to_string()),
                VariantOrUnknownOrEmpty::Item(StringFormat::Password) => {
                    Some("password".to_string())
                }
                VariantOrUnknownOrEmpty::Item(StringFormat::Byte) => Some("byte".to_string()),
                VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => Some("binary".to_string()),
                VariantOrUnknownOrEmpty::Unknown(f) => Some(f.clone()),
                VariantOrUnknownOrEmpty::Empty => None,
            };
            string_ty(
                format.as_deref(),
                st.enumeration.iter().flatten().cloned().collect(),
            )
        }
        SchemaKind::Type(Type::Number(_)) => RawTy::Float,
        SchemaKind::Type(Type::Integer(it)) => RawTy::Int {
            format: match &it.format {
                VariantOrUnknownOrEmpty::Item(f) => Some(format!("{f:?}").to_lowercase()),
                VariantOrUnknownOrEmpty::Unknown(f) => Some(f.clone()),
                VariantOrUnknownOrEmpty::Empty => None,
            },
        },
        SchemaKind::Type(Type::Boolean(_)) => RawTy::Bool,
        SchemaKind::Type(Type::Object(o)) => {
            if o.properties.is_empty() {
                RawTy::Json
            } else {
                let fields =
                    lower_fields(r, &o.properties, &o.required, &at.join("properties"), depth)?;
                object(fields, o.additional_properties.as_ref())
            }
        }
        SchemaKind::Type(Type::Array(a)) => RawTy::Array(Box::new(match &a.items {
            None => RawTy::Json,
            Some(item) => {
                let (item, iat) = r.boxed_schema(item, &at.join("items"))?;
                lower_schema(r, item, &iat, depth + 1)?
            }
        })),
        SchemaKind::AllOf { all_of } if all_of.len() == 1 => {
            let (inner, iat) = r.schema(&all_of[0], &at.join("allOf").join(0))?;
            lower_schema(r, inner, &iat, depth + 1)?
        }
        SchemaKind::AllOf { .. } => {
            return Err(at
                .join("allOf")
                .err("allOf with several schemas is not supported"))
        }
        SchemaKind::OneOf { .. } => return Err(at.join("oneOf").err("oneOf is not supported")),
        SchemaKind::AnyOf { .. } => return Err(at.join("anyOf").err("anyOf is not supported")),
        SchemaKind::Not { .. } => return Err(at.join("not").err("not is not supported")),
        SchemaKind::Any(any) => {
            if !any.one_of.is_empty()
                || !any.any_of.is_empty()
                || !any.all_of.is_empty()
                || any.not.is_some()
            {
                return Err(
                    at.err("schema composition (oneOf/anyOf/allOf/not) is not supported here")
                );
            }
            let enumeration: Vec<String> = any
                .enumeration
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect();
            match any.typ.as_deref() {
                // A uri-map whose link names are listed is an object of those links.
                Some("object")
                    if any.format.as_deref() == Some("uri-map") && any.properties.is_empty() =>
                {
                    RawTy::UriMap
                }
                Some("object") | None if !any.properties.is_empty() => {
                    let fields = lower_fields(
                        r,
                        &any.properties,
                        &any.required,
                        &at.join("properties"),
                        depth,
                    )?;
                    object(fields, any.additional_properties.as_ref())
                }
                Some("object") | None => RawTy::Json,
                Some("string") => string_ty(any.format.as_deref(), enumeration),
                Some("integer") => RawTy::Int {
                    format: any.format.clone(),
                },
                Some("number") => RawTy::Float,
                Some("boolean") => RawTy::Bool,
                Some("array") => RawTy::Array(Box::new(match &any.items {
                    None => RawTy::Json,
                    Some(item) => {
                        let (item, iat) = r.boxed_schema(item, &at.join("items"))?;
                        lower_schema(r, item, &iat, depth + 1)?
                    }
                })),
                Some(other) => return Err(at.join("type").err(format!("unknown type `{other}`"))),
            }
        }
    })
}

/// An object with named `fields`; `additionalProperties: true` says the API may send keys
/// beyond them, which the model then keeps instead of dropping.
fn object(fields: Vec<RawField>, extra: Option<&AdditionalProperties>) -> RawTy {
    match extra {
        Some(AdditionalProperties::Any(true)) => RawTy::OpenObject { name: None, fields },
        _ => RawTy::Object(fields),
    }
}

fn lower_fields<'a>(
    r: &Resolver<'a>,
    props: impl IntoIterator<Item = (&'a String, &'a ReferenceOr<Box<Schema>>)>,
    required: &[String],
    at: &Ptr,
    depth: usize,
) -> Result<Vec<RawField>> {
    let mut out = Vec::new();
    for (name, prop) in props {
        let (schema, pat) = r.boxed_schema(prop, &at.join(name))?;
        let mut ty = lower_schema(r, schema, &pat, depth + 1)?;
        // An open object shared through a component is named after it, so every field that
        // refers to it gets one model.
        if let (
            ReferenceOr::Reference { reference },
            RawTy::OpenObject {
                name: component, ..
            },
        ) = (prop, &mut ty)
        {
            *component = reference.rsplit('/').next().map(str::to_string);
        }
        out.push(RawField {
            wire: name.clone(),
            ty,
            nullable: schema.schema_data.nullable,
            required: required.contains(name),
            doc: first_line(schema.schema_data.description.as_deref().unwrap_or("")),
            scopes: Scopes::Both,
        });
    }
    Ok(out)
}
