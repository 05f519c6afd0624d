//! A bad spec is an error naming the JSON pointer, never a panic.

fn err(spec: &str) -> codegen::Error {
    match codegen::generate(spec, "test.yaml") {
        Ok(_) => panic!("expected an error for:\n{spec}"),
        Err(e) => e,
    }
}

const HEAD: &str =
    "openapi: 3.0.3\ninfo: {title: t, version: '1'}\nservers: [{url: 'https://x.test'}]\n";

#[test]
fn not_yaml() {
    let e = err("openapi: [3.0");
    assert!(e.message.contains("not a valid OpenAPI"), "{e}");
}

#[test]
fn wrong_version() {
    let e = err("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n");
    assert_eq!(e.pointer, "/openapi");
}

#[test]
fn wrong_shape_names_the_pointer() {
    // openapiv3 flattens path items, so the pointer stops at `/paths`; the YAML location
    // in the message pins the rest.
    let e = err(&format!(
        "{HEAD}paths:\n  /v1/A:\n    get:\n      operationId: 5\n      responses: 7\n"
    ));
    assert_eq!(e.pointer, "/paths", "{e}");
    assert!(e.message.contains("line 5"), "{e}");
    let e = err("openapi: 3.0.3\ninfo: {title: t, version: 1}\nservers: 5\npaths: {}\n");
    assert_eq!(e.pointer, "/servers", "{e}");
}

#[test]
fn dangling_ref() {
    let spec = format!(
        "{HEAD}paths:\n  /v1/A:\n    get:\n      operationId: FetchA\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Nope'}}\n"
    );
    let e = err(&spec);
    assert_eq!(
        e.pointer,
        "/paths/~1v1~1A/get/responses/200/content/application~1json/schema"
    );
    assert!(e.message.contains("points to nothing"), "{e}");
}

#[test]
fn unsupported_one_of() {
    let spec = format!(
        "{HEAD}paths:\n  /v1/A:\n    get:\n      operationId: FetchA\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{oneOf: [{{type: string}}, {{type: integer}}]}}\n"
    );
    let e = err(&spec);
    assert!(e.pointer.ends_with("/schema/oneOf"), "{e}");
}

#[test]
fn a_multipart_request_body_is_unsupported() {
    let spec = format!(
        "{HEAD}paths:\n  /v1/A:\n    post:\n      operationId: CreateA\n      requestBody:\n        content:\n          multipart/form-data:\n            schema: {{type: object}}\n      responses:\n        '204': {{description: ok}}\n"
    );
    let e = err(&spec);
    assert_eq!(e.pointer, "/paths/~1v1~1A/post/requestBody/content");
    assert!(
        e.message.contains(
            "`multipart/form-data` is not supported (only application/x-www-form-urlencoded, JSON and raw bytes)"
        ),
        "{e}"
    );
}

#[test]
fn different_success_schemas() {
    let spec = format!(
        "{HEAD}paths:\n  /v1/A:\n    post:\n      operationId: CreateA\n      responses:\n        '201':\n          description: ok\n          content: {{application/json: {{schema: {{type: object, properties: {{a: {{type: string}}}}}}}}}}\n        '202':\n          description: ok\n          content: {{application/json: {{schema: {{type: object, properties: {{b: {{type: string}}}}}}}}}}\n"
    );
    let e = err(&spec);
    assert_eq!(
        e.pointer,
        "/paths/~1v1~1A/post/responses/202/content/application~1json"
    );
}

#[test]
fn missing_operation_id() {
    let spec = format!(
        "{HEAD}paths:\n  /v1/A:\n    get:\n      responses:\n        '204': {{description: ok}}\n"
    );
    let e = err(&spec);
    assert_eq!(e.pointer, "/paths/~1v1~1A/get");
}

#[test]
fn ref_cycle_is_an_error() {
    let spec = format!(
        "{HEAD}paths:\n  /v1/A:\n    get:\n      operationId: FetchA\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Node'}}\ncomponents:\n  schemas:\n    Node:\n      type: object\n      properties:\n        child: {{$ref: '#/components/schemas/Node'}}\n"
    );
    let e = err(&spec);
    assert!(e.message.contains("too deeply"), "{e}");
}

#[test]
fn garbage_never_panics() {
    // A crude fuzz: every prefix of a real fixture is either generated or an error.
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/scope_pair.yaml"
    ))
    .unwrap();
    for cut in (0..text.len()).step_by(7) {
        let _ = codegen::generate(&text[..cut], "cut.yaml");
    }
}

#[test]
fn swagger_2_is_named_before_any_deeper_error() {
    let e = err(
        "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths:\n  /v1/A:\n    get:\n      \
         parameters: [{name: X, in: query, type: string}]\n      responses: {'200': {description: ok}}\n",
    );
    assert_eq!(e.pointer, "/swagger", "{e}");
    assert!(e.message.contains("Swagger 2.0 document"), "{e}");
}

#[test]
fn a_file_cut_before_its_version_says_so() {
    // Twilio's files put `components` first: cut inside it, `openapi` never arrives.
    let e = err("components:\n  schemas:\n    a: {type: object}\npaths:\n  /v1/A:\n    get:\n      parameters: [{name: X, in: query}]\n");
    assert_eq!(e.pointer, "", "{e}");
    assert!(e.message.contains("no `openapi` version field"), "{e}");
    assert!(e.message.contains("cut short"), "{e}");
}

#[test]
fn a_root_that_is_not_a_mapping() {
    let e = err("- openapi\n- 3.0.3\n");
    assert_eq!(e.pointer, "", "{e}");
    assert!(e.message.contains("mapping"), "{e}");
}

fn one_get(path: &str, params: &str) -> String {
    format!(
        "{HEAD}paths:\n  '{path}':\n    get:\n      operationId: FetchA\n      parameters: [{params}]\n      responses: {{'200': {{description: ok}}}}\n"
    )
}

#[test]
fn a_placeholder_must_be_declared() {
    let e = err(&one_get("/v1/A/{Sid}", ""));
    assert_eq!(e.pointer, "/paths/~1v1~1A~1{Sid}/get", "{e}");
    assert!(
        e.message.contains("`{Sid}` in the path is not declared"),
        "{e}"
    );
}

#[test]
fn a_declared_path_parameter_must_be_in_the_path() {
    let e = err(&one_get(
        "/v1/A/{Sid}",
        "{name: Sid, in: path, required: true, schema: {type: string}}, \
         {name: Other, in: path, required: true, schema: {type: string}}",
    ));
    assert_eq!(e.pointer, "/paths/~1v1~1A~1{Sid}/get/parameters/1", "{e}");
    assert!(
        e.message.contains("`Other` does not appear in the path"),
        "{e}"
    );
}

#[test]
fn text_around_a_placeholder_is_refused_not_dropped() {
    // Sending `/v1/A/CA123` for `/v1/A/{Sid}.json` would call another resource.
    let e = err(&one_get(
        "/v1/A/{Sid}.json",
        "{name: Sid, in: path, required: true, schema: {type: string}}",
    ));
    assert_eq!(e.pointer, "/paths/~1v1~1A~1{Sid}.json", "{e}");
    assert!(e.message.contains("`{Sid}.json` mixes a parameter"), "{e}");
}
