//! Read every operation's facts from the spec: path, scope, parameters, body and response.

use super::schema::lower_schema;
use super::{first_line, SCOPE_SEGMENT};
use crate::error::{Ptr, Result};
use crate::ir::*;
use crate::load::Resolver;
use crate::raw::{RawOp, RawParam, RawResponse, RawTy};
use openapiv3::{OpenAPI, Parameter, ParameterSchemaOrContent, ReferenceOr, StatusCode};
use std::collections::BTreeSet;

const FORM: &str = "application/x-www-form-urlencoded";

pub(super) fn extract<'a>(api: &'a OpenAPI, r: &Resolver<'a>) -> Result<(String, Vec<RawOp>)> {
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
            let mut binary_media_type = None;
            if let Some(body) = &op.request_body {
                let (body, bat) = r.request_body(body, &optr.join("requestBody"))?;
                let (ct, media) = body_content(body, &bat)?;
                let mat = bat.join("content").join(ct);
                if ct != FORM && is_json(ct) {
                    json_media_type = Some(ct.to_string());
                }
                if ct != FORM && !is_json(ct) {
                    // Raw bytes: whatever the schema says (`format: binary` as a rule), the
                    // value is the whole body, given by the user as bytes or a stream.
                    binary_media_type = Some(ct.to_string());
                    params.push(RawParam {
                        wire: "body".to_string(),
                        location: Location::Binary,
                        ty: RawTy::String {
                            format: Some("binary".to_string()),
                        },
                        required: body.required,
                        doc: first_line(body.description.as_deref().unwrap_or("")),
                        scopes: scope,
                    });
                } else if let Some(schema) = &media.schema {
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
                binary_media_type,
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

/// Whether a media type is sent as raw bytes: anything but a form, JSON or multipart.
fn is_binary(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or("").trim();
    !essence.is_empty()
        && essence != FORM
        && !is_json(essence)
        && !essence.starts_with("multipart/")
}

/// The one request content the client sends: the form when the spec offers it (every Twilio
/// form operation), otherwise JSON, otherwise raw bytes of the first other media type
/// (`application/octet-stream`, `image/*`, `*/*`, ...). Multipart bodies are an error naming
/// what was found: their parts would need a schema of their own.
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
        .or_else(|| find(&is_binary))
        .ok_or_else(|| {
            let found: Vec<&str> = body.content.keys().map(String::as_str).collect();
            at.join("content").err(format!(
                "request content type {} is not supported (only {FORM}, JSON and raw bytes)",
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
