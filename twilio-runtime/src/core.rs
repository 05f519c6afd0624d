//! The part of a client every API crate shares: account and credentials, hosts, the HTTP
//! connection pool and the retry policy. An API crate's `Client` (made by
//! [`api_client!`](crate::api_client)) wraps one [`Core`] and adds the API's resources.

use crate::error::Error;
use crate::hosts::regional_base_url;
use crate::retry::RetryPolicy;
use std::any::Any;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A string that never shows in `Debug` (an auth token, an API key secret): it is written as
/// `"***"`, so a `{:?}` of anything that holds one cannot leak it.
#[derive(Clone)]
pub struct Secret(String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"***\"")
    }
}

impl Secret {
    /// Keep `value` as a secret.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The secret itself, for the one place it must go (a header, a MAC key).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// How requests authenticate (HTTP Basic).
#[derive(Clone)]
pub(crate) enum Auth {
    /// User = account SID, password = auth token.
    AuthToken(Secret),
    /// User = API key SID (`SK...`), password = the key's secret.
    ApiKey { sid: String, secret: Secret },
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::AuthToken(_) => f.write_str("AuthToken(\"***\")"),
            Auth::ApiKey { sid, .. } => f
                .debug_struct("ApiKey")
                .field("sid", sid)
                .field("secret", &"***")
                .finish(),
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Credentials {
    pub(crate) account_sid: String,
    pub(crate) auth: Auth,
}

impl Credentials {
    /// Basic-auth user: the account SID, or the API key SID.
    pub(crate) fn username(&self) -> &str {
        match &self.auth {
            Auth::AuthToken(_) => &self.account_sid,
            Auth::ApiKey { sid, .. } => sid,
        }
    }

    /// Basic-auth password: the auth token or the API key secret.
    pub(crate) fn password(&self) -> &str {
        match &self.auth {
            Auth::AuthToken(token) => token.expose(),
            Auth::ApiKey { secret, .. } => secret.expose(),
        }
    }

    /// The `Authorization` header these credentials send, built once per client rather than
    /// base64-encoded again for every request. It is marked sensitive, so it never shows in
    /// the HTTP layer's `Debug`, and the HTTP/2 encoder never indexes it.
    pub(crate) fn authorization(&self) -> Result<reqwest::header::HeaderValue, Error> {
        use base64::Engine as _;
        let pair = format!("{}:{}", self.username(), self.password());
        let encoded = base64::engine::general_purpose::STANDARD.encode(pair);
        // Base64 text is visible ASCII, which a header value accepts; the error is not
        // expected, and it names no part of the secret.
        let mut value = reqwest::header::HeaderValue::try_from(format!("Basic {encoded}"))
            .map_err(|_| Error::Config("the credentials do not make a header value".into()))?;
        value.set_sensitive(true);
        Ok(value)
    }
}

pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    /// `scheme://host[:port][/prefix]`, no trailing slash.
    pub(crate) base_url: String,
    pub(crate) credentials: Credentials,
    /// [`Credentials::authorization`], kept for every request.
    pub(crate) authorization: reqwest::header::HeaderValue,
    pub(crate) retry: RetryPolicy,
    pub(crate) timeout: Duration,
    pub(crate) connect_timeout: Duration,
    /// Where the APIs on hosts of their own go (see [`Core::host_for`]).
    pub(crate) hosts: Hosts,
    /// What API this client is for: its default host and the span its requests run in.
    pub(crate) api: &'static ApiIdentity,
    /// State an API crate keeps per client (see [`Core::shared`]); shared by every clone and
    /// by [`Core::with_retry_policy`].
    pub(crate) shared: Arc<Mutex<Vec<Arc<dyn Any + Send + Sync>>>>,
}

/// The settings that place an API served from another host than the main one.
#[derive(Clone, Debug, Default)]
pub(crate) struct Hosts {
    pub(crate) region: Option<String>,
    pub(crate) edge: Option<String>,
    /// The main base URL was given by the user (a mock, a proxy).
    pub(crate) custom: bool,
    /// `(spec server URL, base URL to use instead)`, given by the user.
    pub(crate) overrides: Vec<(String, String)>,
}

/// What the runtime knows of the API crate a [`Core`] serves, written once per crate by
/// [`api_client!`](crate::api_client).
#[doc(hidden)]
#[derive(Debug)]
pub struct ApiIdentity {
    /// The API's server from its spec (`https://conversations.twilio.com`).
    pub default_base_url: &'static str,
    /// The crate's package name and version, for the `User-Agent`.
    pub package: &'static str,
    pub version: &'static str,
    /// Makes the `tracing` span a request runs in. A span's name is fixed where the span is
    /// written, so the API crate writes it (`conversations_api.request`).
    pub request_span: fn(&reqwest::Method, &'static str) -> tracing::Span,
}

/// Credentials, hosts, connections and retry policy. Cheap to clone (an `Arc` inside).
///
/// Users meet it inside their API crate's `Client`; its methods there are the same.
#[derive(Clone)]
pub struct Core {
    pub(crate) inner: Arc<Inner>,
}

impl fmt::Debug for Core {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("Client")
            .field("base_url", &inner.base_url)
            .field("account_sid", &inner.credentials.account_sid)
            .field("auth", &inner.credentials.auth)
            .field("timeout", &inner.timeout)
            .field("connect_timeout", &inner.connect_timeout)
            .field("retry", &inner.retry)
            .finish()
    }
}

/// The path parameters a client supplies itself, from its own settings: `AccountSid` (its
/// account SID), the parent Twilio's account-wide APIs put every resource under. The
/// generator reaches resources without naming these only for parameters in this list, so a
/// generated accessor never depends on a value no client has.
pub const CLIENT_PATH_PARAMETERS: &[&str] = &["AccountSid"];

impl Core {
    /// The base URL requests go to (no trailing slash).
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The value of a path parameter the client supplies itself (one of
    /// [`CLIENT_PATH_PARAMETERS`]).
    pub fn path_value(&self, name: &str) -> Option<String> {
        match name {
            "AccountSid" => Some(self.account_sid().to_string()),
            _ => None,
        }
    }

    /// The account SID this client acts for.
    pub fn account_sid(&self) -> &str {
        &self.inner.credentials.account_sid
    }

    /// The base URL for an API whose spec names `spec_base_url` as its server (the Media
    /// Content Service, say): a base URL set for it on the builder; otherwise the client's own
    /// base URL when that was set by hand (a mock or proxy then serves both, and the
    /// credentials never go to a host nobody named); otherwise `spec_base_url` with the
    /// client's region and edge applied by the same rule as the main host
    /// (`mcs.us1.twilio.com` becomes `mcs.dublin.ie1.twilio.com` for edge `dublin`, region `ie1`).
    pub fn host_for(&self, spec_base_url: &str) -> Result<String, Error> {
        let hosts = &self.inner.hosts;
        let spec = spec_base_url.trim_end_matches('/');
        if spec == self.inner.api.default_base_url.trim_end_matches('/') {
            return Ok(self.inner.base_url.clone());
        }
        if let Some((_, url)) = hosts.overrides.iter().find(|(s, _)| s == spec) {
            return Ok(url.clone());
        }
        if hosts.custom {
            return Ok(self.inner.base_url.clone());
        }
        regional_base_url(spec, hosts.region.as_deref(), hosts.edge.as_deref())
    }

    /// The retry policy of this client.
    pub fn retry_policy(&self) -> RetryPolicy {
        self.inner.retry
    }

    /// A client that shares this one's connections and settings but retries by `policy`,
    /// e.g. `client.with_retry_policy(RetryPolicy::none())` for one call that must not wait.
    pub fn with_retry_policy(&self, policy: RetryPolicy) -> Core {
        let inner = &self.inner;
        Core {
            inner: Arc::new(Inner {
                http: inner.http.clone(),
                base_url: inner.base_url.clone(),
                credentials: inner.credentials.clone(),
                authorization: inner.authorization.clone(),
                retry: policy,
                timeout: inner.timeout,
                connect_timeout: inner.connect_timeout,
                hosts: inner.hosts.clone(),
                api: inner.api,
                shared: Arc::clone(&inner.shared),
            }),
        }
    }

    /// This client's one value of `T`, made with `T::default()` on first use and shared by
    /// every clone of the client: state an API crate keeps per client, such as a value looked
    /// up once (the account's default Conversations service).
    #[doc(hidden)]
    pub fn shared<T: Default + Send + Sync + 'static>(&self) -> Arc<T> {
        // A poisoned lock only means another thread panicked while holding it; the list is
        // still whole (entries are only ever pushed).
        let mut list = self
            .inner
            .shared
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        for entry in list.iter() {
            if let Ok(found) = Arc::clone(entry).downcast::<T>() {
                return found;
            }
        }
        let made = Arc::new(T::default());
        list.push(made.clone());
        made
    }
}
