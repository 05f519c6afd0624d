//! Where a request goes: a position in an API's resource tree (a client and a concrete path),
//! built segment by segment by the generated handles, with every value given by a caller
//! percent-encoded.

use crate::core::Core;
use crate::joined::joined;
use crate::request::Request;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use std::fmt;

/// An API crate's client: what a [`Node`] is built from and hands back from
/// [`client`](Node::client). Implemented by the `Client` of [`api_client!`](crate::api_client).
pub trait ApiClient: Clone + Send + Sync + 'static {
    /// The shared part every request is sent with.
    fn core(&self) -> &Core;
}

/// Characters left as they are in a path segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// `value` percent-encoded for a path segment, onto `out`. SIDs, the usual values, need no
/// escaping; checking that first costs a fraction of running the encoder over them.
fn push_segment_encoded(out: &mut String, value: &str) {
    let plain = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~');
    if value.as_bytes().iter().all(plain) {
        out.push_str(value);
    } else {
        out.extend(utf8_percent_encode(value, SEGMENT));
    }
}

/// A position in the resource tree: a client and a concrete path.
#[derive(Clone)]
pub struct Node<C> {
    client: C,
    /// The base URL requests go to, for an API on a host of its own (see [`Node::on_host`]);
    /// `None` is the client's base URL.
    host: Option<String>,
    path: String,
    /// Why requests from here must not be sent (a path value URL parsers would rewrite).
    invalid: Option<String>,
}

impl<C> fmt::Debug for Node<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Node").field("path", &self.path).finish()
    }
}

impl<C: ApiClient> Node<C> {
    /// The root of an API on the client's main host: `path` is the spec's path prefix (`/v1`).
    pub fn new(client: C, path: &str) -> Self {
        Node {
            client,
            host: None,
            path: path.to_string(),
            invalid: None,
        }
    }

    /// The root of an API served from another host than the client's main one (the Media
    /// Content Service next to Conversations): `spec_base_url` is that API's server in its
    /// spec, and the client maps it to the host it is configured for (region and edge, an
    /// override, or its custom base URL; see [`Core::host_for`]). The same credentials,
    /// retries and errors apply.
    pub fn on_host(client: C, spec_base_url: &str, path: &str) -> Self {
        let (host, invalid) = match client.core().host_for(spec_base_url) {
            Ok(host) => (Some(host), None),
            Err(e) => (None, Some(e.to_string())),
        };
        Node {
            client,
            host,
            path: path.to_string(),
            invalid,
        }
    }

    /// The client requests from here are sent with.
    pub fn client(&self) -> &C {
        &self.client
    }

    /// `path/literal`.
    pub fn child(&self, literal: &str) -> Node<C> {
        Node {
            client: self.client.clone(),
            host: self.host.clone(),
            path: joined(&self.path, &["/", literal]),
            invalid: self.invalid.clone(),
        }
    }

    /// `path/<value>`, percent-encoded. Three values cannot be sent, and requests from a node
    /// built with one fail with [`Error::InvalidArgument`](crate::Error::InvalidArgument) before anything is sent:
    /// * the empty string: `/Conversations/` is the list, not an item, and `//Messages` is no
    ///   resource at all; a list answer would even decode into an item whose fields are all
    ///   absent;
    /// * `.` and `..`: URL parsers treat them (escaped or not) as dot segments and would send
    ///   the request to another resource.
    ///
    /// The first problem found is the one reported.
    pub fn param(&self, value: &str) -> Node<C> {
        let invalid = self
            .invalid
            .clone()
            .or_else(|| refused_path_value(&self.path, value));
        // Most values need no escaping, so their length is the usual size.
        let mut path = String::with_capacity(self.path.len() + 1 + value.len());
        path.push_str(&self.path);
        path.push('/');
        push_segment_encoded(&mut path, value);
        Node {
            client: self.client.clone(),
            host: self.host.clone(),
            path,
            invalid,
        }
    }

    /// `path/<pieces>`: one segment of literal text and values (`{From}-{To}`, `v{Version}`,
    /// `{Sid}:cancel` in the spec). The text is the spec's and is sent as it is; each value is
    /// percent-encoded and checked as [`Node::param`] checks a whole-segment value, since the
    /// API reads each one back on its own (an empty `From` in `-PN2` is no value at all).
    pub fn segment(&self, pieces: &[PathPiece<'_>]) -> Node<C> {
        let mut segment = String::new();
        let mut invalid = self.invalid.clone();
        for piece in pieces {
            match piece {
                PathPiece::Text(text) => segment.push_str(text),
                PathPiece::Value(value) => {
                    invalid = invalid.or_else(|| refused_path_value(&self.path, value));
                    push_segment_encoded(&mut segment, value);
                }
            }
        }
        Node {
            client: self.client.clone(),
            host: self.host.clone(),
            path: joined(&self.path, &["/", &segment]),
            invalid,
        }
    }

    /// `path/<the client's value of name>`, for a parent every path of an API sits under
    /// (`AccountSid` in `/2010-04-01/Accounts/{AccountSid}/...`): the client supplies the id it
    /// is configured with. A name the client holds no value for makes requests from here fail
    /// with [`Error::InvalidArgument`](crate::Error::InvalidArgument) before anything is sent, as an empty value would.
    pub fn client_param(&self, name: &str) -> Node<C> {
        match self.client.core().path_value(name) {
            Some(value) => self.param(&value),
            None => Node {
                client: self.client.clone(),
                host: self.host.clone(),
                path: format!("{}/{{{name}}}", self.path),
                invalid: self.invalid.clone().or_else(|| {
                    Some(format!(
                        "the client has no value for `{name}`; pass one to the item's accessor"
                    ))
                }),
            },
        }
    }

    /// `path<text>`: text some APIs put after the last segment (`/Calls/{Sid}.json`). It is
    /// literal text from the spec, so it is appended as it is.
    pub fn with_trailing(&self, text: &str) -> Node<C> {
        Node {
            client: self.client.clone(),
            host: self.host.clone(),
            path: joined(&self.path, &[text]),
            invalid: self.invalid.clone(),
        }
    }

    /// A request to this path; `template` is the spec's path template, for logs and spans.
    pub fn request(&self, method: reqwest::Method, template: &'static str) -> Request {
        Request {
            core: self.client.core().clone(),
            host: self.host.clone(),
            method,
            path: self.path.clone(),
            template,
            query: Vec::new(),
            headers: Vec::new(),
            form: Vec::new(),
            json: None,
            binary: None,
            binary_media_type: None,
            limit: None,
            paging: crate::request::Paging::Link,
            idempotency_key_header: None,
            invalid: self.invalid.clone(),
        }
    }
}

/// A piece of one path segment for [`Node::segment`].
#[derive(Debug, Clone, Copy)]
pub enum PathPiece<'a> {
    /// Literal text from the spec, sent as it is.
    Text(&'a str),
    /// A value given by the caller, percent-encoded.
    Value(&'a str),
}

/// Why a path value after `path` cannot be sent, if it cannot (see [`Node::param`]).
fn refused_path_value(path: &str, value: &str) -> Option<String> {
    match value {
        "" => Some(format!("an empty path value after `{path}`")),
        "." | ".." => Some(format!("a path value cannot be `{value}`")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_value_is_sent_as_it_is_only_when_it_needs_no_escaping() {
        let encoded = |v: &str| {
            let mut out = String::from("/x/");
            push_segment_encoded(&mut out, v);
            out
        };
        assert_eq!(
            encoded("CH0123456789abcdef-_.~"),
            "/x/CH0123456789abcdef-_.~"
        );
        assert_eq!(encoded("a b/c?d#e%f"), "/x/a%20b%2Fc%3Fd%23e%25f");
        assert_eq!(encoded("Zoë+1"), "/x/Zo%C3%AB%2B1");
        // Every ASCII byte: the quick check and the encoder agree on which are left alone.
        for b in 0u8..128 {
            let v = (b as char).to_string();
            assert_eq!(
                encoded(&v),
                format!("/x/{}", utf8_percent_encode(&v, SEGMENT)),
                "byte {b}"
            );
        }
    }
}
