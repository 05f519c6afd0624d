//! `cargo xtask spec-diff OLD NEW` (to be written).

use std::process::ExitCode;

pub fn run(_args: &[String]) -> ExitCode {
    eprintln!("spec-diff: not implemented yet");
    ExitCode::from(2)
}
