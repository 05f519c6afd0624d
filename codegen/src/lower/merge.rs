//! Pair each path's top-level and item-scope variants and merge them (the rules are in
//! [`crate::scope`]); every model's two shapes are merged here too.

use super::{end_sentence, same_sentence, segment_key, strip_verb, Builder};
use crate::ir::*;
use crate::names::{camel, singular};
use crate::prose::{and_list, said_once};
use crate::raw::{Payload, RawField, RawOp, RawParam, RawResponse, RawTy};
use crate::scope::{self, Sides, Sink};
use std::collections::BTreeMap;

/// An operation after scope merging, before naming.
pub(super) struct MergedOp {
    pub(super) method: Method,
    pub(super) variants: Scoped<Variant>,
    pub(super) doc: String,
    pub(super) params: Vec<RawParam>,
    pub(super) body: RequestBody,
    /// Response, with the resource's own model set apart.
    pub(super) response: RawResponse<Payload>,
    pub(super) resource: String,
    /// Raw path suffix (with param names) of one variant, for naming path params.
    pub(super) suffix: Vec<String>,
    /// The operation-status endpoint (see [`RawOp::reports_operation`]).
    pub(super) reports_operation: bool,
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

/// The resource an operation acts on, from its id without the verb: `ConversationByAccount`
/// (of `ListConversationByAccount` on `/v2/Conversations`) is `Conversation`, because its path
/// ends in that collection and a new word follows its name. Ids that only name the resource
/// (`FetchConversation`), or whose name goes on past it (`ConversationMessage` on `/Messages`,
/// `ConversationWithParticipants` on `/ConversationWithParticipants`), are kept whole.
fn resource_name(op: &RawOp) -> String {
    let (_, rest) = strip_verb(&op.id);
    let collection = op
        .suffix
        .iter()
        .rev()
        .find(|s| !s.contains('{'))
        .map(|s| camel(&singular(s)));
    match collection {
        Some(one)
            if rest
                .strip_prefix(one.as_str())
                .is_some_and(|after| after.starts_with(|c: char| c.is_ascii_uppercase())) =>
        {
            one
        }
        _ => rest,
    }
}

fn normalise(suffix: &[String]) -> Vec<String> {
    suffix.iter().map(|s| segment_key(s).into_owned()).collect()
}

impl Builder {
    pub(super) fn pair_and_merge(&mut self, ops: Vec<RawOp>) {
        // Group by normalised suffix, keeping spec order inside each group.
        let mut groups: BTreeMap<Vec<String>, PerScope<Vec<RawOp>>> = BTreeMap::new();
        for op in ops {
            let group = groups.entry(normalise(&op.suffix)).or_default();
            group.get_mut(op.side).push(op);
        }
        for (key, group) in groups {
            let resource_of = |ops: &[RawOp]| ops.first().map(resource_name);
            let overlap = scope::similarity(&group);
            let in_both = !group.top.is_empty() && !group.item.is_empty();
            let paired = in_both && scope::is_pair(overlap);
            if in_both {
                let info = PairInfo {
                    resource: resource_of(&group.top).unwrap_or_default(),
                    paths: PerScope {
                        top: group.top[0].path.clone(),
                        item: group.item[0].path.clone(),
                    },
                    overlap,
                };
                if paired {
                    self.merged.push(info);
                } else {
                    self.separate.push(info);
                }
            }
            let mut merged = Vec::new();
            if paired {
                let resource = resource_of(&group.top).unwrap_or_default();
                let mut item_left: Vec<RawOp> = group.item;
                for top in group.top {
                    let pos = item_left
                        .iter()
                        .position(|item| scope::apart(&top, item).is_empty());
                    match pos {
                        Some(i) => {
                            let item = item_left.remove(i);
                            merged.push(self.merge_pair(&resource, PerScope { top, item }));
                        }
                        None => {
                            let same_method = item_left.iter().find(|i| i.method == top.method);
                            if let Some(item) = same_method {
                                let why = and_list(&scope::apart(&top, item));
                                self.drift.push(Drift {
                                    resource: resource.clone(),
                                    location: format!("`{}`", top.id),
                                    detail: format!(
                                        "{why} differ between scopes; generated as two operations"
                                    ),
                                });
                            } else {
                                self.drift.push(Drift {
                                    resource: resource.clone(),
                                    location: format!("`{} {}`", top.method.as_str(), top.path),
                                    detail: format!(
                                        "operation only in the {}",
                                        self.scope_names.top.scope
                                    ),
                                });
                            }
                            merged.push(self.single(&resource, top));
                        }
                    }
                }
                for item in item_left {
                    if !merged.iter().any(|m| m.method == item.method) {
                        self.drift.push(Drift {
                            resource: resource.clone(),
                            location: format!("`{} {}`", item.method.as_str(), item.path),
                            detail: format!(
                                "operation only in the {}",
                                self.scope_names.item.scope
                            ),
                        });
                    }
                    merged.push(self.single(&resource, item));
                }
            } else {
                for op in group.top.into_iter().chain(group.item) {
                    let resource = resource_name(&op);
                    merged.push(self.single(&resource, op));
                }
            }
            self.nodes.insert(key, merged);
        }
        // Merge each model's two scope shapes, recording drift.
        let sides = std::mem::take(&mut self.model_sides);
        for (name, shapes) in sides {
            let fields = match shapes {
                Scoped::Both(PerScope { top, item }) => {
                    let mut sink = Sink::across_scopes(&name, &self.scope_names, &mut self.drift);
                    scope::merge_fields(&top, &item, "model", &mut sink)
                }
                // A model returned in one scope only has nothing to drift from: its handle is
                // reachable in that scope alone, so its fields are present wherever it is.
                Scoped::Top(f) | Scoped::Item(f) => f
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
        // Of answers that differ by status, only the first with a body is the resource's
        // model; the others are types of their own (named for their status in `tree`). Every
        // other kind of response has one body, which is the model.
        let by_status = matches!(op.response, RawResponse::Outcomes(_));
        let mut first = true;
        op.response.clone().map(|ty| {
            let model = !by_status || std::mem::take(&mut first);
            match ty {
                // A resource's own unknown keys are not kept (only nested objects keep theirs).
                RawTy::Object(fields) | RawTy::OpenObject { fields, .. } if model => {
                    let fields: Vec<RawField> = fields
                        .into_iter()
                        .map(|f| RawField {
                            scopes: side.into(),
                            ..f
                        })
                        .collect();
                    let mut sink = Sink {
                        resource,
                        sides: Sides {
                            first: &earlier,
                            second: &answer,
                        },
                        out: &mut self.shape_differences,
                    };
                    let mut merge = |earlier: &[RawField]| {
                        scope::merge_fields(earlier, &fields, "model", &mut sink)
                    };
                    let shapes = match self.model_sides.remove(resource) {
                        None => Scoped::one(side, fields),
                        Some(prev) => match (prev, side) {
                            (Scoped::Top(top), Side::Top) => Scoped::Top(merge(&top)),
                            (Scoped::Item(item), Side::Item) => Scoped::Item(merge(&item)),
                            (Scoped::Top(top), Side::Item) => Scoped::both(top, fields),
                            (Scoped::Item(item), Side::Top) => Scoped::both(fields, item),
                            (Scoped::Both(mut both), side) => {
                                let merged = merge(both.get(side));
                                *both.get_mut(side) = merged;
                                Scoped::Both(both)
                            }
                        },
                    };
                    self.model_sides.insert(resource.to_string(), shapes);
                    Payload::ResourceModel
                }
                other => Payload::Other(other),
            }
        })
    }

    fn single(&mut self, resource: &str, op: RawOp) -> MergedOp {
        let response = self.add_model(resource, &op);
        MergedOp {
            method: op.method,
            variants: Scoped::one(op.side, variant(&op)),
            doc: op.doc,
            params: op.params,
            body: op.body,
            response,
            resource: resource.to_string(),
            suffix: op.suffix,
            reports_operation: op.reports_operation,
        }
    }

    fn merge_pair(&mut self, resource: &str, pair: PerScope<RawOp>) -> MergedOp {
        let PerScope { top, item } = pair;
        let names = &self.scope_names;
        let mut sink = Sink::across_scopes(resource, names, &mut self.drift);
        let params = scope::merge_params(&top.id, &top.params, &item.params, &mut sink);
        // Paired operations have bodies of one kind (`scope::same_body_kind`); their media
        // types may still differ.
        if top.body != item.body {
            sink.note(
                &format!("`{}` request body", top.id),
                format!(
                    "{} in the {}, {} in the {}; the one of the {} is sent in both",
                    top.body.describe(),
                    names.top.scope,
                    item.body.describe(),
                    names.item.scope,
                    names.top.scope
                ),
            );
        }
        if top.trailing != item.trailing {
            sink.note(
                &format!("`{}` path", top.id),
                format!(
                    "ends in `{}` in the {}, `{}` in the {}; each scope sends its own",
                    top.trailing, names.top.scope, item.trailing, names.item.scope
                ),
            );
        }
        // One summary when the two say the same but for how they name their scope; each
        // scope's own, under its heading, when they say different things.
        let doc = match (top.doc.is_empty(), item.doc.is_empty()) {
            (false, false) if !same_sentence(&top.doc, &item.doc) => {
                said_once(&top.doc, &item.doc, &self.scope_vocabulary).unwrap_or_else(|| {
                    format!(
                        "{}: {} {}: {}",
                        names.top.heading,
                        end_sentence(&top.doc),
                        names.item.heading,
                        end_sentence(&item.doc)
                    )
                })
            }
            (true, _) => item.doc.clone(),
            _ => top.doc.clone(),
        };
        let response = self.add_model(resource, &top);
        let _ = self.add_model(resource, &item);
        MergedOp {
            method: top.method,
            variants: Scoped::both(variant(&top), variant(&item)),
            doc,
            params,
            body: top.body,
            response,
            resource: resource.to_string(),
            reports_operation: top.reports_operation && item.reports_operation,
            suffix: top.suffix,
        }
    }
}
