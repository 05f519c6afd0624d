//! Accessor methods: how a handle leads to the handles of the resources under it.

use super::runtime::PATH_PIECE;
use super::scaffold::{type_in, Ctx};
use super::text::{doc, ident};
use crate::ir::{Node, Piece, ScopeNames, Scopes, Segment, Template};
use crate::names::snake;
use proc_macro2::TokenStream;
use quote::quote;

/// A literal node with no operation of its own whose children are all parameters
/// (`/v1/Credentials` when only `/v1/Credentials/{Sid}` has operations): its children are
/// reached straight from its parent (`client.credential(sid)`), so it gets neither a handle nor
/// an accessor, which would lead to nothing.
pub(crate) fn pass_through(node: &Node) -> bool {
    matches!(node.segment, Segment::Literal(_))
        && node.ops.is_empty()
        && node
            .children
            .iter()
            .all(|c| matches!(c.segment, Segment::Param(_) | Segment::Template(_)))
}

/// How an accessor on a node's handle reaches the node it returns.
enum Route<'a> {
    /// `.../Lit`: the literal child itself.
    Literal { lit: &'a str },
    /// `.../{Param}` or `.../Lit/{Param}`: one item by its parameter, the literal (when there
    /// is one) being the child the item is under, reached straight from its parent.
    Param {
        under: Option<&'a str>,
        param: &'a str,
    },
    /// `.../{From}-{To}` or `.../Lit/{From}-{To}`: one item by a segment template.
    Template {
        under: Option<&'a str>,
        template: &'a Template,
    },
}

/// An accessor on a node's handle: where it leads and how.
struct Accessor<'a> {
    target: &'a Node,
    route: Route<'a>,
}

/// The accessors on the handle of `node`, in tree order: a literal child (unless it only
/// passes through, see [`pass_through`]) and the items under it, or a parameter or template
/// child of a node that is not itself a literal (one under a literal is reached from the
/// literal's parent).
fn accessors(node: &Node) -> Vec<Accessor<'_>> {
    fn item<'a>(target: &'a Node, under: Option<&'a str>) -> Option<Accessor<'a>> {
        match &target.segment {
            Segment::Param(param) => Some(Accessor {
                target,
                route: Route::Param { under, param },
            }),
            Segment::Template(template) => Some(Accessor {
                target,
                route: Route::Template { under, template },
            }),
            Segment::Root | Segment::Literal(_) => None,
        }
    }
    let mut out = Vec::new();
    for c in &node.children {
        match &c.segment {
            Segment::Literal(lit) => {
                if !pass_through(c) {
                    out.push(Accessor {
                        target: c,
                        route: Route::Literal { lit },
                    });
                }
                out.extend(c.children.iter().filter_map(|p| item(p, Some(lit))));
            }
            _ if matches!(node.segment, Segment::Literal(_)) => {}
            _ => out.extend(item(c, None)),
        }
    }
    out
}

/// The nodes the accessors on the handle of `node` lead to.
pub(crate) fn reached(node: &Node) -> impl Iterator<Item = &Node> {
    accessors(node).into_iter().map(|a| a.target)
}

/// Accessor methods for the children of `node`, with the scopes each exists in.
pub(crate) fn child_accessors(
    node: &Node,
    base: &TokenStream,
    ctx_of: impl Fn(Scopes) -> Ctx,
    names: &ScopeNames,
) -> Vec<(Ctx, TokenStream)> {
    accessors(node)
        .into_iter()
        .map(|a| {
            let ctx = ctx_of(a.target.scopes);
            (ctx, accessor_tokens(&a, base, ctx, names))
        })
        .collect()
}

/// One accessor method; `base` is the node of the handle it is on.
fn accessor_tokens(
    a: &Accessor<'_>,
    base: &TokenStream,
    ctx: Ctx,
    names: &ScopeNames,
) -> TokenStream {
    let c = a.target;
    let name = ident(&c.accessor);
    let ret = type_in(&c.handle, c.scopes == Scopes::Both, ctx, names);
    let handle = ident(&c.handle);
    match a.route {
        Route::Literal { lit } => {
            let d = doc(&[&format!(
                "The `{}` resources under this path (`.../{lit}`).",
                c.resource
            )]);
            quote! {
                #d
                pub fn #name(&self) -> #ret {
                    #handle::new(#base.child(#lit))
                }
            }
        }
        Route::Param { under, param } => {
            let arg = ident(&snake(param));
            let (d, parent) = match under {
                Some(lit) => (
                    format!(
                        "One `{}` by its `{param}` (`.../{lit}/{{{param}}}`).",
                        c.resource
                    ),
                    quote!(#base.child(#lit)),
                ),
                None => (
                    format!("One `{}` by its `{param}`.", c.resource),
                    quote!(#base),
                ),
            };
            let d = doc(&[&d]);
            quote! {
                #d
                pub fn #name(&self, #arg: impl AsRef<str>) -> #ret {
                    #handle::new(#parent.param(#arg.as_ref()))
                }
            }
        }
        Route::Template { under, template } => {
            let (shown, parent) = match under {
                Some(lit) => (format!(".../{lit}/{template}"), quote!(#base.child(#lit))),
                None => (format!(".../{template}"), quote!(#base)),
            };
            template_accessor(c, template, &parent, &shown, ctx, names)
        }
    }
}

/// The accessor of an item addressed by a segment [`Template`]: one argument per parameter, in
/// template order, each value checked and percent-encoded by the runtime; the text between is
/// sent as the spec writes it. `parent` is the node the segment is appended to, `shown` the
/// path the docs show.
fn template_accessor(
    item: &Node,
    t: &Template,
    parent: &TokenStream,
    shown: &str,
    ctx: Ctx,
    names: &ScopeNames,
) -> TokenStream {
    let name = ident(&item.accessor);
    let ret = type_in(&item.handle, item.scopes == Scopes::Both, ctx, names);
    let handle = ident(&item.handle);
    // Two parameter names that snake-case alike (`FromSid`, `from_sid`) still get two arguments.
    let mut taken = std::collections::BTreeSet::new();
    let mut args = Vec::new();
    let mut pieces = Vec::new();
    for piece in t.pieces() {
        match piece {
            Piece::Text(text) => pieces.push(quote!(#PATH_PIECE::Text(#text))),
            Piece::Param(pname) => {
                let base = snake(pname);
                let mut arg = base.clone();
                let mut n = 2;
                while !taken.insert(arg.clone()) {
                    arg = format!("{}_{n}", crate::names::bare(&base));
                    n += 1;
                }
                let arg = ident(&arg);
                args.push(quote!(#arg: impl AsRef<str>));
                pieces.push(quote!(#PATH_PIECE::Value(#arg.as_ref())));
            }
        }
    }
    let names: Vec<String> = t.params().map(|p| format!("`{p}`")).collect();
    let d = doc(&[&format!(
        "One `{}` by its {} (`{shown}`).",
        item.resource,
        names.join(" and ")
    )]);
    quote! {
        #d
        pub fn #name(&self, #(#args),*) -> #ret {
            #handle::new(#parent.segment(&[#(#pieces),*]))
        }
    }
}
