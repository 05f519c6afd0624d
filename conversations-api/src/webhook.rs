//! Receiving Conversations webhooks: decoding the form fields of a request into a
//! [`WebhookEvent`](crate::WebhookEvent) (generated from `spec/conversations_webhooks_v1.yaml`).
//!
//! Decoding is strict for the events this version knows, so a handler can trust a typed field:
//! a missing required field, a SID with the wrong prefix, a date or number that does not parse
//! or JSON that is not JSON is an [`EventError`] naming the event and the field. It is lenient
//! where Twilio may grow: an unknown `EventType` is kept whole as `WebhookEvent::Unknown`,
//! unknown fields of a known event are ignored, and an enum value this version does not know
//! is that enum's `Unknown`.

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
/// A crate generated without an events spec decodes no event, hence the `allow`.
#[allow(dead_code)]
pub(crate) struct FormFields<'a> {
    event: &'static str,
    pairs: &'a [(String, String)],
}

#[allow(dead_code)]
impl<'a> FormFields<'a> {
    pub(crate) fn new(event: &'static str, pairs: &'a [(String, String)]) -> Self {
        FormFields { event, pairs }
    }

    pub(crate) fn event_type(pairs: &[(String, String)]) -> Result<&str, EventError> {
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

    pub(crate) fn required<T>(
        &self,
        field: &'static str,
        value: Option<T>,
    ) -> Result<T, EventError> {
        value.ok_or(EventError::MissingField {
            event: self.event,
            field,
        })
    }

    pub(crate) fn text(&self, field: &'static str) -> Option<String> {
        self.raw(field).map(str::to_string)
    }

    /// Two upper-case letters, then 32 hex digits.
    pub(crate) fn sid(
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

    pub(crate) fn integer(&self, field: &'static str) -> Result<Option<i64>, EventError> {
        self.present(field)
            .map(|v| {
                v.trim()
                    .parse()
                    .map_err(|_| self.invalid(field, "an integer"))
            })
            .transpose()
    }

    pub(crate) fn boolean(&self, field: &'static str) -> Result<Option<bool>, EventError> {
        self.present(field)
            .map(|v| match v {
                "true" | "True" | "TRUE" => Ok(true),
                "false" | "False" | "FALSE" => Ok(false),
                _ => Err(self.invalid(field, "true or false")),
            })
            .transpose()
    }

    pub(crate) fn date_time(
        &self,
        field: &'static str,
    ) -> Result<Option<crate::DateTime>, EventError> {
        self.present(field)
            .map(|v| {
                chrono::DateTime::parse_from_rfc3339(v.trim())
                    .map(|d| d.with_timezone(&chrono::Utc))
                    .map_err(|_| self.invalid(field, "an ISO 8601 date-time"))
            })
            .transpose()
    }

    pub(crate) fn json(
        &self,
        field: &'static str,
    ) -> Result<Option<serde_json::Value>, EventError> {
        self.json_as(field)
    }

    pub(crate) fn json_as<T: serde::de::DeserializeOwned>(
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

    pub(crate) fn enumeration<T: for<'s> From<&'s str>>(&self, field: &'static str) -> Option<T> {
        self.present(field).map(T::from)
    }
}
