//! The emulator's view of the API: every operation with its route, parameters and answer, and
//! every resource with its fields, read once from the IR the client is generated from
//! (`from_ir.rs`). Nothing here is written by hand per operation.

use std::collections::BTreeMap;

/// Which scope a route is in: straight under the API's prefix (`/v1/...`, the account's
/// default service) or under one item of the scope collection (`/v1/Services/{Sid}/...`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    TopLevel,
    Item,
}

/// One segment of a route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Literal(String),
    /// A path parameter, with the SID prefix its pattern requires, if any.
    Param {
        name: String,
        sid_prefix: Option<String>,
        /// The field of the record whose value may stand for its SID here (`unique_name`,
        /// `identity`): the spec's `x-name-field`.
        name_field: Option<String>,
    },
}

/// What an operation does to its resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    List,
    Create,
    Fetch,
    Update,
    Delete,
    /// Fetch or update of a resource that exists once under its parent (`/v1/Configuration`).
    FetchSingleton,
    UpdateSingleton,
}

/// A parameter's type, for parsing and validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamTy {
    Text,
    Integer,
    Number,
    Boolean,
    DateTime,
    /// Free-form JSON text (`Attributes`).
    Json,
    Enum(Vec<String>),
    /// Repeated keys.
    List(Box<ParamTy>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Where {
    Query,
    Form,
    Header,
    /// The whole body, raw bytes (a media upload).
    Body,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    pub wire: String,
    pub at: Where,
    pub ty: ParamTy,
    pub required: bool,
    pub minimum: Option<i64>,
    pub maximum: Option<i64>,
    /// The SID prefix its pattern requires, if any.
    pub sid_prefix: Option<String>,
}

/// What the answer is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Empty,
    One,
    /// A page whose items are under `key`.
    List {
        key: String,
    },
}

#[derive(Debug, Clone)]
pub struct Operation {
    /// The spec's operationId of this scope's variant.
    pub id: String,
    pub method: String,
    pub scope: Scope,
    /// The route after the API's path prefix, scope item included (`Services/{ChatServiceSid}`).
    pub route: Vec<Seg>,
    pub action: Action,
    /// The resource (model) it answers with or acts on.
    pub resource: String,
    pub params: Vec<Param>,
    pub answer: Answer,
    pub status: u16,
    /// The resource lives under a service and is reached from both scopes (a top-level route
    /// then means the account's default service); `false` for account-wide resources.
    pub per_service: bool,
}

/// One field of a resource's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub wire: String,
    /// Nested keys of an object field (`timers`: `date_inactive`, `date_closed`).
    pub keys: Vec<String>,
    pub sid_prefix: Option<String>,
    pub is_object: bool,
    pub is_list: bool,
    /// A string in the answer's schema (`sandbox` of a credential is `"true"`/`"false"` there,
    /// though its parameter is a boolean).
    pub is_text: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Resource {
    pub fields: Vec<Field>,
    /// The prefix of the resource's own SID (`CH` for a conversation).
    pub sid_prefix: Option<String>,
    /// `links` keys and the path segment each points to under the record's URL
    /// (`participants` -> `Participants`).
    pub links: Vec<(String, String)>,
}

impl Resource {
    pub fn field(&self, wire: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.wire == wire)
    }
}

/// The whole API.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// `/v1`.
    pub prefix: String,
    /// The scope collection and its parameter (`Services`, `ChatServiceSid`).
    pub scope_collection: Option<(String, String)>,
    pub operations: Vec<Operation>,
    pub resources: BTreeMap<String, Resource>,
}
