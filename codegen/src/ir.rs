//! The intermediate representation: what the emitter needs, nothing about OpenAPI.
//!
//! Everything is ordered (Vec in spec order, BTreeMap by name), so output is deterministic.

use std::collections::BTreeMap;

/// Where a thing exists: under the account's default service, under a chosen service, or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scopes {
    /// `/v1/...` only.
    Default,
    /// `/v1/Services/{ChatServiceSid}/...` only.
    Service,
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

    pub fn has_default(self) -> bool {
        self != Scopes::Service
    }

    pub fn has_service(self) -> bool {
        self != Scopes::Default
    }

    pub fn label(self) -> &'static str {
        match self {
            Scopes::Default => "default-service scope",
            Scopes::Service => "Service scope",
            Scopes::Both => "both scopes",
        }
    }
}

/// The whole API.
#[derive(Debug, Clone)]
pub struct Api {
    pub title: String,
    pub version: String,
    /// Base URL of the first server, e.g. `https://conversations.twilio.com`.
    pub base_url: String,
    /// First path segment shared by every path, e.g. `v1`.
    pub path_prefix: String,
    /// Literal segment of the scope collection, e.g. `Services`.
    pub scope_segment: String,
    /// The scope root: its ops are the Service-scope root's (fetch/delete a service).
    pub root: Node,
    pub models: BTreeMap<String, Model>,
    pub enums: BTreeMap<String, EnumDef>,
    pub report: ScopeReport,
    pub operation_count: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Root,
    Literal(String),
    /// A path parameter (the name of its first occurrence in spec order).
    Param(String),
}

/// One node of the resource tree (paths with the scope prefix removed).
#[derive(Debug, Clone)]
pub struct Node {
    pub segment: Segment,
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
    /// Builder type name (from the default-scope operationId where there is one).
    pub builder: String,
    /// Operation ids by scope.
    pub ids: Vec<(Scopes, String)>,
    pub scopes: Scopes,
    /// Path templates by scope.
    pub default_path: Option<String>,
    pub service_path: Option<String>,
    pub doc: String,
    pub params: Vec<Param>,
    /// The media type of a JSON request body (`application/json` or a `+json` type); `None`
    /// for a form body or no body.
    pub json_media_type: Option<String>,
    /// The media type of a binary request body (`application/octet-stream`, `image/*`,
    /// `*/*`, ...): the body is one [`Location::Binary`] parameter the user gives as bytes or
    /// a stream. `None` for every other body.
    pub binary_media_type: Option<String>,
    pub response: ResponseKind,
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
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResponseKind {
    /// No body (204).
    Empty,
    /// One resource.
    One(Ty),
    /// A list page: `{<key>: [item], meta: {...}}`.
    List { key: String, item: Ty },
}

#[derive(Debug, Clone)]
pub struct Model {
    pub name: String,
    pub doc: String,
    pub fields: Vec<Field>,
    /// Part of a JSON request body, so users build values of it: emitted without
    /// `#[non_exhaustive]` (which would forbid struct literals outside the crate).
    pub input: bool,
}

#[derive(Debug, Clone)]
pub struct Field {
    pub wire: String,
    pub rust: String,
    pub ty: Ty,
    /// `Option<T>`: nullable or not required.
    pub optional: bool,
    /// Where the field is returned, among the scopes that return its model: `Both` unless the
    /// two scopes' shapes of one model disagree (a drift, noted in the field's docs).
    pub scopes: Scopes,
    pub doc: String,
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
    pub drift: Vec<Drift>,
}

#[derive(Debug, Clone)]
pub struct PairInfo {
    pub resource: String,
    pub default_path: String,
    pub service_path: String,
    pub shared_names: usize,
    pub total_names: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Drift {
    pub resource: String,
    pub location: String,
    pub detail: String,
}
