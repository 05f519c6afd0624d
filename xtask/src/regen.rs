//! `cargo xtask regen [--check] [--spec PATH] [--events PATH] [--out DIR [--crate-name NAME] [--workspace-member]]`.
//!
//! One function both writes and checks: it computes every generated file in memory, then
//! either compares (`--check`) or writes them and deletes stale ones.
//!
//! With `--out`, the crate is standalone: its generated code, a generated `lib.rs` and a
//! manifest that depends on the `twilio-runtime` crate (`standalone.rs`). It is named for its
//! spec (see `codegen::package`), so crates from two specs can share a workspace and a target
//! directory; `--crate-name` overrides the name. Such a crate is its own workspace (an empty
//! `[workspace]` table), so it builds wherever it is written; `--workspace-member` leaves that
//! table out, for a crate that joins an existing workspace.
//!
//! Webhook events come from a second spec: `spec/conversations_webhooks_v1.yaml` when `--spec`
//! is not given, else only the one named by `--events`. Without one, `events.rs` only knows
//! `Unknown`.
//!
//! What the runtime handles by itself (the path parameters its client supplies, the
//! idempotency key header, page tokens, the status URL of accepted operations) comes from the
//! runtime crate's constants ([`runtime_conventions`]), the one place both sides read.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const DEFAULT_SPEC: &str = "spec/conversations_v1.yaml";
const DEFAULT_EVENTS_SPEC: &str = "spec/conversations_webhooks_v1.yaml";
/// The APIs generated into modules of the checked-in crate (only), each reached through
/// `client.<module>()`: `(module and accessor name, spec)`. The Media Content Service has its
/// own host; Conversations v2 shares the v1 host and its credentials.
const MODULES: &[(&str, &str)] = &[
    ("media", "spec/media_v1.yaml"),
    ("v2", "spec/conversations_v2.yaml"),
];

struct Args {
    check: bool,
    spec: PathBuf,
    events: Option<PathBuf>,
    out: Option<PathBuf>,
    crate_name: Option<String>,
    workspace_member: bool,
    /// The modules' specs, when the checked-in crate is generated (no `--spec`).
    modules: Vec<(&'static str, PathBuf)>,
}

fn parse_args(args: &[String]) -> Result<Args, String> {
    let root = crate::project_root();
    let mut a = Args {
        check: false,
        spec: root.join(DEFAULT_SPEC),
        events: None,
        out: None,
        crate_name: None,
        workspace_member: false,
        modules: Vec::new(),
    };
    let mut spec_given = false;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--check" => a.check = true,
            "--spec" => {
                a.spec = PathBuf::from(it.next().ok_or("--spec needs a path")?);
                spec_given = true;
            }
            "--events" => a.events = Some(PathBuf::from(it.next().ok_or("--events needs a path")?)),
            "--out" => a.out = Some(PathBuf::from(it.next().ok_or("--out needs a directory")?)),
            "--workspace-member" => a.workspace_member = true,
            "--crate-name" => {
                let name = it.next().ok_or("--crate-name needs a name")?;
                let valid = name.starts_with(|c: char| c.is_ascii_alphabetic())
                    && name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
                if !valid {
                    return Err(format!(
                        "--crate-name `{name}`: a crate name is ASCII letters, digits, `-` and \
                         `_`, starting with a letter"
                    ));
                }
                a.crate_name = Some(name.clone());
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    if a.events.is_none() && !spec_given {
        a.events = Some(root.join(DEFAULT_EVENTS_SPEC));
    }
    if !spec_given {
        a.modules = MODULES
            .iter()
            .map(|(name, spec)| (*name, root.join(spec)))
            .collect();
    }
    if (a.crate_name.is_some() || a.workspace_member) && a.out.is_none() {
        return Err(
            "--crate-name and --workspace-member go with --out (the checked-in crate keeps its \
             name and its workspace)"
                .into(),
        );
    }
    Ok(a)
}

pub fn run(args: &[String]) -> ExitCode {
    let args = match parse_args(args) {
        Ok(a) => a,
        Err(e) => {
            eprintln!(
                "regen: {e}\nusage: cargo xtask regen [--check] [--spec PATH] [--events PATH] \
                 [--out DIR [--crate-name NAME] [--workspace-member]]"
            );
            return ExitCode::from(2);
        }
    };
    match regen(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("regen: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `regen --check` of the checked-in crate, for `cargo xtask test`, which runs it in its own
/// process: the binary running the tests is the one built from today's generator.
pub(crate) fn check() -> Result<bool, String> {
    regen(&parse_args(&["--check".to_owned()])?)
}

/// What the runtime handles by itself, by the names a spec uses for it: the runtime's own
/// constants, so the generator and the runtime read one list.
pub(crate) fn runtime_conventions() -> codegen::Conventions<'static> {
    codegen::Conventions::client_path_parameters(twilio_runtime::CLIENT_PATH_PARAMETERS)
        .idempotency_key_header(twilio_runtime::IDEMPOTENCY_KEY_HEADER)
        .page_token(
            twilio_runtime::PAGE_TOKEN_MEMBER,
            twilio_runtime::PAGE_TOKEN_PARAMETER,
        )
        .operation_status_url(twilio_runtime::OPERATION_STATUS_URL_MEMBER)
}

/// Where each generated file goes, relative to the crate folder.
fn planned_files(args: &Args) -> Result<(BTreeMap<PathBuf, String>, codegen::Summary), String> {
    let spec = args.spec.as_path();
    let text = std::fs::read_to_string(spec).map_err(|e| format!("{}: {e}", spec.display()))?;
    let root = crate::project_root();
    let source_name = |spec: &Path| {
        spec.strip_prefix(&root)
            .map(|p| p.display().to_string())
            .unwrap_or_else(|_| {
                spec.file_name()
                    .map(|f| f.to_string_lossy().into_owned())
                    .unwrap_or_default()
            })
    };
    let source = source_name(spec);
    let events = match &args.events {
        Some(path) => Some((
            std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?,
            source_name(path),
        )),
        None => None,
    };
    let mut input = codegen::Input::new(&text, &source).conventions(runtime_conventions());
    if let Some((text, source)) = &events {
        input = input.events(codegen::EventsSpec { text, source });
    }
    let mut generated =
        codegen::generate_with(&input).map_err(|e| format!("{}: {e}", spec.display()))?;
    for (name, spec) in &args.modules {
        let text = std::fs::read_to_string(spec).map_err(|e| format!("{}: {e}", spec.display()))?;
        let module_source = source_name(spec);
        let module_input =
            codegen::Input::new(&text, &module_source).conventions(runtime_conventions());
        let module = codegen::generate_module(&module_input, name)
            .map_err(|e| format!("{}: {e}", spec.display()))?;
        // Its drift report is not written: one scope only, nothing to pair.
        generated = generated.with_module(name, &module_source, module);
    }
    let mut files = BTreeMap::new();
    for (name, body) in generated.files {
        files.insert(Path::new("src/generated").join(name), body);
    }
    files.insert(PathBuf::from("DRIFT.md"), generated.drift_report);
    if let Some(out) = &args.out {
        let mut package = generated.package.clone();
        if let Some(name) = &args.crate_name {
            package.name = name.clone();
        }
        files.insert(
            PathBuf::from("src/lib.rs"),
            codegen::package::lib_rs(&package),
        );
        files.insert(
            PathBuf::from("Cargo.toml"),
            crate::standalone::manifest(&root, out, &package, !args.workspace_member)?,
        );
    }
    Ok((files, generated.summary))
}

fn regen(args: &Args) -> Result<bool, String> {
    let start = std::time::Instant::now();
    let (files, summary) = planned_files(args)?;
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| crate::project_root().join("conversations-api"));
    let gen_dir = dir.join("src/generated");
    let list = |d: &Path| -> Vec<PathBuf> {
        std::fs::read_dir(d)
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .map(|e| e.path())
                    .filter(|p| p.is_file())
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut existing = list(&gen_dir);
    for (name, _) in MODULES {
        existing.extend(list(&gen_dir.join(name)));
    }
    let stale: Vec<PathBuf> = existing
        .into_iter()
        .filter(|p| {
            p.strip_prefix(&dir)
                .map(|rel| !files.contains_key(rel))
                .unwrap_or(false)
        })
        .collect();
    let mut changed = Vec::new();
    for (rel, body) in &files {
        let path = dir.join(rel);
        let current = std::fs::read_to_string(&path).ok();
        if current.as_deref() != Some(body.as_str()) {
            changed.push(rel.clone());
        }
    }
    if args.check {
        if changed.is_empty() && stale.is_empty() {
            println!("regen --check: generated code is up to date ({summary})");
            return Ok(true);
        }
        for rel in &changed {
            eprintln!("stale: {}", dir.join(rel).display());
        }
        for p in &stale {
            eprintln!("stale (would be deleted): {}", p.display());
        }
        eprintln!(
            "regen --check: {} file(s) out of date; run `cargo xtask regen`",
            changed.len() + stale.len()
        );
        return Ok(false);
    }
    for rel in &changed {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(&path, &files[rel]).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    for p in &stale {
        std::fs::remove_file(p).map_err(|e| format!("{}: {e}", p.display()))?;
    }
    println!(
        "regen: {summary}; {} file(s) written, {} unchanged, {} stale deleted, in {:.0?} -> {}",
        changed.len(),
        files.len() - changed.len(),
        stale.len(),
        start.elapsed(),
        dir.display()
    );
    Ok(true)
}
