//! A Conversations bot that echoes messages, moderates pre-action messages, and shows the
//! webhook side of the crate end to end.
//!
//! ```sh
//! PORT=8080 PUBLIC_URL=https://bot.example.com/twilio \
//! TWILIO_ACCOUNT_SID=AC... TWILIO_AUTH_TOKEN=... \
//! cargo run -p conversations-api --example echo_bot --features axum
//! ```
//!
//! * listens on `127.0.0.1:$PORT` (`0` picks a free port; the first line printed is
//!   `echo_bot listening on 127.0.0.1:N`) and serves the path of `$PUBLIC_URL`;
//! * checks every request's signature with `TWILIO_AUTH_TOKEN` against `$PUBLIC_URL`, the URL
//!   configured at Twilio (a proxy in front may change host, scheme and port); a missing or
//!   wrong signature gets `403` and nothing else happens;
//! * `onMessageAdded` whose author is not `echo-bot`: answers `200` at once, then posts
//!   `echo: <body>` as `echo-bot` to the same conversation, in the scope the event names (under
//!   its `ChatServiceSid` when the event has one, else under the default service). Twilio waits
//!   at most 5 seconds for a webhook's answer, so a handler answers first and does its slow
//!   work after. A message created through the REST API calls no webhooks unless the request
//!   carries `X-Twilio-Webhook-Enabled: true`, so the echo does not come back as an event (and
//!   the author check would stop a loop if it did);
//! * `onMessageAdd` whose body contains `forbidden`: rejected; one containing `darn`: allowed
//!   with each `darn` replaced by `****`;
//! * every other genuine event, known or unknown: `200` and one log line.
//!
//! The REST calls go to `$CONVERSATIONS_BASE_URL` when set (plain `http` to a loopback mock
//! is fine there), else to Twilio.

use axum::extract::{FromRef, State};
use axum::routing::post;
use axum::Router;
use conversations_api::axum_webhook::TwilioWebhook;
use conversations_api::handles::ConversationHandle;
use conversations_api::{
    Client, ConversationMessage, MessageChanges, PreActionResponse, Scope, WebhookEvent,
    WebhookReceiver, WebhookResponse,
};

const BOT: &str = "echo-bot";

/// Post `text` as the bot. Without `X-Twilio-Webhook-Enabled: true` Twilio calls no webhooks
/// for it, so the bot does not hear its own echo.
async fn post_echo<S: Scope>(
    conversation: ConversationHandle<S>,
    text: &str,
) -> Result<ConversationMessage, conversations_api::Error> {
    conversation
        .messages()
        .create()
        .author(BOT)
        .body(text)
        .send()
        .await
}

/// Post the echo of one message and log how it went; runs after the webhook was answered.
async fn echo(client: Client, service: Option<String>, conversation_sid: String, text: String) {
    // The same handle type serves both scopes: the echo goes where the event came from.
    let sent = match &service {
        Some(service) => {
            let conversation = client.service(service).conversation(&conversation_sid);
            post_echo(conversation, &text).await
        }
        None => post_echo(client.conversation(&conversation_sid), &text).await,
    };
    match sent {
        Ok(echo) => println!("onMessageAdded {conversation_sid}: echoed as {}", echo.sid),
        Err(e) => println!("onMessageAdded {conversation_sid}: echo failed: {e}"),
    }
}

#[derive(Clone)]
struct App {
    receiver: WebhookReceiver,
    client: Client,
}

impl FromRef<App> for WebhookReceiver {
    fn from_ref(app: &App) -> WebhookReceiver {
        app.receiver.clone()
    }
}

fn env(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("set {name}"))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port: u16 = env("PORT")?
        .parse()
        .map_err(|_| "PORT is not a port number")?;
    let public_url = env("PUBLIC_URL")?;
    let token = env("TWILIO_AUTH_TOKEN")?;
    let receiver = WebhookReceiver::new(&token, &public_url)?;
    let mut client = Client::builder()
        .account_sid(env("TWILIO_ACCOUNT_SID")?)
        .auth_token(token);
    if let Ok(base) = std::env::var("CONVERSATIONS_BASE_URL") {
        client = client.base_url(base);
    }
    let client = client.build()?;
    // The path Twilio calls: what follows the authority of the public URL, without query.
    let after_scheme = public_url.split_once("://").map_or("", |(_, rest)| rest);
    let path = match after_scheme.find('/') {
        Some(i) => after_scheme[i..].split(['?', '#']).next().unwrap_or("/"),
        None => "/",
    };
    let path = if path.is_empty() { "/" } else { path };
    let app = Router::new()
        .route(path, post(hook).get(hook))
        .with_state(App { receiver, client });
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!("echo_bot listening on {}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}

async fn hook(State(app): State<App>, TwilioWebhook(event): TwilioWebhook) -> WebhookResponse {
    match &event {
        WebhookEvent::MessageAdded(m) if m.author.as_deref() != Some(BOT) => {
            let text = format!("echo: {}", m.body.as_deref().unwrap_or(""));
            // Answer now, echo afterwards: the REST call may take longer than Twilio waits.
            tokio::spawn(echo(
                app.client.clone(),
                m.chat_service_sid.clone(),
                m.conversation_sid.clone(),
                text,
            ));
            WebhookResponse::ok()
        }
        WebhookEvent::MessageAdd(m) => {
            let body = m.body.as_deref().unwrap_or("");
            let answer = if body.contains("forbidden") {
                PreActionResponse::Reject
            } else if body.contains("darn") {
                PreActionResponse::ModifyMessage(
                    MessageChanges::default().body(body.replace("darn", "****")),
                )
            } else {
                PreActionResponse::Allow
            };
            println!("onMessageAdd {}: {answer:?}", m.conversation_sid);
            answer.to_response()
        }
        other => {
            println!(
                "{} (conversation {})",
                other.event_type(),
                other.conversation_sid().unwrap_or("-")
            );
            WebhookResponse::ok()
        }
    }
}
