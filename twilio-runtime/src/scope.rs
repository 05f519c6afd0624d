//! The two scopes a resource of a scope pair can be reached in.
//!
//! An API whose paths come in pairs (Conversations: `/v1/Conversations/...` under the
//! account's default service, `/v1/Services/{ChatServiceSid}/Conversations/...` under a chosen
//! one) gets one handle type per resource with a scope parameter; the generated crate defines
//! the two scope types (`DefaultScope` and `ServiceScope` in Conversations, named from the
//! spec) and implements this trait for them.

/// Which variant of a resource a handle talks to.
pub trait Scope: Clone + Copy + std::fmt::Debug + Send + Sync + 'static {
    /// Of a value that differs between the scopes (an operation id, a path template), the one
    /// of this scope.
    #[doc(hidden)]
    fn pick(top_level: &'static str, item: &'static str) -> &'static str;
}
