//! The spellings of one webhook URL that a signature is checked against.
//!
//! Twilio signs the URL it called, but the URL a receiver knows can differ from it in ways that
//! do not change where the request goes. Twilio's own libraries accept each of these, and a
//! receiver that did not would reject genuine webhooks (the sources are in
//! `docs/twilio-facts.md`, rows "signature: ports" and "signature: URL spellings"):
//!
//! * **Ports.** With the scheme's default port added when the URL has none (`:443`, `:80`), and
//!   with any port removed when it has one (all four official libraries; the known answers of
//!   twilio-python, twilio-node and twilio-java include a URL configured with `:1234` whose
//!   signature was made without it).
//! * **Percent-encoding.** As a WHATWG URL parser writes it (what twilio-node compares with:
//!   `'` in a query becomes `%27`, spaces and non-ASCII characters are percent-encoded), and with
//!   the query decoded and written again the way Node's `querystring` module does (twilio-node's
//!   "legacy querystring" form: `%27` becomes `'` again). twilio-node's tests sign
//!   `?Body=It%27s+amazing` and expect the URL `?Body=It's+amazing` to be accepted, and the
//!   reverse.
//!
//! Every candidate names the same resource on the same server: accepting one of them lets no
//! one who lacks the auth token make a signature.

use super::SignatureError;
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, CONTROLS};

/// What a WHATWG parser percent-encodes in the path of an `http(s)` URL: controls, space,
/// `"`, `#`, `<`, `>`, `?`, `` ` ``, `{`, `}` (non-ASCII is always encoded).
const WHATWG_PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// What a WHATWG parser percent-encodes in the query of an `http(s)` URL ("special-query"
/// set): controls, space, `"`, `#`, `<`, `>` and `'`.
const WHATWG_QUERY: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'\'');

/// What Node's `querystring.escape` percent-encodes: everything but ASCII letters, digits and
/// `- _ . ! ~ * ' ( )`.
const NODE_QUERYSTRING: &AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// An absolute URL cut into the pieces the candidates rebuild.
pub(super) struct UrlParts<'a> {
    /// `https` or `http`, as written.
    scheme: &'a str,
    /// `user:pass@` when present, with the `@`.
    userinfo: &'a str,
    /// Host as written (`[::1]` keeps its brackets).
    host: &'a str,
    /// The port digits, if any.
    port: Option<&'a str>,
    /// From the first `/` after the authority up to `?` or `#` (may be empty).
    path: &'a str,
    /// Between `?` and `#`, without the `?`; `None` when the URL has no `?`.
    pub(super) query: Option<&'a str>,
    /// From `#` on, with the `#` (usually empty).
    fragment: &'a str,
}

impl UrlParts<'_> {
    fn is_https(&self) -> bool {
        self.scheme.eq_ignore_ascii_case("https")
    }

    fn default_port(&self) -> &'static str {
        if self.is_https() {
            "443"
        } else {
            "80"
        }
    }

    /// The URL again from its pieces, with the port, path and query given.
    fn build(&self, port: Option<&str>, path: &str, query: Option<&str>) -> String {
        let mut out = String::with_capacity(
            self.scheme.len() + 3 + self.userinfo.len() + self.host.len() + 6 + path.len(),
        );
        out.push_str(self.scheme);
        out.push_str("://");
        out.push_str(self.userinfo);
        out.push_str(self.host);
        if let Some(port) = port {
            out.push(':');
            out.push_str(port);
        }
        out.push_str(path);
        if let Some(query) = query {
            out.push('?');
            out.push_str(query);
        }
        out.push_str(self.fragment);
        out
    }
}

/// Cuts an absolute `http` or `https` URL at its authority, path, query and fragment.
pub(super) fn split_url(url: &str) -> Result<UrlParts<'_>, SignatureError> {
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
    let (before_fragment, fragment) = rest.split_at(rest.find('#').unwrap_or(rest.len()));
    let (path, query) = match before_fragment.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (before_fragment, None),
    };
    Ok(UrlParts {
        scheme,
        userinfo,
        host,
        port,
        path,
        query,
        fragment,
    })
}

/// Every spelling of `url` to check a signature against, the URL as given first, without
/// repeats (at most six).
pub(super) fn candidates(url: &str) -> Result<Vec<String>, SignatureError> {
    let parts = split_url(url)?;
    // The other port form: the default port added when there is none, any port removed.
    let other_port = match parts.port {
        None => Some(parts.default_port()),
        Some(_) => None,
    };
    let whatwg_path = utf8_percent_encode(parts.path, WHATWG_PATH).to_string();
    let whatwg_query = parts
        .query
        .map(|q| utf8_percent_encode(q, WHATWG_QUERY).to_string());
    let node_query = parts.query.map(node_querystring);

    let mut out: Vec<String> = Vec::with_capacity(6);
    let mut push = |candidate: String| {
        if !out.contains(&candidate) {
            out.push(candidate);
        }
    };
    for port in [parts.port, other_port] {
        push(parts.build(port, parts.path, parts.query));
        push(parts.build(port, &whatwg_path, whatwg_query.as_deref()));
        push(parts.build(port, &whatwg_path, node_query.as_deref()));
    }
    Ok(out)
}

/// A query decoded and written again as Node's `querystring.parse` and `stringify` do: `+`
/// and `%XX` decoded (a malformed escape is kept as it is), the values of a repeated name
/// gathered after its first appearance, a name without `=` given an empty value, then each
/// name and value escaped with Node's set.
fn node_querystring(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for piece in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = piece.split_once('=').unwrap_or((piece, ""));
        pairs.push((node_unescape(name), node_unescape(value)));
    }
    // Stable sort on where each name first appeared: the values of one name end up together,
    // in their own order, as Node's object of arrays writes them.
    let first_seen = |name: &str| pairs.iter().position(|(n, _)| n == name).unwrap_or(0);
    let mut order: Vec<(usize, &(String, String))> =
        pairs.iter().map(|p| (first_seen(&p.0), p)).collect();
    order.sort_by_key(|(first, _)| *first);
    let mut out = String::with_capacity(query.len() + 8);
    for (i, (_, (name, value))) in order.into_iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.extend(utf8_percent_encode(name, NODE_QUERYSTRING));
        out.push('=');
        out.extend(utf8_percent_encode(value, NODE_QUERYSTRING));
    }
    out
}

fn node_unescape(text: &str) -> String {
    let spaced = text.replace('+', " ");
    percent_decode_str(&spaced).decode_utf8_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_are_added_and_removed() {
        assert_eq!(
            candidates("https://a.example/hook?x=1").unwrap(),
            [
                "https://a.example/hook?x=1",
                "https://a.example:443/hook?x=1"
            ]
        );
        assert_eq!(
            candidates("http://u:p@a.example:80").unwrap(),
            ["http://u:p@a.example:80", "http://u:p@a.example"]
        );
        // A port other than the default is removed too, as every official library does.
        assert_eq!(
            candidates("https://[::1]:8443/h").unwrap(),
            ["https://[::1]:8443/h", "https://[::1]/h"]
        );
        assert_eq!(
            candidates("https://[::1]/h").unwrap(),
            ["https://[::1]/h", "https://[::1]:443/h"]
        );
    }

    #[test]
    fn quotes_spaces_and_non_ascii_get_their_other_spellings() {
        assert_eq!(
            candidates("https://h/p?Body=It's+amazing").unwrap(),
            [
                "https://h/p?Body=It's+amazing",
                "https://h/p?Body=It%27s+amazing",
                "https://h/p?Body=It's%20amazing",
                "https://h:443/p?Body=It's+amazing",
                "https://h:443/p?Body=It%27s+amazing",
                "https://h:443/p?Body=It's%20amazing",
            ]
        );
        assert_eq!(
            candidates("https://h/Espa\u{f1}a?a\u{f1}o=2023&x").unwrap()[..3],
            [
                "https://h/Espa\u{f1}a?a\u{f1}o=2023&x",
                "https://h/Espa%C3%B1a?a%C3%B1o=2023&x",
                "https://h/Espa%C3%B1a?a%C3%B1o=2023&x=",
            ]
        );
    }

    #[test]
    fn node_querystring_gathers_repeated_names_and_keeps_bad_escapes() {
        assert_eq!(node_querystring("a=1&b=2&a=3"), "a=1&a=3&b=2");
        assert_eq!(node_querystring("q=%27x%zz&&k"), "q='x%25zz&k=");
        assert_eq!(node_querystring("s=a%20b+c"), "s=a%20b%20c");
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
