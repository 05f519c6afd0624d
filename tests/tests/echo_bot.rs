//! The `echo_bot` example, run as a process: signed webhook requests in, and the REST calls it
//! makes checked byte for byte at the in-process server standing in for Twilio.

use conversations_api::SignatureValidator;
use conversations_tests::{message_json, MockServer, Recorded, Reply};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

const TOKEN: &str = "12345abcdef67890fedcba0987654321";
const ACCOUNT: &str = "AC0123456789abcdef0123456789abcdef";
const PUBLIC_URL: &str = "https://bot.example.com/twilio";
const IS: &str = "IS0123456789abcdef0123456789abcdef";
const CH: &str = "CH0123456789abcdef0123456789abcdef";

fn echo_bot_binary() -> std::path::PathBuf {
    conversations_tests::example_executable("echo_bot")
}

/// The running example; killed when dropped.
struct Bot {
    child: Child,
    addr: String,
    log: Arc<Mutex<Vec<String>>>,
}

impl Drop for Bot {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Bot {
    fn start(api_base: &str) -> Bot {
        let mut child = Command::new(echo_bot_binary())
            .env("PORT", "0")
            .env("PUBLIC_URL", PUBLIC_URL)
            .env("TWILIO_ACCOUNT_SID", ACCOUNT)
            .env("TWILIO_AUTH_TOKEN", TOKEN)
            .env("CONVERSATIONS_BASE_URL", api_base)
            .env_remove("TWILIO_API_KEY")
            .env_remove("TWILIO_API_SECRET")
            .stdout(Stdio::piped())
            .spawn()
            .expect("start echo_bot");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let first = lines.next().expect("a first line").expect("utf-8");
        let addr = first
            .strip_prefix("echo_bot listening on ")
            .unwrap_or_else(|| panic!("unexpected first line: {first}"))
            .to_string();
        let log = Arc::new(Mutex::new(Vec::new()));
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
        Bot { child, addr, log }
    }

    /// Wait (bounded) until the bot has printed a line containing `text`.
    async fn logged(&self, text: &str) -> bool {
        self.logged_times(text, 1).await
    }

    /// Wait (bounded) until the bot has printed `times` lines containing `text`.
    async fn logged_times(&self, text: &str, times: usize) -> bool {
        for _ in 0..500 {
            let seen = self
                .log
                .lock()
                .unwrap()
                .iter()
                .filter(|l| l.contains(text))
                .count();
            if seen >= times {
                return true;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        false
    }
}

fn pairs(fields: &[(&str, &str)]) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

struct Answer {
    status: u16,
    content_type: Option<String>,
    body: String,
}

/// POST `fields` to the bot, signed for `signed_url` (or with `signature` when given).
async fn post(bot: &Bot, fields: &[(String, String)], signature: Option<String>) -> Answer {
    let res = reqwest::Client::new()
        .post(format!("http://{}/twilio", bot.addr))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(conversations_tests::form_body(fields));
    let res = match signature {
        Some(sig) => res.header("X-Twilio-Signature", sig),
        None => res,
    };
    let res = res.send().await.expect("bot answers");
    Answer {
        status: res.status().as_u16(),
        content_type: res
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string()),
        body: res.text().await.unwrap(),
    }
}

fn signed(fields: &[(String, String)]) -> Option<String> {
    Some(SignatureValidator::new(TOKEN).sign_form(PUBLIC_URL, fields))
}

fn message_added(author: &str, body: &str, service: bool) -> Vec<(String, String)> {
    let mut f = pairs(&[
        ("EventType", "onMessageAdded"),
        ("AccountSid", ACCOUNT),
        ("ConversationSid", CH),
        ("MessageSid", "IM0123456789abcdef0123456789abcdef"),
        ("Index", "5"),
        ("Author", author),
        ("Body", body),
        ("Source", "SDK"),
        ("RetryCount", "0"),
    ]);
    if service {
        f.push(("ChatServiceSid".into(), IS.into()));
    }
    f
}

fn message_add(body: &str) -> Vec<(String, String)> {
    pairs(&[
        ("EventType", "onMessageAdd"),
        ("AccountSid", ACCOUNT),
        ("ChatServiceSid", IS),
        ("ConversationSid", CH),
        ("Author", "alice"),
        ("Body", body),
        ("Source", "SDK"),
    ])
}

fn form_of(r: &Recorded) -> Vec<(String, String)> {
    form_urlencoded::parse(&r.body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn echo_bot_end_to_end() {
    // The stand-in for Twilio answers each echo after a second, so the test can see that the
    // bot answers the webhook before its own REST call is done.
    let api = MockServer::start(|_, _| {
        Reply::json(
            201,
            message_json(
                "IM00000000000000000000000000000009",
                "CH00000000000000000000000000000001",
                r#""author": "echo-bot", "body": "echo""#,
            ),
        )
        .delayed(std::time::Duration::from_secs(1))
    })
    .await;
    let bot = Bot::start(&api.url());

    // 1. No signature, a forged one, and one made for the address the bot listens on (what a
    //    Host-header-trusting server would check): 403 each, and no API call.
    let event = message_added("alice", "hi there", true);
    assert_eq!(post(&bot, &event, None).await.status, 403);
    assert_eq!(
        post(&bot, &event, Some("AAAAAAAAAAAAAAAAAAAAAAAAAAA=".into()))
            .await
            .status,
        403
    );
    let for_local_host =
        SignatureValidator::new(TOKEN).sign_form(&format!("http://{}/twilio", bot.addr), &event);
    assert_eq!(post(&bot, &event, Some(for_local_host)).await.status, 403);
    let wrong_token = SignatureValidator::new("another token").sign_form(PUBLIC_URL, &event);
    assert_eq!(post(&bot, &event, Some(wrong_token)).await.status, 403);
    assert_eq!(
        api.request_count(),
        0,
        "a refused request makes no API call"
    );

    // 2. A genuine message-added event from a service: answered at once (the echo's REST call
    //    has not been answered yet), then echoed into the service scope.
    let answer = post(&bot, &event, signed(&event)).await;
    assert_eq!((answer.status, answer.body.as_str()), (200, ""));
    assert!(
        !bot.log
            .lock()
            .unwrap()
            .iter()
            .any(|l| l.contains("echoed as")),
        "the webhook was answered only after the echo"
    );
    // The bot reads the created message's SID from the answer as a plain value.
    assert!(
        bot.logged(&format!(
            "onMessageAdded {CH}: echoed as IM00000000000000000000000000000009"
        ))
        .await
    );
    let calls = api.requests();
    assert_eq!(calls.len(), 1);
    let echo = &calls[0];
    assert_eq!(echo.method, "POST");
    assert_eq!(
        echo.path(),
        format!("/v1/Services/{IS}/Conversations/{CH}/Messages")
    );
    // No `X-Twilio-Webhook-Enabled: true`: Twilio calls no webhooks for the echo.
    assert_eq!(echo.header("x-twilio-webhook-enabled"), None);
    assert_eq!(
        echo.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    let mut sent = form_of(echo);
    sent.sort();
    assert_eq!(
        sent,
        pairs(&[("Author", "echo-bot"), ("Body", "echo: hi there")])
    );
    // Account SID and auth token from the environment, as HTTP Basic credentials.
    use base64::Engine as _;
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{ACCOUNT}:{TOKEN}"));
    assert_eq!(
        echo.header("authorization"),
        Some(format!("Basic {basic}").as_str())
    );

    // 3. The same from the default service (no ChatServiceSid): the default scope.
    let event = message_added("bob", "ça va ✓", false);
    assert_eq!(post(&bot, &event, signed(&event)).await.status, 200);
    assert!(
        bot.logged_times(&format!("onMessageAdded {CH}: echoed as"), 2)
            .await
    );
    let calls = api.requests();
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[1].path(), format!("/v1/Conversations/{CH}/Messages"));
    assert_eq!(calls[1].header("x-twilio-webhook-enabled"), None);
    let mut sent = form_of(&calls[1]);
    sent.sort();
    assert_eq!(
        sent,
        pairs(&[("Author", "echo-bot"), ("Body", "echo: ça va ✓")])
    );

    // 4. The bot's own message is not echoed again.
    let event = message_added("echo-bot", "echo: hi there", true);
    assert_eq!(post(&bot, &event, signed(&event)).await.status, 200);
    assert_eq!(api.request_count(), 2);

    // 5. Pre-action: `forbidden` is rejected, `darn` is masked, anything else allowed as is.
    let event = message_add("this is forbidden stuff");
    let answer = post(&bot, &event, signed(&event)).await;
    assert_eq!((answer.status, answer.body.as_str()), (403, ""));
    let event = message_add("darn it, darn");
    let answer = post(&bot, &event, signed(&event)).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.content_type.as_deref(), Some("application/json"));
    let json: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
    assert_eq!(json, serde_json::json!({"body": "**** it, ****"}));
    let event = message_add("hello");
    let answer = post(&bot, &event, signed(&event)).await;
    assert_eq!((answer.status, answer.body.as_str()), (200, ""));

    // 6. Other genuine events, known or not: 200 and a log line, no API call.
    let event = pairs(&[
        ("EventType", "onConversationStateUpdated"),
        ("AccountSid", ACCOUNT),
        ("ConversationSid", CH),
        ("StateTo", "closed"),
    ]);
    assert_eq!(post(&bot, &event, signed(&event)).await.status, 200);
    let event = pairs(&[
        ("EventType", "onMessageReacted"),
        ("AccountSid", ACCOUNT),
        ("Reaction", "👍"),
    ]);
    assert_eq!(post(&bot, &event, signed(&event)).await.status, 200);
    assert!(bot.logged("onConversationStateUpdated").await);
    assert!(bot.logged("onMessageReacted").await);
    assert_eq!(api.request_count(), 2);

    // 7. A genuine but malformed known event is 400, not handled.
    let mut event = message_added("alice", "x", true);
    event.retain(|(k, _)| k != "MessageSid");
    let answer = post(&bot, &event, signed(&event)).await;
    assert_eq!(answer.status, 400);
    assert!(answer.body.contains("MessageSid"), "{}", answer.body);
    assert_eq!(api.request_count(), 2);
}
