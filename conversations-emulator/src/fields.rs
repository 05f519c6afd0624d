//! From a request's parameters to a record's fields: wire names in snake case, the fields a
//! create or update sets, and the changes a pre-action webhook answered.

use crate::behaviour::names;
use crate::catalog::Operation;
use crate::params::Values;
use serde_json::{Map, Value};

/// `FriendlyName` -> `friendly_name`, `MessagingBinding` -> `messaging_binding`.
pub fn snake(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 4);
    let chars: Vec<char> = text.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev_lower =
                i > 0 && (chars[i - 1].is_ascii_lowercase() || chars[i - 1].is_ascii_digit());
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            let prev_upper = i > 0 && chars[i - 1].is_ascii_uppercase();
            if i > 0 && (prev_lower || (prev_upper && next_lower)) {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(*c);
        }
    }
    out
}

/// The stored fields a request's parameters set: each form parameter under its snake-case
/// name, dotted ones nested (`MessagingBinding.Address` -> `messaging_binding.address`), when
/// the resource has such a field. Headers and list filters set nothing.
pub fn fields_from(
    op: &Operation,
    resource: &crate::catalog::Resource,
    values: &Values,
) -> Map<String, Value> {
    let mut out = Map::new();
    for p in &op.params {
        if p.at != crate::catalog::Where::Form {
            continue;
        }
        let Some(value) = values.get(&p.wire) else {
            continue;
        };
        let parts: Vec<String> = p.wire.split('.').map(snake).collect();
        let top = field_name(resource, &parts[0]);
        let Some(top) = top else {
            continue;
        };
        if parts.len() == 1 {
            // A boolean or number parameter for a field the answer gives as a string.
            let value = match value {
                Value::Bool(_) | Value::Number(_)
                    if resource.field(&top).is_some_and(|f| f.is_text) =>
                {
                    Value::String(value.to_string())
                }
                _ => value.clone(),
            };
            out.insert(top, value);
        } else {
            let mut slot = out.entry(top).or_insert_with(|| Value::Object(Map::new()));
            for part in &parts[1..parts.len() - 1] {
                if !slot.is_object() {
                    *slot = Value::Object(Map::new());
                }
                slot = slot
                    .as_object_mut()
                    .map(|m| {
                        m.entry(part.clone())
                            .or_insert_with(|| Value::Object(Map::new()))
                    })
                    .expect("made an object above");
            }
            if let Some(map) = slot.as_object_mut() {
                map.insert(parts[parts.len() - 1].clone(), value.clone());
            }
        }
    }
    out
}

/// The resource's field for a parameter's snake-case name: itself, or its plural (`Permission`
/// -> `permissions`, a list parameter filling a list field).
fn field_name(resource: &crate::catalog::Resource, snake: &str) -> Option<String> {
    if resource.field(snake).is_some() {
        return Some(snake.to_string());
    }
    let plural = format!("{snake}s");
    resource.field(&plural).map(|_| plural)
}

/// Apply the changes a pre-action webhook answered (snake_case keys; `attributes` as JSON
/// text) to fields about to be stored. Only the keys Twilio documents are taken.
pub fn apply_changes(
    resource: &str,
    fields: &mut Map<String, Value>,
    changes: &Map<String, Value>,
) {
    let allowed: &[&str] = match resource {
        names::MESSAGE => &["body", "author", "attributes"],
        names::CONVERSATION | names::WITH_PARTICIPANTS => &["friendly_name", "attributes"],
        _ => &[],
    };
    for key in allowed {
        if let Some(v) = changes.get(*key) {
            let v = match (key, v) {
                (&"attributes", Value::String(_)) => v.clone(),
                (&"attributes", other) => Value::String(other.to_string()),
                _ => v.clone(),
            };
            fields.insert((*key).to_string(), v);
        }
    }
}
