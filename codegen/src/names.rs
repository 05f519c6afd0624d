//! Rust identifiers from spec names: heck casing plus keyword escaping.

use heck::{ToSnakeCase, ToUpperCamelCase};

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref",
    "return", "static", "struct", "trait", "true", "type", "unsafe", "use", "where", "while",
    "abstract", "become", "box", "do", "final", "gen", "macro", "override", "priv", "try",
    "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// A snake_case identifier, `r#`-escaped when it is a keyword. Never empty.
pub fn snake(name: &str) -> String {
    let mut s = name.replace(['.', '-', ' '], "_").to_snake_case();
    s.retain(|c| c.is_ascii_alphanumeric() || c == '_');
    if s.is_empty() {
        s = "value".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("n{s}");
    }
    escape(s)
}

/// An UpperCamelCase type or variant name. Never empty, never a keyword.
pub fn camel(name: &str) -> String {
    let mut s = name.replace(['.', '-', ' '], "_").to_upper_camel_case();
    s.retain(|c| c.is_ascii_alphanumeric() || c == '_');
    if s.is_empty() {
        s = "Empty".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("V{s}");
    }
    if NOT_RAW.contains(&s.as_str()) {
        s.push('_');
    }
    s
}

fn escape(s: String) -> String {
    if NOT_RAW.contains(&s.as_str()) {
        format!("{s}_")
    } else if KEYWORDS.contains(&s.as_str()) {
        format!("r#{s}")
    } else {
        s
    }
}

/// The Rust name of a parameter. Twilio writes range filters as the field name followed by a
/// comparison (`StartTime<`, `StartTime>`, `DateCreated<=`); the comparison becomes words, so
/// the three filters on one field stay three setters (`start_time_before`, ...).
pub fn param_name(wire: &str) -> String {
    const OPERATORS: [(&str, &str); 4] = [
        ("<=", "_on_or_before"),
        (">=", "_on_or_after"),
        ("<", "_before"),
        (">", "_after"),
    ];
    for (op, words) in OPERATORS {
        if let Some(field) = wire.strip_suffix(op) {
            return snake(&format!("{}{words}", field.trim_end()));
        }
    }
    snake(wire)
}

/// The identifier without a raw prefix (for building other names from it).
pub fn bare(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// Naive English singular of a collection segment (`Addresses` -> `Address`).
pub fn singular(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("ies") {
        format!("{stem}y")
    } else if let Some(stem) = word.strip_suffix("sses") {
        format!("{stem}ss")
    } else if word.ends_with("ss") {
        word.to_string()
    } else if let Some(stem) = word.strip_suffix('s') {
        stem.to_string()
    } else {
        word.to_string()
    }
}

/// Split an UpperCamel name into its words.
fn words(name: &str) -> Vec<String> {
    name.to_snake_case()
        .split('_')
        .filter(|w| !w.is_empty())
        .map(|w| w.to_string())
        .collect()
}

/// `owner` + `field` as one UpperCamel name, without repeating a word where they meet
/// (`ServiceBinding` + `BindingType` -> `ServiceBindingType`).
pub fn compound(owner: &str, field: &str) -> String {
    let ow = words(owner);
    let fw = words(&camel(field));
    let skip = usize::from(ow.last().is_some() && ow.last() == fw.first());
    let all: Vec<String> = ow.into_iter().chain(fw.into_iter().skip(skip)).collect();
    camel(&all.join("_"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_filters_get_words() {
        assert_eq!(param_name("StartTime"), "start_time");
        assert_eq!(param_name("StartTime<"), "start_time_before");
        assert_eq!(param_name("StartTime>"), "start_time_after");
        assert_eq!(param_name("DateCreated<="), "date_created_on_or_before");
        assert_eq!(param_name("DateCreated>="), "date_created_on_or_after");
    }

    #[test]
    fn identifiers() {
        assert_eq!(snake("Timers.Inactive"), "timers_inactive");
        assert_eq!(
            snake("X-Twilio-Webhook-Enabled"),
            "x_twilio_webhook_enabled"
        );
        assert_eq!(snake("Type"), "r#type");
        assert_eq!(snake("self"), "self_");
        assert_eq!(camel("onMessageAdded"), "OnMessageAdded");
        assert_eq!(camel("2fa"), "V2fa");
        assert_eq!(camel(""), "Empty");
        assert_eq!(singular("Addresses"), "Address");
        assert_eq!(singular("Conversations"), "Conversation");
        assert_eq!(singular("Configuration"), "Configuration");
        assert_eq!(
            compound("ServiceBinding", "BindingType"),
            "ServiceBindingType"
        );
        assert_eq!(compound("Conversation", "state"), "ConversationState");
        assert_eq!(
            compound("ConfigurationAddress", "AutoCreation.Type"),
            "ConfigurationAddressAutoCreationType"
        );
    }
}
