//! The manifest of a crate that `regen --out` writes: the package named and described for its
//! spec, the settings our workspace gives its own crates, and a dependency on the
//! `twilio-runtime` crate of this repository (by path, with its version, so the crate keeps
//! building when it is published and the path is dropped). Built with `toml_edit` from our
//! workspace manifest; nothing is copied from another crate's text.

use codegen::package::Package;
use std::path::{Component, Path, PathBuf};
use toml_edit::{value, Array, DocumentMut, InlineTable, Item, Table};

/// `Cargo.toml` for the crate written to `out`. `own_workspace`: end with an empty
/// `[workspace]` table, so the crate builds wherever it is.
pub fn manifest(
    root: &Path,
    out: &Path,
    package: &Package,
    own_workspace: bool,
) -> Result<String, String> {
    let path = root.join("Cargo.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let workspace: DocumentMut = text
        .parse()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let shared = |table: &str, key: &str| -> Result<Item, String> {
        workspace["workspace"][table]
            .get(key)
            .cloned()
            .ok_or_else(|| format!("{}: no workspace.{table}.{key}", path.display()))
    };

    let mut doc = DocumentMut::new();
    let mut pkg = Table::new();
    pkg["name"] = value(package.name.as_str());
    for key in ["version", "edition", "license", "rust-version"] {
        pkg[key] = shared("package", key)?;
    }
    pkg["description"] = value(package.description.as_str());
    doc["package"] = Item::Table(pkg);

    let runtime_dir = root.join("twilio-runtime");
    let mut runtime = InlineTable::new();
    runtime.insert(
        "path",
        relative_to(&absolute(out)?, &runtime_dir)
            .display()
            .to_string()
            .into(),
    );
    runtime.insert(
        "version",
        shared("package", "version")?
            .as_str()
            .unwrap_or("0.1.0")
            .into(),
    );
    runtime.insert("default-features", false.into());
    let mut deps = Table::new();
    deps["twilio-runtime"] = value(runtime);
    // What generated code names besides the runtime: serde's derives and serde_json values.
    for name in ["serde", "serde_json"] {
        deps[name] = shared("dependencies", name)?;
    }
    doc["dependencies"] = Item::Table(deps);

    let mut features = Table::new();
    let default: Array = ["rustls"].into_iter().collect();
    features["default"] = value(default);
    for feature in ["rustls", "native-tls", "http2"] {
        let on: Array = [format!("twilio-runtime/{feature}")].into_iter().collect();
        features[feature] = value(on);
    }
    doc["features"] = Item::Table(features);
    if own_workspace {
        doc["workspace"] = Item::Table(Table::new());
    }
    Ok(doc.to_string())
}

/// `path` made absolute against the current directory, `.` and `..` resolved by their names.
fn absolute(path: &Path) -> Result<PathBuf, String> {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map_err(|e| format!("current directory: {e}"))?
            .join(path)
    };
    let mut out = PathBuf::new();
    for part in joined.components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    Ok(out)
}

/// `to` as seen from the folder `from` (both absolute): `../../twilio-runtime`.
fn relative_to(from: &Path, to: &Path) -> PathBuf {
    let from: Vec<Component> = from.components().collect();
    let to: Vec<Component> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..from.len() {
        out.push("..");
    }
    for part in &to[common..] {
        out.push(part);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative_to(Path::new("/a/b/out"), Path::new("/a/twilio-runtime")),
            PathBuf::from("../../twilio-runtime")
        );
        assert_eq!(
            relative_to(Path::new("/a"), Path::new("/a/x")),
            PathBuf::from("x")
        );
        assert_eq!(
            absolute(Path::new("/a/./b/../c")).unwrap(),
            PathBuf::from("/a/c")
        );
    }
}
