//! Calling the application's webhooks as Twilio does: the event's fields form-encoded (or in
//! the query string of a `GET`), signed with `X-Twilio-Signature` by the account's auth token,
//! each call recorded so a test can read it.
//!
//! Pre-action webhooks decide the action: a 2xx answer lets it through (changed as a JSON body
//! says), any other status stops it, and no answer within the wait lets it through unchanged.
//! Post-action webhooks are called after the action, without waiting for them.

use chrono::{DateTime, Utc};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use twilio_runtime::SignatureValidator;

/// Where one kind of webhook goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub url: String,
    /// `POST` (fields in a form body) or `GET` (fields in the query string).
    pub method: String,
    /// The event types this target wants; empty: every one.
    pub filters: Vec<String>,
}

/// One webhook call, as a test reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub event_type: String,
    pub url: String,
    pub method: String,
    /// The form fields (or query parameters) sent, in the order sent.
    pub fields: Vec<(String, String)>,
    /// The `X-Twilio-Signature` sent.
    pub signature: String,
    /// The application's status, `None` when it did not answer (refused, timed out).
    pub status: Option<u16>,
    /// The application's answer body (at most 64 KiB kept).
    pub body: String,
    pub pre_action: bool,
    pub at: DateTime<Utc>,
}

impl Delivery {
    /// The value of one field, if sent.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Every delivery so far, and a way to wait for the next.
#[derive(Debug, Default)]
pub struct Deliveries {
    list: Mutex<Vec<Delivery>>,
    added: tokio::sync::Notify,
}

impl Deliveries {
    pub fn all(&self) -> Vec<Delivery> {
        self.list.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn push(&self, delivery: Delivery) {
        self.list
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(delivery);
        self.added.notify_waiters();
    }

    /// Wait (at most `within`) until `count` deliveries have been recorded; the deliveries then.
    pub async fn wait_for(&self, count: usize, within: Duration) -> Vec<Delivery> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let notified = self.added.notified();
            let now = self.all();
            if now.len() >= count {
                return now;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return self.all();
            }
        }
    }
}

/// What a pre-action webhook decided.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Go ahead, with these fields changed (keys as the answer wrote them; empty: unchanged).
    Allow(serde_json::Map<String, serde_json::Value>),
    /// Stop: the application answered with this status.
    Reject(u16),
}

/// Calls webhooks for one emulator.
#[derive(Debug, Clone)]
pub struct Caller {
    http: reqwest::Client,
    signer: SignatureValidator,
    pub deliveries: Arc<Deliveries>,
    /// How long a pre-action webhook is waited for (Twilio: 5 s).
    pub pre_action_wait: Duration,
}

impl Caller {
    pub fn new(auth_token: &str, pre_action_wait: Duration) -> Caller {
        Caller {
            // Twilio waits at most 5 s for any webhook; post-action calls get the same bound.
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(5).max(pre_action_wait))
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap_or_default(),
            signer: SignatureValidator::new(auth_token),
            deliveries: Arc::new(Deliveries::default()),
            pre_action_wait,
        }
    }

    /// Call `target` with the event and record the call; the status and body it answered.
    async fn call(
        &self,
        target: &Target,
        event_type: &str,
        fields: &[(String, String)],
        pre_action: bool,
        wait: Duration,
        at: DateTime<Utc>,
    ) -> (Option<u16>, String) {
        let get = target.method.eq_ignore_ascii_case("GET");
        let encoded = {
            let mut s = form_urlencoded::Serializer::new(String::new());
            for (k, v) in fields {
                s.append_pair(k, v);
            }
            s.finish()
        };
        let (url, signature) = if get {
            let sep = if target.url.contains('?') { '&' } else { '?' };
            let url = format!("{}{sep}{encoded}", target.url);
            let signature = self.signer.sign_form::<&str, &str>(&url, &[]);
            (url, signature)
        } else {
            let signature = self.signer.sign_form(&target.url, fields);
            (target.url.clone(), signature)
        };
        let request = if get {
            self.http.get(&url)
        } else {
            self.http
                .post(&url)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body(encoded)
        };
        let sent = tokio::time::timeout(
            wait,
            request.header("X-Twilio-Signature", &signature).send(),
        )
        .await;
        let (status, body) = match sent {
            Ok(Ok(response)) => {
                let status = response.status().as_u16();
                let body = tokio::time::timeout(wait, response.bytes())
                    .await
                    .ok()
                    .and_then(Result::ok)
                    .map(|b| String::from_utf8_lossy(&b[..b.len().min(65_536)]).into_owned())
                    .unwrap_or_default();
                (Some(status), body)
            }
            _ => (None, String::new()),
        };
        self.deliveries.push(Delivery {
            event_type: event_type.to_string(),
            url,
            method: if get { "GET" } else { "POST" }.to_string(),
            fields: fields.to_vec(),
            signature,
            status,
            body: body.clone(),
            pre_action,
            at,
        });
        (status, body)
    }

    /// A pre-action webhook: called and waited for (at most [`Caller::pre_action_wait`]).
    pub async fn pre_action(
        &self,
        target: &Target,
        event_type: &str,
        fields: &[(String, String)],
        at: DateTime<Utc>,
    ) -> Verdict {
        let (status, body) = self
            .call(target, event_type, fields, true, self.pre_action_wait, at)
            .await;
        match status {
            // No answer in time: the action goes ahead as it was.
            None => Verdict::Allow(serde_json::Map::new()),
            Some(s) if (200..300).contains(&s) => {
                let changes = serde_json::from_str::<serde_json::Value>(&body)
                    .ok()
                    .and_then(|v| match v {
                        serde_json::Value::Object(map) => Some(map),
                        _ => None,
                    })
                    .unwrap_or_default();
                Verdict::Allow(changes)
            }
            Some(s) => Verdict::Reject(s),
        }
    }

    /// A post-action webhook: called in the background; the call is recorded when it ends.
    pub fn post_action(
        &self,
        target: Target,
        event_type: String,
        fields: Vec<(String, String)>,
        at: DateTime<Utc>,
    ) {
        let caller = self.clone();
        tokio::spawn(async move {
            caller
                .call(
                    &target,
                    &event_type,
                    &fields,
                    false,
                    Duration::from_secs(5),
                    at,
                )
                .await;
        });
    }
}
