//! Compare the API facts of two OpenAPI specs (to be written).

use std::process::ExitCode;

/// Entry point of `cargo xtask spec-diff OLD NEW`.
pub fn cli(_args: &[String]) -> ExitCode {
    eprintln!("spec-diff: not implemented yet");
    ExitCode::from(2)
}
