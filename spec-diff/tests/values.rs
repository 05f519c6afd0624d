//! Edge cases on in-memory specs: recursion, `allOf`, path-level parameters and servers,
//! security requirements, OpenAPI 3.1 type lists, and invalid documents.

use serde_json::{json, Value};
use spec_diff::{diff_values, Report};

/// A spec with the given `paths` and `components.schemas`.
fn spec(paths: Value, schemas: Value) -> Value {
    json!({
        "openapi": "3.0.1",
        "info": {"title": "t", "version": "1"},
        "servers": [{"url": "https://conversations.twilio.com"}],
        "security": [{"accountSid_authToken": []}],
        "components": {
            "securitySchemes": {"accountSid_authToken": {"type": "http", "scheme": "basic"}},
            "schemas": schemas
        },
        "paths": paths
    })
}

/// `GET /v1/Things` answering 200 with `schema`.
fn get_returning(schema: Value) -> Value {
    json!({"/v1/Things": {"get": {
        "operationId": "ListThing",
        "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": schema}}}}
    }}})
}

fn compare(old: &Value, new: &Value) -> Report {
    match diff_values("old.yaml", old, "new.yaml", new) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    }
}

fn lines(old: &Value, new: &Value) -> Vec<String> {
    compare(old, new)
        .differences
        .iter()
        .map(|d| d.line())
        .collect()
}

fn error(old: &Value, new: &Value) -> String {
    match diff_values("old.yaml", old, "new.yaml", new) {
        Ok(r) => panic!("expected an error, got {}", r.render()),
        Err(e) => e.to_string(),
    }
}

fn ok() -> Value {
    spec(get_returning(json!({"type": "object"})), json!({}))
}

#[test]
fn recursive_schema_compares_by_structure() {
    let node = json!({"type": "object", "properties": {
        "name": {"type": "string"},
        "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}
    }});
    let old = spec(
        get_returning(json!({"$ref": "#/components/schemas/Node"})),
        json!({"Node": node}),
    );
    // Renamed and reached through an alias: same structure.
    let renamed = spec(
        get_returning(json!({"$ref": "#/components/schemas/Alias"})),
        json!({
            "Alias": {"$ref": "#/components/schemas/Tree"},
            "Tree": {"type": "object", "properties": {
                "name": {"type": "string"},
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/Tree"}}
            }}
        }),
    );
    assert_eq!(lines(&old, &renamed), Vec::<String>::new());
    // The loop now goes back to the root from one level deeper.
    let deeper = spec(
        get_returning(json!({"$ref": "#/components/schemas/Node"})),
        json!({"Node": {"type": "object", "properties": {
            "name": {"type": "string"},
            "children": {"type": "array", "items": {"type": "object", "properties": {
                "child": {"$ref": "#/components/schemas/Node"}
            }}}
        }}}),
    );
    assert_eq!(
        lines(&old, &deeper),
        [
            "response 200 field children[]: type: none -> object [breaking]",
            "response 200 field children[]: recursive: 2 -> none [breaking]",
            "response 200 field children[].child: added [compatible]",
        ]
    );
}

#[test]
fn all_of_is_merged() {
    let flat = spec(
        get_returning(
            json!({"type": "object", "required": ["sid"], "properties": {
                "sid": {"type": "string"}, "extra": {"type": "integer", "nullable": true}
            }}),
        ),
        json!({}),
    );
    let composed = spec(
        get_returning(json!({"allOf": [
            {"$ref": "#/components/schemas/Base"},
            {"properties": {"extra": {"type": "integer", "nullable": true}}}
        ]})),
        json!({"Base": {"type": "object", "required": ["sid"], "properties": {"sid": {"type": "string"}}}}),
    );
    assert_eq!(lines(&flat, &composed), Vec::<String>::new());
}

#[test]
fn all_of_cycle_is_an_error() {
    let new = spec(
        get_returning(json!({"$ref": "#/components/schemas/A"})),
        json!({"A": {"allOf": [{"$ref": "#/components/schemas/B"}]},
               "B": {"allOf": [{"$ref": "#/components/schemas/A"}]}}),
    );
    assert_eq!(
        error(&ok(), &new),
        "new.yaml: #/components/schemas/B/allOf/0: $ref cycle through allOf back to #/components/schemas/A"
    );
}

#[test]
fn path_level_parameters_merge_and_are_overridden() {
    let page = json!({"name": "PageSize", "in": "query", "schema": {"type": "integer"}});
    let required_page =
        json!({"name": "PageSize", "in": "query", "required": true, "schema": {"type": "integer"}});
    let op = |params: Value| json!({"operationId": "ListThing", "parameters": params, "responses": {"204": {"description": "none"}}});
    let old = spec(
        json!({"/v1/Things": {"get": op(json!([required_page]))}}),
        json!({}),
    );
    let new = spec(
        json!({"/v1/Things": {"parameters": [page], "get": op(json!([required_page]))}}),
        json!({}),
    );
    assert_eq!(lines(&old, &new), Vec::<String>::new());
    let only_path = spec(
        json!({"/v1/Things": {"parameters": [page], "get": op(json!([]))}}),
        json!({}),
    );
    assert_eq!(
        lines(&old, &only_path),
        ["parameter query PageSize: required: true -> false [compatible]"]
    );
}

#[test]
fn parameter_serialisation_is_a_fact() {
    let with = |extra: Value| {
        let mut p = json!({"name": "Identity", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}});
        if let (Some(p), Some(extra)) = (p.as_object_mut(), extra.as_object()) {
            p.extend(extra.clone());
        }
        spec(
            json!({"/v1/Things": {"get": {"parameters": [p], "responses": {"204": {"description": "none"}}}}}),
            json!({}),
        )
    };
    // The defaults written out are not a difference; another serialisation is.
    assert_eq!(
        lines(
            &with(json!({})),
            &with(json!({"style": "form", "explode": true}))
        ),
        Vec::<String>::new()
    );
    assert_eq!(
        lines(&with(json!({})), &with(json!({"explode": false}))),
        ["parameter query Identity: explode: true -> false [breaking]"]
    );
    assert_eq!(
        lines(
            &with(json!({})),
            &with(json!({"schema": {"type": "array", "items": {"type": "integer"}}}))
        ),
        ["parameter query Identity[]: type: string -> integer [breaking]"]
    );
}

#[test]
fn servers_declared_on_paths_count_only_when_effective_ones_change() {
    let op =
        json!({"get": {"operationId": "ListThing", "responses": {"204": {"description": "none"}}}});
    let mut same = op.clone();
    same["servers"] = json!([{"url": "https://conversations.twilio.com"}]);
    let mut other = op.clone();
    other["servers"] = json!([{"url": "https://eu1.conversations.twilio.com"}]);
    let base = spec(json!({"/v1/Things": op}), json!({}));
    assert_eq!(
        lines(&base, &spec(json!({"/v1/Things": same}), json!({}))),
        Vec::<String>::new()
    );
    let report = compare(&base, &spec(json!({"/v1/Things": other}), json!({})));
    assert_eq!(
        report.differences.iter().map(|d| format!("{} | {}", d.group, d.line())).collect::<Vec<_>>(),
        ["GET /v1/Things (ListThing) | servers: [https://conversations.twilio.com] -> [https://eu1.conversations.twilio.com] [breaking]"]
    );
}

#[test]
fn security_requirements() {
    let with = |security: Option<Value>| {
        let mut op =
            json!({"operationId": "ListThing", "responses": {"204": {"description": "none"}}});
        if let Some(s) = security {
            op["security"] = s;
        }
        spec(json!({"/v1/Things": {"get": op}}), json!({}))
    };
    // Restating the root requirement on the operation is not a difference.
    assert_eq!(
        lines(
            &with(None),
            &with(Some(json!([{"accountSid_authToken": []}])))
        ),
        Vec::<String>::new()
    );
    assert_eq!(
        lines(
            &with(None),
            &with(Some(json!([{"accountSid_authToken": []}, {"apiKey": []}])))
        ),
        ["security: [accountSid_authToken] -> [accountSid_authToken, apiKey] [compatible]"]
    );
    assert_eq!(
        lines(&with(None), &with(Some(json!([{"apiKey": []}])))),
        ["security: [accountSid_authToken] -> [apiKey] [breaking]"]
    );
    assert_eq!(
        lines(&with(None), &with(Some(json!([])))),
        ["security: [accountSid_authToken] -> [] [compatible]"]
    );
    let mut no_scheme = with(None);
    no_scheme["components"]["securitySchemes"] = json!({});
    assert_eq!(
        lines(&with(None), &no_scheme),
        ["security scheme accountSid_authToken: removed [breaking]"]
    );
}

#[test]
fn openapi_31_type_lists() {
    let old = spec(
        get_returning(
            json!({"type": "object", "properties": {"a": {"type": "string", "nullable": true}}}),
        ),
        json!({}),
    );
    let new = spec(
        get_returning(json!({"type": "object", "properties": {"a": {"type": ["string", "null"]}}})),
        json!({}),
    );
    assert_eq!(lines(&old, &new), Vec::<String>::new());
}

#[test]
fn map_values_and_response_content() {
    let old = spec(
        get_returning(json!({"type": "object", "additionalProperties": {"type": "string"}})),
        json!({}),
    );
    let new = spec(
        get_returning(
            json!({"type": "object", "additionalProperties": {"type": "string", "format": "uri"}}),
        ),
        json!({}),
    );
    assert_eq!(
        lines(&old, &new),
        ["response 200 field *: format: none -> uri [breaking]"]
    );

    let no_content = spec(
        json!({"/v1/Things": {"get": {"operationId": "ListThing", "responses": {"200": {"description": "OK"}}}}}),
        json!({}),
    );
    assert_eq!(
        lines(&no_content, &old),
        ["response 200 content type application/json: added [compatible]"]
    );
    assert_eq!(
        lines(&old, &no_content),
        ["response 200 content type application/json: removed [breaking]"]
    );
}

#[test]
fn request_body_added_and_removed() {
    let op = |body: Option<Value>| {
        let mut op = json!({"responses": {"204": {"description": "none"}}});
        if let Some(b) = body {
            op["requestBody"] = b;
        }
        spec(json!({"/v1/Things": {"post": op}}), json!({}))
    };
    let form = |required: bool| json!({"required": required, "content": {"application/x-www-form-urlencoded": {"schema": {"type": "object"}}}});
    assert_eq!(
        lines(&op(None), &op(Some(form(false)))),
        ["request body: added, optional [compatible]"]
    );
    assert_eq!(
        lines(&op(None), &op(Some(form(true)))),
        ["request body: added, required [breaking]"]
    );
    assert_eq!(
        lines(&op(Some(form(false))), &op(None)),
        ["request body: removed [breaking]"]
    );
}

#[test]
fn bounds_in_both_directions() {
    let body = |field: Value| {
        spec(
            json!({"/v1/Things": {"post": {
                "requestBody": {"content": {"application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": {"Body": field}}}}},
                "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {"type": "object", "properties": {"body": field}}}}}}
            }}}),
            json!({}),
        )
    };
    let old = body(json!({"type": "string", "maxLength": 100}));
    let tighter = body(json!({"type": "string", "maxLength": 50, "pattern": "^a"}));
    assert_eq!(
        lines(&old, &tighter),
        [
            "request body field Body: maxLength: 100 -> 50 [breaking]",
            "request body field Body: pattern: none -> ^a [breaking]",
            "response 200 field body: maxLength: 100 -> 50 [compatible]",
            "response 200 field body: pattern: none -> ^a [compatible]",
        ]
    );
    assert_eq!(
        lines(&tighter, &old),
        [
            "request body field Body: maxLength: 50 -> 100 [compatible]",
            "request body field Body: pattern: ^a -> none [compatible]",
            "response 200 field body: maxLength: 50 -> 100 [breaking]",
            "response 200 field body: pattern: ^a -> none [breaking]",
        ]
    );
}

#[test]
fn invalid_documents() {
    assert_eq!(
        error(&ok(), &json!({"swagger": "2.0", "paths": {}})),
        "new.yaml: #/swagger: Swagger 2.0 is not supported (OpenAPI 3 expected)"
    );
    assert_eq!(
        error(&json!({"paths": {}}), &ok()),
        "old.yaml: #: not an OpenAPI document (no `openapi` field)"
    );
    assert_eq!(error(&ok(), &json!([1, 2])), "new.yaml: #: expected a map");
    assert_eq!(
        error(&ok(), &json!({"openapi": "3.0.1", "paths": []})),
        "new.yaml: #/paths: expected a map"
    );
    assert_eq!(
        error(&ok(), &spec(get_returning(json!({"$ref": "other.yaml#/x"})), json!({}))),
        "new.yaml: #/paths/~1v1~1Things/get/responses/200/content/application~1json/schema/$ref: unsupported $ref `other.yaml#/x` (only local `#/...` references are supported)"
    );
    assert_eq!(
        error(&ok(), &spec(get_returning(json!({"type": "object", "required": "sid"})), json!({}))),
        "new.yaml: #/paths/~1v1~1Things/get/responses/200/content/application~1json/schema/required: expected a list"
    );
    assert_eq!(
        error(
            &ok(),
            &spec(
                json!({"/v1/Things": {"get": {"parameters": [{"in": "query"}], "responses": {}}}}),
                json!({})
            )
        ),
        "new.yaml: #/paths/~1v1~1Things/get/parameters/0: parameter without `name`"
    );
}

#[test]
fn too_deep_is_an_error_not_a_crash() {
    let mut schema = json!({"type": "string"});
    for _ in 0..100 {
        schema = json!({"type": "object", "properties": {"a": schema}});
    }
    let new = spec(get_returning(schema), json!({}));
    let message = error(&ok(), &new);
    assert!(
        message.ends_with("schema nested more than 64 levels deep"),
        "{message}"
    );
}

#[test]
fn exponential_expansion_is_an_error_not_a_hang() {
    // S0 has 8 properties of S1, S1 has 8 of S2, ...: 8^9 nodes once expanded.
    let mut schemas = serde_json::Map::new();
    for i in 0..9 {
        let props: serde_json::Map<String, Value> = (0..8)
            .map(|p| {
                (
                    format!("p{p}"),
                    json!({"$ref": format!("#/components/schemas/S{}", i + 1)}),
                )
            })
            .collect();
        schemas.insert(
            format!("S{i}"),
            json!({"type": "object", "properties": props}),
        );
    }
    schemas.insert("S9".into(), json!({"type": "string"}));
    let new = spec(
        get_returning(json!({"$ref": "#/components/schemas/S0"})),
        Value::Object(schemas),
    );
    let message = error(&ok(), &new);
    assert!(
        message.contains("more than 100000 schema nodes"),
        "{message}"
    );
}

#[test]
fn a_subtree_added_or_removed_is_one_difference() {
    let meta = json!({"type": "object", "properties": {
        "page": {"type": "integer"},
        "next_page_url": {"type": "string", "format": "uri", "nullable": true}
    }});
    let with = spec(
        get_returning(json!({"type": "object", "properties": {
            "things": {"type": "array", "items": {"type": "object", "properties": {"sid": {"type": "string"}}}},
            "meta": meta
        }})),
        json!({}),
    );
    let without = spec(
        get_returning(json!({"type": "object", "properties": {
            "things": {"type": "array"}
        }})),
        json!({}),
    );
    assert_eq!(
        lines(&with, &without),
        [
            "response 200 field meta: removed [breaking]",
            "response 200 field things[]: removed [breaking]",
        ]
    );
    assert_eq!(
        lines(&without, &with),
        [
            "response 200 field meta: added [compatible]",
            "response 200 field things[]: added [compatible]",
        ]
    );
}
