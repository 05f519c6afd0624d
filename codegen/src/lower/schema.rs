//! OpenAPI schemas to raw types.

use super::first_line;
use crate::error::{Ptr, Result};
use crate::ir::Scopes;
use crate::load::Resolver;
use crate::raw::{Origin, RawField, RawTy, RawUnion, RawVariant};
use openapiv3::{
    AdditionalProperties, AnySchema, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
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

/// The component a pointer names when it is exactly `#/components/schemas/<name>`: where the
/// resolver leaves a schema reached through `$ref`.
fn component_at(at: &Ptr) -> Option<String> {
    let name = at.as_str().strip_prefix("/components/schemas/")?;
    if name.contains('/') {
        return None;
    }
    Some(name.replace("~1", "/").replace("~0", "~"))
}

/// The component a value's type comes from: the schema at `at` (where the resolver left a
/// `$ref`), or, for an array, its items' schema.
pub(super) fn origin_of<'a>(r: &Resolver<'a>, schema: &'a Schema, at: &Ptr) -> Origin {
    if let Some(component) = component_at(at) {
        return Origin(Some(component));
    }
    // `allOf` of one `$ref` is how OpenAPI 3.0 writes a reference with `nullable` or a
    // description of its own beside it: the type is still the component's.
    if let SchemaKind::AllOf { all_of } = &schema.schema_kind {
        if let [part] = all_of.as_slice() {
            return match r.schema(part, &at.join("allOf").join(0)) {
                Ok((part, part_at)) => origin_of(r, part, &part_at),
                Err(_) => Origin::default(),
            };
        }
    }
    let items = match &schema.schema_kind {
        SchemaKind::Type(Type::Array(a)) => a.items.as_ref(),
        SchemaKind::Any(any) if any.typ.as_deref() == Some("array") => any.items.as_ref(),
        _ => None,
    };
    // A reference that does not resolve is lowering's error to report, with its pointer.
    let item_at = items.and_then(|item| r.boxed_schema(item, &at.join("items")).ok());
    Origin(item_at.and_then(|(_, at)| component_at(&at)))
}

/// The raw type of a schema. A component schema met again while it is still being lowered
/// (a `$ref` cycle) becomes [`RawTy::Recursive`] there, and the component itself
/// [`RawTy::Named`], so the cycle ends in a named type instead of unrolling forever.
pub(super) fn lower_schema<'a>(
    r: &Resolver<'a>,
    s: &'a Schema,
    at: &Ptr,
    depth: usize,
) -> Result<RawTy> {
    let Some(component) = component_at(at) else {
        return lower_kind(r, s, at, depth);
    };
    if r.trail.borrow().open.contains(&component) {
        r.trail.borrow_mut().referred_back.insert(component.clone());
        return Ok(RawTy::Recursive(component));
    }
    r.trail.borrow_mut().open.push(component.clone());
    let lowered = lower_kind(r, s, at, depth);
    let recursive = {
        let mut trail = r.trail.borrow_mut();
        trail.open.pop();
        trail.referred_back.remove(&component)
    };
    let ty = lowered?;
    if !recursive {
        return Ok(ty);
    }
    match ty {
        RawTy::Object(_) | RawTy::OpenObject { .. } | RawTy::Union(_) => Ok(RawTy::Named {
            component,
            ty: Box::new(ty),
        }),
        other => Err(at.err(format!(
            "a schema that refers to itself must be an object or a oneOf/anyOf; this one is {}",
            other.describe()
        ))),
    }
}

fn lower_kind<'a>(r: &Resolver<'a>, s: &'a Schema, at: &Ptr, depth: usize) -> Result<RawTy> {
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
        SchemaKind::AllOf { all_of } => all_of_ty(r, all_of, None, at, depth)?,
        SchemaKind::OneOf { one_of } => union_ty(r, s, one_of, at, "oneOf", depth)?,
        SchemaKind::AnyOf { any_of } => union_ty(r, s, any_of, at, "anyOf", depth)?,
        SchemaKind::Not { .. } => return Err(at.join("not").err("not is not supported")),
        SchemaKind::Any(any) => {
            if let Some(composed) = composition(r, s, any, at, depth)? {
                return Ok(composed);
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

/// A property's `x-aliases`: other names the API sends the same value under (a name its
/// documentation spells one way and its answers another). REST properties and webhook event
/// fields alike.
pub(super) fn aliases(schema: &Schema, at: &Ptr) -> Result<Vec<String>> {
    let Some(list) = schema.schema_data.extensions.get("x-aliases") else {
        return Ok(Vec::new());
    };
    let at = at.join("x-aliases");
    let items = list
        .as_array()
        .ok_or_else(|| at.err("x-aliases is a list of other names of this property"))?;
    items
        .iter()
        .enumerate()
        .map(|(i, v)| {
            v.as_str()
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .ok_or_else(|| at.join(i).err("an alias is a property (field) name"))
        })
        .collect()
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
            aliases: aliases(schema, &pat)?,
            ty,
            origin: origin_of(r, schema, &pat),
            nullable: schema.schema_data.nullable,
            required: required.contains(name),
            doc: first_line(schema.schema_data.description.as_deref().unwrap_or("")),
            scopes: Scopes::Both,
        });
    }
    Ok(out)
}

/// A schema with `oneOf`, `anyOf` or `allOf` next to other keywords (`type: object`, a
/// description, a discriminator, properties): the composition, or `None` when there is none.
fn composition<'a>(
    r: &Resolver<'a>,
    s: &'a Schema,
    any: &'a AnySchema,
    at: &Ptr,
    depth: usize,
) -> Result<Option<RawTy>> {
    if any.not.is_some() {
        return Err(at.join("not").err("not is not supported"));
    }
    let kinds = [
        ("oneOf", &any.one_of),
        ("anyOf", &any.any_of),
        ("allOf", &any.all_of),
    ];
    let used: Vec<&str> = kinds
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, _)| *k)
        .collect();
    match used.as_slice() {
        [] => Ok(None),
        ["allOf"] => {
            let own = (!any.properties.is_empty()).then_some(any);
            all_of_ty(r, &any.all_of, own, at, depth).map(Some)
        }
        [one] => {
            let alternatives = if *one == "oneOf" {
                &any.one_of
            } else {
                &any.any_of
            };
            let ty = union_ty(r, s, alternatives, at, one, depth)?;
            // Properties beside the alternatives apply to each of them. When every alternative
            // declares them already (the discriminator's own property, as Twilio writes it),
            // they add nothing; otherwise they would have to be merged into each.
            let declared_by_all = |name: &str| match &ty {
                RawTy::Union(u) => u.variants.iter().all(|v| declares(&v.ty, name)),
                other => declares(other, name),
            };
            if let Some(name) = any.properties.keys().find(|n| !declared_by_all(n)) {
                return Err(at.join("properties").join(name).err(format!(
                    "a property next to {one} that not every alternative declares is not \
                     supported (put it into each alternative)"
                )));
            }
            Ok(Some(ty))
        }
        several => Err(at.err(format!(
            "{} in one schema are not supported together",
            several.join(" and ")
        ))),
    }
}

/// Whether a schema says nothing but prose: no type, no properties, no composition, no
/// constraint a value could fail.
fn is_prose_only(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Any(any) => {
            any.typ.is_none()
                && any.properties.is_empty()
                && any.items.is_none()
                && any.additional_properties.is_none()
                && any.one_of.is_empty()
                && any.any_of.is_empty()
                && any.all_of.is_empty()
                && any.not.is_none()
                && any.enumeration.is_empty()
                && any.format.is_none()
                && any.pattern.is_none()
                && any.required.is_empty()
        }
        _ => false,
    }
}

/// Whether an object type declares a property `name`.
fn declares(ty: &RawTy, name: &str) -> bool {
    match ty {
        RawTy::Object(fields) | RawTy::OpenObject { fields, .. } => {
            fields.iter().any(|f| f.wire == name)
        }
        RawTy::Named { ty, .. } => declares(ty, name),
        _ => false,
    }
}

/// `allOf`: every part must be an object (or a free-form object, which adds nothing); their
/// fields are merged into one object, required where any part (or `own`) requires them. One
/// part alone is that part, whatever its type.
fn all_of_ty<'a>(
    r: &Resolver<'a>,
    parts: &'a [ReferenceOr<Schema>],
    own: Option<&'a AnySchema>,
    at: &Ptr,
    depth: usize,
) -> Result<RawTy> {
    let list_at = at.join("allOf");
    if parts.is_empty() {
        return Err(list_at.err("allOf needs at least one schema"));
    }
    if parts.len() == 1 && own.is_none() {
        let (inner, iat) = r.schema(&parts[0], &list_at.join(0))?;
        return lower_schema(r, inner, &iat, depth + 1);
    }
    // Parts that only say something in prose (a `description`, an `example`) constrain
    // nothing; with one part left that does, the schema is that part, whatever its type
    // (Twilio writes `allOf: [{type: string, pattern: ...}, {description: ...}]`).
    if own.is_none() {
        let mut typed = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            let (inner, iat) = r.schema(part, &list_at.join(i))?;
            if !is_prose_only(inner) {
                typed.push((inner, iat));
            }
        }
        if let [(inner, iat)] = typed.as_slice() {
            return lower_schema(r, inner, iat, depth + 1);
        }
    }
    let mut fields: Vec<RawField> = Vec::new();
    let mut add = |part_fields: Vec<RawField>, part_at: &Ptr| -> Result<()> {
        for f in part_fields {
            match fields.iter_mut().find(|g| g.wire == f.wire) {
                None => fields.push(f),
                Some(g) if g.ty == f.ty => {
                    g.required |= f.required;
                    g.nullable &= f.nullable;
                    if g.doc.is_empty() {
                        g.doc = f.doc;
                    }
                }
                Some(g) => {
                    return Err(part_at.join("properties").join(&f.wire).err(format!(
                        "allOf parts disagree on property `{}`: {} here, {} in an earlier part",
                        f.wire,
                        f.ty.describe(),
                        g.ty.describe()
                    )))
                }
            }
        }
        Ok(())
    };
    // The schema's own properties first, then each part's, in order.
    if let Some(own) = own {
        let own_fields = lower_fields(
            r,
            &own.properties,
            &own.required,
            &at.join("properties"),
            depth,
        )?;
        add(own_fields, at)?;
    }
    for (i, part) in parts.iter().enumerate() {
        let part_at = list_at.join(i);
        let (inner, iat) = r.schema(part, &part_at)?;
        match lower_schema(r, inner, &iat, depth + 1)? {
            RawTy::Object(part_fields)
            | RawTy::OpenObject {
                fields: part_fields,
                ..
            } => add(part_fields, &iat)?,
            RawTy::Json => {} // a free-form object part constrains nothing
            other => {
                return Err(iat.err(format!(
                    "allOf can only merge object schemas; this part is {}",
                    other.describe()
                )))
            }
        }
    }
    // A name the schema itself requires is required whichever part declares it.
    for name in own.iter().flat_map(|o| &o.required) {
        if let Some(f) = fields.iter_mut().find(|f| &f.wire == name) {
            f.required = true;
        }
    }
    Ok(RawTy::Object(fields))
}

/// `oneOf` / `anyOf` (`key`) of the schema at `schema_at`: one alternative alone is that alternative;
/// several are a union. With a discriminator every alternative gets its tag value: from the
/// mapping, else from a one-value enum of the tag property, else (OpenAPI's rule) its
/// component name.
fn union_ty<'a>(
    r: &Resolver<'a>,
    s: &'a Schema,
    alternatives: &'a [ReferenceOr<Schema>],
    schema_at: &Ptr,
    key: &str,
    depth: usize,
) -> Result<RawTy> {
    let at = &schema_at.join(key);
    if alternatives.is_empty() {
        return Err(at.err("needs at least one alternative"));
    }
    let mut variants = Vec::new();
    for (i, alt) in alternatives.iter().enumerate() {
        let (inner, iat) = r.schema(alt, &at.join(i))?;
        variants.push(RawVariant {
            component: component_at(&iat),
            ty: lower_schema(r, inner, &iat, depth + 1)?,
            tag_value: None,
        });
    }
    if variants.len() == 1 && s.schema_data.discriminator.is_none() {
        return Ok(variants.remove(0).ty);
    }
    let tag = match &s.schema_data.discriminator {
        None => None,
        Some(d) => {
            let dat = schema_at.join("discriminator");
            for (value, target) in &d.mapping {
                let name = target
                    .strip_prefix("#/components/schemas/")
                    .unwrap_or(target);
                let Some(v) = variants
                    .iter_mut()
                    .find(|v| v.component.as_deref() == Some(name))
                else {
                    return Err(dat
                        .join("mapping")
                        .join(value)
                        .err(format!("`{target}` is not one of the alternatives")));
                };
                if v.tag_value.is_none() {
                    v.tag_value = Some(value.clone());
                }
            }
            for (i, v) in variants.iter_mut().enumerate() {
                if v.tag_value.is_some() {
                    continue;
                }
                v.tag_value = one_value_enum(&v.ty, &d.property_name).or(v.component.clone());
                if v.tag_value.is_none() && alternatives.len() == 1 {
                    // One alternative whose tag value the spec does not state: there is nothing
                    // to tell apart, so it is that alternative, its tag an ordinary field.
                    return Ok(variants.remove(0).ty);
                }
                if v.tag_value.is_none() {
                    return Err(at.join(i).err(format!(
                        "an inline alternative needs a one-value enum `{}` to be told apart by the \
                         discriminator",
                        d.property_name
                    )));
                }
            }
            Some(d.property_name.clone())
        }
    };
    Ok(RawTy::Union(RawUnion { variants, tag }))
}

/// The single enum value of property `name` of an object type.
fn one_value_enum(ty: &RawTy, name: &str) -> Option<String> {
    let fields = match ty {
        RawTy::Object(f) | RawTy::OpenObject { fields: f, .. } => f,
        RawTy::Named { ty, .. } => return one_value_enum(ty, name),
        _ => return None,
    };
    match &fields.iter().find(|f| f.wire == name)?.ty {
        RawTy::Enum(values) if values.len() == 1 => Some(values[0].clone()),
        _ => None,
    }
}
