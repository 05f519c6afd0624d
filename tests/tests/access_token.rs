//! Access tokens, checked by decoders that share no code with the crate: the `jsonwebtoken`
//! crate (ring's HMAC, not the RustCrypto one the crate signs with) and a Python script that
//! uses only the standard library. The clock is always passed in, so every expected value is
//! computed from known inputs.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use conversations_api::{AccessToken, AccessTokenError, DateTime};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

const ACCOUNT: &str = "AC0123456789abcdef0123456789abcdef";
const KEY: &str = "SKfedcba9876543210fedcba9876543210";
const SECRET: &str = "s3cr3t-key-material-that-must-not-leak";
const SERVICE: &str = "IS00112233445566778899aabbccddeeff";
const PUSH: &str = "CRaabbccddeeff00112233445566778899";
const ROLE: &str = "RL00112233445566778899aabbccddeeff";
const ISSUED: i64 = 1_700_000_000;

fn issued() -> DateTime {
    DateTime::from_timestamp(ISSUED, 0).unwrap()
}

fn builder() -> conversations_api::AccessTokenBuilder {
    AccessToken::builder(ACCOUNT, KEY, SECRET)
        .identity("alice")
        .chat_service_sid(SERVICE)
}

/// Decoded header and claims, as raw JSON text (to check key order) and as values.
fn parts(jwt: &str) -> (String, String) {
    let pieces: Vec<&str> = jwt.split('.').collect();
    assert_eq!(pieces.len(), 3, "{jwt}");
    let text = |p: &str| String::from_utf8(URL_SAFE_NO_PAD.decode(p).unwrap()).unwrap();
    (text(pieces[0]), text(pieces[1]))
}

/// `jsonwebtoken` with every time check off (no wall clock in tests) and only HS256 allowed.
fn decode_with_jsonwebtoken(jwt: &str, secret: &str) -> jsonwebtoken::errors::Result<Value> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.required_spec_claims.clear();
    let data = jsonwebtoken::decode::<Value>(
        jwt,
        &DecodingKey::from_secret(secret.as_bytes()),
        &validation,
    )?;
    assert_eq!(data.header.typ.as_deref(), Some("JWT"));
    assert_eq!(data.header.alg, Algorithm::HS256);
    assert_eq!(data.header.cty.as_deref(), Some("twilio-fpa;v=1"));
    Ok(data.claims)
}

#[test]
fn minimal_token_has_twilio_layout_and_verifies_with_jsonwebtoken() {
    let jwt = builder().build().unwrap().to_jwt_at(issued()).unwrap();
    let claims = decode_with_jsonwebtoken(&jwt, SECRET).unwrap();
    assert_eq!(
        claims,
        json!({
            "jti": format!("{KEY}-{ISSUED}"),
            "iss": KEY,
            "sub": ACCOUNT,
            "iat": ISSUED,
            "exp": ISSUED + 3600,
            "grants": { "identity": "alice", "chat": { "service_sid": SERVICE } },
        })
    );
    // Exact bytes: field order as Twilio's format lists it, no `nbf` unless set, no padding.
    let (header, payload) = parts(&jwt);
    assert_eq!(
        header,
        r#"{"typ":"JWT","alg":"HS256","cty":"twilio-fpa;v=1"}"#
    );
    assert_eq!(
        payload,
        format!(
            r#"{{"jti":"{KEY}-{ISSUED}","iss":"{KEY}","sub":"{ACCOUNT}","iat":{ISSUED},"exp":{},"grants":{{"identity":"alice","chat":{{"service_sid":"{SERVICE}"}}}}}}"#,
            ISSUED + 3600
        )
    );
    assert!(!jwt.contains('='), "base64url without padding: {jwt}");
}

#[test]
fn every_option_reaches_the_token() {
    let nbf = DateTime::from_timestamp(ISSUED + 60, 0).unwrap();
    let jwt = builder()
        .push_credential_sid(PUSH)
        .deployment_role_sid(ROLE)
        .endpoint_id("app:alice:phone")
        .ttl(Duration::from_secs(600))
        .not_before(nbf)
        .region("ie1")
        .build()
        .unwrap()
        .to_jwt_at(issued())
        .unwrap();
    let claims = decode_with_jsonwebtoken(&jwt, SECRET).unwrap();
    assert_eq!(
        claims,
        json!({
            "jti": format!("{KEY}-{ISSUED}"),
            "iss": KEY,
            "sub": ACCOUNT,
            "iat": ISSUED,
            "nbf": ISSUED + 60,
            "exp": ISSUED + 600,
            "grants": {
                "identity": "alice",
                "chat": {
                    "service_sid": SERVICE,
                    "endpoint_id": "app:alice:phone",
                    "deployment_role_sid": ROLE,
                    "push_credential_sid": PUSH,
                },
            },
        })
    );
    let (header, payload) = parts(&jwt);
    assert_eq!(
        header,
        r#"{"typ":"JWT","alg":"HS256","cty":"twilio-fpa;v=1","twr":"ie1"}"#
    );
    let order: Vec<usize> = [
        "\"jti\"",
        "\"iss\"",
        "\"sub\"",
        "\"iat\"",
        "\"nbf\"",
        "\"exp\"",
        "\"grants\"",
    ]
    .iter()
    .map(|key| payload.find(key).unwrap())
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{payload}");
}

#[test]
fn wrong_secret_or_tampered_claims_fail_verification() {
    let jwt = builder().build().unwrap().to_jwt_at(issued()).unwrap();
    let err = decode_with_jsonwebtoken(&jwt, "another secret").unwrap_err();
    assert_eq!(
        *err.kind(),
        jsonwebtoken::errors::ErrorKind::InvalidSignature
    );

    let other = builder()
        .identity("mallory")
        .build()
        .unwrap()
        .to_jwt_at(issued())
        .unwrap();
    let mut pieces: Vec<&str> = jwt.split('.').collect();
    pieces[1] = other.split('.').nth(1).unwrap();
    let forged = pieces.join(".");
    let err = decode_with_jsonwebtoken(&forged, SECRET).unwrap_err();
    assert_eq!(
        *err.kind(),
        jsonwebtoken::errors::ErrorKind::InvalidSignature
    );
}

#[test]
fn same_inputs_same_token_and_time_moves_iat_jti_exp() {
    let token = builder().build().unwrap();
    assert_eq!(
        token.to_jwt_at(issued()).unwrap(),
        token.to_jwt_at(issued()).unwrap()
    );
    let later = DateTime::from_timestamp(ISSUED + 5, 0).unwrap();
    let claims = decode_with_jsonwebtoken(&token.to_jwt_at(later).unwrap(), SECRET).unwrap();
    assert_eq!(claims["iat"], ISSUED + 5);
    assert_eq!(claims["exp"], ISSUED + 5 + 3600);
    assert_eq!(claims["jti"], format!("{KEY}-{}", ISSUED + 5));
}

#[test]
fn ttl_default_maximum_and_past_maximum() {
    assert_eq!(builder().build().unwrap().ttl(), Duration::from_secs(3600));
    assert_eq!(
        conversations_api::ACCESS_TOKEN_MAX_TTL,
        Duration::from_secs(86_400)
    );

    let max = builder().ttl(Duration::from_secs(86_400)).build().unwrap();
    let claims = decode_with_jsonwebtoken(&max.to_jwt_at(issued()).unwrap(), SECRET).unwrap();
    assert_eq!(claims["exp"], ISSUED + 86_400);

    let err = builder()
        .ttl(Duration::from_secs(86_401))
        .build()
        .unwrap_err();
    assert_eq!(
        err,
        AccessTokenError::TtlTooLong {
            ttl_secs: 86_401,
            max_secs: 86_400
        }
    );
    assert!(err.to_string().contains("86401"), "{err}");
    // Just past the maximum, by a fraction of a second, is past it too.
    let err = builder()
        .ttl(Duration::from_millis(86_400_001))
        .build()
        .unwrap_err();
    assert!(
        matches!(err, AccessTokenError::TtlTooLong { .. }),
        "{err:?}"
    );

    let err = builder()
        .ttl(Duration::from_millis(999))
        .build()
        .unwrap_err();
    assert_eq!(err, AccessTokenError::TtlTooShort);
}

#[test]
fn bad_inputs_are_typed_errors() {
    let sid_err =
        |field: &'static str, expected_prefix: &'static str| AccessTokenError::InvalidSid {
            field,
            expected_prefix,
        };
    let err = AccessToken::builder(KEY, KEY, SECRET)
        .identity("a")
        .chat_service_sid(SERVICE)
        .build();
    assert_eq!(err.unwrap_err(), sid_err("account_sid", "AC"));
    let err = AccessToken::builder(ACCOUNT, ACCOUNT, SECRET)
        .identity("a")
        .chat_service_sid(SERVICE)
        .build();
    assert_eq!(err.unwrap_err(), sid_err("api_key_sid", "SK"));
    assert_eq!(
        builder().chat_service_sid("IS123").build().unwrap_err(),
        sid_err("chat_service_sid", "IS")
    );
    let not_hex = "ISzz112233445566778899aabbccddeeff";
    assert_eq!(
        builder().chat_service_sid(not_hex).build().unwrap_err(),
        sid_err("chat_service_sid", "IS")
    );
    assert_eq!(
        builder().push_credential_sid(SERVICE).build().unwrap_err(),
        sid_err("push_credential_sid", "CR")
    );
    assert_eq!(
        builder().deployment_role_sid(PUSH).build().unwrap_err(),
        sid_err("deployment_role_sid", "RL")
    );
    assert_eq!(
        builder().identity("").build().unwrap_err(),
        AccessTokenError::EmptyIdentity
    );
    assert_eq!(
        builder().identity("  ").build().unwrap_err(),
        AccessTokenError::EmptyIdentity
    );
    assert_eq!(
        AccessToken::builder(ACCOUNT, KEY, SECRET)
            .chat_service_sid(SERVICE)
            .build()
            .unwrap_err(),
        AccessTokenError::Missing { field: "identity" }
    );
    assert_eq!(
        AccessToken::builder(ACCOUNT, KEY, SECRET)
            .identity("a")
            .build()
            .unwrap_err(),
        AccessTokenError::Missing {
            field: "chat_service_sid"
        }
    );
    assert_eq!(
        AccessToken::builder(ACCOUNT, KEY, "")
            .identity("a")
            .chat_service_sid(SERVICE)
            .build()
            .unwrap_err(),
        AccessTokenError::EmptySecret
    );
    assert_eq!(
        builder().endpoint_id("").build().unwrap_err(),
        AccessTokenError::EmptyEndpointId
    );
    assert_eq!(
        builder().region("ie1\"}").build().unwrap_err(),
        AccessTokenError::InvalidRegion {
            value: "ie1\"}".to_string()
        }
    );

    let token = builder()
        .not_before(DateTime::from_timestamp(ISSUED + 3600, 0).unwrap())
        .build()
        .unwrap();
    assert_eq!(
        token.to_jwt_at(issued()).unwrap_err(),
        AccessTokenError::NotBeforeAfterExpiry {
            not_before: ISSUED + 3600,
            expires: ISSUED + 3600
        }
    );
    let before_1970 = DateTime::from_timestamp(-1, 0).unwrap();
    assert_eq!(
        builder()
            .build()
            .unwrap()
            .to_jwt_at(before_1970)
            .unwrap_err(),
        AccessTokenError::TimeBeforeEpoch
    );
}

#[test]
fn secret_never_in_debug_or_errors() {
    let b = builder().push_credential_sid(PUSH).region("ie1");
    let shown = format!("{b:?}");
    assert!(!shown.contains(SECRET), "{shown}");
    assert!(shown.contains(KEY) && shown.contains("***"), "{shown}");
    let token = b.build().unwrap();
    let shown = format!("{token:?} {token:#?}");
    assert!(!shown.contains(SECRET), "{shown}");
    assert!(shown.contains("alice"), "{shown}");
    // Secret and key SID swapped by mistake: the error names the setting, not the value.
    let swapped = AccessToken::builder(ACCOUNT, SECRET, KEY)
        .identity("a")
        .chat_service_sid(SERVICE)
        .build()
        .unwrap_err();
    assert_eq!(
        swapped,
        AccessTokenError::InvalidSid {
            field: "api_key_sid",
            expected_prefix: "SK"
        }
    );
    let too_long = builder()
        .ttl(Duration::from_secs(90_000))
        .build()
        .unwrap_err();
    for err in [swapped, too_long] {
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains(SECRET), "{shown}");
    }
}

fn python3() -> Option<&'static str> {
    let ok = Command::new("python3")
        .arg("--version")
        .output()
        .map(|o| o.status.success());
    ok.unwrap_or(false).then_some("python3")
}

fn script() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/verify_access_token.py")
}

#[test]
fn python_stdlib_script_verifies_the_token() {
    let Some(python) = python3() else {
        println!("skipped: python3 not found, scripts/verify_access_token.py not run");
        return;
    };
    let jwt = builder()
        .endpoint_id("app:alice:phone")
        .region("au1")
        .build()
        .unwrap()
        .to_jwt_at(issued())
        .unwrap();
    let out = Command::new(python)
        .arg(script())
        .arg(&jwt)
        .arg(SECRET)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let decoded: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        decoded["header"],
        json!({ "typ": "JWT", "alg": "HS256", "cty": "twilio-fpa;v=1", "twr": "au1" })
    );
    assert_eq!(decoded["claims"]["iss"], KEY);
    assert_eq!(decoded["claims"]["sub"], ACCOUNT);
    assert_eq!(decoded["claims"]["jti"], format!("{KEY}-{ISSUED}"));
    assert_eq!(decoded["claims"]["exp"], ISSUED + 3600);
    assert_eq!(
        decoded["claims"]["grants"]["chat"]["endpoint_id"],
        "app:alice:phone"
    );

    let out = Command::new(python)
        .arg(script())
        .arg(&jwt)
        .arg("wrong")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("signature"));
}

/// Build the example with the cargo running this test and return its path (from cargo's
/// JSON messages, so any target directory works).
fn example_binary() -> std::path::PathBuf {
    conversations_tests::example_executable("access_token")
}

#[test]
fn example_prints_only_a_token_that_verifies() {
    let bin = example_binary();
    let run = |args: &[&str], secret: Option<&str>| {
        let mut cmd = Command::new(&bin);
        cmd.args(args)
            .env("TWILIO_ACCOUNT_SID", ACCOUNT)
            .env("TWILIO_API_KEY", KEY)
            .env("CONVERSATIONS_SERVICE_SID", SERVICE)
            .env_remove("TWILIO_API_SECRET");
        if let Some(secret) = secret {
            cmd.env("TWILIO_API_SECRET", secret);
        }
        cmd.output().unwrap()
    };

    let out = run(&["bob"], Some(SECRET));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let jwt = stdout.strip_suffix('\n').unwrap();
    assert!(
        !jwt.contains(char::is_whitespace),
        "one line, the token only: {stdout:?}"
    );
    let claims = decode_with_jsonwebtoken(jwt, SECRET).unwrap();
    assert_eq!(claims["grants"]["identity"], "bob");
    assert_eq!(claims["grants"]["chat"]["service_sid"], SERVICE);
    assert_eq!(claims["sub"], ACCOUNT);
    let iat = claims["iat"].as_i64().unwrap();
    assert_eq!(claims["exp"].as_i64().unwrap() - iat, 3600);
    assert_eq!(claims["jti"], format!("{KEY}-{iat}"));

    // Usage errors: exit 2, nothing on stdout.
    for (args, secret) in [
        (&[][..], Some(SECRET)),
        (&["a", "b"][..], Some(SECRET)),
        (&["bob"][..], None),
    ] {
        let out = run(args, secret);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty());
        assert!(String::from_utf8_lossy(&out.stderr).contains("usage"));
    }
    // Other errors (a bad identity): exit 1, the reason on stderr, never the secret.
    let out = run(&[" "], Some(SECRET));
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("identity") && !stderr.contains(SECRET),
        "{stderr}"
    );
}
