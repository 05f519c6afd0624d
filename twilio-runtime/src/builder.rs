//! Building a [`Core`]: credentials (from arguments or the environment), hosts, timeouts,
//! retries, and the checks that turn a bad setting into an [`Error::Config`] that says what to
//! fix without quoting a secret.

use crate::core::{ApiIdentity, Auth, Core, Credentials, Hosts, Inner, Secret};
use crate::error::Error;
use crate::hosts::{custom_base_url, regional_base_url};
use crate::retry::RetryPolicy;
use crate::user_agent::user_agent;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Default time limit of one attempt, from connecting to the last body byte.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Default time limit for establishing a connection (TCP and TLS).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Builder for a [`Core`]; an API crate's `ClientBuilder` wraps one and has the same methods.
#[derive(Clone)]
pub struct CoreBuilder {
    api: &'static ApiIdentity,
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
    /// `(spec server URL, base URL)`: see [`CoreBuilder::api_base_url`].
    host_overrides: Vec<(String, String)>,
}

impl fmt::Debug for CoreBuilder {
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

impl CoreBuilder {
    /// An empty builder for the API `api` describes.
    #[doc(hidden)]
    pub fn new(api: &'static ApiIdentity) -> Self {
        CoreBuilder {
            api,
            account_sid: None,
            auth_token: None,
            api_key: None,
            api_secret: None,
            region: None,
            edge: None,
            base_url: None,
            timeout: None,
            connect_timeout: None,
            retry: None,
            user_agent_extension: None,
            plain_http: false,
            host_overrides: Vec::new(),
        }
    }

    /// The account SID (`AC...`). Required with either credential kind.
    pub fn account_sid(mut self, sid: impl Into<String>) -> Self {
        self.account_sid = Some(sid.into());
        self
    }

    /// The account's auth token.
    pub fn auth_token(mut self, token: impl Into<String>) -> Self {
        self.auth_token = Some(Secret::new(token));
        self
    }

    /// Authenticate with an API key (`SK...`) and its secret instead of the auth token (the
    /// key is used when both are given). The account SID is still required: it says which
    /// account the key acts for.
    pub fn api_key(mut self, key_sid: impl Into<String>, secret: impl Into<String>) -> Self {
        self.api_key = Some(key_sid.into());
        self.api_secret = Some(Secret::new(secret));
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
    /// The host is `{product}.{edge}.{region}.twilio.com` (shown for `conversations`), the form Twilio answers on:
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
    pub fn api_base_url(mut self, spec_base_url: &str, url: impl Into<String>) -> Self {
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
    pub fn from_env(api: &'static ApiIdentity) -> Result<Self, Error> {
        Self::from_env_with(api, |k| std::env::var(k).ok())
    }

    /// [`from_env`](Self::from_env) reading variables through `get` (for tests, or for
    /// settings kept elsewhere).
    pub fn from_env_with(
        api: &'static ApiIdentity,
        get: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, Error> {
        let var = |name: &str| get(name).filter(|v| !v.trim().is_empty());
        let mut b = CoreBuilder::new(api);
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
    pub fn build(self) -> Result<Core, Error> {
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
                self.api.default_base_url,
                self.region.as_deref(),
                self.edge.as_deref(),
            )?,
        };
        let mut user_agent = user_agent(self.api.package, self.api.version);
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
        Ok(Core {
            inner: Arc::new(Inner {
                http,
                base_url,
                authorization: credentials.authorization()?,
                credentials,
                retry: self.retry.unwrap_or_default(),
                timeout,
                connect_timeout,
                hosts,
                api: self.api,
                shared: Arc::new(Mutex::new(Vec::new())),
            }),
        })
    }
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
