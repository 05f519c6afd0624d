//! `scope.rs`: the types that stand for the two scopes of a scope pair.

use super::runtime;
use super::text::{doc, ident};
use crate::ir::{ScopeNames, ScopePair};
use proc_macro2::TokenStream;

/// `scope.rs`: the types that stand for the two scopes of a scope pair, named by the spec
/// (`x-scope-names`) or after the pair, implementing the runtime's `Scope`.
pub(crate) fn scope_types(names: &ScopeNames, pair: Option<&ScopePair>) -> TokenStream {
    let scope = runtime::SCOPE;
    let accessor = pair.map_or("item", |p| p.accessor.as_str());
    let (top, item) = (ident(&names.top.type_name), ident(&names.item.type_name));
    let top_doc = doc(&[&format!(
        "The {}: handles reached from the client itself (`client.…`).",
        names.top.scope
    )]);
    let item_doc = doc(&[&format!(
        "The {}: handles reached from `client.{accessor}(sid)`.",
        names.item.scope
    )]);
    quote::quote! {
        pub use #scope;

        #top_doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub struct #top;

        #item_doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub struct #item;

        impl #scope for #top {
            fn pick(top_level: &'static str, _item: &'static str) -> &'static str {
                top_level
            }
        }

        impl #scope for #item {
            fn pick(_top_level: &'static str, item: &'static str) -> &'static str {
                item
            }
        }
    }
}
