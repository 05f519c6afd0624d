//! Reading a spec file (YAML or JSON) into a `serde_json::Value`, resolving local `$ref`s, and
//! typed access to its values with errors that carry the JSON pointer of the value at fault.

use std::path::Path;

use serde_json::{Map, Number, Value};

use crate::error::{child, Error, SpecError};

/// Reads and parses one spec file. `.json` files are read as JSON, anything else as YAML
/// (which also accepts most JSON). `name` is how the file is called in error messages.
pub(crate) fn load_file(path: &Path, name: &str) -> Result<Value, Error> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::plain(name, format!("cannot read: {e}")))?;
    let is_json = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if is_json {
        serde_json::from_str(&text).map_err(|e| Error::plain(name, format!("invalid JSON: {e}")))
    } else {
        parse_yaml(&text).map_err(|e| match e {
            Parse::Syntax(msg) => Error::plain(name, format!("invalid YAML: {msg}")),
            Parse::Value(err) => Error::in_file(name, err),
        })
    }
}

enum Parse {
    Syntax(String),
    Value(SpecError),
}

/// Parses YAML text into a JSON value. Map keys that YAML reads as numbers or booleans (`200:`)
/// become strings, merge keys (`<<`) are applied, tags are dropped.
fn parse_yaml(text: &str) -> Result<Value, Parse> {
    let mut yaml: serde_yaml::Value =
        serde_yaml::from_str(text).map_err(|e| Parse::Syntax(e.to_string()))?;
    yaml.apply_merge()
        .map_err(|e| Parse::Syntax(e.to_string()))?;
    yaml_to_json(yaml, "#").map_err(Parse::Value)
}

fn yaml_to_json(v: serde_yaml::Value, ptr: &str) -> Result<Value, SpecError> {
    use serde_yaml::Value as Y;
    Ok(match v {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::Number(i.into())
            } else if let Some(u) = n.as_u64() {
                Value::Number(u.into())
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                match Number::from_f64(f) {
                    Some(n) => Value::Number(n),
                    None => return Err(SpecError::new(ptr, "a number that is not finite")),
                }
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                out.push(yaml_to_json(item, &crate::error::index(ptr, i))?);
            }
            Value::Array(out)
        }
        Y::Mapping(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                let key = match k {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    _ => return Err(SpecError::new(ptr, "a map key that is not a scalar")),
                };
                let value = yaml_to_json(v, &child(ptr, &key))?;
                out.insert(key, value);
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => yaml_to_json(tagged.value, ptr)?,
    })
}

/// A parsed document: the root value, to resolve `$ref`s against.
pub(crate) struct Doc<'a> {
    root: &'a Value,
}

impl<'a> Doc<'a> {
    pub(crate) fn new(root: &'a Value) -> Self {
        Doc { root }
    }

    pub(crate) fn root(&self) -> &'a Value {
        self.root
    }

    /// Follows `$ref`s from `v` (found at `ptr`) until a value that is not a reference.
    /// Returns that value, its pointer, and the pointers of the targets passed through (the
    /// identities used to detect recursive schemas). A chain that comes back to itself, a
    /// reference that is not local, and one that points at nothing are errors.
    pub(crate) fn resolve(
        &self,
        v: &'a Value,
        ptr: &str,
    ) -> Result<(&'a Value, String, Vec<String>), SpecError> {
        let mut cur = v;
        let mut cur_ptr = ptr.to_owned();
        let mut targets: Vec<String> = Vec::new();
        while let Some(r) = cur.as_object().and_then(|m| m.get("$ref")) {
            let ref_ptr = child(&cur_ptr, "$ref");
            let Some(r) = r.as_str() else {
                return Err(SpecError::new(&ref_ptr, "expected a string"));
            };
            let target = self.lookup(r, &ref_ptr)?;
            let target_ptr = normalize_ref(r);
            if targets.contains(&target_ptr) || target_ptr == ptr {
                let mut chain = vec![ptr.to_owned()];
                chain.extend(targets.iter().cloned());
                chain.push(target_ptr);
                return Err(SpecError::new(
                    ptr,
                    format!("$ref cycle: {}", chain.join(" -> ")),
                ));
            }
            targets.push(target_ptr.clone());
            cur = target;
            cur_ptr = target_ptr;
        }
        Ok((cur, cur_ptr, targets))
    }

    /// The value a local reference (`#/components/schemas/x`) points at.
    fn lookup(&self, r: &str, ref_ptr: &str) -> Result<&'a Value, SpecError> {
        let Some(frag) = r.strip_prefix('#') else {
            return Err(SpecError::new(
                ref_ptr,
                format!("unsupported $ref `{r}` (only local `#/...` references are supported)"),
            ));
        };
        let decoded = percent_decode(frag).ok_or_else(|| {
            SpecError::new(ref_ptr, format!("$ref `{r}` is not a valid JSON pointer"))
        })?;
        if !decoded.is_empty() && !decoded.starts_with('/') {
            return Err(SpecError::new(
                ref_ptr,
                format!("$ref `{r}` is not a valid JSON pointer"),
            ));
        }
        self.root
            .pointer(&decoded)
            .ok_or_else(|| SpecError::new(ref_ptr, format!("$ref `{r}` points at nothing")))
    }
}

/// The pointer form of a reference, as used in error messages and recursion detection.
fn normalize_ref(r: &str) -> String {
    match r.strip_prefix('#').and_then(percent_decode) {
        Some(p) => format!("#{p}"),
        None => r.to_owned(),
    }
}

/// Decodes `%XX` escapes of a URI fragment; `None` when an escape is malformed or the result
/// is not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    if !s.contains('%') {
        return Some(s.to_owned());
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

// ---- typed access -------------------------------------------------------------------------

/// `v` as a map, or an error at `ptr`.
pub(crate) fn as_map<'a>(v: &'a Value, ptr: &str) -> Result<&'a Map<String, Value>, SpecError> {
    v.as_object()
        .ok_or_else(|| SpecError::new(ptr, "expected a map"))
}

/// `v` as an array, or an error at `ptr`.
pub(crate) fn as_array<'a>(v: &'a Value, ptr: &str) -> Result<&'a Vec<Value>, SpecError> {
    v.as_array()
        .ok_or_else(|| SpecError::new(ptr, "expected a list"))
}

/// `v` as a string, or an error at `ptr`.
pub(crate) fn as_str<'a>(v: &'a Value, ptr: &str) -> Result<&'a str, SpecError> {
    v.as_str()
        .ok_or_else(|| SpecError::new(ptr, "expected a string"))
}

/// The optional map at `key` of `m` (found at `ptr`).
pub(crate) fn opt_map<'a>(
    m: &'a Map<String, Value>,
    key: &str,
    ptr: &str,
) -> Result<Option<&'a Map<String, Value>>, SpecError> {
    m.get(key).map(|v| as_map(v, &child(ptr, key))).transpose()
}

/// The optional list at `key`.
pub(crate) fn opt_array<'a>(
    m: &'a Map<String, Value>,
    key: &str,
    ptr: &str,
) -> Result<Option<&'a Vec<Value>>, SpecError> {
    m.get(key)
        .map(|v| as_array(v, &child(ptr, key)))
        .transpose()
}

/// The optional string at `key`.
pub(crate) fn opt_str<'a>(
    m: &'a Map<String, Value>,
    key: &str,
    ptr: &str,
) -> Result<Option<&'a str>, SpecError> {
    m.get(key).map(|v| as_str(v, &child(ptr, key))).transpose()
}

/// The optional boolean at `key`.
pub(crate) fn opt_bool(
    m: &Map<String, Value>,
    key: &str,
    ptr: &str,
) -> Result<Option<bool>, SpecError> {
    m.get(key)
        .map(|v| {
            v.as_bool()
                .ok_or_else(|| SpecError::new(&child(ptr, key), "expected a boolean"))
        })
        .transpose()
}

/// The optional number at `key`.
pub(crate) fn opt_num(
    m: &Map<String, Value>,
    key: &str,
    ptr: &str,
) -> Result<Option<f64>, SpecError> {
    m.get(key)
        .map(|v| {
            v.as_f64()
                .ok_or_else(|| SpecError::new(&child(ptr, key), "expected a number"))
        })
        .transpose()
}

/// Canonical compact JSON with keys sorted (independent of serde_json's `preserve_order`),
/// leaving out prose (`description`, `summary`, `title`) and vendor extensions (`x-*`).
pub(crate) fn canonical(v: &Value) -> String {
    let mut out = String::new();
    write_canonical(v, &mut out);
    out
}

fn write_canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().filter(|k| !is_prose_or_extension(k)).collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                if let Some(v) = m.get(k) {
                    write_canonical(v, out);
                }
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

fn is_prose_or_extension(key: &str) -> bool {
    matches!(key, "description" | "summary" | "title") || key.starts_with("x-")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn yaml_number_keys_become_strings() {
        let v = parse_yaml("responses:\n  200: {a: 1}\n").ok();
        assert_eq!(v, Some(json!({"responses": {"200": {"a": 1}}})));
    }

    #[test]
    fn resolve_follows_chains_and_detects_cycles() {
        let root = json!({
            "components": {"schemas": {
                "a": {"$ref": "#/components/schemas/b"},
                "b": {"type": "string"},
                "c": {"$ref": "#/components/schemas/d"},
                "d": {"$ref": "#/components/schemas/c"},
                "e~f": {"type": "integer"}
            }},
            "x": {"$ref": "#/components/schemas/a"},
            "y": {"$ref": "#/components/schemas/c"},
            "z": {"$ref": "#/components/schemas/e~0f"},
            "w": {"$ref": "#/components/schemas/nope"}
        });
        let doc = Doc::new(&root);
        let (v, p, t) = doc
            .resolve(&root["x"], "#/x")
            .map_err(|e| e.to_string())
            .unwrap();
        assert_eq!(v, &json!({"type": "string"}));
        assert_eq!(p, "#/components/schemas/b");
        assert_eq!(t, vec!["#/components/schemas/a", "#/components/schemas/b"]);
        let y = &root["y"];
        let err = doc.resolve(y, "#/y").err().map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("#/y: $ref cycle: #/y -> #/components/schemas/c -> #/components/schemas/d -> #/components/schemas/c")
        );
        let (v, _, _) = doc
            .resolve(&root["z"], "#/z")
            .map_err(|e| e.to_string())
            .unwrap();
        assert_eq!(v, &json!({"type": "integer"}));
        let err = doc.resolve(&root["w"], "#/w").err().map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("#/w/$ref: $ref `#/components/schemas/nope` points at nothing")
        );
    }

    #[test]
    fn canonical_sorts_keys_and_drops_prose() {
        let v = json!({"type": "http", "description": "d", "x-a": 1, "scheme": "basic"});
        assert_eq!(canonical(&v), r#"{"scheme":"basic","type":"http"}"#);
    }
}
