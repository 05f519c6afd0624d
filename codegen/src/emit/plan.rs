//! The plan of the generated files: every file as a list of jobs, decided before any token is
//! built, so that [`crate::render::render_jobs`] can build and format them on every core.

use super::{events, handles, module_tree, root, scope_types, types};
use crate::ir::events::Events;
use crate::ir::{Api, EnumDef, Model, Node, ScopeNames, Union};
use proc_macro2::TokenStream;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

/// What the files of one API are in the generated crate.
#[derive(Debug, Clone, Copy)]
pub enum Part<'a> {
    /// The crate's main API, reached from its `Client`, with `events.rs` for these webhook
    /// events (none without an events spec).
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
    // Webhook events come from an events spec; a crate generated without one (another API's)
    // has no `events.rs` rather than an enum that only knows `Unknown`.
    if let Part::Main {
        events: Some(events),
    } = part
    {
        files.insert("events.rs".into(), vec![Piece::Events(Some(events))]);
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
    let (nodes, exports) = handles::layout(api, part.entry());
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
        names: api.scope_names(),
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
            Piece::Root => root::root(self.api, self.part.entry()),
            Piece::Node(node) => handles::node_tokens(node, pair, &self.names),
            Piece::ScopeTypes => scope_types::scope_types(&self.names, pair),
            Piece::ModuleTree => {
                let stems: BTreeSet<&str> = self
                    .files
                    .iter()
                    .filter(|f| *f != "mod.rs")
                    .filter_map(|f| f.strip_suffix(".rs"))
                    .collect();
                module_tree::module_tree(
                    self.api,
                    &stems,
                    &self.exports,
                    self.part.entry().is_none(),
                )
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
