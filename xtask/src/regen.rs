//! `cargo xtask regen` (to be written).

use std::process::ExitCode;

pub fn run(_args: &[String]) -> ExitCode {
    eprintln!("regen: not implemented yet");
    ExitCode::from(2)
}
