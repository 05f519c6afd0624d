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
    if !api.models.is_empty() || !api.unions.is_empty() {
        let mut models = types::models(api);
        models.extend(types::unions(api));
        files.insert("models.rs".to_string(), models);
    }
    if !api.enums.is_empty() {
        files.insert("enums.rs".to_string(), types::enums(api));
    }
    let (handle_files, exports) = handles::files(api, entry);
    for (name, tokens) in handle_files {
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
    files.insert("mod.rs".to_string(), module_tree(api, &files, &exports));
    files
}

/// `mod.rs`: a root a user can scan. Models, enums and webhook events are public modules
/// (re-exported at the root, as the types users name most); the handle and builder types of
/// the per-resource files are gathered in the `handles` and `builders` modules, which say what
/// they hold; the per-resource files themselves stay private. They see each other through a
/// private glob import here, which their `use super::*` picks up.
fn module_tree(
    api: &Api,
    files: &BTreeMap<String, TokenStream>,
    exports: &handles::Exports,
) -> TokenStream {
    const PUBLIC: [&str; 3] = ["models", "enums", "events"];
    let stems: Vec<&str> = files.keys().filter_map(|f| f.strip_suffix(".rs")).collect();
    let public: Vec<TokenStream> = stems
        .iter()
        .filter(|s| PUBLIC.contains(s))
        .map(|s| {
            let what = match *s {
                "models" => " Resource models: what the API answers with, and the JSON values requests carry.",
                "enums" => " String enums; each keeps a value this version does not know instead of failing.",
                _ => " Webhook events: one struct per event type, and [`WebhookEvent`] over all of them.",
            };
            let m = ident(s);
            quote::quote!(#[doc = #what] pub mod #m;)
        })
        .collect();
    // `override.rs` is `mod r#override;`.
    let private: Vec<Ident> = stems
        .iter()
        .filter(|s| !PUBLIC.contains(s))
        .map(|s| ident(&crate::names::snake(s)))
        .collect();
    let reexport = |items: &[(String, String)]| -> Vec<TokenStream> {
        let mut items: Vec<&(String, String)> = items.iter().collect();
        items.sort_by(|a, b| a.1.cmp(&b.1));
        items
            .into_iter()
            .filter(|(stem, _)| files.contains_key(&format!("{stem}.rs")))
            .map(|(stem, name)| {
                let m = ident(&crate::names::snake(stem));
                let n = ident(name);
                quote::quote!(pub use super::#m::#n;)
            })
            .collect()
    };
    let handles = reexport(&exports.handles);
    let builders = reexport(&exports.builders);
    let doc = format!(
        " Code generated from the {} spec (version {}): models, enums, resource handles and request builders{}.",
        api.title,
        api.version,
        if files.contains_key("events.rs") {
            ", and webhook events"
        } else {
            ""
        }
    );
    let root_items = [
        (
            "models",
            quote::quote!(
                pub use self::models::*;
            ),
        ),
        (
            "enums",
            quote::quote!(
                pub use self::enums::*;
            ),
        ),
        (
            "events",
            quote::quote!(
                pub use self::events::WebhookEvent;
            ),
        ),
    ]
    .into_iter()
    .filter(|(m, _)| stems.contains(m))
    .map(|(_, t)| t);
    quote::quote! {
        #![doc = #doc]
        #(mod #private;)*
        #(#public)*
        #[allow(unused_imports)]
        use self::{#(#private::*),*};
        /// Handles on resources, reached from the client (`client.conversation(sid)`) and from
        /// each other; the type parameter of a handle that serves two scopes says which.
        pub mod handles {
            #(#handles)*
        }
        /// Request builders, one per operation: set optional parameters, then `.send().await`.
        pub mod builders {
            #(#builders)*
        }
        #(#root_items)*
        pub use self::root::BASE_URL;
    }
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
