//! Form encoding of queries and form bodies.

/// `key=value&...`, form-encoded, with a space written as `%20` rather than the form
/// encoding's `+`. Both mean a space to a form decoder (Twilio's included), but for a field with
/// an OpenAPI `encoding` entry `+` is a reserved character that strict validators (Prism)
/// reject. A literal `+` is `%2B` either way. One pass, into one string: this runs for every
/// request with a query or a form body.
pub(crate) fn form_encoded(pairs: &[(&'static str, String)]) -> String {
    let mut out = String::with_capacity(pairs.iter().map(|(k, v)| k.len() + v.len() + 2).sum());
    for (i, (key, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        push_form_encoded(&mut out, key);
        out.push('=');
        push_form_encoded(&mut out, value);
    }
    out
}

fn push_form_encoded(out: &mut String, text: &str) {
    // `byte_serialize` gives a space as a `+` piece of its own.
    for piece in form_urlencoded::byte_serialize(text.as_bytes()) {
        out.push_str(if piece == "+" { "%20" } else { piece });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_writes_spaces_as_pct20_and_escapes_every_reserved_byte() {
        let pairs = vec![
            ("Body", "hello & good morning".to_string()),
            ("Attributes", r#"{"k":1+2=3}"#.to_string()),
            ("Author", "Zoë ~_-.".to_string()),
            ("Empty", String::new()),
        ];
        assert_eq!(
            form_encoded(&pairs),
            "Body=hello%20%26%20good%20morning&Attributes=%7B%22k%22%3A1%2B2%3D3%7D\
             &Author=Zo%C3%AB%20%7E_-.&Empty="
        );
        assert_eq!(form_encoded(&[]), "");
    }
}
