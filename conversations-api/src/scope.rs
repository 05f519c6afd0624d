//! The two scopes a resource can be reached in.

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::DefaultScope {}
    impl Sealed for super::ServiceScope {}
}

/// Which variant of a resource a handle talks to. Implemented by [`DefaultScope`] and
/// [`ServiceScope`] only.
pub trait Scope: sealed::Sealed + Clone + Copy + std::fmt::Debug + Send + Sync + 'static {
    #[doc(hidden)]
    fn pick(default: &'static str, service: &'static str) -> &'static str;
}

/// The account's default conversation service: `/v1/...`, reached from the `Client`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct DefaultScope;

/// A chosen conversation service: `/v1/Services/{ChatServiceSid}/...`, reached from
/// `client.service(sid)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ServiceScope;

impl Scope for DefaultScope {
    fn pick(default: &'static str, _service: &'static str) -> &'static str {
        default
    }
}

impl Scope for ServiceScope {
    fn pick(_default: &'static str, service: &'static str) -> &'static str {
        service
    }
}
