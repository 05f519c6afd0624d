//! Did the client keep everything the server sent? `decoded` is the client's value serialized
//! back to JSON, `raw` the JSON body on the wire. Every property of `raw` must come back equal
//! (date-times as the same instant, numbers as the same number), and every property of
//! `decoded` that `raw` lacks must be null (nothing invented).
//!
//! Shared by the conformance binary and `tests/tests/examples_decode.rs`.

use serde_json::Value;

/// Both parse as date-times (RFC 3339, or the slightly wider form chrono's `FromStr` and serde
/// accept) and name the same instant.
pub fn same_date_time(a: &str, b: &str) -> bool {
    fn parse(s: &str) -> Option<chrono::DateTime<chrono::FixedOffset>> {
        chrono::DateTime::parse_from_rfc3339(s)
            .ok()
            .or_else(|| s.parse().ok())
    }
    match (parse(a), parse(b)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// `Ok` when `decoded` carries exactly what `raw` says; else the first difference, with its path.
pub fn covers(decoded: &Value, raw: &Value, path: &str) -> Result<(), String> {
    match (decoded, raw) {
        (Value::Object(d), Value::Object(r)) => {
            for (k, rv) in r {
                let here = format!("{path}.{k}");
                match d.get(k) {
                    Some(dv) => covers(dv, rv, &here)?,
                    None => {
                        return Err(format!(
                            "{here}: the body has {rv} but the decoded value has no such field"
                        ))
                    }
                }
            }
            for (k, dv) in d {
                if !r.contains_key(k) && !dv.is_null() {
                    return Err(format!(
                        "{path}.{k}: decoded as {dv} but the body does not have it"
                    ));
                }
            }
            Ok(())
        }
        (Value::Array(d), Value::Array(r)) => {
            if d.len() != r.len() {
                return Err(format!(
                    "{path}: {} items decoded, {} in the body",
                    d.len(),
                    r.len()
                ));
            }
            for (i, (dv, rv)) in d.iter().zip(r).enumerate() {
                covers(dv, rv, &format!("{path}[{i}]"))?;
            }
            Ok(())
        }
        (Value::String(d), Value::String(r)) if d == r || same_date_time(d, r) => Ok(()),
        (Value::Number(d), Value::Number(r))
            if d == r || (d.as_f64().is_some() && d.as_f64() == r.as_f64()) =>
        {
            Ok(())
        }
        (d, r) if d == r => Ok(()),
        (d, r) => Err(format!("{path}: decoded as {d}, the body has {r}")),
    }
}
