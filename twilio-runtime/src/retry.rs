//! When a failed attempt is tried again, and how long to wait first.
//!
//! The rules, in order:
//!
//! * **429 Too Many Requests** is retried for every method, `POST` included: Twilio documents
//!   that a request answered 429 was not processed and is safe to send again.
//! * **Connection failures before the request was sent** (refused, DNS, TLS handshake, connect
//!   timeout) are retried for every method: no byte of the request reached the server.
//! * **5xx statuses (503 included), timeouts, and connections that broke after the request was
//!   sent** are retried for `GET` and `DELETE` (and the other idempotent methods) only. A `POST`
//!   is never sent again after one of these: the server may already have acted on it, and
//!   sending it again could, for example, post a message twice. Twilio says so of 500 and says
//!   nothing either way of 503, so a 503 is treated like any other 5xx (sources in
//!   `docs/twilio-facts.md`, "Retries").
//! * **A write that carries an idempotency key** (an operation whose spec declares the
//!   `Idempotency-Key` header: a fresh UUID per call unless the caller gave one, the same on
//!   every attempt) is retried like a read: 5xx, timeouts and broken connections too. The
//!   server answers a repeated key with the first attempt's result instead of acting again
//!   (source in `docs/twilio-facts.md`, "Idempotency keys").
//! * Nothing else is retried (4xx other than 429, decode errors).
//!
//! The wait before retry `n` (1-based) is the response's `Retry-After` when it has one (seconds
//! or an HTTP date), otherwise "full jitter": a uniformly random duration between zero and
//! `min(max_delay, base_delay * 2^(n-1))`. No retry is made once `max_attempts` attempts have
//! been made, or when its wait would end after `max_total_time` from the first attempt's start;
//! the last attempt's error is returned then.

use reqwest::Method;
use std::time::{Duration, SystemTime};

/// How failed attempts are retried. On by default ([`RetryPolicy::default`]); switch it off
/// with [`RetryPolicy::none`].
///
/// ```
/// use twilio_runtime::RetryPolicy;
/// use std::time::Duration;
///
/// let policy = RetryPolicy::default()
///     .max_attempts(5)
///     .base_delay(Duration::from_millis(200))
///     .max_delay(Duration::from_secs(5))
///     .max_total_time(Duration::from_secs(20));
/// assert_eq!(policy.max_attempts, 5);
/// assert_eq!(RetryPolicy::none().max_attempts, 1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in all, the first included (`1`: no retry; `0` is read as `1`).
    pub max_attempts: u32,
    /// The backoff unit: the wait before retry `n` is random in `0..=base_delay * 2^(n-1)`.
    pub base_delay: Duration,
    /// Upper bound of a computed backoff wait.
    pub max_delay: Duration,
    /// No retry whose wait would end later than this after the first attempt started.
    pub max_total_time: Duration,
}

impl Default for RetryPolicy {
    /// 3 attempts in all, waits of up to 0.5 s then 1 s (full jitter), at most 10 s per wait,
    /// no retry after 60 s.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(10),
            max_total_time: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// Never retry: every call makes exactly one attempt.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// Attempts in all, the first included (`1` means no retry; `0` is read as `1`).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The backoff unit: the wait before retry `n` is random in `0..=base_delay * 2^(n-1)`.
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// Upper bound of a computed backoff wait (a `Retry-After` from the server is honoured
    /// as given, within `max_total_time`).
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// No retry whose wait would end later than this after the first attempt started.
    pub fn max_total_time(mut self, total: Duration) -> Self {
        self.max_total_time = total;
        self
    }

    /// Full-jitter backoff before retry `retry` (1-based).
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let ceiling = self.backoff_ceiling(retry);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(fastrand::u64(0..=nanos))
    }

    /// `min(max_delay, base_delay * 2^(retry-1))`, without overflow.
    pub(crate) fn backoff_ceiling(&self, retry: u32) -> Duration {
        let factor = 1u32
            .checked_shl(retry.saturating_sub(1))
            .unwrap_or(u32::MAX);
        self.base_delay
            .checked_mul(factor)
            .unwrap_or(Duration::MAX)
            .min(self.max_delay)
    }
}

/// How an attempt failed, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// A complete response with this (non-2xx) status.
    Status(u16),
    /// The connection could not be established: nothing was sent.
    Connect,
    /// A timeout or a broken connection after the request may have been sent.
    AfterSend,
    /// The request could not be built (e.g. a header value with a line break): sending it
    /// again cannot help.
    Invalid,
}

/// Methods whose repetition has the same effect as one request (RFC 9110, 9.2.2).
fn idempotent(method: &Method) -> bool {
    [
        Method::GET,
        Method::HEAD,
        Method::OPTIONS,
        Method::DELETE,
        Method::PUT,
    ]
    .contains(method)
}

/// Whether a failed attempt may be made again (the attempt and time budgets aside). `keyed`:
/// the request carries an idempotency key, the same on every attempt, so the server answers a
/// repeat with the first attempt's result instead of acting twice.
pub(crate) fn retryable(method: &Method, failure: Failure, keyed: bool) -> bool {
    let repeatable = keyed || idempotent(method);
    match failure {
        Failure::Status(429) => true,
        Failure::Status(s) if (500..600).contains(&s) => repeatable,
        Failure::Status(_) => false,
        Failure::Connect => true,
        Failure::AfterSend => repeatable,
        Failure::Invalid => false,
    }
}

/// A `Retry-After` value: delay-seconds, or an HTTP date (a past date means "now").
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Absurdly large numbers saturate; the total-time budget caps them anyway.
        return Some(Duration::from_secs(
            value.parse::<u64>().unwrap_or(u64::MAX),
        ));
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let when = SystemTime::from(date.with_timezone(&chrono::Utc));
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_rules() {
        for m in [Method::GET, Method::POST, Method::DELETE] {
            assert!(retryable(&m, Failure::Status(429), false), "{m} 429");
            assert!(retryable(&m, Failure::Connect, false), "{m} connect");
            assert!(!retryable(&m, Failure::Status(400), false), "{m} 400");
            assert!(!retryable(&m, Failure::Status(404), false), "{m} 404");
        }
        for s in [500, 502, 503, 504] {
            assert!(retryable(&Method::GET, Failure::Status(s), false));
            assert!(retryable(&Method::DELETE, Failure::Status(s), false));
            assert!(!retryable(&Method::POST, Failure::Status(s), false));
        }
        assert!(retryable(&Method::GET, Failure::AfterSend, false));
        assert!(retryable(&Method::DELETE, Failure::AfterSend, false));
        assert!(!retryable(&Method::POST, Failure::AfterSend, false));
        assert!(!retryable(&Method::GET, Failure::Invalid, false));
    }

    #[test]
    fn a_keyed_write_is_retried_like_a_read() {
        for m in [Method::POST, Method::PATCH, Method::PUT] {
            for s in [500, 502, 503, 504] {
                assert!(retryable(&m, Failure::Status(s), true), "{m} {s}");
            }
            assert!(retryable(&m, Failure::AfterSend, true), "{m} after send");
            assert!(!retryable(&m, Failure::Status(400), true), "{m} 400");
            assert!(!retryable(&m, Failure::Status(409), true), "{m} 409");
            assert!(!retryable(&m, Failure::Invalid, true), "{m} invalid");
        }
        assert!(!retryable(&Method::PATCH, Failure::Status(500), false));
    }

    #[test]
    fn backoff_grows_then_caps_and_stays_within_its_ceiling() {
        let p = RetryPolicy::default()
            .base_delay(Duration::from_millis(100))
            .max_delay(Duration::from_millis(700));
        assert_eq!(p.backoff_ceiling(1), Duration::from_millis(100));
        assert_eq!(p.backoff_ceiling(2), Duration::from_millis(200));
        assert_eq!(p.backoff_ceiling(3), Duration::from_millis(400));
        assert_eq!(p.backoff_ceiling(4), Duration::from_millis(700));
        assert_eq!(p.backoff_ceiling(40), Duration::from_millis(700));
        assert_eq!(p.backoff_ceiling(u32::MAX), Duration::from_millis(700));
        for retry in 1..10 {
            assert!(p.backoff(retry) <= p.backoff_ceiling(retry));
        }
        let huge = RetryPolicy::default()
            .base_delay(Duration::MAX)
            .max_delay(Duration::MAX);
        assert_eq!(huge.backoff_ceiling(5), Duration::MAX);
        let _ = huge.backoff(5);
    }

    #[test]
    fn none_makes_one_attempt_and_zero_reads_as_one() {
        assert_eq!(RetryPolicy::none().max_attempts, 1);
        assert_eq!(RetryPolicy::default().max_attempts(0).max_attempts, 1);
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_480); // 2015-10-21 07:28:00 UTC
        assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-1", now), None);
        assert_eq!(parse_retry_after("", now), None);
        assert_eq!(
            parse_retry_after("99999999999999999999999", now),
            Some(Duration::from_secs(u64::MAX))
        );
    }
}
