//! Spec facts per operation, before scopes are merged and names are given.

use crate::ir::{Location, Method, Paging, RequestBody, Scopes, Side};

/// A type as the spec states it, with the facts the drift report compares.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RawTy {
    String {
        format: Option<String>,
    },
    Int {
        format: Option<String>,
    },
    Float,
    Bool,
    DateTime,
    Json,
    UriMap,
    Enum(Vec<String>),
    Array(Box<RawTy>),
    Object(Vec<RawField>),
    /// An object with named fields that may carry more keys (`additionalProperties: true`):
    /// the model keeps the unknown ones. `name` is the component it was reached through, if
    /// any: every field that refers to that component shares one model of that name.
    OpenObject {
        name: Option<String>,
        fields: Vec<RawField>,
    },
    /// `oneOf` / `anyOf`: one of several alternatives.
    Union(RawUnion),
    /// A component schema that refers to itself (directly or through others), under its
    /// component name: it becomes one named model, and the references inside it point back.
    Named {
        component: String,
        ty: Box<RawTy>,
    },
    /// A reference back to an enclosing [`RawTy::Named`] component (the cycle's way back).
    Recursive(String),
}

/// The alternatives of a `oneOf` or `anyOf`, in spec order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RawUnion {
    pub variants: Vec<RawVariant>,
    /// The discriminator's property name, when the spec gives one.
    pub tag: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RawVariant {
    /// The component schema name when the alternative is a `$ref`.
    pub component: Option<String>,
    pub ty: RawTy,
    /// The discriminator value that selects this alternative (with a discriminator only).
    pub tag_value: Option<String>,
}

impl RawTy {
    /// Whether lowering this type defines a type that is named after where it is used (an
    /// enum, a nested object, a union, or an array of one): only then does lowering need the
    /// name, which takes a good part of its time to build.
    pub(crate) fn takes_its_name_from_its_use(&self) -> bool {
        match self {
            RawTy::Enum(_) | RawTy::Object(_) | RawTy::Union(_) => true,
            RawTy::OpenObject { name, .. } => name.is_none(),
            RawTy::Array(item) => item.takes_its_name_from_its_use(),
            RawTy::String { .. }
            | RawTy::Int { .. }
            | RawTy::Float
            | RawTy::Bool
            | RawTy::DateTime
            | RawTy::Json
            | RawTy::UriMap
            | RawTy::Named { .. }
            | RawTy::Recursive(_) => false,
        }
    }

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
            RawTy::OpenObject { .. } => "object (open)".into(),
            RawTy::Union(u) => format!(
                "one of [{}]",
                u.variants
                    .iter()
                    .map(|v| v.ty.describe())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            RawTy::Named { ty, .. } => ty.describe(),
            RawTy::Recursive(component) => format!("`{component}` (recursive)"),
        }
    }
}

/// The component schema (`#/components/schemas/<name>`) a field's or parameter's type was
/// reached through by `$ref`, or its array items' type was; `None` for a type written in place.
/// Naming reads it (a component used under several names is named after itself, see
/// `lower::lower_api`). Where a type came from is not a fact about the type: values that differ
/// only here are equal, so the scope merge and the drift report never see it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Origin(pub Option<String>);

impl PartialEq for Origin {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RawField {
    pub wire: String,
    /// Other names the same value arrives under (the property's `x-aliases`).
    pub aliases: Vec<String>,
    pub ty: RawTy,
    pub origin: Origin,
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
    pub origin: Origin,
    pub required: bool,
    pub doc: String,
    pub scopes: Scopes,
}

/// What a success answers; `T` is what a body holds: a [`RawTy`] as read, a [`Payload`] once
/// the resource's model has been set apart.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RawResponse<T = RawTy> {
    Empty,
    One(T),
    List {
        key: String,
        item: T,
        paging: Paging,
    },
    /// Only 3xx answers: the redirect target, with the body a 3xx carries when it has one.
    Redirect(Option<T>),
    /// A `202` answer that names where to poll the work it accepted. Its body is no shape of
    /// the resource's model, so it stays a [`RawTy`] when the model is set apart.
    Accepted(AcceptedBody),
    /// Success answers that differ by status, in status order.
    Outcomes(Vec<(u16, RawOutcome<T>)>),
}

/// The body of an accepted long-running operation: its type, and the component it was
/// reached through (it names the type), if any.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AcceptedBody {
    pub ty: RawTy,
    pub component: Option<String>,
}

/// What one status of [`RawResponse::Outcomes`] carries.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RawOutcome<T = RawTy> {
    Empty,
    One(T),
    Accepted(AcceptedBody),
}

impl<T> RawResponse<T> {
    pub(crate) fn map<U>(self, mut f: impl FnMut(T) -> U) -> RawResponse<U> {
        match self {
            RawResponse::Empty => RawResponse::Empty,
            RawResponse::One(t) => RawResponse::One(f(t)),
            RawResponse::List { key, item, paging } => RawResponse::List {
                key,
                item: f(item),
                paging,
            },
            RawResponse::Redirect(t) => RawResponse::Redirect(t.map(f)),
            RawResponse::Accepted(body) => RawResponse::Accepted(body),
            RawResponse::Outcomes(outcomes) => RawResponse::Outcomes(
                outcomes
                    .into_iter()
                    .map(|(status, o)| {
                        let o = match o {
                            RawOutcome::Empty => RawOutcome::Empty,
                            RawOutcome::One(t) => RawOutcome::One(f(t)),
                            RawOutcome::Accepted(body) => RawOutcome::Accepted(body),
                        };
                        (status, o)
                    })
                    .collect(),
            ),
        }
    }
}

/// A response body after merging: the resource's own model (whose shapes are merged across
/// operations and scopes) or any other type.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Payload {
    ResourceModel,
    Other(RawTy),
}

#[derive(Debug, Clone)]
pub(crate) struct RawOp {
    pub method: Method,
    pub path: String,
    pub id: String,
    pub doc: String,
    /// Scope of the path this op was read from.
    pub side: Side,
    /// Path segments after the scope prefix; params as `{Name}`.
    pub suffix: Vec<String>,
    /// Text the path has after its last segment (`.json`), sent after it.
    pub trailing: String,
    pub params: Vec<RawParam>,
    pub body: RequestBody,
    pub response: RawResponse,
    /// A `GET` whose answer names the status URL member: the endpoint a long-running
    /// operation's status URL leads to.
    pub reports_operation: bool,
}

impl RawOp {
    /// Names this op's request and response carry (for pairing scopes).
    pub(crate) fn names(&self, out: &mut std::collections::BTreeSet<String>) {
        for p in &self.params {
            out.insert(format!("param:{}", p.wire));
        }
        let fields = match &self.response {
            RawResponse::One(RawTy::Object(f) | RawTy::OpenObject { fields: f, .. }) => Some(f),
            RawResponse::List {
                item: RawTy::Object(f) | RawTy::OpenObject { fields: f, .. },
                ..
            } => Some(f),
            _ => None,
        };
        for f in fields.into_iter().flatten() {
            out.insert(format!("field:{}", f.wire));
        }
    }
}
