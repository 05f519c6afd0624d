//! The README's "Conversations v2" example, run as written against the in-process server: the
//! function between the markers is the README's code block (checked by
//! `the_readme_shows_this_code`), and the server plays Conversations v2 for it.

use conversations_api::Client;
use conversations_tests::{MockServer, Recorded, Reply};

// README: begin
use conversations_api::v2::{Address, Channel, ParticipantAddress, ParticipantInput};
use conversations_api::v2::{CommunicationContent, ConversationGroupingType, TextContent};
use futures::TryStreamExt;
use std::time::Duration;

async fn v2_tour(client: &Client) -> Result<(), Box<dyn std::error::Error>> {
    let v2 = client.v2();
    // A configuration is made in the background: the call answers 202 with an operation.
    // Its Idempotency-Key (a fresh UUID, kept across retries) makes a retried POST safe.
    let made = v2
        .control_plane()
        .configurations()
        .create(
            "Support",
            "Inbound support",
            ConversationGroupingType::GroupByProfile,
            "mem_store_01k1etk2y5f1y9fpe2epfdtvv2",
        )
        .send()
        .await?;
    let done = made.wait(Duration::from_secs(30)).await?; // polls its statusUrl, bounded
    let related = done.related.unwrap_or_default();
    let configuration_id = related["configurationId"]
        .as_str()
        .ok_or("no configuration id")?;

    // A conversation with its first participant.
    let customer = ParticipantInput {
        name: Some("Dana".into()),
        addresses: Some(vec![Address {
            address: "+18005550100".into(),
            channel: Some(Channel::Sms),
            ..Default::default()
        }]),
        ..Default::default()
    };
    let conversation = v2
        .conversations()
        .create(configuration_id)
        .name("Order 1234")
        .participants(vec![customer])
        .send()
        .await?;

    // A communication in it.
    let chat = v2.conversation(&conversation.id);
    let text = CommunicationContent::Text(TextContent {
        text: "Your order shipped.".into(),
        ..Default::default()
    });
    let author = ParticipantAddress {
        address: "+18005550199".into(),
        channel: Some(Channel::Sms),
        ..Default::default()
    };
    let to = ParticipantAddress {
        address: "+18005550100".into(),
        channel: Some(Channel::Sms),
        ..Default::default()
    };
    chat.communications()
        .create(author, text, vec![to])
        .send()
        .await?;

    // Every communication, page by page (the pages link by token), at most 500.
    let all: Vec<_> = chat
        .communications()
        .list()
        .page_size(100)
        .limit(500)
        .stream()
        .try_collect()
        .await?;
    println!("{} communications", all.len());

    // Deleting a conversation is an operation too.
    chat.delete()
        .send()
        .await?
        .wait(Duration::from_secs(30))
        .await?;
    Ok(())
}
// README: end

const OP: &str = "https://conversations.twilio.com/v2/ControlPlane/Operations/proc_job_01";
const CONFIGURATION: &str = "conv_configuration_01k1etk2y5f1y9fpe2epfdtvv2";
const CONVERSATION: &str = "conv_conversation_01k1etk2y5f1y9fpe2epfdtvv2";

fn communication(i: u32) -> String {
    format!(
        r#"{{"id": "conv_communication_{i:026}", "conversationId": "{CONVERSATION}",
            "accountId": "AC00000000000000000000000000000001",
            "author": {{"address": "+18005550199", "channel": "SMS"}},
            "content": {{"type": "TEXT", "text": "m{i}"}},
            "recipients": [{{"address": "+18005550100", "channel": "SMS"}}]}}"#
    )
}

/// Conversations v2 as far as the tour goes.
fn v2(_: usize, r: &Recorded) -> Reply {
    let accepted = Reply::json(
        202,
        format!(r#"{{"statusUrl": "{OP}", "related": {{"configurationId": "{CONFIGURATION}"}}}}"#),
    );
    let conversation = format!(
        r#"{{"id": "{CONVERSATION}", "accountId": "AC00000000000000000000000000000001",
            "configurationId": "{CONFIGURATION}", "status": "ACTIVE", "name": "Order 1234"}}"#
    );
    match (r.method.as_str(), r.path()) {
        ("POST", "/v2/ControlPlane/Configurations") => accepted,
        ("GET", "/v2/ControlPlane/Operations/proc_job_01") => Reply::json(
            200,
            format!(
                r#"{{"operationId": "proc_job_01", "status": "COMPLETED",
                    "createdAt": "2026-12-06T10:00:00Z", "statusUrl": "{OP}",
                    "related": {{"configurationId": "{CONFIGURATION}"}}}}"#
            ),
        ),
        ("POST", "/v2/Conversations") => Reply::json(201, conversation),
        ("POST", p) if p.ends_with("/Communications") => Reply::json(201, communication(0)),
        ("GET", p) if p.ends_with("/Communications") => {
            // Three pages of two, linked by token.
            let (items, next) = if r.query().contains("pageToken=B") {
                ([5, 6], String::new())
            } else if r.query().contains("pageToken=A") {
                ([3, 4], r#", "nextToken": "B""#.to_string())
            } else {
                ([1, 2], r#", "nextToken": "A""#.to_string())
            };
            Reply::json(
                200,
                format!(
                    r#"{{"communications": [{}, {}], "meta": {{"key": "communications", "pageSize": 2{next}}}}}"#,
                    communication(items[0]),
                    communication(items[1])
                ),
            )
        }
        ("DELETE", _) => Reply::json(202, format!(r#"{{"statusUrl": "{OP}"}}"#)),
        _ => Reply::json(
            404,
            r#"{"code": 20404, "message": "not here", "status": 404}"#,
        ),
    }
}

#[tokio::test]
async fn the_readme_tour_runs() {
    let server = MockServer::start(v2).await;
    let client = Client::builder()
        .account_sid("AC00000000000000000000000000000001")
        .auth_token("secret")
        .base_url(server.url())
        .build()
        .expect("client");
    v2_tour(&client).await.expect("the tour");
    let lines: Vec<String> = server
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.target))
        .collect();
    let communications = format!("/v2/Conversations/{CONVERSATION}/Communications");
    assert_eq!(
        lines,
        [
            "POST /v2/ControlPlane/Configurations".to_string(),
            "GET /v2/ControlPlane/Operations/proc_job_01".to_string(),
            "POST /v2/Conversations".to_string(),
            format!("POST {communications}"),
            format!("GET {communications}?pageSize=100"),
            format!("GET {communications}?pageSize=100&pageToken=A"),
            format!("GET {communications}?pageSize=100&pageToken=B"),
            format!("DELETE /v2/Conversations/{CONVERSATION}"),
            "GET /v2/ControlPlane/Operations/proc_job_01".to_string(),
        ]
    );
    let requests = server.requests();
    let created: serde_json::Value = serde_json::from_slice(&requests[2].body).unwrap();
    assert_eq!(created["configurationId"], CONFIGURATION);
    let address = &created["participants"][0]["addresses"][0];
    assert_eq!(address["address"], "+18005550100");
    assert_eq!(address["channel"], "SMS");
    let sent: serde_json::Value = serde_json::from_slice(&requests[3].body).unwrap();
    assert_eq!(sent["content"]["text"], "Your order shipped.");
    assert!(requests[0].header("idempotency-key").is_some());
    assert!(requests[7].header("idempotency-key").is_some());
}

#[test]
fn the_readme_shows_this_code() {
    let here = include_str!("v2_readme.rs");
    let (_, rest) = here.split_once("// README: begin\n").expect("begin marker");
    let (shown, _) = rest.split_once("// README: end").expect("end marker");
    let readme = include_str!("../../README.md");
    let section = readme
        .split("## Conversations v2")
        .nth(1)
        .expect("a Conversations v2 section");
    assert!(
        section.contains(&format!("```rust\n{shown}```")),
        "README's code differs from tests/tests/v2_readme.rs:\n{shown}"
    );
}
