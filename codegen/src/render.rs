//! Tokens -> formatted Rust source with the `@generated` preamble.

use crate::error::{Error, Result};
use proc_macro2::TokenStream;

/// Format one generated file. `source` names the spec in the preamble.
pub fn render(file: &str, tokens: TokenStream, source: &str) -> Result<String> {
    let parsed: syn::File = syn::parse2(tokens).map_err(|e| {
        Error::at(
            "",
            format!("internal: generated `{file}` does not parse: {e}"),
        )
    })?;
    Ok(with_preamble(source, &prettyplease::unparse(&parsed)))
}

/// Token text a formatting job aims for. Large files (`models.rs` of a big spec) are cut into
/// jobs of about this size at top-level item boundaries, so the cores share one file's work;
/// small enough that a few jobs per core balance, large enough that the cost of a job's start
/// does not show.
const CHUNK_BYTES: usize = 32 * 1024;

/// [`render`] for many files at once: `(file name, tokens, spec name)`. Token streams cannot
/// cross threads, so this thread writes each file out as text, a run of whole top-level items
/// at a time ([`CHUNK_BYTES`]), while worker threads on the machine's other cores parse each run
/// back and format it (parsing and formatting are most of the generator's time). A file's runs
/// are joined in order; the result is the same as rendering one by one, in the same order.
pub fn render_all(files: Vec<(String, TokenStream, &str)>) -> Result<Vec<(String, String)>> {
    render_all_in_chunks(files, CHUNK_BYTES)
}

/// [`render_all`] with jobs of about `chunk_bytes` of token text (at least one item each).
fn render_all_in_chunks(
    files: Vec<(String, TokenStream, &str)>,
    chunk_bytes: usize,
) -> Result<Vec<(String, String)>> {
    use std::sync::{mpsc, Mutex};
    let mut names = Vec::with_capacity(files.len());
    let mut streams = Vec::with_capacity(files.len());
    for (name, tokens, source) in files {
        names.push((name, source));
        streams.push(tokens);
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    // (job number, file number, token text of one run of items)
    let (jobs, queue) = mpsc::channel::<(usize, usize, String)>();
    let queue = Mutex::new(queue);
    let names = &names;
    let (chunk_counts, results) = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                let queue = &queue;
                scope.spawn(move || {
                    let mut done = Vec::new();
                    loop {
                        // A poisoned lock means another worker panicked; its join reports it.
                        let next = match queue.lock() {
                            Ok(q) => q.recv(),
                            Err(_) => break,
                        };
                        let Ok((job, file, text)) = next else { break };
                        done.push((job, format_chunk(&names[file].0, &text)));
                    }
                    done
                })
            })
            .collect();
        let mut chunk_counts = Vec::with_capacity(streams.len());
        let mut job = 0;
        for (file, tokens) in streams.into_iter().enumerate() {
            let mut count = 0;
            split_items(tokens, chunk_bytes, |text| {
                // Workers only stop once `jobs` is dropped, so this cannot fail while one
                // lives; a failed send leaves the job missing, which the join below reports.
                let _ = jobs.send((job, file, text));
                job += 1;
                count += 1;
            });
            chunk_counts.push(count);
        }
        drop(jobs);
        let mut results: Vec<Option<Result<String>>> = (0..job).map(|_| None).collect();
        for w in workers {
            match w.join() {
                Ok(done) => {
                    for (job, r) in done {
                        results[job] = Some(r);
                    }
                }
                Err(_) => return Err(Error::at("", "internal: a formatting thread panicked")),
            }
        }
        Ok((chunk_counts, results))
    })?;
    let mut results = results.into_iter();
    let mut out = Vec::with_capacity(names.len());
    for ((name, source), count) in names.iter().zip(chunk_counts) {
        let mut body = preamble(source);
        for _ in 0..count {
            let chunk = results
                .next()
                .flatten()
                .ok_or_else(|| Error::at("", "internal: a formatting job got lost"))??;
            join_tidied(&mut body, &chunk);
        }
        out.push((name.clone(), body));
    }
    Ok(out)
}

/// Call `emit` with the token text of runs of whole top-level items of `tokens`, each run
/// `chunk_bytes` or longer except the last. Items are told apart by their tokens alone: an item
/// ends with `;` or a `{...}` body, and the next begins with an attribute or an item keyword.
/// No item has a `;` or a brace group at its top level followed by one of those, so a cut
/// there never falls inside an item.
fn split_items(tokens: TokenStream, chunk_bytes: usize, mut emit: impl FnMut(String)) {
    use proc_macro2::{Delimiter, TokenTree};
    const KEYWORDS: &[&str] = &[
        "pub", "impl", "struct", "enum", "fn", "const", "static", "mod", "use", "type", "trait",
        "unsafe", "extern", "async",
    ];
    let begins = |t: &TokenTree| match t {
        TokenTree::Punct(p) => p.as_char() == '#',
        TokenTree::Ident(i) => KEYWORDS.iter().any(|k| i == k),
        _ => false,
    };
    let ends = |t: &TokenTree| match t {
        TokenTree::Punct(p) => p.as_char() == ';',
        TokenTree::Group(g) => g.delimiter() == Delimiter::Brace,
        _ => false,
    };
    let mut run = String::new();
    let mut item = TokenStream::new();
    let mut after_end = false;
    for tree in tokens {
        if after_end && begins(&tree) {
            push_item(&mut item, &mut run);
            if run.len() >= chunk_bytes {
                emit(std::mem::take(&mut run));
            }
        }
        after_end = ends(&tree);
        item.extend(std::iter::once(tree));
    }
    if !item.is_empty() {
        push_item(&mut item, &mut run);
    }
    if !run.is_empty() {
        emit(run);
    }
}

/// Append the text of `item` to `run` (on a line of its own) and empty `item`.
fn push_item(item: &mut TokenStream, run: &mut String) {
    if !run.is_empty() {
        run.push('\n');
    }
    run.push_str(&std::mem::take(item).to_string());
}

/// One run of items, parsed back, formatted and tidied.
fn format_chunk(file: &str, text: &str) -> Result<String> {
    let parsed = syn::parse_file(text).map_err(|e| {
        Error::at(
            "",
            format!("internal: generated `{file}` does not parse: {e}"),
        )
    })?;
    Ok(tidy(&prettyplease::unparse(&parsed)))
}

/// `body` followed by `next`, both [`tidy`] output: the same as tidying the two texts joined,
/// since tidy only looks at a line and the one before it.
fn join_tidied(body: &mut String, next: &str) {
    let last = body.lines().next_back();
    let first = next.lines().next();
    if let (Some(last), Some(first)) = (last, first) {
        if starts_new_item(last, first) {
            body.push('\n');
        }
    }
    body.push_str(next);
}

/// [`with_preamble`] of an empty body: the `@generated` comment and the blank line after it.
fn preamble(source: &str) -> String {
    with_preamble(source, "")
}

fn with_preamble(source: &str, body: &str) -> String {
    tidy(&format!(
        "// @generated by `cargo xtask regen` from {source}. Do not edit by hand: change the \
         spec or the generator and regenerate.\n\n{body}"
    ))
}

/// Widest line the generated files aim for (code is wrapped by prettyplease at the same width).
const MAX_WIDTH: usize = 100;

/// Lines that begin an item (or its docs and attributes) inside a module or impl block.
const ITEM_STARTS: &[&str] = &[
    "///",
    "#[",
    "pub ",
    "pub(",
    "fn ",
    "impl",
    "struct ",
    "enum ",
    "const ",
    "mod ",
    "use ",
    "macro_rules!",
    "type ",
    "async fn ",
];

/// Make formatted code easier to read, without changing a token: comment lines longer than
/// [`MAX_WIDTH`] are wrapped at spaces, and a blank line separates each item from the one
/// before it (prettyplease writes them back to back). A run of one-line declarations of one
/// kind (`mod a; mod b;`) stays together.
pub fn tidy(text: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    for line in text.lines() {
        wrap_comment(line, &mut lines);
    }
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    let mut prev: Option<&str> = None;
    for line in &lines {
        if let Some(p) = prev {
            if starts_new_item(p, line) {
                out.push('\n');
            }
        }
        out.push_str(line);
        out.push('\n');
        prev = Some(line);
    }
    out
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

fn starts_new_item(prev: &str, line: &str) -> bool {
    let (p, l) = (prev.trim(), line.trim());
    if p.is_empty() || indent_of(prev) != indent_of(line) {
        return false;
    }
    if !ITEM_STARTS.iter().any(|s| l.starts_with(s)) {
        return false;
    }
    if p == "}" || p == "};" {
        return true;
    }
    // One-line declarations: a new kind starts a new group.
    // `mod`, `use`, `pub use`, `pub(crate) mod`, ...: the keywords before the name.
    let kind = |t: &str| {
        let mut words = t.split_whitespace();
        let first = words.next().unwrap_or("");
        match first.starts_with("pub") {
            true => format!("{first} {}", words.next().unwrap_or("")),
            false => first.to_string(),
        }
    };
    p.ends_with(';') && !p.starts_with("//") && kind(p) != kind(l)
}

/// `line`, or for a comment line wider than [`MAX_WIDTH`] the same words over several lines
/// with the same indentation and comment marker.
fn wrap_comment(line: &str, out: &mut Vec<String>) {
    let trimmed = line.trim_start();
    let marker = ["///", "//!", "//"]
        .into_iter()
        .find(|m| trimmed.starts_with(m));
    let Some(marker) = marker.filter(|_| line.chars().count() > MAX_WIDTH) else {
        out.push(line.to_string());
        return;
    };
    let lead = format!("{}{marker} ", &line[..indent_of(line)]);
    let words = trimmed[marker.len()..].split_whitespace();
    let mut current = lead.clone();
    for word in words {
        let fits = current.chars().count() + word.chars().count() < MAX_WIDTH;
        if current.len() > lead.len() && !fits {
            out.push(current);
            current = lead.clone();
        }
        if current.len() > lead.len() {
            current.push(' ');
        }
        current.push_str(word);
    }
    out.push(current);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runs(tokens: TokenStream) -> Vec<String> {
        let mut out = Vec::new();
        split_items(tokens, 1, |t| out.push(t));
        out
    }

    #[test]
    fn items_are_cut_apart_after_their_end_and_before_their_attributes() {
        let tokens = quote::quote! {
            #![allow(dead_code)]
            use a::b;
            #[doc = " A."]
            pub struct A;
            impl A { fn f() {} }
            const X: S = S {};
            const C: u8 = if true { 1 } else { 2 };
            pub(crate) enum E { A }
        };
        let runs = runs(tokens);
        let items: Vec<usize> = runs
            .iter()
            .map(|r| syn::parse_file(r).map(|f| f.items.len()).unwrap_or(0))
            .collect();
        assert_eq!(items, [1, 1, 1, 1, 1, 1], "{runs:#?}");
        assert!(runs[0].starts_with("# ! [allow"), "{}", runs[0]);
    }

    #[test]
    fn runs_hold_whole_items_up_to_the_size_asked_for() {
        let tokens = quote::quote!(
            struct A;
            struct B;
            struct C;
        );
        let mut out = Vec::new();
        split_items(tokens, 15, |t| out.push(t));
        assert_eq!(out, ["struct A ;\nstruct B ;", "struct C ;"]);
    }

    /// Every file generated for `spec/`, formatted in runs of one item each and joined, is the
    /// same text as the file formatted whole.
    #[test]
    fn files_formatted_in_runs_equal_files_formatted_whole() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/");
        let read = |f: &str| std::fs::read_to_string(format!("{root}{f}")).unwrap();
        let ir = crate::lower::lower(&crate::load::parse(&read("conversations_v1.yaml")).unwrap())
            .unwrap();
        let events = crate::events::lower(&read("conversations_webhooks_v1.yaml")).unwrap();
        let tokens = crate::emit::emit(&ir, Some(&events));
        let whole: Vec<(String, String)> = tokens
            .iter()
            .map(|(name, t)| (name.clone(), render(name, t.clone(), "s.yaml").unwrap()))
            .collect();
        let jobs = tokens.into_iter().map(|(n, t)| (n, t, "s.yaml")).collect();
        let in_runs = render_all_in_chunks(jobs, 1).unwrap();
        assert_eq!(in_runs.len(), whole.len());
        for (a, b) in in_runs.iter().zip(&whole) {
            assert_eq!(a.0, b.0);
            assert!(a.1 == b.1, "{} differs when formatted in runs", a.0);
        }
    }

    #[test]
    fn long_doc_lines_are_wrapped_with_their_marker_and_indentation() {
        let long = format!("    /// {}", "word ".repeat(30).trim_end());
        let out = tidy(&format!("{long}\n    fn f() {{}}\n"));
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines.len() >= 3, "{out}");
        for l in &lines[..lines.len() - 1] {
            assert!(l.starts_with("    /// word"), "{l}");
            assert!(l.chars().count() <= MAX_WIDTH, "{l}");
        }
        let words: usize = lines.iter().map(|l| l.matches("word").count()).sum();
        assert_eq!(words, 30);
    }

    #[test]
    fn items_get_a_blank_line_between_them_but_not_statements_or_mod_runs() {
        let code = "mod a;\nmod b;\npub use a::*;\nstruct A {\n    x: u8,\n}\nimpl A {\n    fn f() {\n        if x {\n            y();\n        }\n        z();\n    }\n    /// Docs.\n    fn g() {}\n}\n";
        assert_eq!(
            tidy(code),
            "mod a;\nmod b;\n\npub use a::*;\n\nstruct A {\n    x: u8,\n}\n\nimpl A {\n    fn f() {\n        if x {\n            y();\n        }\n        z();\n    }\n\n    /// Docs.\n    fn g() {}\n}\n"
        );
    }

    #[test]
    fn a_long_word_stays_whole() {
        let word = "x".repeat(120);
        assert_eq!(tidy(&format!("/// {word}")), format!("/// {word}\n"));
    }
}
