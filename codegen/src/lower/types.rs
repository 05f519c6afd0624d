//! Models and enums: every raw type gets its Rust type and name.

use super::Builder;
use crate::ir::*;
use crate::names::{camel, compound, snake};
use crate::raw::{Payload, RawField, RawTy};

impl Builder {
    /// Register a model (and nested models/enums) under `name`.
    pub(super) fn define_model(&mut self, name: &str, doc: &str, fields: &[RawField]) {
        let mut out = Vec::with_capacity(fields.len());
        for f in fields {
            // A field named like the end of its model (`status` of `ProvisioningStatus`) would
            // give its enum or nested model the model's own name: a type containing itself.
            let mut ctx = compound(name, &f.wire);
            if ctx == name {
                ctx = format!("{name}{}", camel(&f.wire));
            }
            let ty = self.ty(&f.ty, &ctx, &f.doc);
            out.push(Field {
                wire: f.wire.clone(),
                rust: snake(&f.wire),
                ty,
                optional: f.nullable || !f.required,
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
                if !self.models.contains_key(ctx) {
                    self.define_model(ctx, doc, fields);
                }
                Ty::Model(ctx.to_string())
            }
            RawTy::OpenObject { name, fields } => {
                let ctx = name.as_deref().unwrap_or(ctx);
                if !self.models.contains_key(ctx) {
                    self.define_model(ctx, doc, fields);
                    if let Some(model) = self.models.get_mut(ctx) {
                        model.keeps_unknown_keys = true;
                    }
                }
                Ty::Model(ctx.to_string())
            }
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
            Ty::Array(item) => self.mark_input(item),
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

/// Whether an enum's values are the two words of a boolean, each present, nothing else.
fn is_true_false(values: &[String]) -> bool {
    let has = |w: &str| values.iter().any(|v| v == w);
    has("true") && has("false") && values.iter().all(|v| v == "true" || v == "false")
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
