//! Reading the form fields of a webhook request: what generated webhook events decode
//! through, and the error that names the event and field when one is malformed.

use std::fmt;

/// Why a webhook request's fields are not the event they claim to be.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EventError {
    /// No `EventType` field (or an empty one): not a Conversations webhook.
    MissingEventType,
    /// A field the event always carries is absent.
    MissingField {
        /// The `EventType`.
        event: &'static str,
        /// The form field.
        field: &'static str,
    },
    /// A field is present but is not of its type. The value is left out: it may be a
    /// user's message.
    InvalidField {
        /// The `EventType`.
        event: &'static str,
        /// The form field.
        field: &'static str,
        /// What was expected.
        expected: &'static str,
    },
}

impl fmt::Display for EventError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EventError::MissingEventType => write!(f, "webhook request has no EventType field"),
            EventError::MissingField { event, field } => {
                write!(f, "{event} webhook: field {field} is missing")
            }
            EventError::InvalidField {
                event,
                field,
                expected,
            } => write!(f, "{event} webhook: field {field} is not {expected}"),
        }
    }
}

impl std::error::Error for EventError {}

/// The form fields of one event, read by the generated decoders. A name that repeats is read
/// at its first occurrence. An empty value counts as absent for every type but text (an empty
/// `Body` is a real body; an empty `DateUpdated` means none).
///
#[doc(hidden)]
pub struct FormFields<'a> {
    event: &'static str,
    pairs: &'a [(String, String)],
}

impl<'a> FormFields<'a> {
    pub fn new(event: &'static str, pairs: &'a [(String, String)]) -> Self {
        FormFields { event, pairs }
    }

    pub fn event_type(pairs: &[(String, String)]) -> Result<&str, EventError> {
        pairs
            .iter()
            .find(|(k, _)| k == "EventType")
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
            .ok_or(EventError::MissingEventType)
    }

    fn raw(&self, name: &str) -> Option<&'a str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn present(&self, name: &str) -> Option<&'a str> {
        self.raw(name).filter(|v| !v.is_empty())
    }

    fn invalid(&self, field: &'static str, expected: &'static str) -> EventError {
        EventError::InvalidField {
            event: self.event,
            field,
            expected,
        }
    }

    pub fn required<T>(&self, field: &'static str, value: Option<T>) -> Result<T, EventError> {
        value.ok_or(EventError::MissingField {
            event: self.event,
            field,
        })
    }

    pub fn text(&self, field: &'static str) -> Option<String> {
        self.raw(field).map(str::to_string)
    }

    /// The first of `primary` and `aliases` that the request has, else `primary`: a field
    /// Twilio documents under one spelling and sends (or once sent) under another is read
    /// under either (`isOnline`, `IsOnline`).
    pub fn spelling(&self, primary: &'static str, aliases: &[&'static str]) -> &'static str {
        std::iter::once(&primary)
            .chain(aliases)
            .find(|name| self.raw(name).is_some())
            .copied()
            .unwrap_or(primary)
    }

    /// Every non-empty value of a field that may repeat, in the order received.
    pub fn text_list(&self, field: &'static str) -> Vec<String> {
        self.pairs
            .iter()
            .filter(|(k, v)| k == field && !v.is_empty())
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// Two upper-case letters, then 32 hex digits.
    pub fn sid(
        &self,
        field: &'static str,
        prefix: &'static str,
    ) -> Result<Option<String>, EventError> {
        let Some(v) = self.present(field) else {
            return Ok(None);
        };
        let ok = v.len() == 34
            && v.starts_with(prefix)
            && v.as_bytes()[2..].iter().all(u8::is_ascii_hexdigit);
        if ok {
            Ok(Some(v.to_string()))
        } else {
            Err(self.invalid(field, "a SID of its kind (prefix and 32 hex digits)"))
        }
    }

    pub fn integer(&self, field: &'static str) -> Result<Option<i64>, EventError> {
        self.present(field)
            .map(|v| {
                v.trim()
                    .parse()
                    .map_err(|_| self.invalid(field, "an integer"))
            })
            .transpose()
    }

    pub fn boolean(&self, field: &'static str) -> Result<Option<bool>, EventError> {
        self.present(field)
            .map(|v| match v {
                "true" | "True" | "TRUE" => Ok(true),
                "false" | "False" | "FALSE" => Ok(false),
                _ => Err(self.invalid(field, "true or false")),
            })
            .transpose()
    }

    pub fn date_time(&self, field: &'static str) -> Result<Option<crate::DateTime>, EventError> {
        self.present(field)
            .map(|v| {
                chrono::DateTime::parse_from_rfc3339(v.trim())
                    .map(|d| d.with_timezone(&chrono::Utc))
                    .map_err(|_| self.invalid(field, "an ISO 8601 date-time"))
            })
            .transpose()
    }

    pub fn json(&self, field: &'static str) -> Result<Option<serde_json::Value>, EventError> {
        self.json_as(field)
    }

    pub fn json_as<T: serde::de::DeserializeOwned>(
        &self,
        field: &'static str,
    ) -> Result<Option<T>, EventError> {
        self.present(field)
            .map(|v| {
                serde_json::from_str(v)
                    .map_err(|_| self.invalid(field, "JSON of the documented shape"))
            })
            .transpose()
    }

    pub fn enumeration<T: for<'s> From<&'s str>>(&self, field: &'static str) -> Option<T> {
        self.present(field).map(T::from)
    }
}
