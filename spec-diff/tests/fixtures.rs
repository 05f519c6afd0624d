//! One fixture pair per kind of change (`tests/fixtures/<case>/{old,new}.yaml`): each test
//! asserts the exact differences found, their labels, the refinements, the summary line and
//! the exit code of the command line.

use std::path::{Path, PathBuf};

use spec_diff::{diff_files, run, Label};

fn fixture(case: &str, file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(case)
        .join(file)
}

fn new_file(case: &str) -> PathBuf {
    let yaml = fixture(case, "new.yaml");
    if yaml.exists() {
        yaml
    } else {
        fixture(case, "new.json")
    }
}

struct Outcome {
    code: u8,
    stdout: String,
    stderr: String,
}

fn cli(args: &[String]) -> Outcome {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run(args, &mut out, &mut err);
    Outcome {
        code,
        stdout: String::from_utf8_lossy(&out).into_owned(),
        stderr: String::from_utf8_lossy(&err).into_owned(),
    }
}

fn cli_case(case: &str) -> Outcome {
    cli(&[
        fixture(case, "old.yaml").display().to_string(),
        new_file(case).display().to_string(),
    ])
}

/// Asserts the differences (`group | location: change [label]`), the refinements
/// (`group | location: change`), the summary line and the exit code.
fn check(case: &str, expected: &[&str], refinements: &[&str]) {
    let report = match diff_files(&fixture(case, "old.yaml"), &new_file(case)) {
        Ok(r) => r,
        Err(e) => panic!("{case}: {e}"),
    };
    let got: Vec<String> = report
        .differences
        .iter()
        .map(|d| format!("{} | {}", d.group, d.line()))
        .collect();
    assert_eq!(got, expected, "{case}: differences");
    let got: Vec<String> = report
        .refinements
        .iter()
        .map(|r| format!("{} | {}", r.group, r.line()))
        .collect();
    assert_eq!(got, refinements, "{case}: refinements");

    let breaking = expected
        .iter()
        .filter(|l| l.ends_with("[breaking]"))
        .count();
    let compatible = expected
        .iter()
        .filter(|l| l.ends_with("[compatible]"))
        .count();
    assert_eq!(
        breaking + compatible,
        expected.len(),
        "{case}: every line labelled"
    );
    assert_eq!(report.breaking(), breaking);
    assert_eq!(report.compatible(), compatible);

    let out = cli_case(case);
    let summary = format!(
        "spec-diff: {} differences ({breaking} breaking, {compatible} compatible), {} refinements\n",
        expected.len(),
        refinements.len()
    );
    assert!(
        out.stdout.ends_with(&summary),
        "{case}: summary line, got:\n{}",
        out.stdout
    );
    assert_eq!(
        out.code,
        u8::from(!expected.is_empty()),
        "{case}: exit code"
    );
    assert_eq!(out.stderr, "", "{case}: stderr");
}

/// Asserts that comparing the case fails with exit code 2 and exactly this message, where
/// `{new}` stands for the path of the fixture's new file.
fn check_error(case: &str, message: &str) {
    let new = new_file(case);
    let out = cli_case(case);
    assert_eq!(out.code, 2, "{case}: exit code");
    assert_eq!(out.stdout, "", "{case}: stdout");
    let expected = format!(
        "spec-diff: {}\n",
        message.replace("{new}", &new.display().to_string())
    );
    assert_eq!(out.stderr, expected, "{case}: message");
    let err = diff_files(&fixture(case, "old.yaml"), &new);
    assert_eq!(err.map_err(|e| e.file), Err(new.display().to_string()));
}

const CREATE_CONV: &str = "POST /v1/Conversations (CreateConversation)";
const LIST_CONV: &str = "GET /v1/Conversations (ListConversation)";
const DELETE_CONV: &str = "DELETE /v1/Conversations/{Sid} (DeleteConversation)";
const CREATE_ROLE: &str = "POST /v1/Roles (CreateRole)";

fn l(group: &str, line: &str) -> String {
    format!("{group} | {line}")
}

fn check_l(case: &str, expected: &[String], refinements: &[String]) {
    let e: Vec<&str> = expected.iter().map(String::as_str).collect();
    let r: Vec<&str> = refinements.iter().map(String::as_str).collect();
    check(case, &e, &r);
}

// ---- operations ---------------------------------------------------------------------------

#[test]
fn operation_added() {
    check_l(
        "operation_added",
        &[l(
            "GET /v1/Users (ListUser)",
            "operation: added [compatible]",
        )],
        &[],
    );
}

#[test]
fn operation_removed() {
    check_l(
        "operation_removed",
        &[l(DELETE_CONV, "operation: removed [breaking]")],
        &[],
    );
}

#[test]
fn operation_id_changed() {
    check_l(
        "operation_id_changed",
        &[l(
            "GET /v1/Conversations (ListConversations)",
            "operationId: ListConversation -> ListConversations [breaking]",
        )],
        &[],
    );
}

// ---- parameters ---------------------------------------------------------------------------

#[test]
fn param_added_optional() {
    check_l(
        "param_added_optional",
        &[l(
            LIST_CONV,
            "parameter query State: added, optional [compatible]",
        )],
        &[],
    );
}

#[test]
fn param_added_required() {
    check_l(
        "param_added_required",
        &[l(
            DELETE_CONV,
            "parameter query Reason: added, required [breaking]",
        )],
        &[],
    );
}

#[test]
fn param_made_required() {
    check_l(
        "param_made_required",
        &[l(
            LIST_CONV,
            "parameter query PageSize: required: false -> true [breaking]",
        )],
        &[],
    );
}

#[test]
fn param_removed() {
    check_l(
        "param_removed",
        &[l(LIST_CONV, "parameter query PageSize: removed [breaking]")],
        &[],
    );
}

// ---- request bodies -----------------------------------------------------------------------

#[test]
fn body_field_added() {
    check_l(
        "body_field_added",
        &[l(
            CREATE_CONV,
            "request body field UniqueName: added, optional [compatible]",
        )],
        &[],
    );
}

#[test]
fn body_field_added_required() {
    check_l(
        "body_field_added_required",
        &[l(
            CREATE_ROLE,
            "request body field UniqueName: added, required [breaking]",
        )],
        &[],
    );
}

#[test]
fn body_field_removed() {
    check_l(
        "body_field_removed",
        &[l(
            CREATE_CONV,
            "request body field Timers.Inactive: removed [breaking]",
        )],
        &[],
    );
}

#[test]
fn body_field_made_required() {
    check_l(
        "body_field_required",
        &[l(
            CREATE_CONV,
            "request body field FriendlyName: required: false -> true [breaking]",
        )],
        &[],
    );
}

#[test]
fn body_field_made_optional() {
    check_l(
        "body_field_optional",
        &[l(
            CREATE_ROLE,
            "request body field FriendlyName: required: true -> false [compatible]",
        )],
        &[],
    );
}

#[test]
fn body_made_required() {
    check_l(
        "body_required",
        &[l(
            CREATE_ROLE,
            "request body: required: false -> true [breaking]",
        )],
        &[],
    );
}

#[test]
fn body_content_type_changed() {
    check_l(
        "content_type_change",
        &[
            l(
                CREATE_ROLE,
                "request body content type application/json: added [compatible]",
            ),
            l(
                CREATE_ROLE,
                "request body content type application/x-www-form-urlencoded: removed [breaking]",
            ),
        ],
        &[],
    );
}

// ---- schema facts -------------------------------------------------------------------------

#[test]
fn enum_value_added_request_and_response() {
    check_l(
        "enum_value_added",
        &[
            l(
                LIST_CONV,
                "response 200 field conversations[].state: enum value added: \"archived\" [compatible]",
            ),
            l(
                CREATE_CONV,
                "request body field State: enum value added: \"archived\" [compatible]",
            ),
            l(
                CREATE_CONV,
                "response 201 field state: enum value added: \"archived\" [compatible]",
            ),
        ],
        &[],
    );
}

#[test]
fn enum_value_removed_request_and_response() {
    check_l(
        "enum_value_removed",
        &[
            l(
                LIST_CONV,
                "response 200 field conversations[].state: enum value removed: \"closed\" [compatible]",
            ),
            l(
                CREATE_CONV,
                "request body field State: enum value removed: \"closed\" [breaking]",
            ),
            l(
                CREATE_CONV,
                "response 201 field state: enum value removed: \"closed\" [compatible]",
            ),
        ],
        &[],
    );
}

#[test]
fn enum_value_replaced_in_request() {
    check_l(
        "enum_value_request_only",
        &[
            l(
                CREATE_ROLE,
                "request body field Type: enum value removed: \"service\" [breaking]",
            ),
            l(
                CREATE_ROLE,
                "request body field Type: enum value added: \"user\" [compatible]",
            ),
        ],
        &[],
    );
}

#[test]
fn type_change() {
    check_l(
        "type_change",
        &[l(
            CREATE_CONV,
            "request body field FriendlyName: type: string -> integer [breaking]",
        )],
        &[],
    );
}

#[test]
fn format_change() {
    check_l(
        "format_change",
        &[l(
            CREATE_CONV,
            "request body field Timers.Inactive: format: none -> date-time [breaking]",
        )],
        &[],
    );
}

#[test]
fn bounds_change() {
    check_l(
        "bounds_change",
        &[
            l(
                LIST_CONV,
                "parameter query PageSize: minimum: 1 -> 0 [compatible]",
            ),
            l(
                LIST_CONV,
                "parameter query PageSize: maximum: 100 -> 50 [breaking]",
            ),
            l(
                LIST_CONV,
                "response 200 field meta.page: minimum: none -> 0 [compatible]",
            ),
        ],
        &[],
    );
}

#[test]
fn pattern_change() {
    check_l(
        "pattern_change",
        &[l(
            CREATE_CONV,
            "request body field MessagingServiceSid: pattern: ^MG[0-9a-fA-F]{32}$ -> ^MG[0-9a-f]{32}$ [breaking]",
        )],
        &[],
    );
}

#[test]
fn nullable_change() {
    check_l(
        "nullable_change",
        &[
            l(
                LIST_CONV,
                "response 200 field meta.key: nullable: false -> true [breaking]",
            ),
            l(
                LIST_CONV,
                "response 200 field meta.next_page_url: nullable: true -> false [compatible]",
            ),
        ],
        &[],
    );
}

#[test]
fn nested_meta_field_change() {
    check_l(
        "nested_meta_change",
        &[l(
            LIST_CONV,
            "response 200 field meta.next_page_url: format: uri -> none [breaking]",
        )],
        &[],
    );
}

// ---- responses ----------------------------------------------------------------------------

#[test]
fn response_field_added() {
    check_l(
        "response_field_added",
        &[
            l(
                LIST_CONV,
                "response 200 field conversations[].unique_name: added [compatible]",
            ),
            l(
                CREATE_CONV,
                "response 201 field unique_name: added [compatible]",
            ),
        ],
        &[],
    );
}

#[test]
fn response_field_removed() {
    check_l(
        "response_field_removed",
        &[l(
            LIST_CONV,
            "response 200 field meta.key: removed [breaking]",
        )],
        &[],
    );
}

#[test]
fn response_code_added() {
    check_l(
        "response_code_added",
        &[
            l(CREATE_CONV, "response 202: added [breaking]"),
            l(DELETE_CONV, "response 404: added [compatible]"),
        ],
        &[],
    );
}

#[test]
fn response_code_removed() {
    check_l(
        "response_code_removed",
        &[l(CREATE_CONV, "response 202: removed [compatible]")],
        &[],
    );
}

// ---- global facts -------------------------------------------------------------------------

#[test]
fn servers_and_security_schemes() {
    check_l(
        "servers_security_change",
        &[
            l(
                "(global)",
                "servers: [https://conversations.twilio.com] -> [https://conversations.example.com] [breaking]",
            ),
            l(
                "(global)",
                r#"security scheme accountSid_authToken: changed: {"scheme":"basic","type":"http"} -> {"scheme":"bearer","type":"http"} [breaking]"#,
            ),
        ],
        &[],
    );
}

// ---- what is not a difference -------------------------------------------------------------

#[test]
fn ref_refactoring_only() {
    check("ref_refactor", &[], &[]);
}

#[test]
fn prose_examples_extensions_only() {
    check("prose_only", &[], &[]);
}

#[test]
fn json_input_same_facts() {
    check("json_input", &[], &[]);
}

// ---- refinements --------------------------------------------------------------------------

#[test]
fn refinement_encoding() {
    check_l(
        "refinement_encoding",
        &[],
        &[l(
            CREATE_ROLE,
            "request body encoding Permission: added {style: form, explode: true}",
        )],
    );
}

#[test]
fn encoding_other_than_refinement_is_counted() {
    check_l(
        "encoding_counted",
        &[
            l(
                CREATE_ROLE,
                "request body encoding FriendlyName: none -> {style: form, explode: true} [compatible]",
            ),
            l(
                CREATE_ROLE,
                "request body encoding Permission: none -> {style: form, explode: false} [breaking]",
            ),
        ],
        &[],
    );
}

#[test]
fn refinement_nullable_type() {
    check_l(
        "refinement_nullable_type",
        &[],
        &[l(
            CREATE_ROLE,
            "response 201 field auto_creation: type: none -> object (was only nullable: true)",
        )],
    );
}

#[test]
fn refinement_with_another_change_on_the_node() {
    check_l(
        "refinement_with_other_change",
        &[l(
            CREATE_ROLE,
            "response 201 field auto_creation: nullable: true -> false [compatible]",
        )],
        &[l(
            CREATE_ROLE,
            "response 201 field auto_creation: type: none -> object (was only nullable: true)",
        )],
    );
}

#[test]
fn refinement_typed_sub_object_and_required_field() {
    // `links` gains a key below a uri-map, `sid` becomes required and loses `nullable`: all
    // refinements. `friendly_name` loses `nullable` but stays optional: counted.
    let mut refinements = Vec::new();
    for (op, prefix, code) in [
        (LIST_CONV, "conversations[].", "200"),
        (CREATE_CONV, "", "201"),
    ] {
        refinements.extend([
            l(
                op,
                &format!(
                    "response {code} field {prefix}links.messages: added (a key of an object OLD left open)"
                ),
            ),
            l(
                op,
                &format!("response {code} field {prefix}sid: required: false -> true (always returned)"),
            ),
            l(
                op,
                &format!(
                    "response {code} field {prefix}sid: nullable: true -> false (required: always returned with a value)"
                ),
            ),
        ]);
    }
    check_l(
        "refinement_typed_and_required",
        &[
            l(
                LIST_CONV,
                "response 200 field conversations[].friendly_name: nullable: true -> false [compatible]",
            ),
            l(
                CREATE_CONV,
                "response 201 field friendly_name: nullable: true -> false [compatible]",
            ),
        ],
        &refinements,
    );
    // The other way round every one of them is a counted, breaking difference.
    let report = diff_files(
        &fixture("refinement_typed_and_required", "new.yaml"),
        &fixture("refinement_typed_and_required", "old.yaml"),
    );
    let report = report.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.refinements, []);
    assert_eq!(report.differences.len(), 8);
    assert!(report
        .differences
        .iter()
        .all(|d| d.label == Label::Breaking));
}

#[test]
fn refinement_is_one_way() {
    // NEW -> OLD: the type disappears, which is a counted type change.
    let report = diff_files(
        &fixture("refinement_nullable_type", "new.yaml"),
        &fixture("refinement_nullable_type", "old.yaml"),
    );
    let lines: Vec<String> = report
        .map(|r| r.differences.iter().map(|d| d.line()).collect())
        .unwrap_or_default();
    assert_eq!(
        lines,
        ["response 201 field auto_creation: type: object -> none [breaking]"]
    );
}

// ---- rendering ----------------------------------------------------------------------------

#[test]
fn full_output_is_grouped_and_sorted() {
    let out = cli_case("enum_value_removed");
    assert_eq!(
        out.stdout,
        "\
GET /v1/Conversations (ListConversation)
  response 200 field conversations[].state: enum value removed: \"closed\" [compatible]

POST /v1/Conversations (CreateConversation)
  request body field State: enum value removed: \"closed\" [breaking]
  response 201 field state: enum value removed: \"closed\" [compatible]

spec-diff: 3 differences (1 breaking, 2 compatible), 0 refinements
"
    );
    let out = cli_case("refinement_with_other_change");
    assert_eq!(
        out.stdout,
        "\
POST /v1/Roles (CreateRole)
  response 201 field auto_creation: nullable: true -> false [compatible]

refinements (not counted):
  POST /v1/Roles (CreateRole)
    response 201 field auto_creation: type: none -> object (was only nullable: true)

spec-diff: 1 differences (0 breaking, 1 compatible), 1 refinements
"
    );
}

#[test]
fn output_is_deterministic() {
    let first = cli_case("response_code_added").stdout;
    for _ in 0..5 {
        assert_eq!(cli_case("response_code_added").stdout, first);
    }
}

// ---- errors -------------------------------------------------------------------------------

#[test]
fn error_broken_yaml() {
    check_error(
        "error_broken_yaml",
        "{new}: invalid YAML: did not find expected ',' or ']' at line 94 column 17, while parsing a flow sequence at line 93 column 20",
    );
}

#[test]
fn error_dangling_ref_names_pointer() {
    check_error(
        "error_dangling_ref",
        "{new}: #/paths/~1v1~1Roles/post/responses/201/content/application~1json/schema/$ref: $ref `#/components/schemas/roles` points at nothing",
    );
}

#[test]
fn error_map_expected() {
    check_error(
        "error_not_a_map",
        "{new}: #/paths/~1v1~1Roles/post/requestBody/content: expected a map",
    );
}

#[test]
fn error_schema_not_an_object() {
    check_error(
        "error_schema_not_object",
        "{new}: #/components/schemas/role/properties/auto_creation: expected a map",
    );
}

#[test]
fn error_ref_cycle() {
    check_error(
        "error_ref_cycle",
        "{new}: #/components/schemas/conversation/properties/state: $ref cycle: #/components/schemas/conversation/properties/state -> #/components/schemas/conversation_enum_state -> #/components/schemas/conversation_state_alias -> #/components/schemas/conversation_enum_state",
    );
}

#[test]
fn error_wrong_scalar_type() {
    check_error(
        "error_wrong_type",
        "{new}: #/paths/~1v1~1Conversations/get/parameters/0/schema/maximum: expected a number",
    );
}

#[test]
fn error_in_old_file_names_old_file() {
    let old = fixture("error_not_a_map", "new.yaml");
    let new = fixture("error_not_a_map", "old.yaml");
    let out = cli(&[old.display().to_string(), new.display().to_string()]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        format!(
            "spec-diff: {}: #/paths/~1v1~1Roles/post/requestBody/content: expected a map\n",
            old.display()
        )
    );
}

#[test]
fn error_unreadable_file() {
    let missing = fixture("no_such_case", "old.yaml");
    let new = fixture("operation_added", "new.yaml");
    let out = cli(&[missing.display().to_string(), new.display().to_string()]);
    assert_eq!(out.code, 2);
    assert_eq!(out.stdout, "");
    let prefix = format!("spec-diff: {}: cannot read: ", missing.display());
    assert!(out.stderr.starts_with(&prefix), "{}", out.stderr);
}

#[test]
fn usage_errors() {
    let a = fixture("operation_added", "old.yaml").display().to_string();
    for args in [
        vec![],
        vec![a.clone()],
        vec![a.clone(), a.clone(), a.clone()],
        vec!["--check".to_owned(), a.clone()],
    ] {
        let out = cli(&args);
        assert_eq!(out.code, 2, "{args:?}");
        assert!(
            out.stderr
                .starts_with("usage: cargo xtask spec-diff OLD NEW"),
            "{args:?}"
        );
        assert_eq!(out.stdout, "");
    }
    let out = cli(&["--help".to_owned()]);
    assert_eq!(out.code, 0);
    assert!(out
        .stdout
        .starts_with("usage: cargo xtask spec-diff OLD NEW"));
}

#[test]
fn default_change() {
    // A request default decides what omitted fields mean: breaking. A response default only
    // documents a usual value (Twilio added `default: 0` to `index` and `error_code` in 2025).
    check_l(
        "default_change",
        &[
            l(
                LIST_CONV,
                "parameter query PageSize: default: none -> 50 [breaking]",
            ),
            l(
                LIST_CONV,
                "response 200 field meta.page: default: none -> 0 [compatible]",
            ),
            l(
                CREATE_CONV,
                "request body field FriendlyName: default: \"Support\" -> \"Help desk\" \
                 [breaking]",
            ),
        ],
        &[],
    );
}
