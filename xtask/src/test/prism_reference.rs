//! Twilio's published spec as Prism can validate it.
//!
//! Twilio's file gives its form bodies' array fields (`Permission`, `Configuration.Filters`,
//! ...) no `encoding` entry. OpenAPI says a form field's style is then `form` with `explode`,
//! i.e. one repeated key per value, which is what Twilio takes and what the client sends. Prism
//! does not apply that default: without the entry it reads only the last of the repeated keys
//! and refuses the body ("must be array") before the emulator sees it. So the copy written here
//! states the default for every array field of a form body, and changes nothing else. Our
//! `spec/` states it already (docs/conformance.md).

use serde_yaml::{Mapping, Value};
use std::path::{Path, PathBuf};

const FORM: &str = "application/x-www-form-urlencoded";

/// Write the copy of `reference` under `target/prism/` and answer its path, with the number of
/// fields given an entry.
pub(super) fn prism_ready(root: &Path, reference: &Path) -> Result<(PathBuf, usize), String> {
    let text =
        std::fs::read_to_string(reference).map_err(|e| format!("{}: {e}", reference.display()))?;
    let mut doc: Value =
        serde_yaml::from_str(&text).map_err(|e| format!("{}: {e}", reference.display()))?;
    let added = state_form_arrays(&mut doc);
    let dir = root.join("target/prism");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let name = reference
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "reference.yaml".into());
    let out = dir.join(name);
    let text = serde_yaml::to_string(&doc).map_err(|e| e.to_string())?;
    std::fs::write(&out, text).map_err(|e| format!("{}: {e}", out.display()))?;
    Ok((out, added))
}

/// Give every array property of every form body an explicit `style: form, explode: true`
/// encoding entry (keeping an entry the spec has); answer how many were added.
fn state_form_arrays(doc: &mut Value) -> usize {
    let mut added = 0;
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_mapping_mut) else {
        return 0;
    };
    for (_, item) in paths.iter_mut() {
        let Some(item) = item.as_mapping_mut() else {
            continue;
        };
        for (_, op) in item.iter_mut() {
            let Some(media) = op
                .get_mut("requestBody")
                .and_then(|b| b.get_mut("content"))
                .and_then(|c| c.get_mut(FORM))
                .and_then(Value::as_mapping_mut)
            else {
                continue;
            };
            let arrays: Vec<String> = media
                .get("schema")
                .and_then(|s| s.get("properties"))
                .and_then(Value::as_mapping)
                .map(|props| {
                    props
                        .iter()
                        .filter(|(_, p)| p.get("type").and_then(Value::as_str) == Some("array"))
                        .filter_map(|(name, _)| name.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            if arrays.is_empty() {
                continue;
            }
            let encoding = media
                .entry("encoding".into())
                .or_insert_with(|| Value::Mapping(Mapping::new()));
            let Some(encoding) = encoding.as_mapping_mut() else {
                continue;
            };
            for name in arrays {
                if encoding.contains_key(name.as_str()) {
                    continue;
                }
                let mut entry = Mapping::new();
                entry.insert("style".into(), "form".into());
                entry.insert("explode".into(), true.into());
                encoding.insert(name.into(), Value::Mapping(entry));
                added += 1;
            }
        }
    }
    added
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn array_fields_of_form_bodies_get_an_entry_and_nothing_else_changes() {
        let mut doc: Value = serde_yaml::from_str(
            r#"
paths:
  /v1/Roles:
    parameters: []
    post:
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema:
              properties:
                Permission: {type: array, items: {type: string}}
                FriendlyName: {type: string}
    get:
      responses: {}
  /v1/Other:
    post:
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema:
              properties:
                Filters: {type: array}
            encoding:
              Filters: {style: form, explode: false}
"#,
        )
        .unwrap();
        assert_eq!(state_form_arrays(&mut doc), 1);
        let roles = &doc["paths"]["/v1/Roles"]["post"]["requestBody"]["content"][FORM];
        assert_eq!(
            roles["encoding"]["Permission"]["style"].as_str(),
            Some("form")
        );
        assert_eq!(
            roles["encoding"]["Permission"]["explode"].as_bool(),
            Some(true)
        );
        assert!(roles["encoding"].get("FriendlyName").is_none());
        // An entry the spec has is the spec's word.
        let other = &doc["paths"]["/v1/Other"]["post"]["requestBody"]["content"][FORM];
        assert_eq!(
            other["encoding"]["Filters"]["explode"].as_bool(),
            Some(false)
        );
    }
}
