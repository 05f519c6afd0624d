//! The `Client` and `ClientBuilder` of an API crate, written by [`api_client!`].
//!
//! The generated code of an API adds its resources to its `Client` as inherent methods
//! (`client.conversations()`), which Rust allows only on a type of the API's own crate. So the
//! client type is the API crate's own: the macro, expanded there, writes it around a [`Core`]
//! (credentials, hosts, connections, retries), and writes its builder around a [`CoreBuilder`].
//! It also names the crate where a name must be fixed at compile time: the `tracing` span of
//! each request (`<crate>.request`) and the `User-Agent` (`<package>-rust/<version>`).
//!
//! [`Core`]: crate::Core
//! [`CoreBuilder`]: crate::CoreBuilder

/// Writes an API crate's `Client` and `ClientBuilder` (see the module docs): `base_url` is the
/// API's server from its spec, `title` what the docs call the API.
#[macro_export]
macro_rules! api_client {
    (
        client: $client:ident,
        builder: $builder:ident,
        base_url: $base_url:expr,
        title: $title:literal $(,)?
    ) => {
        static __TWILIO_API: $crate::support::ApiIdentity = $crate::support::ApiIdentity {
            default_base_url: $base_url,
            package: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
            request_span: __twilio_request_span,
        };

        /// The span every request of this crate runs in: method, path template, attempt,
        /// status and `Twilio-Request-Id`; never a value, a credential or a body.
        fn __twilio_request_span(
            method: &$crate::support::Method,
            template: &'static str,
        ) -> $crate::support::tracing::Span {
            $crate::support::tracing::debug_span!(
                concat!(env!("CARGO_CRATE_NAME"), ".request"),
                method = %method,
                path = template,
                attempt = $crate::support::tracing::field::Empty,
                status = $crate::support::tracing::field::Empty,
                request_id = $crate::support::tracing::field::Empty,
            )
        }

        #[doc = concat!("A client of ", $title, ".")]
        ///
        /// Holds the account, credentials, host, timeouts and retry policy, and a pool of
        /// connections; cheap to clone (an `Arc` inside), so share one per process. Make one
        #[doc = concat!(
            "with [`", stringify!($client), "::from_env`], [`", stringify!($client),
            "::new`] or [`", stringify!($client), "::builder`]."
        )]
        #[derive(Clone)]
        pub struct $client {
            core: $crate::Core,
        }

        /// Shows the base URL, account SID, credential kind, timeouts and retry policy; never a
        /// secret.
        impl ::std::fmt::Debug for $client {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Debug::fmt(&self.core, f)
            }
        }

        impl $crate::support::ApiClient for $client {
            fn core(&self) -> &$crate::Core {
                &self.core
            }
        }

        impl $client {
            /// A client authenticating with an account SID and auth token.
            pub fn new(
                account_sid: impl Into<String>,
                auth_token: impl Into<String>,
            ) -> Result<Self, $crate::Error> {
                Self::builder()
                    .account_sid(account_sid)
                    .auth_token(auth_token)
                    .build()
            }

            /// Configure a client step by step.
            pub fn builder() -> $builder {
                $builder::new()
            }

            /// A client configured from the environment; see
            #[doc = concat!("[`", stringify!($builder), "::from_env`].")]
            pub fn from_env() -> Result<Self, $crate::Error> {
                $builder::from_env()?.build()
            }

            /// The base URL requests go to (no trailing slash).
            pub fn base_url(&self) -> &str {
                self.core.base_url()
            }

            /// The account SID this client acts for.
            pub fn account_sid(&self) -> &str {
                self.core.account_sid()
            }

            /// The base URL for an API whose spec names `spec_base_url` as its server; see
            /// [`Core::host_for`]($crate::Core::host_for).
            pub fn host_for(&self, spec_base_url: &str) -> Result<String, $crate::Error> {
                self.core.host_for(spec_base_url)
            }

            /// The retry policy of this client.
            pub fn retry_policy(&self) -> $crate::RetryPolicy {
                self.core.retry_policy()
            }

            /// A client that shares this one's connections and settings but retries by
            /// `policy`, e.g. `client.with_retry_policy(RetryPolicy::none())` for one call that
            /// must not wait.
            pub fn with_retry_policy(&self, policy: $crate::RetryPolicy) -> Self {
                $client {
                    core: self.core.with_retry_policy(policy),
                }
            }

            /// The runtime part of this client, for code that works with any API crate.
            pub fn core(&self) -> &$crate::Core {
                &self.core
            }
        }

        #[doc = concat!(
            "Settings of a [`", stringify!($client), "`]: credentials, region and edge or a base ",
            "URL, timeouts, retries. [`build`](Self::build) checks them all."
        )]
        #[derive(Clone, Debug)]
        pub struct $builder {
            core: $crate::CoreBuilder,
        }

        impl Default for $builder {
            fn default() -> Self {
                Self::new()
            }
        }

        impl $builder {
            /// An empty builder (same as
            #[doc = concat!("[`", stringify!($client), "::builder`]).")]
            pub fn new() -> Self {
                $builder {
                    core: $crate::CoreBuilder::new(&__TWILIO_API),
                }
            }

            /// The account SID (`AC...`). Required with either credential kind.
            pub fn account_sid(self, sid: impl Into<String>) -> Self {
                $builder { core: self.core.account_sid(sid) }
            }

            /// The account's auth token.
            pub fn auth_token(self, token: impl Into<String>) -> Self {
                $builder { core: self.core.auth_token(token) }
            }

            /// Authenticate with an API key (`SK...`) and its secret instead of the auth token
            /// (the key is used when both are given). The account SID is still required: it
            /// says which account the key acts for.
            pub fn api_key(self, key_sid: impl Into<String>, secret: impl Into<String>) -> Self {
                $builder { core: self.core.api_key(key_sid, secret) }
            }

            /// Twilio region to process requests in (`ie1`, `au1`); see
            /// [`edge`](Self::edge) for how the host is formed.
            pub fn region(self, region: impl Into<String>) -> Self {
                $builder { core: self.core.region(region) }
            }

            /// Twilio edge location (`dublin`, `sydney`). The host is
            /// `{product}.{edge}.{region}.twilio.com`; a region alone gets the edge Twilio
            /// names for it (`ie1`: `dublin`, `au1`: `sydney`), an edge alone region `us1`,
            /// and any other region alone is an error at `build()`. The whole table is at
            /// [`CoreBuilder::edge`]($crate::CoreBuilder::edge).
            pub fn edge(self, edge: impl Into<String>) -> Self {
                $builder { core: self.core.edge(edge) }
            }

            /// Send requests somewhere other than Twilio (a mock server, a proxy); may end with
            /// a path prefix, and takes precedence over region and edge. Plain `http://` is
            /// accepted for loopback hosts only, unless
            /// [`danger_accept_plain_http`](Self::danger_accept_plain_http) is set.
            pub fn base_url(self, url: impl Into<String>) -> Self {
                $builder { core: self.core.base_url(url) }
            }

            /// Send the requests of the API whose spec server is `spec_base_url` (another host
            /// than the main one) to `url` instead, checked like
            /// [`base_url`](Self::base_url).
            pub fn api_base_url(self, spec_base_url: &str, url: impl Into<String>) -> Self {
                $builder { core: self.core.api_base_url(spec_base_url, url) }
            }

            /// Accept a plain `http://` base URL on any host. The credentials then cross the
            /// network unencrypted: only for a trusted network segment.
            pub fn danger_accept_plain_http(self, accept: bool) -> Self {
                $builder { core: self.core.danger_accept_plain_http(accept) }
            }

            /// Time limit of one attempt, from connecting to the last body byte (default 30 s).
            pub fn timeout(self, timeout: ::std::time::Duration) -> Self {
                $builder { core: self.core.timeout(timeout) }
            }

            /// Time limit for establishing a connection, TLS included (default 10 s).
            pub fn connect_timeout(self, timeout: ::std::time::Duration) -> Self {
                $builder { core: self.core.connect_timeout(timeout) }
            }

            /// How failed attempts are retried (default
            /// [`RetryPolicy::default`]($crate::RetryPolicy::default); switch off with
            /// [`RetryPolicy::none`]($crate::RetryPolicy::none)).
            pub fn retry_policy(self, policy: $crate::RetryPolicy) -> Self {
                $builder { core: self.core.retry_policy(policy) }
            }

            /// Text appended to the User-Agent, e.g. `my-app/1.2`.
            pub fn user_agent_extension(self, text: impl Into<String>) -> Self {
                $builder { core: self.core.user_agent_extension(text) }
            }

            /// A builder from the process environment: `TWILIO_ACCOUNT_SID` (required),
            /// `TWILIO_API_KEY` with `TWILIO_API_SECRET`, or `TWILIO_AUTH_TOKEN`, and the
            /// optional `TWILIO_REGION` and `TWILIO_EDGE`. Empty variables count as unset; an
            /// API key without its secret (or the reverse) is an error, not a fallback.
            pub fn from_env() -> Result<Self, $crate::Error> {
                $crate::CoreBuilder::from_env(&__TWILIO_API).map(|core| $builder { core })
            }

            /// [`from_env`](Self::from_env) reading variables through `get` (for tests, or for
            /// settings kept elsewhere).
            pub fn from_env_with(
                get: impl Fn(&str) -> Option<String>,
            ) -> Result<Self, $crate::Error> {
                $crate::CoreBuilder::from_env_with(&__TWILIO_API, get).map(|core| $builder { core })
            }

            /// Check the settings and build the client: an [`Error::Config`]($crate::Error::Config)
            /// says what to fix, without quoting a secret.
            pub fn build(self) -> Result<$client, $crate::Error> {
                self.core.build().map(|core| $client { core })
            }
        }
    };
}
