//! The media part of step 5 of `cargo xtask test`: a Prism of its own serves the Media Content
//! Service (`spec/media_v1.yaml`) for the `conformance_media` suite.

use std::path::Path;
use std::process::Command;

use super::prism::Prism;
use super::steps::step;

/// The Media Content Service on a Prism of its own (it is another host): both operations
/// through the client, and the refusals that show Prism validates (`conformance_media`).
pub(super) fn media_conformance(root: &Path, cargo: &str) -> bool {
    println!("== xtask test: start Prism on spec/media_v1.yaml");
    let prism = match Prism::start(root, Path::new("spec/media_v1.yaml"), "prism-media.log") {
        Ok(p) => p,
        Err(e) => {
            eprintln!("== xtask test: {e}");
            return false;
        }
    };
    let ok = step(
        "media conformance (upload and fetch through the client)",
        Command::new(cargo)
            .current_dir(root)
            .env("CONFORMANCE_MEDIA_URL", &prism.url)
            .args([
                "run",
                "--quiet",
                "-p",
                "conversations-tests",
                "--bin",
                "conformance_media",
            ]),
    );
    if !ok {
        eprintln!("== xtask test: Prism's log: {}", prism.log.display());
    }
    ok
}
