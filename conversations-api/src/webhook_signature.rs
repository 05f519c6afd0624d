//! Checking that a webhook request really comes from Twilio (the `X-Twilio-Signature` header).
//!
//! Twilio signs every webhook with HMAC-SHA1 keyed by the account's auth token. The signed text
//! is the URL Twilio called, followed, for a form-encoded `POST`, by every form field as
//! name + value with the fields sorted by name (a name that repeats is sorted by value too, and
//! each pair is appended). The MAC is sent base64-encoded. Webhooks configured with `GET` carry
//! their fields in the query string, which is already part of the URL, so nothing is appended.
//! A JSON body is not signed field by field: Twilio adds a `bodySHA256` query parameter (the
//! hex SHA-256 of the body) to the URL and signs the URL alone.
//!
//! Proxies and Twilio disagree about default ports (`https://host/` versus
//! `https://host:443/`), so the URL is tried as given, with its scheme's default port added, and
//! with it removed. A non-default port is never dropped: it names another server.
//!
//! The check is framework-free: give it the public URL Twilio called (never a URL rebuilt
//! from the request's `Host` header, which a caller controls), the decoded form fields or the
//! raw body, and the header's value.

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
        let sorted = sorted_pairs(params);
        for candidate in url_variants(url)? {
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
        let parts = split_url(url)?;
        let announced = form_urlencoded::parse(parts.query.unwrap_or("").as_bytes())
            .find(|(k, _)| k == "bodySHA256")
            .map(|(_, v)| v.into_owned())
            .ok_or(SignatureError::BodyHashMissing)?;
        if !announced.eq_ignore_ascii_case(&body_sha256(body)) {
            return Err(SignatureError::BodyHashMismatch);
        }
        for candidate in url_variants(url)? {
            let mut mac = self.mac();
            mac.update(candidate.as_bytes());
            if mac.verify_slice(&expected).is_ok() {
                return Ok(());
            }
        }
        Err(SignatureError::Mismatch)
    }

    /// The signature Twilio would send for this URL and these form fields: for tests and
    /// tools that play Twilio's part. The URL is signed exactly as given.
    pub fn sign_form<K: AsRef<str>, V: AsRef<str>>(&self, url: &str, params: &[(K, V)]) -> String {
        let mut mac = self.mac();
        mac.update(url.as_bytes());
        for (k, v) in sorted_pairs(params) {
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
pub(crate) fn check_url(url: &str) -> Result<(), SignatureError> {
    split_url(url).map(|_| ())
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

/// Pairs sorted by name, then by value (byte order, which for UTF-8 is code-point order).
fn sorted_pairs<K: AsRef<str>, V: AsRef<str>>(params: &[(K, V)]) -> Vec<(&str, &str)> {
    let mut pairs: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_ref(), v.as_ref()))
        .collect();
    pairs.sort_unstable();
    pairs
}

/// An absolute URL cut at its authority.
struct UrlParts<'a> {
    /// `https` or `http`, as written.
    scheme: &'a str,
    /// `user:pass@` when present, with the `@`.
    userinfo: &'a str,
    /// Host as written (`[::1]` keeps its brackets).
    host: &'a str,
    /// The port digits, if any.
    port: Option<&'a str>,
    /// Everything from the first `/`, `?` or `#` after the authority.
    rest: &'a str,
    query: Option<&'a str>,
}

fn split_url(url: &str) -> Result<UrlParts<'_>, SignatureError> {
    let (scheme, after) = url.split_once("://").ok_or(SignatureError::BadUrl {
        reason: "not an absolute URL (no scheme://)",
    })?;
    if !scheme.eq_ignore_ascii_case("https") && !scheme.eq_ignore_ascii_case("http") {
        return Err(SignatureError::BadUrl {
            reason: "scheme is neither http nor https",
        });
    }
    let end = after.find(['/', '?', '#']).unwrap_or(after.len());
    let (authority, rest) = after.split_at(end);
    let (userinfo, hostport) = match authority.rfind('@') {
        Some(at) => authority.split_at(at + 1),
        None => ("", authority),
    };
    // The port follows the last `:` outside an IPv6 literal's brackets.
    let bracket_end = hostport.rfind(']').map_or(0, |i| i + 1);
    let (host, port) = match hostport[bracket_end..].rfind(':') {
        Some(i) => {
            let colon = bracket_end + i;
            (&hostport[..colon], Some(&hostport[colon + 1..]))
        }
        None => (hostport, None),
    };
    if host.is_empty() {
        return Err(SignatureError::BadUrl { reason: "no host" });
    }
    if let Some(p) = port {
        if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(SignatureError::BadUrl {
                reason: "port is not a number",
            });
        }
    }
    let query = rest
        .split('#')
        .next()
        .and_then(|r| r.split_once('?'))
        .map(|(_, q)| q);
    Ok(UrlParts {
        scheme,
        userinfo,
        host,
        port,
        rest,
        query,
    })
}

/// The URL as given, then with the scheme's default port added (when it has no port) or
/// removed (when its port is the default one).
fn url_variants(url: &str) -> Result<Vec<String>, SignatureError> {
    let p = split_url(url)?;
    let default_port = if p.scheme.eq_ignore_ascii_case("https") {
        "443"
    } else {
        "80"
    };
    let mut out = vec![url.to_string()];
    let build = |port: Option<&str>| {
        let mut s = format!("{}://{}{}", p.scheme, p.userinfo, p.host);
        if let Some(port) = port {
            s.push(':');
            s.push_str(port);
        }
        s.push_str(p.rest);
        s
    };
    match p.port {
        None => out.push(build(Some(default_port))),
        Some(port) if port == default_port => out.push(build(None)),
        Some(_) => {}
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_add_and_remove_only_the_default_port() {
        assert_eq!(
            url_variants("https://a.example/hook?x=1").unwrap(),
            [
                "https://a.example/hook?x=1",
                "https://a.example:443/hook?x=1"
            ]
        );
        assert_eq!(
            url_variants("http://u:p@a.example:80").unwrap(),
            ["http://u:p@a.example:80", "http://u:p@a.example"]
        );
        assert_eq!(
            url_variants("https://[::1]:8443/h").unwrap(),
            ["https://[::1]:8443/h"]
        );
        assert_eq!(
            url_variants("https://[::1]/h").unwrap(),
            ["https://[::1]/h", "https://[::1]:443/h"]
        );
    }

    #[test]
    fn bad_urls_are_typed_errors() {
        for url in [
            "",
            "/hook",
            "ftp://a/b",
            "https:///x",
            "https://a:x/",
            "https://a:/",
        ] {
            assert!(
                matches!(split_url(url), Err(SignatureError::BadUrl { .. })),
                "{url}"
            );
        }
    }
}
