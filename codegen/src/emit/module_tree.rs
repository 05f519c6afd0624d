//! `mod.rs`: the module tree of the generated code, and what it re-exports.

use super::handles::Exports;
use super::text::ident;
use crate::ir::Api;
use proc_macro2::{Ident, TokenStream};
use std::collections::BTreeSet;

/// `mod.rs`: a root a user can scan. Models, enums and webhook events are public modules
/// (re-exported at the root, as the types users name most); the handle and builder types of
/// the per-resource files are gathered in the `handles` and `builders` modules, which say what
/// they hold; the per-resource files themselves stay private. They see each other through a
/// private glob import here, which their `use super::*` picks up.
/// `stems`: the other files' names without `.rs`; `main_api`: the crate's main API, whose
/// `root.rs` defines the `Client` (a second API in a module adds to it).
pub(crate) fn module_tree(
    api: &Api,
    stems: &BTreeSet<&str>,
    exports: &Exports,
    main_api: bool,
) -> TokenStream {
    const PUBLIC: [&str; 4] = ["models", "enums", "events", "scope"];
    let public: Vec<TokenStream> = stems
        .iter()
        .filter(|s| PUBLIC.contains(s))
        .map(|s| {
            let what = match *s {
                "models" => " Resource models: what the API answers with, and the JSON values requests carry.",
                "enums" => " String enums; each keeps a value this version does not know instead of failing.",
                "scope" => " The two scopes a resource can be reached in: the type parameter of a handle that serves both.",
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
            .filter(|(stem, _)| stems.contains(stem.as_str()))
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
        if stems.contains("events") {
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
        ("scope", {
            let (top, item) = (
                ident(&api.scope_names().top.type_name),
                ident(&api.scope_names().item.type_name),
            );
            quote::quote!(
                pub use self::scope::{Scope, #top, #item};
            )
        }),
        (
            "root",
            quote::quote!(
                pub use self::root::{Client, ClientBuilder};
            ),
        ),
    ]
    .into_iter()
    .filter(|(m, _)| stems.contains(m) && (*m != "root" || main_api))
    .map(|(_, t)| t);
    quote::quote! {
        #![doc = #doc]
        #(mod #private;)*
        #(#public)*
        #[allow(unused_imports)]
        use self::{#(#private::*),*};
        /// Handles on resources, reached from the client and from each other; the type
        /// parameter of a handle that serves two scopes says which.
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
