//! Spec -> IR in three stages: `extract` reads every operation's facts (with `schema` for
//! types and `response` for what it answers), `merge` pairs the two scopes of each path (see
//! [`crate::scope`]) and `tree` builds the resource tree and gives everything its Rust name
//! (`types` for models and enums). An events spec is lowered by [`lower_events`].

mod events;
mod extract;
mod merge;
mod response;
mod schema;
mod tree;
mod types;

use crate::error::{Ptr, Result};
use crate::ir::*;
use crate::load::Resolver;
use crate::names::{camel, singular, snake};
use crate::raw::{RawField, RawOp};
use crate::Conventions;
use merge::MergedOp;
use openapiv3::{OpenAPI, ReferenceOr};
use std::collections::{BTreeMap, BTreeSet};

pub use events::lower_events;

const VERBS: &[&str] = &["Create", "List", "Fetch", "Update", "Patch", "Delete"];

/// Lower a parsed spec to the IR, recognising the runtime's [`Conventions`].
pub fn lower(api: &OpenAPI, conventions: &Conventions<'_>) -> Result<Api> {
    lower_api(api, conventions, None)
}

/// Lower the spec of a second API that is generated into a module of the crate and reached
/// through `client.<entry>()` (see [`crate::generate_module`]): as [`lower`], but its handle
/// types start with the entry's name in the singular (`MediaServiceHandle` for `media`, where
/// `MediaList` already does), so that they read apart from the main API's (`ServiceHandle`).
pub fn lower_module(api: &OpenAPI, conventions: &Conventions<'_>, entry: &str) -> Result<Api> {
    lower_api(api, conventions, Some(&camel(&singular(entry))))
}

fn lower_api(
    api: &OpenAPI,
    conventions: &Conventions<'_>,
    handle_prefix: Option<&str>,
) -> Result<Api> {
    let client_path_parameters = conventions.client_path_parameters;
    let resolver = Resolver::new(api);
    let extract::Extracted {
        prefix,
        scope_pair,
        implied_parent,
        ops,
    } = extract::extract(api, &resolver, conventions)?;
    // A parent is implied (its resources reached straight from the client) only when the
    // client can supply its parameter: an accessor must never depend on a value nobody has.
    let implied_parent =
        implied_parent.filter(|parent| client_path_parameters.contains(&parent.param.as_str()));
    let base_url = api
        .servers
        .first()
        .map(|s| s.url.trim_end_matches('/').to_string())
        .or_else(|| {
            api.paths.paths.values().find_map(|p| match p {
                ReferenceOr::Item(p) => p
                    .servers
                    .first()
                    .map(|s| s.url.trim_end_matches('/').to_string()),
                ReferenceOr::Reference { .. } => None,
            })
        })
        .ok_or_else(|| {
            Ptr::root()
                .join("servers")
                .err("the spec names no server URL")
        })?;
    let operation_count = ops.len();
    let accessor = scope_pair
        .as_ref()
        .map(|collection| snake(&singular(&collection.segment)));
    let neutral = ScopeNames::neutral(accessor.as_deref().unwrap_or("item"));
    let named = scope_names_in_spec(api, &neutral)?;
    let scope_pair = match (scope_pair, named) {
        (Some(collection), named) => {
            let one = singular(&collection.segment);
            Some(ScopePair {
                names: named.unwrap_or(neutral),
                accessor: snake(&one),
                handle: format!("{}Handle", camel(&one)),
                collection,
            })
        }
        (None, Some(_)) => {
            return Err(Ptr::root().join("info").join(SCOPE_NAMES).err(
                "the spec names two scopes, but no path repeats under one item of a \
                 collection, so the API has one scope",
            ))
        }
        (None, None) => None,
    };
    let new_builder = || Builder {
        vendor: crate::names::vendor_word(&base_url),
        scope_names: scope_pair
            .as_ref()
            .map(|p| p.names.clone())
            .unwrap_or_default(),
        scope_vocabulary: scope_pair
            .as_ref()
            .map(|p| {
                crate::prose::scope_vocabulary([
                    p.names.top.place.as_str(),
                    p.names.item.place.as_str(),
                    p.collection.segment.as_str(),
                    p.accessor.as_str(),
                ])
            })
            .unwrap_or_default(),
        handle_prefix: handle_prefix.map(String::from),
        idempotency_key_header: conventions.idempotency_key_header.map(String::from),
        component_namespace: component_namespace(api),
        ..Builder::default()
    };
    let handle = scope_pair.as_ref().map(|p| p.handle.as_str());
    // Types are named after where they are used (`ConversationState` for a conversation's
    // `state`). A component the spec uses in several places may get several names that way (an
    // address's `channel` and a recipient's `channel`: one enum written twice), or a place's
    // name may be taken (`..Input2`). Such a component is one type named after itself, so a
    // second naming pass runs with those components set apart. A component used under one name
    // keeps it.
    let (mut b, mut root) = new_builder().name_everything(ops.clone(), handle);
    let apart = b.components_named_after_themselves();
    if !apart.is_empty() {
        let second = Builder {
            component_names: apart,
            ..new_builder()
        };
        (b, root) = second.name_everything(ops, handle);
    }
    let sorted = |mut d: Vec<Drift>| {
        d.sort();
        d.dedup();
        d
    };
    let report = ScopeReport {
        merged: std::mem::take(&mut b.merged),
        separate: std::mem::take(&mut b.separate),
        drift: sorted(std::mem::take(&mut b.drift)),
        shape_differences: sorted(std::mem::take(&mut b.shape_differences)),
    };
    let mut lowered = Api {
        title: api.info.title.clone(),
        version: api.info.version.clone(),
        base_url,
        path_prefix: prefix,
        scope_pair,
        implied_parent,
        root,
        models: b.models,
        enums: b.enums,
        unions: b.unions,
        report,
        operation_count,
    };
    crate::namespace::unique_type_names(&mut lowered);
    Ok(lowered)
}

/// The vendor extension under `info` in which a spec names its two scopes (see
/// `spec/conversations_v1.yaml`).
const SCOPE_NAMES: &str = "x-scope-names";

/// The spec's own words for its two scopes, when it gives them:
/// `info.x-scope-names.{top-level,item}.{scope,place,heading,report,path-column}`, every key a
/// non-empty string, and optionally `type`, the Rust type name of the scope (derived from the
/// pair when absent). A key missing or unknown is an error, so a typo is not silently replaced
/// by the derived words.
fn scope_names_in_spec(api: &OpenAPI, neutral: &ScopeNames) -> Result<Option<ScopeNames>> {
    let Some(value) = api.info.extensions.get(SCOPE_NAMES) else {
        return Ok(None);
    };
    let at = Ptr::root().join("info").join(SCOPE_NAMES);
    let words = |key: &str| -> Result<ScopeWords> {
        let at = at.join(key);
        let map = value.get(key).and_then(|v| v.as_object()).ok_or_else(|| {
            at.err("expected a mapping of scope, place, heading, report and path-column")
        })?;
        const KEYS: [&str; 6] = ["scope", "place", "heading", "report", "path-column", "type"];
        if let Some(unknown) = map.keys().find(|k| !KEYS.contains(&k.as_str())) {
            return Err(at.join(unknown).err(format!(
                "unknown key; the words of a scope are {}",
                KEYS.join(", ")
            )));
        }
        let text = |k: &str| -> Result<String> {
            map.get(k)
                .and_then(|v| v.as_str())
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(String::from)
                .ok_or_else(|| at.join(k).err("expected a non-empty string"))
        };
        Ok(ScopeWords {
            scope: text("scope")?,
            place: text("place")?,
            heading: text("heading")?,
            report: text("report")?,
            path_column: text("path-column")?,
            type_name: match map.get("type") {
                None => {
                    if key == "item" {
                        neutral.item.type_name.clone()
                    } else {
                        neutral.top.type_name.clone()
                    }
                }
                Some(_) => {
                    let name = text("type")?;
                    let ok = name.starts_with(|c: char| c.is_ascii_uppercase())
                        && name.chars().all(|c| c.is_ascii_alphanumeric());
                    if !ok {
                        return Err(at
                            .join("type")
                            .err("a Rust type name: an ASCII letter in upper case, then letters and digits"));
                    }
                    name
                }
            },
        })
    };
    let map = value
        .as_object()
        .ok_or_else(|| at.err("expected a mapping with `top-level` and `item`"))?;
    if let Some(unknown) = map.keys().find(|k| *k != "top-level" && *k != "item") {
        return Err(at
            .join(unknown)
            .err("unknown key; the two scopes are `top-level` and `item`"));
    }
    Ok(Some(ScopeNames {
        top: words("top-level")?,
        item: words("item")?,
    }))
}

/// How the tree groups a path segment: every parameter as `{}` (`{Sid}` and `{ConversationSid}`
/// are one position, `{Sid}:start` and `{Sid}:stop` two), literal text as it is. Segments were
/// checked by [`Segment::parse`], so braces always pair up.
fn segment_key(raw: &str) -> std::borrow::Cow<'_, str> {
    if !raw.contains('{') {
        return std::borrow::Cow::Borrowed(raw);
    }
    let mut key = String::with_capacity(raw.len());
    let mut in_param = false;
    for c in raw.chars() {
        match (c, in_param) {
            ('{', _) => {
                key.push_str("{}");
                in_param = true;
            }
            ('}', _) => in_param = false,
            (c, false) => key.push(c),
            (_, true) => {}
        }
    }
    std::borrow::Cow::Owned(key)
}

/// `text` with a final full stop.
fn end_sentence(text: &str) -> String {
    if text.ends_with(['.', '!', '?']) {
        text.to_string()
    } else {
        format!("{text}.")
    }
}

/// Whether two summaries say the same thing once whitespace, case and a closing full stop are
/// set aside: the same sentence is printed once, not once per scope.
fn same_sentence(a: &str, b: &str) -> bool {
    let key = |t: &str| first_line(t).trim_end_matches('.').to_lowercase();
    key(a) == key(b)
}

/// The doc text: descriptions joined into one paragraph, whitespace folded.
fn first_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Spec prose is nearly always ASCII, where a byte is a character and the whitespace
    // `split_whitespace` knows is these six bytes; reading bytes is several times faster.
    if text.is_ascii() {
        let space = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r');
        let mut start = None;
        for (i, &b) in text.as_bytes().iter().enumerate() {
            match (space(b), start) {
                (true, Some(s)) => {
                    push_word(&mut out, &text[s..i]);
                    start = None;
                }
                (false, None) => start = Some(i),
                _ => {}
            }
        }
        if let Some(s) = start {
            push_word(&mut out, &text[s..]);
        }
        return out;
    }
    for word in text.split_whitespace() {
        push_word(&mut out, word);
    }
    out
}

fn push_word(out: &mut String, word: &str) {
    if !out.is_empty() {
        out.push(' ');
    }
    out.push_str(word);
}

#[cfg(test)]
mod first_line_tests {
    /// The ASCII path folds exactly what `split_whitespace` folds.
    #[test]
    fn ascii_text_is_folded_as_split_whitespace_folds_it() {
        let every_byte: String = (0u8..128).map(char::from).collect();
        let texts = [
            "",
            " ",
            "one",
            "  two  words \n",
            "a\tb\x0Bc\x0Cd\re\n\nf",
            every_byte.as_str(),
            "non-ASCII\u{a0}space and\u{2003}em space",
        ];
        for text in texts {
            let expected = text.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(super::first_line(text), expected, "{text:?}");
        }
    }
}

/// The state the merge and tree stages build up.
#[derive(Default)]
struct Builder {
    /// Normalised suffix -> ops.
    nodes: BTreeMap<Vec<String>, Vec<MergedOp>>,
    /// Resource model -> its fields as each scope returns them.
    model_sides: BTreeMap<String, Scoped<Vec<RawField>>>,
    models: BTreeMap<String, Model>,
    enums: BTreeMap<String, EnumDef>,
    unions: BTreeMap<String, Union>,
    /// Models and unions whose definition is under way, outermost first: a field that leads
    /// back to one of them is boxed.
    in_progress: Vec<String>,
    /// The Rust type of each recursive component schema, by component name.
    named: BTreeMap<String, Ty>,
    drift: Vec<Drift>,
    shape_differences: Vec<Drift>,
    merged: Vec<PairInfo>,
    separate: Vec<PairInfo>,
    handle_names: BTreeSet<String>,
    /// What a module's handle types start with (`Media`); `None` for the main API.
    handle_prefix: Option<String>,
    /// The spec's vendor word, dropped from header names (names.rs `vendor_word`).
    vendor: Option<String>,
    /// The two scopes' names, for drift notes and merged docs.
    scope_names: ScopeNames,
    /// The words that name a scope in summaries (see [`crate::prose::said_once`]).
    scope_vocabulary: BTreeSet<String>,
    /// The runtime's idempotency key header (`Conventions::idempotency_key_header`).
    idempotency_key_header: Option<String>,
    /// The answer type of the spec's operation-status endpoint, once met.
    operation_state: Option<Ty>,
    /// Types being named are part of a request body: a name an answer's type already holds
    /// (with other fields) becomes `<name>Input` rather than `<name>2`.
    naming_input: bool,
    /// The components whose types are named after the component wherever they are used (see
    /// [`lower_api`]); empty in the first naming pass.
    component_names: BTreeSet<String>,
    /// Each component's uses met so far: the name its place offered, and the name its type got.
    component_uses: BTreeMap<String, BTreeSet<(String, String)>>,
    /// What every component name starts with, up to a dot (`things.v2.`), or nothing.
    component_namespace: String,
}

/// The text up to and with the last dot that every component schema's name starts with
/// (`things.v2.` when they are `things.v2.address`, `things.v2.channel`, ...), or nothing.
fn component_namespace(api: &OpenAPI) -> String {
    let mut names = api.components.iter().flat_map(|c| c.schemas.keys());
    let Some(first) = names.next() else {
        return String::new();
    };
    let mut shared = first.as_str();
    for name in names {
        let common = shared
            .char_indices()
            .zip(name.chars())
            .find(|((_, a), b)| a != b)
            .map_or(shared.len().min(name.len()), |((i, _), _)| i);
        shared = &shared[..common];
    }
    match shared.rfind('.') {
        Some(dot) => shared[..=dot].to_string(),
        None => String::new(),
    }
}

impl Builder {
    /// Pair the scopes, then build the resource tree, naming every type on the way.
    fn name_everything(mut self, ops: Vec<RawOp>, handle: Option<&str>) -> (Self, Node) {
        self.pair_and_merge(ops);
        let mut root = self.build_tree(handle);
        if let Some(state) = self.operation_state.clone() {
            tree::set_operation_state(&mut root, &state);
        }
        (self, root)
    }

    /// The components this naming met under more than one name, or under a name that was not
    /// the one their place offered (it was taken by another type).
    fn components_named_after_themselves(&self) -> BTreeSet<String> {
        self.component_uses
            .iter()
            .filter(|(_, uses)| {
                let got: BTreeSet<&str> = uses.iter().map(|(_, got)| got.as_str()).collect();
                got.len() > 1 || uses.iter().any(|(offered, got)| offered != got)
            })
            .map(|(component, _)| component.clone())
            .collect()
    }
}

fn strip_verb(id: &str) -> (&'static str, String) {
    for v in VERBS {
        if let Some(rest) = id.strip_prefix(v) {
            if !rest.is_empty() {
                return (v, rest.to_string());
            }
        }
    }
    ("", id.to_string())
}
