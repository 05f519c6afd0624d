//! Models and enums: every raw type gets its Rust type and name.

use super::Builder;
use crate::ir::*;
use crate::names::{camel, compound, snake};
use crate::raw::{Origin, Payload, RawField, RawTy, RawUnion};

impl Builder {
    /// Register a model (and nested models/enums) under `name`.
    pub(super) fn define_model(&mut self, name: &str, doc: &str, fields: &[RawField]) {
        self.in_progress.push(name.to_string());
        let mut out = Vec::with_capacity(fields.len());
        for f in fields {
            // A field named like the end of its model (`status` of `ProvisioningStatus`) would
            // give its enum or nested model the model's own name: a type containing itself.
            let ty = if f.ty.takes_its_name_from_its_use() {
                let mut ctx = self.offered_name(&f.origin, compound(name, &f.wire));
                if ctx == name {
                    ctx = format!("{name}{}", camel(&f.wire));
                }
                let ty = self.ty(&f.ty, &ctx, &f.doc);
                self.note_use(&f.origin, &ctx, &ty);
                ty
            } else {
                // Nothing is defined, so no name is read.
                self.ty(&f.ty, name, &f.doc)
            };
            let (ty, boxed) = self.box_if_cyclic(ty);
            out.push(Field {
                wire: f.wire.clone(),
                aliases: f.aliases.clone(),
                rust: snake(&f.wire),
                ty,
                // A boxed field leads back to its own type: a required one could never end.
                optional: f.nullable || !f.required || boxed,
                scopes: f.scopes,
                doc: f.doc.clone(),
            });
        }
        self.models.insert(
            name.to_string(),
            Model {
                name: name.to_string(),
                doc: doc.to_string(),
                fields: out,
                input: false,
                keeps_unknown_keys: false,
            },
        );
        self.in_progress.pop();
    }

    /// The name offered to a type reached through `origin` where its place offers `ctx`: the
    /// component's own name when this naming sets the component apart (see `lower_api`).
    pub(super) fn offered_name(&self, origin: &Origin, ctx: String) -> String {
        match &origin.0 {
            Some(component) if self.component_names.contains(component) => {
                camel(self.without_namespace(component))
            }
            _ => ctx,
        }
    }

    /// A component's name without the namespace every component name of the spec starts with
    /// (`things.v2.` of `things.v2.address`), which would only repeat the API in every type.
    fn without_namespace<'c>(&self, component: &'c str) -> &'c str {
        component
            .strip_prefix(self.component_namespace.as_str())
            .filter(|rest| !rest.is_empty())
            .unwrap_or(component)
    }

    /// Notes that the type `origin` names was offered `offered` and named as `ty` says.
    pub(super) fn note_use(&mut self, origin: &Origin, offered: &str, ty: &Ty) {
        let (Some(component), Some(got)) = (&origin.0, defined_name(ty)) else {
            return;
        };
        self.component_uses
            .entry(component.clone())
            .or_default()
            .insert((offered.to_string(), got.to_string()));
    }

    /// `Box<ty>` when `ty` is a model or union still being defined (a field on a cycle of
    /// recursive schemas), so the type that holds it has a finite size; `Vec` needs no box.
    fn box_if_cyclic(&self, ty: Ty) -> (Ty, bool) {
        match &ty {
            Ty::Model(n) | Ty::Union(n) if self.in_progress.contains(n) => {
                (Ty::Boxed(Box::new(ty)), true)
            }
            _ => (ty, false),
        }
    }

    /// The Rust name of a recursive component: its own name (its references point back to
    /// it by that name), with a number when another type already took it.
    fn component_type(&mut self, component: &str, inner: &RawTy) -> Ty {
        if let Some(ty) = self.named.get(component) {
            return ty.clone();
        }
        let base = camel(self.without_namespace(component));
        let taken = |n: &str, b: &Self| {
            b.models.contains_key(n)
                || b.unions.contains_key(n)
                || b.enums.contains_key(n)
                || b.in_progress.iter().any(|p| p == n)
                || b.named
                    .values()
                    .any(|t| matches!(t, Ty::Model(m) | Ty::Union(m) if m == n))
        };
        let mut name = base.clone();
        let mut i = 2;
        while taken(&name, self) {
            name = format!("{base}{i}");
            i += 1;
        }
        let ty = match inner {
            RawTy::Union(_) => Ty::Union(name),
            _ => Ty::Model(name),
        };
        self.named.insert(component.to_string(), ty.clone());
        ty
    }

    /// Register a union (`oneOf` / `anyOf`) under `name`, with a model or type per alternative.
    fn define_union(&mut self, name: &str, doc: &str, raw: &RawUnion) -> String {
        // A union of this name with other alternatives (a request's `content` beside the
        // answer's, say) is another type: it takes the first free name of `other_names`.
        let same = |u: &Union| {
            u.tag == raw.tag
                && u.variants.len() == raw.variants.len()
                && u.variants
                    .iter()
                    .zip(&raw.variants)
                    .all(|(a, b)| a.shape == shape(&b.ty) && a.tag_value == b.tag_value)
        };
        // `other_names` never ends, so one fits.
        let owned = self
            .other_names(name)
            .find(|candidate| !matches!(self.unions.get(candidate), Some(u) if !same(u)))
            .unwrap_or_else(|| name.to_string());
        if self.unions.contains_key(&owned) {
            return owned;
        }
        let name = owned.as_str();
        self.in_progress.push(name.to_string());
        let names = variant_names(name, raw);
        let mut variants = Vec::with_capacity(raw.variants.len());
        for (v, (rust, model_name)) in raw.variants.iter().zip(names) {
            let ty = self.ty(&v.ty, &model_name, "");
            let (ty, _) = self.box_if_cyclic(ty);
            variants.push(Alternative {
                rust,
                shape: shape(&v.ty),
                ty,
                tag_value: v.tag_value.clone(),
            });
        }
        self.in_progress.pop();
        self.unions.insert(
            name.to_string(),
            Union {
                name: name.to_string(),
                doc: doc.to_string(),
                variants,
                tag: raw.tag.clone(),
                input: false,
            },
        );
        name.to_string()
    }

    /// The name for an object of `fields` used as `ctx`: `ctx` unless a model of that name
    /// already has other fields (a request body's `participants` beside the answer's, say),
    /// then the first of [`Builder::other_names`] that is free or names a model of these same
    /// fields.
    fn object_name(&self, ctx: &str, fields: &[RawField]) -> String {
        let same = |model: &Model| {
            model.fields.len() == fields.len()
                && model.fields.iter().zip(fields).all(|(m, f)| {
                    // A boxed field (one on a cycle) was made optional when it was defined.
                    let boxed = matches!(m.ty, Ty::Boxed(_));
                    m.wire == f.wire && m.optional == (f.nullable || !f.required || boxed)
                })
        };
        let taken = |name: &str| self.unions.contains_key(name) || self.enums.contains_key(name);
        // Free, or a model being defined right now: the one asking (a recursive shape).
        let fits = |name: &String| match self.models.get(name) {
            Some(model) => same(model),
            None => !taken(name) || self.in_progress.contains(name),
        };
        // `other_names` never ends, so one fits.
        self.other_names(ctx)
            .find(fits)
            .unwrap_or_else(|| ctx.to_string())
    }

    /// `ctx`, then the names to try when a type of another shape holds it: `<ctx>Input`,
    /// `<ctx>Input2`, ... in a request body, `<ctx>2`, `<ctx>3`, ... elsewhere.
    fn other_names(&self, ctx: &str) -> impl Iterator<Item = String> + '_ {
        let stem = if self.naming_input {
            format!("{ctx}Input")
        } else {
            ctx.to_string()
        };
        let input = self.naming_input.then(|| stem.clone());
        let numbered = (2..).map(move |n| format!("{stem}{n}"));
        std::iter::once(ctx.to_string())
            .chain(input)
            .chain(numbered)
    }

    /// The Rust type of a raw type; enums and nested objects are named `ctx`.
    pub(super) fn ty(&mut self, raw: &RawTy, ctx: &str, doc: &str) -> Ty {
        match raw {
            RawTy::String { .. } => Ty::String,
            RawTy::Int { format } => {
                if format.as_deref() == Some("int32") {
                    Ty::I32
                } else {
                    Ty::I64
                }
            }
            RawTy::Float => Ty::F64,
            RawTy::Bool => Ty::Bool,
            RawTy::DateTime => Ty::DateTime,
            RawTy::Json => Ty::Json,
            RawTy::UriMap => Ty::UriMap,
            RawTy::Array(item) => Ty::Array(Box::new(self.ty(item, ctx, doc))),
            RawTy::Enum(values) => Ty::Enum(self.define_enum(ctx, doc, values)),
            RawTy::Object(fields) => {
                let name = self.object_name(ctx, fields);
                if !self.models.contains_key(&name) {
                    self.define_model(&name, doc, fields);
                }
                Ty::Model(name)
            }
            RawTy::OpenObject { name, fields } => {
                let name = match name {
                    Some(component) => component.clone(),
                    None => self.object_name(ctx, fields),
                };
                if !self.models.contains_key(&name) {
                    self.define_model(&name, doc, fields);
                    if let Some(model) = self.models.get_mut(&name) {
                        model.keeps_unknown_keys = true;
                    }
                }
                Ty::Model(name)
            }
            RawTy::Union(u) => Ty::Union(self.define_union(ctx, doc, u)),
            RawTy::Named { component, ty } => {
                let named = self.component_type(component, ty);
                let (Ty::Model(name) | Ty::Union(name)) = &named else {
                    return named;
                };
                let name = name.clone();
                self.ty(ty, &name, doc)
            }
            RawTy::Recursive(component) => match self.named.get(component) {
                Some(ty) => ty.clone(),
                // Lowering names a component before it lowers what refers back to it.
                None => Ty::Json,
            },
        }
    }

    /// The Rust type of an operation parameter. In a query, form or header, where every value
    /// is text, an enum whose values are exactly `true` and `false` is a `bool`: `bool` writes
    /// the same two words, and a two-variant enum would only make the caller spell them. In a
    /// JSON body the enum stays, as a `bool` would be sent as a JSON boolean, not a string.
    pub(super) fn param_ty(&mut self, raw: &RawTy, location: Location, ctx: &str, doc: &str) -> Ty {
        let as_text = matches!(
            location,
            Location::Query | Location::Form | Location::Header
        );
        match raw {
            RawTy::Enum(values) if as_text && is_true_false(values) => Ty::Bool,
            RawTy::Array(item) if as_text => {
                Ty::Array(Box::new(self.param_ty(item, location, ctx, doc)))
            }
            other => self.ty(other, ctx, doc),
        }
    }

    /// Mark the models a request value of type `ty` is built from (nested ones too) as input.
    pub(super) fn mark_input(&mut self, ty: &Ty) {
        match ty {
            Ty::Array(item) | Ty::Boxed(item) => self.mark_input(item),
            Ty::Union(name) => {
                let Some(union) = self.unions.get_mut(name) else {
                    return;
                };
                if union.input {
                    return;
                }
                union.input = true;
                let nested: Vec<Ty> = union.variants.iter().map(|v| v.ty.clone()).collect();
                for t in &nested {
                    self.mark_input(t);
                }
            }
            Ty::Model(name) => {
                let Some(model) = self.models.get_mut(name) else {
                    return;
                };
                if model.input {
                    return; // already marked; also ends a recursive model
                }
                model.input = true;
                let nested: Vec<Ty> = model.fields.iter().map(|f| f.ty.clone()).collect();
                for t in &nested {
                    self.mark_input(t);
                }
            }
            _ => {}
        }
    }

    pub(super) fn define_enum(&mut self, name: &str, doc: &str, values: &[String]) -> String {
        let e = self
            .enums
            .entry(name.to_string())
            .or_insert_with(|| EnumDef {
                name: name.to_string(),
                doc: doc.to_string(),
                variants: Vec::new(),
            });
        for v in values {
            if e.variants.iter().any(|(w, _)| w == v) {
                continue;
            }
            let mut variant = camel(v);
            if variant == "Unknown" {
                variant = "UnknownValue".into();
            }
            while e.variants.iter().any(|(_, r)| *r == variant) {
                variant.push('_');
            }
            e.variants.push((v.clone(), variant));
        }
        name.to_string()
    }

    /// The Rust type of a response body of `resource`'s operations.
    pub(super) fn response_ty(&mut self, resource: &str, body: &Payload) -> Ty {
        match body {
            Payload::ResourceModel => Ty::Model(resource.to_string()),
            Payload::Other(other) => self.ty(other, resource, ""),
        }
    }
}

/// The name of the type `ty` defines (an enum, model or union, or one in an array or box).
fn defined_name(ty: &Ty) -> Option<&str> {
    match ty {
        Ty::Enum(name) | Ty::Model(name) | Ty::Union(name) => Some(name),
        Ty::Array(item) | Ty::Boxed(item) => defined_name(item),
        _ => None,
    }
}

/// Whether an enum's values are the two words of a boolean, each present, nothing else.
fn is_true_false(values: &[String]) -> bool {
    let has = |w: &str| values.iter().any(|v| v == w);
    has("true") && has("false") && values.iter().all(|v| v == "true" || v == "false")
}

/// `(variant name, name for the alternative's own model)` per alternative of union `union`.
///
/// An alternative that is a component keeps the component's name for its model, without the
/// dotted prefix all alternatives share (`messaging.v1.x` and `messaging.v1.x_v2` give `X`
/// and `XV2`). Variants drop the words every component alternative's name shares at its start
/// or end (`ChatIndicatorRequest` and `PhoneIndicatorRequest` give `Chat` and `Phone`), or
/// else the union's own name, when that leaves every one a name. Inline alternatives are
/// named for their kind (`Object`, `String`, ...). `Other` is the fallback's.
fn variant_names(union: &str, raw: &RawUnion) -> Vec<(String, String)> {
    let components: Vec<&str> = raw
        .variants
        .iter()
        .filter_map(|v| v.component.as_deref())
        .collect();
    let shared_dots = if components.len() > 1 {
        let first: Vec<&str> = components[0].split('.').collect();
        (0..first.len().saturating_sub(1))
            .take_while(|&i| {
                components
                    .iter()
                    .all(|c| c.split('.').nth(i) == Some(first[i]) && c.split('.').count() > i + 1)
            })
            .count()
    } else {
        0
    };
    let models: Vec<Option<String>> = raw
        .variants
        .iter()
        .map(|v| {
            v.component
                .as_deref()
                .map(|c| camel(&c.split('.').skip(shared_dots).collect::<Vec<_>>().join(".")))
        })
        .collect();
    let named: Vec<&str> = models.iter().flatten().map(String::as_str).collect();
    let short = shorten(&named, union);
    let mut short = short.into_iter();
    let mut out: Vec<(String, String)> = Vec::new();
    for (v, model) in raw.variants.iter().zip(&models) {
        let (mut variant, mut model) = match model {
            Some(model) => (short.next().unwrap_or_else(|| model.clone()), model.clone()),
            None => {
                let kind = kind_name(&v.ty).to_string();
                (kind.clone(), format!("{union}{kind}"))
            }
        };
        if model == union {
            // The alternative's model would take the union's own name.
            model = format!("{model}Shape");
        }
        if variant == "Other" {
            variant = "OtherShape".into();
        }
        let base = variant.clone();
        let mut i = 2;
        while out.iter().any(|(v, _)| *v == variant) {
            variant = format!("{base}{i}");
            i += 1;
        }
        if v.component.is_none() && variant != base {
            model = format!("{union}{variant}");
        }
        out.push((variant, model));
    }
    out
}

/// The words of an UpperCamelCase name (`WhatsAppV2` is `Whats`, `App`, `V2`).
fn camel_words(name: &str) -> Vec<&str> {
    let mut words = Vec::new();
    let mut start = 0;
    for (i, c) in name.char_indices().skip(1) {
        if c.is_ascii_uppercase() {
            words.push(&name[start..i]);
            start = i;
        }
    }
    words.push(&name[start..]);
    words
}

/// Variant names for alternatives whose models are named `names` (see [`variant_names`]).
fn shorten(names: &[&str], union: &str) -> Vec<String> {
    let words: Vec<Vec<&str>> = names.iter().map(|n| camel_words(n)).collect();
    let usable = |cut: &[String]| {
        cut.iter()
            .all(|n| n.starts_with(|c: char| c.is_ascii_uppercase()))
    };
    if names.len() > 1 {
        let shortest = words.iter().map(Vec::len).min().unwrap_or(0);
        let prefix = (0..shortest)
            .take_while(|&i| words.iter().all(|w| w[i] == words[0][i]))
            .count();
        let suffix = (0..shortest)
            .take_while(|&i| {
                words
                    .iter()
                    .all(|w| w[w.len() - 1 - i] == words[0][words[0].len() - 1 - i])
            })
            .count();
        for (drop_front, drop_back) in [(prefix, suffix), (0, suffix), (prefix, 0)] {
            if drop_front + drop_back == 0 {
                continue;
            }
            let cut: Vec<String> = words
                .iter()
                .map(|w| {
                    w[drop_front.min(w.len())
                        ..w.len()
                            .saturating_sub(drop_back)
                            .max(drop_front.min(w.len()))]
                        .concat()
                })
                .collect();
            if usable(&cut) {
                return cut;
            }
        }
    }
    let cut: Vec<String> = names
        .iter()
        .map(|n| {
            n.strip_suffix(union)
                .or_else(|| n.strip_prefix(union))
                .unwrap_or("")
                .to_string()
        })
        .collect();
    if usable(&cut) {
        return cut;
    }
    names.iter().map(|n| n.to_string()).collect()
}

fn kind_name(ty: &RawTy) -> &'static str {
    match ty {
        RawTy::String { .. } | RawTy::Enum(_) | RawTy::DateTime => "String",
        RawTy::Int { .. } => "Integer",
        RawTy::Float => "Number",
        RawTy::Bool => "Bool",
        RawTy::Array(_) => "Array",
        RawTy::Object(_) | RawTy::OpenObject { .. } | RawTy::UriMap | RawTy::Named { .. } => {
            "Object"
        }
        RawTy::Union(_) => "Choice",
        RawTy::Json | RawTy::Recursive(_) => "Json",
    }
}

/// What a JSON value must look like to be tried as an alternative of type `ty`.
fn shape(ty: &RawTy) -> Shape {
    match ty {
        RawTy::String { .. } | RawTy::Enum(_) | RawTy::DateTime => Shape::String,
        RawTy::Int { .. } => Shape::Integer,
        RawTy::Float => Shape::Number,
        RawTy::Bool => Shape::Bool,
        RawTy::Array(_) => Shape::Array,
        RawTy::Object(fields) | RawTy::OpenObject { fields, .. } => Shape::Object {
            properties: fields.iter().map(|f| f.wire.clone()).collect(),
            required: fields
                .iter()
                .filter(|f| f.required)
                .map(|f| f.wire.clone())
                .collect(),
        },
        RawTy::UriMap => Shape::Object {
            properties: Vec::new(),
            required: Vec::new(),
        },
        RawTy::Named { ty, .. } => shape(ty),
        RawTy::Union(_) | RawTy::Json | RawTy::Recursive(_) => Shape::Any,
    }
}

#[cfg(test)]
mod tests {
    use super::is_true_false;

    fn words(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn only_exactly_true_and_false_is_a_boolean() {
        assert!(is_true_false(&words(&["true", "false"])));
        assert!(is_true_false(&words(&["false", "true"])));
        assert!(!is_true_false(&words(&["true"])));
        assert!(!is_true_false(&words(&["true", "false", "unset"])));
        assert!(!is_true_false(&words(&["True", "False"])));
        assert!(!is_true_false(&words(&[])));
    }
}
