//! Pair top-level and item-scope variants, merge them, record every difference.
//!
//! Two variants of a path (same suffix after `/v1` and `/v1/Services/{ChatServiceSid}`) are the
//! same resource when at least half of the names they carry (parameters, body fields, response
//! fields) are shared. Merging takes the union of fields, parameters and enum values; every
//! difference becomes a [`Drift`] item. Enums that differ only in name or value order are equal.

use crate::ir::{Drift, NameOverlap, PerScope, ScopeNames, Scopes};
use crate::raw::{RawField, RawOp, RawParam, RawResponse, RawTy};
use std::collections::BTreeSet;

/// Share of names two variants must have in common to be treated as one resource.
pub const PAIR_THRESHOLD: f64 = 0.5;

/// The names the two scopes' groups of ops share, of all they carry.
pub(crate) fn similarity(ops: &PerScope<Vec<RawOp>>) -> NameOverlap {
    let mut top = BTreeSet::new();
    let mut item = BTreeSet::new();
    ops.top.iter().for_each(|op| op.names(&mut top));
    ops.item.iter().for_each(|op| op.names(&mut item));
    NameOverlap {
        shared: top.intersection(&item).count(),
        total: top.union(&item).count(),
    }
}

/// Whether two groups that share these names are one resource.
pub(crate) fn is_pair(overlap: NameOverlap) -> bool {
    overlap.total > 0 && overlap.shared as f64 / overlap.total as f64 >= PAIR_THRESHOLD
}

/// Where the differences a merge finds are written, and what the two merged sides are called
/// in them: the two scopes (the top-level one first), or earlier answers and one more answer
/// within one scope.
pub(crate) struct Sink<'a> {
    pub resource: &'a str,
    /// What the two sides are called, as in "only in the {name}".
    pub sides: Sides<'a>,
    pub out: &'a mut Vec<Drift>,
}

/// The names of the two sides a merge compares: the first and the second value given.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sides<'a> {
    pub first: &'a str,
    pub second: &'a str,
}

impl<'a> Sink<'a> {
    /// A sink for the top-level (first) and item-scope (second) variants of one thing, each
    /// side called by its scope's name.
    pub(crate) fn across_scopes(
        resource: &'a str,
        names: &'a ScopeNames,
        out: &'a mut Vec<Drift>,
    ) -> Sink<'a> {
        Sink {
            resource,
            sides: Sides {
                first: &names.top.scope,
                second: &names.item.scope,
            },
            out,
        }
    }

    pub(crate) fn note(&mut self, location: &str, detail: String) {
        self.out.push(Drift {
            resource: self.resource.to_string(),
            location: location.to_string(),
            detail,
        });
    }

    fn first(&self) -> &'a str {
        self.sides.first
    }

    fn second(&self) -> &'a str {
        self.sides.second
    }
}

fn values_only_in(a: &[String], b: &[String]) -> Vec<String> {
    a.iter().filter(|v| !b.contains(v)).cloned().collect()
}

/// Merge the type of one thing seen on the first side (`a`: the top-level scope, or earlier
/// answers) and the second (`b`: the item scope, or one more answer).
pub(crate) fn merge_ty(a: &RawTy, b: &RawTy, location: &str, sink: &mut Sink<'_>) -> RawTy {
    match (a, b) {
        _ if a == b => a.clone(),
        (RawTy::Enum(va), RawTy::Enum(vb)) => {
            let only_a = values_only_in(va, vb);
            let only_b = values_only_in(vb, va);
            if only_a.is_empty() && only_b.is_empty() {
                return a.clone(); // same values, other order: not drift
            }
            let mut parts = Vec::new();
            if !only_a.is_empty() {
                parts.push(format!(
                    "only in the {}: {}",
                    sink.first(),
                    only_a.join(", ")
                ));
            }
            if !only_b.is_empty() {
                parts.push(format!(
                    "only in the {}: {}",
                    sink.second(),
                    only_b.join(", ")
                ));
            }
            sink.note(
                location,
                format!("enum values differ ({})", parts.join("; ")),
            );
            let mut all = va.clone();
            all.extend(only_b);
            RawTy::Enum(all)
        }
        (RawTy::String { format: fa }, RawTy::String { format: fb }) => {
            let show =
                |f: &Option<String>| f.as_ref().map_or("none".to_string(), |f| format!("`{f}`"));
            sink.note(
                location,
                format!(
                    "format differs: {} in the {}, {} in the {}",
                    show(fa),
                    sink.first(),
                    show(fb),
                    sink.second()
                ),
            );
            RawTy::String { format: None }
        }
        (RawTy::Int { .. }, RawTy::Int { .. }) => {
            sink.note(location, "integer format differs".to_string());
            RawTy::Int {
                format: Some("int64".into()),
            }
        }
        (RawTy::Array(ia), RawTy::Array(ib)) => RawTy::Array(Box::new(merge_ty(
            ia,
            ib,
            &format!("{location} items"),
            sink,
        ))),
        (RawTy::Object(fa), RawTy::Object(fb)) => {
            RawTy::Object(merge_fields(fa, fb, location, sink))
        }
        (
            RawTy::OpenObject {
                name: na,
                fields: fa,
            },
            RawTy::OpenObject {
                name: nb,
                fields: fb,
            },
        ) => RawTy::OpenObject {
            name: na.clone().or_else(|| nb.clone()),
            fields: merge_fields(fa, fb, location, sink),
        },
        (RawTy::Object(fa), RawTy::OpenObject { name, fields: fb })
        | (RawTy::OpenObject { name, fields: fa }, RawTy::Object(fb)) => {
            let open = if matches!(a, RawTy::OpenObject { .. }) {
                sink.first()
            } else {
                sink.second()
            };
            sink.note(
                location,
                format!("unknown keys allowed only in the {open}; kept in both"),
            );
            RawTy::OpenObject {
                name: name.clone(),
                fields: merge_fields(fa, fb, location, sink),
            }
        }
        _ => {
            sink.note(
                location,
                format!(
                    "type differs: {} in the {}, {} in the {}; decoded as any JSON",
                    a.describe(),
                    sink.first(),
                    b.describe(),
                    sink.second()
                ),
            );
            RawTy::Json
        }
    }
}

fn field_location(prefix: &str, wire: &str) -> String {
    if prefix.is_empty() {
        format!("field `{wire}`")
    } else {
        format!("{prefix} field `{wire}`")
    }
}

/// Union of two field lists (`a` first, in order), merging fields present in both.
pub(crate) fn merge_fields(
    a: &[RawField],
    b: &[RawField],
    prefix: &str,
    sink: &mut Sink<'_>,
) -> Vec<RawField> {
    // The side where a fact that holds in only one of them holds.
    let Sides { first, second } = sink.sides;
    let side = |in_a: bool| if in_a { first } else { second };
    let mut out = Vec::with_capacity(a.len().max(b.len()));
    for fa in a {
        let location = field_location(prefix, &fa.wire);
        match b.iter().find(|fb| fb.wire == fa.wire) {
            Some(fb) => {
                if fa.nullable != fb.nullable {
                    sink.note(
                        &location,
                        format!("nullable only in the {}", side(fa.nullable)),
                    );
                }
                if fa.required != fb.required {
                    sink.note(
                        &location,
                        format!("required only in the {}", side(fa.required)),
                    );
                }
                let mut aliases = fa.aliases.clone();
                aliases.extend(
                    fb.aliases
                        .iter()
                        .filter(|x| !fa.aliases.contains(x))
                        .cloned(),
                );
                out.push(RawField {
                    wire: fa.wire.clone(),
                    aliases,
                    ty: merge_ty(&fa.ty, &fb.ty, &location, sink),
                    // The first side's component names the merged type.
                    origin: fa.origin.clone(),
                    nullable: fa.nullable || fb.nullable,
                    required: fa.required && fb.required,
                    doc: if fa.doc.is_empty() {
                        fb.doc.clone()
                    } else {
                        fa.doc.clone()
                    },
                    scopes: fa.scopes.union(fb.scopes),
                });
            }
            None => {
                sink.note(&location, format!("only in the {first}"));
                out.push(fa.clone());
            }
        }
    }
    for fb in b {
        if !a.iter().any(|fa| fa.wire == fb.wire) {
            sink.note(
                &field_location(prefix, &fb.wire),
                format!("only in the {second}"),
            );
            out.push(fb.clone());
        }
    }
    out
}

/// Union of two parameter lists; `None` when the required sets differ (the ops must stay apart).
pub(crate) fn merge_params(
    op_id: &str,
    a: &[RawParam],
    b: &[RawParam],
    sink: &mut Sink<'_>,
) -> Vec<RawParam> {
    let mut out = Vec::new();
    let loc = |p: &RawParam| format!("`{op_id}` {} `{}`", p.location.label(), p.wire);
    for pa in a {
        match b
            .iter()
            .find(|pb| pb.wire == pa.wire && pb.location == pa.location)
        {
            Some(pb) => out.push(RawParam {
                ty: merge_ty(&pa.ty, &pb.ty, &loc(pa), sink),
                doc: if pa.doc.is_empty() {
                    pb.doc.clone()
                } else {
                    pa.doc.clone()
                },
                scopes: Scopes::Both,
                ..pa.clone()
            }),
            None => {
                sink.note(
                    &loc(pa),
                    format!("only in the {}; settable only there", sink.first()),
                );
                out.push(pa.clone());
            }
        }
    }
    for pb in b {
        if !a
            .iter()
            .any(|pa| pa.wire == pb.wire && pa.location == pb.location)
        {
            sink.note(
                &loc(pb),
                format!("only in the {}; settable only there", sink.second()),
            );
            out.push(pb.clone());
        }
    }
    out
}

/// What keeps two operations of one path suffix, one per scope, from being one operation: empty
/// when they pair (same method, same required parameters, a response of one shape and a
/// request body of one kind); else what differs, as the drift report says it.
pub(crate) fn apart(top: &RawOp, item: &RawOp) -> Vec<&'static str> {
    if top.method != item.method {
        return vec!["methods"];
    }
    let mut why = Vec::new();
    if !same_required(top, item) {
        why.push("required parameters");
    }
    if !same_response_shape(&top.response, &item.response) {
        why.push("response shapes");
    }
    if !top.body.same_kind(&item.body) {
        why.push("request body kinds");
    }
    why
}

/// Whether two variants of one operation require the same parameters.
fn same_required(a: &RawOp, b: &RawOp) -> bool {
    let req = |op: &RawOp| -> BTreeSet<(String, crate::ir::Location)> {
        op.params
            .iter()
            .filter(|p| p.required)
            .map(|p| (p.wire.clone(), p.location))
            .collect()
    };
    req(a) == req(b)
}

/// Whether two variants of one operation answer with one shape of response (the models are
/// merged, their drift recorded on the model).
fn same_response_shape(a: &RawResponse, b: &RawResponse) -> bool {
    matches!(
        (a, b),
        (RawResponse::Empty, RawResponse::Empty)
            | (RawResponse::One(_), RawResponse::One(_))
            | (RawResponse::Redirect(_), RawResponse::Redirect(_))
    ) || matches!((a, b), (RawResponse::List { key: ka, .. }, RawResponse::List { key: kb, .. }) if ka == kb)
        || matches!((a, b), (RawResponse::Accepted(x), RawResponse::Accepted(y)) if x == y)
        || matches!((a, b), (RawResponse::Outcomes(x), RawResponse::Outcomes(y)) if x == y)
}
