//! IR -> token streams, one per generated file.
//!
//! Generated code names the runtime crate only through [`runtime`]. The plan (`plan.rs`) cuts
//! every file into jobs; each file has an emitter of its own: `handles.rs` the per-resource
//! files (built in `scaffold.rs` from `accessors.rs` and `operations.rs`, with `params.rs`),
//! `root.rs` the root file, `types.rs` models, unions and enums, `events.rs` the webhook events,
//! `module_tree.rs` `mod.rs` and `scope_types.rs` `scope.rs`; `text.rs` writes identifiers and
//! docs for all of them.

mod accessors;
mod events;
mod handles;
mod module_tree;
mod operations;
mod params;
mod plan;
mod root;
pub mod runtime;
mod scaffold;
mod scope_types;
mod text;
mod types;

use crate::ir::Api;
use proc_macro2::TokenStream;
use std::collections::BTreeMap;

pub use plan::Part;
pub(crate) use plan::{plan, Plan};

/// Token streams by file name (relative to `src/generated/`), built one job after another on
/// this thread.
pub fn emit(api: &Api, part: Part<'_>) -> BTreeMap<String, TokenStream> {
    plan(api, part).all_tokens()
}
