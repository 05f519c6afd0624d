//! Spec -> IR: read every operation's facts, pair scopes (see [`crate::scope`]), build the
//! resource tree and give everything its Rust name.

use crate::error::{Ptr, Result};
use crate::ir::*;
use crate::load::Resolver;
use crate::names::{bare, camel, compound, singular, snake};
use crate::raw::{RawField, RawOp, RawParam, RawResponse, RawTy};
use crate::scope::{self, Sink};
use openapiv3::{
    OpenAPI, Parameter, ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind, StatusCode,
    StringFormat, Type, VariantOrUnknownOrEmpty,
};
use std::collections::{BTreeMap, BTreeSet};

/// Segment that introduces the Service scope (`/v1/Services/{ChatServiceSid}/...`).
pub const SCOPE_SEGMENT: &str = "Services";
const FORM: &str = "application/x-www-form-urlencoded";
const VERBS: &[&str] = &["Create", "List", "Fetch", "Update", "Delete"];

/// Lower a parsed spec to the IR.
pub fn lower(api: &OpenAPI) -> Result<Api> {
    let resolver = Resolver { api };
    let (prefix, ops) = extract(api, &resolver)?;
    let base_url = api
        .servers
        .first()
        .map(|s| s.url.trim_end_matches('/').to_string())
        .or_else(|| {
            api.paths.paths.values().find_map(|p| match p {
                ReferenceOr::Item(p) => p
                    .servers
                    .first()
                    .map(|s| s.url.trim_end_matches('/').to_string()),
                ReferenceOr::Reference { .. } => None,
            })
        })
        .ok_or_else(|| {
            Ptr::root()
                .join("servers")
                .err("the spec names no server URL")
        })?;
    let operation_count = ops.len();
    let mut b = Builder::default();
    b.pair_and_merge(ops);
    let root = b.build_tree();
    let report = ScopeReport {
        merged: std::mem::take(&mut b.merged),
        separate: std::mem::take(&mut b.separate),
        drift: {
            let mut d = std::mem::take(&mut b.drift);
            d.sort();
            d.dedup();
            d
        },
    };
    let mut lowered = Api {
        title: api.info.title.clone(),
        version: api.info.version.clone(),
        base_url,
        path_prefix: prefix,
        scope_segment: SCOPE_SEGMENT.to_string(),
        root,
        models: b.models,
        enums: b.enums,
        report,
        operation_count,
    };
    crate::namespace::unique_type_names(&mut lowered);
    Ok(lowered)
}

// ---------------------------------------------------------------------------------------------
// Extraction

fn extract<'a>(api: &'a OpenAPI, r: &Resolver<'a>) -> Result<(String, Vec<RawOp>)> {
    let paths_ptr = Ptr::root().join("paths");
    let mut prefix: Option<String> = None;
    let mut out = Vec::new();
    for (path, item) in &api.paths.paths {
        let pptr = paths_ptr.join(path);
        let item = match item {
            ReferenceOr::Item(i) => i,
            ReferenceOr::Reference { .. } => {
                return Err(pptr.err("a $ref path item is not supported"))
            }
        };
        let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
        let first = segs.first().copied().unwrap_or("");
        if first.is_empty() || first.starts_with('{') {
            return Err(pptr.err("a path must start with a literal version segment such as /v1"));
        }
        match &prefix {
            None => prefix = Some(first.to_string()),
            Some(p) if p != first => {
                return Err(pptr.err(format!(
                    "every path must start with /{p}; this one does not"
                )))
            }
            Some(_) => {}
        }
        let placeholders = path_placeholders(path, &pptr)?;
        let rest = &segs[1..];
        let (scope, suffix): (Scopes, Vec<String>) =
            if rest.len() >= 2 && rest[0] == SCOPE_SEGMENT && rest[1].starts_with('{') {
                (
                    Scopes::Service,
                    rest[2..].iter().map(|s| s.to_string()).collect(),
                )
            } else {
                (
                    Scopes::Default,
                    rest.iter().map(|s| s.to_string()).collect(),
                )
            };
        for (name, op) in [
            ("head", &item.head),
            ("options", &item.options),
            ("trace", &item.trace),
        ] {
            if op.is_some() {
                return Err(pptr
                    .join(name)
                    .err(format!("method `{name}` is not supported")));
            }
        }
        let methods = [
            ("get", Method::Get, &item.get),
            ("post", Method::Post, &item.post),
            ("put", Method::Put, &item.put),
            ("patch", Method::Patch, &item.patch),
            ("delete", Method::Delete, &item.delete),
        ];
        for (mname, method, op) in methods {
            let Some(op) = op else { continue };
            let optr = pptr.join(mname);
            let id = op
                .operation_id
                .clone()
                .filter(|s| !s.trim().is_empty())
                .ok_or_else(|| optr.err("operation has no operationId"))?;
            let doc = first_line(
                op.description
                    .as_deref()
                    .or(op.summary.as_deref())
                    .unwrap_or(""),
            );
            let mut params = Vec::new();
            // Path-level parameters first, overridden by operation-level ones of the same name.
            let mut all: Vec<(&ReferenceOr<Parameter>, Ptr)> = Vec::new();
            for (i, p) in item.parameters.iter().enumerate() {
                all.push((p, pptr.join("parameters").join(i)));
            }
            for (i, p) in op.parameters.iter().enumerate() {
                all.push((p, optr.join("parameters").join(i)));
            }
            let mut declared: BTreeSet<&str> = BTreeSet::new();
            for (p, at) in all {
                let (p, at) = r.parameter(p, &at)?;
                let (location, data) = match p {
                    Parameter::Query { parameter_data, .. } => (Location::Query, parameter_data),
                    Parameter::Header { parameter_data, .. } => (Location::Header, parameter_data),
                    Parameter::Path { parameter_data, .. } => {
                        if !placeholders.contains(parameter_data.name.as_str()) {
                            return Err(at.err(format!(
                                "path parameter `{}` does not appear in the path `{path}`",
                                parameter_data.name
                            )));
                        }
                        declared.insert(parameter_data.name.as_str());
                        continue;
                    }
                    Parameter::Cookie { .. } => {
                        return Err(at.err("cookie parameters are not supported"))
                    }
                };
                let ty = match &data.format {
                    ParameterSchemaOrContent::Schema(s) => {
                        let (s, sat) = r.schema(s, &at.join("schema"))?;
                        lower_schema(r, s, &sat, 0)?
                    }
                    ParameterSchemaOrContent::Content(_) => {
                        return Err(at
                            .join("content")
                            .err("parameters with `content` are not supported"))
                    }
                };
                params.retain(|q: &RawParam| !(q.wire == data.name && q.location == location));
                params.push(RawParam {
                    wire: data.name.clone(),
                    location,
                    ty,
                    required: data.required,
                    doc: first_line(data.description.as_deref().unwrap_or("")),
                    scopes: scope,
                });
            }
            if let Some(missing) = placeholders.iter().find(|p| !declared.contains(*p)) {
                return Err(optr.err(format!(
                    "`{{{missing}}}` in the path is not declared as a path parameter"
                )));
            }
            let mut json_media_type = None;
            if let Some(body) = &op.request_body {
                let (body, bat) = r.request_body(body, &optr.join("requestBody"))?;
                let (ct, media) = body_content(body, &bat)?;
                let mat = bat.join("content").join(ct);
                if ct != FORM {
                    json_media_type = Some(ct.to_string());
                }
                if let Some(schema) = &media.schema {
                    let (schema, sat) = r.schema(schema, &mat.join("schema"))?;
                    match (lower_schema(r, schema, &sat, 0)?, ct == FORM) {
                        (RawTy::Object(fields), form) => {
                            let location = if form { Location::Form } else { Location::Json };
                            for f in fields {
                                params.push(RawParam {
                                    wire: f.wire,
                                    location,
                                    ty: f.ty,
                                    required: f.required,
                                    doc: f.doc,
                                    scopes: scope,
                                });
                            }
                        }
                        (_, true) => {
                            return Err(
                                sat.err("a form body schema must be an object with properties")
                            )
                        }
                        (whole, false) => params.push(RawParam {
                            wire: "body".to_string(),
                            location: Location::JsonWhole,
                            ty: whole,
                            required: body.required,
                            doc: first_line(body.description.as_deref().unwrap_or("")),
                            scopes: scope,
                        }),
                    }
                }
            }
            let response = extract_response(r, op, &optr)?;
            out.push(RawOp {
                method,
                path: path.clone(),
                id,
                doc,
                scope,
                suffix: suffix.clone(),
                params,
                json_media_type,
                response,
            });
        }
    }
    let prefix = prefix.ok_or_else(|| paths_ptr.err("the spec has no paths"))?;
    Ok((prefix, out))
}

/// The `{name}` placeholders of a path template. A segment is either literal text or one
/// whole placeholder: text around a placeholder (`{Sid}.json`) or two in one segment would be
/// lost by the segment-per-parameter handles, so it is refused rather than sent wrong.
fn path_placeholders<'p>(path: &'p str, at: &Ptr) -> Result<BTreeSet<&'p str>> {
    let mut names = BTreeSet::new();
    for seg in path.split('/') {
        if !seg.contains(['{', '}']) {
            continue;
        }
        let name = seg
            .strip_prefix('{')
            .and_then(|s| s.strip_suffix('}'))
            .filter(|n| !n.is_empty() && !n.contains(['{', '}']))
            .ok_or_else(|| {
                at.err(format!(
                    "path segment `{seg}` mixes a parameter with other text; only whole-segment \
                     parameters such as `{{Sid}}` are supported"
                ))
            })?;
        if !names.insert(name) {
            return Err(at.err(format!("path parameter `{{{name}}}` appears twice")));
        }
    }
    Ok(names)
}

/// Whether a media type is JSON: `application/json` or a structured `+json` type such as
/// `application/scim+json`.
fn is_json(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or("").trim();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// The one request content the client sends: the form when the spec offers it (every Twilio
/// form operation), otherwise JSON. Anything else is an error naming what was found.
fn body_content<'a>(
    body: &'a openapiv3::RequestBody,
    at: &Ptr,
) -> Result<(&'a str, &'a openapiv3::MediaType)> {
    let find = |want: &dyn Fn(&str) -> bool| {
        body.content
            .iter()
            .find(|(ct, _)| want(ct))
            .map(|(ct, m)| (ct.as_str(), m))
    };
    find(&|ct| ct == FORM)
        .or_else(|| find(&is_json))
        .ok_or_else(|| {
            let found: Vec<&str> = body.content.keys().map(String::as_str).collect();
            at.join("content").err(format!(
                "request content type {} is not supported (only {FORM} and JSON)",
                if found.is_empty() {
                    "(none)".to_string()
                } else {
                    found
                        .iter()
                        .map(|c| format!("`{c}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            ))
        })
}

fn extract_response<'a>(
    r: &Resolver<'a>,
    op: &'a openapiv3::Operation,
    optr: &Ptr,
) -> Result<RawResponse> {
    let mut found: Option<(RawResponse, Ptr)> = None;
    let mut any_2xx = false;
    for (code, resp) in &op.responses.responses {
        let ok = match code {
            StatusCode::Code(c) => (200..300).contains(c),
            StatusCode::Range(r) => *r == 2,
        };
        if !ok {
            continue;
        }
        any_2xx = true;
        let rat = optr.join("responses").join(code);
        let (resp, rat) = r.response(resp, &rat)?;
        let Some((ct, media)) = resp.content.iter().find(|(ct, _)| ct.contains("json")) else {
            if let Some((ct, _)) = resp.content.iter().next() {
                return Err(rat
                    .join("content")
                    .join(ct)
                    .err(format!("response content type `{ct}` is not supported")));
            }
            continue;
        };
        let mat = rat.join("content").join(ct);
        let this = match &media.schema {
            None => RawResponse::One(RawTy::Json),
            Some(s) => {
                let (s, sat) = r.schema(s, &mat.join("schema"))?;
                let ty = lower_schema(r, s, &sat, 0)?;
                as_list(&ty).unwrap_or(RawResponse::One(ty))
            }
        };
        match &found {
            None => found = Some((this, mat)),
            Some((prev, _)) if *prev == this => {}
            Some((_, prev_at)) => {
                return Err(mat.err(format!(
                    "this success response has a different schema from the one at #{}; one operation must answer one shape",
                    prev_at.as_str()
                )))
            }
        }
    }
    if !any_2xx {
        return Err(optr.join("responses").err("operation has no 2xx response"));
    }
    Ok(found.map(|(r, _)| r).unwrap_or(RawResponse::Empty))
}

/// `{<key>: [item], meta: {...}}` is a list page.
fn as_list(ty: &RawTy) -> Option<RawResponse> {
    let RawTy::Object(fields) = ty else {
        return None;
    };
    if fields.len() != 2 || !fields.iter().any(|f| f.wire == "meta") {
        return None;
    }
    let items = fields.iter().find(|f| f.wire != "meta")?;
    match &items.ty {
        RawTy::Array(item) => Some(RawResponse::List {
            key: items.wire.clone(),
            item: (**item).clone(),
        }),
        _ => None,
    }
}

const MAX_DEPTH: usize = 16;

fn string_ty(format: Option<&str>, enumeration: Vec<String>) -> RawTy {
    if !enumeration.is_empty() {
        return RawTy::Enum(enumeration);
    }
    match format {
        Some("date-time") => RawTy::DateTime,
        Some(f) => RawTy::String {
            format: Some(f.to_string()),
        },
        None => RawTy::String { format: None },
    }
}

fn lower_schema<'a>(r: &Resolver<'a>, s: &'a Schema, at: &Ptr, depth: usize) -> Result<RawTy> {
    if depth > MAX_DEPTH {
        return Err(at.err("schema nests too deeply (a recursive schema?)"));
    }
    Ok(match &s.schema_kind {
        SchemaKind::Type(Type::String(st)) => {
            let format = match &st.format {
                VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => {
                    Some("date-time".to_string())
                }
                VariantOrUnknownOrEmpty::Item(StringFormat::Date) => Some("date".to_string()),
                VariantOrUnknownOrEmpty::Item(StringFormat::Password) => {
                    Some("password".to_string())
                }
                VariantOrUnknownOrEmpty::Item(StringFormat::Byte) => Some("byte".to_string()),
                VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => Some("binary".to_string()),
                VariantOrUnknownOrEmpty::Unknown(f) => Some(f.clone()),
                VariantOrUnknownOrEmpty::Empty => None,
            };
            string_ty(
                format.as_deref(),
                st.enumeration.iter().flatten().cloned().collect(),
            )
        }
        SchemaKind::Type(Type::Number(_)) => RawTy::Float,
        SchemaKind::Type(Type::Integer(it)) => RawTy::Int {
            format: match &it.format {
                VariantOrUnknownOrEmpty::Item(f) => Some(format!("{f:?}").to_lowercase()),
                VariantOrUnknownOrEmpty::Unknown(f) => Some(f.clone()),
                VariantOrUnknownOrEmpty::Empty => None,
            },
        },
        SchemaKind::Type(Type::Boolean(_)) => RawTy::Bool,
        SchemaKind::Type(Type::Object(o)) => {
            if o.properties.is_empty() {
                RawTy::Json
            } else {
                RawTy::Object(lower_fields(
                    r,
                    &o.properties,
                    &o.required,
                    &at.join("properties"),
                    depth,
                )?)
            }
        }
        SchemaKind::Type(Type::Array(a)) => RawTy::Array(Box::new(match &a.items {
            None => RawTy::Json,
            Some(item) => {
                let (item, iat) = r.boxed_schema(item, &at.join("items"))?;
                lower_schema(r, item, &iat, depth + 1)?
            }
        })),
        SchemaKind::AllOf { all_of } if all_of.len() == 1 => {
            let (inner, iat) = r.schema(&all_of[0], &at.join("allOf").join(0))?;
            lower_schema(r, inner, &iat, depth + 1)?
        }
        SchemaKind::AllOf { .. } => {
            return Err(at
                .join("allOf")
                .err("allOf with several schemas is not supported"))
        }
        SchemaKind::OneOf { .. } => return Err(at.join("oneOf").err("oneOf is not supported")),
        SchemaKind::AnyOf { .. } => return Err(at.join("anyOf").err("anyOf is not supported")),
        SchemaKind::Not { .. } => return Err(at.join("not").err("not is not supported")),
        SchemaKind::Any(any) => {
            if !any.one_of.is_empty()
                || !any.any_of.is_empty()
                || !any.all_of.is_empty()
                || any.not.is_some()
            {
                return Err(
                    at.err("schema composition (oneOf/anyOf/allOf/not) is not supported here")
                );
            }
            let enumeration: Vec<String> = any
                .enumeration
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect();
            match any.typ.as_deref() {
                Some("object") if any.format.as_deref() == Some("uri-map") => RawTy::UriMap,
                Some("object") | None if !any.properties.is_empty() => RawTy::Object(lower_fields(
                    r,
                    &any.properties,
                    &any.required,
                    &at.join("properties"),
                    depth,
                )?),
                Some("object") | None => RawTy::Json,
                Some("string") => string_ty(any.format.as_deref(), enumeration),
                Some("integer") => RawTy::Int {
                    format: any.format.clone(),
                },
                Some("number") => RawTy::Float,
                Some("boolean") => RawTy::Bool,
                Some("array") => RawTy::Array(Box::new(match &any.items {
                    None => RawTy::Json,
                    Some(item) => {
                        let (item, iat) = r.boxed_schema(item, &at.join("items"))?;
                        lower_schema(r, item, &iat, depth + 1)?
                    }
                })),
                Some(other) => return Err(at.join("type").err(format!("unknown type `{other}`"))),
            }
        }
    })
}

fn lower_fields<'a>(
    r: &Resolver<'a>,
    props: impl IntoIterator<Item = (&'a String, &'a ReferenceOr<Box<Schema>>)>,
    required: &[String],
    at: &Ptr,
    depth: usize,
) -> Result<Vec<RawField>> {
    let mut out = Vec::new();
    for (name, prop) in props {
        let (schema, pat) = r.boxed_schema(prop, &at.join(name))?;
        out.push(RawField {
            wire: name.clone(),
            ty: lower_schema(r, schema, &pat, depth + 1)?,
            nullable: schema.schema_data.nullable,
            required: required.contains(name),
            doc: first_line(schema.schema_data.description.as_deref().unwrap_or("")),
            scopes: Scopes::Both,
        });
    }
    Ok(out)
}

/// `text` with a final full stop.
fn end_sentence(text: &str) -> String {
    if text.ends_with(['.', '!', '?']) {
        text.to_string()
    } else {
        format!("{text}.")
    }
}

/// Whether two summaries say the same thing once whitespace, case and a closing full stop are
/// set aside: the same sentence is printed once, not once per scope.
fn same_sentence(a: &str, b: &str) -> bool {
    let key = |t: &str| first_line(t).trim_end_matches('.').to_lowercase();
    key(a) == key(b)
}

/// The doc text: descriptions joined into one paragraph, whitespace folded.
fn first_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

// ---------------------------------------------------------------------------------------------
// Pairing, merging and naming

/// An operation after scope merging, before naming.
struct MergedOp {
    method: Method,
    ids: Vec<(Scopes, String)>,
    scopes: Scopes,
    default_path: Option<String>,
    service_path: Option<String>,
    doc: String,
    params: Vec<RawParam>,
    json_media_type: Option<String>,
    /// Response with the item type replaced by the model of `resource`.
    response: RawResponse,
    resource: String,
    /// Raw path suffix (with param names) of one variant, for naming path params.
    suffix: Vec<String>,
}

/// A model's fields as seen in (the default-service scope, the Service scope).
type ScopeSides = (Option<Vec<RawField>>, Option<Vec<RawField>>);

#[derive(Default)]
struct Builder {
    /// Normalised suffix -> ops.
    nodes: BTreeMap<Vec<String>, Vec<MergedOp>>,
    /// Resource model -> (default-scope shape, Service-scope shape).
    model_sides: BTreeMap<String, ScopeSides>,
    models: BTreeMap<String, Model>,
    enums: BTreeMap<String, EnumDef>,
    drift: Vec<Drift>,
    merged: Vec<PairInfo>,
    separate: Vec<PairInfo>,
    handle_names: BTreeSet<String>,
}

fn normalise(suffix: &[String]) -> Vec<String> {
    suffix
        .iter()
        .map(|s| {
            if s.starts_with('{') {
                "{}".to_string()
            } else {
                s.clone()
            }
        })
        .collect()
}

fn strip_verb(id: &str) -> (&'static str, String) {
    for v in VERBS {
        if let Some(rest) = id.strip_prefix(v) {
            if !rest.is_empty() {
                return (v, rest.to_string());
            }
        }
    }
    ("", id.to_string())
}

impl Builder {
    fn pair_and_merge(&mut self, ops: Vec<RawOp>) {
        // Group by normalised suffix, keeping spec order inside each group.
        let mut groups: BTreeMap<Vec<String>, (Vec<RawOp>, Vec<RawOp>)> = BTreeMap::new();
        for op in ops {
            let g = groups.entry(normalise(&op.suffix)).or_default();
            if op.scope == Scopes::Default {
                g.0.push(op);
            } else {
                g.1.push(op);
            }
        }
        for (key, (d, s)) in groups {
            let resource_of = |ops: &[RawOp]| ops.first().map(|o| strip_verb(&o.id).1);
            let (shared, total) = scope::similarity(&d, &s);
            let paired = !d.is_empty() && !s.is_empty() && scope::is_pair(shared, total);
            if !d.is_empty() && !s.is_empty() {
                let info = PairInfo {
                    resource: resource_of(&d).unwrap_or_default(),
                    default_path: d[0].path.clone(),
                    service_path: s[0].path.clone(),
                    shared_names: shared,
                    total_names: total,
                };
                if paired {
                    self.merged.push(info);
                } else {
                    self.separate.push(info);
                }
            }
            let mut merged = Vec::new();
            if paired {
                let resource = resource_of(&d).unwrap_or_default();
                let mut s_left: Vec<RawOp> = s;
                for dop in d {
                    let pos = s_left.iter().position(|sop| {
                        sop.method == dop.method
                            && scope::same_required(&dop, sop)
                            && scope::same_response_shape(&dop.response, &sop.response)
                    });
                    match pos {
                        Some(i) => {
                            let sop = s_left.remove(i);
                            merged.push(self.merge_pair(&resource, dop, sop));
                        }
                        None => {
                            if s_left.iter().any(|sop| sop.method == dop.method) {
                                self.drift.push(Drift {
                                    resource: resource.clone(),
                                    location: format!("`{}`", dop.id),
                                    detail: "required parameters or response shape differ between scopes; generated as two operations".into(),
                                });
                            } else {
                                self.drift.push(Drift {
                                    resource: resource.clone(),
                                    location: format!("`{} {}`", dop.method.as_str(), dop.path),
                                    detail: "operation only in the default-service scope".into(),
                                });
                            }
                            merged.push(self.single(&resource, dop));
                        }
                    }
                }
                for sop in s_left {
                    if !merged.iter().any(|m| m.method == sop.method) {
                        self.drift.push(Drift {
                            resource: resource.clone(),
                            location: format!("`{} {}`", sop.method.as_str(), sop.path),
                            detail: "operation only in the Service scope".into(),
                        });
                    }
                    merged.push(self.single(&resource, sop));
                }
            } else {
                for op in d.into_iter().chain(s) {
                    let resource = strip_verb(&op.id).1;
                    merged.push(self.single(&resource, op));
                }
            }
            self.nodes.insert(key, merged);
        }
        // Merge each model's two scope shapes, recording drift.
        let sides = std::mem::take(&mut self.model_sides);
        let mut shapes = BTreeMap::new();
        for (name, (d, s)) in sides {
            let fields = match (d, s) {
                (Some(d), Some(s)) => {
                    let mut sink = Sink {
                        resource: &name,
                        cross: true,
                        out: &mut self.drift,
                    };
                    scope::merge_fields(&d, &s, "model", &mut sink)
                }
                // A model returned in one scope only has nothing to drift from: its handle is
                // reachable in that scope alone, so its fields are present wherever it is.
                (Some(f), None) | (None, Some(f)) => f
                    .into_iter()
                    .map(|f| RawField {
                        scopes: Scopes::Both,
                        ..f
                    })
                    .collect(),
                (None, None) => Vec::new(),
            };
            shapes.insert(name, fields);
        }
        for (name, fields) in shapes {
            self.define_model(&name, "", &fields);
        }
    }

    /// Record `item` as one shape of `resource`'s model in `scope`; returns the response with
    /// the item replaced by a model reference marker.
    fn add_model(&mut self, resource: &str, scope: Scopes, response: RawResponse) -> RawResponse {
        let mut record = |ty: RawTy| -> RawTy {
            match ty {
                RawTy::Object(fields) => {
                    let fields: Vec<RawField> = fields
                        .into_iter()
                        .map(|f| RawField { scopes: scope, ..f })
                        .collect();
                    let side = self.model_sides.entry(resource.to_string()).or_default();
                    let slot = if scope == Scopes::Default {
                        &mut side.0
                    } else {
                        &mut side.1
                    };
                    *slot = Some(match slot.take() {
                        None => fields,
                        Some(prev) => {
                            let mut sink = Sink {
                                resource,
                                cross: false,
                                out: &mut Vec::new(),
                            };
                            scope::merge_fields(&prev, &fields, "model", &mut sink)
                        }
                    });
                    RawTy::Object(Vec::new()) // marker: "the resource model"
                }
                other => other,
            }
        };
        match response {
            RawResponse::Empty => RawResponse::Empty,
            RawResponse::One(t) => RawResponse::One(record(t)),
            RawResponse::List { key, item } => RawResponse::List {
                key,
                item: record(item),
            },
        }
    }

    fn single(&mut self, resource: &str, op: RawOp) -> MergedOp {
        let response = self.add_model(resource, op.scope, op.response);
        let (default_path, service_path) = if op.scope == Scopes::Default {
            (Some(op.path), None)
        } else {
            (None, Some(op.path))
        };
        MergedOp {
            method: op.method,
            ids: vec![(op.scope, op.id)],
            scopes: op.scope,
            default_path,
            service_path,
            doc: op.doc,
            params: op.params,
            json_media_type: op.json_media_type,
            response,
            resource: resource.to_string(),
            suffix: op.suffix,
        }
    }

    fn merge_pair(&mut self, resource: &str, d: RawOp, s: RawOp) -> MergedOp {
        let mut sink = Sink {
            resource,
            cross: true,
            out: &mut self.drift,
        };
        let params = scope::merge_params(&d.id, &d.params, &s.params, &mut sink);
        if d.json_media_type != s.json_media_type {
            let show = |m: &Option<String>| m.clone().unwrap_or_else(|| "a form".to_string());
            sink.note(
                &format!("`{}` request body", d.id),
                format!(
                    "{} in the default-service scope, {} in the Service scope; the \
                     default-service one is sent in both",
                    show(&d.json_media_type),
                    show(&s.json_media_type)
                ),
            );
        }
        let response = self.add_model(resource, Scopes::Default, d.response);
        let _ = self.add_model(resource, Scopes::Service, s.response);
        MergedOp {
            method: d.method,
            ids: vec![(Scopes::Default, d.id), (Scopes::Service, s.id)],
            scopes: Scopes::Both,
            default_path: Some(d.path),
            service_path: Some(s.path),
            doc: match (d.doc.is_empty(), s.doc.is_empty()) {
                (false, false) if !same_sentence(&d.doc, &s.doc) => {
                    format!(
                        "Default service: {} Service scope: {}",
                        end_sentence(&d.doc),
                        end_sentence(&s.doc)
                    )
                }
                (true, _) => s.doc,
                _ => d.doc,
            },
            params,
            json_media_type: d.json_media_type,
            response,
            resource: resource.to_string(),
            suffix: d.suffix,
        }
    }

    /// Register a model (and nested models/enums) under `name`.
    fn define_model(&mut self, name: &str, doc: &str, fields: &[RawField]) {
        let mut out = Vec::with_capacity(fields.len());
        for f in fields {
            // A field named like the end of its model (`status` of `ProvisioningStatus`) would
            // give its enum or nested model the model's own name: a type containing itself.
            let mut ctx = compound(name, &f.wire);
            if ctx == name {
                ctx = format!("{name}{}", camel(&f.wire));
            }
            let ty = self.ty(&f.ty, &ctx, &f.doc);
            out.push(Field {
                wire: f.wire.clone(),
                rust: snake(&f.wire),
                ty,
                optional: f.nullable || !f.required,
                scopes: f.scopes,
                doc: f.doc.clone(),
            });
        }
        self.models.insert(
            name.to_string(),
            Model {
                name: name.to_string(),
                doc: doc.to_string(),
                fields: out,
                input: false,
            },
        );
    }

    /// The Rust type of a raw type; enums and nested objects are named `ctx`.
    fn ty(&mut self, raw: &RawTy, ctx: &str, doc: &str) -> Ty {
        match raw {
            RawTy::String { .. } => Ty::String,
            RawTy::Int { format } => {
                if format.as_deref() == Some("int32") {
                    Ty::I32
                } else {
                    Ty::I64
                }
            }
            RawTy::Float => Ty::F64,
            RawTy::Bool => Ty::Bool,
            RawTy::DateTime => Ty::DateTime,
            RawTy::Json => Ty::Json,
            RawTy::UriMap => Ty::UriMap,
            RawTy::Array(item) => Ty::Array(Box::new(self.ty(item, ctx, doc))),
            RawTy::Enum(values) => Ty::Enum(self.define_enum(ctx, doc, values)),
            RawTy::Object(fields) => {
                if !self.models.contains_key(ctx) {
                    self.define_model(ctx, doc, fields);
                }
                Ty::Model(ctx.to_string())
            }
        }
    }

    /// Mark the models a request value of type `ty` is built from (nested ones too) as input.
    fn mark_input(&mut self, ty: &Ty) {
        match ty {
            Ty::Array(item) => self.mark_input(item),
            Ty::Model(name) => {
                let Some(model) = self.models.get_mut(name) else {
                    return;
                };
                if model.input {
                    return; // already marked; also ends a recursive model
                }
                model.input = true;
                let nested: Vec<Ty> = model.fields.iter().map(|f| f.ty.clone()).collect();
                for t in &nested {
                    self.mark_input(t);
                }
            }
            _ => {}
        }
    }

    fn define_enum(&mut self, name: &str, doc: &str, values: &[String]) -> String {
        let e = self
            .enums
            .entry(name.to_string())
            .or_insert_with(|| EnumDef {
                name: name.to_string(),
                doc: doc.to_string(),
                variants: Vec::new(),
            });
        for v in values {
            if e.variants.iter().any(|(w, _)| w == v) {
                continue;
            }
            let mut variant = camel(v);
            if variant == "Unknown" {
                variant = "UnknownValue".into();
            }
            while e.variants.iter().any(|(_, r)| *r == variant) {
                variant.push('_');
            }
            e.variants.push((v.clone(), variant));
        }
        name.to_string()
    }

    fn unique_handle(&mut self, base: String) -> String {
        let mut name = base.clone();
        let mut n = 2;
        while !self.handle_names.insert(name.clone()) {
            name = format!("{base}{n}");
            n += 1;
        }
        name
    }

    fn build_tree(&mut self) -> Node {
        // Make sure every ancestor of a node exists.
        let keys: Vec<Vec<String>> = self.nodes.keys().cloned().collect();
        for k in keys {
            for n in 0..k.len() {
                self.nodes.entry(k[..n].to_vec()).or_default();
            }
        }
        self.nodes.entry(Vec::new()).or_default();
        self.handle_names.insert("ServiceHandle".into());
        self.build_node(&[], None)
    }

    fn build_node(&mut self, key: &[String], parent_literal: Option<&str>) -> Node {
        let merged = self.nodes.remove(key).unwrap_or_default();
        let child_keys: Vec<Vec<String>> = self
            .nodes
            .keys()
            .filter(|k| k.len() == key.len() + 1 && k.starts_with(key))
            .cloned()
            .collect();
        let segment = match key.last() {
            None => Segment::Root,
            Some(s) if s == "{}" => Segment::Param(
                merged
                    .iter()
                    .find_map(|m| m.suffix.get(key.len() - 1).cloned())
                    .map(|s| s.trim_matches(|c| c == '{' || c == '}').to_string())
                    .unwrap_or_else(|| "Sid".into()),
            ),
            Some(s) => Segment::Literal(s.clone()),
        };
        let last_literal = match &segment {
            Segment::Literal(s) => Some(s.as_str()),
            _ => parent_literal,
        };
        let resource = merged
            .iter()
            .find(|m| m.scopes.has_default())
            .or(merged.first())
            .map(|m| m.resource.clone())
            .unwrap_or_else(|| camel(&singular(last_literal.unwrap_or("Api"))));
        let is_list = merged
            .iter()
            .any(|m| matches!(m.response, RawResponse::List { .. }));
        let has_param_child = child_keys
            .iter()
            .any(|k| k.last().is_some_and(|s| s == "{}"));
        let (accessor, handle) = match &segment {
            Segment::Root => (String::new(), "ServiceHandle".to_string()),
            Segment::Literal(s) => {
                let suffix = if is_list || has_param_child {
                    "List"
                } else {
                    "Handle"
                };
                (snake(s), self.unique_handle(format!("{resource}{suffix}")))
            }
            Segment::Param(pname) => {
                let list = parent_literal.unwrap_or("item");
                let one = singular(list);
                // `Content` and `Content/{Sid}`: a word that is its own singular would give the
                // list and the item accessor one name; the item one says what it takes.
                let accessor = if snake(&one) == snake(list) {
                    format!("{}_by_{}", bare(&snake(&one)), bare(&snake(pname)))
                } else {
                    snake(&one)
                };
                (accessor, self.unique_handle(format!("{resource}Handle")))
            }
        };
        let mut ops = Vec::with_capacity(merged.len());
        let mut scopes: Option<Scopes> = None;
        for m in merged {
            scopes = Some(scopes.map_or(m.scopes, |s| s.union(m.scopes)));
            ops.push(self.finish_op(m));
        }
        let lit = match &segment {
            Segment::Literal(s) => Some(s.clone()),
            _ => None,
        };
        let mut children = Vec::new();
        for ck in child_keys {
            let child = self.build_node(&ck, lit.as_deref());
            scopes = Some(scopes.map_or(child.scopes, |s| s.union(child.scopes)));
            children.push(child);
        }
        Node {
            segment,
            accessor,
            handle,
            resource,
            scopes: scopes.unwrap_or(Scopes::Both),
            ops,
            children,
        }
    }

    fn finish_op(&mut self, m: MergedOp) -> Operation {
        let primary = m.ids.first().map(|(_, id)| id.clone()).unwrap_or_default();
        let (verb, _) = strip_verb(&primary);
        let name = if verb.is_empty() {
            snake(&primary)
        } else {
            verb.to_lowercase()
        };
        let mut params = Vec::with_capacity(m.params.len());
        for p in &m.params {
            let ctx = match p.location {
                Location::Header => camel(p.wire.strip_prefix("X-Twilio-").unwrap_or(&p.wire)),
                _ => compound(&m.resource, &p.wire),
            };
            let ty = self.ty(&p.ty, &ctx, &p.doc);
            if matches!(p.location, Location::Json | Location::JsonWhole) {
                self.mark_input(&ty);
            }
            params.push(Param {
                wire: p.wire.clone(),
                rust: crate::names::param_name(&p.wire),
                location: p.location,
                ty,
                required: p.required,
                scopes: p.scopes,
                doc: p.doc.clone(),
            });
        }
        let response = match m.response {
            RawResponse::Empty => ResponseKind::Empty,
            RawResponse::One(t) => ResponseKind::One(self.response_ty(&m.resource, &t)),
            RawResponse::List { key, item } => ResponseKind::List {
                item: self.response_ty(&m.resource, &item),
                key,
            },
        };
        Operation {
            method: m.method,
            name,
            builder: camel(&primary),
            ids: m.ids,
            scopes: m.scopes,
            default_path: m.default_path,
            service_path: m.service_path,
            doc: m.doc,
            params,
            json_media_type: m.json_media_type,
            response,
        }
    }

    fn response_ty(&mut self, resource: &str, t: &RawTy) -> Ty {
        match t {
            RawTy::Object(f) if f.is_empty() => Ty::Model(resource.to_string()),
            other => self.ty(other, resource, ""),
        }
    }
}
