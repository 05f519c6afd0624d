//! Pair each path's top-level and item-scope variants and merge them (the rules are in
//! [`crate::scope`]); every model's two shapes are merged here too.

use super::{end_sentence, same_sentence, segment_key, strip_verb, Builder};
use crate::ir::*;
use crate::raw::{Payload, RawField, RawOp, RawParam, RawResponse, RawTy};
use crate::scope::{self, Sink};
use std::collections::BTreeMap;

/// An operation after scope merging, before naming.
pub(super) struct MergedOp {
    pub(super) method: Method,
    pub(super) variants: Scoped<Variant>,
    pub(super) doc: String,
    pub(super) params: Vec<RawParam>,
    pub(super) json_media_type: Option<String>,
    pub(super) binary_media_type: Option<String>,
    /// Response, with the resource's own model set apart.
    pub(super) response: RawResponse<Payload>,
    pub(super) resource: String,
    /// Raw path suffix (with param names) of one variant, for naming path params.
    pub(super) suffix: Vec<String>,
}

impl MergedOp {
    pub(super) fn scopes(&self) -> Scopes {
        self.variants.scopes()
    }
}

fn variant(op: &RawOp) -> Variant {
    Variant {
        operation_id: op.id.clone(),
        path: op.path.clone(),
        trailing: op.trailing.clone(),
    }
}

fn normalise(suffix: &[String]) -> Vec<String> {
    suffix.iter().map(|s| segment_key(s).into_owned()).collect()
}

impl Builder {
    pub(super) fn pair_and_merge(&mut self, ops: Vec<RawOp>) {
        // Group by normalised suffix, keeping spec order inside each group.
        let mut groups: BTreeMap<Vec<String>, (Vec<RawOp>, Vec<RawOp>)> = BTreeMap::new();
        for op in ops {
            let g = groups.entry(normalise(&op.suffix)).or_default();
            match op.side {
                Side::Default => g.0.push(op),
                Side::Service => g.1.push(op),
            }
        }
        for (key, (d, s)) in groups {
            let resource_of = |ops: &[RawOp]| ops.first().map(|o| strip_verb(&o.id).1);
            let (shared, total) = scope::similarity(&d, &s);
            let paired = !d.is_empty() && !s.is_empty() && scope::is_pair(shared, total);
            if !d.is_empty() && !s.is_empty() {
                let info = PairInfo {
                    resource: resource_of(&d).unwrap_or_default(),
                    default_path: d[0].path.clone(),
                    service_path: s[0].path.clone(),
                    shared_names: shared,
                    total_names: total,
                };
                if paired {
                    self.merged.push(info);
                } else {
                    self.separate.push(info);
                }
            }
            let mut merged = Vec::new();
            if paired {
                let resource = resource_of(&d).unwrap_or_default();
                let mut s_left: Vec<RawOp> = s;
                for dop in d {
                    let pos = s_left.iter().position(|sop| {
                        sop.method == dop.method
                            && scope::same_required(&dop, sop)
                            && scope::same_response_shape(&dop.response, &sop.response)
                    });
                    match pos {
                        Some(i) => {
                            let sop = s_left.remove(i);
                            merged.push(self.merge_pair(&resource, dop, sop));
                        }
                        None => {
                            if s_left.iter().any(|sop| sop.method == dop.method) {
                                self.drift.push(Drift {
                                    resource: resource.clone(),
                                    location: format!("`{}`", dop.id),
                                    detail: "required parameters or response shape differ between scopes; generated as two operations".into(),
                                });
                            } else {
                                self.drift.push(Drift {
                                    resource: resource.clone(),
                                    location: format!("`{} {}`", dop.method.as_str(), dop.path),
                                    detail: format!(
                                        "operation only in the {}",
                                        self.scope_names.top.scope
                                    ),
                                });
                            }
                            merged.push(self.single(&resource, dop));
                        }
                    }
                }
                for sop in s_left {
                    if !merged.iter().any(|m| m.method == sop.method) {
                        self.drift.push(Drift {
                            resource: resource.clone(),
                            location: format!("`{} {}`", sop.method.as_str(), sop.path),
                            detail: format!(
                                "operation only in the {}",
                                self.scope_names.item.scope
                            ),
                        });
                    }
                    merged.push(self.single(&resource, sop));
                }
            } else {
                for op in d.into_iter().chain(s) {
                    let resource = strip_verb(&op.id).1;
                    merged.push(self.single(&resource, op));
                }
            }
            self.nodes.insert(key, merged);
        }
        // Merge each model's two scope shapes, recording drift.
        let sides = std::mem::take(&mut self.model_sides);
        for (name, shapes) in sides {
            let fields = match shapes {
                Scoped::Both { default, service } => {
                    let mut sink = Sink::across_scopes(&name, &self.scope_names, &mut self.drift);
                    scope::merge_fields(&default, &service, "model", &mut sink)
                }
                // A model returned in one scope only has nothing to drift from: its handle is
                // reachable in that scope alone, so its fields are present wherever it is.
                Scoped::Default(f) | Scoped::Service(f) => f
                    .into_iter()
                    .map(|f| RawField {
                        scopes: Scopes::Both,
                        ..f
                    })
                    .collect(),
            };
            self.define_model(&name, "", &fields);
        }
    }

    /// Record an object body of `op` as one shape of `resource`'s model in `op`'s scope (shapes
    /// from several operations of one scope are merged, their differences reported apart from
    /// drift); returns the response with that body set apart as [`Payload::ResourceModel`].
    fn add_model(&mut self, resource: &str, op: &RawOp) -> RawResponse<Payload> {
        let side = op.side;
        let answer = format!("answer of `{}`", op.id);
        let earlier = format!("answers read before `{}`", op.id);
        op.response.clone().map(|ty| match ty {
            // A resource's own unknown keys are not kept (only nested objects keep theirs).
            RawTy::Object(fields) | RawTy::OpenObject { fields, .. } => {
                let fields: Vec<RawField> = fields
                    .into_iter()
                    .map(|f| RawField {
                        scopes: side.into(),
                        ..f
                    })
                    .collect();
                let mut sink = Sink {
                    resource,
                    sides: [&earlier, &answer],
                    out: &mut self.shape_differences,
                };
                let shapes = match self.model_sides.remove(resource) {
                    None => Scoped::one(side, fields),
                    Some(prev) => match (prev, side) {
                        (Scoped::Default(d), Side::Default) => {
                            Scoped::Default(scope::merge_fields(&d, &fields, "model", &mut sink))
                        }
                        (Scoped::Service(s), Side::Service) => {
                            Scoped::Service(scope::merge_fields(&s, &fields, "model", &mut sink))
                        }
                        (Scoped::Default(d), Side::Service) => Scoped::both(d, fields),
                        (Scoped::Service(s), Side::Default) => Scoped::both(fields, s),
                        (Scoped::Both { default, service }, Side::Default) => Scoped::both(
                            scope::merge_fields(&default, &fields, "model", &mut sink),
                            service,
                        ),
                        (Scoped::Both { default, service }, Side::Service) => Scoped::both(
                            default,
                            scope::merge_fields(&service, &fields, "model", &mut sink),
                        ),
                    },
                };
                self.model_sides.insert(resource.to_string(), shapes);
                Payload::ResourceModel
            }
            other => Payload::Other(other),
        })
    }

    fn single(&mut self, resource: &str, op: RawOp) -> MergedOp {
        let response = self.add_model(resource, &op);
        MergedOp {
            method: op.method,
            variants: Scoped::one(op.side, variant(&op)),
            doc: op.doc,
            params: op.params,
            json_media_type: op.json_media_type,
            binary_media_type: op.binary_media_type,
            response,
            resource: resource.to_string(),
            suffix: op.suffix,
        }
    }

    fn merge_pair(&mut self, resource: &str, d: RawOp, s: RawOp) -> MergedOp {
        let names = &self.scope_names;
        let (top, item) = (&names.top, &names.item);
        let mut sink = Sink::across_scopes(resource, names, &mut self.drift);
        let params = scope::merge_params(&d.id, &d.params, &s.params, &mut sink);
        if d.json_media_type != s.json_media_type {
            let show = |m: &Option<String>| m.clone().unwrap_or_else(|| "a form".to_string());
            sink.note(
                &format!("`{}` request body", d.id),
                format!(
                    "{} in the {}, {} in the {}; the one of the {} is sent in both",
                    show(&d.json_media_type),
                    top.scope,
                    show(&s.json_media_type),
                    item.scope,
                    top.scope
                ),
            );
        }
        if d.trailing != s.trailing {
            sink.note(
                &format!("`{}` path", d.id),
                format!(
                    "ends in `{}` in the {}, `{}` in the {}; each scope sends its own",
                    d.trailing, top.scope, s.trailing, item.scope
                ),
            );
        }
        let doc = match (d.doc.is_empty(), s.doc.is_empty()) {
            (false, false) if !same_sentence(&d.doc, &s.doc) => format!(
                "{}: {} {}: {}",
                top.heading,
                end_sentence(&d.doc),
                item.heading,
                end_sentence(&s.doc)
            ),
            (true, _) => s.doc.clone(),
            _ => d.doc.clone(),
        };
        let response = self.add_model(resource, &d);
        let _ = self.add_model(resource, &s);
        MergedOp {
            method: d.method,
            variants: Scoped::both(variant(&d), variant(&s)),
            doc,
            params,
            json_media_type: d.json_media_type,
            binary_media_type: d.binary_media_type,
            response,
            resource: resource.to_string(),
            suffix: d.suffix,
        }
    }
}
