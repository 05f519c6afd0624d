//! The resource tree: one node per path suffix, with handle, accessor and operation names.

use super::merge::MergedOp;
use super::{strip_verb, Builder};
use crate::ir::*;
use crate::names::{bare, camel, compound, header_words, singular, snake};
use crate::raw::{AcceptedBody, Payload, RawOutcome, RawResponse};

impl Builder {
    /// A handle type name no other handle has: `base`, in a module's API (see
    /// [`super::lower_module`]) after the module's own word when it does not start with it.
    fn unique_handle(&mut self, base: String) -> String {
        let base = match &self.handle_prefix {
            Some(prefix) if !starts_with_word(&base, prefix) => format!("{prefix}{base}"),
            _ => base,
        };
        let mut name = base.clone();
        let mut n = 2;
        while !self.handle_names.insert(name.clone()) {
            name = format!("{base}{n}");
            n += 1;
        }
        name
    }

    /// The tree of every merged operation; `scope_handle` names the handle of one scope item
    /// (the root's ops), when the API has a scope pair.
    pub(super) fn build_tree(&mut self, scope_handle: Option<&str>) -> Node {
        // Make sure every ancestor of a node exists.
        let keys: Vec<Vec<String>> = self.nodes.keys().cloned().collect();
        for k in keys {
            for n in 0..k.len() {
                self.nodes.entry(k[..n].to_vec()).or_default();
            }
        }
        self.nodes.entry(Vec::new()).or_default();
        let root_handle = match scope_handle {
            Some(h) => self.unique_handle(h.to_string()),
            None => String::new(),
        };
        self.build_node(&[], None, &root_handle)
    }

    fn build_node(
        &mut self,
        key: &[String],
        parent_literal: Option<&str>,
        root_handle: &str,
    ) -> Node {
        let merged = self.nodes.remove(key).unwrap_or_default();
        // Keys are ordered, so everything under `key` follows it in one run: reading that run
        // alone keeps the tree build linear in the number of nodes.
        let child_keys: Vec<Vec<String>> = self
            .nodes
            .range(key.to_vec()..)
            .map(|(k, _)| k)
            .take_while(|k| k.starts_with(key))
            .filter(|k| k.len() == key.len() + 1)
            .cloned()
            .collect();
        let segment = match key.last() {
            None => Segment::Root,
            Some(s) if s == "{}" => Segment::Param(
                merged
                    .iter()
                    .find_map(|m| m.suffix.get(key.len() - 1).cloned())
                    .map(|s| s.trim_matches(|c| c == '{' || c == '}').to_string())
                    .unwrap_or_else(|| "Sid".into()),
            ),
            Some(s) if s.contains("{}") => self.template_at(key, &merged),
            Some(s) => Segment::Literal(s.clone()),
        };
        let last_literal = match &segment {
            Segment::Literal(s) => Some(s.as_str()),
            _ => parent_literal,
        };
        let resource = merged
            .iter()
            .find(|m| m.scopes().has_top())
            .or(merged.first())
            .map(|m| m.resource.clone())
            .unwrap_or_else(|| camel(&singular(last_literal.unwrap_or("Api"))));
        let is_list = merged
            .iter()
            .any(|m| matches!(m.response, RawResponse::List { .. }));
        let has_param_child = child_keys
            .iter()
            .any(|k| k.last().is_some_and(|s| s.contains("{}")));
        let kind = match &segment {
            Segment::Root => NodeKind::Root,
            Segment::Literal(_) if is_list || has_param_child => NodeKind::Collection,
            Segment::Literal(_) => NodeKind::Single,
            Segment::Param(_) | Segment::Template(_) => NodeKind::Item {
                collection: parent_literal.map(String::from),
            },
        };
        let (accessor, handle) = match &segment {
            Segment::Root => (String::new(), root_handle.to_string()),
            Segment::Literal(s) => {
                let suffix = if kind == NodeKind::Collection {
                    "List"
                } else {
                    "Handle"
                };
                (snake(s), self.unique_handle(format!("{resource}{suffix}")))
            }
            Segment::Param(pname) => {
                let list = parent_literal.unwrap_or("item");
                let one = singular(list);
                // `Content` and `Content/{Sid}`: a word that is its own singular would give the
                // list and the item accessor one name; the item one says what it takes.
                let accessor = if snake(&one) == snake(list) {
                    format!("{}_by_{}", bare(&snake(&one)), bare(&snake(pname)))
                } else {
                    snake(&one)
                };
                (accessor, self.unique_handle(format!("{resource}Handle")))
            }
            Segment::Template(t) => {
                // The item's name plus the words of its literal text: `{Sid}:cancel` under
                // `Calls` is `call_cancel(sid)`, `{From}-{To}` under `Rates` is
                // `rate(from, to)`. Siblings that still meet get their parameters' names
                // (see `distinct_item_accessors`).
                let one = singular(parent_literal.unwrap_or("item"));
                let words: Vec<&str> = t
                    .texts()
                    .flat_map(|text| text.split(|c: char| !c.is_ascii_alphanumeric()))
                    .filter(|w| !w.is_empty())
                    .collect();
                let accessor = if words.is_empty() {
                    snake(&one)
                } else {
                    snake(&format!("{one}_{}", words.join("_")))
                };
                (accessor, self.unique_handle(format!("{resource}Handle")))
            }
        };
        let mut ops = Vec::with_capacity(merged.len());
        let mut scopes: Option<Scopes> = None;
        for m in merged {
            scopes = Some(scopes.map_or(m.scopes(), |s| s.union(m.scopes())));
            ops.push(self.finish_op(m));
        }
        let lit = match &segment {
            Segment::Literal(s) => Some(s.clone()),
            _ => None,
        };
        let mut children = Vec::new();
        for ck in child_keys {
            let child = self.build_node(&ck, lit.as_deref(), root_handle);
            scopes = Some(scopes.map_or(child.scopes, |s| s.union(child.scopes)));
            children.push(child);
        }
        distinct_item_accessors(&mut children);
        Node {
            segment,
            kind,
            accessor,
            handle,
            resource,
            scopes: scopes.unwrap_or(Scopes::Both),
            ops,
            children,
        }
    }

    /// The template at the end of `key`, read from the spec text of an operation at or under
    /// it (a node exists because some path reaches it).
    fn template_at(&self, key: &[String], merged: &[MergedOp]) -> Segment {
        let at = key.len() - 1;
        let under = self
            .nodes
            .range(key.to_vec()..)
            .take_while(|(k, _)| k.starts_with(key))
            .flat_map(|(_, ops)| ops);
        merged
            .iter()
            .chain(under)
            .find_map(|m| m.suffix.get(at))
            .and_then(|raw| Segment::parse(raw).ok())
            // Unreachable with a key built from the spec; a literal keeps the path as it is.
            .unwrap_or_else(|| Segment::Literal(key[at].clone()))
    }

    fn finish_op(&mut self, m: MergedOp) -> Operation {
        let primary = m.variants.primary().operation_id.clone();
        let (verb, _) = strip_verb(&primary);
        let name = if verb.is_empty() {
            snake(&primary)
        } else {
            verb.to_lowercase()
        };
        let mut params = Vec::with_capacity(m.params.len());
        for p in &m.params {
            // A header's setter and type share one name (names.rs `header_words`); other
            // parameters' types are named after their resource.
            let (name_source, ctx) = match p.location {
                Location::Header => {
                    let words = header_name_source(p, &m.params, self.vendor.as_deref());
                    (words, camel(words))
                }
                _ if p.ty.takes_its_name_from_its_use() => (
                    p.wire.as_str(),
                    self.offered_name(&p.origin, compound(&m.resource, &p.wire)),
                ),
                // Nothing is defined, so no name is read.
                _ => (p.wire.as_str(), m.resource.clone()),
            };
            let in_body = matches!(p.location, Location::Json | Location::JsonWhole);
            self.naming_input = in_body;
            let ty = self.param_ty(&p.ty, p.location, &ctx, &p.doc);
            self.naming_input = false;
            if p.location != Location::Header {
                self.note_use(&p.origin, &ctx, &ty);
            }
            if in_body {
                self.mark_input(&ty);
            }
            params.push(Param {
                wire: p.wire.clone(),
                rust: crate::names::param_name(name_source),
                location: p.location,
                ty,
                required: p.required,
                scopes: p.scopes,
                doc: p.doc.clone(),
            });
        }
        let response = match m.response {
            RawResponse::Empty => ResponseKind::Empty,
            RawResponse::One(t) => ResponseKind::One(self.response_ty(&m.resource, &t)),
            RawResponse::Redirect(t) => {
                ResponseKind::Redirect(t.map(|t| self.response_ty(&m.resource, &t)))
            }
            RawResponse::List { key, item, paging } => ResponseKind::List {
                item: self.response_ty(&m.resource, &item),
                key,
                paging,
            },
            RawResponse::Accepted(body) => {
                ResponseKind::LongRunning(self.long_running(&m.resource, &body))
            }
            RawResponse::Outcomes(outcomes) => ResponseKind::Outcomes(
                outcomes
                    .into_iter()
                    .map(|(status, o)| {
                        let variant = outcome_variant(status);
                        let body = match o {
                            RawOutcome::Empty => OutcomeBody::Empty,
                            RawOutcome::One(Payload::ResourceModel) => {
                                OutcomeBody::One(Ty::Model(m.resource.clone()))
                            }
                            // Not the resource: a type named for the resource and the status.
                            RawOutcome::One(Payload::Other(t)) => OutcomeBody::One(self.ty(
                                &t,
                                &format!("{}{variant}", m.resource),
                                "",
                            )),
                            RawOutcome::Accepted(body) => {
                                OutcomeBody::LongRunning(self.long_running(&m.resource, &body))
                            }
                        };
                        Outcome {
                            status,
                            variant,
                            body,
                        }
                    })
                    .collect(),
            ),
        };
        if let (true, ResponseKind::One(ty)) = (m.reports_operation, &response) {
            self.operation_state.get_or_insert_with(|| ty.clone());
        }
        let idempotency_key = self.idempotency_key_header.as_deref().and_then(|header| {
            params
                .iter()
                .find(|p| p.location == Location::Header && p.wire.eq_ignore_ascii_case(header))
                .map(|p| p.wire.clone())
        });
        Operation {
            method: m.method,
            name,
            builder: camel(&primary),
            variants: m.variants,
            doc: m.doc,
            params,
            body: m.body,
            response,
            idempotency_key,
        }
    }
}

/// Items of one collection reached by several segment shapes (`Rates/{Sid}` and
/// `Rates/{From}-{To}`) whose accessors came out alike: a whole-segment parameter keeps its
/// name, a template is told apart by its parameters (`rate_by_from_to`), then by a number.
/// Two templates that differ only in literal text (`{Sid}:start`, `{Sid}:stop`) already differ
/// by their text's words.
fn distinct_item_accessors(children: &mut [Node]) {
    let mut taken: std::collections::BTreeSet<String> = children
        .iter()
        .filter(|c| !matches!(c.segment, Segment::Template(_)))
        .map(|c| c.accessor.clone())
        .collect();
    for c in children.iter_mut() {
        let Segment::Template(t) = &c.segment else {
            continue;
        };
        if taken.insert(c.accessor.clone()) {
            continue;
        }
        let params: Vec<&str> = t.params().collect();
        let by = format!("{}_by_{}", bare(&c.accessor), params.join("_"));
        let mut name = snake(&by);
        let mut n = 2;
        while !taken.insert(name.clone()) {
            name = snake(&format!("{by}_{n}"));
            n += 1;
        }
        c.accessor = name;
    }
}

/// What a header's names are built from: its [`header_words`], unless that shorter name is one
/// another parameter of the operation already has (`X-Twilio-Mode` next to a `Mode` field, or
/// next to `X-Mode`), in which case the header keeps its whole name.
fn header_name_source<'a>(
    header: &'a crate::raw::RawParam,
    all: &[crate::raw::RawParam],
    vendor: Option<&str>,
) -> &'a str {
    let short = header_words(&header.wire, vendor);
    let short_name = crate::names::param_name(short);
    let clash = all.iter().filter(|q| q.wire != header.wire).any(|q| {
        crate::names::param_name(&q.wire) == short_name
            || (q.location == Location::Header
                && crate::names::param_name(header_words(&q.wire, vendor)) == short_name)
    });
    if clash {
        &header.wire
    } else {
        short
    }
}

/// Whether the UpperCamel `name` starts with the word or words `prefix` (`MediaList` with
/// `Media`, not `Mediation`).
fn starts_with_word(name: &str, prefix: &str) -> bool {
    name.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(|c: char| c.is_ascii_uppercase()))
}

/// The enum variant of a success status: its reason phrase where it has a common one.
fn outcome_variant(status: u16) -> String {
    match status {
        200 => "Ok".to_string(),
        201 => "Created".to_string(),
        202 => "Accepted".to_string(),
        204 => "NoContent".to_string(),
        other => format!("Status{other}"),
    }
}

impl Builder {
    /// The type of an accepted operation's answer: named for the component it was reached
    /// through (its dotted prefix dropped: `conversations.v2.operation_accepted` gives
    /// `OperationAccepted`), else `<Resource>Accepted`.
    fn accepted_ty(&mut self, resource: &str, body: &AcceptedBody) -> Ty {
        let name = body
            .component
            .as_deref()
            .and_then(|c| c.rsplit('.').next())
            .map(camel)
            .unwrap_or_else(|| format!("{resource}Accepted"));
        self.ty(&body.ty, &name, "")
    }

    /// A long-running operation's types; its state is the accepted type until
    /// [`set_operation_state`] has seen the whole tree.
    fn long_running(&mut self, resource: &str, body: &AcceptedBody) -> LongRunning {
        let accepted = self.accepted_ty(resource, body);
        LongRunning {
            state: accepted.clone(),
            accepted,
        }
    }
}

/// Every long-running operation's state becomes `state`: the answer of the spec's
/// operation-status endpoint, found once the whole tree is built.
pub(super) fn set_operation_state(node: &mut Node, state: &Ty) {
    for op in &mut node.ops {
        match &mut op.response {
            ResponseKind::LongRunning(lr) => lr.state = state.clone(),
            ResponseKind::Outcomes(outcomes) => {
                for o in outcomes {
                    if let OutcomeBody::LongRunning(lr) = &mut o.body {
                        lr.state = state.clone();
                    }
                }
            }
            _ => {}
        }
    }
    for child in &mut node.children {
        set_operation_state(child, state);
    }
}
