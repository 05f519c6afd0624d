//! The frame every handle and builder is built in: the struct, its constructor and its impl
//! blocks, one per scope where the items differ by scope ([`Ctx`]).

use super::runtime::SCOPE;
use super::text::{doc, ident};
use crate::ir::{ScopeNames, ScopeWords, Scopes};
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::BTreeMap;

/// Which impl block an item goes to.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ctx {
    /// `impl<S: Scope> X<S>`: serves both scopes.
    Generic,
    /// `impl X<DefaultScope>`, the type of the top-level scope (or the `Client`).
    Top,
    /// `impl X<ServiceScope>`, the type of the item scope (or the `ServiceHandle`).
    Item,
    /// `impl X` for a handle that exists in one scope only.
    Plain,
}

pub(crate) fn ctx_for(scopes: Scopes) -> Ctx {
    match scopes {
        Scopes::Both => Ctx::Generic,
        Scopes::Top => Ctx::Top,
        Scopes::Item => Ctx::Item,
    }
}

/// `H<S>`, `H<DefaultScope>`, `H<ServiceScope>` or `H`, for a type that is generic when `generic`.
pub(crate) fn type_in(name: &str, generic: bool, ctx: Ctx, names: &ScopeNames) -> TokenStream {
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

pub(crate) fn struct_def(
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

pub(crate) fn constructor(generic: bool, field: TokenStream, arg: TokenStream) -> TokenStream {
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

pub(crate) fn impl_blocks(
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
