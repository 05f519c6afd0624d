//! The 2026 style of Twilio's specs, read from the spec with the runtime's conventions: paging
//! by token, `202` answers that name where to poll, several success answers that differ by
//! status, and idempotency keys. Without the conventions none of them is recognised.

use codegen::ir::{LongRunning, Node, Operation, OutcomeBody, Paging, ResponseKind, Ty};
use codegen::Conventions;

const SPEC: &str = r#"
openapi: 3.0.3
info: {title: Things, version: '2'}
servers: [{url: 'https://things.example.test'}]
paths:
  /v2/Things:
    get:
      operationId: ListThingByAccount
      parameters:
      - {name: pageSize, in: query, schema: {type: integer}}
      - {name: cursor, in: query, schema: {type: string}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  things: {type: array, items: {$ref: '#/components/schemas/Thing'}}
                  meta:
                    type: object
                    properties:
                      key: {type: string}
                      pageSize: {type: integer}
                      after: {type: string}
  /v2/Things/{id}:
    parameters:
    - {name: id, in: path, required: true, schema: {type: string}}
    patch:
      operationId: PatchThingById
      parameters:
      - {name: Request-Key, in: header, schema: {type: string}}
      responses:
        '200':
          description: changed at once
          content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}
        '202':
          description: changed later
          content: {application/json: {schema: {$ref: '#/components/schemas/things.v2.job_accepted'}}}
        '204':
          description: nothing to change
    delete:
      operationId: DeleteThingAsync
      parameters:
      - {name: Request-Key, in: header, schema: {type: string}}
      responses:
        '202':
          description: deleted later
          content: {application/json: {schema: {$ref: '#/components/schemas/things.v2.job_accepted'}}}
  /v2/Jobs/{id}:
    get:
      operationId: FetchJobStatus
      parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                required: [jobId, state, pollAt]
                properties:
                  jobId: {type: string}
                  state: {type: string, enum: [PENDING, COMPLETED, FAILED]}
                  pollAt: {type: string, format: uri}
components:
  schemas:
    Thing:
      type: object
      required: [id]
      properties:
        id: {type: string}
        displayName: {type: string}
    things.v2.job_accepted:
      type: object
      required: [pollAt]
      properties:
        pollAt: {type: string, format: uri}
"#;

/// The conventions of a runtime that names things as this spec does.
fn conventions() -> Conventions<'static> {
    Conventions::default()
        .idempotency_key_header("request-key")
        .page_token("after", "cursor")
        .operation_status_url("pollAt")
}

fn ops(node: &Node) -> Vec<&Operation> {
    let mut out: Vec<&Operation> = node.ops.iter().collect();
    for child in &node.children {
        out.extend(ops(child));
    }
    out
}

fn op<'a>(api: &'a codegen::ir::Api, id: &str) -> &'a Operation {
    ops(&api.root)
        .into_iter()
        .find(|o| o.variants.primary().operation_id == id)
        .unwrap_or_else(|| panic!("{id}"))
}

fn lowered(conventions: &Conventions<'_>) -> codegen::ir::Api {
    codegen::lower::lower(&codegen::load::parse(SPEC).unwrap(), conventions).unwrap()
}

#[test]
fn a_list_whose_meta_names_the_token_member_pages_by_token() {
    let api = lowered(&conventions());
    match &op(&api, "ListThingByAccount").response {
        ResponseKind::List { key, paging, .. } => {
            assert_eq!(key, "things");
            assert_eq!(
                *paging,
                Paging::Token {
                    parameter: "cursor".into()
                }
            );
        }
        other => panic!("{other:?}"),
    }
    // Without the convention, the same list pages by link (and finds none).
    let plain = lowered(&Conventions::default());
    assert!(matches!(
        &op(&plain, "ListThingByAccount").response,
        ResponseKind::List {
            paging: Paging::Link,
            ..
        }
    ));
}

#[test]
fn a_202_that_names_its_status_url_is_a_long_running_operation_read_as_the_status_answer() {
    let api = lowered(&conventions());
    let state = match &op(&api, "FetchJobStatus").response {
        ResponseKind::One(ty) => ty.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        op(&api, "DeleteThingAsync").response,
        ResponseKind::LongRunning(LongRunning {
            accepted: Ty::Model("JobAccepted".into()),
            state: state.clone(),
        })
    );
    // Without the convention the 202 is an ordinary answer.
    let plain = lowered(&Conventions::default());
    assert!(matches!(
        op(&plain, "DeleteThingAsync").response,
        ResponseKind::One(_)
    ));
}

#[test]
fn answers_that_differ_by_status_are_one_outcome_each() {
    let api = lowered(&conventions());
    let ResponseKind::Outcomes(outcomes) = &op(&api, "PatchThingById").response else {
        panic!("{:?}", op(&api, "PatchThingById").response)
    };
    let summary: Vec<(u16, &str)> = outcomes
        .iter()
        .map(|o| (o.status, o.variant.as_str()))
        .collect();
    assert_eq!(
        summary,
        [(200, "Ok"), (202, "Accepted"), (204, "NoContent")]
    );
    assert_eq!(
        outcomes[0].body,
        OutcomeBody::One(Ty::Model("Thing".into()))
    );
    assert!(matches!(&outcomes[1].body, OutcomeBody::LongRunning(lr)
        if lr.accepted == Ty::Model("JobAccepted".into())));
    assert_eq!(outcomes[2].body, OutcomeBody::Empty);
}

#[test]
fn the_idempotency_header_is_found_whatever_its_case() {
    let api = lowered(&conventions());
    assert_eq!(
        op(&api, "PatchThingById").idempotency_key.as_deref(),
        Some("Request-Key")
    );
    assert_eq!(op(&api, "FetchJobStatus").idempotency_key, None);
    let plain = lowered(&Conventions::default());
    assert_eq!(op(&plain, "PatchThingById").idempotency_key, None);
}

/// The generated code of all four compiles with the runtime (rustc is run by the fixture
/// crates of `cargo xtask test`); here, the tokens that call the runtime are the right ones.
#[test]
fn generated_code_calls_the_runtime_for_each_style() {
    let input = codegen::Input::new(SPEC, "things.yaml").conventions(conventions());
    let g = codegen::generate_with(&input).unwrap();
    let all: String = g.files.values().cloned().collect();
    for needle in [
        "req.token_paging(\"cursor\")",
        "req.idempotency_key_header(\"Request-Key\")",
        "::twilio_runtime::support::LongRunning<JobAccepted, Job>",
        "pub enum PatchThingByIdOutcome",
        "202u16 => answer.operation().map(Self::Accepted)",
        "204u16 => Ok(Self::NoContent)",
    ] {
        assert!(all.contains(needle), "missing `{needle}`");
    }
    assert!(
        !g.files.contains_key("events.rs"),
        "no events spec, no events.rs"
    );
}

/// A request body's nested object named like one of the answer's, with other fields, is a type
/// of its own, `<name>Input`; it does not silently take the answer's type (Prism refused
/// Conversations v2's `CreateConversationWithConfig` body until this held).
#[test]
fn a_request_type_that_differs_from_the_answers_is_named_input() {
    let spec = r#"
openapi: 3.0.3
info: {title: Things, version: '2'}
servers: [{url: 'https://things.example.test'}]
paths:
  /v2/Things:
    post:
      operationId: CreateThing
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                parts: {type: array, items: {type: object, properties: {label: {type: string}}}}
      responses:
        '201':
          description: ok
          content:
            application/json:
              schema:
                type: object
                required: [id]
                properties:
                  id: {type: string}
                  parts:
                    type: array
                    items: {type: object, required: [id], properties: {id: {type: string}, label: {type: string}}}
"#;
    let g = codegen::generate(spec, "things.yaml").unwrap();
    let all: String = g.files.values().cloned().collect();
    assert!(all.contains("pub struct ThingParts {"), "the answer's type");
    assert!(
        all.contains("pub struct ThingPartsInput {"),
        "the request's type"
    );
    assert!(
        all.contains("pub fn parts(mut self, value: Vec<ThingPartsInput>)"),
        "the builder takes the request's type"
    );
}
