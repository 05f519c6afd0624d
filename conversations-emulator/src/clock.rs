//! The emulator's clock: real time plus an offset a test can move forward, so that a
//! conversation's inactive and closed timers run without waiting.

use chrono::{DateTime, Utc};
use std::sync::Mutex;
use std::time::Duration;

#[derive(Debug, Default)]
pub struct Clock {
    offset: Mutex<chrono::Duration>,
}

impl Clock {
    /// The emulator's "now".
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + *self.offset.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Move the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        let by = chrono::Duration::from_std(by).unwrap_or(chrono::Duration::MAX);
        let mut offset = self.offset.lock().unwrap_or_else(|p| p.into_inner());
        *offset = offset.checked_add(&by).unwrap_or(chrono::Duration::MAX);
    }
}

/// RFC 3339 in UTC with whole seconds and `Z`, as Twilio writes dates.
pub fn format(date: DateTime<Utc>) -> String {
    date.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// An ISO 8601 duration as conversations' timers take it (`PT1H`, `P1D`, `PT90S`, `P1DT2H30M`):
/// days, hours, minutes and seconds. `None` when it is not one.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let rest = text.strip_prefix('P')?;
    let (date, time) = match rest.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (rest, None),
    };
    let mut seconds: u64 = 0;
    let mut any = false;
    let mut read = |part: &str, units: &[(char, u64)]| -> Option<()> {
        let mut number = String::new();
        for c in part.chars() {
            if c.is_ascii_digit() {
                number.push(c);
                continue;
            }
            let (_, scale) = units.iter().find(|(u, _)| *u == c)?;
            let n: u64 = number.parse().ok()?;
            seconds = seconds.checked_add(n.checked_mul(*scale)?)?;
            number.clear();
            any = true;
        }
        number.is_empty().then_some(())
    };
    read(date, &[('W', 604_800), ('D', 86_400)])?;
    if let Some(time) = time {
        if time.is_empty() {
            return None;
        }
        read(time, &[('H', 3_600), ('M', 60), ('S', 1)])?;
    }
    any.then(|| Duration::from_secs(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("PT1H"), Some(Duration::from_secs(3600)));
        assert_eq!(parse_duration("P1D"), Some(Duration::from_secs(86_400)));
        assert_eq!(
            parse_duration("P1DT2H30M5S"),
            Some(Duration::from_secs(95_405))
        );
        assert_eq!(parse_duration("PT10M"), Some(Duration::from_secs(600)));
        for bad in ["", "P", "PT", "1H", "PT1X", "PT1", "PXH"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_clock_moves_forward() {
        let clock = Clock::default();
        let before = clock.now();
        clock.advance(Duration::from_secs(3600));
        assert!(clock.now() - before >= chrono::Duration::seconds(3600));
    }
}
