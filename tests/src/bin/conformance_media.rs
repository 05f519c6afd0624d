//! Conformance of the Media Content Service client against an independent server: Prism
//! serving `spec/media_v1.yaml` (started by `cargo xtask test`).
//!
//! ```sh
//! CONFORMANCE_MEDIA_URL=http://127.0.0.1:4011 cargo run -p conversations-tests --bin conformance_media
//! ```
//!
//! Both operations are called through the client (an upload of raw bytes with its content type
//! and filename, then a fetch); Prism validates each request against the spec and answers with
//! the spec's example, which the client must decode into the same values. Then requests Prism
//! must refuse (a SID off its pattern, no credentials) prove that it validates at all.
//! Last line: `conformance (media): N/2 operations, R refused as expected of K`.

use conversations_api::media::Media;
use conversations_api::{Client, Error, MediaFile, RetryPolicy};
use serde_json::Value;
use std::process::ExitCode;
use std::time::Duration;

const URL_VAR: &str = "CONFORMANCE_MEDIA_URL";
const SPEC: &str = include_str!("../../../spec/media_v1.yaml");
const ACCOUNT: &str = "AC5ef8732a3c49700934481addd5ce1659";
const SERVICE: &str = "IS4c2f0a93b3e24a0e8c1d7f5b6a9e0d21";
const MEDIA: &str = "ME0c3e5ad5b2a84df19a1f9fd5c5e0a1b2";

/// The example the spec gives for an operation's success answer.
fn example(spec: &serde_yaml::Value, path: &str, method: &str, status: &str) -> Option<Value> {
    let ex =
        &spec["paths"][path][method]["responses"][status]["content"]["application/json"]["example"];
    serde_json::to_value(ex).ok().filter(|v| !v.is_null())
}

/// Whether the decoded record holds exactly the example's values (RFC 3339 dates compared as
/// instants: the client writes them back in its own form).
fn same(decoded: &Media, expected: &Value) -> Result<(), String> {
    let got = serde_json::to_value(decoded).map_err(|e| e.to_string())?;
    let Some(fields) = expected.as_object() else {
        return Err("the example is not an object".into());
    };
    for (key, want) in fields {
        let have = &got[key];
        let equal = match (want.as_str(), have.as_str()) {
            (Some(w), Some(h)) if key.starts_with("date_") => {
                chrono::DateTime::parse_from_rfc3339(w).ok()
                    == chrono::DateTime::parse_from_rfc3339(h).ok()
            }
            _ => want == have,
        };
        if !equal {
            return Err(format!(
                "`{key}`: the server sent {want}, the client decoded {have}"
            ));
        }
    }
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let Some(url) = std::env::var(URL_VAR).ok().filter(|v| !v.trim().is_empty()) else {
        eprintln!("conformance (media): set {URL_VAR} to the server to test");
        return ExitCode::from(2);
    };
    let spec: serde_yaml::Value = match serde_yaml::from_str(SPEC) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("conformance (media): spec/media_v1.yaml: {e}");
            return ExitCode::FAILURE;
        }
    };
    let build = |b: conversations_api::ClientBuilder| {
        b.account_sid(ACCOUNT)
            .auth_token("conformance-token")
            .media_base_url(&url)
            .retry_policy(RetryPolicy::none())
            .timeout(Duration::from_secs(30))
            .build()
    };
    let client = match build(Client::builder()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("conformance (media): client: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut passed = 0;
    let svc = client.service(SERVICE);

    let upload = svc
        .upload_media(
            MediaFile::from_bytes(&b"\x89PNG\r\n\x1a\n"[..], "image/png").filename("chart.png"),
        )
        .await;
    let created = example(&spec, "/v1/Services/{ChatServiceSid}/Media", "post", "201");
    match (&upload, &created) {
        (Ok(m), Some(ex)) => match same(m, ex) {
            Ok(()) => {
                println!("ok   CreateMedia (raw bytes, image/png, Filename)");
                passed += 1;
            }
            Err(e) => println!("FAIL CreateMedia: {e}"),
        },
        (Err(e), _) => println!("FAIL CreateMedia: {e}"),
        (_, None) => println!("FAIL CreateMedia: the spec has no example"),
    }

    let fetched = svc.fetch_media(MEDIA).await;
    let expected = example(
        &spec,
        "/v1/Services/{ChatServiceSid}/Media/{Sid}",
        "get",
        "200",
    );
    match (&fetched, &expected) {
        (Ok(m), Some(ex)) => match same(m, ex) {
            Ok(()) => {
                println!("ok   FetchMedia");
                passed += 1;
            }
            Err(e) => println!("FAIL FetchMedia: {e}"),
        },
        (Err(e), _) => println!("FAIL FetchMedia: {e}"),
        (_, None) => println!("FAIL FetchMedia: the spec has no example"),
    }

    // Requests the server must refuse with a 4xx, surfaced by the client with that status.
    let mut refused = 0;
    let mut negatives = 0;
    let mut expect_refusal = |label: &str, result: Result<Media, Error>| {
        negatives += 1;
        match result {
            Err(e) if e.status().is_some_and(|s| (400..500).contains(&s)) => {
                refused += 1;
                println!("ok   refused as expected: {label} ({:?})", e.status());
            }
            Err(e) => println!("FAIL {label}: not a 4xx: {e}"),
            Ok(_) => println!("FAIL {label}: accepted"),
        }
    };
    expect_refusal(
        "a media SID off its pattern",
        svc.fetch_media("XX-not-a-media-sid").await,
    );
    let anonymous = reqwest::Client::new()
        .get(format!("{url}/v1/Services/{SERVICE}/Media/{MEDIA}"))
        .send()
        .await;
    negatives += 1;
    match anonymous {
        Ok(r) if r.status().as_u16() == 401 => {
            refused += 1;
            println!("ok   refused as expected: no credentials (401)");
        }
        Ok(r) => println!("FAIL no credentials: answered {}", r.status()),
        Err(e) => println!("FAIL no credentials: {e}"),
    }
    println!(
        "conformance (media): {passed}/2 operations, {refused} refused as expected of {negatives}"
    );
    if passed == 2 && refused == negatives {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
