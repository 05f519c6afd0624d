//! Read every operation's facts from the spec: path, scope, parameters, body and response.

use super::response::{extract_response, names_status_url};
use super::schema::{lower_schema, origin_of};
use super::{first_line, segment_key};
use crate::error::{Ptr, Result};
use crate::ir::*;
use crate::load::Resolver;
use crate::raw::{Origin, RawOp, RawParam, RawResponse, RawTy};
use crate::Conventions;
use openapiv3::{OpenAPI, Parameter, ParameterSchemaOrContent, ReferenceOr};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

const FORM: &str = "application/x-www-form-urlencoded";

/// What extraction found: the shared path prefix, the scope pair (if the spec has one) and
/// every operation.
pub(super) struct Extracted {
    pub prefix: String,
    /// The collection whose items are the second scope: `Services/{ChatServiceSid}`.
    pub scope_pair: Option<CollectionItem>,
    /// The collection item every other path is under.
    pub implied_parent: Option<CollectionItem>,
    pub ops: Vec<RawOp>,
}

/// Every operation of the spec, in spec order, with what the paths say about the API: the
/// path prefix they share, the scope pair and the implied parent.
pub(super) fn extract<'a>(
    api: &'a OpenAPI,
    r: &Resolver<'a>,
    conventions: &Conventions<'_>,
) -> Result<Extracted> {
    let shapes = path_shapes(api)?;
    let prefix = shared_prefix(&shapes);
    let scope_pair = find_scope_pair(&shapes, prefix.is_some());
    let implied_parent = match scope_pair {
        None => find_implied_parent(&shapes, prefix.is_some()),
        Some(_) => None,
    };
    let mut ops = Vec::new();
    for ((path, item), shape) in api.paths.paths.iter().zip(&shapes) {
        let ReferenceOr::Item(item) = item else {
            continue; // refused by `path_shapes`
        };
        let place = PathPlace::new(path, shape, prefix.is_some(), scope_pair.as_ref())?;
        path_operations(r, item, &place, conventions, &mut ops)?;
    }
    Ok(Extracted {
        prefix: prefix.unwrap_or_default(),
        scope_pair,
        implied_parent,
        ops,
    })
}

/// Every path cut into its segments, in spec order; a path that cannot be one is an error.
fn path_shapes(api: &OpenAPI) -> Result<Vec<PathShape>> {
    let paths_ptr = Ptr::root().join("paths");
    if api.paths.paths.is_empty() {
        return Err(paths_ptr.err("the spec has no paths"));
    }
    let mut shapes = Vec::with_capacity(api.paths.paths.len());
    for (path, item) in &api.paths.paths {
        let pptr = paths_ptr.join(path);
        if !path.starts_with('/') || path.trim_matches('/').is_empty() {
            return Err(pptr.err("a path must start with `/` and name at least one segment"));
        }
        if path.trim_matches('/').split('/').any(str::is_empty) {
            return Err(pptr.err("a path cannot have an empty segment (`//`)"));
        }
        if let ReferenceOr::Reference { .. } = item {
            return Err(pptr.err("a $ref path item is not supported"));
        }
        shapes.push(PathShape::new(path, &pptr)?);
    }
    Ok(shapes)
}

/// Where a path's operations sit: the path and its pointer, its scope, its segments after the
/// prefix and the scope's item, the text after its last segment, and the parameters it names.
struct PathPlace<'p> {
    path: &'p str,
    at: Ptr,
    side: Side,
    /// Path segments after the scope prefix; params as `{Name}`.
    suffix: Vec<String>,
    /// Text after the last segment (`.json`), sent after it.
    trailing: &'p str,
    /// The `{name}` placeholders of the path.
    placeholders: BTreeSet<&'p str>,
}

impl<'p> PathPlace<'p> {
    fn new(
        path: &'p str,
        shape: &'p PathShape,
        has_prefix: bool,
        scope_pair: Option<&CollectionItem>,
    ) -> Result<PathPlace<'p>> {
        let at = Ptr::root().join("paths").join(path);
        let rest = &shape.segments[usize::from(has_prefix)..];
        let (side, suffix) = match scope_pair {
            Some(pair) if rest.len() >= 2 && rest[0] == pair.segment && is_param(&rest[1]) => {
                (Side::Item, rest[2..].to_vec())
            }
            _ => (Side::Top, rest.to_vec()),
        };
        Ok(PathPlace {
            path,
            placeholders: path_placeholders(shape, &at)?,
            at,
            side,
            suffix,
            trailing: &shape.trailing,
        })
    }
}

/// The operations of one path item, appended to `out` in method order.
fn path_operations<'a>(
    r: &Resolver<'a>,
    item: &'a openapiv3::PathItem,
    place: &PathPlace<'_>,
    conventions: &Conventions<'_>,
    out: &mut Vec<RawOp>,
) -> Result<()> {
    let at = &place.at;
    for (name, op) in [
        ("head", &item.head),
        ("options", &item.options),
        ("trace", &item.trace),
    ] {
        if op.is_some() {
            return Err(at
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
    for (name, method, op) in methods {
        if let Some(op) = op {
            out.push(operation(
                r,
                item,
                method,
                op,
                place,
                conventions,
                &at.join(name),
            )?);
        }
    }
    Ok(())
}

/// One operation's facts.
fn operation<'a>(
    r: &Resolver<'a>,
    item: &'a openapiv3::PathItem,
    method: Method,
    op: &'a openapiv3::Operation,
    place: &PathPlace<'_>,
    conventions: &Conventions<'_>,
    at: &Ptr,
) -> Result<RawOp> {
    let id = op
        .operation_id
        .clone()
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| at.err("operation has no operationId"))?;
    let doc = first_line(
        op.description
            .as_deref()
            .or(op.summary.as_deref())
            .unwrap_or(""),
    );
    let mut params = parameters(r, item, op, place, at)?;
    let body = match &op.request_body {
        Some(body) => request_body(r, body, place.side, &at.join("requestBody"), &mut params)?,
        None => RequestBody::None,
    };
    let response = extract_response(r, op, at, conventions, &params)?;
    let reports_operation = method == Method::Get
        && matches!(&response, RawResponse::One(ty) if names_status_url(ty, conventions));
    Ok(RawOp {
        method,
        path: place.path.to_string(),
        id,
        doc,
        side: place.side,
        suffix: place.suffix.clone(),
        trailing: place.trailing.to_string(),
        response,
        reports_operation,
        params,
        body,
    })
}

/// The query and header parameters of an operation: those of its path item first, overridden
/// by its own of the same name and place. Path parameters are only checked against the path:
/// each one declared must be in it, and each one in it declared.
fn parameters<'a>(
    r: &Resolver<'a>,
    item: &'a openapiv3::PathItem,
    op: &'a openapiv3::Operation,
    place: &PathPlace<'_>,
    at: &Ptr,
) -> Result<Vec<RawParam>> {
    let declared_on = |list: &'a [ReferenceOr<Parameter>], at: Ptr| {
        list.iter()
            .enumerate()
            .map(move |(i, p)| (p, at.join("parameters").join(i)))
    };
    let all = declared_on(&item.parameters, place.at.clone())
        .chain(declared_on(&op.parameters, at.clone()));
    let mut params = Vec::new();
    let mut declared: BTreeSet<&str> = BTreeSet::new();
    for (p, at) in all {
        let (p, at) = r.parameter(p, &at)?;
        let (location, data) = match p {
            Parameter::Query { parameter_data, .. } => (Location::Query, parameter_data),
            Parameter::Header { parameter_data, .. } => (Location::Header, parameter_data),
            Parameter::Path { parameter_data, .. } => {
                if !place.placeholders.contains(parameter_data.name.as_str()) {
                    return Err(at.err(format!(
                        "path parameter `{}` does not appear in the path `{}`",
                        parameter_data.name, place.path
                    )));
                }
                declared.insert(parameter_data.name.as_str());
                continue;
            }
            Parameter::Cookie { .. } => return Err(at.err("cookie parameters are not supported")),
        };
        let (ty, origin) = match &data.format {
            ParameterSchemaOrContent::Schema(s) => {
                let (s, sat) = r.schema(s, &at.join("schema"))?;
                (lower_schema(r, s, &sat, 0)?, origin_of(r, s, &sat))
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
            origin,
            required: data.required,
            doc: first_line(data.description.as_deref().unwrap_or("")),
            scopes: place.side.into(),
        });
    }
    if let Some(missing) = place.placeholders.iter().find(|p| !declared.contains(*p)) {
        return Err(at.err(format!(
            "`{{{missing}}}` in the path is not declared as a path parameter"
        )));
    }
    Ok(params)
}

/// The kind of an operation's request body, with its parameters appended to `params`: a form's
/// or a JSON object's fields, a JSON body that is one value, or the raw bytes of any other
/// media type.
fn request_body<'a>(
    r: &Resolver<'a>,
    body: &'a ReferenceOr<openapiv3::RequestBody>,
    side: Side,
    at: &Ptr,
    params: &mut Vec<RawParam>,
) -> Result<RequestBody> {
    let (body, bat) = r.request_body(body, at)?;
    let (ct, media) = body_content(body, &bat)?;
    let whole = |location, ty| RawParam {
        wire: "body".to_string(),
        location,
        ty,
        // A whole body is named after its operation.
        origin: Origin::default(),
        required: body.required,
        doc: first_line(body.description.as_deref().unwrap_or("")),
        scopes: side.into(),
    };
    if ct != FORM && !is_json(ct) {
        // Raw bytes: whatever the schema says (`format: binary` as a rule), the value is the
        // whole body, given by the user as bytes or a stream.
        let bytes = RawTy::String {
            format: Some("binary".to_string()),
        };
        params.push(whole(Location::Binary, bytes));
        return Ok(RequestBody::Binary {
            media_type: ct.to_string(),
        });
    }
    let kind = if ct == FORM {
        RequestBody::Form
    } else {
        RequestBody::Json {
            media_type: ct.to_string(),
        }
    };
    let Some(schema) = &media.schema else {
        return Ok(kind);
    };
    let (schema, sat) = r.schema(schema, &bat.join("content").join(ct).join("schema"))?;
    match (lower_schema(r, schema, &sat, 0)?, &kind) {
        // Keys a body may carry beyond its fields are nothing to send.
        (RawTy::Object(fields) | RawTy::OpenObject { fields, .. }, kind) => {
            let location = match kind {
                RequestBody::Form => Location::Form,
                _ => Location::Json,
            };
            params.extend(fields.into_iter().map(|f| RawParam {
                wire: f.wire,
                location,
                ty: f.ty,
                origin: f.origin,
                required: f.required,
                doc: f.doc,
                scopes: side.into(),
            }));
        }
        (_, RequestBody::Form) => {
            return Err(sat.err("a form body schema must be an object with properties"))
        }
        (value, _) => params.push(whole(Location::JsonWhole, value)),
    }
    Ok(kind)
}

/// A path template cut into segments, with text after the last segment's end set apart
/// (`.json` in `/2010-04-01/Accounts/{Sid}.json`): the resource is `Accounts/{Sid}`, and each
/// request appends the text. Every segment reads as a [`Segment`] (checked here, once).
struct PathShape {
    segments: Vec<String>,
    /// Each of `segments` read: literal, parameter or template.
    parsed: Vec<Segment>,
    trailing: String,
}

impl PathShape {
    fn new(path: &str, at: &Ptr) -> Result<PathShape> {
        let mut segments: Vec<String> = path
            .trim_matches('/')
            .split('/')
            .map(String::from)
            .collect();
        let mut trailing = String::new();
        if let Some(last) = segments.last_mut() {
            if let Some(dot) = last.rfind('.') {
                let (stem, ext) = last.split_at(dot);
                let stem_ok = !stem.is_empty() && Segment::parse(stem).is_ok();
                let ext_ok = ext.len() > 1 && ext[1..].chars().all(|c| c.is_ascii_alphanumeric());
                if stem_ok && ext_ok {
                    trailing = ext.to_string();
                    *last = stem.to_string();
                }
            }
        }
        let parsed = segments
            .iter()
            .map(|s| Segment::parse(s).map_err(|why| at.err(format!("path segment `{s}`: {why}"))))
            .collect::<Result<Vec<Segment>>>()?;
        Ok(PathShape {
            segments,
            parsed,
            trailing,
        })
    }
}

/// A segment that is one whole parameter (`{Sid}`), not a template around one.
fn is_param(segment: &str) -> bool {
    segment
        .strip_prefix('{')
        .and_then(|s| s.strip_suffix('}'))
        .is_some_and(|name| !name.contains(['{', '}']))
}

/// The first segment, when every path starts with the same literal one (`v1`); `None` when
/// they do not (the first segments are then resources of the tree's root).
fn shared_prefix(paths: &[PathShape]) -> Option<String> {
    let first = paths.first()?.segments.first()?;
    let shared = !is_param(first)
        && paths
            .iter()
            .all(|p| p.segments.len() > 1 && p.segments.first() == Some(first));
    shared.then(|| first.clone())
}

/// The literal segment `S` of the scope pair, if the spec has one: a path
/// `/<prefix>/S/{param}/X...` whose `X...` is also a path `/<prefix>/X...` is a resource that
/// exists in both scopes. `S` is a second scope of the API only when at least half of the
/// API's other top-level resources repeat under it: one or two repeats out of many are a
/// relation (a room's recordings next to the account's recordings), not a scope. The segment
/// with the most repeated resources wins (ties by name), with the parameter name most of them
/// use; a spec where nothing qualifies has one scope.
fn find_scope_pair(paths: &[PathShape], has_prefix: bool) -> Option<CollectionItem> {
    let skip = usize::from(has_prefix);
    let keys: BTreeSet<Vec<Cow<str>>> = paths
        .iter()
        .map(|p| normalised(&p.segments[skip.min(p.segments.len())..]))
        .collect();
    let mut repeats: BTreeMap<&str, BTreeSet<Vec<Cow<str>>>> = BTreeMap::new();
    let mut params: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for p in paths {
        let rest = &p.segments[skip.min(p.segments.len())..];
        if rest.len() >= 3 && !is_param(&rest[0]) && is_param(&rest[1]) && !is_param(&rest[2]) {
            let inner = normalised(&rest[2..]);
            if keys.contains(&inner) {
                repeats.entry(rest[0].as_str()).or_default().insert(inner);
                *params
                    .entry((rest[0].as_str(), rest[1].as_str()))
                    .or_default() += 1;
            }
        }
    }
    // Top-level resources (first segments after the prefix) other than the collection itself.
    let top_level = |collection: &str| -> BTreeSet<&str> {
        paths
            .iter()
            .filter_map(|p| p.segments.get(skip).map(String::as_str))
            .filter(|s| *s != collection && !is_param(s))
            .collect()
    };
    let (segment, _) = repeats
        .into_iter()
        .filter(|(segment, inner)| {
            let repeated: BTreeSet<&str> = inner
                .iter()
                .filter_map(|k| k.first().map(|s| &**s))
                .collect();
            repeated.len() * 2 >= top_level(segment).len()
        })
        .max_by(|(a, ra), (b, rb)| ra.len().cmp(&rb.len()).then(b.cmp(a)))?;
    let (_, param) = params
        .iter()
        .filter(|((seg, _), _)| *seg == segment)
        .max_by(|((_, a), na), ((_, b), nb)| na.cmp(nb).then(b.cmp(a)))
        .map(|(k, _)| *k)?;
    Some(CollectionItem {
        segment: segment.to_string(),
        param: param.trim_matches(|c| c == '{' || c == '}').to_string(),
    })
}

/// `L/{P}` when every path (after the prefix) is `L`, `L/{..}` or under `L/{P}/...`, and some
/// are under it: the one parent all resources share. An API with a scope pair has none.
fn find_implied_parent(paths: &[PathShape], has_prefix: bool) -> Option<CollectionItem> {
    let skip = usize::from(has_prefix);
    fn after(p: &PathShape, skip: usize) -> &[String] {
        &p.segments[skip.min(p.segments.len())..]
    }
    let rest = |p| after(p, skip);
    let deep = paths.iter().map(rest).find(|r| r.len() > 2)?;
    let (segment, param) = (&deep[0], &deep[1]);
    if is_param(segment) || !is_param(param) {
        return None;
    }
    let all_under = paths.iter().map(rest).all(|r| match r.len() {
        0 => false,
        1 => r[0] == *segment,
        2 => r[0] == *segment && is_param(&r[1]),
        _ => r[0] == *segment && r[1] == *param,
    });
    all_under.then(|| CollectionItem {
        segment: segment.clone(),
        param: param.trim_matches(|c| c == '{' || c == '}').to_string(),
    })
}

fn normalised(segments: &[String]) -> Vec<Cow<'_, str>> {
    segments.iter().map(|s| segment_key(s)).collect()
}

/// The `{name}` placeholders of a path, whole segments and those inside templates alike; a
/// name may appear once per path (one value cannot be asked for twice).
fn path_placeholders<'p>(shape: &'p PathShape, at: &Ptr) -> Result<BTreeSet<&'p str>> {
    let mut names = BTreeSet::new();
    for seg in &shape.parsed {
        let in_segment: Vec<&str> = match seg {
            Segment::Param(name) => vec![name.as_str()],
            Segment::Template(t) => t.params().collect(),
            Segment::Root | Segment::Literal(_) => continue,
        };
        for name in in_segment {
            if !names.insert(name) {
                return Err(at.err(format!("path parameter `{{{name}}}` appears twice")));
            }
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
