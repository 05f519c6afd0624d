//! The intermediate representation: what the emitter needs, nothing about OpenAPI.
//!
//! Everything is ordered (Vec in spec order, BTreeMap by name), so output is deterministic.
//! Webhook events, from a spec of their own, are in [`events`].

pub mod events;

use std::collections::BTreeMap;

/// Where a thing exists: at the top level (`/v1/...`), under one item of the scope collection
/// (`/v1/Services/{ChatServiceSid}/...` in Conversations), or both. The two scopes are called
/// `top` and `item` everywhere in the generator, as in [`ScopeNames`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scopes {
    /// `/v1/...` only.
    Top,
    /// `/v1/Services/{ChatServiceSid}/...` only.
    Item,
    /// Both variants; generated once.
    Both,
}

impl Scopes {
    pub fn union(self, other: Scopes) -> Scopes {
        if self == other {
            self
        } else {
            Scopes::Both
        }
    }

    pub fn has_top(self) -> bool {
        self != Scopes::Item
    }

    pub fn has_item(self) -> bool {
        self != Scopes::Top
    }
}

/// One of the two scopes: where a single path of the spec lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Side {
    Top,
    Item,
}

impl From<Side> for Scopes {
    fn from(side: Side) -> Scopes {
        match side {
            Side::Top => Scopes::Top,
            Side::Item => Scopes::Item,
        }
    }
}

/// One value for each of the two scopes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PerScope<T> {
    pub top: T,
    pub item: T,
}

impl<T> PerScope<T> {
    /// The value of one scope.
    pub fn get(&self, side: Side) -> &T {
        match side {
            Side::Top => &self.top,
            Side::Item => &self.item,
        }
    }

    pub fn get_mut(&mut self, side: Side) -> &mut T {
        match side {
            Side::Top => &mut self.top,
            Side::Item => &mut self.item,
        }
    }
}

/// A fact that exists in one scope, or in both with one value per scope: an operation's
/// `(operation id, path template)` variants, say. There is no "in neither" state to paper over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scoped<T> {
    Top(T),
    Item(T),
    Both(PerScope<T>),
}

impl<T> Scoped<T> {
    /// `value` in one scope.
    pub fn one(side: Side, value: T) -> Scoped<T> {
        match side {
            Side::Top => Scoped::Top(value),
            Side::Item => Scoped::Item(value),
        }
    }

    pub fn both(top: T, item: T) -> Scoped<T> {
        Scoped::Both(PerScope { top, item })
    }

    pub fn scopes(&self) -> Scopes {
        match self {
            Scoped::Top(_) => Scopes::Top,
            Scoped::Item(_) => Scopes::Item,
            Scoped::Both(_) => Scopes::Both,
        }
    }

    /// The value of the top-level scope, where it has one.
    pub fn top(&self) -> Option<&T> {
        match self {
            Scoped::Top(v) | Scoped::Both(PerScope { top: v, .. }) => Some(v),
            Scoped::Item(_) => None,
        }
    }

    /// The value of the item scope, where it has one.
    pub fn item(&self) -> Option<&T> {
        match self {
            Scoped::Item(v) | Scoped::Both(PerScope { item: v, .. }) => Some(v),
            Scoped::Top(_) => None,
        }
    }

    /// The value that names the thing: the top-level one where there is one.
    pub fn primary(&self) -> &T {
        match self {
            Scoped::Top(v) | Scoped::Item(v) | Scoped::Both(PerScope { top: v, .. }) => v,
        }
    }

    /// Every value with its scope, the top-level one first.
    pub fn iter(&self) -> impl Iterator<Item = (Scopes, &T)> {
        let top = self.top().map(|v| (Scopes::Top, v));
        let item = self.item().map(|v| (Scopes::Item, v));
        top.into_iter().chain(item)
    }
}

/// A collection's literal segment and the parameter after it that picks one of its items:
/// `Services/{ChatServiceSid}` is `{ segment: "Services", param: "ChatServiceSid" }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectionItem {
    /// The literal segment, e.g. `Services`.
    pub segment: String,
    /// The parameter after it, e.g. `ChatServiceSid`.
    pub param: String,
}

/// The collection whose items are the second scope (`Services` in `/v1/Services/{Sid}/...`),
/// found in the spec: paths under `/<prefix>/<segment>/{param}/X` that repeat a `/<prefix>/X`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopePair {
    /// The collection and its item parameter, e.g. `Services/{ChatServiceSid}`.
    pub collection: CollectionItem,
    /// Client method that opens the scope, e.g. `service`.
    pub accessor: String,
    /// Type of the handle on one scope item, e.g. `ServiceHandle`.
    pub handle: String,
    /// What the generated docs and `DRIFT.md` call the two scopes.
    pub names: ScopeNames,
}

/// The words for the two scopes of a [`ScopePair`]: named by the spec (`info.x-scope-names`),
/// or derived from the pair itself ([`ScopeNames::neutral`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeNames {
    /// The scope of the paths straight under the prefix (`/v1/...`).
    pub top: ScopeWords,
    /// The scope of the paths under one item of the collection (`/v1/Services/{Sid}/...`).
    pub item: ScopeWords,
}

/// How one scope is named in each kind of sentence. Every field is a phrase, not a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeWords {
    /// After "only in the": `default-service scope`.
    pub scope: String,
    /// Where a handle's requests go, after "serves both": `the default service`.
    pub place: String,
    /// Heads the scope's own text where the two scopes describe an operation differently:
    /// `Default service` (followed by a colon).
    pub heading: String,
    /// Where the resources are, in the opening sentence of `DRIFT.md`:
    /// `under the account's default service`.
    pub report: String,
    /// The drift report's column of this scope's paths: `default-service path`.
    pub path_column: String,
    /// The Rust type that stands for this scope in generated handle types:
    /// `DefaultScope` (`ConversationHandle<DefaultScope>`).
    pub type_name: String,
}

impl ScopeNames {
    /// Words that hold for any pair, from the item accessor (`assistant` for
    /// `/v1/Assistants/{AssistantSid}/...`): "the top level" and "one assistant".
    pub fn neutral(accessor: &str) -> ScopeNames {
        let item = accessor.trim_start_matches("r#").replace('_', " ");
        ScopeNames {
            top: ScopeWords {
                scope: "top-level scope".into(),
                place: "the top level".into(),
                heading: "Top level".into(),
                report: "at the top level".into(),
                path_column: "top-level path".into(),
                type_name: "TopLevelScope".into(),
            },
            item: ScopeWords {
                scope: format!("scope of one {item}"),
                place: format!("one {item}"),
                heading: format!("Under one {item}"),
                report: format!("under one {item}"),
                path_column: format!("path under one {item}"),
                type_name: format!(
                    "{}Scope",
                    crate::names::camel(accessor.trim_start_matches("r#"))
                ),
            },
        }
    }

    /// The words of one scope (`None` for both).
    pub fn of(&self, scopes: Scopes) -> Option<&ScopeWords> {
        match scopes {
            Scopes::Top => Some(&self.top),
            Scopes::Item => Some(&self.item),
            Scopes::Both => None,
        }
    }
}

impl Default for ScopeNames {
    /// For an API with one scope, where nothing is ever said about a second one.
    fn default() -> Self {
        ScopeNames::neutral("item")
    }
}

/// The whole API.
#[derive(Debug, Clone)]
pub struct Api {
    pub title: String,
    pub version: String,
    /// Base URL of the first server, e.g. `https://conversations.twilio.com`.
    pub base_url: String,
    /// Literal segments shared by every path, e.g. `v1` (empty when the paths share none).
    pub path_prefix: String,
    /// The second scope, when the spec pairs paths under a scope collection; `None` for an API
    /// with one scope.
    pub scope_pair: Option<ScopePair>,
    /// A collection item that every other path sits under (`Accounts/{AccountSid}` in
    /// `/2010-04-01/Accounts/{AccountSid}/Calls.json`), when the client supplies its parameter:
    /// its resources are also reachable straight from the client, with the item's id supplied
    /// by the client (its own account).
    pub implied_parent: Option<CollectionItem>,
    /// The tree's root; its ops are those of one scope item (fetch/delete a service).
    pub root: Node,
    pub models: BTreeMap<String, Model>,
    pub enums: BTreeMap<String, EnumDef>,
    /// `oneOf` / `anyOf` types, by name (one type namespace with models and enums).
    pub unions: BTreeMap<String, Union>,
    pub report: ScopeReport,
    pub operation_count: usize,
}

impl Api {
    /// The words for the two scopes: the pair's, or (for an API with one scope, where no doc
    /// names a scope) the neutral ones.
    pub fn scope_names(&self) -> ScopeNames {
        self.scope_pair
            .as_ref()
            .map(|p| p.names.clone())
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Root,
    Literal(String),
    /// A path parameter (the name of its first occurrence in spec order).
    Param(String),
    /// Literal text and parameters in one segment (`{From}-{To}`, `v{Version}`,
    /// `{Sid}:cancel`).
    Template(Template),
}

impl Segment {
    /// One segment of a path as the spec writes it: literal text, one whole `{Param}`, or a
    /// [`Template`] mixing both. `Err` says what cannot be read (for the caller to locate).
    pub fn parse(text: &str) -> Result<Segment, String> {
        let mut pieces: Vec<Piece> = Vec::new();
        let mut rest = text;
        while !rest.is_empty() {
            let Some(open) = rest.find('{') else {
                if rest.contains('}') {
                    return Err(format!("`}}` without an opening `{{` in `{text}`"));
                }
                pieces.push(Piece::Text(rest.to_string()));
                break;
            };
            if rest[..open].contains('}') {
                return Err(format!("`}}` without an opening `{{` in `{text}`"));
            }
            if open > 0 {
                pieces.push(Piece::Text(rest[..open].to_string()));
            }
            let after = &rest[open + 1..];
            let name = match after.find('}') {
                Some(close) if !after[..close].contains('{') => &after[..close],
                _ => return Err(format!("unclosed `{{` in `{text}`")),
            };
            if name.trim().is_empty() {
                return Err(format!("an empty parameter `{{}}` in `{text}`"));
            }
            if let Some(Piece::Param(prev)) = pieces.last() {
                // `{A}{B}` sent as `xy` cannot be split back into its two values.
                return Err(format!(
                    "parameters `{{{prev}}}` and `{{{name}}}` with no text between them in \
                     `{text}`: the server could not tell where one value ends"
                ));
            }
            if pieces.iter().any(|p| *p == Piece::Param(name.to_string())) {
                return Err(format!("path parameter `{{{name}}}` appears twice"));
            }
            pieces.push(Piece::Param(name.to_string()));
            rest = &after[name.len() + 1..];
        }
        Ok(match pieces.as_slice() {
            [] | [Piece::Text(_)] => Segment::Literal(text.to_string()),
            [Piece::Param(name)] => Segment::Param(name.clone()),
            _ => Segment::Template(Template { pieces }),
        })
    }
}

/// A path segment that mixes literal text with parameters. Built only by [`Segment::parse`], so
/// it always holds at least one parameter and some text, no empty text piece and no two
/// parameters side by side (their values could not be told apart on the wire).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pieces: Vec<Piece>,
}

/// A piece of a [`Template`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Sent as the spec writes it.
    Text(String),
    /// A parameter's value, percent-encoded.
    Param(String),
}

impl Template {
    pub fn pieces(&self) -> &[Piece] {
        &self.pieces
    }

    /// The parameter names, in template order.
    pub fn params(&self) -> impl Iterator<Item = &str> {
        self.pieces.iter().filter_map(|p| match p {
            Piece::Param(name) => Some(name.as_str()),
            Piece::Text(_) => None,
        })
    }

    /// The literal text pieces, in template order.
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        self.pieces.iter().filter_map(|p| match p {
            Piece::Text(text) => Some(text.as_str()),
            Piece::Param(_) => None,
        })
    }
}

impl std::fmt::Display for Template {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for p in &self.pieces {
            match p {
                Piece::Text(text) => f.write_str(text)?,
                Piece::Param(name) => write!(f, "{{{name}}}")?,
            }
        }
        Ok(())
    }
}

/// One node of the resource tree (paths with the scope prefix removed).
#[derive(Debug, Clone)]
pub struct Node {
    pub segment: Segment,
    /// What the node's handle stands for.
    pub kind: NodeKind,
    /// Rust accessor method name that leads here from the parent (or grandparent for params).
    pub accessor: String,
    /// Rust type name of the handle.
    pub handle: String,
    /// Resource name used in docs.
    pub resource: String,
    pub scopes: Scopes,
    pub ops: Vec<Operation>,
    pub children: Vec<Node>,
}

/// What a node of the resource tree stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeKind {
    /// The tree's root: one item of the scope collection, when the API has a scope pair.
    Root,
    /// A collection (`.../Conversations`): a literal segment that is listed or has items
    /// under it; its operations act on the collection as a whole (list, create).
    Collection,
    /// One resource of a literal segment that is no collection (`.../Configuration`).
    Single,
    /// One item of a collection (`.../Conversations/{Sid}`), chosen by its segment's
    /// parameters; `collection` is the literal segment it is under, when it is under one.
    Item { collection: Option<String> },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Operation {
    pub method: Method,
    /// Rust method name on the handle (`create`, `list`, ...).
    pub name: String,
    /// Builder type name (from the top-level operationId where there is one).
    pub builder: String,
    /// The operation's id and path in each scope it exists in.
    pub variants: Scoped<Variant>,
    pub doc: String,
    pub params: Vec<Param>,
    pub body: RequestBody,
    pub response: ResponseKind,
    /// The header parameter (wire name) that carries an idempotency key, when the operation
    /// declares the runtime's one (`Conventions::idempotency_key_header`): each call sends a
    /// fresh key there unless the caller gives one, and is retried like a read.
    pub idempotency_key: Option<String>,
}

impl Operation {
    pub fn scopes(&self) -> Scopes {
        self.variants.scopes()
    }
}

/// What a request carries as its body: at most one kind, which says where the body's
/// parameters go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestBody {
    /// No body.
    None,
    /// A form (`application/x-www-form-urlencoded`): the [`Location::Form`] parameters.
    Form,
    /// JSON (`application/json` or a `+json` type): the [`Location::Json`] parameters, or the
    /// one [`Location::JsonWhole`] parameter.
    Json { media_type: String },
    /// Raw bytes of any other media type (`application/octet-stream`, `image/*`, `*/*`, ...):
    /// the one [`Location::Binary`] parameter, given as bytes or a stream.
    Binary { media_type: String },
}

impl RequestBody {
    /// Whether two bodies are of one kind (media types aside).
    pub fn same_kind(&self, other: &RequestBody) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
    }

    /// What the drift report calls it: `a form`, `` `application/json` ``.
    pub fn describe(&self) -> String {
        match self {
            RequestBody::None => "no body".to_string(),
            RequestBody::Form => "a form".to_string(),
            RequestBody::Json { media_type } => format!("JSON (`{media_type}`)"),
            RequestBody::Binary { media_type } => format!("raw bytes (`{media_type}`)"),
        }
    }
}

/// One scope's form of an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    pub operation_id: String,
    /// Path template as the spec writes it, e.g. `/v1/Conversations/{Sid}`.
    pub path: String,
    /// Text after the path's last segment, sent after it (`.json`; usually empty).
    pub trailing: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Location {
    Query,
    Header,
    Form,
    /// A top-level field of a JSON body.
    Json,
    /// A JSON body whose schema names no fields: the value is the whole body.
    JsonWhole,
    /// A body of raw bytes (any media type other than a form or JSON): the value is the body.
    Binary,
}

impl Location {
    pub fn label(self) -> &'static str {
        match self {
            Location::Query => "query parameter",
            Location::Header => "header",
            Location::Form => "form field",
            Location::Json => "JSON body field",
            Location::JsonWhole => "JSON body",
            Location::Binary => "binary body",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Param {
    /// Name on the wire (`FriendlyName`, `Timers.Inactive`, `X-Twilio-Webhook-Enabled`).
    pub wire: String,
    /// Rust identifier (already keyword-escaped).
    pub rust: String,
    pub location: Location,
    pub ty: Ty,
    pub required: bool,
    pub scopes: Scopes,
    pub doc: String,
}

/// A Rust type the generator can emit.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Ty {
    String,
    I64,
    I32,
    F64,
    Bool,
    DateTime,
    /// Any JSON value (untyped or free-form objects).
    Json,
    /// `format: uri-map`: names to URLs.
    UriMap,
    Array(Box<Ty>),
    Enum(String),
    Model(String),
    /// A `oneOf` / `anyOf` type (see [`Union`]).
    Union(String),
    /// `Box<T>`: a field that leads back to a type still being defined (a recursive schema),
    /// so the type has a finite size.
    Boxed(Box<Ty>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResponseKind {
    /// No body (204).
    Empty,
    /// One resource.
    One(Ty),
    /// A list page: `{<key>: [item], meta: {...}}`.
    List {
        key: String,
        item: Ty,
        paging: Paging,
    },
    /// Only redirects (3xx): the target is returned, not followed, with the body decoded as
    /// this type when the spec gives the redirect one.
    Redirect(Option<Ty>),
    /// Work accepted with `202` and finished later: the answer names where to poll it
    /// (`Conventions::operation_status_url`).
    LongRunning(LongRunning),
    /// Success answers that differ by status: one variant per status, in status order.
    Outcomes(Vec<Outcome>),
}

/// How a list says where its next page is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Paging {
    /// `meta.next_page_url`: a link.
    Link,
    /// `meta.<token member>`: a token sent back in this query parameter of the same request.
    Token { parameter: String },
}

/// One success status of an operation whose answers differ by status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub status: u16,
    /// The enum variant's name (`Ok`, `Created`, `Accepted`, `NoContent`, `Status203`).
    pub variant: String,
    pub body: OutcomeBody,
}

/// What one success status carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutcomeBody {
    Empty,
    One(Ty),
    /// An accepted long-running operation (see [`ResponseKind::LongRunning`]).
    LongRunning(LongRunning),
}

/// The types of a long-running operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LongRunning {
    /// The `202` answer that accepts the work.
    pub accepted: Ty,
    /// What a poll of its status URL answers: the answer of the spec's operation-status
    /// endpoint (the `GET` whose answer names the status URL member too), else `accepted`.
    pub state: Ty,
}

#[derive(Debug, Clone)]
pub struct Model {
    pub name: String,
    pub doc: String,
    pub fields: Vec<Field>,
    /// Part of a JSON request body, so users build values of it: emitted without
    /// `#[non_exhaustive]` (which would forbid struct literals outside the crate).
    pub input: bool,
    /// The spec says the API may send keys beyond `fields` (`additionalProperties: true`):
    /// the struct keeps them in a map instead of dropping them on decode.
    pub keeps_unknown_keys: bool,
}

#[derive(Debug, Clone)]
pub struct Field {
    pub wire: String,
    /// Other names the same value arrives under (the property's `x-aliases`): decoded as
    /// this field too, never sent.
    pub aliases: Vec<String>,
    pub rust: String,
    pub ty: Ty,
    /// `Option<T>`: nullable or not required.
    pub optional: bool,
    /// Where the field is returned, among the scopes that return its model: `Both` unless the
    /// two scopes' shapes of one model disagree (a drift, noted in the field's docs).
    pub scopes: Scopes,
    pub doc: String,
}

/// A value that is one of several alternatives (`oneOf` / `anyOf`), with a raw fallback for
/// shapes none of them fits.
#[derive(Debug, Clone)]
pub struct Union {
    pub name: String,
    pub doc: String,
    pub variants: Vec<Alternative>,
    /// The discriminator property: its value alone picks the alternative.
    pub tag: Option<String>,
    /// Part of a request body (users build values of it).
    pub input: bool,
}

/// One alternative of a [`Union`]: a variant of its enum.
#[derive(Debug, Clone)]
pub struct Alternative {
    /// Rust variant name.
    pub rust: String,
    pub ty: Ty,
    /// What a JSON value must look like to be tried as this alternative.
    pub shape: Shape,
    /// The discriminator value of this alternative (when the union has a tag).
    pub tag_value: Option<String>,
}

/// The JSON kind an alternative accepts; for objects, the names it knows and requires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    Object {
        properties: Vec<String>,
        required: Vec<String>,
    },
    String,
    Integer,
    Number,
    Bool,
    Array,
    Any,
}

#[derive(Debug, Clone)]
pub struct EnumDef {
    pub name: String,
    pub doc: String,
    /// `(wire value, Rust variant)` in first-seen order.
    pub variants: Vec<(String, String)>,
}

/// What the scope merge did; rendered as the drift report.
#[derive(Debug, Clone, Default)]
pub struct ScopeReport {
    pub merged: Vec<PairInfo>,
    pub separate: Vec<PairInfo>,
    /// Where the two scopes' variants of one thing disagree.
    pub drift: Vec<Drift>,
    /// Where two operations of one scope return different shapes of one resource model (the
    /// model is their union).
    pub shape_differences: Vec<Drift>,
}

/// Two groups of operations of one path suffix, one per scope, looked at as a pair.
#[derive(Debug, Clone)]
pub struct PairInfo {
    pub resource: String,
    /// The first path of each scope.
    pub paths: PerScope<String>,
    pub overlap: NameOverlap,
}

/// How many of the names (parameters, body fields, response fields) two groups of operations
/// carry are carried by both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NameOverlap {
    /// Names both carry.
    pub shared: usize,
    /// Names either carries.
    pub total: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Drift {
    pub resource: String,
    pub location: String,
    pub detail: String,
}
