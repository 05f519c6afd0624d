//! The name and description a standalone crate gets from its spec.
//!
//! Two crates generated from two specs must be able to sit in one workspace and one target
//! directory, so each is named for its API: the words of `info.title`, then the path prefix
//! when the title does not already end with it (`Twilio - Conversations` under `/v1` becomes
//! `twilio-conversations-v1`; `Twilio - Messaging` under `/v2`, `twilio-messaging-v2`).

/// What goes into a standalone crate's `[package]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    /// Cargo package name, kebab-case (`twilio-conversations-v1`).
    pub name: String,
    /// One line for `description`.
    pub description: String,
}

impl Package {
    /// The library name Rust code uses (`twilio_conversations_v1`).
    pub fn lib_name(&self) -> String {
        self.name.replace('-', "_")
    }
}

/// The package for an API with this `info.title` whose paths start with `/<path_prefix>`.
pub fn package(title: &str, path_prefix: &str) -> Package {
    let title = title.trim();
    let prefix = words(path_prefix);
    let mut words = words(title);
    if !prefix.is_empty() && !words.ends_with(&prefix) {
        words.extend(prefix);
    }
    if words.is_empty() {
        words.push("api".to_string());
    }
    if words[0].starts_with(|c: char| c.is_ascii_digit()) {
        words.insert(0, "api".to_string());
    }
    let shown = if title.is_empty() { "this API" } else { title };
    Package {
        name: words.join("-"),
        description: format!(
            "Typed async client for {shown} (/{path_prefix}), generated from its OpenAPI \
             description"
        ),
    }
}

/// `src/lib.rs` of a standalone crate: its front page, the generated modules, and the runtime's
/// user-facing names. Everything specific to the API is in the generated code; nothing here
/// names a resource.
pub fn lib_rs(package: &Package) -> String {
    format!(
        "//! {description}.\n\
         //!\n\
         //! Start at [`Client`]: each resource of the API is a handle reached from it (a\n\
         //! collection as `client.<resources>()`, one item as `client.<resource>(sid)`), and each\n\
         //! operation a request builder: required values in the call, optional ones as methods,\n\
         //! then `.send()`. The generated modules are `handles`, `builders`, `models` and `enums`,\n\
         //! as far as the spec needs them.\n\
         //!\n\
         //! Credentials, hosts, retries, paging and errors come from the `twilio-runtime` crate;\n\
         //! the names a user needs of it are re-exported here.\n\
         \n\
         #![forbid(unsafe_code)]\n\
         \n\
         // Written by `cargo xtask regen`; formatted by the generator, not by rustfmt.\n\
         #[rustfmt::skip]\n\
         mod generated;\n\
         \n\
         pub use generated::*;\n\
         pub use twilio_runtime::reexport::*;\n\
         pub use twilio_runtime::webhook_signature;\n",
        description = package.description.trim_end_matches('.'),
    )
}

/// Lower-case ASCII alphanumeric runs.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(title: &str, prefix: &str) -> String {
        package(title, prefix).name
    }

    #[test]
    fn names_come_from_title_and_prefix() {
        assert_eq!(
            named("Twilio - Conversations", "v1"),
            "twilio-conversations-v1"
        );
        assert_eq!(
            named("Twilio Conversations v1", "v1"),
            "twilio-conversations-v1"
        );
        assert_eq!(named("Twilio - Messaging", "v2"), "twilio-messaging-v2");
        assert_eq!(named("Twilio - Api", "2010-04-01"), "twilio-api-2010-04-01");
        assert_eq!(named("", "v1"), "v1");
        assert_eq!(named("", ""), "api");
        assert_eq!(named("3D Printing", "v1"), "api-3d-printing-v1");
        assert_eq!(named("Émoji ✓ Service", "v1"), "moji-service-v1");
        let p = package("Twilio - Conversations", "v1");
        assert_eq!(p.lib_name(), "twilio_conversations_v1");
        assert!(
            p.description.contains("Twilio - Conversations (/v1)"),
            "{}",
            p.description
        );
    }
}
