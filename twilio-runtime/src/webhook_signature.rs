//! Checking that a webhook request really comes from Twilio (the `X-Twilio-Signature` header).
//!
//! Twilio signs every webhook with HMAC-SHA1 keyed by the account's auth token. The signed text
//! is the URL Twilio called, followed, for a form-encoded `POST`, by the form fields as
//! name + value, sorted by name; a name that repeats contributes each of its *distinct* values
//! once, in sorted order (`Digits=5678&Digits=1234&Digits=1234` signs as
//! `Digits1234Digits5678`). The MAC is sent base64-encoded. Webhooks configured with `GET` carry
//! their fields in the query string, which is already part of the URL, so nothing is appended.
//! A JSON body is not signed field by field: Twilio adds a `bodySHA256` query parameter (the
//! hex SHA-256 of the body) to the URL and signs the URL alone.
//!
//! The URL a receiver knows and the one Twilio signed can be spelled differently (a port added
//! or removed, `'` or `%27`), so each check tries the spellings Twilio's own libraries try; see
//! the `url_forms` module. Sources for every rule: `docs/twilio-facts.md`.
//!
//! The check is framework-free: give it the public URL Twilio called (never a URL rebuilt
//! from the request's `Host` header, which a caller controls), the decoded form fields or the
//! raw body, and the header's value.

mod url_forms;

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};
use std::fmt;

type HmacSha1 = Hmac<Sha1>;

/// The header Twilio puts its signature in.
pub const SIGNATURE_HEADER: &str = "X-Twilio-Signature";

/// Why a webhook request was not accepted as Twilio's.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureError {
    /// The request has no `X-Twilio-Signature` header.
    MissingHeader,
    /// The header is not the base64 of a 20-byte HMAC-SHA1.
    MalformedHeader,
    /// The header is well formed but no variant of the URL gives that signature: the request
    /// was not signed with this auth token for this URL and these fields.
    Mismatch,
    /// A JSON-bodied request whose URL has no `bodySHA256` query parameter.
    BodyHashMissing,
    /// The body's SHA-256 is not the `bodySHA256` the URL announces: the body was changed.
    BodyHashMismatch,
    /// The URL to check against is not an absolute `http` or `https` URL. The URL itself is
    /// left out: it may carry basic-auth credentials.
    BadUrl {
        /// What is wrong with it.
        reason: &'static str,
    },
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignatureError::MissingHeader => write!(f, "no {SIGNATURE_HEADER} header"),
            SignatureError::MalformedHeader => write!(
                f,
                "{SIGNATURE_HEADER} is not a base64-encoded HMAC-SHA1 (20 bytes)"
            ),
            SignatureError::Mismatch => write!(
                f,
                "{SIGNATURE_HEADER} does not match this URL and these fields under the auth token"
            ),
            SignatureError::BodyHashMissing => {
                write!(f, "JSON webhook URL has no bodySHA256 query parameter")
            }
            SignatureError::BodyHashMismatch => {
                write!(f, "the body's SHA-256 differs from the URL's bodySHA256")
            }
            SignatureError::BadUrl { reason } => write!(f, "webhook URL: {reason}"),
        }
    }
}

impl std::error::Error for SignatureError {}

/// Checks `X-Twilio-Signature` headers with one auth token.
///
/// The token is the HMAC key: it never appears in `Debug` output or in errors.
#[derive(Clone)]
pub struct SignatureValidator {
    /// HMAC state already keyed with the auth token; each check clones it. The token itself
    /// is not kept.
    keyed: HmacSha1,
}

impl fmt::Debug for SignatureValidator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignatureValidator")
            .field("auth_token", &"<redacted>")
            .finish()
    }
}

impl SignatureValidator {
    /// A validator for the account (or subaccount) whose auth token this is.
    pub fn new(auth_token: impl AsRef<str>) -> SignatureValidator {
        // HMAC accepts a key of any length (a long one is hashed first): this never fails,
        // whatever the token.
        let keyed = HmacSha1::new_from_slice(auth_token.as_ref().as_bytes())
            .expect("HMAC-SHA1 takes keys of any length");
        SignatureValidator { keyed }
    }

    /// A form-encoded `POST` webhook: `url` is the public URL Twilio called (with its query
    /// string, if any), `params` the decoded form fields in any order, `signature_header` the
    /// `X-Twilio-Signature` value (`None` when the request had none).
    pub fn validate_form<K: AsRef<str>, V: AsRef<str>>(
        &self,
        url: &str,
        params: &[(K, V)],
        signature_header: Option<&str>,
    ) -> Result<(), SignatureError> {
        let expected = decode_header(signature_header)?;
        let sorted = signed_fields(params);
        for candidate in url_forms::candidates(url)? {
            let mut mac = self.mac();
            mac.update(candidate.as_bytes());
            for (k, v) in &sorted {
                mac.update(k.as_bytes());
                mac.update(v.as_bytes());
            }
            // `verify_slice` compares in constant time, so the time taken does not tell an
            // attacker how much of a forged signature was right.
            if mac.verify_slice(&expected).is_ok() {
                return Ok(());
            }
        }
        Err(SignatureError::Mismatch)
    }

    /// A webhook configured with `Method=GET`: its fields are in the query string of `url`,
    /// which is signed as it stands.
    pub fn validate_get(
        &self,
        url: &str,
        signature_header: Option<&str>,
    ) -> Result<(), SignatureError> {
        self.validate_form::<&str, &str>(url, &[], signature_header)
    }

    /// A JSON-bodied webhook: `url` must carry `bodySHA256`, the hex SHA-256 of `body`; the
    /// signature covers the URL alone. The body hash is checked first, so a changed body is
    /// reported as [`SignatureError::BodyHashMismatch`] even when the signature is genuine.
    pub fn validate_json(
        &self,
        url: &str,
        body: &[u8],
        signature_header: Option<&str>,
    ) -> Result<(), SignatureError> {
        let expected = decode_header(signature_header)?;
        let parts = url_forms::split_url(url)?;
        let announced = form_urlencoded::parse(parts.query.unwrap_or("").as_bytes())
            .find(|(k, _)| k == "bodySHA256")
            .map(|(_, v)| v.into_owned())
            .ok_or(SignatureError::BodyHashMissing)?;
        if !announced.eq_ignore_ascii_case(&body_sha256(body)) {
            return Err(SignatureError::BodyHashMismatch);
        }
        for candidate in url_forms::candidates(url)? {
            let mut mac = self.mac();
            mac.update(candidate.as_bytes());
            if mac.verify_slice(&expected).is_ok() {
                return Ok(());
            }
        }
        Err(SignatureError::Mismatch)
    }

    /// The signature Twilio would send for this URL and these form fields: for tests and
    /// tools that play Twilio's part. The URL is signed exactly as given; a repeated field's
    /// distinct values are signed once each.
    pub fn sign_form<K: AsRef<str>, V: AsRef<str>>(&self, url: &str, params: &[(K, V)]) -> String {
        let mut mac = self.mac();
        mac.update(url.as_bytes());
        for (k, v) in signed_fields(params) {
            mac.update(k.as_bytes());
            mac.update(v.as_bytes());
        }
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    }

    fn mac(&self) -> HmacSha1 {
        self.keyed.clone()
    }
}

/// Lower-case hex SHA-256 of a body, as Twilio writes it in `bodySHA256`.
pub fn body_sha256(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    let mut out = String::with_capacity(64);
    for byte in digest {
        out.push(char::from(b"0123456789abcdef"[usize::from(byte >> 4)]));
        out.push(char::from(b"0123456789abcdef"[usize::from(byte & 0xf)]));
    }
    out
}

/// `Ok` when `url` is an absolute `http` or `https` URL this module can sign.
pub fn check_url(url: &str) -> Result<(), SignatureError> {
    url_forms::split_url(url).map(|_| ())
}

fn decode_header(header: Option<&str>) -> Result<Vec<u8>, SignatureError> {
    let header = header.ok_or(SignatureError::MissingHeader)?.trim();
    if header.is_empty() {
        return Err(SignatureError::MissingHeader);
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(header)
        .map_err(|_| SignatureError::MalformedHeader)?;
    if bytes.len() != 20 {
        return Err(SignatureError::MalformedHeader);
    }
    Ok(bytes)
}

/// The fields as Twilio signs them: sorted by name, then by value (byte order, which for UTF-8
/// is code-point order), each distinct name-value pair once.
fn signed_fields<K: AsRef<str>, V: AsRef<str>>(params: &[(K, V)]) -> Vec<(&str, &str)> {
    let mut pairs: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_ref(), v.as_ref()))
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}
