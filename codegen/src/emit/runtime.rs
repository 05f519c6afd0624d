//! The runtime items generated code names: this list and nothing else.
//!
//! Generated crates depend on the `twilio-runtime` crate and reach it only through its
//! `support` module (`::twilio_runtime::support::Node`, ...). Every name the emitters may
//! write is a constant here; `tests/tests/runtime_contract.rs` in the repository fails when one
//! of them, or any `support` path found in generated code, is not in the runtime's
//! `support::SURFACE`.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{quote, ToTokens};

/// One item of the runtime's `support` module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuntimeItem(pub &'static str);

impl ToTokens for RuntimeItem {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        let name = Ident::new(self.0, Span::call_site());
        tokens.extend(quote!(::twilio_runtime::support::#name));
    }
}

/// A position in the resource tree (generic over the API crate's client type).
pub const NODE: RuntimeItem = RuntimeItem("Node");
/// Text or value pieces of one path segment.
pub const PATH_PIECE: RuntimeItem = RuntimeItem("PathPiece");
/// A request under construction.
pub const REQUEST: RuntimeItem = RuntimeItem("Request");
/// Typed values to their wire text.
pub const TO_PARAM: RuntimeItem = RuntimeItem("ToParam");
/// The HTTP method.
pub const METHOD: RuntimeItem = RuntimeItem("Method");
/// Raw request bodies.
pub const BINARY_BODY: RuntimeItem = RuntimeItem("BinaryBody");
/// The trait of the two scope types.
pub const SCOPE: RuntimeItem = RuntimeItem("Scope");
/// The error of every call.
pub const ERROR: RuntimeItem = RuntimeItem("Error");
/// A value with its status, request id and headers.
pub const RESPONSE: RuntimeItem = RuntimeItem("Response");
/// Where a redirect-only operation points.
pub const REDIRECT: RuntimeItem = RuntimeItem("Redirect");
/// One list page.
pub const PAGE: RuntimeItem = RuntimeItem("Page");
/// Work accepted with `202`, to poll until done.
pub const OPERATION: RuntimeItem = RuntimeItem("LongRunning");
/// An enum of an operation's success answers by status, and how it reads one.
pub const OUTCOME: RuntimeItem = RuntimeItem("Outcome");
pub const ANSWERED: RuntimeItem = RuntimeItem("Answered");
/// `futures::Stream`, for `list().stream()`.
pub const STREAM: RuntimeItem = RuntimeItem("Stream");
/// Date-times in UTC.
pub const DATE_TIME: RuntimeItem = RuntimeItem("DateTime");
/// Display, FromStr, serde and ToParam for a string enum.
pub const IMPL_STRING_ENUM: RuntimeItem = RuntimeItem("impl_string_enum");
/// The API crate's `Client` and `ClientBuilder`.
pub const API_CLIENT: RuntimeItem = RuntimeItem("api_client");
/// Union helpers.
pub const SERIALIZE_TAGGED: RuntimeItem = RuntimeItem("serialize_tagged");
pub const UNION_TAG: RuntimeItem = RuntimeItem("union_tag");
pub const UNION_SHAPE: RuntimeItem = RuntimeItem("UnionShape");
pub const UNION_CANDIDATES: RuntimeItem = RuntimeItem("union_candidates");
/// Webhook form fields and their error.
pub const FORM_FIELDS: RuntimeItem = RuntimeItem("FormFields");
pub const EVENT_ERROR: RuntimeItem = RuntimeItem("EventError");

/// Every item above.
pub const ALL: &[RuntimeItem] = &[
    NODE,
    PATH_PIECE,
    REQUEST,
    TO_PARAM,
    METHOD,
    BINARY_BODY,
    SCOPE,
    ERROR,
    RESPONSE,
    REDIRECT,
    PAGE,
    OPERATION,
    OUTCOME,
    ANSWERED,
    STREAM,
    DATE_TIME,
    IMPL_STRING_ENUM,
    API_CLIENT,
    SERIALIZE_TAGGED,
    UNION_TAG,
    UNION_SHAPE,
    UNION_CANDIDATES,
    FORM_FIELDS,
    EVENT_ERROR,
];

/// The node type of the crate's own client: `Node<crate::Client>`.
pub fn node_type() -> TokenStream {
    quote!(#NODE<crate::Client>)
}
