//! Project automation: `cargo xtask <command>`.

use std::process::ExitCode;

mod bench;
mod corpus;
mod downstream;
mod regen;
mod scale;
mod spec_diff;
mod standalone;
mod test;
mod timing;

const USAGE: &str = "\
usage: cargo xtask <command> [args]

commands:
  regen [--check] [--spec PATH] [--events PATH] [--out DIR [--crate-name NAME] [--workspace-member]]
        regenerate conversations-api/src/generated from spec/ (or write a
        standalone crate for any spec with --out, named for the spec's title
        and path prefix unless --crate-name says otherwise); --check fails
        when stale
  test [--reference PATH]
        run every test (regen --check, fmt, clippy, cargo test, generated
        crates, Prism conformance); with Twilio's published spec (PATH or
        TWILIO_REFERENCE_SPEC) also the upstream checks
  bench [--quick | --generator-only | --scale | --instructions | --downstream [--rounds N]]
        measure the generator, the generated crate and the runtime (BENCHMARKS.md);
        --generator-only: only the generator stages for spec/ (15 runs);
        --scale: only how the generator grows with the spec (1, 11, 88 copies);
        --instructions: only the client's instructions per request against
        plain reqwest (callgrind);
        --downstream: a user's clean builds and binary size, ours next to
        progenitor's output (needs `cargo install cargo-progenitor`)
  corpus DIR
        generate and build a crate for every spec in DIR (Twilio's published
        files, say) in one target dir; prints a table and a total
  spec-diff OLD NEW
        compare the API facts of two OpenAPI specs; exits 1 on any
        counted difference
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((cmd, rest)) = args.split_first() else {
        eprint!("{USAGE}");
        return ExitCode::from(2);
    };
    match cmd.as_str() {
        "regen" => regen::run(rest),
        "spec-diff" => spec_diff::run(rest),
        "test" => test::run(rest),
        "bench" => bench::run(rest),
        "corpus" => corpus::run(rest),
        "bench-scale-one" => scale::run_one(rest),
        "help" | "--help" | "-h" => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        other => {
            eprintln!("unknown command `{other}`\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// The workspace root (the folder holding `xtask/`).
pub fn project_root() -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    dir.parent().unwrap_or(dir).to_path_buf()
}
