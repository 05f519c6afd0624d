//! Pair each path's default-service and Service variants and merge them (the rules are in
//! [`crate::scope`]); every model's two shapes are merged here too.

use super::{end_sentence, same_sentence, strip_verb, Builder};
use crate::ir::*;
use crate::raw::{RawField, RawOp, RawParam, RawResponse, RawTy};
use crate::scope::{self, Sink};
use std::collections::BTreeMap;

/// An operation after scope merging, before naming.
pub(super) struct MergedOp {
    pub(super) method: Method,
    pub(super) ids: Vec<(Scopes, String)>,
    pub(super) scopes: Scopes,
    pub(super) default_path: Option<String>,
    pub(super) service_path: Option<String>,
    pub(super) doc: String,
    pub(super) params: Vec<RawParam>,
    pub(super) json_media_type: Option<String>,
    pub(super) binary_media_type: Option<String>,
    /// Response with the item type replaced by the model of `resource`.
    pub(super) response: RawResponse,
    pub(super) resource: String,
    /// Raw path suffix (with param names) of one variant, for naming path params.
    pub(super) suffix: Vec<String>,
}

fn normalise(suffix: &[String]) -> Vec<String> {
    suffix
        .iter()
        .map(|s| {
            if s.starts_with('{') {
                "{}".to_string()
            } else {
                s.clone()
            }
        })
        .collect()
}

impl Builder {
    pub(super) fn pair_and_merge(&mut self, ops: Vec<RawOp>) {
        // Group by normalised suffix, keeping spec order inside each group.
        let mut groups: BTreeMap<Vec<String>, (Vec<RawOp>, Vec<RawOp>)> = BTreeMap::new();
        for op in ops {
            let g = groups.entry(normalise(&op.suffix)).or_default();
            if op.scope == Scopes::Default {
                g.0.push(op);
            } else {
                g.1.push(op);
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
                                    detail: "operation only in the default-service scope".into(),
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
                            detail: "operation only in the Service scope".into(),
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
        let mut shapes = BTreeMap::new();
        for (name, (d, s)) in sides {
            let fields = match (d, s) {
                (Some(d), Some(s)) => {
                    let mut sink = Sink {
                        resource: &name,
                        cross: true,
                        out: &mut self.drift,
                    };
                    scope::merge_fields(&d, &s, "model", &mut sink)
                }
                // A model returned in one scope only has nothing to drift from: its handle is
                // reachable in that scope alone, so its fields are present wherever it is.
                (Some(f), None) | (None, Some(f)) => f
                    .into_iter()
                    .map(|f| RawField {
                        scopes: Scopes::Both,
                        ..f
                    })
                    .collect(),
                (None, None) => Vec::new(),
            };
            shapes.insert(name, fields);
        }
        for (name, fields) in shapes {
            self.define_model(&name, "", &fields);
        }
    }

    /// Record `item` as one shape of `resource`'s model in `scope`; returns the response with
    /// the item replaced by a model reference marker.
    fn add_model(&mut self, resource: &str, scope: Scopes, response: RawResponse) -> RawResponse {
        let mut record = |ty: RawTy| -> RawTy {
            match ty {
                RawTy::Object(fields) => {
                    let fields: Vec<RawField> = fields
                        .into_iter()
                        .map(|f| RawField { scopes: scope, ..f })
                        .collect();
                    let side = self.model_sides.entry(resource.to_string()).or_default();
                    let slot = if scope == Scopes::Default {
                        &mut side.0
                    } else {
                        &mut side.1
                    };
                    *slot = Some(match slot.take() {
                        None => fields,
                        Some(prev) => {
                            let mut sink = Sink {
                                resource,
                                cross: false,
                                out: &mut Vec::new(),
                            };
                            scope::merge_fields(&prev, &fields, "model", &mut sink)
                        }
                    });
                    RawTy::Object(Vec::new()) // marker: "the resource model"
                }
                other => other,
            }
        };
        match response {
            RawResponse::Empty => RawResponse::Empty,
            RawResponse::One(t) => RawResponse::One(record(t)),
            RawResponse::List { key, item } => RawResponse::List {
                key,
                item: record(item),
            },
        }
    }

    fn single(&mut self, resource: &str, op: RawOp) -> MergedOp {
        let response = self.add_model(resource, op.scope, op.response);
        let (default_path, service_path) = if op.scope == Scopes::Default {
            (Some(op.path), None)
        } else {
            (None, Some(op.path))
        };
        MergedOp {
            method: op.method,
            ids: vec![(op.scope, op.id)],
            scopes: op.scope,
            default_path,
            service_path,
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
        let mut sink = Sink {
            resource,
            cross: true,
            out: &mut self.drift,
        };
        let params = scope::merge_params(&d.id, &d.params, &s.params, &mut sink);
        if d.json_media_type != s.json_media_type {
            let show = |m: &Option<String>| m.clone().unwrap_or_else(|| "a form".to_string());
            sink.note(
                &format!("`{}` request body", d.id),
                format!(
                    "{} in the default-service scope, {} in the Service scope; the \
                     default-service one is sent in both",
                    show(&d.json_media_type),
                    show(&s.json_media_type)
                ),
            );
        }
        let response = self.add_model(resource, Scopes::Default, d.response);
        let _ = self.add_model(resource, Scopes::Service, s.response);
        MergedOp {
            method: d.method,
            ids: vec![(Scopes::Default, d.id), (Scopes::Service, s.id)],
            scopes: Scopes::Both,
            default_path: Some(d.path),
            service_path: Some(s.path),
            doc: match (d.doc.is_empty(), s.doc.is_empty()) {
                (false, false) if !same_sentence(&d.doc, &s.doc) => {
                    format!(
                        "Default service: {} Service scope: {}",
                        end_sentence(&d.doc),
                        end_sentence(&s.doc)
                    )
                }
                (true, _) => s.doc,
                _ => d.doc,
            },
            params,
            json_media_type: d.json_media_type,
            binary_media_type: d.binary_media_type,
            response,
            resource: resource.to_string(),
            suffix: d.suffix,
        }
    }
}
