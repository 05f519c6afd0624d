//! What the suite needs to know about the spec: every operation's method, path template,
//! parameters and list key. Read from `spec/conversations_v1.yaml`, compiled into the binary.

use serde_yaml::Value;
use std::collections::BTreeMap;

/// Where a parameter goes on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Location {
    Path,
    Query,
    Header,
    Form,
}

impl Location {
    pub fn as_str(self) -> &'static str {
        match self {
            Location::Path => "path",
            Location::Query => "query",
            Location::Header => "header",
            Location::Form => "form",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Param {
    pub name: String,
    pub location: Location,
    /// An array: sent as repeated keys.
    pub array: bool,
}

#[derive(Debug, Clone)]
pub struct Operation {
    pub id: String,
    /// Upper case (`POST`).
    pub method: String,
    /// As in the spec (`/v1/Services/{ChatServiceSid}/Roles`).
    pub path: String,
    pub params: Vec<Param>,
    /// For list operations: the property holding the items.
    pub list_key: Option<String>,
}

impl Operation {
    pub fn param(&self, location: Location, name: &str) -> Option<&Param> {
        self.params.iter().find(|p| {
            p.location == location
                && if location == Location::Header {
                    p.name.eq_ignore_ascii_case(name)
                } else {
                    p.name == name
                }
        })
    }
}

pub struct Spec {
    /// By operationId.
    pub ops: BTreeMap<String, Operation>,
}

const METHODS: [&str; 5] = ["get", "put", "post", "patch", "delete"];

fn resolve<'a>(root: &'a Value, node: &'a Value) -> Result<&'a Value, String> {
    let mut node = node;
    for _ in 0..32 {
        let Some(reference) = node.get("$ref").and_then(Value::as_str) else {
            return Ok(node);
        };
        let pointer = reference
            .strip_prefix("#/")
            .ok_or_else(|| format!("only local references are supported: {reference}"))?;
        let mut target = root;
        for part in pointer.split('/') {
            target = target
                .get(part)
                .ok_or_else(|| format!("dangling reference {reference}"))?;
        }
        node = target;
    }
    Err("reference chain too long".into())
}

fn is_array(root: &Value, schema: Option<&Value>) -> Result<bool, String> {
    Ok(match schema {
        Some(s) => resolve(root, s)?.get("type").and_then(Value::as_str) == Some("array"),
        None => false,
    })
}

impl Spec {
    pub fn parse(text: &str) -> Result<Spec, String> {
        let root: Value = serde_yaml::from_str(text).map_err(|e| format!("spec: {e}"))?;
        let paths = root
            .get("paths")
            .and_then(Value::as_mapping)
            .ok_or("spec: no paths")?;
        let mut ops = BTreeMap::new();
        for (path, item) in paths {
            let path = path.as_str().ok_or("spec: non-string path")?;
            for method in METHODS {
                let Some(op) = item.get(method) else { continue };
                let id = op
                    .get("operationId")
                    .and_then(Value::as_str)
                    .ok_or_else(|| format!("spec: {method} {path} has no operationId"))?
                    .to_string();
                let mut params = Vec::new();
                let listed = op.get("parameters").and_then(Value::as_sequence);
                for p in listed.into_iter().flatten() {
                    let p = resolve(&root, p)?;
                    let name = p.get("name").and_then(Value::as_str).ok_or("param name")?;
                    let location = match p.get("in").and_then(Value::as_str) {
                        Some("path") => Location::Path,
                        Some("query") => Location::Query,
                        Some("header") => Location::Header,
                        other => return Err(format!("{id}: parameter location {other:?}")),
                    };
                    params.push(Param {
                        name: name.to_string(),
                        location,
                        array: is_array(&root, p.get("schema"))?,
                    });
                }
                if let Some(body) = op.get("requestBody") {
                    let body = resolve(&root, body)?;
                    let schema = body
                        .get("content")
                        .and_then(|c| c.get("application/x-www-form-urlencoded"))
                        .and_then(|m| m.get("schema"))
                        .ok_or_else(|| format!("{id}: request body is not a form"))?;
                    let schema = resolve(&root, schema)?;
                    let props = schema.get("properties").and_then(Value::as_mapping);
                    for (name, prop) in props.into_iter().flatten() {
                        params.push(Param {
                            name: name.as_str().ok_or("form field name")?.to_string(),
                            location: Location::Form,
                            array: is_array(&root, Some(prop))?,
                        });
                    }
                }
                let mut list_key = None;
                let responses = op.get("responses").and_then(Value::as_mapping);
                for (_, response) in responses.into_iter().flatten() {
                    let response = resolve(&root, response)?;
                    let Some(schema) = response
                        .get("content")
                        .and_then(|c| c.get("application/json"))
                        .and_then(|m| m.get("schema"))
                    else {
                        continue;
                    };
                    let schema = resolve(&root, schema)?;
                    if let Some(props) = schema.get("properties").and_then(Value::as_mapping) {
                        if props.contains_key("meta") {
                            list_key = props
                                .keys()
                                .filter_map(Value::as_str)
                                .find(|k| *k != "meta")
                                .map(str::to_string);
                        }
                    }
                }
                let op = Operation {
                    id: id.clone(),
                    method: method.to_ascii_uppercase(),
                    path: path.to_string(),
                    params,
                    list_key,
                };
                if ops.insert(id.clone(), op).is_some() {
                    return Err(format!("spec: operationId {id} is used twice"));
                }
            }
        }
        Ok(Spec { ops })
    }

    /// The operation a request goes to: same method, same number of segments, literal
    /// segments equal; the template with the most literal segments wins.
    pub fn route(&self, method: &str, path: &str) -> Option<&Operation> {
        let segments: Vec<&str> = path.split('/').collect();
        self.ops
            .values()
            .filter(|op| op.method == method)
            .filter_map(|op| {
                let template: Vec<&str> = op.path.split('/').collect();
                if template.len() != segments.len() {
                    return None;
                }
                let mut literals = 0;
                for (t, s) in template.iter().zip(&segments) {
                    if t.starts_with('{') && t.ends_with('}') {
                        if s.is_empty() {
                            return None;
                        }
                    } else if t == s {
                        literals += 1;
                    } else {
                        return None;
                    }
                }
                Some((literals, op))
            })
            .max_by_key(|(literals, _)| *literals)
            .map(|(_, op)| op)
    }
}
