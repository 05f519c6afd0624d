//! Tokens -> formatted Rust source with the `@generated` preamble.

use crate::error::{Error, Result};
use proc_macro2::TokenStream;
use std::time::{Duration, Instant};

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

/// Thread time spent in each half of [`render_jobs`], summed over the threads.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Spent {
    /// Building jobs' tokens from the IR.
    pub building: Duration,
    /// Parsing them with syn, printing with prettyplease, [`tidy`].
    pub formatting: Duration,
}

impl Spent {
    /// `wall` (of the phase these were spent in) split between building and formatting in
    /// proportion to the thread time each took.
    pub fn split(&self, wall: Duration) -> (Duration, Duration) {
        let total = self.building + self.formatting;
        if total.is_zero() {
            return (Duration::ZERO, wall);
        }
        let building = wall.mul_f64(self.building.as_secs_f64() / total.as_secs_f64());
        (building, wall.saturating_sub(building))
    }
}

/// Build and format many files at once, on every core. `files`: `(file name, spec named in its
/// preamble)` in output order. `jobs`: `(file number, job)` in the order to start them, each
/// file's jobs in the order of its text; `build` turns a job into tokens of whole top-level
/// items. Token streams cannot cross threads (proc_macro2 makes them neither Send nor Sync),
/// so each job is built on the thread that formats it, and syn reads the tokens themselves
/// instead of their text. A file's jobs are joined in order; the result is the same as
/// rendering each file whole ([`render`]).
pub fn render_jobs<J: Sync>(
    files: &[(String, &str)],
    jobs: &[(usize, J)],
    build: impl Fn(&J) -> TokenStream + Sync,
) -> Result<(Vec<(String, String)>, Spent)> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    // Jobs are taken in turn from one counter; a thread that finishes early takes the next.
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        let mut spent = Spent::default();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some((file, job)) = jobs.get(i) else {
                break;
            };
            let start = Instant::now();
            let tokens = build(job);
            let built = Instant::now();
            let name = files.get(*file).map_or("", |f| f.0.as_str());
            done.push((i, format_tokens(name, tokens)));
            spent.building += built - start;
            spent.formatting += built.elapsed();
        }
        (done, spent)
    };
    let (results, spent) = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads.min(jobs.len()))
            .map(|_| scope.spawn(work))
            .collect();
        let (mut done, mut spent) = work();
        for helper in helpers {
            let Ok((more, their)) = helper.join() else {
                return Err(Error::at("", "internal: a formatting thread panicked"));
            };
            done.extend(more);
            spent.building += their.building;
            spent.formatting += their.formatting;
        }
        Ok((done, spent))
    })?;
    let mut by_job: Vec<Option<Result<String>>> = (0..jobs.len()).map(|_| None).collect();
    for (i, r) in results {
        by_job[i] = Some(r);
    }
    let mut bodies: Vec<String> = files.iter().map(|(_, source)| preamble(source)).collect();
    for ((file, _), result) in jobs.iter().zip(by_job) {
        let text = result.ok_or_else(|| Error::at("", "internal: a formatting job got lost"))??;
        let body = bodies
            .get_mut(*file)
            .ok_or_else(|| Error::at("", "internal: a job for a file not listed"))?;
        join_tidied(body, &text);
    }
    Ok((
        files.iter().map(|f| f.0.clone()).zip(bodies).collect(),
        spent,
    ))
}

/// One job's tokens, parsed, formatted and tidied.
fn format_tokens(file: &str, tokens: TokenStream) -> Result<String> {
    let parsed: syn::File = syn::parse2(tokens).map_err(|e| {
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
/// 100 characters are wrapped at spaces, and a blank line separates each item from the one
/// before it (prettyplease writes them back to back). A run of one-line declarations of one
/// kind (`mod a; mod b;`) stays together.
pub fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    // Where the last line written to `out` starts (the line before the next one).
    let mut last: Option<usize> = None;
    let mut write = |line: &str| {
        if let Some(start) = last {
            // Without its newline.
            let prev = &out[start..out.len() - 1];
            if starts_new_item(prev, line) {
                out.push('\n');
            }
        }
        last = Some(out.len());
        out.push_str(line);
        out.push('\n');
    };
    for line in text.lines() {
        wrap_comment(line, &mut write);
    }
    out
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

fn starts_new_item(prev: &str, line: &str) -> bool {
    let p = prev.trim();
    // Most lines follow one that neither closes an item nor is a one-line declaration.
    let closes = p == "}" || p == "};";
    let one_line_declaration = p.ends_with(';') && !p.starts_with("//");
    if !closes && !one_line_declaration {
        return false;
    }
    if indent_of(prev) != indent_of(line) {
        return false;
    }
    let l = line.trim();
    if !ITEM_STARTS.iter().any(|s| l.starts_with(s)) {
        return false;
    }
    // After a one-line declaration, a new kind starts a new group.
    closes || kind(p) != kind(l)
}

/// `mod`, `use`, `pub use`, `pub(crate) mod`, ...: the keywords before a declaration's name.
fn kind(line: &str) -> (&str, &str) {
    let mut words = line.split_whitespace();
    let first = words.next().unwrap_or("");
    match first.starts_with("pub") {
        true => (first, words.next().unwrap_or("")),
        false => (first, ""),
    }
}

/// Hand `write` the line, or for a comment line wider than [`MAX_WIDTH`] the same words over
/// several lines with the same indentation and comment marker.
fn wrap_comment(line: &str, write: &mut impl FnMut(&str)) {
    // A line of no more bytes than that has no more characters either.
    if line.len() <= MAX_WIDTH {
        write(line);
        return;
    }
    let trimmed = line.trim_start();
    let marker = ["///", "//!", "//"]
        .into_iter()
        .find(|m| trimmed.starts_with(m));
    let Some(marker) = marker.filter(|_| line.chars().count() > MAX_WIDTH) else {
        write(line);
        return;
    };
    let lead = format!("{}{marker} ", &line[..indent_of(line)]);
    let words = trimmed[marker.len()..].split_whitespace();
    let lead_width = lead.chars().count();
    let mut current = lead.clone();
    // Characters in `current`, kept as it grows.
    let mut width = lead_width;
    for word in words {
        let word_width = word.chars().count();
        let fits = width + word_width < MAX_WIDTH;
        if current.len() > lead.len() && !fits {
            write(&current);
            current.clone_from(&lead);
            width = lead_width;
        }
        if current.len() > lead.len() {
            current.push(' ');
            width += 1;
        }
        current.push_str(word);
        width += word_width;
    }
    write(&current);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file generated for `spec/`, built and formatted in jobs on several threads and
    /// joined, is the same text as the file's tokens formatted whole on one thread.
    #[test]
    fn files_rendered_in_jobs_equal_files_rendered_whole() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/");
        let read = |f: &str| std::fs::read_to_string(format!("{root}{f}")).unwrap();
        let ir = crate::lower::lower(
            &crate::load::parse(&read("conversations_v1.yaml")).unwrap(),
            &crate::Conventions::default(),
        )
        .unwrap();
        let events = crate::lower::lower_events(
            &crate::load::parse(&read("conversations_webhooks_v1.yaml")).unwrap(),
        )
        .unwrap();
        let part = crate::emit::Part::Main {
            events: Some(&events),
        };
        let whole: Vec<(String, String)> = crate::emit::emit(&ir, part)
            .into_iter()
            .map(|(name, t)| {
                let text = render(&name, t, "s.yaml").unwrap();
                (name, text)
            })
            .collect();
        let plan = crate::emit::plan(&ir, part);
        let files: Vec<(String, &str)> =
            plan.files().iter().map(|f| (f.clone(), "s.yaml")).collect();
        assert!(
            plan.jobs().len() > files.len(),
            "files are cut into several jobs"
        );
        let (in_jobs, spent) = render_jobs(&files, plan.jobs(), |j| plan.tokens(j)).unwrap();
        assert!(!spent.building.is_zero() && !spent.formatting.is_zero());
        assert_eq!(in_jobs.len(), whole.len());
        for (a, b) in in_jobs.iter().zip(&whole) {
            assert_eq!(a.0, b.0);
            assert!(a.1 == b.1, "{} differs when rendered in jobs", a.0);
        }
    }

    /// A test job: Rust source text, lexed into tokens.
    fn lex(text: &&str) -> TokenStream {
        text.parse().unwrap()
    }

    #[test]
    fn a_job_that_does_not_parse_is_an_error_naming_its_file() {
        let files = [
            ("a.rs".to_string(), "s.yaml"),
            ("b.rs".to_string(), "s.yaml"),
        ];
        let jobs = [(0, "struct A;"), (1, "fn fn;"), (1, "struct B;")];
        let err = render_jobs(&files, &jobs, lex).unwrap_err();
        assert!(
            err.message.contains("generated `b.rs` does not parse"),
            "{err}"
        );
    }

    #[test]
    fn jobs_are_joined_per_file_in_their_order_whichever_file_is_queued_first() {
        let files = [
            ("a.rs".to_string(), "s.yaml"),
            ("b.rs".to_string(), "t.yaml"),
        ];
        let jobs = [(1, "struct B1;"), (0, "struct A;"), (1, "struct B2;")];
        let (out, _) = render_jobs(&files, &jobs, lex).unwrap();
        assert_eq!(out[0].0, "a.rs");
        assert!(out[0].1.contains("s.yaml") && out[0].1.ends_with("\n\nstruct A;\n"));
        assert!(
            out[1].1.ends_with("\n\nstruct B1;\nstruct B2;\n"),
            "{}",
            out[1].1
        );
        assert!(out[1].1.contains("from t.yaml"));
    }

    #[test]
    fn the_phase_is_split_in_proportion_to_thread_time() {
        let spent = Spent {
            building: Duration::from_millis(10),
            formatting: Duration::from_millis(30),
        };
        let (b, f) = spent.split(Duration::from_millis(20));
        assert_eq!(
            (b, f),
            (Duration::from_millis(5), Duration::from_millis(15))
        );
        assert_eq!(
            Spent::default().split(Duration::from_millis(3)).1,
            Duration::from_millis(3)
        );
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
