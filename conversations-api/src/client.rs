//! The client: credentials, base URL and the HTTP connection pool.

use crate::error::Error;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// Default API host, from the spec's server.
pub const DEFAULT_BASE_URL: &str = crate::generated::BASE_URL;

/// A string that never shows in `Debug` or `Display`.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Secret(String);

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

#[derive(Clone, Debug)]
pub(crate) struct Credentials {
    /// Basic-auth user: the account SID, or the API key SID.
    pub(crate) username: String,
    pub(crate) password: Secret,
    pub(crate) account_sid: String,
}

pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: String,
    pub(crate) credentials: Credentials,
}

/// A Conversations API client. Cheap to clone (an `Arc` inside); share one per process.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("account_sid", &self.inner.credentials.account_sid)
            .field("username", &self.inner.credentials.username)
            .field("password", &self.inner.credentials.password)
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

    /// A client from `TWILIO_ACCOUNT_SID` plus either `TWILIO_API_KEY` and `TWILIO_API_SECRET`
    /// or `TWILIO_AUTH_TOKEN`.
    pub fn from_env() -> Result<Self, Error> {
        ClientBuilder::from_env_with(|k| std::env::var(k).ok())?.build()
    }

    /// The base URL requests go to (no trailing slash).
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The account SID this client acts for.
    pub fn account_sid(&self) -> &str {
        &self.inner.credentials.account_sid
    }
}

/// Builder for [`Client`].
#[derive(Default, Clone)]
pub struct ClientBuilder {
    account_sid: Option<String>,
    auth_token: Option<Secret>,
    api_key: Option<String>,
    api_secret: Option<Secret>,
    base_url: Option<String>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("account_sid", &self.account_sid)
            .field("auth_token", &self.auth_token)
            .field("api_key", &self.api_key)
            .field("api_secret", &self.api_secret)
            .field("base_url", &self.base_url)
            .finish()
    }
}

impl ClientBuilder {
    /// The account SID (`AC...`).
    pub fn account_sid(mut self, sid: impl Into<String>) -> Self {
        self.account_sid = Some(sid.into());
        self
    }

    /// The account's auth token.
    pub fn auth_token(mut self, token: impl Into<String>) -> Self {
        self.auth_token = Some(Secret(token.into()));
        self
    }

    /// Authenticate with an API key (`SK...`) and its secret instead of the auth token.
    pub fn api_key(mut self, key_sid: impl Into<String>, secret: impl Into<String>) -> Self {
        self.api_key = Some(key_sid.into());
        self.api_secret = Some(Secret(secret.into()));
        self
    }

    /// Send requests somewhere other than the spec's server (a mock, a proxy).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Total time limit per HTTP attempt (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Time limit for establishing a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    pub(crate) fn from_env_with(get: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let mut b = ClientBuilder::default();
        let account = get("TWILIO_ACCOUNT_SID")
            .ok_or_else(|| Error::Config("TWILIO_ACCOUNT_SID is not set".into()))?;
        b = b.account_sid(account);
        match (
            get("TWILIO_API_KEY"),
            get("TWILIO_API_SECRET"),
            get("TWILIO_AUTH_TOKEN"),
        ) {
            (Some(key), Some(secret), _) => b = b.api_key(key, secret),
            (_, _, Some(token)) => b = b.auth_token(token),
            _ => {
                return Err(Error::Config(
                    "set TWILIO_AUTH_TOKEN, or TWILIO_API_KEY and TWILIO_API_SECRET".into(),
                ))
            }
        }
        Ok(b)
    }

    /// Check the settings and build the client.
    pub fn build(self) -> Result<Client, Error> {
        let account_sid = self
            .account_sid
            .ok_or_else(|| Error::Config("an account SID is required".into()))?;
        if !account_sid.starts_with("AC") {
            let hint = if account_sid.starts_with("SK") {
                " (that looks like an API key SID: pass it with `api_key(key_sid, secret)` and give the account SID here)"
            } else {
                ""
            };
            return Err(Error::Config(format!(
                "the account SID must start with `AC`{hint}"
            )));
        }
        let (username, password) = match (self.api_key, self.api_secret, self.auth_token) {
            (Some(key), Some(secret), _) => (key, secret),
            (_, _, Some(token)) => (account_sid.clone(), token),
            _ => {
                return Err(Error::Config(
                    "credentials are required: an auth token, or an API key and secret".into(),
                ))
            }
        };
        let base_url = self
            .base_url
            .unwrap_or_else(|| DEFAULT_BASE_URL.to_string())
            .trim_end_matches('/')
            .to_string();
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            return Err(Error::Config(format!(
                "base URL `{base_url}` must start with http:// or https://"
            )));
        }
        let http = reqwest::Client::builder()
            .user_agent(crate::runtime::user_agent())
            .timeout(self.timeout.unwrap_or(Duration::from_secs(30)))
            .connect_timeout(self.connect_timeout.unwrap_or(Duration::from_secs(10)))
            .build()
            .map_err(|e| Error::Config(format!("could not build the HTTP client: {e}")))?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                credentials: Credentials {
                    username,
                    password,
                    account_sid,
                },
            }),
        })
    }
}
