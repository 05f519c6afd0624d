//! IR -> token streams, one per generated file.
//!
//! The generated code targets a small hand-written runtime in the client crate:
//! `crate::runtime::{Node, Request, ToParam}`, `crate::{Client, Error, Page, DateTime}`,
//! `crate::scope::{Scope, DefaultScope, ServiceScope}` and the `impl_string_enum!` macro.

mod events;
mod handles;
pub mod runtime;
mod text;
mod types;

use crate::ir::events::Events;
use crate::ir::{Api, EnumDef, Model, Node, ScopeNames, Union};
use proc_macro2::{Ident, TokenStream};
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use text::{doc, ident};

/// What the files of one API are in the generated crate.
#[derive(Debug, Clone, Copy)]
pub enum Part<'a> {
    /// The crate's main API, reached from its `Client`, with `events.rs` for these webhook
    /// events (without an events spec, a `WebhookEvent` that only knows `Unknown`).
    Main { events: Option<&'a Events> },
    /// A second API generated into a module of its own and reached through
    /// `client.<entry>()` (see [`crate::generate_module`]): no `Client`, no scope types and no
    /// webhook events (the main API's module has them).
    Module { entry: &'a str },
}

impl<'a> Part<'a> {
    /// The accessor of a module's API, `None` for the main API.
    fn entry(self) -> Option<&'a str> {
        match self {
            Part::Main { .. } => None,
            Part::Module { entry } => Some(entry),
        }
    }
}

/// Token streams by file name (relative to `src/generated/`), built one job after another on
/// this thread.
pub fn emit(api: &Api, part: Part<'_>) -> BTreeMap<String, TokenStream> {
    plan(api, part).all_tokens()
}

/// Models (or unions) one job builds, enums one job builds: about 10 KB of formatted code
/// each on `spec/`, so that the jobs of even a small spec share out evenly over the cores and a
/// large one never leaves a core waiting on one long job at the end.
const MODELS_PER_JOB: usize = 8;
const ENUMS_PER_JOB: usize = 16;

/// What the generated files are made of, decided before any token is built: every file as a
/// list of jobs, each job a run of whole top-level items that [`Plan::tokens`] builds from the
/// IR alone. Any thread can build any job (the plan only borrows the IR), which lets
/// [`crate::render::render_jobs`] build and format the jobs on every core at once.
pub(crate) struct Plan<'a> {
    api: &'a Api,
    part: Part<'a>,
    names: ScopeNames,
    models: Vec<&'a Model>,
    unions: Vec<&'a Union>,
    enums: Vec<&'a EnumDef>,
    /// File names in output order, `mod.rs` among them.
    files: Vec<String>,
    /// `(file number, job)` in the order to start them.
    jobs: Vec<(usize, Job<'a>)>,
    exports: handles::Exports,
}

/// One job: pieces of one file, in the file's order.
pub(crate) struct Job<'a> {
    pieces: Vec<Piece<'a>>,
}

/// A run of whole top-level items of one file.
enum Piece<'a> {
    /// `#[allow(unused_imports)] use super::*;`, at the top of every file but `mod.rs`: the
    /// per-resource files see each other's types through `mod.rs`.
    Prelude,
    Events(Option<&'a Events>),
    /// Indices into [`Plan::models`].
    Models(Range<usize>),
    /// Indices into [`Plan::unions`].
    Unions(Range<usize>),
    /// Indices into [`Plan::enums`].
    Enums(Range<usize>),
    Root,
    /// The two scope types of an API with a scope pair.
    ScopeTypes,
    /// One resource's handle and builders.
    Node(&'a Node),
    ModuleTree,
}

/// The plan of every file of `api` as `part` of the crate.
pub(crate) fn plan<'a>(api: &'a Api, part: Part<'a>) -> Plan<'a> {
    let models: Vec<&Model> = api.models.values().collect();
    let unions: Vec<&Union> = api.unions.values().collect();
    let enums: Vec<&EnumDef> = api.enums.values().collect();
    let mut files: BTreeMap<String, Vec<Piece<'a>>> = BTreeMap::new();
    if let Part::Main { events } = part {
        files.insert("events.rs".into(), vec![Piece::Events(events)]);
    }
    // An empty module would only add an unused `pub use` to the crate.
    if !models.is_empty() || !unions.is_empty() {
        let runs = chunks(models.len(), MODELS_PER_JOB).map(Piece::Models);
        let runs = runs.chain(chunks(unions.len(), MODELS_PER_JOB).map(Piece::Unions));
        files.insert("models.rs".into(), runs.collect());
    }
    if !enums.is_empty() {
        let runs = chunks(enums.len(), ENUMS_PER_JOB).map(Piece::Enums);
        files.insert("enums.rs".into(), runs.collect());
    }
    files.insert("root.rs".into(), vec![Piece::Root]);
    // The scope types belong to the crate's main API: a second API in a module of the same
    // crate has no scope pair of its own to name.
    if api.scope_pair.is_some() && part.entry().is_none() {
        files.insert("scope.rs".into(), vec![Piece::ScopeTypes]);
    }
    let (nodes, exports) = handles::layout(api);
    for (name, nodes) in nodes {
        // A resource named like another file (`root`) goes on at its end.
        let pieces = files.entry(name).or_default();
        pieces.extend(nodes.into_iter().map(Piece::Node));
    }
    files
        .entry("mod.rs".into())
        .or_default()
        .push(Piece::ModuleTree);
    // Every piece is a job of its own, the prelude going with a file's first.
    let mut jobs = Vec::new();
    for (file, (name, pieces)) in files.iter_mut().enumerate() {
        let mut pieces = std::mem::take(pieces).into_iter();
        let mut opening = Vec::new();
        if name != "mod.rs" {
            opening.push(Piece::Prelude);
        }
        opening.extend(pieces.next());
        jobs.push((file, Job { pieces: opening }));
        jobs.extend(pieces.map(|p| (file, Job { pieces: vec![p] })));
    }
    let files = files.into_keys().collect();
    Plan {
        api,
        part,
        names: handles::scope_names(api),
        models,
        unions,
        enums,
        files,
        jobs,
        exports,
    }
}

/// `0..len` in consecutive ranges of `size` (the last may be shorter).
fn chunks(len: usize, size: usize) -> impl Iterator<Item = Range<usize>> {
    (0..len)
        .step_by(size)
        .map(move |start| start..(start + size).min(len))
}

impl<'a> Plan<'a> {
    /// File names in output order.
    pub(crate) fn files(&self) -> &[String] {
        &self.files
    }

    /// `(file number, job)`, in the order to start them; a file's jobs in the order of its
    /// text.
    pub(crate) fn jobs(&self) -> &[(usize, Job<'a>)] {
        &self.jobs
    }

    /// The tokens of one job.
    pub(crate) fn tokens(&self, job: &Job<'_>) -> TokenStream {
        let mut out = TokenStream::new();
        for piece in &job.pieces {
            out.extend(self.piece(piece));
        }
        out
    }

    fn piece(&self, piece: &Piece<'_>) -> TokenStream {
        let pair = self.api.scope_pair.as_ref();
        match piece {
            Piece::Prelude => quote::quote! {
                #[allow(unused_imports)]
                use super::*;
            },
            Piece::Events(events) => events::events_file(*events),
            Piece::Models(range) => {
                types::models(self.models[range.clone()].iter().copied(), &self.names)
            }
            Piece::Unions(range) => types::unions(self.unions[range.clone()].iter().copied()),
            Piece::Enums(range) => types::enums(self.enums[range.clone()].iter().copied()),
            Piece::Root => handles::root(self.api, self.part.entry()),
            Piece::Node(node) => handles::node_tokens(node, pair, &self.names),
            Piece::ScopeTypes => scope_types(&self.names, pair),
            Piece::ModuleTree => {
                let stems: BTreeSet<&str> = self
                    .files
                    .iter()
                    .filter(|f| *f != "mod.rs")
                    .filter_map(|f| f.strip_suffix(".rs"))
                    .collect();
                module_tree(self.api, &stems, &self.exports, self.part.entry().is_none())
            }
        }
    }

    /// Every file's tokens, built one job after another on this thread.
    pub(crate) fn all_tokens(&self) -> BTreeMap<String, TokenStream> {
        let mut out: Vec<TokenStream> = self.files.iter().map(|_| TokenStream::new()).collect();
        for (file, job) in &self.jobs {
            out[*file].extend(self.tokens(job));
        }
        self.files.iter().cloned().zip(out).collect()
    }
}

/// `mod.rs`: a root a user can scan. Models, enums and webhook events are public modules
/// (re-exported at the root, as the types users name most); the handle and builder types of
/// the per-resource files are gathered in the `handles` and `builders` modules, which say what
/// they hold; the per-resource files themselves stay private. They see each other through a
/// private glob import here, which their `use super::*` picks up.
/// `stems`: the other files' names without `.rs`; `main_api`: the crate's main API, whose
/// `root.rs` defines the `Client` (a second API in a module adds to it).
fn module_tree(
    api: &Api,
    stems: &BTreeSet<&str>,
    exports: &handles::Exports,
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
                ident(&handles::scope_names(api).top.type_name),
                ident(&handles::scope_names(api).item.type_name),
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

/// `scope.rs`: the types that stand for the two scopes of a scope pair, named by the spec
/// (`x-scope-names`) or after the pair, implementing the runtime's `Scope`.
fn scope_types(names: &ScopeNames, pair: Option<&crate::ir::ScopePair>) -> TokenStream {
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
