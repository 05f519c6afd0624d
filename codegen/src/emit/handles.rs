//! Resource handles (one per node of the resource tree) and request builders (one per operation).

use super::runtime::{
    node_type, API_CLIENT, BINARY_BODY, ERROR, METHOD, NODE, PAGE, PATH_PIECE, REDIRECT, REQUEST,
    RESPONSE, SCOPE, STREAM, TO_PARAM,
};
use super::text::{doc, ident};
use super::types::{param_scope_note, rust_ty};
use crate::ir::{
    Api, Location, Method, Node, Operation, Param, Piece, RequestBody, ResponseKind, ScopeNames,
    ScopePair, ScopeWords, Scoped, Scopes, Segment, Template, Ty, Variant,
};
use crate::names::snake;
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::BTreeMap;

/// Which impl block an item goes to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    /// `impl<S: Scope> X<S>`: serves both scopes.
    Generic,
    /// `impl X<DefaultScope>`, the type of the top-level scope (or the `Client`).
    Top,
    /// `impl X<ServiceScope>`, the type of the item scope (or the `ServiceHandle`).
    Item,
    /// `impl X` for a handle that exists in one scope only.
    Plain,
}

fn ctx_for(scopes: Scopes) -> Ctx {
    match scopes {
        Scopes::Both => Ctx::Generic,
        Scopes::Top => Ctx::Top,
        Scopes::Item => Ctx::Item,
    }
}

/// `H<S>`, `H<DefaultScope>`, `H<ServiceScope>` or `H`, for a type that is generic when `generic`.
fn type_in(name: &str, generic: bool, ctx: Ctx, names: &ScopeNames) -> TokenStream {
    let name = ident(name);
    if !generic {
        return quote!(#name);
    }
    match ctx {
        Ctx::Generic => quote!(#name<S>),
        Ctx::Top | Ctx::Plain => scope_type(&name, &names.top),
        Ctx::Item => scope_type(&name, &names.item),
    }
}

/// `H<crate::scope::T>` for the type `T` that names one scope (`DefaultScope`), defined in the
/// generated `scope` module ([`super::scope_types`]).
fn scope_type(name: &proc_macro2::Ident, words: &ScopeWords) -> TokenStream {
    let scope = ident(&words.type_name);
    quote!(#name<crate::scope::#scope>)
}

/// The public types of the handle files by kind, each with the module (file stem) it is in:
/// what the crate's `handles` and `builders` modules re-export.
#[derive(Debug, Default, Clone)]
pub(crate) struct Exports {
    pub handles: Vec<(String, String)>,
    pub builders: Vec<(String, String)>,
}

/// The handle files without a token built: each file's nodes in tree order (a file gathers
/// every node of one resource name; nodes that only pass through to their children get no
/// file), and what those nodes and `root.rs` export.
pub(crate) fn layout(api: &Api) -> (BTreeMap<String, Vec<&Node>>, Exports) {
    let mut files: BTreeMap<String, Vec<&Node>> = BTreeMap::new();
    let mut exports = Exports::default();
    if has_scope_handle(api) {
        exports
            .handles
            .push(("root".into(), api.root.handle.clone()));
    }
    for op in &api.root.ops {
        exports.builders.push(("root".into(), op.builder.clone()));
    }
    for child in &api.root.children {
        walk(child, &mut files, &mut exports);
    }
    (files, exports)
}

/// The words for the two scopes: the pair's, or (for an API with one scope, where no doc names
/// a scope) the neutral ones.
pub(crate) fn scope_names(api: &Api) -> ScopeNames {
    api.scope_pair
        .as_ref()
        .map(|p| p.names.clone())
        .unwrap_or_default()
}

fn walk<'a>(node: &'a Node, files: &mut BTreeMap<String, Vec<&'a Node>>, exports: &mut Exports) {
    if !pass_through(node) {
        let stem = crate::names::bare(&snake(&node.resource)).to_string();
        exports.handles.push((stem.clone(), node.handle.clone()));
        for op in &node.ops {
            exports.builders.push((stem.clone(), op.builder.clone()));
        }
        files.entry(format!("{stem}.rs")).or_default().push(node);
    }
    for c in &node.children {
        walk(c, files, exports);
    }
}

/// A literal node with no operation of its own whose children are all parameters
/// (`/v1/Credentials` when only `/v1/Credentials/{Sid}` has operations): its children are
/// reached straight from its parent (`client.credential(sid)`), so it gets neither a handle nor
/// an accessor, which would lead to nothing.
fn pass_through(node: &Node) -> bool {
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

/// Whether `root.rs` has the handle on one item of the scope collection (`ServiceHandle`): the
/// API has a scope pair, and the item scope holds something, the root's own operations (fetch
/// or delete one service) or a resource reached from there. Known from the IR alone, before
/// anything is emitted.
pub(crate) fn has_scope_handle(api: &Api) -> bool {
    api.scope_pair.is_some()
        && (!api.root.ops.is_empty()
            || accessors(&api.root)
                .iter()
                .any(|a| a.target.scopes.has_item()))
}

/// Accessor methods for the children of `node`, with the scopes each exists in.
fn child_accessors(
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

/// Like [`param_value`] for a JSON body field: the value keeps its type and serde writes it.
fn json_value(p: &Param, v: &proc_macro2::Ident) -> (TokenStream, TokenStream, TokenStream) {
    let setter = if p.location == Location::JsonWhole {
        quote!(json_whole)
    } else {
        quote!(json)
    };
    match &p.ty {
        Ty::String => (
            quote!(impl Into<String>),
            quote!(Into::<String>::into(#v)),
            setter,
        ),
        Ty::Array(item) if **item == Ty::String => (
            quote!(impl IntoIterator<Item = impl Into<String>>),
            quote!(#v.into_iter().map(Into::into).collect::<Vec<String>>()),
            setter,
        ),
        other => {
            let t = rust_ty(other);
            (quote!(#t), quote!(#v), setter)
        }
    }
}

fn method_tokens(m: Method) -> TokenStream {
    match m {
        Method::Get => quote!(#METHOD::GET),
        Method::Post => quote!(#METHOD::POST),
        Method::Put => quote!(#METHOD::PUT),
        Method::Patch => quote!(#METHOD::PATCH),
        Method::Delete => quote!(#METHOD::DELETE),
    }
}

/// `(argument type, value expression, runtime setter)` for a parameter value `v`.
fn param_value(p: &Param, v: &proc_macro2::Ident) -> (TokenStream, TokenStream, TokenStream) {
    let (single, many) = match p.location {
        Location::Query => (quote!(query), quote!(query_all)),
        Location::Header => (quote!(header), quote!(header_all)),
        Location::Form => (quote!(form), quote!(form_all)),
        Location::Json | Location::JsonWhole => return json_value(p, v),
        // Bytes or a stream, with the content type the runtime's `BinaryBody` carries.
        Location::Binary => {
            return (
                quote!(impl Into<#BINARY_BODY>),
                quote!(#v.into()),
                quote!(binary),
            )
        }
    };
    match &p.ty {
        Ty::String => (quote!(impl Into<String>), quote!(#v.into()), single),
        Ty::Array(item) if **item == Ty::String => (
            quote!(impl IntoIterator<Item = impl Into<String>>),
            quote!(#v.into_iter().map(Into::into).collect()),
            many,
        ),
        Ty::Array(item) => {
            let t = rust_ty(item);
            (
                quote!(impl IntoIterator<Item = #t>),
                quote!(#v.into_iter().map(|x| #TO_PARAM::to_param(&x)).collect()),
                many,
            )
        }
        other => {
            let t = rust_ty(other);
            (quote!(#t), quote!(#TO_PARAM::to_param(&#v)), single)
        }
    }
}

fn op_doc(op: &Operation) -> String {
    if op.doc.is_empty() {
        format!("`{}`.", op.variants.primary().operation_id)
    } else {
        op.doc.clone()
    }
}

fn op_paths_doc(op: &Operation) -> String {
    let mut parts = Vec::new();
    for (_, v) in op.variants.iter() {
        parts.push(format!(
            "`{} {}` (`{}`)",
            op.method.as_str(),
            v.path,
            v.operation_id
        ));
    }
    format!("Sends {}.", parts.join(" or "))
}

/// The handle method that starts an operation's builder.
fn op_starter(op: &Operation, ctx: Ctx, names: &ScopeNames) -> TokenStream {
    let name = ident(&op.name);
    let builder = ident(&op.builder);
    let generic = op.scopes() == Scopes::Both;
    let ret = type_in(&op.builder, generic, ctx, names);
    let method = method_tokens(op.method);
    // Each scope's own value of a per-variant fact, picked by the scope type where they differ.
    let per_scope = |fact: fn(&Variant) -> &str| match &op.variants {
        Scoped::Both(both) if fact(&both.top) != fact(&both.item) => {
            let (top, item) = (fact(&both.top), fact(&both.item));
            quote!(<S as #SCOPE>::pick(#top, #item))
        }
        one => {
            let v = fact(one.primary());
            quote!(#v)
        }
    };
    let template = per_scope(|v| &v.path);
    // Text after the last segment (`.json`) is part of every request's path.
    let node = if op.variants.iter().all(|(_, v)| v.trailing.is_empty()) {
        quote!(self.node)
    } else {
        let trailing = per_scope(|v| &v.trailing);
        quote!(self.node.with_trailing(#trailing))
    };
    let required: Vec<&Param> = op.params.iter().filter(|p| p.required).collect();
    let mut args = Vec::new();
    let mut sets = Vec::new();
    match &op.body {
        RequestBody::Json { media_type } => sets.push(quote!(req.json_media_type(#media_type);)),
        RequestBody::Binary { media_type } => {
            sets.push(quote!(req.binary_media_type(#media_type);))
        }
        // A form is sent as its parameters are set.
        RequestBody::None | RequestBody::Form => {}
    }
    for p in &required {
        let v = ident(&p.rust);
        let (ty, expr, setter) = param_value(p, &v);
        let wire = &p.wire;
        args.push(quote!(#v: #ty));
        sets.push(quote!(req.#setter(#wire, #expr);));
    }
    let mut paragraphs = vec![op_doc(op), op_paths_doc(op)];
    if !required.is_empty() {
        let list: Vec<String> = required
            .iter()
            .map(|p| {
                format!(
                    "`{}` ({})",
                    crate::names::bare(&p.rust),
                    if p.doc.is_empty() {
                        p.wire.as_str()
                    } else {
                        p.doc.as_str()
                    }
                )
            })
            .collect();
        paragraphs.push(format!("Required: {}.", list.join("; ")));
    }
    let refs: Vec<&str> = paragraphs.iter().map(String::as_str).collect();
    let d = doc(&refs);
    let mutability = if sets.is_empty() {
        quote!()
    } else {
        quote!(mut)
    };
    quote! {
        #d
        pub fn #name(&self, #(#args),*) -> #ret {
            let #mutability req = #node.request(#method, #template);
            #(#sets)*
            #builder::new(req)
        }
    }
}

fn impl_blocks(
    name: &str,
    generic: bool,
    items: Vec<(Ctx, TokenStream)>,
    extra_generic: TokenStream,
    names: &ScopeNames,
) -> TokenStream {
    let ty = ident(name);
    let mut by_ctx: BTreeMap<u8, Vec<TokenStream>> = BTreeMap::new();
    for (ctx, t) in items {
        let key = match (generic, ctx) {
            (false, _) => 3,
            (true, Ctx::Generic) => 0,
            (true, Ctx::Top) | (true, Ctx::Plain) => 1,
            (true, Ctx::Item) => 2,
        };
        by_ctx.entry(key).or_default().push(t);
    }
    let mut out = TokenStream::new();
    let (top, item) = (scope_type(&ty, &names.top), scope_type(&ty, &names.item));
    if generic {
        let g = by_ctx.remove(&0).unwrap_or_default();
        out.extend(quote! {
            impl<S: #SCOPE> #ty<S> {
                #extra_generic
                #(#g)*
            }
        });
        if let Some(top_items) = by_ctx.remove(&1) {
            let only = doc(&[&format!("Only in the {}.", names.top.scope)]);
            out.extend(quote! {
                #only
                impl #top { #(#top_items)* }
            });
        }
        if let Some(item_items) = by_ctx.remove(&2) {
            let only = doc(&[&format!("Only in the {}.", names.item.scope)]);
            out.extend(quote! {
                #only
                impl #item { #(#item_items)* }
            });
        }
    } else {
        let p = by_ctx.remove(&3).unwrap_or_default();
        out.extend(quote! {
            impl #ty {
                #extra_generic
                #(#p)*
            }
        });
    }
    out
}

fn struct_def(
    name: &str,
    generic: bool,
    docs: TokenStream,
    field: TokenStream,
    must_use: bool,
    names: &ScopeNames,
) -> TokenStream {
    let ty = ident(name);
    let mu = if must_use {
        quote!(#[must_use = "a request does nothing until `.send()` is awaited"])
    } else {
        quote!()
    };
    let top = ident(&names.top.type_name);
    if generic {
        quote! {
            #docs
            #mu
            #[derive(Debug, Clone)]
            pub struct #ty<S = crate::scope::#top> {
                #field
                _scope: std::marker::PhantomData<S>,
            }
        }
    } else {
        quote! {
            #docs
            #mu
            #[derive(Debug, Clone)]
            pub struct #ty {
                #field
            }
        }
    }
}

fn constructor(generic: bool, field: TokenStream, arg: TokenStream) -> TokenStream {
    if generic {
        quote! {
            pub(crate) fn new(#arg) -> Self {
                Self { #field, _scope: std::marker::PhantomData }
            }
        }
    } else {
        quote! {
            pub(crate) fn new(#arg) -> Self {
                Self { #field }
            }
        }
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
    let docs = doc(&[
        &format!("Handle on the `{}` resource.", node.resource),
        &where_,
    ]);
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

fn builder(op: &Operation, names: &ScopeNames) -> TokenStream {
    let generic = op.scopes() == Scopes::Both;
    let docs = doc(&[
        &format!("Request builder for `{}`: {}", op.builder, op_doc(op)),
        "Set optional parameters with the methods of the same name, then `.send().await`.",
    ]);
    let mut out = struct_def(
        &op.builder,
        generic,
        docs,
        quote!(req: #REQUEST,),
        true,
        names,
    );
    let mut items: Vec<(Ctx, TokenStream)> = Vec::new();
    for p in op.params.iter().filter(|p| !p.required) {
        let v = ident("value");
        let (ty, expr, setter) = param_value(p, &v);
        let name = ident(&p.rust);
        let wire = &p.wire;
        let fallback = format!("Sets the `{wire}` {}.", p.location.label());
        let note = if generic {
            param_scope_note(p.scopes, names)
        } else {
            String::new()
        };
        let d = doc(&[if p.doc.is_empty() { &fallback } else { &p.doc }, &note]);
        let ctx = if generic {
            ctx_for(p.scopes)
        } else {
            Ctx::Plain
        };
        items.push((
            ctx,
            quote! {
                #d
                pub fn #name(mut self, #v: #ty) -> Self {
                    self.req.#setter(#wire, #expr);
                    self
                }
            },
        ));
    }
    let send = match &op.response {
        ResponseKind::Empty => quote! {
            /// Send the request; succeeds when the API answers with an empty 2xx.
            pub async fn send(self) -> Result<(), #ERROR> {
                self.req.send_empty().await
            }

            /// [`send`](Self::send), also returning the status, request id and headers
            /// ([`Response`](crate::Response)).
            pub async fn send_with_metadata(self) -> Result<#RESPONSE<()>, #ERROR> {
                self.req.send_empty_with_metadata().await
            }
        },
        ResponseKind::One(ty) => {
            let t = rust_ty(ty);
            quote! {
                /// Send the request and decode the answer.
                pub async fn send(self) -> Result<#t, #ERROR> {
                    self.req.send_json().await
                }

                /// [`send`](Self::send), also returning the status, request id and headers
                /// ([`Response`](crate::Response)).
                pub async fn send_with_metadata(self) -> Result<#RESPONSE<#t>, #ERROR> {
                    self.req.send_json_with_metadata().await
                }
            }
        }
        ResponseKind::Redirect(None) => quote! {
            /// Send the request and return where the API redirects to; the redirect is not
            /// followed.
            pub async fn send(self) -> Result<#REDIRECT, #ERROR> {
                self.req.send_redirect().await
            }
        },
        ResponseKind::Redirect(Some(ty)) => {
            let t = rust_ty(ty);
            quote! {
                /// Send the request and return where the API redirects to, with the redirect's
                /// body; the redirect is not followed.
                pub async fn send(self) -> Result<#REDIRECT<#t>, #ERROR> {
                    self.req.send_redirect_json().await
                }
            }
        }
        ResponseKind::List { key, item } => {
            let t = rust_ty(item);
            quote! {
                /// Fetch the first page; [`Page::next_page`](crate::Page::next_page) fetches the
                /// ones after it.
                pub async fn send(self) -> Result<#PAGE<#t>, #ERROR> {
                    self.req.send_page(#key).await
                }

                /// [`send`](Self::send), also returning the status, request id and headers of
                /// the first page ([`Response`](crate::Response)).
                pub async fn send_with_metadata(
                    self,
                ) -> Result<#RESPONSE<#PAGE<#t>>, #ERROR> {
                    self.req.send_page_with_metadata(#key).await
                }

                /// At most this many items in all, read page by page (`send()`, then
                /// `next_page()`) or as a [`stream`](Self::stream): the page that reaches the
                /// limit is cut there and is the last one, so no page beyond it is requested.
                pub fn limit(mut self, items: usize) -> Self {
                    self.req.limit(items);
                    self
                }

                /// Every item of every page, fetching the next page only when the previous
                /// one is used up (follows `meta.next_page_url` as `next_page()` does).
                pub fn stream(self) -> impl #STREAM<Item = Result<#t, #ERROR>> + Send + 'static {
                    self.req.into_stream(#key)
                }
            }
        }
    };
    items.push((if generic { Ctx::Generic } else { Ctx::Plain }, send));
    let ctor = constructor(generic, quote!(req), quote!(req: #REQUEST));
    out.extend(impl_blocks(&op.builder, generic, items, ctor, names));
    out
}

/// The resources under the implied parent item (`Accounts/{AccountSid}`), reached straight from
/// the client with the item's id from the client: `client.calls()` for
/// `client.account(<the client's account>).calls()`.
fn implied_parent_shortcuts(api: &Api) -> Vec<TokenStream> {
    let Some(parent) = &api.implied_parent else {
        return Vec::new();
    };
    let item = api
        .root
        .children
        .iter()
        .filter(|c| c.segment == Segment::Literal(parent.segment.clone()))
        .flat_map(|c| &c.children)
        .find(|c| matches!(c.segment, Segment::Param(_)));
    let Some(item) = item else {
        return Vec::new();
    };
    let (segment, param) = (&parent.segment, &parent.param);
    let base = quote!(self.root_node().child(#segment).client_param(#param));
    let note = format!(
        "Under the client's own `{param}` (`.../{segment}/{{{param}}}/...`, the value from the \
         client; `{}(sid)` names another).",
        item.accessor
    );
    child_accessors(item, &base, |_| Ctx::Plain, &scope_names(api))
        .into_iter()
        .map(|(_, tokens)| {
            let d = doc(&[&note]);
            quote! {
                #d
                #[doc = ""]
                #tokens
            }
        })
        .collect()
}

/// `client.<accessor>(sid)` and the handle on one scope item: its own operations plus every
/// resource in the second scope. Empty when the scope holds nothing ([`has_scope_handle`]).
fn scope_root(api: &Api, pair: &ScopePair, prefix: &str) -> (TokenStream, TokenStream) {
    if !has_scope_handle(api) {
        return (quote!(), quote!());
    }
    let root = &api.root;
    let node_ty = node_type();
    let item_scope_accessors: Vec<TokenStream> = child_accessors(
        root,
        &quote!(self.node),
        |s| {
            if s.has_item() {
                Ctx::Item
            } else {
                Ctx::Generic
            }
        },
        &pair.names,
    )
    .into_iter()
    .filter(|(c, _)| *c == Ctx::Item)
    .map(|(_, t)| t)
    .collect();
    let root_ops: Vec<TokenStream> = root
        .ops
        .iter()
        .map(|op| op_starter(op, Ctx::Item, &pair.names))
        .collect();
    let segment = &pair.collection.segment;
    let accessor = ident(&pair.accessor);
    let handle = ident(&root.handle);
    let d = doc(&[&format!(
        "Resources of one chosen item of `{prefix}/{segment}` (`{prefix}/{segment}/{{{}}}/...`): \
         the same handle types as on the client, in the {}.",
        pair.collection.param, pair.names.item.scope
    )]);
    let hd = doc(&[&format!(
        "One item of `{prefix}/{segment}`: its own operations plus every resource in the {}.",
        pair.names.item.scope
    )]);
    (
        quote! {
            #d
            pub fn #accessor(&self, sid: impl AsRef<str>) -> #handle {
                #handle {
                    node: self.root_node().child(#segment).param(sid.as_ref()),
                    sid: sid.as_ref().to_string(),
                }
            }
        },
        quote! {
            #hd
            #[derive(Debug, Clone)]
            pub struct #handle {
                node: #node_ty,
                sid: String,
            }

            impl #handle {
                /// The SID this handle was made for, as given.
                pub fn sid(&self) -> &str {
                    &self.sid
                }

                /// The client this handle sends with.
                pub fn client(&self) -> &crate::Client {
                    self.node.client()
                }

                #(#root_ops)*
                #(#item_scope_accessors)*
            }
        },
    )
}

/// `root.rs`. `entry`: `None` for the crate's main API, reached from `Client` itself; `Some(accessor)`
/// for a second API generated into a module of its own and reached through
/// `client.<accessor>()` (see [`crate::generate_module`]).
pub(crate) fn root(api: &Api, entry: Option<&str>) -> TokenStream {
    let prefix = if api.path_prefix.is_empty() {
        String::new()
    } else {
        format!("/{}", api.path_prefix)
    };
    let root = &api.root;
    let node_ty = node_type();
    let names = scope_names(api);
    let mut top_accessors: Vec<TokenStream> = child_accessors(
        root,
        &quote!(self.root_node()),
        |s| {
            if s.has_top() {
                Ctx::Top
            } else {
                Ctx::Generic
            }
        },
        &names,
    )
    .into_iter()
    .filter(|(c, _)| *c == Ctx::Top)
    .map(|(_, t)| t)
    .collect();
    top_accessors.extend(implied_parent_shortcuts(api));
    let builders: Vec<TokenStream> = root.ops.iter().map(|op| builder(op, &names)).collect();
    let base = &api.base_url;
    // Only an API whose spec pairs paths under a scope collection gets the accessor into the
    // second scope, and only when something is there: not a handle that leads nowhere.
    let (scope_accessor, scope_handle) = match &api.scope_pair {
        Some(pair) => scope_root(api, pair, &prefix),
        None => (quote!(), quote!()),
    };
    // A spec without a single operation still gets a client, with nothing to reach.
    let client_impl = if top_accessors.is_empty() && scope_accessor.is_empty() {
        quote!()
    } else if let Some(accessor) = entry {
        // A second API in its own module: an entry handle on the host its spec names, mapped
        // by the client's host rules, instead of methods on the client itself.
        let name = ident(accessor);
        let entry_ty = ident(&format!("{}Api", crate::names::camel(accessor)));
        let d = doc(&[&format!(
            "The {} (`{base}` in its spec; the client's region, edge and host overrides apply).",
            api.title
        )]);
        let ty_doc = doc(&[&format!(
            "Entry to the {}: same credentials, retries and errors as the rest of the client.",
            api.title
        )]);
        quote! {
            impl crate::Client {
                #d
                pub fn #name(&self) -> #entry_ty {
                    #entry_ty {
                        node: #NODE::on_host(self.clone(), BASE_URL, #prefix),
                    }
                }
            }

            #ty_doc
            #[derive(Debug, Clone)]
            pub struct #entry_ty {
                node: #node_ty,
            }

            impl #entry_ty {
                fn root_node(&self) -> #node_ty {
                    self.node.clone()
                }

                #scope_accessor

                #(#top_accessors)*
            }
        }
    } else {
        quote! {
            impl crate::Client {
                fn root_node(&self) -> #node_ty {
                    #NODE::new(self.clone(), #prefix)
                }

                #scope_accessor

                #(#top_accessors)*
            }
        }
    };
    // The crate's own `Client` and `ClientBuilder`, written by the runtime's macro around its
    // shared core; a second API in a module adds an entry to that client instead.
    let client_types = match entry {
        Some(_) => quote!(),
        None => {
            let title = format!("the {}", api.title);
            quote! {
                #API_CLIENT!(client: Client, builder: ClientBuilder, base_url: BASE_URL, title: #title);
            }
        }
    };
    quote! {
        /// The API's server, from the spec.
        pub const BASE_URL: &str = #base;

        #client_types

        #client_impl

        #scope_handle

        #(#builders)*
    }
}
