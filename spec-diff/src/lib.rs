//! Compare the API facts of two OpenAPI 3 specs: `cargo xtask spec-diff OLD NEW`.
//!
//! Both files (YAML, or JSON when named `*.json`) are read, every local `$ref`
//! (`#/components/...`, or any `#/...` pointer) is resolved, and the *facts* of each spec are
//! extracted and compared. Each difference is labelled **breaking** or **compatible** for an
//! existing client generated from OLD.
//!
//! # What is compared
//!
//! - **Operations**, keyed by method and path: added, removed, `operationId` changed.
//! - **Parameters**, keyed by location and name (path-level parameters merged into each
//!   operation, operation-level ones overriding): `required`, the serialisation (`style`,
//!   `explode`, with their defaults filled in) and the schema facts below.
//! - **Request bodies**: present or not, `required`, content types, and per content type the
//!   schema (fields keyed by name, so `Timers.Inactive` is one field; `required` lists become a
//!   `required` fact on each field) and the `encoding` entries.
//! - **Responses**, keyed by status code: content types and the schema of each, recursively
//!   (`meta.next_page_url`, `conversations[].sid`).
//! - **Security**: the security schemes (by name, ignoring their prose) and the effective
//!   requirement of each operation.
//! - **Servers**: the root server URLs, and those an operation or path item declares itself.
//!
//! Schema facts, compared on every node (the root, each property, array items `[]`, map values
//! `*` of a schema-valued `additionalProperties`, `oneOf`/`anyOf` branches by position): `type`,
//! `format`, `enum` values, `required`, `nullable` (also `type: [.., "null"]`), `minimum`,
//! `maximum`, `exclusiveMinimum`, `exclusiveMaximum`, `multipleOf`, `minLength`, `maxLength`,
//! `pattern`, `minItems`, `maxItems`, `uniqueItems`, `additionalProperties: false`, `default`
//! (as canonical JSON). `allOf` branches are merged into one node.
//!
//! Ignored: prose (`description`, `summary`, `title`), `example`/`examples`, vendor extensions
//! (`x-*`), `tags`, response headers, `deprecated`, `readOnly`/`writeOnly`,
//! `discriminator`, `not`, `info`, `externalDocs`, and how the spec is factored into `$ref`s:
//! component names never appear in the facts, only the resolved structure.
//!
//! A recursive schema (a `$ref` met again below itself) is recorded as a `recursive` fact on
//! the node where it loops, counting how many levels up, so it is compared by structure too.
//! A `$ref` chain that loops without any schema in between is an error.
//!
//! # Labelling rules
//!
//! The principle: a request is input to the server, which must still accept everything a
//! client built from OLD sends, so a request constraint may only get **looser**; a response is
//! input to the client, which must still understand everything the server sends, so a response
//! constraint may only get **tighter**. Anything else is breaking. A `default` is a
//! behaviour, not a constraint: in a request it decides what an omitted field means, so any
//! change to it is breaking; in a response it only documents a usual value: compatible.
//!
//! | difference | request (parameters, body) | response |
//! | --- | --- | --- |
//! | operation added / removed | compatible / breaking | |
//! | `operationId` changed (generated method names follow it) | breaking | |
//! | parameter or field added | compatible if optional, breaking if required | compatible |
//! | parameter or field removed | breaking | breaking |
//! | becomes required / becomes optional | breaking / compatible | compatible / breaking |
//! | `type` or `format` changed, added or removed | breaking | breaking |
//! | enum value added | compatible | compatible (*) |
//! | enum value removed | breaking | compatible (*) |
//! | enum introduced / dropped | breaking / compatible | compatible (*) |
//! | `nullable` becomes true / false | compatible / breaking | breaking / compatible |
//! | bound tightened (`minimum` up, `maximum` down, `minLength` up, `maxLength` down, `minItems` up, `maxItems` down, exclusive bound added, `multipleOf`, `pattern` or `uniqueItems` added, `additionalProperties: false` added) | breaking | compatible |
//! | bound loosened (the reverse) | compatible | breaking |
//! | `pattern` or `multipleOf` replaced by another | breaking | breaking |
//! | parameter `style`/`explode` changed (wire format) | breaking | |
//! | recursion shape changed | breaking | breaking |
//! | request body added | compatible if optional, breaking if required | |
//! | request body removed, or becomes required | breaking | |
//! | request body becomes optional | compatible | |
//! | content type added / removed | compatible / breaking | compatible / breaking |
//! | `encoding` entry changed | breaking, unless the effective serialisation (`style` default `form`, `explode` default `style == form`, `allowReserved` default false) is unchanged: compatible | |
//! | response code added | | breaking for a 2xx code (an OLD client does not expect that success), compatible otherwise (errors are handled by status) |
//! | response code removed | | compatible (the client just never sees it) |
//! | security scheme added / removed / changed | compatible / breaking / breaking | |
//! | security requirement changed | compatible if every alternative OLD accepted is still accepted (or NEW allows anonymous access), breaking otherwise | |
//! | server URLs changed | breaking | |
//!
//! (*) Enum changes in a response are compatible **only because** our generated clients decode
//! an unknown enum value into a fallback variant (`Unknown(String)`-style); a client without
//! such a fallback would break on an added value.
//!
//! A node added or removed is reported once, not once more for each node below it.
//!
//! # Refinements
//!
//! Differences that make a spec say what the API already does are listed separately and not
//! counted:
//!
//! 1. an `encoding` entry `{style: form, explode: true}` (the form default, written out) for an
//!    array field, present on one side and absent on the other;
//! 2. an explicit `type` added in NEW on a property that in OLD was only `nullable: true`
//!    (no type, nothing below it), or, in a response, on a node that in OLD had no facts at all
//!    (untyped array items). Other facts changed on the same node are still counted;
//! 3. in a response, a key described in NEW below an object that OLD left open: OLD's node is
//!    `type: object` (any `format`, such as `uri-map`) or untyped, names no keys and does not
//!    say `additionalProperties: false` (a typed sub-object);
//! 4. in a response, a field that becomes `required` (the API always returns it), and the
//!    `nullable: true` it loses at the same time, when NEW makes it required.
//!
//! Any other `encoding` change, any `type` change on a node that had a type (or a type
//! removed), a key added below an object that already named keys, a `nullable` dropped from a
//! field that stays optional, and any of these in a request, is a counted difference.
//!
//! # Output and exit code
//!
//! Differences grouped by operation (`POST /v1/Conversations (CreateConversation)`; global
//! facts under `(global)`) in path then method order, one line each
//! (`request body field Timers.Inactive: format: none -> date-time [breaking]`), then the
//! refinements, then `spec-diff: N differences (B breaking, C compatible), R refinements`.
//! Exit code 0 when N == 0, 1 when N > 0, 2 on a usage error or an unreadable or invalid
//! spec, reported as `FILE: POINTER: problem` (e.g.
//! `spec/x.yaml: #/paths/~1v1~1Roles/post/requestBody/content: expected a map`).

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

mod diff;
mod error;
mod load;
mod model;
mod report;

pub use error::{Error, SpecError};
pub use report::{Difference, Label, Refinement, Report};

const USAGE: &str = "usage: cargo xtask spec-diff OLD NEW

Compares the API facts of two OpenAPI 3 specs (YAML or JSON) and labels each
difference breaking or compatible for a client generated from OLD.
Exit code: 0 no difference, 1 differences, 2 usage error or invalid input.
";

/// Compares two parsed specs; `old_name` and `new_name` name them in errors.
pub fn diff_values(
    old_name: &str,
    old: &serde_json::Value,
    new_name: &str,
    new: &serde_json::Value,
) -> Result<Report, Error> {
    let a = model::extract(old).map_err(|e| Error::in_file(old_name, e))?;
    let b = model::extract(new).map_err(|e| Error::in_file(new_name, e))?;
    Ok(diff::diff(&a, &b))
}

/// Reads one spec file (YAML, or JSON when named `*.json`) into a JSON value. Errors name the
/// file as displayed by `Path::display`.
pub fn load_file(path: &Path) -> Result<serde_json::Value, Error> {
    load::load_file(path, &path.display().to_string())
}

/// Reads and compares two spec files. Errors name the file as displayed by `Path::display`.
pub fn diff_files(old: &Path, new: &Path) -> Result<Report, Error> {
    let (old_name, new_name) = (old.display().to_string(), new.display().to_string());
    let a = load::load_file(old, &old_name)?;
    let b = load::load_file(new, &new_name)?;
    diff_values(&old_name, &a, &new_name, &b)
}

/// Runs the command line (`args` without the command name), writing the report to `out` and
/// errors to `err`; returns the exit code (0 no difference, 1 differences, 2 error).
pub fn run(args: &[String], out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    // Write errors (a closed pipe) are not worth failing over: the exit code still tells.
    match args {
        [h] if h == "-h" || h == "--help" => {
            let _ = out.write_all(USAGE.as_bytes());
            0
        }
        [old, new] if !old.starts_with('-') && !new.starts_with('-') => {
            match diff_files(Path::new(old), Path::new(new)) {
                Ok(report) => {
                    let _ = out.write_all(report.render().as_bytes());
                    u8::from(!report.differences.is_empty())
                }
                Err(e) => {
                    let _ = writeln!(err, "spec-diff: {e}");
                    2
                }
            }
        }
        _ => {
            let _ = err.write_all(USAGE.as_bytes());
            2
        }
    }
}

/// Entry point of `cargo xtask spec-diff OLD NEW`.
pub fn cli(args: &[String]) -> ExitCode {
    let code = run(
        args,
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    );
    ExitCode::from(code)
}
