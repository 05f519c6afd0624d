//! English the generator writes around the spec's own words.

use std::borrow::Cow;
use std::ops::Range;

/// `a`, `a and b`, `a, b and c`.
pub(crate) fn and_list<S: AsRef<str>>(items: &[S]) -> String {
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => last.as_ref().to_string(),
        Some((last, rest)) => {
            let rest: Vec<&str> = rest.iter().map(AsRef::as_ref).collect();
            format!("{} and {}", rest.join(", "), last.as_ref())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::and_list;

    #[test]
    fn lists_read_as_english() {
        assert_eq!(and_list::<&str>(&[]), "");
        assert_eq!(and_list(&["a"]), "a");
        assert_eq!(and_list(&["a", "b"]), "a and b");
        assert_eq!(and_list(&["a", "b", "c"]), "a, b and c");
    }
}

/// Words that only point at something (articles and the like) and words that link a phrase
/// into a sentence: two summaries that differ in these alone say the same thing.
const DETERMINERS: &[&str] = &[
    "a", "an", "the", "one", "its", "this", "given", "that", "which",
];
const PREPOSITIONS: &[&str] = &[
    "in", "inside", "of", "from", "to", "for", "within", "under", "on", "at", "by", "into",
];
const CONJUNCTIONS: &[&str] = &["and", "or", "but"];

/// The words a spec's summaries name its scopes with, lower case: those of the two scopes'
/// `place` phrases (`the default service`, `a chosen service`) and the scope collection's
/// segment and accessor (`services`, `service`), without articles and prepositions.
pub(crate) fn scope_vocabulary<'a>(
    phrases: impl IntoIterator<Item = &'a str>,
) -> std::collections::BTreeSet<String> {
    phrases
        .into_iter()
        .flat_map(|p| p.split(|c: char| !c.is_alphanumeric()))
        .map(str::to_lowercase)
        .filter(|w| !w.is_empty())
        .filter(|w| !DETERMINERS.contains(&w.as_str()) && !PREPOSITIONS.contains(&w.as_str()))
        .collect()
}

/// Prepositions that say which way something goes: a phrase they open is no mere name of a
/// place, so two summaries whose scope phrases go two ways differ.
const DIRECTIONS: &[&str] = &["to", "from", "into", "onto"];

/// One summary for an operation that two scopes describe in two summaries, when they differ
/// only in how they name the scope: `Create a chat user in the default service.` and `Create a
/// chat user in the given service.` are `Create a chat user.` The top-level summary is kept,
/// less the phrases that name its scope (`in the default service`, `the default service's`,
/// the `default-service` of `a default-service conversation`) unless the other summary has the
/// same phrase; `None` when what is left of the two still differs.
pub(crate) fn said_once(
    top: &str,
    item: &str,
    scope_words: &std::collections::BTreeSet<String>,
) -> Option<String> {
    let top = Sentence::new(top, scope_words);
    let item = Sentence::new(item, scope_words);
    let (top_phrases, item_phrases) = (top.scope_phrases(), item.scope_phrases());
    let keys = |s: &Sentence<'_>, phrases: &[Range<usize>]| -> Vec<String> {
        phrases.iter().map(|r| s.key_of(r.clone())).collect()
    };
    let (top_keys, item_keys) = (keys(&top, &top_phrases), keys(&item, &item_phrases));
    // A phrase both have (`in the default service` in both) is no difference: it stays.
    let own = |phrases: Vec<Range<usize>>, mine: &[String], theirs: &[String]| {
        phrases
            .into_iter()
            .zip(mine)
            .filter(|(_, key)| !theirs.contains(key))
            .map(|(r, _)| r)
            .collect::<Vec<_>>()
    };
    let top_cut = own(top_phrases, &top_keys, &item_keys);
    let item_cut = own(item_phrases, &item_keys, &top_keys);
    if top.directions(&top_cut) != item.directions(&item_cut) {
        return None;
    }
    let (top, item) = (top.without(&top_cut), item.without(&item_cut));
    let content = |s: &Sentence<'_>| -> Vec<String> {
        s.words
            .iter()
            .filter(|w| !w.is_determiner())
            .map(|w| w.key.clone())
            .collect()
    };
    let once = content(&top);
    (once.len() >= 2 && once == content(&item)).then(|| top.text())
}

/// A sentence as words, each with the key it is compared by.
struct Sentence<'a> {
    words: Vec<Word<'a>>,
}

struct Word<'a> {
    text: Cow<'a, str>,
    /// Lower case, without the punctuation around it.
    key: String,
    /// It names a scope: every part of it (`default-service`) is a scope word, a possessive
    /// (`service's`) included.
    scope: bool,
}

impl Word<'_> {
    fn is_determiner(&self) -> bool {
        DETERMINERS.contains(&self.key.as_str())
    }

    fn is_preposition(&self) -> bool {
        PREPOSITIONS.contains(&self.key.as_str())
    }

    fn possessive(&self) -> bool {
        self.key.ends_with("'s") || self.key.ends_with("’s")
    }

    /// Punctuation after the word (`.` of `service.`).
    fn trailing(&self) -> &str {
        let end = self
            .text
            .trim_end_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’');
        &self.text[end.len()..]
    }

    /// Whether punctuation comes before the word (`(` of `(unread`).
    fn leading(&self) -> bool {
        self.text.starts_with(|c: char| !c.is_alphanumeric())
    }
}

impl<'a> Sentence<'a> {
    fn new(text: &'a str, scope_words: &std::collections::BTreeSet<String>) -> Sentence<'a> {
        let words = text
            .split_whitespace()
            .map(|t| {
                let key = t
                    .trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
                    .trim_end_matches(['\'', '’'])
                    .to_lowercase();
                let base = key
                    .strip_suffix("'s")
                    .or_else(|| key.strip_suffix("’s"))
                    .unwrap_or(&key);
                let scope = !base.is_empty()
                    && base
                        .split('-')
                        .all(|part| !part.is_empty() && scope_words.contains(part));
                Word {
                    text: Cow::Borrowed(t),
                    key,
                    scope,
                }
            })
            .collect();
        Sentence { words }
    }

    /// The phrases that name a scope, as the words to cut: a prepositional phrase that ends in
    /// the scope (`in the given service`), a possessive with its article (`the default
    /// service's`), or a scope used as an adjective after an article (`default-service` of `a
    /// default-service conversation`).
    fn scope_phrases(&self) -> Vec<Range<usize>> {
        let words = &self.words;
        let n = words.len();
        let joined = |k: usize| k == 0 || words[k - 1].trailing().is_empty();
        let mut out = Vec::new();
        let mut i = 0;
        while i < n {
            if !words[i].scope {
                i += 1;
                continue;
            }
            let start = i;
            while i < n && words[i].scope && (i == start || joined(i)) {
                i += 1;
            }
            let end = i;
            if words[start].leading() {
                continue;
            }
            let mut det = start;
            while det > 0 && words[det - 1].is_determiner() && joined(det) {
                det -= 1;
            }
            let last = &words[end - 1];
            // `default-service` before a noun is an adjective (`a default-service
            // conversation`); otherwise the run is the noun its phrase ends in.
            let modifies_next = last.key.contains('-')
                && last.trailing().is_empty()
                && words.get(end).is_some_and(|w| {
                    !(w.leading()
                        || w.is_preposition()
                        || w.is_determiner()
                        || CONJUNCTIONS.contains(&w.key.as_str()))
                });
            let preposition = (det > 0 && det < start && words[det - 1].is_preposition())
                .then(|| det - 1)
                .filter(|&p| joined(p + 1));
            let cut = if last.possessive() && det < start {
                det..end
            } else if modifies_next && det < start {
                start..end
            } else if let Some(p) = preposition.filter(|_| !modifies_next) {
                p..end
            } else {
                continue;
            };
            out.push(cut);
        }
        out
    }

    fn key_of(&self, range: Range<usize>) -> String {
        self.words[range]
            .iter()
            .map(|w| w.key.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The prepositions of direction that open these phrases.
    fn directions(&self, phrases: &[Range<usize>]) -> Vec<&str> {
        let mut out: Vec<&str> = phrases
            .iter()
            .map(|r| self.words[r.start].key.as_str())
            .filter(|k| DIRECTIONS.contains(k))
            .collect();
        out.sort_unstable();
        out
    }

    /// The sentence without the words of `phrases`; the punctuation that ends a phrase goes
    /// to the word before it, and the sentence still opens with a capital.
    fn without(self, phrases: &[Range<usize>]) -> Sentence<'a> {
        let cut = |k: usize| phrases.iter().any(|r| r.contains(&k));
        let mut kept: Vec<Word<'a>> = Vec::with_capacity(self.words.len());
        for (k, w) in self.words.into_iter().enumerate() {
            if !cut(k) {
                kept.push(w);
                continue;
            }
            let trailing = w.trailing();
            if !cut(k + 1) && !trailing.is_empty() {
                if let Some(prev) = kept.last_mut() {
                    let bare = prev.text.trim_end_matches([',', ';', ':']);
                    prev.text = Cow::Owned(format!("{bare}{trailing}"));
                }
            }
        }
        if let Some(first) = kept.first_mut() {
            let mut chars = first.text.chars();
            if let Some(c) = chars.next().filter(|c| c.is_lowercase()) {
                first.text = Cow::Owned(c.to_uppercase().chain(chars).collect());
            }
        }
        Sentence { words: kept }
    }

    fn text(&self) -> String {
        self.words
            .iter()
            .map(|w| &*w.text)
            .collect::<Vec<&str>>()
            .join(" ")
    }
}

#[cfg(test)]
mod said_once_tests {
    use super::{said_once, scope_vocabulary};

    fn once(top: &str, item: &str) -> Option<String> {
        let words = scope_vocabulary([
            "the default service",
            "a chosen service",
            "Services",
            "service",
        ]);
        said_once(top, item, &words)
    }

    /// Summaries of `spec/conversations_v1.yaml` that name the scope and nothing else.
    #[test]
    fn summaries_that_differ_only_in_their_scope_are_said_once() {
        let cases = [
            (
                "Create a chat user in the default service.",
                "Create a chat user in the given service.",
                "Create a chat user.",
            ),
            (
                "Open a conversation in the default service.",
                "Open a conversation inside the given service.",
                "Open a conversation.",
            ),
            (
                "Add a chat user or a messaging-channel address to a default-service conversation.",
                "Add a chat user or a messaging-channel address to a conversation in the given service.",
                "Add a chat user or a messaging-channel address to a conversation.",
            ),
            (
                "Page through the default service's conversations, optionally by creation date range or state.",
                "Page through a service's conversations, optionally by creation date range or state.",
                "Page through conversations, optionally by creation date range or state.",
            ),
            (
                "Page through the default-service conversations a given identity or address takes part in.",
                "Page through the conversations of the given service that an identity or address takes part in.",
                "Page through the conversations a given identity or address takes part in.",
            ),
            (
                "Read how one default-service conversation looks to one user (unread count, muting).",
                "Read how one conversation looks to one user of the given service (unread count, muting).",
                "Read how one conversation looks to one user (unread count, muting).",
            ),
            (
                "Define a role, a named permission set, in the default service.",
                "Define a role, a named permission set, in the given service.",
                "Define a role, a named permission set.",
            ),
            (
                "Delete a default-service conversation for good.",
                "Delete a conversation of the given service for good.",
                "Delete a conversation for good.",
            ),
            (
                "Set a user's notification level or read position in one default-service conversation.",
                "Set a user's notification level or read position in one conversation of the given service.",
                "Set a user's notification level or read position in one conversation.",
            ),
            (
                "Page through the default-service conversations a user belongs to.",
                "Page through the conversations a user of the given service belongs to.",
                "Page through the conversations a user belongs to.",
            ),
        ];
        for (top, item, expected) in cases {
            assert_eq!(once(top, item).as_deref(), Some(expected), "{top} / {item}");
        }
    }

    #[test]
    fn summaries_that_say_different_things_are_kept_apart() {
        let cases = [
            (
                "Change where and how account-level conversation events get delivered.",
                "Change a service's pre-event and post-event webhooks.",
            ),
            (
                "Read the account-level webhook settings used by the default service.",
                "Read a service's pre-event and post-event webhook settings.",
            ),
            // A preposition that changes the meaning is no scope's name.
            (
                "Copy a role to the default service.",
                "Copy a role from the given service.",
            ),
            // A word the two share is kept, scope word or not.
            (
                "Post to the Messaging Service.",
                "Post to the Chat Service.",
            ),
        ];
        for (top, item) in cases {
            assert_eq!(once(top, item), None, "{top} / {item}");
        }
    }
}
