//! The client: credentials, host (region and edge, or a base URL), timeouts, retries and the
//! HTTP connection pool.

use crate::error::Error;
use crate::retry::RetryPolicy;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// Default API host, from the spec's server.
pub const DEFAULT_BASE_URL: &str = crate::generated::BASE_URL;

/// Default time limit of one attempt, from connecting to the last body byte.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Default time limit for establishing a connection (TCP and TLS).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Twilio's default region, implied when only an edge is given.
const DEFAULT_REGION: &str = "us1";

/// The edge that goes with a processing region given without one. Since 2026-04-28 Twilio
/// answers on `PRODUCT.REGION.twilio.com` for `us1` only; the other processing regions are
/// reached as `PRODUCT.EDGE.REGION.twilio.com`, and Twilio's edge-location pages name one host
/// for each: `dublin.ie1` and `sydney.au1` (docs/twilio-facts.md, "Hosts").
const REGION_EDGES: &[(&str, &str)] = &[("ie1", "dublin"), ("au1", "sydney")];

/// A string that never shows in `Debug` or `Display`.
#[derive(Clone)]
pub(crate) struct Secret(pub(crate) String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"***\"")
    }
}

impl Secret {
    pub(crate) fn expose(&self) -> &str {
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
    fn authorization(&self) -> Result<reqwest::header::HeaderValue, Error> {
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
    timeout: Duration,
    connect_timeout: Duration,
    /// Where the APIs on hosts of their own go (see [`Client::host_for`]).
    hosts: Hosts,
    /// The account's default Conversations service SID, looked up once by the media helpers
    /// and shared by every clone of this client (an `Arc`, so `with_retry_policy` shares it
    /// too). A failed lookup leaves it empty, so the next call tries again.
    #[allow(dead_code)] // used by `media_upload.rs`, which crates for other specs leave out
    pub(crate) default_service_sid: Arc<tokio::sync::OnceCell<String>>,
}

/// The settings that place an API served from another host than the main one.
#[derive(Clone, Debug, Default)]
struct Hosts {
    region: Option<String>,
    edge: Option<String>,
    /// The main base URL was given by the user (a mock, a proxy).
    custom: bool,
    /// `(spec server URL, base URL to use instead)`, given by the user.
    overrides: Vec<(String, String)>,
}

/// A Conversations API client. Cheap to clone (an `Arc` inside); share one per process so
/// connections are pooled.
///
/// ```no_run
/// # fn demo() -> Result<(), conversations_api::Error> {
/// use conversations_api::{Client, RetryPolicy};
/// use std::time::Duration;
///
/// // TWILIO_ACCOUNT_SID with TWILIO_AUTH_TOKEN, or TWILIO_API_KEY + TWILIO_API_SECRET;
/// // TWILIO_REGION / TWILIO_EDGE if set.
/// let client = Client::from_env()?;
///
/// // Or spelled out:
/// let client = Client::builder()
///     .account_sid("AC00000000000000000000000000000000")
///     .api_key("SK00000000000000000000000000000000", "the key's secret")
///     .region("ie1")
///     .edge("dublin")
///     .timeout(Duration::from_secs(20))
///     .retry_policy(RetryPolicy::default().max_attempts(5))
///     .build()?;
/// assert_eq!(client.base_url(), "https://conversations.dublin.ie1.twilio.com");
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

impl fmt::Debug for Client {
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

impl Client {
    /// A client authenticating with an account SID and auth token.
    pub fn new(
        account_sid: impl Into<String>,
        auth_token: impl Into<String>,
    ) -> Result<Self, Error> {
        Self::builder()
            .account_sid(account_sid)
            .auth_token(auth_token)
            .build()
    }

    /// Configure a client step by step.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the environment; see [`ClientBuilder::from_env`].
    pub fn from_env() -> Result<Self, Error> {
        ClientBuilder::from_env()?.build()
    }

    /// The base URL requests go to (no trailing slash).
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The value of a path parameter the client can supply itself: its account SID for
    /// `AccountSid`, the one parent Twilio's account-wide APIs put every resource under.
    pub(crate) fn path_value(&self, name: &str) -> Option<String> {
        (name == "AccountSid").then(|| self.account_sid().to_string())
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
        if spec == DEFAULT_BASE_URL.trim_end_matches('/') {
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
    pub fn with_retry_policy(&self, policy: RetryPolicy) -> Client {
        Client {
            inner: Arc::new(Inner {
                http: self.inner.http.clone(),
                base_url: self.inner.base_url.clone(),
                credentials: self.inner.credentials.clone(),
                authorization: self.inner.authorization.clone(),
                retry: policy,
                timeout: self.inner.timeout,
                connect_timeout: self.inner.connect_timeout,
                hosts: self.inner.hosts.clone(),
                default_service_sid: Arc::clone(&self.inner.default_service_sid),
            }),
        }
    }
}

/// Builder for [`Client`].
#[derive(Default, Clone)]
pub struct ClientBuilder {
    account_sid: Option<String>,
    auth_token: Option<Secret>,
    api_key: Option<String>,
    api_secret: Option<Secret>,
    region: Option<String>,
    edge: Option<String>,
    base_url: Option<String>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
    user_agent_extension: Option<String>,
    plain_http: bool,
    /// `(spec server URL, base URL)`: see [`ClientBuilder::host_override`].
    host_overrides: Vec<(String, String)>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("account_sid", &self.account_sid)
            .field("auth_token", &self.auth_token)
            .field("api_key", &self.api_key)
            .field("api_secret", &self.api_secret)
            .field("region", &self.region)
            .field("edge", &self.edge)
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry", &self.retry)
            .field("user_agent_extension", &self.user_agent_extension)
            .field("host_overrides", &self.host_overrides)
            .finish()
    }
}

impl ClientBuilder {
    /// An empty builder (same as [`Client::builder`]).
    pub fn new() -> Self {
        Self::default()
    }

    /// The account SID (`AC...`). Required with either credential kind.
    pub fn account_sid(mut self, sid: impl Into<String>) -> Self {
        self.account_sid = Some(sid.into());
        self
    }

    /// The account's auth token.
    pub fn auth_token(mut self, token: impl Into<String>) -> Self {
        self.auth_token = Some(Secret(token.into()));
        self
    }

    /// Authenticate with an API key (`SK...`) and its secret instead of the auth token (the
    /// key is used when both are given). The account SID is still required: it says which
    /// account the key acts for.
    pub fn api_key(mut self, key_sid: impl Into<String>, secret: impl Into<String>) -> Self {
        self.api_key = Some(key_sid.into());
        self.api_secret = Some(Secret(secret.into()));
        self
    }

    /// Twilio region to process requests in (e.g. `ie1`, `au1`). See [`edge`](Self::edge) for
    /// how the host is formed.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Twilio edge location to connect to (e.g. `dublin`, `sydney`).
    ///
    /// The host is `conversations.{edge}.{region}.twilio.com`, the form Twilio answers on:
    ///
    /// | region | edge | host |
    /// | --- | --- | --- |
    /// | none | none | `conversations.twilio.com` |
    /// | `ie1` | none | `conversations.dublin.ie1.twilio.com` (the edge Twilio names for it) |
    /// | `au1` | none | `conversations.sydney.au1.twilio.com` (likewise) |
    /// | `us1` | none | `conversations.us1.twilio.com` |
    /// | any | `e` | `conversations.e.{region}.twilio.com` |
    /// | none | `e` | `conversations.e.us1.twilio.com` |
    ///
    /// Any other region without an edge is an [`Error::Config`] at `build()`: its old host
    /// (`conversations.jp1.twilio.com`, say) stopped answering on 2026-04-28, and Twilio
    /// processes data only in `us1`, `ie1` and `au1`. Next-page links are followed on the same
    /// host.
    pub fn edge(mut self, edge: impl Into<String>) -> Self {
        self.edge = Some(edge.into());
        self
    }

    /// Send requests somewhere other than Twilio (a mock server, a proxy); may end with a
    /// path prefix. Takes precedence over [`region`](Self::region) and [`edge`](Self::edge).
    /// Plain `http://` is accepted for loopback hosts only, unless
    /// [`danger_accept_plain_http`](Self::danger_accept_plain_http) is set.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Send the requests of the API whose spec server is `spec_base_url` (another host than
    /// the main one, such as the Media Content Service) to `url` instead, checked like
    /// [`base_url`](Self::base_url).
    #[allow(dead_code)] // used by `media_upload.rs`, which crates for other specs leave out
    pub(crate) fn host_override(mut self, spec_base_url: &str, url: impl Into<String>) -> Self {
        let spec = spec_base_url.trim_end_matches('/').to_string();
        self.host_overrides.retain(|(s, _)| *s != spec);
        self.host_overrides.push((spec, url.into()));
        self
    }

    /// Accept a plain `http://` base URL on any host. The credentials then cross the network
    /// unencrypted: only for a trusted network segment.
    pub fn danger_accept_plain_http(mut self, accept: bool) -> Self {
        self.plain_http = accept;
        self
    }

    /// Time limit of one attempt, from connecting to the last body byte (default 30 s).
    /// Exceeding it gives [`Error::Timeout`] (after retries, if the rules allow any).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Time limit for establishing a connection, TLS included (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// How failed attempts are retried (default [`RetryPolicy::default`]; switch off with
    /// [`RetryPolicy::none`]).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Text appended to the User-Agent, e.g. `my-app/1.2`.
    pub fn user_agent_extension(mut self, text: impl Into<String>) -> Self {
        self.user_agent_extension = Some(text.into());
        self
    }

    /// A builder from the process environment:
    ///
    /// | variable | meaning |
    /// | --- | --- |
    /// | `TWILIO_ACCOUNT_SID` | required |
    /// | `TWILIO_API_KEY`, `TWILIO_API_SECRET` | API key auth (both or neither) |
    /// | `TWILIO_AUTH_TOKEN` | auth token, used when no API key is set |
    /// | `TWILIO_REGION`, `TWILIO_EDGE` | optional, see [`edge`](Self::edge) |
    ///
    /// Empty variables count as unset. Further settings can be chained before `build()`.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_env_with(|k| std::env::var(k).ok())
    }

    /// [`from_env`](Self::from_env) reading variables through `get` (for tests, or for
    /// settings kept elsewhere).
    pub fn from_env_with(get: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let var = |name: &str| get(name).filter(|v| !v.trim().is_empty());
        let mut b = ClientBuilder::default();
        let account = var("TWILIO_ACCOUNT_SID")
            .ok_or_else(|| Error::Config("TWILIO_ACCOUNT_SID is not set".into()))?;
        b = b.account_sid(account);
        b = match (
            var("TWILIO_API_KEY"),
            var("TWILIO_API_SECRET"),
            var("TWILIO_AUTH_TOKEN"),
        ) {
            (Some(key), Some(secret), _) => b.api_key(key, secret),
            (Some(_), None, _) => {
                return Err(Error::Config(
                    "TWILIO_API_KEY is set but TWILIO_API_SECRET is not".into(),
                ))
            }
            (None, Some(_), _) => {
                return Err(Error::Config(
                    "TWILIO_API_SECRET is set but TWILIO_API_KEY is not".into(),
                ))
            }
            (None, None, Some(token)) => b.auth_token(token),
            (None, None, None) => {
                return Err(Error::Config(
                    "set TWILIO_AUTH_TOKEN, or TWILIO_API_KEY and TWILIO_API_SECRET".into(),
                ))
            }
        };
        if let Some(region) = var("TWILIO_REGION") {
            b = b.region(region);
        }
        if let Some(edge) = var("TWILIO_EDGE") {
            b = b.edge(edge);
        }
        Ok(b)
    }

    /// Check the settings and build the client.
    pub fn build(self) -> Result<Client, Error> {
        let account_sid = self
            .account_sid
            .ok_or_else(|| Error::Config("an account SID is required".into()))?;
        check_account_sid(&account_sid)?;
        let auth = match (self.api_key, self.api_secret, self.auth_token) {
            (Some(sid), Some(secret), _) => {
                check_api_key_sid(&sid)?;
                check_secret("API key secret", &secret)?;
                Auth::ApiKey { sid, secret }
            }
            (_, _, Some(token)) => {
                check_secret("auth token", &token)?;
                Auth::AuthToken(token)
            }
            _ => {
                return Err(Error::Config(
                    "credentials are required: an auth token, or an API key and secret".into(),
                ))
            }
        };
        let mut overrides = Vec::new();
        for (spec, url) in &self.host_overrides {
            overrides.push((spec.clone(), custom_base_url(url, self.plain_http)?));
        }
        let hosts = Hosts {
            region: self.region.clone(),
            edge: self.edge.clone(),
            custom: self.base_url.is_some(),
            overrides,
        };
        let base_url = match self.base_url {
            Some(url) => custom_base_url(&url, self.plain_http)?,
            None => regional_base_url(
                DEFAULT_BASE_URL,
                self.region.as_deref(),
                self.edge.as_deref(),
            )?,
        };
        let mut user_agent = user_agent();
        if let Some(ext) = &self.user_agent_extension {
            if ext.chars().any(|c| c.is_control() || !c.is_ascii()) {
                return Err(Error::Config(
                    "the User-Agent extension must be printable ASCII".into(),
                ));
            }
            user_agent.push(' ');
            user_agent.push_str(ext.trim());
        }
        let timeout = self.timeout.unwrap_or(DEFAULT_TIMEOUT);
        let connect_timeout = self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT);
        let http = reqwest::Client::builder()
            .user_agent(user_agent)
            .timeout(timeout)
            .connect_timeout(connect_timeout)
            // Below the idle timeout of common load balancers (60 s), so a pooled connection
            // is rarely closed by the far end just as a request goes out on it.
            .pool_idle_timeout(Duration::from_secs(30))
            // Next-page links are followed by this crate (on the configured host), never by
            // the HTTP layer; a redirect would carry the credentials to another host.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::Config(format!("could not build the HTTP client: {e}")))?;
        let credentials = Credentials { account_sid, auth };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                authorization: credentials.authorization()?,
                credentials,
                retry: self.retry.unwrap_or_default(),
                timeout,
                connect_timeout,
                hosts,
                default_service_sid: Arc::new(tokio::sync::OnceCell::new()),
            }),
        })
    }
}

/// `<package>-rust/<version> (<os> <arch>) rust/<rustc version>`, where `<package>` is this
/// crate's name (`conversations-api`, or the name a standalone crate was generated with).
pub(crate) fn user_agent() -> String {
    let rustc = match option_env!("CONVERSATIONS_API_RUSTC_VERSION") {
        Some(v) if !v.is_empty() => v,
        _ => "unknown",
    };
    format!(
        "{}-rust/{} ({} {}) rust/{rustc}",
        env!("CARGO_PKG_NAME"),
        env!("CARGO_PKG_VERSION"),
        std::env::consts::OS,
        std::env::consts::ARCH
    )
}

fn is_sid_text(s: &str) -> bool {
    s.len() > 2 && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Never echoes the value: a swapped argument could put the auth token here.
fn check_account_sid(sid: &str) -> Result<(), Error> {
    if sid.starts_with("AC") && is_sid_text(sid) {
        return Ok(());
    }
    let hint = if sid.starts_with("SK") {
        " (it starts with `SK`, so it is an API key SID: pass it with `api_key(key_sid, secret)` \
         or TWILIO_API_KEY, and give the account's `AC...` SID here)"
    } else if sid.starts_with("AC") {
        " (it contains characters other than letters and digits)"
    } else if sid.len() == 32 && sid.bytes().all(|b| b.is_ascii_hexdigit()) {
        " (it looks like an auth token: are the SID and token swapped?)"
    } else {
        ""
    };
    Err(Error::Config(format!(
        "the account SID must start with `AC`{hint}"
    )))
}

fn check_api_key_sid(sid: &str) -> Result<(), Error> {
    if sid.starts_with("SK") && is_sid_text(sid) {
        return Ok(());
    }
    let hint = if sid.starts_with("AC") {
        " (it starts with `AC`, an account SID: to use the auth token, call `auth_token` \
         instead of `api_key`)"
    } else {
        ""
    };
    Err(Error::Config(format!(
        "the API key SID must start with `SK`{hint}"
    )))
}

fn check_secret(what: &str, secret: &Secret) -> Result<(), Error> {
    let s = secret.expose();
    if s.is_empty() {
        return Err(Error::Config(format!("the {what} is empty")));
    }
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::Config(format!(
            "the {what} contains whitespace or control characters (a stray newline?)"
        )));
    }
    Ok(())
}

/// A DNS label: letters, digits and inner hyphens; lower-cased.
fn dns_label(what: &str, value: &str) -> Result<String, Error> {
    let v = value.trim().to_ascii_lowercase();
    let ok = !v.is_empty()
        && v.len() <= 63
        && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !v.starts_with('-')
        && !v.ends_with('-');
    if ok {
        Ok(v)
    } else {
        Err(Error::Config(format!(
            "the {what} `{value}` is not a host name label (letters, digits, hyphens)"
        )))
    }
}

/// Apply Twilio's region/edge rule to `base` (`https://product[.edge][.region].twilio.com`).
///
/// Like Twilio's own libraries: a region or edge already in `base` is kept unless overridden;
/// an edge without any region gets `us1`. Unlike them (they still build
/// `product.region.twilio.com`, a host Twilio retired), a region other than `us1` without an
/// edge gets the edge Twilio names for it, or is an error (see [`ClientBuilder::edge`]).
pub(crate) fn regional_base_url(
    base: &str,
    region: Option<&str>,
    edge: Option<&str>,
) -> Result<String, Error> {
    let region = region.map(|r| dns_label("region", r)).transpose()?;
    let edge = edge.map(|e| dns_label("edge", e)).transpose()?;
    let trimmed = base.trim_end_matches('/').to_string();
    if region.is_none() && edge.is_none() {
        return Ok(trimmed);
    }
    let url = reqwest::Url::parse(&trimmed)
        .map_err(|e| Error::Config(format!("the API base URL `{base}` is not a URL: {e}")))?;
    let host = url.host_str().unwrap_or_default();
    let labels: Vec<&str> = host.split('.').collect();
    let (product, old_edge, old_region, domain) = match labels.as_slice() {
        [p, d1, d2] => (*p, None, None, [*d1, *d2]),
        [p, r, d1, d2] => (*p, None, Some(*r), [*d1, *d2]),
        [p, e, r, d1, d2] => (*p, Some(*e), Some(*r), [*d1, *d2]),
        _ => {
            return Err(Error::Config(format!(
                "cannot apply a region or edge to the host `{host}`"
            )))
        }
    };
    let mut edge = edge.as_deref().or(old_edge);
    let region = region
        .as_deref()
        .or(old_region)
        .or(edge.map(|_| DEFAULT_REGION));
    if let (None, Some(region)) = (edge, region) {
        if region != DEFAULT_REGION {
            edge = Some(
                REGION_EDGES
                    .iter()
                    .find(|(r, _)| *r == region)
                    .map(|(_, e)| *e)
                    .ok_or_else(|| {
                        Error::Config(format!(
                            "the region `{region}` needs an edge as well: Twilio stopped \
                             answering on `PRODUCT.{region}.twilio.com` on 2026-04-28 and \
                             processes data only in us1, ie1 (edge dublin) and au1 (edge \
                             sydney); leave the region unset for us1, or set an edge"
                        ))
                    })?,
            );
        }
    }
    let mut parts = vec![product];
    parts.extend(edge);
    parts.extend(region);
    parts.extend(domain);
    let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
    let path = url.path().trim_end_matches('/');
    Ok(format!(
        "{}://{}{port}{path}",
        url.scheme(),
        parts.join(".")
    ))
}

/// Check a user-given base URL and normalise it (no trailing slash).
pub(crate) fn custom_base_url(raw: &str, plain_http: bool) -> Result<String, Error> {
    let url = reqwest::Url::parse(raw.trim()).map_err(|e| {
        // The URL is not echoed: it could hold a password.
        Error::Config(format!("the base URL is not a valid URL: {e}"))
    })?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::Config(
            "the base URL must not contain credentials (`user:pass@`); set them on the builder"
                .into(),
        ));
    }
    let host = url
        .host_str()
        .ok_or_else(|| Error::Config(format!("the base URL `{url}` has no host")))?;
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    match url.scheme() {
        "https" => {}
        "http" if loopback || plain_http => {}
        "http" => {
            return Err(Error::Config(format!(
                "the base URL `{url}` is plain http, which would send the credentials \
                 unencrypted; use https (http is accepted for loopback hosts, or with \
                 `danger_accept_plain_http(true)`)"
            )))
        }
        other => {
            return Err(Error::Config(format!(
                "the base URL must start with https:// (or http://), not `{other}:`"
            )))
        }
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::Config(format!(
            "the base URL `{url}` must not have a query or fragment"
        )));
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_and_edge_follow_twilio_rules() {
        let b = "https://conversations.twilio.com";
        let r = |region, edge| regional_base_url(b, region, edge).unwrap();
        assert_eq!(r(None, None), "https://conversations.twilio.com");
        assert_eq!(
            r(Some("IE1"), None),
            "https://conversations.dublin.ie1.twilio.com"
        );
        assert_eq!(r(Some("us1"), None), "https://conversations.us1.twilio.com");
        assert!(matches!(
            regional_base_url(b, Some("jp1"), None),
            Err(Error::Config(m)) if m.contains("jp1")
        ));
        assert_eq!(
            r(None, Some("sydney")),
            "https://conversations.sydney.us1.twilio.com"
        );
        assert_eq!(
            r(Some("AU1"), Some("Sydney")),
            "https://conversations.sydney.au1.twilio.com"
        );
        assert!(regional_base_url(b, Some("evil.com/x"), None).is_err());
        assert!(regional_base_url(b, None, Some("")).is_err());
        assert!(regional_base_url("http://localhost:1", Some("ie1"), None).is_err());
        // A base that already names a region keeps it unless overridden.
        assert_eq!(
            regional_base_url("https://conversations.ie1.twilio.com", None, Some("dublin"))
                .unwrap(),
            "https://conversations.dublin.ie1.twilio.com"
        );
    }

    #[test]
    fn custom_base_urls() {
        assert_eq!(
            custom_base_url("http://127.0.0.1:8080/", false).unwrap(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            custom_base_url("https://proxy.example/twilio/", false).unwrap(),
            "https://proxy.example/twilio"
        );
        assert!(custom_base_url("http://proxy.example", false).is_err());
        assert!(custom_base_url("http://proxy.example", true).is_ok());
        assert!(custom_base_url("ftp://x", false).is_err());
        assert!(custom_base_url("https://x?y=1", false).is_err());
        let e = custom_base_url("https://u:hunter2@x", false).unwrap_err();
        assert!(!e.to_string().contains("hunter2"));
    }

    #[test]
    fn user_agent_has_every_part() {
        let ua = user_agent();
        assert!(ua.starts_with(concat!(
            env!("CARGO_PKG_NAME"),
            "-rust/",
            env!("CARGO_PKG_VERSION")
        )));
        assert!(ua.contains(std::env::consts::OS));
        assert!(ua.contains(" rust/"));
    }
}
