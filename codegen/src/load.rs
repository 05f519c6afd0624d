//! Parse a spec (YAML or JSON) into `openapiv3` types and resolve local `$ref`s.

use crate::error::{Error, Ptr, Result};
use openapiv3::{OpenAPI, Parameter, ReferenceOr, RequestBody, Response, Schema};

mod split;

/// Parse spec text. YAML is a superset of JSON, so both are accepted.
pub fn parse(text: &str) -> Result<OpenAPI> {
    // A JSON document is read as JSON first: YAML's parser refuses what JSON allows, such as
    // a character outside the BMP written as a surrogate pair (`\ud83d\udc4d`, in Twilio's
    // api_v2010 examples). A JSON document that does not parse goes the YAML way below, whose
    // errors name the pointer of what is wrong.
    if text.trim_start().starts_with('{') {
        if let Ok(api) = serde_json::from_str::<OpenAPI>(text) {
            return check_version(api);
        }
    }
    // A large block-style spec is parsed in runs on every core (see `split`); anything else,
    // or a spec that does not parse, the usual way.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if let Some(api) = split::parse(text, threads) {
        return check_version(api);
    }
    // Only a failure needs the path of the value that failed: parse plainly, and only when
    // that fails parse again with path tracking to find where (about 4 % fewer instructions
    // for a valid spec/).
    let api = match serde_yaml::from_str::<OpenAPI>(text) {
        Ok(api) => api,
        Err(_) => return Err(parse_tracked(text)),
    };
    check_version(api)
}

/// The error of a spec that does not parse, at the pointer of the value that failed.
fn parse_tracked(text: &str) -> Error {
    let de = serde_yaml::Deserializer::from_str(text);
    let parsed = serde_path_to_error::deserialize::<_, OpenAPI>(de).map_err(|e| {
        // A document of another version, or one cut short before its `openapi` field, fails
        // somewhere deep inside (`#/paths`, about some parameter shape); say what is really
        // wrong instead. Only on failure: a valid document is parsed once.
        if let Some(wrong) = version_problem(text) {
            return wrong;
        }
        let mut ptr = Ptr::root();
        for seg in e.path().iter() {
            match seg {
                serde_path_to_error::Segment::Seq { index } => ptr = ptr.join(index),
                serde_path_to_error::Segment::Map { key } => ptr = ptr.join(key),
                serde_path_to_error::Segment::Enum { variant } => ptr = ptr.join(variant),
                serde_path_to_error::Segment::Unknown => {}
            }
        }
        ptr.err(format!("not a valid OpenAPI 3.0 document: {}", e.inner()))
    });
    match parsed.and_then(check_version) {
        Err(e) => e,
        // Both parses read the same text with the same types, so this does not happen.
        Ok(_) => Error::at("", "internal: the spec parsed only the second time"),
    }
}

fn check_version(api: OpenAPI) -> Result<OpenAPI> {
    if !api.openapi.starts_with("3.0") {
        return Err(Error::at(
            "/openapi",
            format!(
                "expected an OpenAPI 3.0.x document, found version `{}`",
                api.openapi
            ),
        ));
    }
    Ok(api)
}

/// Why `text` is not an OpenAPI 3.0 document at its root, when that is the reason: a Swagger
/// 2.0 file, another OpenAPI version, or no `openapi` field at all (not a spec, or a file that
/// ends early: Twilio's files put `openapi` after `components`).
fn version_problem(text: &str) -> Option<Error> {
    let root: serde_yaml::Value = match serde_yaml::from_str(text) {
        Ok(v) => v,
        // Not even YAML: the typed parse's message (with its line) says more.
        Err(_) => return None,
    };
    let Some(map) = root.as_mapping() else {
        return Some(Error::at("", "expected a mapping at the document root"));
    };
    let lines = text.lines().count();
    match (map.get("openapi"), map.get("swagger")) {
        (None, Some(v)) => Some(Error::at(
            "/swagger",
            format!(
                "this is a Swagger {} document; only OpenAPI 3.0.x is supported (convert it \
                 first)",
                scalar(v)
            ),
        )),
        (None, None) => Some(Error::at(
            "",
            format!(
                "no `openapi` version field: not an OpenAPI document, or a file cut short (it \
                 has {lines} lines)"
            ),
        )),
        (Some(v), _) if !scalar(v).starts_with("3.0") => Some(Error::at(
            "/openapi",
            format!(
                "expected an OpenAPI 3.0.x document, found version `{}`",
                scalar(v)
            ),
        )),
        (Some(_), _) => None,
    }
}

fn scalar(v: &serde_yaml::Value) -> String {
    match v {
        serde_yaml::Value::String(s) => s.clone(),
        serde_yaml::Value::Number(n) => n.to_string(),
        other => format!("{other:?}"),
    }
}

const MAX_REF_DEPTH: usize = 32;

/// `$ref` resolution over `#/components/...`.
pub(crate) struct Resolver<'a> {
    pub api: &'a OpenAPI,
    /// The component schemas being lowered right now, to find a schema that refers back to
    /// itself (see `lower::schema`).
    pub(crate) trail: std::cell::RefCell<SchemaTrail>,
}

/// Component schemas being lowered, outermost first, and those found referring back to one of
/// them.
#[derive(Debug, Default)]
pub(crate) struct SchemaTrail {
    pub open: Vec<String>,
    pub referred_back: std::collections::BTreeSet<String>,
}

impl<'a> Resolver<'a> {
    pub(crate) fn new(api: &'a OpenAPI) -> Self {
        Resolver {
            api,
            trail: Default::default(),
        }
    }
}

fn component_name<'r>(reference: &'r str, kind: &str, at: &Ptr) -> Result<&'r str> {
    let prefix = format!("#/components/{kind}/");
    reference.strip_prefix(prefix.as_str()).ok_or_else(|| {
        at.err(format!(
            "unsupported $ref `{reference}`: only local refs to #/components/{kind} are supported"
        ))
    })
}

fn ref_ptr(kind: &str, name: &str) -> Ptr {
    Ptr::root().join("components").join(kind).join(name)
}

macro_rules! resolver {
    ($fn:ident, $ty:ty, $kind:literal, $field:ident) => {
        pub(crate) fn $fn(&self, item: &'a ReferenceOr<$ty>, at: &Ptr) -> Result<(&'a $ty, Ptr)> {
            let mut item = item;
            let mut at = at.clone();
            for _ in 0..MAX_REF_DEPTH {
                match item {
                    ReferenceOr::Item(x) => return Ok((x, at)),
                    ReferenceOr::Reference { reference } => {
                        let name = component_name(reference, $kind, &at)?;
                        let found = self
                            .api
                            .components
                            .as_ref()
                            .and_then(|c| c.$field.get(name))
                            .ok_or_else(|| {
                                at.err(format!("$ref `{reference}` points to nothing"))
                            })?;
                        at = ref_ptr($kind, name);
                        item = found;
                    }
                }
            }
            Err(at.err("$ref chain too deep (a cycle?)"))
        }
    };
}

impl<'a> Resolver<'a> {
    resolver!(parameter, Parameter, "parameters", parameters);
    resolver!(request_body, RequestBody, "requestBodies", request_bodies);
    resolver!(response, Response, "responses", responses);
    resolver!(schema, Schema, "schemas", schemas);

    /// Resolve a boxed schema reference (properties, array items).
    pub(crate) fn boxed_schema(
        &self,
        item: &'a ReferenceOr<Box<Schema>>,
        at: &Ptr,
    ) -> Result<(&'a Schema, Ptr)> {
        match item {
            ReferenceOr::Item(x) => Ok((x, at.clone())),
            ReferenceOr::Reference { reference } => {
                let name = component_name(reference, "schemas", at)?;
                let found = self
                    .api
                    .components
                    .as_ref()
                    .and_then(|c| c.schemas.get(name))
                    .ok_or_else(|| at.err(format!("$ref `{reference}` points to nothing")))?;
                self.schema(found, &ref_ptr("schemas", name))
            }
        }
    }
}
