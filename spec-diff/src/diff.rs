//! Comparing the facts of two specs and labelling each difference (rules: crate docs).

use std::collections::BTreeSet;

use crate::model::{Api, Body, Encoding, Fact, Facts, Media, Operation, Security, Seg, Tree};
use crate::report::{Difference, Label, Refinement, Report};

/// Which way data flows through a schema: into the server (parameters, request bodies) or out
/// of it (responses). A new constraint is fine on output and breaking on input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dir {
    Request,
    Response,
}

/// How the set of values a fact allows moved from OLD to NEW.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    /// NEW allows more.
    Looser,
    /// NEW allows less.
    Tighter,
    /// Neither (a type, format or pattern replaced by another).
    Other,
}

fn label(dir: Dir, change: Change) -> Label {
    match (dir, change) {
        (Dir::Request, Change::Looser) | (Dir::Response, Change::Tighter) => Label::Compatible,
        _ => Label::Breaking,
    }
}

const GLOBAL: &str = "(global)";

/// The order facts are reported in.
const FACT_ORDER: [&str; 21] = [
    "type",
    "format",
    "default",
    "enum",
    "required",
    "nullable",
    "minimum",
    "exclusiveMinimum",
    "maximum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "additionalProperties",
    "style",
    "explode",
    "recursive",
];

pub(crate) fn diff(old: &Api, new: &Api) -> Report {
    let mut d = Differ {
        report: Report::default(),
        group: GLOBAL.to_owned(),
    };
    if old.servers != new.servers {
        d.push(
            "servers",
            format!("{} -> {}", list(&old.servers), list(&new.servers)),
            Label::Breaking,
        );
    }
    if old.security != new.security {
        d.security("security", &old.security, &new.security);
    }
    let names: BTreeSet<&String> = old.schemes.keys().chain(new.schemes.keys()).collect();
    for name in names {
        let loc = format!("security scheme {name}");
        match (old.schemes.get(name), new.schemes.get(name)) {
            (Some(_), None) => d.push(&loc, "removed".into(), Label::Breaking),
            (None, Some(_)) => d.push(&loc, "added".into(), Label::Compatible),
            (Some(a), Some(b)) if a != b => {
                d.push(&loc, format!("changed: {a} -> {b}"), Label::Breaking)
            }
            _ => {}
        }
    }
    let keys: BTreeSet<&(String, String)> = old.ops.keys().chain(new.ops.keys()).collect();
    for key in keys {
        let (a, b) = (old.ops.get(key), new.ops.get(key));
        let id = b
            .and_then(|o| o.id.as_ref())
            .or(a.and_then(|o| o.id.as_ref()));
        d.group = format!("{} {}", key.1.to_uppercase(), key.0);
        if let Some(id) = id {
            d.group.push_str(&format!(" ({id})"));
        }
        match (a, b) {
            (Some(_), None) => d.push("operation", "removed".into(), Label::Breaking),
            (None, Some(_)) => d.push("operation", "added".into(), Label::Compatible),
            (Some(a), Some(b)) => d.operation(old, new, a, b),
            (None, None) => {}
        }
    }
    d.report
}

struct Differ {
    report: Report,
    group: String,
}

impl Differ {
    fn push(&mut self, location: &str, change: String, label: Label) {
        self.report.differences.push(Difference {
            group: self.group.clone(),
            location: location.to_owned(),
            change,
            label,
        });
    }

    fn refine(&mut self, location: &str, change: String) {
        self.report.refinements.push(Refinement {
            group: self.group.clone(),
            location: location.to_owned(),
            change,
        });
    }

    /// A changed security requirement: compatible when every way of authenticating that OLD
    /// accepted is still accepted, or when NEW accepts anonymous requests.
    fn security(&mut self, location: &str, a: &Security, b: &Security) {
        let anon: Security = ["(anonymous)".to_owned()].into();
        let (ea, eb) = (
            if a.is_empty() { &anon } else { a },
            if b.is_empty() { &anon } else { b },
        );
        let label = if ea.is_subset(eb) || eb.contains("(anonymous)") {
            Label::Compatible
        } else {
            Label::Breaking
        };
        let show = |s: &Security| format!("[{}]", s.iter().cloned().collect::<Vec<_>>().join(", "));
        self.push(location, format!("{} -> {}", show(a), show(b)), label);
    }

    fn operation(&mut self, old: &Api, new: &Api, a: &Operation, b: &Operation) {
        if a.id != b.id {
            self.push(
                "operationId",
                format!(
                    "{} -> {}",
                    or_none(a.id.as_deref()),
                    or_none(b.id.as_deref())
                ),
                Label::Breaking,
            );
        }
        if a.servers.is_some() || b.servers.is_some() {
            let sa = a.servers.as_ref().unwrap_or(&old.servers);
            let sb = b.servers.as_ref().unwrap_or(&new.servers);
            if sa != sb {
                self.push(
                    "servers",
                    format!("{} -> {}", list(sa), list(sb)),
                    Label::Breaking,
                );
            }
        }
        if a.security.is_some() || b.security.is_some() {
            let sa = a.security.as_ref().unwrap_or(&old.security);
            let sb = b.security.as_ref().unwrap_or(&new.security);
            if sa != sb {
                self.security("security", sa, sb);
            }
        }
        self.params(a, b);
        self.body(a.body.as_ref(), b.body.as_ref());
        self.responses(a, b);
    }

    fn params(&mut self, a: &Operation, b: &Operation) {
        let keys: BTreeSet<&(String, String)> = a.params.keys().chain(b.params.keys()).collect();
        for key in keys {
            let base = format!("parameter {} {}", key.0, key.1);
            match (a.params.get(key), b.params.get(key)) {
                (Some(_), None) => self.push(&base, "removed".into(), Label::Breaking),
                (None, Some(t)) => {
                    let (text, label) = added_request(t.get(&Vec::new()));
                    self.push(&base, text.into(), label);
                }
                (Some(ta), Some(tb)) => {
                    let loc = |p: &[Seg]| format!("{base}{}", join_suffix(p));
                    self.tree(ta, tb, Dir::Request, &loc);
                }
                (None, None) => {}
            }
        }
    }

    fn body(&mut self, a: Option<&Body>, b: Option<&Body>) {
        const LOC: &str = "request body";
        let (a, b) = match (a, b) {
            (None, None) => return,
            (Some(_), None) => return self.push(LOC, "removed".into(), Label::Breaking),
            (None, Some(b)) => {
                return if b.required {
                    self.push(LOC, "added, required".into(), Label::Breaking)
                } else {
                    self.push(LOC, "added, optional".into(), Label::Compatible)
                };
            }
            (Some(a), Some(b)) => (a, b),
        };
        if a.required != b.required {
            let label = if b.required {
                Label::Breaking
            } else {
                Label::Compatible
            };
            self.push(
                LOC,
                format!("required: {} -> {}", a.required, b.required),
                label,
            );
        }
        let multi = a.content.len() > 1 || b.content.len() > 1;
        let cts: BTreeSet<&String> = a.content.keys().chain(b.content.keys()).collect();
        for ct in cts {
            let ct_loc = format!("{LOC} content type {ct}");
            match (a.content.get(ct), b.content.get(ct)) {
                (Some(_), None) => self.push(&ct_loc, "removed".into(), Label::Breaking),
                (None, Some(_)) => self.push(&ct_loc, "added".into(), Label::Compatible),
                (Some(ma), Some(mb)) => {
                    let prefix = if multi {
                        format!("{LOC} {ct}")
                    } else {
                        LOC.to_owned()
                    };
                    let loc = |p: &[Seg]| {
                        if p.is_empty() {
                            format!("{prefix} schema")
                        } else {
                            format!("{prefix} field {}", join(p))
                        }
                    };
                    self.tree(&ma.tree, &mb.tree, Dir::Request, &loc);
                    self.encoding(&prefix, ma, mb);
                }
                (None, None) => {}
            }
        }
    }

    fn responses(&mut self, a: &Operation, b: &Operation) {
        let codes: BTreeSet<&String> = a.responses.keys().chain(b.responses.keys()).collect();
        for code in codes {
            let base = format!("response {code}");
            let (ra, rb) = match (a.responses.get(code), b.responses.get(code)) {
                (Some(_), None) => {
                    self.push(&base, "removed".into(), Label::Compatible);
                    continue;
                }
                (None, Some(_)) => {
                    let label = if code.starts_with('2') {
                        Label::Breaking
                    } else {
                        Label::Compatible
                    };
                    self.push(&base, "added".into(), label);
                    continue;
                }
                (Some(ra), Some(rb)) => (ra, rb),
                (None, None) => continue,
            };
            let multi = ra.len() > 1 || rb.len() > 1;
            let cts: BTreeSet<&String> = ra.keys().chain(rb.keys()).collect();
            for ct in cts {
                let ct_loc = format!("{base} content type {ct}");
                match (ra.get(ct), rb.get(ct)) {
                    (Some(_), None) => self.push(&ct_loc, "removed".into(), Label::Breaking),
                    (None, Some(_)) => self.push(&ct_loc, "added".into(), Label::Compatible),
                    (Some(ma), Some(mb)) => {
                        let prefix = if multi {
                            format!("{base} {ct}")
                        } else {
                            base.clone()
                        };
                        let loc = |p: &[Seg]| {
                            if p.is_empty() {
                                format!("{prefix} body")
                            } else {
                                format!("{prefix} field {}", join(p))
                            }
                        };
                        self.tree(&ma.tree, &mb.tree, Dir::Response, &loc);
                    }
                    (None, None) => {}
                }
            }
        }
    }

    /// Compares two flattened schemas node by node. A node added or removed is reported once,
    /// not once more for each node below it.
    fn tree(&mut self, a: &Tree, b: &Tree, dir: Dir, loc: &dyn Fn(&[Seg]) -> String) {
        let paths: BTreeSet<&Vec<Seg>> = a.keys().chain(b.keys()).collect();
        for path in paths {
            let parent = &path[..path.len().saturating_sub(1)];
            match (a.get(path), b.get(path)) {
                (Some(_), None) => {
                    if path.is_empty() || b.contains_key(parent) {
                        self.push(&loc(path), "removed".into(), Label::Breaking);
                    }
                }
                (None, Some(facts)) => {
                    if dir == Dir::Response
                        && !path.is_empty()
                        && a.get(parent).is_some_and(open_object)
                        && !has_children(a, parent)
                    {
                        self.refine(
                            &loc(path),
                            "added (a key of an object OLD left open)".into(),
                        );
                    } else if path.is_empty() || a.contains_key(parent) {
                        let (text, label) = match dir {
                            Dir::Request => added_request(Some(facts)),
                            Dir::Response => ("added", Label::Compatible),
                        };
                        self.push(&loc(path), text.into(), label);
                    }
                }
                (Some(fa), Some(fb)) => {
                    if fa != fb {
                        self.facts(fa, fb, dir, &loc(path), a, path);
                    }
                }
                (None, None) => {}
            }
        }
    }

    fn facts(&mut self, a: &Facts, b: &Facts, dir: Dir, loc: &str, old: &Tree, path: &[Seg]) {
        let mut keys: Vec<&'static str> = a.keys().chain(b.keys()).copied().collect();
        keys.sort_by_key(|k| (FACT_ORDER.iter().position(|o| o == k), *k));
        keys.dedup();
        for key in keys {
            let (fa, fb) = (a.get(key), b.get(key));
            if fa == fb {
                continue;
            }
            if key == "enum" {
                self.enums(fa, fb, dir, loc);
                continue;
            }
            if key == "type" && fa.is_none() && only_nullable(a) && !has_children(old, path) {
                self.refine(
                    loc,
                    format!("type: none -> {} (was only nullable: true)", show(key, fb)),
                );
                continue;
            }
            if dir == Dir::Response {
                if key == "type" && fa.is_none() && a.is_empty() && !has_children(old, path) {
                    self.refine(
                        loc,
                        format!("type: none -> {} (was untyped)", show(key, fb)),
                    );
                    continue;
                }
                let always = b.get("required") == Some(&Fact::Bool(true));
                if key == "required" && always {
                    self.refine(loc, "required: false -> true (always returned)".into());
                    continue;
                }
                if key == "nullable" && always && fb.is_none() {
                    self.refine(
                        loc,
                        "nullable: true -> false (required: always returned with a value)".into(),
                    );
                    continue;
                }
            }
            let label = match (key, dir) {
                // A request default is what the server does when the field is left out: a
                // new or changed one changes the outcome of calls that never set it.
                ("default", Dir::Request) => Label::Breaking,
                // In a response it only documents a usual value: nothing a client decodes
                // changes.
                ("default", Dir::Response) => Label::Compatible,
                _ => label(dir, variance(key, fa, fb)),
            };
            self.push(
                loc,
                format!("{key}: {} -> {}", show(key, fa), show(key, fb)),
                label,
            );
        }
    }

    /// Enum values: one line per value added or removed. In a response every enum change is
    /// compatible, because generated enums decode unknown values into their fallback variant.
    fn enums(&mut self, a: Option<&Fact>, b: Option<&Fact>, dir: Dir, loc: &str) {
        let request = dir == Dir::Request;
        match (a, b) {
            (Some(Fact::Set(x)), Some(Fact::Set(y))) => {
                for v in x.difference(y) {
                    let label = if request {
                        Label::Breaking
                    } else {
                        Label::Compatible
                    };
                    self.push(loc, format!("enum value removed: {v}"), label);
                }
                for v in y.difference(x) {
                    self.push(loc, format!("enum value added: {v}"), Label::Compatible);
                }
            }
            _ => {
                let label = if request && a.is_none() {
                    Label::Breaking
                } else {
                    Label::Compatible
                };
                self.push(
                    loc,
                    format!("enum: {} -> {}", show("enum", a), show("enum", b)),
                    label,
                );
            }
        }
    }

    /// `encoding` entries of a request body. Adding or removing `{style: form, explode: true}`
    /// (the form default) for an array field is a refinement; any other change is counted,
    /// compatible only when the effective serialisation stays the same.
    fn encoding(&mut self, prefix: &str, a: &Media, b: &Media) {
        let fields: BTreeSet<&String> = a.encoding.keys().chain(b.encoding.keys()).collect();
        for field in fields {
            let (ea, eb) = (a.encoding.get(field), b.encoding.get(field));
            if ea == eb {
                continue;
            }
            let loc = format!("{prefix} encoding {field}");
            let key = vec![Seg::Prop(field.clone())];
            let is_array = [&a.tree, &b.tree].iter().any(|t| {
                t.get(&key).and_then(|f| f.get("type")) == Some(&Fact::Str("array".into()))
            });
            let form_default = ("form".to_owned(), true, false, None);
            match (ea, eb) {
                (None, Some(e)) if is_array && effective(Some(e)) == form_default => {
                    self.refine(&loc, format!("added {}", show_encoding(Some(e))));
                }
                (Some(e), None) if is_array && effective(Some(e)) == form_default => {
                    self.refine(&loc, format!("removed {}", show_encoding(Some(e))));
                }
                _ => {
                    let label = if effective(ea) == effective(eb) {
                        Label::Compatible
                    } else {
                        Label::Breaking
                    };
                    self.push(
                        &loc,
                        format!("{} -> {}", show_encoding(ea), show_encoding(eb)),
                        label,
                    );
                }
            }
        }
    }
}

/// The label of a parameter or request field that appears in NEW.
fn added_request(facts: Option<&Facts>) -> (&'static str, Label) {
    if facts.is_some_and(|f| f.get("required") == Some(&Fact::Bool(true))) {
        ("added, required", Label::Breaking)
    } else {
        ("added, optional", Label::Compatible)
    }
}

/// How a fact moved, from the point of view of the values it allows.
fn variance(key: &str, a: Option<&Fact>, b: Option<&Fact>) -> Change {
    use Change::*;
    let flag = |f: Option<&Fact>| f == Some(&Fact::Bool(true));
    match key {
        "minimum" | "minLength" | "minItems" => bound(a, b, true),
        "maximum" | "maxLength" | "maxItems" => bound(a, b, false),
        "exclusiveMinimum" | "exclusiveMaximum" => match (a, b) {
            (Some(Fact::Num(_)), _) | (_, Some(Fact::Num(_))) => {
                bound(a, b, key == "exclusiveMinimum")
            }
            _ if flag(b) => Tighter,
            _ => Looser,
        },
        "pattern" | "multipleOf" => match (a, b) {
            (None, Some(_)) => Tighter,
            (Some(_), None) => Looser,
            _ => Other,
        },
        // `required` in a response means "always present": fewer possible responses.
        "required" | "uniqueItems" => {
            if flag(b) {
                Tighter
            } else {
                Looser
            }
        }
        "nullable" => {
            if flag(b) {
                Looser
            } else {
                Tighter
            }
        }
        // Stored only when false.
        "additionalProperties" => {
            if b.is_some() {
                Tighter
            } else {
                Looser
            }
        }
        _ => Other,
    }
}

fn bound(a: Option<&Fact>, b: Option<&Fact>, lower: bool) -> Change {
    match (a, b) {
        (None, Some(_)) => Change::Tighter,
        (Some(_), None) => Change::Looser,
        (Some(Fact::Num(x)), Some(Fact::Num(y))) => {
            if (y > x) == lower {
                Change::Tighter
            } else {
                Change::Looser
            }
        }
        _ => Change::Other,
    }
}

/// OLD's node was only `nullable: true` (and maybe required), with nothing below it.
fn only_nullable(facts: &Facts) -> bool {
    facts.get("nullable") == Some(&Fact::Bool(true))
        && facts.keys().all(|k| *k == "nullable" || *k == "required")
}

/// OLD's node is an object that names no keys and does not forbid others (`type: object`,
/// maybe `format: uri-map`, or untyped): keys described below it in NEW only say what it holds.
fn open_object(facts: &Facts) -> bool {
    let object = match facts.get("type") {
        None => true,
        Some(Fact::Str(t)) => t == "object",
        Some(_) => false,
    };
    object && !facts.contains_key("additionalProperties") && !facts.contains_key("recursive")
}

fn has_children(tree: &Tree, path: &[Seg]) -> bool {
    tree.range(path.to_vec()..)
        .nth(1)
        .is_some_and(|(k, _)| k.starts_with(path))
}

fn effective(e: Option<&Encoding>) -> (String, bool, bool, Option<String>) {
    let style = e
        .and_then(|e| e.style.clone())
        .unwrap_or_else(|| "form".to_owned());
    let explode = e.and_then(|e| e.explode).unwrap_or(style == "form");
    let reserved = e.and_then(|e| e.allow_reserved).unwrap_or(false);
    (
        style,
        explode,
        reserved,
        e.and_then(|e| e.content_type.clone()),
    )
}

fn show_encoding(e: Option<&Encoding>) -> String {
    let Some(e) = e else {
        return "none".to_owned();
    };
    let mut parts = Vec::new();
    if let Some(s) = &e.style {
        parts.push(format!("style: {s}"));
    }
    if let Some(x) = e.explode {
        parts.push(format!("explode: {x}"));
    }
    if let Some(r) = e.allow_reserved {
        parts.push(format!("allowReserved: {r}"));
    }
    if let Some(c) = &e.content_type {
        parts.push(format!("contentType: {c}"));
    }
    format!("{{{}}}", parts.join(", "))
}

/// A fact's value for display; an absent fact shows its default.
fn show(key: &str, f: Option<&Fact>) -> String {
    match f {
        None => match key {
            "required" | "nullable" | "uniqueItems" | "exclusiveMinimum" | "exclusiveMaximum" => {
                "false".to_owned()
            }
            "additionalProperties" => "true".to_owned(),
            _ => "none".to_owned(),
        },
        Some(Fact::Str(s)) => s.clone(),
        Some(Fact::Num(n)) => n.to_string(),
        Some(Fact::Bool(b)) => b.to_string(),
        Some(Fact::Set(s)) => format!("[{}]", s.iter().cloned().collect::<Vec<_>>().join(", ")),
    }
}

fn or_none(s: Option<&str>) -> &str {
    s.unwrap_or("none")
}

fn list(items: &[String]) -> String {
    format!("[{}]", items.join(", "))
}

/// A schema path for display: `meta.next_page_url`, `permissions[]`, `links.*`.
fn join(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Prop(name) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(name);
            }
            Seg::Items => s.push_str("[]"),
            Seg::Extra => s.push_str(if s.is_empty() { "*" } else { ".*" }),
            Seg::Variant(kind, i) => s.push_str(&format!("<{kind} {i}>")),
        }
    }
    s
}

/// A path below a parameter's schema root, appended to the parameter's name: `[]`, `.a`.
fn join_suffix(path: &[Seg]) -> String {
    match path.first() {
        None => String::new(),
        Some(Seg::Prop(_)) | Some(Seg::Extra) => format!(".{}", join(path)),
        Some(_) => join(path),
    }
}
