//! The catalogs, from the specs embedded in this crate, through the generator's own stages:
//! `codegen::load::parse` and `codegen::lower::lower` give the IR the client is generated from
//! (routes in both scopes, parameters with their types and enum values, models and their
//! fields); the parsed document adds what the IR leaves out because the client does not need
//! it (SID patterns, numeric bounds, success statuses). Built once per process.

use crate::catalog::{
    Action, Answer, Catalog, Field, Operation, Param, ParamTy, Resource, Scope, Seg, Where,
};
use crate::events::{EventCatalog, EventSpec};
use codegen::ir::{self, Location, ResponseKind, Scopes, Ty};
use openapiv3::{OpenAPI, Parameter, ReferenceOr, Schema, SchemaKind, Type};
use std::collections::BTreeMap;
use std::sync::Arc;

const REST_SPEC: &str = include_str!("../../spec/conversations_v1.yaml");
const MEDIA_SPEC: &str = include_str!("../../spec/media_v1.yaml");
const EVENTS_SPEC: &str = include_str!("../../spec/conversations_webhooks_v1.yaml");

pub struct Catalogs {
    pub rest: Arc<Catalog>,
    pub media: Arc<Catalog>,
    pub events: Arc<EventCatalog>,
}

pub fn build() -> Result<Catalogs, String> {
    Ok(Catalogs {
        rest: Arc::new(catalog(REST_SPEC).map_err(|e| format!("spec/conversations_v1.yaml: {e}"))?),
        media: Arc::new(catalog(MEDIA_SPEC).map_err(|e| format!("spec/media_v1.yaml: {e}"))?),
        events: Arc::new(
            events().map_err(|e| format!("spec/conversations_webhooks_v1.yaml: {e}"))?,
        ),
    })
}

fn events() -> Result<EventCatalog, String> {
    let doc = codegen::load::parse(EVENTS_SPEC).map_err(|e| e.to_string())?;
    let lowered = codegen::lower::lower_events(&doc).map_err(|e| e.to_string())?;
    let mut out = EventCatalog::default();
    for e in lowered.events {
        out.events.insert(
            e.event_type.clone(),
            EventSpec {
                fields: e.fields.iter().map(|f| f.wire.clone()).collect(),
            },
        );
    }
    Ok(out)
}

pub fn catalog(text: &str) -> Result<Catalog, String> {
    let doc = codegen::load::parse(text).map_err(|e| e.to_string())?;
    let api = codegen::lower::lower(
        &doc,
        &codegen::Conventions::client_path_parameters(twilio_runtime::CLIENT_PATH_PARAMETERS),
    )
    .map_err(|e| e.to_string())?;
    let prefix = if api.path_prefix.is_empty() {
        String::new()
    } else {
        format!("/{}", api.path_prefix)
    };
    let mut out = Catalog {
        prefix: prefix.clone(),
        scope_collection: api
            .scope_pair
            .as_ref()
            .map(|p| (p.collection.segment.clone(), p.collection.param.clone())),
        ..Catalog::default()
    };
    let mut nodes = Vec::new();
    flatten(&api.root, &mut nodes);
    for node in &nodes {
        let node_model = node.ops.iter().find_map(|op| model_of(&op.response));
        for op in &node.ops {
            for (scopes, variant) in op.variants.iter() {
                out.operations.push(operation(
                    &doc,
                    &api,
                    &prefix,
                    op,
                    scopes,
                    variant,
                    node_model.as_deref(),
                )?);
            }
        }
    }
    // A route with more literal segments wins over one with a parameter in their place.
    out.operations.sort_by_key(|o| {
        (
            o.route.len(),
            o.route
                .iter()
                .filter(|s| matches!(s, Seg::Param { .. }))
                .count(),
        )
    });
    for (name, model) in &api.models {
        out.resources
            .insert(name.clone(), resource(&doc, &api, model, &out.operations));
    }
    Ok(out)
}

fn flatten<'a>(node: &'a ir::Node, out: &mut Vec<&'a ir::Node>) {
    out.push(node);
    for c in &node.children {
        flatten(c, out);
    }
}

fn model_of(response: &ResponseKind) -> Option<String> {
    let ty = match response {
        ResponseKind::One(ty) | ResponseKind::List { item: ty, .. } => ty,
        _ => return None,
    };
    match ty {
        Ty::Model(name) => Some(name.clone()),
        _ => None,
    }
}

fn operation(
    doc: &OpenAPI,
    api: &ir::Api,
    prefix: &str,
    op: &ir::Operation,
    scopes: Scopes,
    variant: &ir::Variant,
    node_model: Option<&str>,
) -> Result<Operation, String> {
    let spec_op = spec_operation(doc, &variant.path, op.method.as_str());
    let path_params = spec_op
        .map(|(item, o)| parameters(doc, item, o))
        .unwrap_or_default();
    let rest = variant.path.strip_prefix(prefix).unwrap_or(&variant.path);
    let route: Vec<Seg> = rest
        .trim_start_matches('/')
        .split('/')
        .map(
            |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => Seg::Param {
                    name: name.to_string(),
                    sid_prefix: path_params
                        .get(name)
                        .and_then(|p| p.pattern.as_deref())
                        .and_then(crate::sid::prefix_of_pattern),
                    name_field: path_params.get(name).and_then(|p| p.name_field.clone()),
                },
                None => Seg::Literal(s.to_string()),
            },
        )
        .collect();
    let status = spec_op
        .and_then(|(_, o)| {
            o.responses
                .responses
                .keys()
                .filter_map(|code| match code {
                    openapiv3::StatusCode::Code(n) => Some(*n),
                    _ => None,
                })
                .filter(|n| (200..300).contains(n))
                .min()
        })
        .unwrap_or(200);
    let ends_in_param = matches!(route.last(), Some(Seg::Param { .. }));
    let action = match (op.method, &op.response, ends_in_param) {
        (ir::Method::Get, ResponseKind::List { .. }, _) => Action::List,
        (ir::Method::Get, _, true) => Action::Fetch,
        (ir::Method::Get, _, false) => Action::FetchSingleton,
        (ir::Method::Delete, _, _) => Action::Delete,
        (_, _, true) => Action::Update,
        (_, _, false) if status == 201 || status == 202 => Action::Create,
        (_, _, false) => Action::UpdateSingleton,
    };
    let body_fields = spec_op
        .map(|(_, o)| form_fields(doc, o))
        .unwrap_or_default();
    let mut params = Vec::new();
    for p in &op.params {
        if !scopes_contain(p.scopes, scopes) {
            continue;
        }
        let at = match p.location {
            Location::Query => Where::Query,
            Location::Header => Where::Header,
            Location::Form | Location::Json | Location::JsonWhole => Where::Form,
            Location::Binary => Where::Body,
        };
        let limits = match at {
            Where::Form => body_fields.get(&p.wire).cloned(),
            _ => path_params.get(&p.wire).cloned(),
        }
        .unwrap_or_default();
        params.push(Param {
            wire: p.wire.clone(),
            at,
            ty: param_ty(api, &p.ty),
            required: p.required,
            minimum: limits.minimum,
            maximum: limits.maximum,
            sid_prefix: limits
                .pattern
                .as_deref()
                .and_then(crate::sid::prefix_of_pattern),
        });
    }
    let answer = match &op.response {
        ResponseKind::List { key, .. } => Answer::List { key: key.clone() },
        ResponseKind::Empty => Answer::Empty,
        _ => Answer::One,
    };
    Ok(Operation {
        id: variant.operation_id.clone(),
        method: op.method.as_str().to_string(),
        scope: if scopes == Scopes::Item {
            Scope::Item
        } else {
            Scope::TopLevel
        },
        route,
        action,
        resource: model_of(&op.response)
            .or_else(|| node_model.map(str::to_string))
            .unwrap_or_default(),
        params,
        answer,
        status,
        // A resource of both scopes lives under a service, the default one when reached at the
        // top level; but a singleton at the top level (`/v1/Configuration/Webhooks`) is the
        // account's own: a service's settings replace the account's only for that service
        // (docs/twilio-facts.md, "Emulator"), so the two are kept apart.
        per_service: op.scopes() == Scopes::Both
            && !matches!(action, Action::FetchSingleton | Action::UpdateSingleton),
    })
}

fn scopes_contain(param: Scopes, variant: Scopes) -> bool {
    param == Scopes::Both || param == variant
}

fn param_ty(api: &ir::Api, ty: &Ty) -> ParamTy {
    match ty {
        Ty::String | Ty::UriMap => ParamTy::Text,
        Ty::I64 | Ty::I32 => ParamTy::Integer,
        Ty::F64 => ParamTy::Number,
        Ty::Bool => ParamTy::Boolean,
        Ty::DateTime => ParamTy::DateTime,
        Ty::Json | Ty::Model(_) | Ty::Union(_) => ParamTy::Json,
        Ty::Array(item) => ParamTy::List(Box::new(param_ty(api, item))),
        Ty::Enum(name) => ParamTy::Enum(
            api.enums
                .get(name)
                .map(|e| e.variants.iter().map(|(wire, _)| wire.clone()).collect())
                .unwrap_or_default(),
        ),
        Ty::Boxed(inner) => param_ty(api, inner),
    }
}

fn is_string(ty: &Ty) -> bool {
    match ty {
        Ty::String => true,
        Ty::Boxed(inner) => is_string(inner),
        _ => false,
    }
}

fn resource(doc: &OpenAPI, api: &ir::Api, model: &ir::Model, ops: &[Operation]) -> Resource {
    let fields = model
        .fields
        .iter()
        .map(|f| {
            let (is_list, inner) = match &f.ty {
                Ty::Array(item) => (true, item.as_ref()),
                other => (false, other),
            };
            let nested = match inner {
                Ty::Model(name) => api.models.get(name),
                _ => None,
            };
            Field {
                wire: f.wire.clone(),
                keys: nested
                    .map(|m| m.fields.iter().map(|n| n.wire.clone()).collect())
                    .unwrap_or_default(),
                sid_prefix: None,
                is_object: nested.is_some() && !is_list,
                is_list,
                is_text: !is_list && is_string(&f.ty),
            }
        })
        .collect::<Vec<_>>();
    // The resource's own SID prefix: its `sid` property's pattern in the spec, else the pattern
    // of the path parameter that fetches one.
    let from_schema = doc
        .components
        .as_ref()
        .and_then(|c| c.schemas.get(&model.name))
        .and_then(|s| match s {
            ReferenceOr::Item(s) => Some(s),
            _ => None,
        })
        .and_then(|s| property(doc, s, "sid"))
        .and_then(|s| pattern_of(&s))
        .and_then(|p| crate::sid::prefix_of_pattern(&p));
    let from_route = ops
        .iter()
        .filter(|o| o.resource == model.name && o.action == Action::Fetch)
        .find_map(|o| match o.route.last() {
            Some(Seg::Param {
                sid_prefix: Some(p),
                ..
            }) => Some(p.clone()),
            _ => None,
        });
    let from_example = sid_prefix_from_paths(ops, &model.name);
    let links = links_of(api, model, ops);
    Resource {
        fields,
        sid_prefix: from_schema.or(from_route).or(from_example),
        links,
    }
}

/// A prefix for a resource no pattern names: the one its item parameter's name suggests is not
/// a fact, so none is made up; `None` leaves `XX`.
fn sid_prefix_from_paths(_ops: &[Operation], _model: &str) -> Option<String> {
    None
}

/// `links` keys of a model and the child segment each leads to: the children of the route
/// that fetches one item, matched by name (`participants` -> `Participants`,
/// `delivery_receipts` -> `Receipts`), else the key in CamelCase.
fn links_of(api: &ir::Api, model: &ir::Model, ops: &[Operation]) -> Vec<(String, String)> {
    let Some(links) = model.fields.iter().find(|f| f.wire == "links") else {
        return Vec::new();
    };
    let keys: Vec<String> = match &links.ty {
        Ty::Model(name) => api
            .models
            .get(name)
            .map(|m| m.fields.iter().map(|f| f.wire.clone()).collect())
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    let item_routes: Vec<&Vec<Seg>> = ops
        .iter()
        .filter(|o| {
            o.resource == model.name && matches!(o.action, Action::Fetch | Action::FetchSingleton)
        })
        .map(|o| &o.route)
        .collect();
    let mut children: Vec<String> = Vec::new();
    for route in &item_routes {
        for o in ops {
            if o.route.len() == route.len() + 1 && o.route.starts_with(route) {
                if let Some(Seg::Literal(l)) = o.route.last() {
                    if !children.contains(l) {
                        children.push(l.clone());
                    }
                }
            }
        }
    }
    keys.into_iter()
        .map(|key| {
            let segment = children
                .iter()
                .find(|c| {
                    let s = crate::fields::snake(c);
                    s == key || key.ends_with(&format!("_{s}"))
                })
                .cloned()
                .unwrap_or_else(|| key.split('_').map(capitalise).collect());
            (key, segment)
        })
        .collect()
}

fn capitalise(word: &str) -> String {
    let mut c = word.chars();
    match c.next() {
        Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
        None => String::new(),
    }
}

/// Numeric bounds and the SID pattern of one parameter or form field.
#[derive(Debug, Clone, Default)]
struct Limits {
    minimum: Option<i64>,
    maximum: Option<i64>,
    pattern: Option<String>,
    /// A path parameter's `x-name-field`.
    name_field: Option<String>,
}

fn spec_operation<'a>(
    doc: &'a OpenAPI,
    path: &str,
    method: &str,
) -> Option<(&'a openapiv3::PathItem, &'a openapiv3::Operation)> {
    let item = match doc.paths.paths.get(path)? {
        ReferenceOr::Item(item) => item,
        _ => return None,
    };
    let op = match method {
        "GET" => item.get.as_ref(),
        "POST" => item.post.as_ref(),
        "PUT" => item.put.as_ref(),
        "PATCH" => item.patch.as_ref(),
        "DELETE" => item.delete.as_ref(),
        _ => None,
    }?;
    Some((item, op))
}

/// Path, query and header parameters (the path item's and the operation's) with their limits.
fn parameters(
    doc: &OpenAPI,
    item: &openapiv3::PathItem,
    op: &openapiv3::Operation,
) -> BTreeMap<String, Limits> {
    let mut out = BTreeMap::new();
    for p in item.parameters.iter().chain(&op.parameters) {
        let p = match p {
            ReferenceOr::Item(p) => Some(p),
            ReferenceOr::Reference { reference } => reference
                .strip_prefix("#/components/parameters/")
                .and_then(|name| doc.components.as_ref()?.parameters.get(name))
                .and_then(|p| match p {
                    ReferenceOr::Item(p) => Some(p),
                    _ => None,
                }),
        };
        let Some(p) = p else { continue };
        let data = match p {
            Parameter::Query { parameter_data, .. }
            | Parameter::Path { parameter_data, .. }
            | Parameter::Header { parameter_data, .. }
            | Parameter::Cookie { parameter_data, .. } => parameter_data,
        };
        let schema = match &data.format {
            openapiv3::ParameterSchemaOrContent::Schema(s) => resolve(doc, s),
            _ => None,
        };
        let mut found = schema.map(|s| limits(doc, &s)).unwrap_or_default();
        found.name_field = data
            .extensions
            .get("x-name-field")
            .and_then(|v| v.as_str())
            .map(str::to_string);
        out.insert(data.name.clone(), found);
    }
    out
}

/// The form fields of the request body with their limits.
fn form_fields(doc: &OpenAPI, op: &openapiv3::Operation) -> BTreeMap<String, Limits> {
    let mut out = BTreeMap::new();
    let body = match &op.request_body {
        Some(ReferenceOr::Item(b)) => b,
        _ => return out,
    };
    let Some(schema) = body
        .content
        .get("application/x-www-form-urlencoded")
        .and_then(|m| m.schema.as_ref())
        .and_then(|s| resolve(doc, s))
    else {
        return out;
    };
    if let SchemaKind::Type(Type::Object(obj)) = &schema.schema_kind {
        for (name, prop) in &obj.properties {
            let prop = match prop {
                ReferenceOr::Item(s) => Some((**s).clone()),
                ReferenceOr::Reference { reference } => resolve(
                    doc,
                    &ReferenceOr::Reference {
                        reference: reference.clone(),
                    },
                ),
            };
            if let Some(prop) = prop {
                out.insert(name.clone(), limits(doc, &prop));
            }
        }
    }
    out
}

fn resolve(doc: &OpenAPI, schema: &ReferenceOr<Schema>) -> Option<Schema> {
    match schema {
        ReferenceOr::Item(s) => Some(s.clone()),
        ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix("#/components/schemas/")?;
            match doc.components.as_ref()?.schemas.get(name)? {
                ReferenceOr::Item(s) => Some(s.clone()),
                _ => None,
            }
        }
    }
}

fn property(doc: &OpenAPI, schema: &Schema, name: &str) -> Option<Schema> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(obj)) => match obj.properties.get(name)? {
            ReferenceOr::Item(s) => Some((**s).clone()),
            ReferenceOr::Reference { reference } => resolve(
                doc,
                &ReferenceOr::Reference {
                    reference: reference.clone(),
                },
            ),
        },
        _ => None,
    }
}

fn pattern_of(schema: &Schema) -> Option<String> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => s.pattern.clone(),
        _ => None,
    }
}

fn limits(doc: &OpenAPI, schema: &Schema) -> Limits {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Integer(i)) => Limits {
            minimum: i.minimum,
            maximum: i.maximum,
            ..Limits::default()
        },
        SchemaKind::Type(Type::String(s)) => Limits {
            pattern: s.pattern.clone(),
            ..Limits::default()
        },
        SchemaKind::Type(Type::Array(a)) => a
            .items
            .as_ref()
            .and_then(|i| resolve(doc, &i.clone().unbox()))
            .map(|s| limits(doc, &s))
            .unwrap_or_default(),
        _ => Limits::default(),
    }
}
