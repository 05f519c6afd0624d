//! How the generator grows with the spec: `cargo xtask bench --scale` writes copies of
//! `spec/conversations_v1.yaml` with its paths repeated 1, 11 and 88 times (each copy's resources
//! renamed, so every copy is a new resource with its own scope pair), then times one generator
//! run on each in a fresh process and reads that process's peak resident memory. Time and
//! memory per operation that stay flat from 1 to 88 copies mean growth no faster than the spec.

use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::Instant;

const COPIES: [usize; 3] = [1, 11, 88];

/// The collection whose items scope the other resources in `spec/conversations_v1.yaml`.
const SCOPE_COLLECTION: &str = "Services";

/// The spec with every path repeated `copies` times. Copy `i > 0` renames the first resource
/// segment of a path (the one after the scope collection's item for scoped paths) to `<Name>i`
/// and every operation id to `<Id>i`, so no two copies share a handle, builder or model.
fn scaled_spec(text: &str, copies: usize) -> Result<String, String> {
    use serde_yaml::{Mapping, Value};
    let mut doc: Value = serde_yaml::from_str(text).map_err(|e| e.to_string())?;
    let paths = doc
        .get("paths")
        .and_then(Value::as_mapping)
        .cloned()
        .ok_or("the spec has no paths")?;
    let mut out = Mapping::new();
    for i in 0..copies {
        for (path, item) in &paths {
            let Some(path) = path.as_str() else { continue };
            if i == 0 {
                out.insert(Value::from(path), item.clone());
                continue;
            }
            let mut segs: Vec<String> = path.split('/').map(String::from).collect();
            // ["", "v1", "Services", "{ChatServiceSid}", "Conversations", ...]. Only the scope
            // collection counts: `/v1/Conversations/{ConversationSid}/Messages` also has a
            // parameter third, and renaming its `Messages` would part it from its
            // Service-scoped twin, so each copy would hold unpaired resources that copy 0
            // does not, and the copies would not be the same API again.
            let scoped = segs.len() > 4 && segs[2] == SCOPE_COLLECTION && segs[3].starts_with('{');
            let at = if scoped { 4 } else { 2 };
            if let Some(s) = segs.get_mut(at) {
                s.push_str(&i.to_string());
            }
            let mut item = item.clone();
            if let Some(ops) = item.as_mapping_mut() {
                for (_, op) in ops.iter_mut() {
                    if let Some(Value::String(id)) =
                        op.as_mapping_mut().and_then(|m| m.get_mut("operationId"))
                    {
                        id.push_str(&i.to_string());
                    }
                }
            }
            out.insert(Value::from(segs.join("/")), item);
        }
    }
    if let Some(m) = doc.as_mapping_mut() {
        m.insert(Value::from("paths"), Value::Mapping(out));
    }
    serde_yaml::to_string(&doc).map_err(|e| e.to_string())
}

/// Peak resident memory of this process so far, in KiB (`VmHWM`; Linux only).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// `xtask bench-scale-one FILE`: one generator run on FILE in this process; prints
/// `operations seconds peak_kib load/lower/emit/format` (stages in ms) for the parent to read.
pub fn run_one(args: &[String]) -> ExitCode {
    let Some(file) = args.first() else {
        eprintln!("usage: xtask bench-scale-one FILE");
        return ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{file}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let start = Instant::now();
    match codegen::generate_timed(&codegen::Input::new(&text, "scaled.yaml")) {
        Ok((g, t)) => {
            let secs = start.elapsed().as_secs_f64();
            println!(
                "{} {secs:.3} {} {:.0}/{:.0}/{:.0}/{:.0}",
                g.summary.operations,
                peak_rss_kib().unwrap_or(0),
                t.load.as_secs_f64() * 1e3,
                t.lower.as_secs_f64() * 1e3,
                t.emit.as_secs_f64() * 1e3,
                t.format.as_secs_f64() * 1e3,
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

/// The scaling table, printed for BENCHMARKS.md.
pub fn bench(root: &Path) -> Result<(), String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let text = std::fs::read_to_string(root.join("spec/conversations_v1.yaml"))
        .map_err(|e| e.to_string())?;
    let dir = root.join("target/bench-scale");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    println!(
        "| copies | operations | spec | generator run (load/lower/emit/format ms) | per operation | peak memory | per MB of spec |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- |");
    for copies in COPIES {
        let spec = scaled_spec(&text, copies)?;
        let file = dir.join(format!("conversations_x{copies}.yaml"));
        std::fs::write(&file, &spec).map_err(|e| e.to_string())?;
        let mb = spec.len() as f64 / 1e6;
        let out = Command::new(&exe)
            .arg("bench-scale-one")
            .arg(&file)
            .output()
            .map_err(|e| e.to_string())?;
        if !out.status.success() {
            return Err(format!(
                "{copies} copies: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let line = String::from_utf8_lossy(&out.stdout);
        let mut f = line.split_whitespace();
        let (Some(ops), Some(secs), Some(kib), Some(stages)) =
            (f.next(), f.next(), f.next(), f.next())
        else {
            return Err(format!("{copies} copies: unexpected output `{line}`"));
        };
        let ops: f64 = ops.parse().map_err(|_| format!("bad count `{ops}`"))?;
        let secs: f64 = secs.parse().map_err(|_| format!("bad time `{secs}`"))?;
        let mib = kib
            .parse::<f64>()
            .map_err(|_| format!("bad memory `{kib}`"))?
            / 1024.0;
        println!(
            "| {copies} | {ops} | {mb:.1} MB | {:.0} ms ({stages}) | {:.2} ms | {mib:.0} MiB | {:.1} MiB |",
            secs * 1e3,
            secs * 1e3 / ops,
            mib / mb
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_renames_the_same_resource_in_both_scopes() {
        let spec = "openapi: 3.0.1\npaths:\n  /v1/Conversations/{ConversationSid}/Messages:\n    get:\n      operationId: ListConversationMessage\n  /v1/Services/{ChatServiceSid}/Conversations/{ConversationSid}/Messages:\n    get:\n      operationId: ListServiceConversationMessage\n  /v1/Services/{Sid}:\n    get:\n      operationId: FetchService\n";
        let out: serde_yaml::Value = serde_yaml::from_str(&scaled_spec(spec, 2).unwrap()).unwrap();
        let paths: Vec<&str> = out["paths"]
            .as_mapping()
            .unwrap()
            .keys()
            .filter_map(|k| k.as_str())
            .collect();
        assert_eq!(
            paths,
            [
                "/v1/Conversations/{ConversationSid}/Messages",
                "/v1/Services/{ChatServiceSid}/Conversations/{ConversationSid}/Messages",
                "/v1/Services/{Sid}",
                "/v1/Conversations1/{ConversationSid}/Messages",
                "/v1/Services/{ChatServiceSid}/Conversations1/{ConversationSid}/Messages",
                "/v1/Services1/{Sid}",
            ]
        );
        let id =
            &out["paths"]["/v1/Conversations1/{ConversationSid}/Messages"]["get"]["operationId"];
        assert_eq!(id.as_str(), Some("ListConversationMessage1"));
    }
}
