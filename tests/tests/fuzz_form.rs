//! Property tests (proptest) for the request side: arbitrary strings (any Unicode, and the
//! characters form encoding is about: `&`, `=`, `+`, `%`, spaces, newlines) set through the
//! generated builders (headers through the runtime call the builders make), captured by the
//! in-process server, and parsed back.
//!
//! Properties: the form body and the query parse back (with `form_urlencoded`) to exactly the
//! values set, key by key and in order for repeated keys; a path parameter is one segment that
//! percent-decodes to the value; a header value arrives unchanged when HTTP allows it and is
//! refused with an error (not a panic) when it does not.
//!
//! Cases per property: 64, or `PROPTEST_CASES`. See docs/fuzzing.md.

use conversations_api::*;
use conversations_tests::{MockServer, Recorded, Reply};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

const SERVICE: &str = "IS00000000000000000000000000000001";

fn runner() -> TestRunner {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64);
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    })
}

/// Strings built from the characters that matter to form encoding, or any Unicode at all.
fn text() -> impl Strategy<Value = String> {
    let piece = prop::sample::select(vec![
        "&",
        "=",
        "+",
        "%",
        "%20",
        "%2B",
        "%%",
        "%zz",
        " ",
        "  ",
        "a",
        "Z",
        "0",
        "é",
        "Zoë",
        "☕",
        "👋",
        "\u{0}",
        "\n",
        "\r\n",
        "\t",
        "#",
        "?",
        "/",
        ";",
        ",",
        "*",
        "~",
        ".",
        "[]",
        "\"",
        "'",
        "\\",
        "\u{FEFF}",
        "\u{202E}",
        "key=value&x=y",
    ]);
    prop_oneof![
        2 => prop::collection::vec(piece, 0..12).prop_map(|p| p.concat()),
        1 => any::<String>(),
    ]
}

/// Values per key, in arrival order.
fn parse(bytes: &[u8]) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (k, v) in form_urlencoded::parse(bytes) {
        out.entry(k.into_owned()).or_default().push(v.into_owned());
    }
    out
}

fn expect(pairs: &[(&str, &[String])]) -> BTreeMap<String, Vec<String>> {
    pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k.to_string(), v.to_vec()))
        .collect()
}

/// A server that answers every request with `reply` and hands each request to the test.
struct Capture {
    client: Client,
    /// Kept alive for the test; stops when dropped.
    _server: MockServer,
    last: Arc<Mutex<Option<Recorded>>>,
    rt: tokio::runtime::Runtime,
}

impl Capture {
    fn new(reply: Reply) -> Capture {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let last: Arc<Mutex<Option<Recorded>>> = Arc::default();
        let slot = last.clone();
        let server = rt.block_on(MockServer::start(move |_, rec| {
            *slot.lock().unwrap() = Some(rec.clone());
            reply.clone()
        }));
        let client = Client::builder()
            .account_sid("AC00000000000000000000000000000000")
            .auth_token("fuzz")
            .base_url(server.url())
            .retry_policy(RetryPolicy::none())
            .build()
            .unwrap();
        Capture {
            client,
            _server: server,
            last,
            rt,
        }
    }

    /// Run one call; the request the server saw (None if nothing arrived).
    fn call<T>(
        &self,
        f: impl std::future::Future<Output = Result<T, Error>>,
    ) -> (Result<T, Error>, Option<Recorded>) {
        *self.last.lock().unwrap() = None;
        let result = self.rt.block_on(f);
        (result, self.last.lock().unwrap().take())
    }
}

fn fail(msg: impl Into<String>) -> TestCaseError {
    TestCaseError::fail(msg.into())
}

/// The call went out and came back: the only acceptable error is that the (empty) answer does
/// not decode.
fn sent_ok<T>(result: Result<T, Error>, what: &str) -> Result<(), TestCaseError> {
    match result {
        Ok(_) | Err(Error::Decode { .. } | Error::Truncated { .. }) => Ok(()),
        Err(e) => Err(fail(format!("{what} failed: {e}"))),
    }
}

#[test]
fn form_bodies_parse_back_to_exactly_the_values_set() {
    // Empty answers: the test server writes a head and a body in two writes, which meets
    // Nagle's algorithm and costs ~40 ms per request when there is a body. The request bytes are
    // what is tested here; the empty body just fails to decode.
    let cap = Capture::new(Reply::empty(201));
    let runs = AtomicUsize::new(0);
    let strategy = (
        (text(), text(), text(), text(), text()),
        prop::collection::vec(text(), 0..5),
        any::<bool>(),
    );
    let result = runner().run(
        &strategy,
        |((name, attrs, timer, email, unique), permissions, service)| {
            runs.fetch_add(2, Ordering::Relaxed);
            // Scalars, dotted keys and the typed header, through a generated builder.
            let conv = if service {
                cap.call(
                    cap.client
                        .service(SERVICE)
                        .conversations()
                        .create()
                        .friendly_name(name.as_str())
                        .attributes(attrs.as_str())
                        .timers_inactive(timer.as_str())
                        .bindings_email_address(email.as_str())
                        .unique_name(unique.as_str())
                        .send(),
                )
            } else {
                cap.call(
                    cap.client
                        .conversations()
                        .create()
                        .friendly_name(name.as_str())
                        .attributes(attrs.as_str())
                        .timers_inactive(timer.as_str())
                        .bindings_email_address(email.as_str())
                        .unique_name(unique.as_str())
                        .send(),
                )
            };
            let (result, rec) = conv;
            sent_ok(result, "create")?;
            let rec = rec.ok_or_else(|| fail("no request"))?;
            prop_assert_eq!(
                rec.header("content-type"),
                Some("application/x-www-form-urlencoded")
            );
            let want = expect(&[
                ("FriendlyName", std::slice::from_ref(&name)),
                ("Attributes", std::slice::from_ref(&attrs)),
                ("Timers.Inactive", std::slice::from_ref(&timer)),
                ("Bindings.Email.Address", std::slice::from_ref(&email)),
                ("UniqueName", std::slice::from_ref(&unique)),
            ]);
            prop_assert_eq!(parse(&rec.body), want, "body {:?}", rec.body_str());

            // Required arguments and an array (repeated keys, order kept).
            let (result, rec) = cap.call(
                cap.client
                    .roles()
                    .create(
                        name.as_str(),
                        RoleType::Service,
                        permissions.iter().map(String::as_str),
                    )
                    .send(),
            );
            sent_ok(result, "role create")?;
            let rec = rec.ok_or_else(|| fail("no request"))?;
            let want = expect(&[
                ("FriendlyName", std::slice::from_ref(&name)),
                ("Type", &["service".to_string()]),
                ("Permission", &permissions),
            ]);
            prop_assert_eq!(parse(&rec.body), want, "body {:?}", rec.body_str());
            Ok(())
        },
    );
    eprintln!(
        "fuzz_form form bodies: {} executions",
        runs.load(Ordering::Relaxed)
    );
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[test]
fn query_strings_and_path_segments_parse_back() {
    let cap = Capture::new(Reply::empty(200)); // see above
    let runs = AtomicUsize::new(0);
    let strategy = (text(), text(), prop::collection::vec(text(), 0..4), text());
    let result = runner().run(&strategy, |(identity, address, identities, sid)| {
        runs.fetch_add(3, Ordering::Relaxed);
        let (result, rec) = cap.call(
            cap.client
                .participant_conversations()
                .list()
                .identity(identity.as_str())
                .address(address.as_str())
                .send(),
        );
        sent_ok(result, "list")?;
        let rec = rec.ok_or_else(|| fail("no request"))?;
        prop_assert_eq!(rec.path(), "/v1/ParticipantConversations");
        let want = expect(&[
            ("Identity", std::slice::from_ref(&identity)),
            ("Address", std::slice::from_ref(&address)),
        ]);
        prop_assert_eq!(
            parse(rec.query().as_bytes()),
            want,
            "query {:?}",
            rec.query()
        );

        // An array query parameter: repeated keys.
        let (result, rec) = cap.call(
            cap.client
                .service(SERVICE)
                .bindings()
                .list()
                .identity(identities.iter().map(String::as_str))
                .binding_type([ServiceBindingType::Apn, ServiceBindingType::Fcm])
                .send(),
        );
        sent_ok(result, "bindings list")?;
        let rec = rec.ok_or_else(|| fail("no request"))?;
        let want = expect(&[
            ("Identity", &identities),
            ("BindingType", &["apn".to_string(), "fcm".to_string()]),
        ]);
        prop_assert_eq!(
            parse(rec.query().as_bytes()),
            want,
            "query {:?}",
            rec.query()
        );

        // A path parameter: exactly one segment, which decodes to the value; or, for a value no
        // URL can carry as one segment (``, `.`, `..`), an InvalidArgument error and no request.
        let (result, rec) = cap.call(cap.client.user(sid.as_str()).conversations().list().send());
        let Some(rec) = rec else {
            prop_assert!(
                matches!(result, Err(Error::InvalidArgument(_))),
                "nothing sent for {:?}, and the result is {:?}",
                sid,
                result
            );
            prop_assert!(
                sid.is_empty() || sid == "." || sid == "..",
                "{:?} was refused",
                sid
            );
            return Ok(());
        };
        let path = rec.path();
        let segment = path
            .strip_prefix("/v1/Users/")
            .and_then(|rest| rest.strip_suffix("/Conversations"))
            .ok_or_else(|| fail(format!("unexpected path {path}")))?;
        prop_assert!(!segment.contains(['/', '?', '#']), "segment {:?}", segment);
        let decoded = percent_encoding::percent_decode_str(segment).decode_utf8_lossy();
        prop_assert_eq!(decoded.as_ref(), sid.as_str());
        Ok(())
    });
    eprintln!(
        "fuzz_form query and path: {} executions",
        runs.load(Ordering::Relaxed)
    );
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[test]
fn header_values_arrive_unchanged_or_are_refused_cleanly() {
    let cap = Capture::new(Reply::empty(204));
    let runs = AtomicUsize::new(0);
    let result = runner().run(&text(), |value| {
        runs.fetch_add(1, Ordering::Relaxed);
        // The spec's only header takes a `bool` now, so the free text goes in through the
        // runtime call every generated header setter makes (`Request::header`).
        let mut req = twilio_runtime::support::Node::new(cap.client.clone(), "/v1/Conversations")
            .param("CH00000000000000000000000000000001")
            .request(reqwest::Method::DELETE, "/v1/Conversations/{Sid}");
        req.header("X-Twilio-Webhook-Enabled", value.clone());
        let (result, rec) = cap.call(req.send_empty());
        // What HTTP (and the `http` crate) allow in a header value: no control characters
        // but tab; bytes from 0x80 up (here UTF-8) pass as opaque data.
        let legal = value
            .bytes()
            .all(|b| b == b'\t' || (b >= 0x20 && b != 0x7f));
        if legal {
            result.map_err(|e| fail(format!("a legal header value failed: {e}")))?;
            let rec = rec.ok_or_else(|| fail("no request"))?;
            // The test server trims header values (as HTTP allows), so compare trimmed.
            prop_assert_eq!(rec.header("x-twilio-webhook-enabled"), Some(value.trim()));
        } else {
            prop_assert!(
                result.is_err(),
                "an illegal header value {:?} was sent",
                value
            );
            prop_assert!(rec.is_none(), "an illegal header value reached the server");
        }
        Ok(())
    });
    eprintln!(
        "fuzz_form headers: {} executions",
        runs.load(Ordering::Relaxed)
    );
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// A path parameter `.` or `..` must not turn into a dot segment that the URL parser removes,
/// which would send the request to another resource (`participant("..").delete()` would become
/// `DELETE /v1/Conversations/CH.../`). Refusing such a value with an error is as good as
/// sending it intact; `%2E` is not an escape (URL parsers treat it as a dot too).
#[test]
fn dot_path_parameters_never_reach_another_resource() {
    let cap = Capture::new(Reply::empty(204));
    for sid in [".", "..", "%2e", "%2E%2E"] {
        let (result, rec) = cap.call(
            cap.client
                .conversation("CH00000000000000000000000000000001")
                .participant(sid)
                .delete()
                .send(),
        );
        if let Some(rec) = rec {
            let segment = rec
                .path()
                .strip_prefix("/v1/Conversations/CH00000000000000000000000000000001/Participants/")
                .unwrap_or_else(|| {
                    panic!(
                        "participant({sid:?}).delete() was sent to {} {}",
                        rec.method,
                        rec.path()
                    )
                });
            assert_eq!(
                percent_encoding::percent_decode_str(segment).decode_utf8_lossy(),
                sid
            );
            assert!(result.is_ok());
        } else {
            assert!(
                matches!(result, Err(Error::InvalidArgument(_))),
                "nothing was sent for {sid:?}, and the result is {result:?}"
            );
        }
    }
}

/// The runtime call a generated accessor makes for a segment that mixes text with parameters
/// (`{From}-{To}` in a spec): the segment is one segment, the text arrives as written between
/// the values, each value percent-decodes to what was given, and a value no URL can carry as a
/// path value (``, `.`, `..`) is refused with nothing sent, whichever of the two it is.
#[test]
fn values_inside_one_segment_template_parse_back() {
    use twilio_runtime::support::{Node, PathPiece};
    let cap = Capture::new(Reply::empty(204));
    let runs = AtomicUsize::new(0);
    let result = runner().run(&(text(), text()), |(from, to)| {
        runs.fetch_add(1, Ordering::Relaxed);
        let req = Node::new(cap.client.clone(), "/v1/Rates")
            .segment(&[
                PathPiece::Value(&from),
                PathPiece::Text(":between:"),
                PathPiece::Value(&to),
            ])
            .request(reqwest::Method::DELETE, "/v1/Rates/{From}:between:{To}");
        let (result, rec) = cap.call(req.send_empty());
        let refused = |v: &str| v.is_empty() || v == "." || v == "..";
        let Some(rec) = rec else {
            prop_assert!(
                matches!(result, Err(Error::InvalidArgument(_))),
                "nothing sent for {:?} and {:?}, and the result is {:?}",
                from,
                to,
                result
            );
            prop_assert!(refused(&from) || refused(&to), "{:?} {:?}", from, to);
            return Ok(());
        };
        prop_assert!(!refused(&from) && !refused(&to), "{:?} {:?} sent", from, to);
        let path = rec.path();
        let segment = path
            .strip_prefix("/v1/Rates/")
            .ok_or_else(|| fail(format!("unexpected path {path}")))?;
        prop_assert!(!segment.contains(['/', '?', '#']), "segment {:?}", segment);
        // `:` is encoded inside a value, so the text's own `:` mark where the values end.
        let (sent_from, sent_to) = segment
            .split_once(":between:")
            .ok_or_else(|| fail(format!("no text in {segment}")))?;
        let decode = |v: &str| {
            percent_encoding::percent_decode_str(v)
                .decode_utf8_lossy()
                .into_owned()
        };
        prop_assert_eq!(decode(sent_from), from);
        prop_assert_eq!(decode(sent_to), to);
        Ok(())
    });
    eprintln!(
        "fuzz_form segment template: {} executions",
        runs.load(Ordering::Relaxed)
    );
    if let Err(e) = result {
        panic!("{e}");
    }
}
