//! Faults on demand, to test retry code: the next N requests to a route answer 429 (with or
//! without `Retry-After`), 503, break the connection, or wait first.

use std::sync::Mutex;
use std::time::Duration;

/// What a faulty request gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultKind {
    /// 429 Too Many Requests, with `Retry-After: <seconds>` when given.
    TooManyRequests { retry_after: Option<u64> },
    /// 503 Service Unavailable.
    Unavailable,
    /// The answer starts and the connection breaks before its body ends.
    DropConnection,
    /// The real answer, after this wait.
    Delay(Duration),
}

/// A rule: requests whose method (any, when `None`) and path match get `kind`, `remaining`
/// times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub method: Option<String>,
    /// A concrete path (`/v1/Conversations`) or a prefix ending in `*`
    /// (`/v1/Conversations/*`).
    pub path: String,
    pub kind: FaultKind,
    pub remaining: u32,
}

impl Fault {
    fn matches(&self, method: &str, path: &str) -> bool {
        let method_ok = self
            .method
            .as_deref()
            .map_or(true, |m| m.eq_ignore_ascii_case(method));
        let path_ok = match self.path.strip_suffix('*') {
            Some(prefix) => path.starts_with(prefix),
            None => path == self.path,
        };
        method_ok && path_ok
    }
}

#[derive(Debug, Default)]
pub struct Faults {
    rules: Mutex<Vec<Fault>>,
}

impl Faults {
    pub fn add(&self, fault: Fault) {
        if fault.remaining > 0 {
            self.lock().push(fault);
        }
    }

    pub fn clear(&self) {
        self.lock().clear();
    }

    /// The fault this request gets, if any (counting it).
    pub fn take(&self, method: &str, path: &str) -> Option<FaultKind> {
        let mut rules = self.lock();
        let i = rules.iter().position(|r| r.matches(method, path))?;
        let kind = rules[i].kind.clone();
        rules[i].remaining -= 1;
        if rules[i].remaining == 0 {
            rules.remove(i);
        }
        Some(kind)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Fault>> {
        self.rules.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fault_is_used_up() {
        let faults = Faults::default();
        faults.add(Fault {
            method: Some("POST".into()),
            path: "/v1/Conversations/*".into(),
            kind: FaultKind::Unavailable,
            remaining: 2,
        });
        assert_eq!(faults.take("GET", "/v1/Conversations/CH1"), None);
        assert_eq!(
            faults.take("POST", "/v1/Conversations/CH1/Messages"),
            Some(FaultKind::Unavailable)
        );
        assert_eq!(
            faults.take("post", "/v1/Conversations/CH1"),
            Some(FaultKind::Unavailable)
        );
        assert_eq!(faults.take("POST", "/v1/Conversations/CH1"), None);
    }
}
