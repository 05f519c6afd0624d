//! Spec facts per operation, before scopes are merged and names are given.

use crate::ir::{Location, Method, Scopes};

/// A type as the spec states it, with the facts the drift report compares.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RawTy {
    String { format: Option<String> },
    Int { format: Option<String> },
    Float,
    Bool,
    DateTime,
    Json,
    UriMap,
    Enum(Vec<String>),
    Array(Box<RawTy>),
    Object(Vec<RawField>),
}

impl RawTy {
    /// Short human description for reports.
    pub(crate) fn describe(&self) -> String {
        match self {
            RawTy::String { format: None } => "string".into(),
            RawTy::String { format: Some(f) } => format!("string ({f})"),
            RawTy::Int { .. } => "integer".into(),
            RawTy::Float => "number".into(),
            RawTy::Bool => "boolean".into(),
            RawTy::DateTime => "string (date-time)".into(),
            RawTy::Json => "any JSON".into(),
            RawTy::UriMap => "object (uri-map)".into(),
            RawTy::Enum(v) => format!("enum [{}]", v.join(", ")),
            RawTy::Array(t) => format!("array of {}", t.describe()),
            RawTy::Object(_) => "object".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RawField {
    pub wire: String,
    pub ty: RawTy,
    pub nullable: bool,
    pub required: bool,
    pub doc: String,
    pub scopes: Scopes,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RawParam {
    pub wire: String,
    pub location: Location,
    pub ty: RawTy,
    pub required: bool,
    pub doc: String,
    pub scopes: Scopes,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RawResponse {
    Empty,
    One(RawTy),
    List { key: String, item: RawTy },
}

#[derive(Debug, Clone)]
pub(crate) struct RawOp {
    pub method: Method,
    pub path: String,
    pub id: String,
    pub doc: String,
    /// Scope of the path this op was read from (Default or Service).
    pub scope: Scopes,
    /// Path segments after the scope prefix; params as `{Name}`.
    pub suffix: Vec<String>,
    pub params: Vec<RawParam>,
    /// Media type of a JSON request body, when the body is JSON.
    pub json_media_type: Option<String>,
    /// Media type of a binary request body, when the body is neither a form nor JSON.
    pub binary_media_type: Option<String>,
    pub response: RawResponse,
}

impl RawOp {
    /// Names this op's request and response carry (for pairing scopes).
    pub(crate) fn names(&self, out: &mut std::collections::BTreeSet<String>) {
        for p in &self.params {
            out.insert(format!("param:{}", p.wire));
        }
        let fields = match &self.response {
            RawResponse::One(RawTy::Object(f)) => Some(f),
            RawResponse::List {
                item: RawTy::Object(f),
                ..
            } => Some(f),
            _ => None,
        };
        for f in fields.into_iter().flatten() {
            out.insert(format!("field:{}", f.wire));
        }
    }
}
