//! `cargo xtask spec-diff OLD NEW`: see the `spec-diff` crate.

use std::process::ExitCode;

pub fn run(args: &[String]) -> ExitCode {
    spec_diff::cli(args)
}
