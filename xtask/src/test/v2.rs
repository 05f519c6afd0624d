//! The Conversations v2 part of step 5 of `cargo xtask test`: a Prism of its own serves
//! `spec/conversations_v2.yaml` for the `conformance_v2` suite.

use std::path::Path;
use std::process::Command;

use super::prism::Prism;
use super::steps::step;

/// Conversations v2 on a Prism of its own: all 22 operations through `client.v2()` (lists as
/// token-paged streams, accepted operations polled once, writes with idempotency keys), and
/// the refusals that show Prism validates (`conformance_v2`).
pub(super) fn v2_conformance(root: &Path, cargo: &str) -> bool {
    println!("== xtask test: start Prism on spec/conversations_v2.yaml");
    let prism = match Prism::start(
        root,
        Path::new("spec/conversations_v2.yaml"),
        "prism-v2.log",
    ) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("== xtask test: {e}");
            return false;
        }
    };
    let ok = step(
        "Conversations v2 conformance (every operation through client.v2())",
        Command::new(cargo)
            .current_dir(root)
            .env("CONFORMANCE_V2_URL", &prism.url)
            .args([
                "run",
                "--quiet",
                "-p",
                "conversations-tests",
                "--bin",
                "conformance_v2",
            ]),
    );
    if !ok {
        eprintln!("== xtask test: Prism's log: {}", prism.log.display());
    }
    ok
}
