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

/// Success answers that differ by status become an enum of outcomes (`tests/styles.rs`); a
/// range of statuses among them cannot be told apart from its neighbours, so it is refused
/// where it stands.
#[test]
fn different_success_schemas_under_a_status_range() {
    let spec = format!(
        "{HEAD}paths:\n  /v1/A:\n    post:\n      operationId: CreateA\n      responses:\n        '201':\n          description: ok\n          content: {{application/json: {{schema: {{type: object, properties: {{a: {{type: string}}}}}}}}}}\n        '2XX':\n          description: ok\n          content: {{application/json: {{schema: {{type: object, properties: {{b: {{type: string}}}}}}}}}}\n"
    );
    let e = err(&spec);
    assert_eq!(
        e.pointer,
        "/paths/~1v1~1A/post/responses/2XX/content/application~1json"
    );
    assert!(e.message.contains("range of statuses"), "{e}");
}

#[test]
fn missing_operation_id() {
    let spec = format!(
        "{HEAD}paths:\n  /v1/A:\n    get:\n      responses:\n        '204': {{description: ok}}\n"
    );
    let e = err(&spec);
    assert_eq!(e.pointer, "/paths/~1v1~1A/get");
}

/// A spec whose one operation answers 200 with `schema`, plus `components` (YAML, indented
/// as under `components:`).
fn with_response_schema(schema: &str, schemas: &str) -> String {
    format!(
        "{HEAD}paths:\n  /v1/A:\n    get:\n      operationId: FetchA\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {schema}\ncomponents:\n  schemas:\n{schemas}"
    )
}

#[test]
fn not_is_refused_at_its_keyword() {
    let e = err(&with_response_schema(
        "{not: {type: string}}",
        "    Unused: {type: string}\n",
    ));
    assert!(e.pointer.ends_with("/schema/not"), "{e}");
}

#[test]
fn all_of_with_a_part_that_is_not_an_object_names_the_part() {
    let e = err(&with_response_schema(
        "{$ref: '#/components/schemas/A'}",
        "    A:\n      allOf:\n      - {type: object, properties: {sid: {type: string}}}\n      - {type: string}\n",
    ));
    assert_eq!(e.pointer, "/components/schemas/A/allOf/1", "{e}");
    assert!(e.message.contains("only merge object schemas"), "{e}");
}

#[test]
fn all_of_parts_that_disagree_on_a_property_name_it() {
    let e = err(&with_response_schema(
        "{$ref: '#/components/schemas/A'}",
        "    A:\n      allOf:\n      - {type: object, properties: {size: {type: string}}}\n      - $ref: '#/components/schemas/B'\n    B: {type: object, properties: {size: {type: integer}}}\n",
    ));
    assert_eq!(e.pointer, "/components/schemas/B/properties/size", "{e}");
    assert!(e.message.contains("disagree on property `size`"), "{e}");
}

#[test]
fn a_discriminator_mapping_to_a_schema_outside_the_one_of_is_refused() {
    let e = err(&with_response_schema(
        "{$ref: '#/components/schemas/U'}",
        "    U:\n      oneOf: [{$ref: '#/components/schemas/A'}]\n      discriminator:\n        propertyName: kind\n        mapping: {b: '#/components/schemas/B'}\n    A: {type: object, properties: {kind: {type: string}}}\n    B: {type: object, properties: {kind: {type: string}}}\n",
    ));
    assert_eq!(
        e.pointer, "/components/schemas/U/discriminator/mapping/b",
        "{e}"
    );
}

#[test]
fn an_inline_alternative_without_a_tag_value_is_refused() {
    let e = err(&with_response_schema(
        "{$ref: '#/components/schemas/U'}",
        "    U:\n      oneOf:\n      - {$ref: '#/components/schemas/A'}\n      - {type: object, properties: {kind: {type: string}}}\n      discriminator: {propertyName: kind}\n    A: {type: object, properties: {kind: {type: string}}}\n",
    ));
    assert_eq!(e.pointer, "/components/schemas/U/oneOf/1", "{e}");
    assert!(e.message.contains("one-value enum `kind`"), "{e}");
}

#[test]
fn one_of_next_to_properties_or_all_of_is_refused() {
    let e = err(&with_response_schema(
        "{$ref: '#/components/schemas/U'}",
        "    U:\n      type: object\n      properties: {sid: {type: string}}\n      oneOf: [{type: object}, {type: string}]\n",
    ));
    assert_eq!(e.pointer, "/components/schemas/U/properties/sid", "{e}");
    let e = err(&with_response_schema(
        "{$ref: '#/components/schemas/U'}",
        "    U:\n      type: object\n      allOf: [{type: object}]\n      oneOf: [{type: object}, {type: string}]\n",
    ));
    assert_eq!(e.pointer, "/components/schemas/U", "{e}");
    assert!(e.message.contains("oneOf and allOf"), "{e}");
}

#[test]
fn a_recursive_schema_that_is_not_an_object_is_refused() {
    // An array of itself would be a type of infinite name (`Vec<Vec<...>>`).
    let e = err(&with_response_schema(
        "{$ref: '#/components/schemas/Tree'}",
        "    Tree: {type: array, items: {$ref: '#/components/schemas/Tree'}}\n",
    ));
    assert_eq!(e.pointer, "/components/schemas/Tree", "{e}");
    assert!(e.message.contains("refers to itself"), "{e}");
}

#[test]
fn an_operation_with_neither_success_nor_redirect_is_refused() {
    let e = err(&format!(
        "{HEAD}paths:\n  /v1/A:\n    get:\n      operationId: FetchA\n      responses:\n        '404': {{description: gone}}\n"
    ));
    assert_eq!(e.pointer, "/paths/~1v1~1A/get/responses", "{e}");
    assert!(e.message.contains("no 2xx or 3xx response"), "{e}");
}

#[test]
fn redirects_with_two_body_shapes_are_refused() {
    let e = err(&format!(
        "{HEAD}paths:\n  /v1/A:\n    get:\n      operationId: FetchA\n      responses:\n        '302':\n          description: found\n          content: {{application/json: {{schema: {{type: string}}}}}}\n        '307':\n          description: moved\n          content: {{application/json: {{schema: {{type: integer}}}}}}\n"
    ));
    assert_eq!(
        e.pointer, "/paths/~1v1~1A/get/responses/307/content/application~1json",
        "{e}"
    );
    assert!(e.message.contains("redirect response"), "{e}");
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

/// A segment template that cannot be read, or read back from a request, is refused at its
/// path, with what is wrong in it.
#[test]
fn bad_segment_templates_are_refused_naming_the_path() {
    let declared = "{name: A, in: path, required: true, schema: {type: string}}, \
                    {name: B, in: path, required: true, schema: {type: string}}";
    for (path, pointer, says) in [
        (
            "/v1/X/{A",
            "/paths/~1v1~1X~1{A",
            "path segment `{A`: unclosed `{`",
        ),
        ("/v1/X/{A{B}}", "/paths/~1v1~1X~1{A{B}}", "unclosed `{`"),
        (
            "/v1/X/A}",
            "/paths/~1v1~1X~1A}",
            "`}` without an opening `{`",
        ),
        (
            "/v1/X/{}-{A}",
            "/paths/~1v1~1X~1{}-{A}",
            "an empty parameter `{}`",
        ),
        (
            "/v1/X/{A}-{A}",
            "/paths/~1v1~1X~1{A}-{A}",
            "`{A}` appears twice",
        ),
        (
            "/v1/X/{A}/Y/v{A}",
            "/paths/~1v1~1X~1{A}~1Y~1v{A}",
            "`{A}` appears twice",
        ),
        (
            "/v1/X/{A}{B}",
            "/paths/~1v1~1X~1{A}{B}",
            "parameters `{A}` and `{B}` with no text between them",
        ),
    ] {
        let e = err(&one_get(path, declared));
        assert_eq!(e.pointer, pointer, "{path}: {e}");
        assert!(e.message.contains(says), "{path}: {e}");
    }
}

#[test]
fn a_path_with_an_empty_segment_is_refused() {
    let e = err(&one_get("/v1//A", ""));
    assert_eq!(e.pointer, "/paths/~1v1~1~1A", "{e}");
    assert!(e.message.contains("empty segment"), "{e}");
}

/// `info.x-scope-names` must name both scopes with every phrase; a typo or a missing phrase is
/// an error at its pointer, and so are scope names in an API with one scope.
#[test]
fn scope_names_in_the_spec_are_checked() {
    let words = |scope: &str| {
        format!(
            "{{scope: {scope} scope, place: the {scope}, heading: The {scope}, report: under \
             the {scope}, path-column: {scope} path}}"
        )
    };
    let spec = |names: &str| {
        let get = |path: &str, id: &str| {
            let params: String = path
                .split('/')
                .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
                .map(|n| {
                    format!("{{name: {n}, in: path, required: true, schema: {{type: string}}}}")
                })
                .collect::<Vec<_>>()
                .join(", ");
            format!(
                "  {path}:\n    get:\n      operationId: {id}\n      parameters: [{params}]\n      responses: {{'200': {{description: ok}}}}\n"
            )
        };
        format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1', x-scope-names: {names}}}\nservers: [{{url: 'https://x.test'}}]\npaths:\n{}{}",
            get("/v1/Items", "ListItem"),
            get("/v1/Groups/{GroupSid}/Items", "ListGroupItem"),
        )
    };
    let ok = format!(
        "{{top-level: {}, item: {}}}",
        words("outer"),
        words("inner")
    );
    let g = codegen::generate(&spec(&ok), "t.yaml").expect("named scopes generate");
    assert!(
        g.drift_report
            .contains("under the outer (`/v1/...`) and under the inner"),
        "{}",
        g.drift_report
    );

    let e = err(&spec(&format!("{{top-level: {}}}", words("outer"))));
    assert_eq!(e.pointer, "/info/x-scope-names/item", "{e}");
    let e = err(&spec(&format!(
        "{{top-level: {}, item: {}, third: {}}}",
        words("a"),
        words("b"),
        words("c")
    )));
    assert_eq!(e.pointer, "/info/x-scope-names/third", "{e}");
    let e = err(&spec(&format!(
        "{{top-level: {}, item: {{scope: s, place: p, heading: h, report: r, path-colum: c}}}}",
        words("a")
    )));
    assert_eq!(e.pointer, "/info/x-scope-names/item/path-colum", "{e}");
    let e = err(&spec(&format!(
        "{{top-level: {}, item: {{scope: s, place: '', heading: h, report: r, path-column: c}}}}",
        words("a")
    )));
    assert_eq!(e.pointer, "/info/x-scope-names/item/place", "{e}");
    // One scope only: the names would name nothing.
    let one_scope = spec(&ok).replace("/v1/Groups/{GroupSid}/Items", "/v1/Groups");
    let one_scope = one_scope.replace(
        "parameters: [{name: GroupSid, in: path, required: true, schema: {type: string}}]",
        "parameters: []",
    );
    let e = err(&one_scope);
    assert_eq!(e.pointer, "/info/x-scope-names", "{e}");
    assert!(e.message.contains("one scope"), "{e}");
}

/// `x-aliases` names other spellings of a property; anything else there is an error at it, and
/// a good list reaches the model as serde aliases.
#[test]
fn property_aliases() {
    let spec = |aliases: &str| {
        format!(
            "{HEAD}paths:\n  /v1/Files/{{Sid}}:\n    get:\n      operationId: FetchFile\n      parameters:\n      - {{name: Sid, in: path, required: true, schema: {{type: string}}}}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                type: object\n                properties:\n                  filename: {{type: string, x-aliases: {aliases}}}\n"
        )
    };
    let e = err(&spec("file_name"));
    assert!(e.pointer.ends_with("/filename/x-aliases"), "{e}");
    let e = err(&spec("[file_name, '']"));
    assert!(e.pointer.ends_with("/filename/x-aliases/1"), "{e}");
    let g = codegen::generate(&spec("[file_name, fileName]"), "t.yaml").expect("generates");
    let models = g
        .files
        .values()
        .find(|f| f.contains("pub filename"))
        .unwrap();
    assert!(
        models.contains(r#"#[serde(alias = "file_name")]"#)
            && models.contains(r#"#[serde(alias = "fileName")]"#),
        "{models}"
    );
}

/// JSON allows a character outside the BMP as a surrogate pair escape, which YAML's parser
/// refuses; a JSON spec is read as JSON (Twilio's api_v2010 examples have such escapes).
#[test]
fn a_json_spec_with_surrogate_pair_escapes_is_read_as_json() {
    let spec = r#"{"openapi": "3.0.1", "info": {"title": "t", "version": "1"},
        "servers": [{"url": "https://x.test"}],
        "paths": {"/v1/A": {"get": {"operationId": "FetchA",
            "description": "Says hello \ud83d\udc4d",
            "responses": {"204": {"description": "ok"}}}}}}"#;
    let g = codegen::generate(spec, "a.json").expect("JSON with a surrogate pair generates");
    assert_eq!(g.summary.operations, 1);
    // The same escape in a YAML quoted scalar is refused by YAML, naming where.
    let yaml = format!("{HEAD}paths:\n  /v1/A:\n    get:\n      operationId: FetchA\n      description: \"Says hello \\ud83d\\udc4d\"\n      responses:\n        '204': {{description: ok}}\n");
    let e = err(&yaml);
    assert!(e.message.contains("not a valid OpenAPI"), "{e}");
}

/// A property beside `oneOf` that every alternative declares anyway (the discriminator's, as
/// Twilio's intelligence_v3 writes it) adds nothing and is accepted; a part of `allOf` that is
/// only prose constrains nothing, so `allOf: [string, {description}]` is a string.
#[test]
fn what_adds_nothing_beside_a_composition_is_accepted() {
    let ok = with_response_schema(
        "{$ref: '#/components/schemas/U'}",
        "    U:\n      type: object\n      properties: {kind: {type: string}}\n      oneOf: [{$ref: '#/components/schemas/A'}, {$ref: '#/components/schemas/B'}]\n      discriminator: {propertyName: kind, mapping: {A: '#/components/schemas/A', B: '#/components/schemas/B'}}\n    A: {type: object, properties: {kind: {type: string}, a: {allOf: [{type: string, pattern: '^a'}, {description: the a}]}}}\n    B: {type: object, properties: {kind: {type: string}, b: {type: integer}}}\n",
    );
    let g = codegen::generate(&ok, "ok.yaml").expect("generates");
    let models = &g.files["models.rs"];
    assert!(models.contains("pub a: Option<String>"), "{models}");
}
