//! Reading a request's parameters by the operation's list: every value parsed to its type and
//! checked (required, enum values, numbers and their bounds, dates, JSON, SID prefixes), so a
//! wrong parameter is a 400 that names it, as on Twilio.

use crate::catalog::{Operation, Param, ParamTy, Where};
use crate::error::ApiFailure;
use serde_json::Value;

/// The parameters of one request, by wire name: a value for each one given (a JSON array for
/// a list), in the operation's order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Values(pub Vec<(String, Value)>);

impl Values {
    pub fn get(&self, wire: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k == wire).map(|(_, v)| v)
    }

    pub fn text(&self, wire: &str) -> Option<&str> {
        self.get(wire).and_then(Value::as_str)
    }
}

/// Parse `query`, `form` (already split into pairs) and `headers` by `op`'s parameters.
/// Keys the operation does not name are ignored, as Twilio ignores them.
pub fn read(
    op: &Operation,
    query: &[(String, String)],
    form: &[(String, String)],
    header: impl Fn(&str) -> Option<String>,
) -> Result<Values, ApiFailure> {
    let mut out = Vec::new();
    for p in &op.params {
        let raw: Vec<String> = match p.at {
            Where::Query => all(query, &p.wire),
            Where::Form => all(form, &p.wire),
            Where::Header => header(&p.wire).into_iter().collect(),
            Where::Body => continue,
        };
        if raw.is_empty() {
            if p.required {
                return Err(ApiFailure::bad_request(format!(
                    "Missing required parameter {} in the {}",
                    p.wire,
                    match p.at {
                        Where::Query => "query string",
                        Where::Header => "headers",
                        _ => "post body",
                    }
                )));
            }
            continue;
        }
        let value = match &p.ty {
            ParamTy::List(item) => Value::Array(
                raw.iter()
                    .map(|r| one(p, item, r))
                    .collect::<Result<Vec<_>, _>>()?,
            ),
            ty => one(p, ty, raw.last().map(String::as_str).unwrap_or(""))?,
        };
        out.push((p.wire.clone(), value));
    }
    Ok(Values(out))
}

fn all(pairs: &[(String, String)], key: &str) -> Vec<String> {
    pairs
        .iter()
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.clone())
        .collect()
}

fn invalid(p: &Param, why: &str) -> ApiFailure {
    ApiFailure::bad_request(format!("Invalid parameter {}: {why}", p.wire))
}

fn one(p: &Param, ty: &ParamTy, raw: &str) -> Result<Value, ApiFailure> {
    Ok(match ty {
        ParamTy::Text => {
            if let Some(prefix) = &p.sid_prefix {
                if !crate::sid::is_sid(prefix, raw) {
                    return Err(invalid(p, &format!("expected a {prefix} SID")));
                }
            }
            Value::String(raw.to_string())
        }
        ParamTy::Integer => {
            let n: i64 = raw
                .trim()
                .parse()
                .map_err(|_| invalid(p, "expected an integer"))?;
            if p.minimum.is_some_and(|min| n < min) || p.maximum.is_some_and(|max| n > max) {
                return Err(invalid(
                    p,
                    &format!(
                        "must be between {} and {}",
                        p.minimum.map_or("-".into(), |m| m.to_string()),
                        p.maximum.map_or("-".into(), |m| m.to_string())
                    ),
                ));
            }
            Value::from(n)
        }
        ParamTy::Number => {
            let n: f64 = raw
                .trim()
                .parse()
                .map_err(|_| invalid(p, "expected a number"))?;
            serde_json::Number::from_f64(n)
                .map(Value::Number)
                .ok_or_else(|| invalid(p, "expected a finite number"))?
        }
        ParamTy::Boolean => match raw {
            "true" | "True" => Value::Bool(true),
            "false" | "False" => Value::Bool(false),
            _ => return Err(invalid(p, "expected true or false")),
        },
        ParamTy::DateTime => {
            let date = chrono::DateTime::parse_from_rfc3339(raw.trim())
                .map_err(|_| invalid(p, "expected an ISO 8601 date-time"))?;
            Value::String(crate::clock::format(date.with_timezone(&chrono::Utc)))
        }
        ParamTy::Json => {
            if serde_json::from_str::<Value>(raw).is_err() {
                return Err(invalid(p, "expected JSON"));
            }
            Value::String(raw.to_string())
        }
        ParamTy::Enum(values) => {
            if !values.iter().any(|v| v == raw) {
                return Err(invalid(
                    p,
                    &format!("{raw:?} is not one of {}", values.join(", ")),
                ));
            }
            Value::String(raw.to_string())
        }
        ParamTy::List(item) => one(p, item, raw)?,
    })
}
