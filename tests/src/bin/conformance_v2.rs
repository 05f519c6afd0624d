//! Conformance of the Conversations v2 client against an independent server: Prism serving
//! `spec/conversations_v2.yaml` (started by `cargo xtask test`).
//!
//! ```sh
//! CONFORMANCE_V2_URL=http://127.0.0.1:4012 cargo run -p conversations-tests --bin conformance_v2
//! ```
//!
//! Every one of the 22 operations is called through `client.v2()`: Prism checks each request
//! against the spec (path, query, the `Idempotency-Key` header's UUID pattern, the JSON body,
//! credentials) and answers from the spec's schemas, which the client must decode. Lists are
//! read as streams, so the token paging runs too (Prism names the same token on every page,
//! which the client must take as the last page), and an accepted operation is polled once at
//! its status URL. Then requests Prism must refuse prove that it validates at all.
//! Last line: `conformance (v2): N/22 operations, R refused as expected of K`.

use conversations_api::v2::{ConversationGroupingType, ConversationStatus, OperationAccepted};
use conversations_api::{Client, Error, LongRunning, RetryPolicy};
use futures::TryStreamExt;
use serde_json::json;
use std::process::ExitCode;
use std::time::Duration;

const URL_VAR: &str = "CONFORMANCE_V2_URL";
const OPERATIONS: usize = 22;
const ACCOUNT: &str = "AC5ef8732a3c49700934481addd5ce1659";
const CONVERSATION: &str = "conv_conversation_01k1etk2y5f1y9fpe2epfdtvv2";
const CONFIGURATION: &str = "conv_configuration_01k1etk2y5f1y9fpe2epfdtvv2";
const PARTICIPANT: &str = "conv_participant_01k1etx3jbfx88476ccja0889c";
const COMMUNICATION: &str = "conv_communication_01k1etk2y5f1y9fpe2epfdtvv2";
const MEMORY_STORE: &str = "mem_store_01k1etk2y5f1y9fpe2epfdtvv2";

/// A value of a generated input type, written as the JSON it stands for.
fn from_json<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> T {
    serde_json::from_value(value).expect("the conformance suite's own JSON fits the type")
}

struct Tally {
    passed: usize,
}

impl Tally {
    fn record<T>(&mut self, id: &str, result: Result<T, Error>) -> Option<T> {
        match result {
            Ok(v) => {
                println!("ok   {id}");
                self.passed += 1;
                Some(v)
            }
            Err(e) => {
                println!("FAIL {id}: {e}");
                None
            }
        }
    }

    /// An accepted operation: the answer decodes, and one poll of its status URL does too.
    async fn accepted(
        &mut self,
        id: &str,
        result: Result<LongRunning<OperationAccepted, conversations_api::v2::Operation>, Error>,
    ) {
        let polled = match result {
            Ok(op) => op
                .poll()
                .await
                .map(|state| (op.status_url().is_some(), state)),
            Err(e) => Err(e),
        };
        match polled {
            Ok((true, state)) => {
                println!("ok   {id} (202, then polled: {:?})", state.status);
                self.passed += 1;
            }
            Ok((false, _)) => println!("FAIL {id}: the answer named no status URL"),
            Err(e) => println!("FAIL {id}: {e}"),
        }
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let Some(url) = std::env::var(URL_VAR).ok().filter(|v| !v.trim().is_empty()) else {
        eprintln!("conformance (v2): set {URL_VAR} to the server to test");
        return ExitCode::from(2);
    };
    let client = match Client::builder()
        .account_sid(ACCOUNT)
        .auth_token("conformance-token")
        .base_url(&url)
        .retry_policy(RetryPolicy::none())
        .timeout(Duration::from_secs(30))
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            eprintln!("conformance (v2): client: {e}");
            return ExitCode::FAILURE;
        }
    };
    let v2 = client.v2();
    let mut t = Tally { passed: 0 };

    // Configurations (every write takes an idempotency key the client makes).
    let configurations = v2.control_plane().configurations();
    t.record(
        "ListConfiguration (stream)",
        configurations
            .list()
            .page_size(2)
            .memory_store_id(MEMORY_STORE)
            .limit(5)
            .stream()
            .try_collect::<Vec<_>>()
            .await,
    );
    t.accepted(
        "CreateConfiguration",
        configurations
            .create(
                "Support",
                "Inbound support conversations",
                ConversationGroupingType::GroupByParticipantAddresses,
                MEMORY_STORE,
            )
            .send()
            .await,
    )
    .await;
    let configuration = v2.control_plane().configuration(CONFIGURATION);
    t.record("FetchConfiguration", configuration.fetch().send().await);
    t.accepted(
        "UpdateConfiguration",
        configuration
            .update(
                "Inbound support conversations",
                ConversationGroupingType::GroupByProfile,
                MEMORY_STORE,
                json!({}),
            )
            .display_name("Support")
            .send()
            .await,
    )
    .await;
    t.accepted(
        "PatchConfiguration",
        configuration
            .patch()
            .display_name("Support desk")
            .idempotency_key("01890a5d-aa0f-7c80-b8e6-0242ac140004")
            .send()
            .await,
    )
    .await;
    t.accepted("DeleteConfiguration", configuration.delete().send().await)
        .await;
    t.record(
        "FetchOperationStatus",
        v2.control_plane()
            .operation("proc_job_01h9d8r0vte3hz8tykdj329t7r")
            .fetch()
            .send()
            .await,
    );

    // Conversations.
    t.record(
        "ListConversationByAccount (stream)",
        v2.conversations()
            .list()
            .status(vec![
                ConversationStatus::Active,
                ConversationStatus::Inactive,
            ])
            .page_size(10)
            .limit(25)
            .stream()
            .try_collect::<Vec<_>>()
            .await,
    );
    t.record(
        "CreateConversationWithConfig",
        v2.conversations()
            .create(CONFIGURATION)
            .name("Order 1234")
            .participants(from_json(json!([{
                "name": "Dana",
                "type": "CUSTOMER",
                "addresses": [{"channel": "SMS", "address": "+18005550100"}]
            }])))
            .send()
            .await,
    );
    let conversation = v2.conversation(CONVERSATION);
    t.record("FetchConversation", conversation.fetch().send().await);
    t.record(
        "UpdateConversationById",
        conversation
            .update(ConversationStatus::Inactive)
            .name("Order 1234")
            .send()
            .await,
    );
    t.record(
        "PatchConversationById",
        conversation
            .patch()
            .name("Order 1234 (closed)")
            .send()
            .await,
    );
    t.accepted(
        "DeleteConversationAsync",
        conversation.delete().send().await,
    )
    .await;

    // Actions.
    let created_action = conversation
        .actions()
        .create(
            "SEND_MESSAGE",
            from_json(json!({
                "from": {"address": "+18005550199", "channel": "SMS"},
                "to": [{"address": "+18005550100", "channel": "SMS"}],
                "content": {"text": "Your order shipped."}
            })),
        )
        .send()
        .await;
    t.record("CreateConversationAction", created_action);
    t.record(
        "FetchConversationAction",
        conversation
            .action("conv_action_01k1etk2y5f1y9fpe2epfdtvv2")
            .fetch()
            .send()
            .await,
    );

    // Participants.
    t.record(
        "ListParticipantByConversation (stream)",
        conversation
            .participants()
            .list()
            .limit(3)
            .stream()
            .try_collect::<Vec<_>>()
            .await,
    );
    t.record(
        "CreateParticipantInConversation",
        conversation
            .participants()
            .create(from_json(
                json!([{"channel": "SMS", "address": "+18005550100"}]),
            ))
            .name("Dana")
            .send()
            .await,
    );
    let participant = conversation.participant(PARTICIPANT);
    t.record("FetchParticipant", participant.fetch().send().await);
    t.record(
        "UpdateParticipantInConversation",
        participant.update().name("Dana S.").send().await,
    );

    // Communications.
    t.record(
        "ListCommunicationByConversation (stream)",
        conversation
            .communications()
            .list()
            .page_size(5)
            .limit(7)
            .stream()
            .try_collect::<Vec<_>>()
            .await,
    );
    t.record(
        "CreateCommunicationInConversation",
        conversation
            .communications()
            .create(
                from_json(json!({"address": "+18005550100", "channel": "SMS"})),
                from_json(json!({"type": "TEXT", "text": "Where is my order?"})),
                from_json(json!([{"address": "+18005550199", "channel": "SMS"}])),
            )
            .send()
            .await,
    );
    t.record(
        "FetchCommunication",
        conversation
            .communication(COMMUNICATION)
            .fetch()
            .send()
            .await,
    );

    // Requests the server must refuse with a 4xx, surfaced by the client with that status.
    let mut refused = 0;
    let mut negatives = 0;
    let mut expect_refusal = |label: &str, status: Option<u16>| {
        negatives += 1;
        match status {
            Some(s) if (400..500).contains(&s) => {
                refused += 1;
                println!("ok   refused as expected: {label} ({s})");
            }
            other => println!("FAIL {label}: not a 4xx ({other:?})"),
        }
    };
    expect_refusal(
        "an idempotency key that is no UUID",
        configuration
            .delete()
            .idempotency_key("not-a-uuid")
            .send()
            .await
            .err()
            .and_then(|e| e.status()),
    );
    expect_refusal(
        "a page size above 1000",
        v2.conversations()
            .list()
            .page_size(5000)
            .send()
            .await
            .err()
            .and_then(|e| e.status()),
    );
    let anonymous = reqwest::Client::new()
        .get(format!("{url}/v2/Conversations/{CONVERSATION}"))
        .send()
        .await;
    expect_refusal(
        "no credentials",
        anonymous.ok().map(|r| r.status().as_u16()),
    );
    println!(
        "conformance (v2): {}/{OPERATIONS} operations, {refused} refused as expected of {negatives}",
        t.passed
    );
    if t.passed == OPERATIONS && refused == negatives {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
