//! Webhooks as Twilio calls them: only for REST actions that ask (`X-Twilio-Webhook-Enabled:
//! true`), to the account's or the service's URLs and filters, signed with the auth token,
//! pre-action answers deciding the action.

mod common;

use common::{emulator, emulator_with, hook, raw, HookAnswer};
use reqwest::Method;
use std::time::Duration;
use twilio_runtime::SignatureValidator;

const ENABLED: (&str, &str) = ("X-Twilio-Webhook-Enabled", "true");

async fn configure(
    emu: &conversations_emulator::Emulator,
    pre: Option<&str>,
    post: Option<&str>,
    filters: &[&str],
) {
    let mut form: Vec<(&str, &str)> = Vec::new();
    if let Some(pre) = pre {
        form.push(("PreWebhookUrl", pre));
    }
    if let Some(post) = post {
        form.push(("PostWebhookUrl", post));
    }
    for f in filters {
        form.push(("Filters", f));
    }
    form.push(("Method", "POST"));
    let (status, body) = raw(emu, Method::POST, "/v1/Configuration/Webhooks", &form, &[]).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn post_action_events_are_signed_and_only_sent_when_asked() {
    let emu = emulator().await;
    let app = hook(HookAnswer::Ok).await;
    configure(
        &emu,
        None,
        Some(&app.url),
        &["onConversationAdded", "onMessageAdded"],
    )
    .await;

    // Without the header, a REST action calls no webhook.
    let (_, quiet) = raw(
        &emu,
        Method::POST,
        "/v1/Conversations",
        &[("FriendlyName", "quiet")],
        &[],
    )
    .await;
    assert!(quiet["sid"].is_string());
    let (_, conv) = raw(
        &emu,
        Method::POST,
        "/v1/Conversations",
        &[("FriendlyName", "loud")],
        &[ENABLED],
    )
    .await;
    let sid = conv["sid"].as_str().unwrap();
    raw(
        &emu,
        Method::POST,
        &format!("/v1/Conversations/{sid}/Messages"),
        &[("Body", "hello"), ("Author", "alice")],
        &[ENABLED],
    )
    .await;
    let deliveries = emu.wait_for_deliveries(2, Duration::from_secs(5)).await;
    assert_eq!(deliveries.len(), 2, "{deliveries:#?}");
    let added = deliveries
        .iter()
        .find(|d| d.event_type == "onConversationAdded")
        .expect("added");
    assert_eq!(added.field("ConversationSid"), Some(sid));
    assert_eq!(added.field("FriendlyName"), Some("loud"));
    assert_eq!(
        added.field("ChatServiceSid"),
        Some(emu.default_service_sid())
    );
    assert_eq!(added.field("Source"), Some("API"));
    let message = deliveries
        .iter()
        .find(|d| d.event_type == "onMessageAdded")
        .expect("message");
    assert_eq!(
        (
            message.field("Body"),
            message.field("Author"),
            message.field("Index")
        ),
        (Some("hello"), Some("alice"), Some("0"))
    );
    // The signature is Twilio's, over the URL and the fields, with the account's token: the
    // receiving side's check (our own validator) accepts what the app received.
    let validator = SignatureValidator::new(emu.auth_token());
    let calls = app.calls.lock().unwrap().clone();
    assert_eq!(calls.len(), 2);
    for (_, headers, body) in &calls {
        let signature = headers
            .iter()
            .find(|(k, _)| k == "x-twilio-signature")
            .map(|(_, v)| v.as_str());
        let fields: Vec<(String, String)> = form_urlencoded::parse(body.as_bytes())
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        assert_eq!(
            validator.validate_form(&app.url, &fields, signature),
            Ok(()),
            "{body}"
        );
    }
    assert!(deliveries.iter().all(|d| d.status == Some(200)));
}

#[tokio::test]
async fn filters_decide_which_events_fire() {
    let emu = emulator().await;
    let app = hook(HookAnswer::Ok).await;
    configure(&emu, None, Some(&app.url), &["onMessageAdded"]).await;
    let (_, conv) = raw(&emu, Method::POST, "/v1/Conversations", &[], &[ENABLED]).await;
    let sid = conv["sid"].as_str().unwrap();
    raw(
        &emu,
        Method::POST,
        &format!("/v1/Conversations/{sid}/Messages"),
        &[("Body", "x")],
        &[ENABLED],
    )
    .await;
    let deliveries = emu.wait_for_deliveries(1, Duration::from_secs(5)).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let deliveries2 = emu.deliveries();
    assert_eq!(deliveries.len(), 1);
    assert_eq!(
        deliveries2.len(),
        1,
        "onConversationAdded is not in the filters: {deliveries2:#?}"
    );
    assert_eq!(deliveries2[0].event_type, "onMessageAdded");
}

#[tokio::test]
async fn a_pre_action_answer_decides_the_action() {
    let emu = emulator().await;
    // A 403 stops the message.
    let deny = hook(HookAnswer::Status(403)).await;
    configure(&emu, Some(&deny.url), None, &["onMessageAdd"]).await;
    let (_, conv) = raw(&emu, Method::POST, "/v1/Conversations", &[], &[]).await;
    let messages = format!(
        "/v1/Conversations/{}/Messages",
        conv["sid"].as_str().unwrap()
    );
    let (status, body) = raw(
        &emu,
        Method::POST,
        &messages,
        &[("Body", "spam")],
        &[ENABLED],
    )
    .await;
    // No Twilio source names the status and code of this refusal: ours (docs/twilio-facts.md).
    assert_eq!(
        (status, body["code"].as_i64()),
        (422, Some(50004)),
        "{body}"
    );
    let (_, list) = raw(&emu, Method::GET, &messages, &[], &[]).await;
    assert_eq!(list["messages"].as_array().unwrap().len(), 0);
    // A JSON answer changes the documented keys.
    let edit = hook(HookAnswer::Json(
        r#"{"body": "****", "author": "moderator"}"#,
    ))
    .await;
    configure(&emu, Some(&edit.url), None, &["onMessageAdd"]).await;
    let (status, body) = raw(
        &emu,
        Method::POST,
        &messages,
        &[("Body", "darn"), ("Author", "alice")],
        &[ENABLED],
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        (body["body"].as_str(), body["author"].as_str()),
        (Some("****"), Some("moderator"))
    );
    let pre = emu
        .deliveries()
        .into_iter()
        .find(|d| d.pre_action && d.field("Body") == Some("darn"))
        .expect("pre-action call");
    assert_eq!(pre.event_type, "onMessageAdd");
}

#[tokio::test]
async fn a_pre_action_webhook_that_does_not_answer_in_time_lets_the_action_through() {
    let emu = emulator_with(Duration::from_millis(300)).await;
    let slow = hook(HookAnswer::Sleep(Duration::from_secs(3))).await;
    configure(&emu, Some(&slow.url), None, &["onConversationAdd"]).await;
    let (status, body) = raw(
        &emu,
        Method::POST,
        "/v1/Conversations",
        &[("FriendlyName", "late")],
        &[ENABLED],
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["friendly_name"], "late");
    let calls = emu.deliveries();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].status, None, "no answer recorded: {calls:?}");
}

#[tokio::test]
async fn service_webhooks_replace_the_account_ones_and_conversation_webhooks_add_to_them() {
    let emu = emulator().await;
    let account = hook(HookAnswer::Ok).await;
    let service = hook(HookAnswer::Ok).await;
    let scoped = hook(HookAnswer::Ok).await;
    configure(&emu, None, Some(&account.url), &["onMessageAdded"]).await;
    let (_, s) = raw(
        &emu,
        Method::POST,
        "/v1/Services",
        &[("FriendlyName", "other")],
        &[],
    )
    .await;
    let is = s["sid"].as_str().unwrap().to_string();
    let (status, body) = raw(
        &emu,
        Method::POST,
        &format!("/v1/Services/{is}/Configuration/Webhooks"),
        &[
            ("PostWebhookUrl", &service.url),
            ("Filters", "onMessageAdded"),
        ],
        &[],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (_, conv) = raw(
        &emu,
        Method::POST,
        &format!("/v1/Services/{is}/Conversations"),
        &[],
        &[],
    )
    .await;
    let ch = conv["sid"].as_str().unwrap();
    let (status, body) = raw(
        &emu,
        Method::POST,
        &format!("/v1/Services/{is}/Conversations/{ch}/Webhooks"),
        &[
            ("Target", "webhook"),
            ("Configuration.Url", &scoped.url),
            ("Configuration.Filters", "onMessageAdded"),
            ("Configuration.Method", "post"),
        ],
        &[],
    )
    .await;
    assert_eq!(status, 201, "{body}");
    raw(
        &emu,
        Method::POST,
        &format!("/v1/Services/{is}/Conversations/{ch}/Messages"),
        &[("Body", "x")],
        &[ENABLED],
    )
    .await;
    let deliveries = emu.wait_for_deliveries(2, Duration::from_secs(5)).await;
    let urls: Vec<&str> = deliveries.iter().map(|d| d.url.as_str()).collect();
    assert!(
        urls.contains(&service.url.as_str()) && urls.contains(&scoped.url.as_str()),
        "{urls:?}"
    );
    assert!(!urls.contains(&account.url.as_str()), "{urls:?}");
}

#[tokio::test]
async fn timer_state_changes_are_events_too() {
    let emu = emulator().await;
    let app = hook(HookAnswer::Ok).await;
    configure(&emu, None, Some(&app.url), &["onConversationStateUpdated"]).await;
    let (_, conv) = raw(
        &emu,
        Method::POST,
        "/v1/Conversations",
        &[("Timers.Inactive", "PT1M")],
        &[],
    )
    .await;
    emu.advance_clock(Duration::from_secs(120));
    raw(&emu, Method::GET, "/v1/Conversations", &[], &[]).await;
    let deliveries = emu.wait_for_deliveries(1, Duration::from_secs(5)).await;
    let d = &deliveries[0];
    assert_eq!(d.event_type, "onConversationStateUpdated");
    assert_eq!(
        (d.field("StateFrom"), d.field("StateTo"), d.field("Reason")),
        (Some("active"), Some("inactive"), Some("TIMER"))
    );
    assert_eq!(d.field("ConversationSid"), conv["sid"].as_str());
}

#[tokio::test]
async fn the_account_settings_serve_every_service_without_its_own_the_default_one_included() {
    let emu = emulator().await;
    let account = hook(HookAnswer::Ok).await;
    let default_service = hook(HookAnswer::Ok).await;
    configure(&emu, None, Some(&account.url), &["onMessageAdded"]).await;
    // The account's settings are the account's: no service in them, `target` as Twilio sets it.
    let (_, settings) = raw(&emu, Method::GET, "/v1/Configuration/Webhooks", &[], &[]).await;
    assert_eq!(settings["target"], "webhook", "{settings}");
    assert!(settings["chat_service_sid"].is_null(), "{settings}");
    let default_sid = emu.default_service_sid().to_string();
    let service_path = format!("/v1/Services/{default_sid}/Configuration/Webhooks");
    let (_, own) = raw(&emu, Method::GET, &service_path, &[], &[]).await;
    assert!(own["post_webhook_url"].is_null(), "{own}");
    assert_eq!(own["chat_service_sid"], default_sid.as_str(), "{own}");

    // Another service without settings of its own: the account's URL is called.
    let (_, s) = raw(
        &emu,
        Method::POST,
        "/v1/Services",
        &[("FriendlyName", "other")],
        &[],
    )
    .await;
    let other = s["sid"].as_str().unwrap().to_string();
    let (_, conv) = raw(
        &emu,
        Method::POST,
        &format!("/v1/Services/{other}/Conversations"),
        &[],
        &[],
    )
    .await;
    let ch = conv["sid"].as_str().unwrap().to_string();
    let post = |path: String| {
        let emu = &emu;
        async move { raw(emu, Method::POST, &path, &[("Body", "x")], &[ENABLED]).await }
    };
    post(format!("/v1/Services/{other}/Conversations/{ch}/Messages")).await;
    let first = emu.wait_for_deliveries(1, Duration::from_secs(5)).await;
    assert_eq!(first[0].url, account.url);

    // The default service gets settings of its own: they replace the account's there only.
    let (status, body) = raw(
        &emu,
        Method::POST,
        &service_path,
        &[
            ("PostWebhookUrl", &default_service.url),
            ("Filters", "onMessageAdded"),
        ],
        &[],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (_, conv) = raw(&emu, Method::POST, "/v1/Conversations", &[], &[]).await;
    let default_ch = conv["sid"].as_str().unwrap().to_string();
    post(format!("/v1/Conversations/{default_ch}/Messages")).await;
    post(format!("/v1/Services/{other}/Conversations/{ch}/Messages")).await;
    let all = emu.wait_for_deliveries(3, Duration::from_secs(5)).await;
    let mut urls: Vec<(String, String)> = all[1..]
        .iter()
        .map(|d| {
            let conversation = d
                .fields
                .iter()
                .find(|(k, _)| k == "ConversationSid")
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            (conversation, d.url.clone())
        })
        .collect();
    urls.sort();
    let mut expected = vec![
        (default_ch.clone(), default_service.url.clone()),
        (ch.clone(), account.url.clone()),
    ];
    expected.sort();
    assert_eq!(urls, expected);
}
