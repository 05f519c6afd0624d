//! Identifiers and doc attributes, as every emitter writes them.

use proc_macro2::{Ident, Span, TokenStream};

/// An identifier; `r#` names become raw identifiers. Names come from [`crate::names`], which
/// only produces ASCII alphanumerics and underscores, never empty and never leading digits.
pub(crate) fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// A doc attribute (one paragraph per entry; empty entries skipped).
pub(crate) fn doc(paragraphs: &[&str]) -> TokenStream {
    let mut out = TokenStream::new();
    let mut first = true;
    for p in paragraphs
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
    {
        if !first {
            out.extend(quote::quote!(#[doc = ""]));
        }
        first = false;
        let mut line = String::with_capacity(p.len() + 8);
        line.push(' ');
        escape_doc(p, &mut line);
        let line = raw_string(&line);
        out.extend(quote::quote!(#[doc = #line]));
    }
    out
}

/// `text` as a raw string literal (`r"..."`, with as many `#` as it needs), which says the same
/// as the escaped literal `quote` would make of a `&str`: doc text is most of the generated
/// code, and a raw literal is copied as it is where an escaped one is escaped character by
/// character and unescaped again by syn and by prettyplease. prettyplease prints a one-line doc
/// as `///` and its value, so which literal it was never shows in the output.
fn raw_string(text: &str) -> proc_macro2::Literal {
    // A raw string cannot hold a carriage return; and a doc with a line break may be printed
    // as the attribute itself, where the two literals would read differently.
    if text.contains(['\r', '\n']) {
        return proc_macro2::Literal::string(text);
    }
    let mut hashes = 0;
    while text.contains(&format!("\"{}", "#".repeat(hashes))) {
        hashes += 1;
    }
    let fence = "#".repeat(hashes);
    format!("r{fence}\"{text}\"{fence}")
        .parse()
        .unwrap_or_else(|_| proc_macro2::Literal::string(text))
}

/// Keep spec prose from being read as rustdoc intra-doc links or HTML: appends `text` to
/// `out` with `<`, `>` and brackets escaped, except the brackets of a Markdown link `[x](url)`.
fn escape_doc(text: &str, out: &mut String) {
    // Every character looked at is ASCII, and an ASCII byte is never part of another
    // character in UTF-8, so the text is read as bytes and copied in runs between them.
    let bytes = text.as_bytes();
    let mut copied = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escaped = match b {
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'[' => {
                let close = bytes[i..].iter().position(|&c| c == b']').map(|p| p + i);
                match close {
                    Some(j) if bytes.get(j + 1) == Some(&b'(') => continue,
                    _ => "\\[",
                }
            }
            b']' if bytes.get(i + 1) == Some(&b'(') => continue,
            b']' => "\\]",
            _ => continue,
        };
        out.push_str(&text[copied..i]);
        out.push_str(escaped);
        copied = i + 1;
    }
    out.push_str(&text[copied..]);
}

#[cfg(test)]
mod tests {
    #[test]
    fn doc_text_keeps_markdown_links_and_escapes_other_brackets_and_html() {
        let cases = [
            ("<b>", "&lt;b&gt;"),
            ("see [x](https://a.b/c)", "see [x](https://a.b/c)"),
            ("[x] y", "\\[x\\] y"),
            ("a]b", "a\\]b"),
            ("[a [b](c)", "[a [b](c)"),
            ("é<ü>", "é&lt;ü&gt;"),
            ("", ""),
        ];
        for (text, expected) in cases {
            let mut out = String::new();
            super::escape_doc(text, &mut out);
            assert_eq!(out, expected, "{text:?}");
        }
    }
}
