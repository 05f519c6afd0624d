//! The resource tree: one node per path suffix, with handle, accessor and operation names.

use super::merge::MergedOp;
use super::{strip_verb, Builder};
use crate::ir::*;
use crate::names::{bare, camel, compound, singular, snake};
use crate::raw::RawResponse;

impl Builder {
    fn unique_handle(&mut self, base: String) -> String {
        let mut name = base.clone();
        let mut n = 2;
        while !self.handle_names.insert(name.clone()) {
            name = format!("{base}{n}");
            n += 1;
        }
        name
    }

    pub(super) fn build_tree(&mut self) -> Node {
        // Make sure every ancestor of a node exists.
        let keys: Vec<Vec<String>> = self.nodes.keys().cloned().collect();
        for k in keys {
            for n in 0..k.len() {
                self.nodes.entry(k[..n].to_vec()).or_default();
            }
        }
        self.nodes.entry(Vec::new()).or_default();
        self.handle_names.insert("ServiceHandle".into());
        self.build_node(&[], None)
    }

    fn build_node(&mut self, key: &[String], parent_literal: Option<&str>) -> Node {
        let merged = self.nodes.remove(key).unwrap_or_default();
        let child_keys: Vec<Vec<String>> = self
            .nodes
            .keys()
            .filter(|k| k.len() == key.len() + 1 && k.starts_with(key))
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
            Some(s) => Segment::Literal(s.clone()),
        };
        let last_literal = match &segment {
            Segment::Literal(s) => Some(s.as_str()),
            _ => parent_literal,
        };
        let resource = merged
            .iter()
            .find(|m| m.scopes.has_default())
            .or(merged.first())
            .map(|m| m.resource.clone())
            .unwrap_or_else(|| camel(&singular(last_literal.unwrap_or("Api"))));
        let is_list = merged
            .iter()
            .any(|m| matches!(m.response, RawResponse::List { .. }));
        let has_param_child = child_keys
            .iter()
            .any(|k| k.last().is_some_and(|s| s == "{}"));
        let (accessor, handle) = match &segment {
            Segment::Root => (String::new(), "ServiceHandle".to_string()),
            Segment::Literal(s) => {
                let suffix = if is_list || has_param_child {
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
        };
        let mut ops = Vec::with_capacity(merged.len());
        let mut scopes: Option<Scopes> = None;
        for m in merged {
            scopes = Some(scopes.map_or(m.scopes, |s| s.union(m.scopes)));
            ops.push(self.finish_op(m));
        }
        let lit = match &segment {
            Segment::Literal(s) => Some(s.clone()),
            _ => None,
        };
        let mut children = Vec::new();
        for ck in child_keys {
            let child = self.build_node(&ck, lit.as_deref());
            scopes = Some(scopes.map_or(child.scopes, |s| s.union(child.scopes)));
            children.push(child);
        }
        Node {
            segment,
            accessor,
            handle,
            resource,
            scopes: scopes.unwrap_or(Scopes::Both),
            ops,
            children,
        }
    }

    fn finish_op(&mut self, m: MergedOp) -> Operation {
        let primary = m.ids.first().map(|(_, id)| id.clone()).unwrap_or_default();
        let (verb, _) = strip_verb(&primary);
        let name = if verb.is_empty() {
            snake(&primary)
        } else {
            verb.to_lowercase()
        };
        let mut params = Vec::with_capacity(m.params.len());
        for p in &m.params {
            let ctx = match p.location {
                Location::Header => camel(p.wire.strip_prefix("X-Twilio-").unwrap_or(&p.wire)),
                _ => compound(&m.resource, &p.wire),
            };
            let ty = self.ty(&p.ty, &ctx, &p.doc);
            if matches!(p.location, Location::Json | Location::JsonWhole) {
                self.mark_input(&ty);
            }
            params.push(Param {
                wire: p.wire.clone(),
                rust: crate::names::param_name(&p.wire),
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
            RawResponse::List { key, item } => ResponseKind::List {
                item: self.response_ty(&m.resource, &item),
                key,
            },
        };
        Operation {
            method: m.method,
            name,
            builder: camel(&primary),
            ids: m.ids,
            scopes: m.scopes,
            default_path: m.default_path,
            service_path: m.service_path,
            doc: m.doc,
            params,
            json_media_type: m.json_media_type,
            binary_media_type: m.binary_media_type,
            response,
        }
    }
}
