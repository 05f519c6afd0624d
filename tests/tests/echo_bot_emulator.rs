//! The `echo_bot` example against the emulator, end to end with nothing but `cargo test`: a
//! message posted through the REST API with webhooks enabled reaches the bot as a signed
//! `onMessageAdded` (the bot checks the signature with the account's auth token), and the bot's
//! echo appears in the conversation. The pre-action webhook moderates: a `forbidden` message is
//! refused, `darn` is masked.

use conversations_emulator::Emulator;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct Bot(Child);

impl Drop for Bot {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

async fn configure_webhooks(emu: &Emulator, url: &str) {
    let mut form = form_urlencoded::Serializer::new(String::new());
    form.append_pair("PreWebhookUrl", url)
        .append_pair("PostWebhookUrl", url)
        .append_pair("Filters", "onMessageAdd")
        .append_pair("Filters", "onMessageAdded")
        .append_pair("Method", "POST");
    let res = reqwest::Client::new()
        .post(format!("{}/v1/Configuration/Webhooks", emu.base_url()))
        .basic_auth(emu.account_sid(), Some(emu.auth_token()))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(form.finish())
        .send()
        .await
        .expect("configure webhooks");
    assert_eq!(res.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn echo_bot_through_the_emulator() {
    let emu = Emulator::start().await.expect("emulator");
    let port = free_port();
    let public_url = format!("http://127.0.0.1:{port}/twilio");
    let mut child = Command::new(conversations_tests::example_executable("echo_bot"))
        .env("PORT", port.to_string())
        .env("PUBLIC_URL", &public_url)
        .env("TWILIO_ACCOUNT_SID", emu.account_sid())
        .env("TWILIO_AUTH_TOKEN", emu.auth_token())
        .env("CONVERSATIONS_BASE_URL", emu.base_url())
        .env_remove("TWILIO_API_KEY")
        .env_remove("TWILIO_API_SECRET")
        .stdout(Stdio::piped())
        .spawn()
        .expect("start echo_bot");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let first = lines.next().expect("a first line").expect("utf-8");
    assert!(first.starts_with("echo_bot listening on"), "{first}");
    let _bot = Bot(child);
    std::thread::spawn(move || for _ in lines.map_while(Result::ok) {});
    configure_webhooks(&emu, &public_url).await;

    let client = emu.client();
    let conversation = client.conversations().create().send().await.unwrap();
    let messages = client.conversation(&conversation.sid).messages();
    let sent = messages
        .create()
        .author("alice")
        .body("hi there")
        .webhook_enabled(true)
        .send()
        .await
        .expect("the bot allows the message");
    assert_eq!(sent.body.as_deref(), Some("hi there"));

    // The echo appears in the conversation's messages (the bot posts it after answering).
    let mut bodies = Vec::new();
    for _ in 0..100 {
        let page = messages.list().send().await.unwrap();
        bodies = page
            .items
            .iter()
            .filter_map(|m| m.body.clone())
            .collect::<Vec<_>>();
        if bodies.len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(bodies, ["hi there", "echo: hi there"]);
    let echo = messages.list().send().await.unwrap().items[1].clone();
    assert_eq!(echo.author.as_deref(), Some("echo-bot"));
    assert_eq!(echo.index, Some(1));

    // Every call the emulator made was accepted by the bot (so its signature checked out), and
    // the echo itself raised no webhook (it was posted without X-Twilio-Webhook-Enabled).
    let deliveries = emu.deliveries();
    let kinds: Vec<&str> = deliveries.iter().map(|d| d.event_type.as_str()).collect();
    assert_eq!(kinds, ["onMessageAdd", "onMessageAdded"], "{deliveries:#?}");
    assert!(
        deliveries.iter().all(|d| d.status == Some(200)),
        "{deliveries:#?}"
    );

    // Pre-action moderation: refused, then masked.
    let refused = messages
        .create()
        .body("this is forbidden")
        .webhook_enabled(true)
        .send()
        .await;
    assert!(refused.is_err(), "{refused:?}");
    let masked = messages
        .create()
        .body("darn it")
        .webhook_enabled(true)
        .send()
        .await
        .unwrap();
    assert_eq!(masked.body.as_deref(), Some("**** it"));

    // A request the emulator signs for another URL is refused by the bot: the check is real.
    let forged = reqwest::Client::new()
        .post(&public_url)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("X-Twilio-Signature", "AAAAAAAAAAAAAAAAAAAAAAAAAAA=")
        .body("EventType=onMessageAdded")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
}
