//! Choosing and writing alternatives of generated `oneOf` / `anyOf` enums.

/// What a JSON value must look like to be tried as one alternative of a generated `oneOf` /
/// `anyOf` enum without a discriminator.
#[derive(Debug, Clone, Copy)]
pub enum UnionShape {
    /// An object with every `required` key; `properties` are the keys the alternative knows.
    Object {
        /// Every key the alternative names.
        properties: &'static [&'static str],
        /// The keys it must have.
        required: &'static [&'static str],
    },
    /// A JSON string.
    String,
    /// A JSON number without a fraction.
    Integer,
    /// Any JSON number.
    Number,
    /// `true` or `false`.
    Bool,
    /// A JSON array.
    Array,
    /// Any value at all.
    Any,
}

/// The alternatives (indexes into `shapes`) worth trying to decode `value` as, best first.
///
/// An object fits an object alternative when it has every required key and, if the
/// alternative names its properties, uses at least one of them (an empty object fits too).
/// Among those that fit, the one knowing the most of the value's keys comes first; ties keep
/// the spec's order. So of two alternatives that share fields, a value with the second one's
/// extra fields goes to the second, and a value that shares nothing with any alternative is
/// left to the caller's raw fallback. Scalars and arrays fit by JSON kind.
pub fn union_candidates(value: &serde_json::Value, shapes: &[UnionShape]) -> Vec<usize> {
    use serde_json::Value;
    let mut scored: Vec<(usize, usize)> = Vec::new();
    for (i, shape) in shapes.iter().enumerate() {
        let score = match (shape, value) {
            (
                UnionShape::Object {
                    properties,
                    required,
                },
                Value::Object(map),
            ) => {
                let known = map
                    .keys()
                    .filter(|k| properties.contains(&k.as_str()))
                    .count();
                let fits = required.iter().all(|r| map.contains_key(*r))
                    && (properties.is_empty() || known > 0 || map.is_empty());
                fits.then_some(known)
            }
            (UnionShape::String, Value::String(_))
            | (UnionShape::Bool, Value::Bool(_))
            | (UnionShape::Array, Value::Array(_))
            | (UnionShape::Number, Value::Number(_))
            | (UnionShape::Any, _) => Some(0),
            (UnionShape::Integer, Value::Number(n)) if n.is_i64() || n.is_u64() => Some(0),
            _ => None,
        };
        if let Some(score) = score {
            scored.push((i, score));
        }
    }
    // Stable: equal scores stay in spec order.
    scored.sort_by_key(|&(_, score)| std::cmp::Reverse(score));
    scored.into_iter().map(|(i, _)| i).collect()
}

/// The discriminator value of a generated `oneOf` / `anyOf` enum: the string at `property` of
/// an object, if there is one.
pub fn union_tag<'v>(value: &'v serde_json::Value, property: &str) -> Option<&'v str> {
    value.get(property)?.as_str()
}

/// Serialize one alternative of a generated `oneOf` / `anyOf` enum with a discriminator:
/// the value as it is, with `property` set to `tag` when the value is an object that left it
/// unset, so the server can always tell the alternatives apart.
pub fn serialize_tagged<T: serde::Serialize, S: serde::Serializer>(
    value: &T,
    property: &str,
    tag: &str,
    s: S,
) -> Result<S::Ok, S::Error> {
    let mut value = serde_json::to_value(value).map_err(<S::Error as serde::ser::Error>::custom)?;
    if let serde_json::Value::Object(map) = &mut value {
        let slot = map
            .entry(property.to_string())
            .or_insert(serde_json::Value::Null);
        if slot.is_null() {
            *slot = serde_json::Value::String(tag.to_string());
        }
    }
    serde::Serialize::serialize(&value, s)
}

#[cfg(test)]
mod union_tests {
    use super::*;
    use serde_json::json;

    const TWO_OBJECTS: &[UnionShape] = &[
        UnionShape::Object {
            properties: &["sid", "name"],
            required: &[],
        },
        UnionShape::Object {
            properties: &["sid", "name", "extra"],
            required: &[],
        },
    ];

    #[test]
    fn the_alternative_knowing_more_keys_comes_first_and_ties_keep_spec_order() {
        assert_eq!(
            union_candidates(&json!({"sid": "1", "extra": true}), TWO_OBJECTS),
            [1, 0]
        );
        assert_eq!(union_candidates(&json!({"sid": "1"}), TWO_OBJECTS), [0, 1]);
        assert_eq!(union_candidates(&json!({}), TWO_OBJECTS), [0, 1]);
        // Nothing in common with either: the caller keeps it raw.
        assert!(union_candidates(&json!({"other": 1}), TWO_OBJECTS).is_empty());
    }

    #[test]
    fn required_keys_and_json_kinds_decide_what_fits() {
        let shapes = &[
            UnionShape::Object {
                properties: &["to", "seconds"],
                required: &["to"],
            },
            UnionShape::Integer,
            UnionShape::Number,
            UnionShape::String,
        ];
        assert!(union_candidates(&json!({"seconds": 3}), shapes).is_empty());
        assert_eq!(union_candidates(&json!({"to": "x"}), shapes), [0]);
        assert_eq!(union_candidates(&json!(3), shapes), [1, 2]);
        assert_eq!(union_candidates(&json!(2.5), shapes), [2]);
        assert_eq!(union_candidates(&json!("x"), shapes), [3]);
        assert!(union_candidates(&json!(null), shapes).is_empty());
    }

    #[test]
    fn a_tagged_alternative_gets_its_tag_only_when_unset() {
        let unset = serialize_tagged(
            &json!({"to": "x", "kind": null}),
            "kind",
            "a",
            serde_json::value::Serializer,
        );
        assert_eq!(unset.expect("value"), json!({"to": "x", "kind": "a"}));
        let set = serialize_tagged(
            &json!({"kind": "b"}),
            "kind",
            "a",
            serde_json::value::Serializer,
        );
        assert_eq!(set.expect("value"), json!({"kind": "b"}));
        assert_eq!(union_tag(&json!({"kind": "b"}), "kind"), Some("b"));
        assert_eq!(union_tag(&json!({"kind": 1}), "kind"), None);
    }
}
