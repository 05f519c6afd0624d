//! `root.rs`: the API's server, the client's accessors (or a module's entry handle), and the
//! handle on one item of the scope collection.

use super::accessors::{child_accessors, reached};
use super::operations::{builder, op_starter};
use super::runtime::{node_type, API_CLIENT, NODE};
use super::scaffold::Ctx;
use super::text::{doc, ident};
use crate::ir::{Api, ScopePair, Segment};
use proc_macro2::TokenStream;
use quote::quote;

/// Whether `root.rs` has the handle on one item of the scope collection (`ServiceHandle`): the
/// API has a scope pair, and the item scope holds something, the root's own operations (fetch
/// or delete one service) or a resource reached from there. Known from the IR alone, before
/// anything is emitted.
pub(crate) fn has_scope_handle(api: &Api) -> bool {
    api.scope_pair.is_some()
        && (!api.root.ops.is_empty() || reached(&api.root).any(|node| node.scopes.has_item()))
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
    child_accessors(item, &base, |_| Ctx::Plain, &api.scope_names())
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
    let names = api.scope_names();
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
