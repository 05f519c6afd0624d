//! Access tokens for Twilio's client-side Conversations SDKs (browser and mobile).
//!
//! The SDKs do not hold account credentials; your server hands them a short-lived token
//! instead: a JWT signed (HS256) with an API key's secret, carrying a chat grant for one
//! identity on one Conversations service. This module builds such tokens, offline; nothing
//! here talks to Twilio.
//!
//! ```
//! use conversations_api::AccessToken;
//! use std::time::Duration;
//!
//! # fn demo() -> Result<(), conversations_api::AccessTokenError> {
//! let token = AccessToken::builder(
//!     "AC0123456789abcdef0123456789abcdef",
//!     "SK0123456789abcdef0123456789abcdef",
//!     "the API key's secret",
//! )
//! .identity("alice")
//! .chat_service_sid("IS0123456789abcdef0123456789abcdef")
//! .ttl(Duration::from_secs(600))
//! .build()?;
//! let jwt: String = token.to_jwt()?; // hand this to the SDK
//! # let _ = jwt;
//! # Ok(())
//! # }
//! # demo().unwrap();
//! ```
//!
//! The JWT is assembled here (serde_json for the two JSON parts, RustCrypto HMAC-SHA256 for the
//! signature) rather than with a general JWT crate, so the header carries exactly the fields
//! and order Twilio's format uses (`typ`, `alg`, `cty`, then `twr` for a region).

use crate::DateTime;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;
use std::fmt;
use std::time::Duration;
use twilio_runtime::Secret;

/// Lifetime of a token when [`AccessTokenBuilder::ttl`] is not called (Twilio's default).
pub const DEFAULT_TTL: Duration = Duration::from_secs(3600);

/// The longest lifetime Twilio accepts for an access token: 24 hours.
pub const MAX_TTL: Duration = Duration::from_secs(86_400);

/// The content type Twilio's token format puts in the JWT header (`cty`).
const CONTENT_TYPE: &str = "twilio-fpa;v=1";

/// Why a token could not be built. No variant holds the API key secret.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AccessTokenError {
    /// A required setting was not given (`identity` or `chat_service_sid`).
    Missing {
        /// The builder method that sets it.
        field: &'static str,
    },
    /// A SID does not look like a SID of its kind: two letters (`AC`, `SK`, `IS`, `CR`)
    /// followed by 32 hexadecimal digits.
    InvalidSid {
        /// Which setting holds it.
        field: &'static str,
        /// The prefix that kind of SID starts with.
        expected_prefix: &'static str,
        // The value itself is left out: a secret passed in the SID's place by mistake must
        // not end up in an error message or a log.
    },
    /// The identity is empty (or only whitespace): the SDK would log in as nobody.
    EmptyIdentity,
    /// The API key secret is empty: a token signed with it would be rejected.
    EmptySecret,
    /// An endpoint id was set to an empty string.
    EmptyEndpointId,
    /// A region is empty or holds characters other than ASCII letters, digits and `-`.
    InvalidRegion {
        /// The value given.
        value: String,
    },
    /// The lifetime is longer than [`MAX_TTL`]; Twilio rejects such a token.
    TtlTooLong {
        /// The lifetime asked for, in seconds.
        ttl_secs: u64,
        /// [`MAX_TTL`] in seconds.
        max_secs: u64,
    },
    /// The lifetime is shorter than one second: the token would be expired when made.
    TtlTooShort,
    /// The time issued (or the not-before time) is before 1970; JWT times are counted from then.
    TimeBeforeEpoch,
    /// The not-before time is at or after the expiry: the token would never be valid.
    NotBeforeAfterExpiry {
        /// `nbf`, in seconds since 1970.
        not_before: i64,
        /// `exp`, in seconds since 1970.
        expires: i64,
    },
}

impl fmt::Display for AccessTokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing { field } => write!(f, "access token: `{field}` is required"),
            Self::InvalidSid {
                field,
                expected_prefix,
            } => write!(
                f,
                "access token: {field} is not a SID of its kind: expected `{expected_prefix}` \
                 followed by 32 hexadecimal digits"
            ),
            Self::EmptyIdentity => f.write_str("access token: the identity is empty"),
            Self::EmptySecret => f.write_str("access token: the API key secret is empty"),
            Self::EmptyEndpointId => f.write_str("access token: the endpoint id is empty"),
            Self::InvalidRegion { value } => write!(
                f,
                "access token: region {value:?} must be ASCII letters, digits and `-` (e.g. `ie1`)"
            ),
            Self::TtlTooLong { ttl_secs, max_secs } => write!(
                f,
                "access token: a lifetime of {ttl_secs} s is longer than Twilio's maximum of \
                 {max_secs} s (24 hours)"
            ),
            Self::TtlTooShort => f.write_str("access token: the lifetime must be at least 1 s"),
            Self::TimeBeforeEpoch => {
                f.write_str("access token: token times must not be before 1970-01-01")
            }
            Self::NotBeforeAfterExpiry {
                not_before,
                expires,
            } => write!(
                f,
                "access token: not-before ({not_before}) is not before the expiry ({expires})"
            ),
        }
    }
}

impl std::error::Error for AccessTokenError {}

/// A validated access-token recipe: credentials, identity and chat grant. Sign it with
/// [`to_jwt`](Self::to_jwt) (the clock now) or [`to_jwt_at`](Self::to_jwt_at) (a time you
/// give, for tests and for tokens that must start at a known instant).
///
/// `Debug` shows everything except the API key secret.
#[derive(Clone, Debug)]
pub struct AccessToken {
    account_sid: String,
    api_key_sid: String,
    api_key_secret: Secret,
    identity: String,
    chat_service_sid: String,
    push_credential_sid: Option<String>,
    deployment_role_sid: Option<String>,
    endpoint_id: Option<String>,
    ttl: Duration,
    not_before: Option<DateTime>,
    region: Option<String>,
}

/// Collects the settings of an [`AccessToken`]; [`build`](Self::build) checks them all.
///
/// `Debug` shows everything except the API key secret.
#[derive(Clone, Debug)]
pub struct AccessTokenBuilder {
    account_sid: String,
    api_key_sid: String,
    api_key_secret: Secret,
    identity: Option<String>,
    chat_service_sid: Option<String>,
    push_credential_sid: Option<String>,
    deployment_role_sid: Option<String>,
    endpoint_id: Option<String>,
    ttl: Duration,
    not_before: Option<DateTime>,
    region: Option<String>,
}

impl AccessToken {
    /// Start a token signed with an API key: the account SID (`AC...`), the key's SID
    /// (`SK...`) and its secret. Access tokens cannot be signed with the auth token.
    pub fn builder(
        account_sid: impl Into<String>,
        api_key_sid: impl Into<String>,
        api_key_secret: impl Into<String>,
    ) -> AccessTokenBuilder {
        AccessTokenBuilder {
            account_sid: account_sid.into(),
            api_key_sid: api_key_sid.into(),
            api_key_secret: Secret::new(api_key_secret),
            identity: None,
            chat_service_sid: None,
            push_credential_sid: None,
            deployment_role_sid: None,
            endpoint_id: None,
            ttl: DEFAULT_TTL,
            not_before: None,
            region: None,
        }
    }

    /// The identity the SDK logs in as.
    pub fn identity(&self) -> &str {
        &self.identity
    }

    /// How long a token made from this recipe stays valid.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// Sign a token issued now (the system clock).
    pub fn to_jwt(&self) -> Result<String, AccessTokenError> {
        self.to_jwt_at(chrono::Utc::now())
    }

    /// Sign a token issued at `issued_at` (`iat`; `exp` is `iat` plus the lifetime, and the
    /// `jti` is `{api_key_sid}-{iat}`). The same inputs give the same token, byte for byte.
    pub fn to_jwt_at(&self, issued_at: DateTime) -> Result<String, AccessTokenError> {
        let iat = issued_at.timestamp();
        if iat < 0 {
            return Err(AccessTokenError::TimeBeforeEpoch);
        }
        // ttl is at most MAX_TTL (checked in build), so neither conversion nor sum overflows
        // for any time chrono can represent.
        let exp = iat + self.ttl.as_secs() as i64;
        let nbf = match self.not_before {
            Some(time) => {
                let nbf = time.timestamp();
                if nbf < 0 {
                    return Err(AccessTokenError::TimeBeforeEpoch);
                }
                if nbf >= exp {
                    return Err(AccessTokenError::NotBeforeAfterExpiry {
                        not_before: nbf,
                        expires: exp,
                    });
                }
                Some(nbf)
            }
            None => None,
        };

        let header = Header {
            typ: "JWT",
            alg: "HS256",
            cty: CONTENT_TYPE,
            twr: self.region.as_deref(),
        };
        let jti = format!("{}-{}", self.api_key_sid, iat);
        let claims = Claims {
            jti: &jti,
            iss: &self.api_key_sid,
            sub: &self.account_sid,
            iat,
            nbf,
            exp,
            grants: Grants {
                identity: &self.identity,
                chat: ChatGrant {
                    service_sid: &self.chat_service_sid,
                    endpoint_id: self.endpoint_id.as_deref(),
                    deployment_role_sid: self.deployment_role_sid.as_deref(),
                    push_credential_sid: self.push_credential_sid.as_deref(),
                },
            },
        };

        let mut jwt = String::new();
        URL_SAFE_NO_PAD.encode_string(json(&header), &mut jwt);
        jwt.push('.');
        URL_SAFE_NO_PAD.encode_string(json(&claims), &mut jwt);
        // HMAC takes a key of any length, so this never fails; the arm keeps library code
        // free of panics all the same.
        let mut mac = Hmac::<Sha256>::new_from_slice(self.api_key_secret.expose().as_bytes())
            .map_err(|_| AccessTokenError::EmptySecret)?;
        mac.update(jwt.as_bytes());
        let signature = mac.finalize().into_bytes();
        jwt.push('.');
        URL_SAFE_NO_PAD.encode_string(signature, &mut jwt);
        Ok(jwt)
    }
}

/// Serialise one of the token's own structs. They hold only strings and integers, which
/// serde_json always writes; an empty object stands in for the unreachable failure.
fn json<T: Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec())
}

impl AccessTokenBuilder {
    /// The identity the SDK logs in as (your user's id or name; not empty). Required.
    pub fn identity(mut self, identity: impl Into<String>) -> Self {
        self.identity = Some(identity.into());
        self
    }

    /// The Conversations service (`IS...`) the chat grant is for. Required.
    pub fn chat_service_sid(mut self, sid: impl Into<String>) -> Self {
        self.chat_service_sid = Some(sid.into());
        self
    }

    /// The push credential (`CR...`) the service uses to notify this client's device.
    pub fn push_credential_sid(mut self, sid: impl Into<String>) -> Self {
        self.push_credential_sid = Some(sid.into());
        self
    }

    /// The role (`RL...`) the service gives this identity when the token first logs it in,
    /// instead of the service's default user role (the chat grant's `deployment_role_sid`).
    pub fn deployment_role_sid(mut self, sid: impl Into<String>) -> Self {
        self.deployment_role_sid = Some(sid.into());
        self
    }

    /// An id for this client endpoint (one user on one device), so that the service can tell
    /// a user's devices apart.
    pub fn endpoint_id(mut self, id: impl Into<String>) -> Self {
        self.endpoint_id = Some(id.into());
        self
    }

    /// How long the token stays valid, counted from when it is issued; whole seconds (a
    /// fraction is dropped). Default [`DEFAULT_TTL`] (1 hour), at most [`MAX_TTL`] (24 hours).
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }

    /// A time before which the token is not valid (`nbf`). Without it the token carries no
    /// `nbf` and is valid from when it is issued.
    pub fn not_before(mut self, time: DateTime) -> Self {
        self.not_before = Some(time);
        self
    }

    /// The Twilio region the SDK should connect to (e.g. `ie1`), carried in the JWT header as
    /// `twr`.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Check every setting and give the token recipe.
    pub fn build(self) -> Result<AccessToken, AccessTokenError> {
        check_sid("account_sid", "AC", &self.account_sid)?;
        check_sid("api_key_sid", "SK", &self.api_key_sid)?;
        if self.api_key_secret.expose().is_empty() {
            return Err(AccessTokenError::EmptySecret);
        }
        let identity = self
            .identity
            .ok_or(AccessTokenError::Missing { field: "identity" })?;
        if identity.trim().is_empty() {
            return Err(AccessTokenError::EmptyIdentity);
        }
        let chat_service_sid = self.chat_service_sid.ok_or(AccessTokenError::Missing {
            field: "chat_service_sid",
        })?;
        check_sid("chat_service_sid", "IS", &chat_service_sid)?;
        if let Some(sid) = &self.push_credential_sid {
            check_sid("push_credential_sid", "CR", sid)?;
        }
        if let Some(sid) = &self.deployment_role_sid {
            check_sid("deployment_role_sid", "RL", sid)?;
        }
        if self.endpoint_id.as_deref() == Some("") {
            return Err(AccessTokenError::EmptyEndpointId);
        }
        if let Some(region) = &self.region {
            let ok = !region.is_empty()
                && region
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-');
            if !ok {
                return Err(AccessTokenError::InvalidRegion {
                    value: region.clone(),
                });
            }
        }
        if self.ttl > MAX_TTL {
            return Err(AccessTokenError::TtlTooLong {
                ttl_secs: self.ttl.as_secs(),
                max_secs: MAX_TTL.as_secs(),
            });
        }
        let ttl = Duration::from_secs(self.ttl.as_secs());
        if ttl.is_zero() {
            return Err(AccessTokenError::TtlTooShort);
        }
        Ok(AccessToken {
            account_sid: self.account_sid,
            api_key_sid: self.api_key_sid,
            api_key_secret: self.api_key_secret,
            identity,
            chat_service_sid,
            push_credential_sid: self.push_credential_sid,
            deployment_role_sid: self.deployment_role_sid,
            endpoint_id: self.endpoint_id,
            ttl,
            not_before: self.not_before,
            region: self.region,
        })
    }
}

/// A Twilio SID: its two-letter prefix and 32 hexadecimal digits.
fn check_sid(
    field: &'static str,
    expected_prefix: &'static str,
    value: &str,
) -> Result<(), AccessTokenError> {
    let ok = value.len() == 34
        && value.starts_with(expected_prefix)
        && value.bytes().skip(2).all(|b| b.is_ascii_hexdigit());
    if ok {
        Ok(())
    } else {
        Err(AccessTokenError::InvalidSid {
            field,
            expected_prefix,
        })
    }
}

// Field order here is the order on the wire (serde writes struct fields in declaration order).

#[derive(Serialize)]
struct Header<'a> {
    typ: &'static str,
    alg: &'static str,
    cty: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    twr: Option<&'a str>,
}

#[derive(Serialize)]
struct Claims<'a> {
    jti: &'a str,
    iss: &'a str,
    sub: &'a str,
    iat: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    nbf: Option<i64>,
    exp: i64,
    grants: Grants<'a>,
}

#[derive(Serialize)]
struct Grants<'a> {
    identity: &'a str,
    chat: ChatGrant<'a>,
}

#[derive(Serialize)]
struct ChatGrant<'a> {
    service_sid: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    endpoint_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    deployment_role_sid: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    push_credential_sid: Option<&'a str>,
}
