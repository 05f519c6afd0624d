//! An operation whose success answers differ by status, on the wire: the enum the generator
//! writes for it (here written out as `codegen` emits it, since no spec of this repository has
//! such an operation; `codegen/tests/styles.rs` pins the generated form) picks its variant by
//! the status, decodes that status's body, and refuses a 2xx the spec does not list.

use conversations_api::{Client, Error, LongRunning, RetryPolicy};
use conversations_tests::{MockServer, Reply};
use twilio_runtime::support::{Answered, Method, Node, Outcome};

#[derive(Debug, serde::Deserialize, PartialEq)]
struct Thing {
    id: String,
}

#[derive(Debug, serde::Deserialize, PartialEq)]
struct Accepted {
    #[serde(rename = "statusUrl")]
    status_url: String,
}

/// As `codegen` writes `<Builder>Outcome` for `200` / `202` / `204`.
#[derive(Debug)]
enum PatchThingOutcome {
    Ok(Thing),
    Accepted(LongRunning<Accepted, serde_json::Value>),
    NoContent,
}

impl Outcome for PatchThingOutcome {
    fn from_answer(answer: Answered<'_>) -> Result<Self, Error> {
        match answer.status() {
            200u16 => answer.json().map(Self::Ok),
            202u16 => answer.operation().map(Self::Accepted),
            204u16 => Ok(Self::NoContent),
            _ => Err(answer.unexpected()),
        }
    }
}

async fn patch(reply: Reply) -> (MockServer, Result<PatchThingOutcome, Error>) {
    let server = MockServer::always(reply).await;
    let client = Client::builder()
        .account_sid("AC00000000000000000000000000000001")
        .auth_token("secret")
        .base_url(server.url())
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client");
    let node = Node::on_host(client, conversations_api::BASE_URL, "/v9");
    let outcome = node
        .child("Things")
        .param("thing_1")
        .request(Method::PATCH, "/v9/Things/{id}")
        .send_outcome::<PatchThingOutcome>()
        .await;
    (server, outcome)
}

#[tokio::test]
async fn each_status_decodes_its_own_body() {
    let (server, ok) = patch(Reply::json(200, r#"{"id": "thing_1"}"#)).await;
    assert_eq!(server.requests()[0].target, "/v9/Things/thing_1");
    match ok {
        Ok(PatchThingOutcome::Ok(thing)) => assert_eq!(thing.id, "thing_1"),
        other => panic!("{other:?}"),
    }

    let (server, accepted) = patch(Reply::json(
        202,
        r#"{"statusUrl": "https://things.example.test/v9/Jobs/job_1"}"#,
    ))
    .await;
    match accepted {
        Ok(PatchThingOutcome::Accepted(op)) => {
            assert_eq!(
                op.accepted.status_url,
                "https://things.example.test/v9/Jobs/job_1"
            );
            let rebased = format!("{}/v9/Jobs/job_1", server.url());
            assert_eq!(op.status_url(), Some(rebased.as_str()));
        }
        other => panic!("{other:?}"),
    }

    let (_, empty) = patch(Reply::empty(204)).await;
    assert!(
        matches!(empty, Ok(PatchThingOutcome::NoContent)),
        "{empty:?}"
    );
}

#[tokio::test]
async fn a_success_the_spec_does_not_list_is_an_error_not_a_guess() {
    let (_, unlisted) =
        patch(Reply::json(201, r#"{"id": "thing_1"}"#).header("Twilio-Request-Id", "RQ0001")).await;
    match unlisted {
        Err(e @ Error::UnexpectedStatus { .. }) => {
            assert_eq!(e.status(), Some(201));
            assert_eq!(e.request_id(), Some("RQ0001"));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_body_that_does_not_fit_its_status_is_a_decode_error() {
    let (_, bad) = patch(Reply::json(200, r#"{"name": "no id"}"#)).await;
    match bad {
        Err(Error::Decode { field, .. }) => assert_eq!(field, "id"),
        other => panic!("{other:?}"),
    }
}
