//! The signature check against the known answers published in the unit tests of Twilio's four
//! official libraries (`tests/fixtures/twilio_library_vectors.json`), against known answers
//! computed by `scripts/webhook_vectors.py` (Python's hmac/hashlib, no code shared with ours),
//! plus the typed errors and secrecy.

use conversations_api::webhook_signature::{body_sha256, SignatureError, SignatureValidator};
use proptest::prelude::*;
use serde_json::Value;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

fn vectors() -> Vec<Value> {
    let path = root().join("tests/fixtures/webhook_vectors.json");
    let text = std::fs::read_to_string(&path).expect("read webhook_vectors.json");
    let doc: Value = serde_json::from_str(&text).expect("vectors are JSON");
    doc["vectors"].as_array().expect("vectors array").clone()
}

fn outcome(r: Result<(), SignatureError>) -> String {
    match r {
        Ok(()) => "ok".into(),
        Err(SignatureError::Mismatch) => "Mismatch".into(),
        Err(SignatureError::BodyHashMismatch) => "BodyHashMismatch".into(),
        Err(SignatureError::BodyHashMissing) => "BodyHashMissing".into(),
        Err(other) => format!("{other:?}"),
    }
}

fn string_pairs(value: &Value) -> Vec<(String, String)> {
    value
        .as_array()
        .expect("params array")
        .iter()
        .map(|p| {
            (
                p[0].as_str().unwrap().to_string(),
                p[1].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Every vector of twilio-python, twilio-node, twilio-go and twilio-java: the same URL, token,
/// fields or body and header value must be accepted or rejected as the library's test expects.
#[test]
fn twilio_library_vectors_give_the_libraries_answers() {
    let path = root().join("tests/fixtures/twilio_library_vectors.json");
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("read library vectors"))
            .expect("JSON");
    let vectors = doc["vectors"].as_array().expect("vectors");
    let mut failures = Vec::new();
    let mut libraries = std::collections::BTreeSet::new();
    for v in vectors {
        let library = v["library"].as_str().unwrap();
        libraries.insert(library.split('@').next().unwrap().to_string());
        let validator = SignatureValidator::new(v["token"].as_str().unwrap());
        let url = v["url"].as_str().unwrap();
        let header = v["signature"].as_str();
        let got = match v["kind"].as_str().unwrap() {
            "form" => validator.validate_form(url, &string_pairs(&v["params"]), header),
            "json" => validator.validate_json(url, v["body"].as_str().unwrap().as_bytes(), header),
            other => panic!("unknown kind {other}"),
        };
        let accepted = got.is_ok();
        if accepted != (v["expect"] == "ok") {
            failures.push(format!(
                "{library} {}: {}: expected {}, got {got:?}",
                v["file"], v["test"], v["expect"]
            ));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    assert_eq!(libraries.len(), 4, "{libraries:?}");
    assert!(vectors.len() >= 55, "only {} vectors", vectors.len());
    for h in doc["body_hashes"].as_array().unwrap() {
        assert_eq!(
            body_sha256(h["body"].as_str().unwrap().as_bytes()),
            h["sha256"].as_str().unwrap(),
            "{}",
            h["test"]
        );
    }
}

/// Twilio signs each distinct value of a repeated field once (twilio-python's "Ensure
/// duplicates are removed", twilio-node's `new Set`): our signer agrees with the published
/// answer byte for byte, whatever the order and repetition of the values.
#[test]
fn repeated_fields_sign_each_distinct_value_once() {
    let v = SignatureValidator::new("12345");
    let url = "https://mycompany.com/myapp.php?foo=1&bar=2";
    for fields in [
        vec![
            ("Sid", "CA123"),
            ("SidAccount", "AC123"),
            ("Digits", "5678"),
            ("Digits", "1234"),
            ("Digits", "1234"),
        ],
        vec![
            ("Digits", "1234"),
            ("Digits", "5678"),
            ("SidAccount", "AC123"),
            ("Sid", "CA123"),
        ],
        vec![
            ("Digits", "5678"),
            ("Digits", "5678"),
            ("Sid", "CA123"),
            ("Digits", "1234"),
            ("SidAccount", "AC123"),
        ],
    ] {
        assert_eq!(
            v.sign_form(url, &fields),
            "IK+Dwps556ElfBT0I3Rgjkr1wJU=",
            "{fields:?}"
        );
    }
}

#[test]
fn every_independent_vector_gives_its_outcome() {
    let vectors = vectors();
    assert!(vectors.len() >= 30, "only {} vectors", vectors.len());
    let mut failures = Vec::new();
    let mut counts = std::collections::BTreeMap::new();
    for v in &vectors {
        let name = v["name"].as_str().unwrap();
        let validator = SignatureValidator::new(v["validate_token"].as_str().unwrap());
        let url = v["validate_url"].as_str().unwrap();
        let sig = v["signature"].as_str().unwrap();
        let kind = v["kind"].as_str().unwrap();
        let got = match kind {
            "form" => {
                let params: Vec<(String, String)> = v["params"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| {
                        (
                            p[0].as_str().unwrap().to_string(),
                            p[1].as_str().unwrap().to_string(),
                        )
                    })
                    .collect();
                validator.validate_form(url, &params, Some(sig))
            }
            "get" => validator.validate_get(url, Some(sig)),
            "json" => {
                validator.validate_json(url, v["body"].as_str().unwrap().as_bytes(), Some(sig))
            }
            other => panic!("unknown kind {other}"),
        };
        *counts.entry(kind.to_string()).or_insert(0) += 1;
        let got = outcome(got);
        if got != v["expect"].as_str().unwrap() {
            failures.push(format!("{name}: expected {}, got {got}", v["expect"]));
        }
        // Where the receiver checks the very URL Twilio signed, our signer agrees byte for byte.
        if kind == "form" && v["expect"] == "ok" && v["signed_url"] == v["validate_url"] {
            let params: Vec<(String, String)> = v["params"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| (p[0].as_str().unwrap().into(), p[1].as_str().unwrap().into()))
                .collect();
            assert_eq!(validator.sign_form(url, &params), sig, "{name}");
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    assert!(counts.get("form").copied().unwrap_or(0) > 20, "{counts:?}");
    assert!(counts.get("get").copied().unwrap_or(0) >= 3, "{counts:?}");
    assert!(counts.get("json").copied().unwrap_or(0) >= 5, "{counts:?}");
}

/// The fixture is what the script computes today (so nobody edited it by hand). Needs python3;
/// without it the test says so and checks nothing else.
#[test]
fn fixture_matches_the_python_script() {
    let script = root().join("scripts/webhook_vectors.py");
    let out = match std::process::Command::new("python3")
        .arg(&script)
        .arg("--check")
        .output()
    {
        Ok(out) => out,
        Err(e) => {
            eprintln!("SKIPPED fixture_matches_the_python_script: python3 not runnable ({e})");
            return;
        }
    };
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("vectors agree"));
}

const TOKEN: &str = "12345abcdef67890fedcba0987654321";
const URL: &str = "https://bot.example.com/hook";

#[test]
fn header_problems_are_named() {
    let v = SignatureValidator::new(TOKEN);
    let params = [("Body", "hi")];
    assert_eq!(
        v.validate_form(URL, &params, None),
        Err(SignatureError::MissingHeader)
    );
    assert_eq!(
        v.validate_form(URL, &params, Some("  ")),
        Err(SignatureError::MissingHeader)
    );
    assert_eq!(
        v.validate_form(URL, &params, Some("not base64!")),
        Err(SignatureError::MalformedHeader)
    );
    // Valid base64, but 3 bytes rather than HMAC-SHA1's 20.
    assert_eq!(
        v.validate_form(URL, &params, Some("YWJj")),
        Err(SignatureError::MalformedHeader)
    );
    let good = v.sign_form(URL, &params);
    assert_eq!(v.validate_form(URL, &params, Some(&good)), Ok(()));
    // A header with surrounding white space (some proxies add it) still validates.
    assert_eq!(
        v.validate_form(URL, &params, Some(&format!(" {good} "))),
        Ok(())
    );
    assert_eq!(
        v.validate_form("bot.example.com/hook", &params, Some(&good)),
        Err(SignatureError::BadUrl {
            reason: "not an absolute URL (no scheme://)"
        })
    );
    assert!(matches!(
        v.validate_json("ftp://x/y?bodySHA256=00", b"{}", Some(&good)),
        Err(SignatureError::BadUrl { .. })
    ));
}

#[test]
fn json_body_hash_is_checked_before_the_signature() {
    let v = SignatureValidator::new(TOKEN);
    let body = br#"{"EventType":"onMessageAdded"}"#;
    let url = format!("{URL}?bodySHA256={}", body_sha256(body));
    let sig = v.sign_form::<&str, &str>(&url, &[]);
    assert_eq!(v.validate_json(&url, body, Some(&sig)), Ok(()));
    // Upper-case hex names the same hash.
    let upper = format!("{URL}?bodySHA256={}", body_sha256(body).to_uppercase());
    let sig_upper = v.sign_form::<&str, &str>(&upper, &[]);
    assert_eq!(v.validate_json(&upper, body, Some(&sig_upper)), Ok(()));
    assert_eq!(
        v.validate_json(&url, b"{}", Some(&sig)),
        Err(SignatureError::BodyHashMismatch)
    );
    assert_eq!(
        v.validate_json(URL, body, Some(&sig)),
        Err(SignatureError::BodyHashMissing)
    );
    assert_eq!(
        v.validate_json(&url, body, None),
        Err(SignatureError::MissingHeader)
    );
}

#[test]
fn the_auth_token_never_shows() {
    let v = SignatureValidator::new(TOKEN);
    let debug = format!("{v:?}");
    assert!(
        !debug.contains(TOKEN) && debug.contains("redacted"),
        "{debug}"
    );
    let errors = [
        v.validate_form(URL, &[("a", "b")], Some("AAAAAAAAAAAAAAAAAAAAAAAAAAA=")),
        v.validate_form(URL, &[("a", "b")], None),
        v.validate_json(URL, b"x", Some("AAAAAAAAAAAAAAAAAAAAAAAAAAA=")),
        v.validate_form("https://user:secretpass@h/x:", &[("a", "b")], Some("x")),
    ];
    for e in errors {
        let e = e.expect_err("each of these fails");
        for text in [e.to_string(), format!("{e:?}")] {
            assert!(
                !text.contains(TOKEN) && !text.contains("secretpass"),
                "{text}"
            );
        }
    }
}

proptest! {
    // 256 cases, or `PROPTEST_CASES` (docs/fuzzing.md); no failure files are written.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Whatever arrives (URL, fields, header, body), the check answers with a value.
    #[test]
    fn arbitrary_input_never_panics(
        url in ".{0,60}",
        params in proptest::collection::vec((".{0,8}", ".{0,16}"), 0..6),
        header in proptest::option::of(".{0,40}"),
        body in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        let v = SignatureValidator::new("t");
        let _ = v.validate_form(&url, &params, header.as_deref());
        let _ = v.validate_get(&url, header.as_deref());
        let _ = v.validate_json(&url, &body, header.as_deref());
    }

    /// A signature we make always validates, and changing any one value breaks it.
    #[test]
    fn own_signatures_round_trip(
        params in proptest::collection::vec(("[A-Za-z]{1,6}", ".{0,12}"), 1..6),
        port in proptest::option::of(prop_oneof![Just("443"), Just("8443")]),
    ) {
        let v = SignatureValidator::new(TOKEN);
        let url = match port {
            Some(p) => format!("https://h.example:{p}/hook"),
            None => "https://h.example/hook".to_string(),
        };
        let sig = v.sign_form(&url, &params);
        prop_assert_eq!(v.validate_form(&url, &params, Some(&sig)), Ok(()));
        let mut changed = params.clone();
        changed[0].1.push('!');
        prop_assert_eq!(v.validate_form(&url, &changed, Some(&sig)), Err(SignatureError::Mismatch));
    }
}
