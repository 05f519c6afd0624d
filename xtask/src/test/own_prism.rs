//! The parts of step 5 of `cargo xtask test` where an API of the crate other than v1 gets a
//! Prism of its own (another host, or another spec) and a conformance binary of its own calls
//! every operation through the client against it.

use std::path::Path;
use std::process::Command;

use super::prism::Prism;
use super::steps::step;

/// One such suite.
pub(super) struct Suite {
    /// The spec Prism serves.
    pub(super) spec: &'static str,
    /// Prism's log file (under `target/`).
    pub(super) log: &'static str,
    /// What the step is called in the output.
    pub(super) name: &'static str,
    /// The variable that hands the suite Prism's URL.
    pub(super) url_var: &'static str,
    /// The `conversations-tests` binary that runs the suite.
    pub(super) bin: &'static str,
}

/// The Media Content Service (its own host): both operations through the client, and the
/// refusals that show Prism validates.
pub(super) const MEDIA: Suite = Suite {
    spec: "spec/media_v1.yaml",
    log: "prism-media.log",
    name: "media conformance (upload and fetch through the client)",
    url_var: "CONFORMANCE_MEDIA_URL",
    bin: "conformance_media",
};

/// Conversations v2: all 22 operations through `client.v2()` (lists as token-paged streams,
/// accepted operations polled once, writes with idempotency keys), and the refusals that show
/// Prism validates.
pub(super) const V2: Suite = Suite {
    spec: "spec/conversations_v2.yaml",
    log: "prism-v2.log",
    name: "Conversations v2 conformance (every operation through client.v2())",
    url_var: "CONFORMANCE_V2_URL",
    bin: "conformance_v2",
};

/// Start Prism on the suite's spec and run the suite against it.
pub(super) fn run(root: &Path, cargo: &str, suite: &Suite) -> bool {
    println!("== xtask test: start Prism on {}", suite.spec);
    let prism = match Prism::start(root, Path::new(suite.spec), suite.log) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("== xtask test: {e}");
            return false;
        }
    };
    let ok = step(
        suite.name,
        Command::new(cargo)
            .current_dir(root)
            .env(suite.url_var, &prism.url)
            .args([
                "run",
                "--quiet",
                "-p",
                "conversations-tests",
                "--bin",
                suite.bin,
            ]),
    );
    if !ok {
        eprintln!("== xtask test: Prism's log: {}", prism.log.display());
    }
    ok
}
