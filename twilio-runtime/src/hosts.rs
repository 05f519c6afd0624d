//! Where requests go: Twilio's region and edge rule for its hosts, and the checks on a base URL
//! given by hand (a mock, a proxy). The sources of the host rules are in the repository's
//! `docs/twilio-facts.md`, section "Hosts".

use crate::error::Error;

/// Twilio's default region, implied when only an edge is given.
const DEFAULT_REGION: &str = "us1";

/// The edge that goes with a processing region given without one. Since 2026-04-28 Twilio
/// answers on `PRODUCT.REGION.twilio.com` for `us1` only; the other processing regions are
/// reached as `PRODUCT.EDGE.REGION.twilio.com`, and Twilio's edge-location pages name one host
/// for each: `dublin.ie1` and `sydney.au1`.
const REGION_EDGES: &[(&str, &str)] = &[("ie1", "dublin"), ("au1", "sydney")];

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
/// edge gets the edge Twilio names for it, or is an error (see [`CoreBuilder::edge`](crate::CoreBuilder::edge)).
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
}
