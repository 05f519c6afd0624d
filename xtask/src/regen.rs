//! `cargo xtask regen [--check] [--spec PATH] [--events PATH] [--out DIR [--crate-name NAME] [--workspace-member]]`.
//!
//! One function both writes and checks: it computes every generated file in memory, then
//! either compares (`--check`) or writes them and deletes stale ones.
//!
//! With `--out`, the crate is standalone (runtime copied in) and named for its spec (see
//! `codegen::package`), so crates from two specs can share a workspace and a target directory;
//! `--crate-name` overrides the name. Such a crate is its own workspace (an empty `[workspace]`
//! table), so it builds wherever it is written; `--workspace-member` leaves that table out, for
//! a crate that joins an existing workspace.
//!
//! Webhook events come from a second spec: `spec/conversations_webhooks_v1.yaml` when `--spec`
//! is not given, else only the one named by `--events`. Without one, `events.rs` only knows
//! `Unknown`, so a crate for another API's spec still builds with the webhook runtime.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const DEFAULT_SPEC: &str = "spec/conversations_v1.yaml";
const DEFAULT_EVENTS_SPEC: &str = "spec/conversations_webhooks_v1.yaml";
/// The Media Content Service (its own host): generated into `src/generated/media/` and
/// reached through `client.media()`, with the checked-in crate only.
const MEDIA_SPEC: &str = "spec/media_v1.yaml";
/// Its module (and accessor) name.
const MEDIA_MODULE: &str = "media";
/// Hand-written runtime files that need the Conversations and media handles: a crate generated
/// from another spec (`--out`) leaves them out, and the lines of `lib.rs` that name them.
const CONVERSATIONS_ONLY_RUNTIME: &[(&str, &str)] = &[("media_upload.rs", "media_upload")];

struct Args {
    check: bool,
    spec: PathBuf,
    events: Option<PathBuf>,
    out: Option<PathBuf>,
    crate_name: Option<String>,
    workspace_member: bool,
    /// The media spec, when the checked-in crate is generated (no `--spec`).
    media: Option<PathBuf>,
    /// `--spec` named another file than ours: the crate's front page then gets an
    /// introduction of its own instead of the Conversations one.
    other_spec: bool,
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
        media: None,
        other_spec: false,
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
        a.media = Some(root.join(MEDIA_SPEC));
    }
    let ours = root.join(DEFAULT_SPEC).canonicalize().ok();
    a.other_spec = spec_given && a.spec.canonicalize().ok() != ours;
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
    let events_spec = events
        .as_ref()
        .map(|(text, source)| codegen::EventsSpec { text, source });
    let mut generated = codegen::generate_with_events(&text, &source, events_spec)
        .map_err(|e| format!("{}: {e}", spec.display()))?;
    if let Some(media) = &args.media {
        let text =
            std::fs::read_to_string(media).map_err(|e| format!("{}: {e}", media.display()))?;
        let media_source = source_name(media);
        let module = codegen::generate_module(&text, &media_source, MEDIA_MODULE)
            .map_err(|e| format!("{}: {e}", media.display()))?;
        // Its drift report is not written: one scope only, nothing to pair.
        generated = generated.with_module(MEDIA_MODULE, &media_source, module);
    }
    let mut files = BTreeMap::new();
    for (name, body) in generated.files {
        files.insert(Path::new("src/generated").join(name), body);
    }
    files.insert(PathBuf::from("DRIFT.md"), generated.drift_report);
    if args.out.is_some() {
        let mut package = generated.package.clone();
        if let Some(name) = &args.crate_name {
            package.name = name.clone();
        }
        let lib_name = package.lib_name();
        // The hand-written runtime: every top-level source file of the client crate, and its
        // build script if it has one.
        let crate_dir = root.join("conversations-api");
        let src = crate_dir.join("src");
        let entries = std::fs::read_dir(&src).map_err(|e| format!("{}: {e}", src.display()))?;
        let mut runtime: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "rs"))
            .collect();
        if crate_dir.join("build.rs").is_file() {
            runtime.push(crate_dir.join("build.rs"));
        }
        runtime.retain(|p| {
            !CONVERSATIONS_ONLY_RUNTIME
                .iter()
                .any(|(file, _)| p.file_name().is_some_and(|f| f == *file))
        });
        for path in runtime {
            let body =
                std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            // Doc examples and the tracing span name the crate: give them this crate's name.
            let body = body.replace("conversations_api", &lib_name);
            let body = if path.file_name().is_some_and(|f| f == "lib.rs") {
                let lib = without_conversations_only_modules(&body);
                if args.other_spec {
                    with_introduction(&lib, &package.description)?
                } else {
                    lib
                }
            } else {
                body
            };
            let rel = path
                .strip_prefix(&crate_dir)
                .map_err(|e| e.to_string())?
                .to_path_buf();
            files.insert(rel, body);
        }
        files.insert(
            PathBuf::from("Cargo.toml"),
            standalone_manifest(&root, &package, !args.workspace_member)?,
        );
    }
    Ok((files, generated.summary))
}

/// `lib.rs` without the lines that declare or re-export a Conversations-only runtime module
/// (`mod media_upload;`, `pub use media_upload::...;`).
fn without_conversations_only_modules(lib: &str) -> String {
    let mut out = String::new();
    for line in lib.lines() {
        let t = line.trim();
        let drop = CONVERSATIONS_ONLY_RUNTIME.iter().any(|(_, module)| {
            t == format!("mod {module};") || t.starts_with(&format!("pub use {module}::"))
        });
        if !drop {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// The line of `lib.rs` that ends the Conversations introduction (its first words; the
/// comment goes on for a second line, which ends with [`INTRODUCTION_END_LAST`]).
const INTRODUCTION_END: &str = "//! <!-- end of the Conversations introduction";
const INTRODUCTION_END_LAST: &str = "-->";

/// `lib.rs` with its Conversations introduction (the crate docs above the
/// [`INTRODUCTION_END`] comment) replaced by one true of any spec, for a crate generated from
/// another spec; the runtime's part of the front page is kept.
fn with_introduction(lib: &str, description: &str) -> Result<String, String> {
    let lines: Vec<&str> = lib.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.starts_with(INTRODUCTION_END))
        .ok_or("conversations-api/src/lib.rs has lost its end-of-introduction comment")?;
    let end = (start..lines.len())
        .find(|&i| lines[i].trim_end().ends_with(INTRODUCTION_END_LAST))
        .ok_or("conversations-api/src/lib.rs: the end-of-introduction comment is not closed")?;
    let mut out = format!(
        "//! {description}.\n\
         //!\n\
         //! Start at [`Client`]: each resource of the API is a handle reached from it (a\n\
         //! collection as `client.<resources>()`, one item as `client.<resource>(sid)`), and\n\
         //! each operation a request builder: required values in the call, optional ones as\n\
         //! methods, then `.send()`. The generated modules are `handles`, `builders`, `models`\n\
         //! and `enums`, as far as the spec needs them.\n"
    );
    for line in &lines[end + 1..] {
        out.push_str(line);
        out.push('\n');
    }
    Ok(out)
}

/// The client crate's manifest with workspace-inherited entries spelled out, and the package
/// named and described for its spec.
fn standalone_manifest(
    root: &Path,
    package: &codegen::package::Package,
    own_workspace: bool,
) -> Result<String, String> {
    let ws = std::fs::read_to_string(root.join("Cargo.toml")).map_err(|e| e.to_string())?;
    let krate = std::fs::read_to_string(root.join("conversations-api/Cargo.toml"))
        .map_err(|e| e.to_string())?;
    let ws_doc: toml_lite::Doc = toml_lite::parse(&ws);
    let mut out = String::new();
    let mut in_package = false;
    // The examples (and the dev-dependencies they need) stay in this repository: the
    // standalone crate has the library only.
    let mut skipping = false;
    for line in krate.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            in_package = trimmed == "[package]";
            skipping = trimmed == "[dev-dependencies]" || trimmed == "[[example]]";
        }
        if skipping {
            continue;
        }
        if in_package && trimmed.starts_with("name =") {
            out.push_str(&format!("name = {}\n", toml_string(&package.name)));
            continue;
        }
        if in_package && trimmed.starts_with("description =") {
            out.push_str(&format!(
                "description = {}\n",
                toml_string(&package.description)
            ));
            continue;
        }
        // `name = { workspace = true, optional = true }`: the workspace's entry, with the
        // crate's own keys (other than `workspace`) added.
        if let Some((key, table)) = trimmed.split_once('=') {
            let key = key.trim();
            let table = table.trim();
            if let Some(inner) = table.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
                let own: Vec<&str> = inner.split(',').map(str::trim).collect();
                if own.contains(&"workspace = true") {
                    let value = ws_doc
                        .get("workspace.dependencies", key)
                        .ok_or_else(|| format!("workspace Cargo.toml has no `{key}`"))?;
                    let mut keys = match value.strip_prefix('{').and_then(|v| v.strip_suffix('}')) {
                        Some(ws_inner) => ws_inner.trim().to_string(),
                        None => format!("version = {value}"),
                    };
                    for extra in own
                        .iter()
                        .filter(|k| **k != "workspace = true" && !k.is_empty())
                    {
                        keys.push_str(", ");
                        keys.push_str(extra);
                    }
                    out.push_str(&format!("{key} = {{ {keys} }}\n"));
                    continue;
                }
            }
        }
        if let Some((key, rest)) = trimmed.split_once('.') {
            if rest == "workspace = true" {
                let value = if ["version", "edition", "license"].contains(&key) {
                    ws_doc.get("workspace.package", key)
                } else {
                    ws_doc.get("workspace.dependencies", key)
                };
                let value = value.ok_or_else(|| format!("workspace Cargo.toml has no `{key}`"))?;
                out.push_str(&format!("{key} = {value}\n"));
                continue;
            }
        }
        out.push_str(line);
        out.push('\n');
    }
    if own_workspace {
        out.push_str("\n[workspace]\n");
    }
    Ok(out)
}

/// A TOML basic string.
fn toml_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Just enough TOML to read `[section] key = value` lines of our own workspace manifest.
pub(crate) mod toml_lite {
    pub struct Doc(Vec<(String, String, String)>);

    pub fn parse(text: &str) -> Doc {
        let mut section = String::new();
        let mut out = Vec::new();
        for line in text.lines() {
            let line = line.trim();
            if line.starts_with('#') || line.is_empty() {
                continue;
            }
            if let Some(s) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                section = s.to_string();
            } else if let Some((k, v)) = line.split_once('=') {
                out.push((section.clone(), k.trim().to_string(), v.trim().to_string()));
            }
        }
        Doc(out)
    }

    impl Doc {
        /// Every `(section, key, value)` in file order.
        pub fn entries(&self) -> impl Iterator<Item = (&str, &str, &str)> {
            self.0
                .iter()
                .map(|(s, k, v)| (s.as_str(), k.as_str(), v.as_str()))
        }

        pub fn get(&self, section: &str, key: &str) -> Option<&str> {
            self.0
                .iter()
                .find(|(s, k, _)| s == section && k == key)
                .map(|(_, _, v)| v.as_str())
        }
    }
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
    existing.extend(list(&gen_dir.join(MEDIA_MODULE)));
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
