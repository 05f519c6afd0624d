//! IR -> token streams, one per generated file.
//!
//! The generated code targets a small hand-written runtime in the client crate:
//! `crate::runtime::{Node, Request, ToParam}`, `crate::{Client, Error, Page, DateTime}`,
//! `crate::scope::{Scope, DefaultScope, ServiceScope}` and the `impl_string_enum!` macro.

mod handles;
pub(crate) mod types;

use crate::ir::Api;
use proc_macro2::{Ident, Span, TokenStream};
use std::collections::BTreeMap;

/// Token streams by file name (relative to `src/generated/`). `events.rs` is always there:
/// without an events spec it holds a `WebhookEvent` that only knows `Unknown`.
pub fn emit(api: &Api, events: Option<&crate::events::Events>) -> BTreeMap<String, TokenStream> {
    emit_files(api, Some(events), None)
}

/// Token streams for a second API generated into a module of its own, reached through
/// `client.<accessor>()`: no webhook events (the main API's module has them).
pub fn emit_module(api: &Api, accessor: &str) -> BTreeMap<String, TokenStream> {
    emit_files(api, None, Some(accessor))
}

/// `events`: `None` for no `events.rs` at all; `entry` as in [`handles::files`].
fn emit_files(
    api: &Api,
    events: Option<Option<&crate::events::Events>>,
    entry: Option<&str>,
) -> BTreeMap<String, TokenStream> {
    let mut files = BTreeMap::new();
    if let Some(events) = events {
        files.insert("events.rs".to_string(), crate::events::emit(events));
    }
    // An empty module would only add an unused `pub use` to the crate.
    if !api.models.is_empty() {
        files.insert("models.rs".to_string(), types::models(api));
    }
    if !api.enums.is_empty() {
        files.insert("enums.rs".to_string(), types::enums(api));
    }
    for (name, tokens) in handles::files(api, entry) {
        // A file whose nodes all pass through to their children has nothing in it.
        if !tokens.is_empty() {
            files.insert(name, tokens);
        }
    }
    for tokens in files.values_mut() {
        let body = std::mem::take(tokens);
        *tokens = quote::quote! {
            #[allow(unused_imports)]
            use super::*;
            #body
        };
    }
    let modules: Vec<Ident> = files
        .keys()
        .filter_map(|f| f.strip_suffix(".rs"))
        // `override.rs` is `mod r#override;`.
        .map(|stem| ident(&crate::names::snake(stem)))
        .collect();
    let doc = format!(
        " Code generated from the {} spec (version {}): models, enums, resource handles and request builders{}.",
        api.title,
        api.version,
        if events.is_some() {
            ", and webhook events"
        } else {
            ""
        }
    );
    files.insert(
        "mod.rs".to_string(),
        quote::quote! {
            #![doc = #doc]
            #(mod #modules;)*
            #(pub use self::#modules::*;)*
        },
    );
    files
}

/// An identifier; `r#` names become raw identifiers. Names come from [`crate::names`], which
/// only produces ASCII alphanumerics and underscores, never empty and never leading digits.
pub(crate) fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// A doc attribute (one paragraph per entry; empty entries skipped).
pub(crate) fn doc(paragraphs: &[&str]) -> TokenStream {
    let mut out = TokenStream::new();
    let mut first = true;
    for p in paragraphs
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
    {
        if !first {
            out.extend(quote::quote!(#[doc = ""]));
        }
        first = false;
        let line = format!(" {}", escape_doc(p));
        out.extend(quote::quote!(#[doc = #line]));
    }
    out
}

/// Keep spec prose from being read as rustdoc intra-doc links or HTML.
fn escape_doc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '[' => {
                // Markdown links `[x](url)` stay; other brackets are escaped.
                let close = chars[i..].iter().position(|&c| c == ']').map(|p| p + i);
                match close {
                    Some(j) if chars.get(j + 1) == Some(&'(') => out.push('['),
                    _ => out.push_str("\\["),
                }
            }
            ']' => {
                if chars.get(i + 1) == Some(&'(') {
                    out.push(']');
                } else {
                    out.push_str("\\]");
                }
            }
            _ => out.push(c),
        }
        i += 1;
    }
    out
}
