//! Parsing a large spec on several threads at once.
//!
//! YAML parsing is the largest stage that runs on one core (most of it serde's buffering of
//! `openapiv3`'s untagged enums). A spec's `paths` mapping is most of its text, and its entries
//! are independent of each other, so the text is cut between entries into runs that parse on
//! their own: the first runs as documents holding only `paths`, the last together with
//! everything else. The runs' paths are joined in order.
//!
//! A cut is only made where it cannot change what the text means, and any doubt gives up
//! (`None`), so that [`super::parse`] parses the text whole as before:
//!
//! - The text must be plain block YAML: every line that starts at column 0 is a top-level key
//!   (`name:`), a top-level sequence item (`- ...`), a comment or blank. That rules out JSON,
//!   directives, document markers, complex keys and anything else unusual. No line starts with
//!   a tab, and there is no carriage return.
//! - `paths:` appears once, as a line of its own, and its entries are the lines indented by
//!   the first entry's indentation; each must be a path (`/...`, quoted or not). No other line
//!   of the section is indented less.
//! - Cuts fall only at entry lines. A line at an entry's indentation inside a multi-line quoted
//!   scalar or flow collection would leave the run before it unterminated, which fails to
//!   parse; an alias to an anchor in another run fails too; a path that two runs both hold is
//!   caught when joining. Each gives up.
//!
//! So the result, when there is one, is the value parsing the whole text gives (a test checks
//! this for `spec/`, and `cargo xtask corpus` output is unchanged on Twilio's published files).

use openapiv3::{OpenAPI, Paths};

/// Below this, a spec parses faster than a thread starts and joins.
const MIN_BYTES: usize = 64 * 1024;

/// A document that holds only `paths` (a run of the spec's entries), by its one key.
type OnlyPaths = std::collections::BTreeMap<String, Paths>;

/// `text` parsed on up to `threads` threads, or `None` when it cannot be cut safely, is too
/// small, or a run does not parse (the caller then parses it whole, which also gives the error).
pub(crate) fn parse(text: &str, threads: usize) -> Option<OpenAPI> {
    if text.len() < MIN_BYTES || threads < 2 {
        return None;
    }
    parse_in_runs(text, threads)
}

/// [`parse`] without the size threshold.
fn parse_in_runs(text: &str, threads: usize) -> Option<OpenAPI> {
    let section = paths_section(text)?;
    let cuts = cuts(&section, text.len(), threads);
    if cuts.is_empty() {
        return None;
    }
    // Runs of entries parsed as `paths` alone: from the first entry to the first cut, and
    // between cuts. The last run stays in the text with everything else.
    let mut starts = vec![section.entries[0]];
    starts.extend(&cuts);
    let last_cut = *cuts.last()?;
    let mut rest = String::with_capacity(text.len() - (last_cut - section.entries[0]));
    rest.push_str(&text[..section.entries[0]]);
    rest.push_str(&text[last_cut..]);
    std::thread::scope(|scope| {
        let runs: Vec<_> = starts
            .windows(2)
            .map(|w| {
                let run = format!("paths:\n{}", &text[w[0]..w[1]]);
                scope.spawn(move || serde_yaml::from_str::<OnlyPaths>(&run).ok())
            })
            .collect();
        let mut api: OpenAPI = serde_yaml::from_str(&rest).ok()?;
        let mut paths = Paths::default();
        for run in runs {
            let run = run.join().ok()??.remove("paths")?;
            if !run.extensions.is_empty() {
                return None;
            }
            for (path, item) in run.paths {
                if paths.paths.insert(path, item).is_some() {
                    return None;
                }
            }
        }
        for (path, item) in std::mem::take(&mut api.paths.paths) {
            if paths.paths.insert(path, item).is_some() {
                return None;
            }
        }
        paths.extensions = std::mem::take(&mut api.paths.extensions);
        api.paths = paths;
        Some(api)
    })
}

/// Where the `paths` entries start: byte offsets of each entry's first line.
#[derive(Debug, PartialEq)]
struct Section {
    entries: Vec<usize>,
}

/// The entries of the one `paths:` section, when the whole text has the shape described in
/// the module docs.
fn paths_section(text: &str) -> Option<Section> {
    if text.contains('\r') {
        return None;
    }
    let mut entries = Vec::new();
    let mut seen_paths = false;
    let mut in_paths = false;
    let mut entry_indent = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let content = line.trim_end_matches('\n');
        let trimmed = content.trim_start_matches(' ');
        if trimmed.starts_with('\t') {
            return None;
        }
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = content.len() - trimmed.len();
        if indent == 0 {
            in_paths = false;
            if content.trim_end() == "paths:" {
                if seen_paths {
                    return None;
                }
                (seen_paths, in_paths) = (true, true);
            } else if !is_top_level_key(content) && !is_sequence_item(content) {
                return None;
            }
            continue;
        }
        if !in_paths {
            continue;
        }
        let first = *entry_indent.get_or_insert(indent);
        if indent < first {
            return None;
        }
        if indent == first {
            // The value of an explicit key (`? /long/path` then `: ...`, as emitters write a
            // long key) goes with its key.
            if trimmed == ":" || trimmed.starts_with(": ") {
                continue;
            }
            if !["/", "'/", "\"/", "? /"]
                .iter()
                .any(|p| trimmed.starts_with(p))
            {
                return None;
            }
            entries.push(start);
        }
    }
    (!entries.is_empty()).then_some(Section { entries })
}

/// `name:` or `name: value` with a plain name.
fn is_top_level_key(line: &str) -> bool {
    let Some((name, after)) = line.split_once(':') else {
        return false;
    };
    let mut chars = name.chars();
    let plain = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    plain && (after.is_empty() || after.starts_with(' '))
}

fn is_sequence_item(line: &str) -> bool {
    line == "-" || line.starts_with("- ")
}

/// Entry offsets at which to cut so that the runs (the last with the rest of the text, of
/// `len` bytes in all) are about equal in size: at most `threads - 1` cuts, never at the first
/// entry, each after the one before. When the entries are less than the runs' share (a spec
/// with large components), the last cut is at the last entry: the first runs get every path
/// but one, the last run the rest of the text.
fn cuts(section: &Section, len: usize, threads: usize) -> Vec<usize> {
    let share = len / threads;
    let mut out = Vec::new();
    let first = section.entries[0];
    let Some(&last_entry) = section.entries.last() else {
        return out;
    };
    for k in 1..threads {
        let target = first + k * share;
        let at = section.entries[1..]
            .iter()
            .copied()
            .find(|&e| e >= target)
            .unwrap_or(last_entry);
        if at == first || out.last().is_some_and(|&prev| prev >= at) {
            break;
        }
        out.push(at);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> String {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/conversations_v1.yaml");
        std::fs::read_to_string(path).unwrap()
    }

    #[test]
    fn spec_parsed_in_runs_equals_spec_parsed_whole() {
        let text = spec();
        let whole: OpenAPI = serde_yaml::from_str(&text).unwrap();
        for threads in [2, 3, 8] {
            let in_runs = parse(&text, threads).expect("spec/ has the shape to cut");
            assert!(in_runs == whole, "{threads} runs differ from the whole");
        }
    }

    #[test]
    fn runs_are_cut_at_entries_and_about_equal() {
        let text = spec();
        let section = paths_section(&text).unwrap();
        assert_eq!(section.entries.len(), 49);
        assert!(section
            .entries
            .iter()
            .all(|&e| text[e..].starts_with("  /")));
        let cuts = cuts(&section, text.len(), 2);
        assert_eq!(cuts.len(), 1);
        let first_run = cuts[0] - section.entries[0];
        let rest = text.len() - first_run;
        assert!(
            first_run.abs_diff(rest) < text.len() / 10,
            "{first_run} vs {rest}"
        );
    }

    #[test]
    fn paths_smaller_than_a_share_go_to_the_first_runs_but_the_last_path() {
        let section = Section {
            entries: vec![10, 20, 30],
        };
        assert_eq!(cuts(&section, 1000, 2), [30]);
        assert_eq!(cuts(&section, 1000, 3), [30]);
        assert_eq!(cuts(&section, 60, 3), [30]);
        let one = Section { entries: vec![10] };
        assert!(cuts(&one, 1000, 2).is_empty());
    }

    #[test]
    fn an_explicit_key_is_an_entry_and_its_value_stays_with_it() {
        let text = SMALL.replace("  /b:\n    get:", "  ? /b/with/a/long/name\n  :\n    get:");
        let section = paths_section(&text).unwrap();
        assert_eq!(section.entries.len(), 3);
        let whole: OpenAPI = serde_yaml::from_str(&text).unwrap();
        assert_eq!(parse_in_runs(&text, 3).unwrap(), whole);
        assert!(whole.paths.paths.contains_key("/b/with/a/long/name"));
    }

    const SMALL: &str = "openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\npaths:\n  /a:\n    get:\n      responses:\n        '204':\n          description: none\n  /b:\n    get:\n      responses:\n        '204':\n          description: none\n  /c:\n    get:\n      responses:\n        '204':\n          description: none\ncomponents: {}\n";

    #[test]
    fn a_small_block_spec_is_cut_and_means_the_same() {
        let whole: OpenAPI = serde_yaml::from_str(SMALL).unwrap();
        let runs = parse_in_runs(SMALL, 3).unwrap();
        assert_eq!(runs, whole);
        let paths: Vec<&String> = runs.paths.paths.keys().collect();
        assert_eq!(paths, ["/a", "/b", "/c"]);
        // Below the size threshold the caller parses whole.
        assert!(parse(SMALL, 2).is_none());
    }

    #[test]
    fn text_that_could_mean_something_else_when_cut_is_not_cut() {
        let unsure = [
            // JSON
            "{\"openapi\": \"3.0.3\", \"paths\": {\"/a\": {}}}".to_string(),
            // a document marker
            format!("---\n{SMALL}"),
            // an entry that is not a path (an extension)
            SMALL.replace("  /b:", "  x-b:"),
            // a less indented line inside the section
            SMALL.replace(
                "    get:\n      responses:\n        '204':\n          description: none\n  /c:",
                "    get:\n      responses:\n        '204':\n          description: none\n /c:",
            ),
            // two `paths:`
            format!("{SMALL}paths:\n  /d: {{}}\n"),
            // carriage returns
            SMALL.replace('\n', "\r\n"),
        ];
        for text in &unsure[..2] {
            assert!(paths_section(text).is_none(), "{text}");
        }
        for text in &unsure[2..] {
            assert!(parse_in_runs(text, 3).is_none(), "{text}");
        }
    }

    #[test]
    fn runs_that_do_not_stand_alone_give_up() {
        // A quoted scalar whose second line looks like an entry.
        let quoted = SMALL.replace(
            "  /b:\n",
            "  /a2:\n    description: \"one\n  /b: two\"\n    get:\n      responses:\n        '204':\n          description: none\n  /b:\n",
        );
        let whole: Result<OpenAPI, _> = serde_yaml::from_str(&quoted);
        let cut = paths_section(&quoted).unwrap();
        assert_eq!(
            cut.entries.len(),
            5,
            "the quoted line is taken for an entry"
        );
        let runs = parse_in_runs(&quoted, 5);
        assert!(runs.is_none() || runs.ok_or(()) == whole.map_err(|_| ()));
        // An alias to an anchor in another run.
        let alias = SMALL
            .replace("  /a:\n    get:", "  /a:\n    get: &op")
            .replace(
                "  /c:\n    get:\n      responses:\n        '204':\n          description: none\n",
                "  /c:\n    get: *op\n",
            );
        let whole: OpenAPI = serde_yaml::from_str(&alias).unwrap();
        assert!(parse_in_runs(&alias, 3).is_none());
        assert_eq!(whole.paths.paths.len(), 3);
        // The same path in two runs.
        let twice = SMALL.replace("  /c:", "  /a:");
        assert!(parse_in_runs(&twice, 3).is_none());
    }
}
