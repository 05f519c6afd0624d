//! Records the compiler version for the User-Agent header. Never fails the build: when the
//! version cannot be read, the User-Agent says `rust/unknown`.

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=RUSTC");
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let version = Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .filter(|out| out.status.success())
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .and_then(|text| parse(&text))
        .unwrap_or_else(|| "unknown".to_string());
    println!("cargo:rustc-env=TWILIO_RUNTIME_RUSTC_VERSION={version}");
}

/// `rustc 1.80.1 (3f5fd8dd4 2024-08-06)` -> `1.80.1`; only characters safe in a header.
fn parse(text: &str) -> Option<String> {
    let version = text.split_whitespace().nth(1)?;
    let ok = !version.is_empty()
        && version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+'));
    ok.then(|| version.to_string())
}
