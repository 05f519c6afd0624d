//! The per-resource files: which nodes of the resource tree go to which file, what each file
//! exports, and each node's handle with the builders of its operations.

use super::accessors::{child_accessors, pass_through};
use super::operations::{builder, op_starter};
use super::root::has_scope_handle;
use super::runtime::node_type;
use super::scaffold::{constructor, ctx_for, impl_blocks, struct_def, Ctx};
use super::text::doc;
use crate::ir::{Api, Node, NodeKind, ScopeNames, ScopePair, Scopes, Segment};
use crate::names::{bare, snake};
use crate::prose::and_list;
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::BTreeMap;

/// The public types of the handle files by kind, each with the module (file stem) it is in:
/// what the crate's `handles` and `builders` modules re-export.
#[derive(Debug, Default, Clone)]
pub(crate) struct Exports {
    pub handles: Vec<(String, String)>,
    pub builders: Vec<(String, String)>,
}

/// The handle files without a token built: each file's nodes in tree order (a file gathers
/// every node of one resource name; nodes that only pass through to their children get no
/// file), and what those nodes and `root.rs` export. `entry`: the accessor of a module's API
/// (see [`super::Part`]), whose resource file named like the module is named apart from it.
pub(crate) fn layout<'a>(
    api: &'a Api,
    entry: Option<&str>,
) -> (BTreeMap<String, Vec<&'a Node>>, Exports) {
    let mut layout = Layout {
        entry,
        files: BTreeMap::new(),
        exports: Exports::default(),
    };
    if has_scope_handle(api) {
        layout
            .exports
            .handles
            .push(("root".into(), api.root.handle.clone()));
    }
    for op in &api.root.ops {
        layout
            .exports
            .builders
            .push(("root".into(), op.builder.clone()));
    }
    for child in &api.root.children {
        layout.walk(child);
    }
    (layout.files, layout.exports)
}

/// The handle files under way.
struct Layout<'a, 'e> {
    entry: Option<&'e str>,
    files: BTreeMap<String, Vec<&'a Node>>,
    exports: Exports,
}

impl<'a> Layout<'a, '_> {
    fn walk(&mut self, node: &'a Node) {
        if !pass_through(node) {
            let stem = self.stem(&node.resource);
            self.exports
                .handles
                .push((stem.clone(), node.handle.clone()));
            for op in &node.ops {
                self.exports
                    .builders
                    .push((stem.clone(), op.builder.clone()));
            }
            self.files
                .entry(format!("{stem}.rs"))
                .or_default()
                .push(node);
        }
        for c in &node.children {
            self.walk(c);
        }
    }

    /// The file (module) name of a resource: its snake-case name, but not the name of the
    /// module the files are in (`media/media.rs` would be a module inside one of its own
    /// name): that one is `<name>_resource`.
    fn stem(&self, resource: &str) -> String {
        let stem = bare(&snake(resource)).to_string();
        match self.entry {
            Some(entry) if bare(entry) == stem => format!("{stem}_resource"),
            _ => stem,
        }
    }
}

/// What a handle is: a collection, one item of one, or one resource; and what acts on it.
fn handle_doc(node: &Node) -> String {
    let resource = &node.resource;
    let ops: Vec<String> = node
        .ops
        .iter()
        .map(|op| format!("`{}`", bare(&op.name)))
        .collect();
    let act = if ops.len() == 1 { "acts" } else { "act" };
    match (&node.kind, &node.segment) {
        (NodeKind::Collection, Segment::Literal(lit)) => {
            let acts = if ops.is_empty() {
                String::new()
            } else {
                format!(": {} {act} on the collection as a whole", and_list(&ops))
            };
            let items: Vec<String> = node
                .children
                .iter()
                .filter(|c| matches!(c.kind, NodeKind::Item { .. }))
                .map(|c| format!("`{}`", c.handle))
                .collect();
            let item = if items.is_empty() {
                String::new()
            } else {
                format!(" One item of it: {}.", items.join(" or "))
            };
            format!("Handle on the `{resource}` collection (`.../{lit}`){acts}.{item}")
        }
        (NodeKind::Item { collection }, segment) => {
            let (shown, by) = match segment {
                Segment::Param(p) => (format!("{{{p}}}"), vec![format!("`{p}`")]),
                Segment::Template(t) => (
                    t.to_string(),
                    t.params().map(|p| format!("`{p}`")).collect(),
                ),
                Segment::Root | Segment::Literal(_) => (String::new(), Vec::new()),
            };
            let path = match collection {
                Some(lit) => format!(".../{lit}/{shown}"),
                None => format!(".../{shown}"),
            };
            let acts = if ops.is_empty() {
                String::new()
            } else {
                format!(": {} {act} on that one", and_list(&ops))
            };
            format!(
                "Handle on one `{resource}` (`{path}`), chosen by its {}{acts}.",
                and_list(&by)
            )
        }
        _ => format!("Handle on the `{resource}` resource."),
    }
}

/// The handle of `node` and the builders of its operations. `pair`: the API has two scopes, so
/// handle docs say which one a handle serves.
pub(crate) fn node_tokens(
    node: &Node,
    pair: Option<&ScopePair>,
    names: &ScopeNames,
) -> TokenStream {
    let generic = node.scopes == Scopes::Both;
    let node_ty = node_type();
    let ctx_of = |s: Scopes| if generic { ctx_for(s) } else { Ctx::Plain };
    let where_ = match (pair, node.scopes) {
        (None, _) => String::new(),
        (Some(p), Scopes::Both) => format!(
            "Serves both {} (`client.…`) and {} (`client.{}(sid).…`); the type parameter says \
             which.",
            names.top.place, names.item.place, p.accessor
        ),
        (Some(_), Scopes::Top) => format!("Exists in the {} only.", names.top.scope),
        (Some(p), Scopes::Item) => format!(
            "Exists in the {} only (`client.{}(sid).…`).",
            names.item.scope, p.accessor
        ),
    };
    let docs = doc(&[&handle_doc(node), &where_]);
    let mut out = struct_def(
        &node.handle,
        generic,
        docs,
        quote!(node: #node_ty,),
        false,
        names,
    );
    let mut items: Vec<(Ctx, TokenStream)> = Vec::new();
    for op in &node.ops {
        items.push((
            ctx_of(op.scopes()),
            op_starter(op, ctx_of(op.scopes()), names),
        ));
    }
    items.extend(child_accessors(node, &quote!(self.node), ctx_of, names));
    let ctor = constructor(generic, quote!(node), quote!(node: #node_ty));
    out.extend(impl_blocks(&node.handle, generic, items, ctor, names));
    for op in &node.ops {
        out.extend(builder(op, names));
    }
    out
}
