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
fn json_request_body_is_unsupported() {
    let spec = format!(
        "{HEAD}paths:\n  /v1/A:\n    post:\n      operationId: CreateA\n      requestBody:\n        content:\n          application/json:\n            schema: {{type: object}}\n      responses:\n        '204': {{description: ok}}\n"
    );
    let e = err(&spec);
    assert_eq!(
        e.pointer,
        "/paths/~1v1~1A/post/requestBody/content/application~1json"
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
