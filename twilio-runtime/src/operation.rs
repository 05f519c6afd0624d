//! Long-running operations: work the API accepts with `202 Accepted` and finishes later. The
//! answer names where its progress can be read (`statusUrl`); an [`LongRunning`] polls there, on
//! the client's own host, until the work is in a final state or the caller's wait runs out.

use crate::answer::Answer;
use crate::decode::decode;
use crate::error::Error;
use crate::request::Request;
use crate::send::KeepHeaders;
use serde::de::DeserializeOwned;
use std::fmt;
use std::time::{Duration, Instant};

/// The member of an accepted operation's answer that names where to poll it. The generator is
/// given this name (`codegen::Conventions`) and treats a `202` answer whose schema has it as an
/// operation to wait for.
pub const OPERATION_STATUS_URL_MEMBER: &str = "statusUrl";

/// The member of a polled operation that holds its state.
pub const OPERATION_STATE_MEMBER: &str = "status";

/// The states after which an operation does not change any more. Every other value (and a
/// state the API adds later) means "not yet": the wait goes on until its bound, which is the
/// safe reading of a state the client does not know.
pub const OPERATION_FINAL_STATES: &[&str] = &["COMPLETED", "FAILED", "CANCELLED"];

/// Work the API accepted (`202`) and finishes in the background: the answer that accepted it
/// (`A`), and a way to follow it to the end, reading its state as `S` (the answer of the
/// API's operation-status endpoint; `A` itself when the spec has none).
///
/// In an API crate (here `conversations-api`'s Conversations v2):
///
/// ```text
/// let op = client.v2().control_plane().configuration(id).delete().send().await?;
/// let done = op.wait(Duration::from_secs(30)).await?;   // polls `statusUrl`
/// assert_eq!(done.status, Some(v2::OperationStatus::Completed));
/// ```
///
/// Polling sends `GET` to the path of the answer's `statusUrl` on the host the client is
/// configured for (never to a host named in a response), with the client's credentials and
/// retry policy.
#[derive(Clone)]
pub struct LongRunning<A, S> {
    /// The answer that accepted the work.
    pub accepted: A,
    /// The `GET` that reads the operation's state, on the client's host; `None` when the
    /// answer named no status URL. Boxed: a request is large, and an operation often sits in
    /// an enum of outcomes beside small answers.
    poll: Option<Box<(Request, String)>>,
    /// The accepted answer's `Retry-After`: how long the API asks to be left alone before the
    /// first poll.
    first_pause: Option<Duration>,
    _state: std::marker::PhantomData<fn() -> S>,
}

/// Shows the accepted answer and whether the operation can be polled, not the request.
impl<A: fmt::Debug, S> fmt::Debug for LongRunning<A, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LongRunning")
            .field("accepted", &self.accepted)
            .field("pollable", &self.poll.is_some())
            .finish()
    }
}

/// How often and how long [`LongRunning::wait_with`] polls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct PollPolicy {
    /// The longest the whole wait may take; after it, the wait ends with
    /// [`Error::OperationPending`].
    pub within: Duration,
    /// The pause before the second poll; each pause after doubles, up to `max_interval`. A
    /// `Retry-After` on a poll's answer is honoured instead, within `within`.
    pub first_interval: Duration,
    /// The longest pause between two polls.
    pub max_interval: Duration,
}

impl PollPolicy {
    /// Wait at most `within`, polling after 250 ms, then 500 ms, 1 s, 2 s, and every 5 s after.
    pub fn within(within: Duration) -> PollPolicy {
        PollPolicy {
            within,
            first_interval: Duration::from_millis(250),
            max_interval: Duration::from_secs(5),
        }
    }

    /// The pause before the second poll (doubling after it).
    pub fn first_interval(mut self, interval: Duration) -> PollPolicy {
        self.first_interval = interval;
        self
    }

    /// The longest pause between two polls.
    pub fn max_interval(mut self, interval: Duration) -> PollPolicy {
        self.max_interval = interval;
        self
    }
}

impl<A, S> LongRunning<A, S> {
    /// The accepted answer and how to poll it: `statusUrl` read from the answer's body and moved
    /// onto the client's host.
    pub(crate) fn from_answer(accepted: A, origin: &Request, answer: &Answer) -> LongRunning<A, S> {
        let status_url = serde_json::from_slice::<serde_json::Value>(&answer.body)
            .ok()
            .and_then(|body| {
                body.get(OPERATION_STATUS_URL_MEMBER)
                    .and_then(|v| v.as_str())
                    .filter(|url| !url.trim().is_empty())
                    .map(|url| origin.rebase(url))
            });
        LongRunning {
            accepted,
            poll: status_url.map(|url| Box::new((origin.status_request(), url))),
            first_pause: answer.retry_after,
            _state: std::marker::PhantomData,
        }
    }

    /// Where the operation is polled (the answer's `statusUrl` on the client's host).
    pub fn status_url(&self) -> Option<&str> {
        self.poll.as_ref().map(|poll| poll.1.as_str())
    }
}

impl<A, S: DeserializeOwned> LongRunning<A, S> {
    /// Read the operation's state once.
    pub async fn poll(&self) -> Result<S, Error> {
        self.poll_answer().await.and_then(|(_, value)| value)
    }

    /// Poll until the operation is in a final state (`COMPLETED`, `FAILED`, `CANCELLED`) and
    /// return that last answer, or fail with [`Error::OperationPending`] once `within` has
    /// passed. A `FAILED` operation is returned, not an error: its answer says why.
    pub async fn wait(&self, within: Duration) -> Result<S, Error> {
        self.wait_with(PollPolicy::within(within)).await
    }

    /// [`wait`](Self::wait) with the pauses between polls set by `policy`. When the accepted
    /// answer carried a `Retry-After` that fits in the bound, the first poll waits for it.
    pub async fn wait_with(&self, policy: PollPolicy) -> Result<S, Error> {
        let started = Instant::now();
        let mut pause = policy.first_interval;
        if let Some(first) = self.first_pause.filter(|d| *d <= policy.within) {
            tokio::time::sleep(first).await;
        }
        loop {
            let (answer, value) = self.poll_answer().await?;
            let state = state_of(&answer.body);
            if state
                .as_deref()
                .is_some_and(|s| OPERATION_FINAL_STATES.contains(&s))
            {
                return value;
            }
            let wait = answer.retry_after.unwrap_or(pause);
            if started.elapsed().saturating_add(wait) > policy.within {
                return Err(Error::OperationPending {
                    waited: started.elapsed(),
                    last_state: state,
                });
            }
            tokio::time::sleep(wait).await;
            pause = pause.saturating_mul(2).min(policy.max_interval);
        }
    }

    async fn poll_answer(&self) -> Result<(Answer, Result<S, Error>), Error> {
        let (request, url) = self.poll.as_deref().ok_or(Error::NoStatusUrl)?;
        let answer = request.execute(url, KeepHeaders::No, false).await?;
        let value = decode(&answer.body);
        Ok((answer, value))
    }
}

/// The `status` member of a polled answer, if it is text.
fn state_of(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    value
        .get(OPERATION_STATE_MEMBER)?
        .as_str()
        .map(str::to_string)
}

impl Request {
    /// A `GET` on the same client and host as this request, with nothing of its own: what an
    /// operation's state is read with.
    pub(crate) fn status_request(&self) -> Request {
        let mut poll = self.clone();
        poll.method = reqwest::Method::GET;
        poll.template = "{statusUrl}";
        poll.query.clear();
        poll.headers.clear();
        poll.form.clear();
        poll.json = None;
        poll.binary = None;
        poll.binary_media_type = None;
        poll.limit = None;
        poll.idempotency_key_header = None;
        poll
    }
}
