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

/// The vendor word of a spec: the name its first server's domain is registered under, the
/// label before the top-level domain (`twilio` for `https://conversations.twilio.com`). `None`
/// for a host without one (`localhost`, an IP address).
pub fn vendor_word(server_url: &str) -> Option<String> {
    let after_scheme = server_url
        .split_once("://")
        .map_or(server_url, |(_, rest)| rest);
    let authority = after_scheme.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    let host = host.split(':').next().unwrap_or("").trim_end_matches('.');
    let labels: Vec<&str> = host.split('.').collect();
    if labels.len() < 2 || labels.iter().all(|l| l.chars().all(|c| c.is_ascii_digit())) {
        return None;
    }
    let word = labels[labels.len() - 2];
    (!word.is_empty()).then(|| word.to_ascii_lowercase())
}

/// The part of a header's name its Rust names are built from: the setter
/// ([`param_name`]) and the type of its values ([`camel`]) come from the same words, so
/// `.webhook_enabled(...)` takes a `WebhookEnabled` when the values are an enum.
///
/// The rule, from the spec alone: a leading `X-` goes (the old mark of a non-standard header,
/// which says nothing about what the header holds), then the spec's vendor word (see
/// [`vendor_word`]) when it is the next word and something is left after it. So
/// `X-Twilio-Webhook-Enabled` in a spec served from `twilio.com` is `Webhook-Enabled`, while
/// `X-Request-Id` or `Idempotency-Key` keep every word but the `X-`. Matching is
/// case-insensitive, as header names are. When the shorter name is one another parameter of
/// the same operation already has, the header keeps its whole name (lower/tree.rs).
pub fn header_words<'a>(wire: &'a str, vendor: Option<&str>) -> &'a str {
    let rest = match wire.get(..2) {
        Some(p) if p.eq_ignore_ascii_case("x-") => &wire[2..],
        _ => wire,
    };
    if let (Some(vendor), Some((first, after))) = (vendor, rest.split_once('-')) {
        if first.eq_ignore_ascii_case(vendor) && !after.is_empty() {
            return after;
        }
    }
    rest
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
    fn header_names_drop_x_and_the_vendor_word() {
        let vendor = vendor_word("https://conversations.twilio.com");
        assert_eq!(vendor.as_deref(), Some("twilio"));
        let v = vendor.as_deref();
        let wire = "X-Twilio-Webhook-Enabled";
        assert_eq!(header_words(wire, v), "Webhook-Enabled");
        // The setter and the type come from the same words.
        assert_eq!(param_name(header_words(wire, v)), "webhook_enabled");
        assert_eq!(camel(header_words(wire, v)), "WebhookEnabled");
        // Header names are case-insensitive.
        assert_eq!(
            header_words("x-twilio-webhook-enabled", v),
            "webhook-enabled"
        );
        // Only a leading vendor word goes, and only with something after it.
        assert_eq!(header_words("X-Twilio", v), "Twilio");
        assert_eq!(header_words("X-Request-Twilio-Id", v), "Request-Twilio-Id");
        assert_eq!(header_words("Twilio-Trace", v), "Trace");
        // Another vendor's spec keeps `Twilio`, and `X-` goes everywhere.
        let other = vendor_word("https://api.example.com/v2");
        assert_eq!(other.as_deref(), Some("example"));
        assert_eq!(
            header_words("X-Twilio-Webhook-Enabled", other.as_deref()),
            "Twilio-Webhook-Enabled"
        );
        assert_eq!(header_words("X-Request-Id", other.as_deref()), "Request-Id");
        assert_eq!(header_words("Idempotency-Key", v), "Idempotency-Key");
        // No vendor word on a bare host or an address; no `X-` means nothing to strip.
        assert_eq!(vendor_word("http://localhost:4010"), None);
        assert_eq!(vendor_word("http://127.0.0.1:4010/v1"), None);
        assert_eq!(
            vendor_word("https://user@api.example.com:8443"),
            Some("example".into())
        );
        assert_eq!(
            header_words("X-Twilio-Webhook-Enabled", None),
            "Twilio-Webhook-Enabled"
        );
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
