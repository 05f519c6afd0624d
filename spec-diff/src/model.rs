//! The API facts of one spec, extracted from its JSON value with every `$ref` resolved.
//!
//! Schemas are flattened into a [`Tree`]: one [`Facts`] entry per node, keyed by the node's
//! path of [`Seg`]ments from the schema root (`meta` -> `next_page_url`, `permissions` -> `[]`).
//! Component names never appear in it, so the same structure factored differently into
//! `$ref`s gives the same tree.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::error::{child, index, SpecError};
use crate::load::{
    as_array, as_map, as_str, canonical, opt_array, opt_bool, opt_map, opt_num, opt_str, Doc,
};

/// One step from a schema node to a child node.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Seg {
    /// A named property.
    Prop(String),
    /// The items of an array.
    Items,
    /// The values of a map (`additionalProperties` given as a schema).
    Extra,
    /// A branch of `oneOf` / `anyOf`, by position.
    Variant(&'static str, usize),
}

/// The value of one fact of a schema node.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Fact {
    Str(String),
    Num(f64),
    Bool(bool),
    /// Enum values, each as canonical JSON.
    Set(BTreeSet<String>),
}

/// The facts of one schema node, by name (`type`, `format`, `enum`, `minimum`, `required`, ...).
/// Boolean facts are stored only when they differ from their default.
pub(crate) type Facts = BTreeMap<&'static str, Fact>;

/// A flattened schema: every node, by its path from the root (the root is the empty path).
pub(crate) type Tree = BTreeMap<Vec<Seg>, Facts>;

/// The `encoding` entry of one request body field, as written.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Encoding {
    pub style: Option<String>,
    pub explode: Option<bool>,
    pub allow_reserved: Option<bool>,
    pub content_type: Option<String>,
}

/// One media type of a request body or response.
#[derive(Debug, Default)]
pub(crate) struct Media {
    pub tree: Tree,
    pub encoding: BTreeMap<String, Encoding>,
}

#[derive(Debug)]
pub(crate) struct Body {
    pub required: bool,
    pub content: BTreeMap<String, Media>,
}

/// Alternatives of a security requirement, each as a canonical string.
pub(crate) type Security = BTreeSet<String>;

#[derive(Debug)]
pub(crate) struct Operation {
    pub id: Option<String>,
    /// Servers declared on the operation or its path item (`None`: the root's apply).
    pub servers: Option<Vec<String>>,
    /// Security declared on the operation (`None`: the root's applies).
    pub security: Option<Security>,
    /// Parameters by (location, name), path-level ones merged in.
    pub params: BTreeMap<(String, String), Tree>,
    pub body: Option<Body>,
    /// Responses by status code, then by content type.
    pub responses: BTreeMap<String, BTreeMap<String, Media>>,
}

#[derive(Debug)]
pub(crate) struct Api {
    pub servers: Vec<String>,
    pub security: Security,
    /// Security schemes by name, each as canonical JSON without prose.
    pub schemes: BTreeMap<String, String>,
    /// Operations by (path, lowercase method).
    pub ops: BTreeMap<(String, String), Operation>,
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Deeper schemas than this are refused (protects the stack).
const MAX_DEPTH: usize = 64;
/// More schema nodes than this in one spec are refused (protects against exponential
/// expansion of shared `$ref`s; the Twilio reference has about 1,900).
const MAX_NODES: usize = 100_000;

/// Extracts the facts of a spec.
pub(crate) fn extract(root: &Value) -> Result<Api, SpecError> {
    let mut x = Extractor {
        doc: Doc::new(root),
        nodes: 0,
    };
    x.api()
}

struct Extractor<'a> {
    doc: Doc<'a>,
    nodes: usize,
}

type Parts<'a> = Vec<(&'a Map<String, Value>, String)>;

impl<'a> Extractor<'a> {
    fn api(&mut self) -> Result<Api, SpecError> {
        let top = as_map(self.doc.root(), "#")?;
        if top.contains_key("swagger") {
            return Err(SpecError::new(
                "#/swagger",
                "Swagger 2.0 is not supported (OpenAPI 3 expected)",
            ));
        }
        match top.get("openapi") {
            Some(Value::String(_)) | Some(Value::Number(_)) => {}
            Some(_) => return Err(SpecError::new("#/openapi", "expected a version string")),
            None => {
                return Err(SpecError::new(
                    "#",
                    "not an OpenAPI document (no `openapi` field)",
                ))
            }
        }
        let servers =
            parse_servers(top.get("servers"), "#/servers")?.unwrap_or_else(|| vec!["/".into()]);
        let security = parse_security(top.get("security"), "#/security")?.unwrap_or_default();
        let mut schemes = BTreeMap::new();
        if let Some(components) = opt_map(top, "components", "#")? {
            if let Some(s) = opt_map(components, "securitySchemes", "#/components")? {
                for (name, v) in s {
                    let ptr = child("#/components/securitySchemes", name);
                    let (v, ptr, _) = self.doc.resolve(v, &ptr)?;
                    as_map(v, &ptr)?;
                    schemes.insert(name.clone(), canonical(v));
                }
            }
        }
        let Some(paths) = top.get("paths") else {
            return Err(SpecError::new("#", "no `paths`"));
        };
        let paths = as_map(paths, "#/paths")?;
        let mut ops = BTreeMap::new();
        for (path, item) in paths {
            if path.starts_with("x-") {
                continue;
            }
            let ptr = child("#/paths", path);
            let (item, ptr, _) = self.doc.resolve(item, &ptr)?;
            let item_map = as_map(item, &ptr)?;
            let path_params = item_map.get("parameters");
            let path_servers = parse_servers(item_map.get("servers"), &child(&ptr, "servers"))?;
            for method in METHODS {
                let Some(op) = item_map.get(method) else {
                    continue;
                };
                let op_ptr = child(&ptr, method);
                let op = self.operation(op, &op_ptr, path_params, &ptr, path_servers.clone())?;
                ops.insert((path.clone(), method.to_owned()), op);
            }
        }
        Ok(Api {
            servers,
            security,
            schemes,
            ops,
        })
    }

    fn operation(
        &mut self,
        op: &'a Value,
        ptr: &str,
        path_params: Option<&'a Value>,
        path_ptr: &str,
        path_servers: Option<Vec<String>>,
    ) -> Result<Operation, SpecError> {
        let m = as_map(op, ptr)?;
        let id = opt_str(m, "operationId", ptr)?.map(str::to_owned);
        let servers = parse_servers(m.get("servers"), &child(ptr, "servers"))?.or(path_servers);
        let security = parse_security(m.get("security"), &child(ptr, "security"))?;
        let mut params = BTreeMap::new();
        if let Some(list) = path_params {
            self.params(list, &child(path_ptr, "parameters"), &mut params)?;
        }
        if let Some(list) = m.get("parameters") {
            self.params(list, &child(ptr, "parameters"), &mut params)?;
        }
        let body = match m.get("requestBody") {
            Some(b) => Some(self.body(b, &child(ptr, "requestBody"))?),
            None => None,
        };
        let mut responses = BTreeMap::new();
        if let Some(rs) = opt_map(m, "responses", ptr)? {
            let rs_ptr = child(ptr, "responses");
            for (code, r) in rs {
                if code.starts_with("x-") {
                    continue;
                }
                let (r, r_ptr, _) = self.doc.resolve(r, &child(&rs_ptr, code))?;
                let r = as_map(r, &r_ptr)?;
                let content = self.content(r, &r_ptr)?;
                responses.insert(code.clone(), content);
            }
        }
        Ok(Operation {
            id,
            servers,
            security,
            params,
            body,
            responses,
        })
    }

    fn params(
        &mut self,
        list: &'a Value,
        ptr: &str,
        out: &mut BTreeMap<(String, String), Tree>,
    ) -> Result<(), SpecError> {
        for (i, p) in as_array(list, ptr)?.iter().enumerate() {
            let (p, p_ptr, _) = self.doc.resolve(p, &index(ptr, i))?;
            let m = as_map(p, &p_ptr)?;
            let name = opt_str(m, "name", &p_ptr)?
                .ok_or_else(|| SpecError::new(&p_ptr, "parameter without `name`"))?;
            let loc = opt_str(m, "in", &p_ptr)?
                .ok_or_else(|| SpecError::new(&p_ptr, "parameter without `in`"))?;
            let required = loc == "path" || opt_bool(m, "required", &p_ptr)?.unwrap_or(false);
            let style = opt_str(m, "style", &p_ptr)?.unwrap_or(match loc {
                "query" | "cookie" => "form",
                _ => "simple",
            });
            let explode = opt_bool(m, "explode", &p_ptr)?.unwrap_or(style == "form");
            let mut tree = Tree::new();
            if let Some(s) = m.get("schema") {
                self.schema(
                    s,
                    &child(&p_ptr, "schema"),
                    Vec::new(),
                    required,
                    &mut Vec::new(),
                    &mut tree,
                )?;
            } else if let Some(content) = opt_map(m, "content", &p_ptr)? {
                // At most one media type is allowed; take the first in name order.
                if let Some((ct, media)) = content.iter().min_by(|a, b| a.0.cmp(b.0)) {
                    let media_ptr = child(&child(&p_ptr, "content"), ct);
                    let media = as_map(media, &media_ptr)?;
                    match media.get("schema") {
                        Some(s) => self.schema(
                            s,
                            &child(&media_ptr, "schema"),
                            Vec::new(),
                            required,
                            &mut Vec::new(),
                            &mut tree,
                        )?,
                        None => {
                            tree.insert(Vec::new(), required_facts(required));
                        }
                    }
                }
            }
            let root = tree
                .entry(Vec::new())
                .or_insert_with(|| required_facts(required));
            root.insert("style", Fact::Str(style.to_owned()));
            root.insert("explode", Fact::Bool(explode));
            out.insert((loc.to_owned(), name.to_owned()), tree);
        }
        Ok(())
    }

    fn body(&mut self, v: &'a Value, ptr: &str) -> Result<Body, SpecError> {
        let (v, ptr, _) = self.doc.resolve(v, ptr)?;
        let m = as_map(v, &ptr)?;
        let required = opt_bool(m, "required", &ptr)?.unwrap_or(false);
        let content = self.content(m, &ptr)?;
        Ok(Body { required, content })
    }

    /// The `content` map of a request body or response (found at `ptr`).
    fn content(
        &mut self,
        m: &'a Map<String, Value>,
        ptr: &str,
    ) -> Result<BTreeMap<String, Media>, SpecError> {
        let mut out = BTreeMap::new();
        let Some(content) = opt_map(m, "content", ptr)? else {
            return Ok(out);
        };
        let c_ptr = child(ptr, "content");
        for (ct, media) in content {
            let media_ptr = child(&c_ptr, ct);
            let media_map = as_map(media, &media_ptr)?;
            let mut tree = Tree::new();
            match media_map.get("schema") {
                Some(s) => self.schema(
                    s,
                    &child(&media_ptr, "schema"),
                    Vec::new(),
                    false,
                    &mut Vec::new(),
                    &mut tree,
                )?,
                None => {
                    tree.insert(Vec::new(), Facts::new());
                }
            }
            let mut encoding = BTreeMap::new();
            if let Some(enc) = opt_map(media_map, "encoding", &media_ptr)? {
                let enc_ptr = child(&media_ptr, "encoding");
                for (field, e) in enc {
                    let e_ptr = child(&enc_ptr, field);
                    let e = as_map(e, &e_ptr)?;
                    encoding.insert(
                        field.clone(),
                        Encoding {
                            style: opt_str(e, "style", &e_ptr)?.map(str::to_owned),
                            explode: opt_bool(e, "explode", &e_ptr)?,
                            allow_reserved: opt_bool(e, "allowReserved", &e_ptr)?,
                            content_type: opt_str(e, "contentType", &e_ptr)?.map(str::to_owned),
                        },
                    );
                }
            }
            out.insert(ct.clone(), Media { tree, encoding });
        }
        Ok(out)
    }

    /// Flattens the schema `v` (found at `ptr`) into `tree` under `path`. `stack` holds the
    /// `$ref` targets being expanded above this node, with the depth they were entered at: a
    /// target met again is a recursive schema, recorded as a `recursive` fact (how many levels
    /// up it loops) instead of being expanded forever.
    fn schema(
        &mut self,
        v: &'a Value,
        ptr: &str,
        path: Vec<Seg>,
        required: bool,
        stack: &mut Vec<(String, usize)>,
        tree: &mut Tree,
    ) -> Result<(), SpecError> {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(SpecError::new(
                ptr,
                format!("more than {MAX_NODES} schema nodes once $refs are expanded"),
            ));
        }
        if path.len() > MAX_DEPTH {
            return Err(SpecError::new(
                ptr,
                format!("schema nested more than {MAX_DEPTH} levels deep"),
            ));
        }
        let mut parts = Parts::new();
        let mut targets = Vec::new();
        self.expand(v, ptr, &mut Vec::new(), &mut parts, &mut targets)?;
        let depth = path.len();
        let back = targets
            .iter()
            .find_map(|t| stack.iter().find(|(s, _)| s == t).map(|&(_, d)| d));
        if let Some(d) = back {
            let mut facts = required_facts(required);
            facts.insert("recursive", Fact::Num((depth - d) as f64));
            tree.insert(path, facts);
            return Ok(());
        }
        let mark = stack.len();
        stack.extend(targets.into_iter().map(|t| (t, depth)));
        let result = self.schema_parts(&parts, path, required, stack, tree);
        stack.truncate(mark);
        result
    }

    /// Resolves `v` and the branches of its `allOf`s into the list of schema objects whose
    /// facts add up to the node.
    fn expand(
        &self,
        v: &'a Value,
        ptr: &str,
        chain: &mut Vec<String>,
        parts: &mut Parts<'a>,
        targets: &mut Vec<String>,
    ) -> Result<(), SpecError> {
        let (v, v_ptr, t) = self.doc.resolve(v, ptr)?;
        if let Some(again) = t.iter().find(|t| chain.contains(t)) {
            return Err(SpecError::new(
                ptr,
                format!("$ref cycle through allOf back to {again}"),
            ));
        }
        let m = as_map(v, &v_ptr)?;
        parts.push((m, v_ptr.clone()));
        let mark = chain.len();
        chain.extend(t.iter().cloned());
        targets.extend(t);
        if let Some(all) = opt_array(m, "allOf", &v_ptr)? {
            let all_ptr = child(&v_ptr, "allOf");
            for (i, sub) in all.iter().enumerate() {
                self.expand(sub, &index(&all_ptr, i), chain, parts, targets)?;
            }
        }
        chain.truncate(mark);
        Ok(())
    }

    fn schema_parts(
        &mut self,
        parts: &Parts<'a>,
        path: Vec<Seg>,
        required: bool,
        stack: &mut Vec<(String, usize)>,
        tree: &mut Tree,
    ) -> Result<(), SpecError> {
        let mut facts = required_facts(required);
        if let Some((v, p)) = first(parts, "type") {
            match v {
                Value::String(s) => {
                    facts.insert("type", Fact::Str(s.clone()));
                }
                Value::Array(list) => {
                    let mut names = Vec::new();
                    for (i, t) in list.iter().enumerate() {
                        match as_str(t, &index(&p, i))? {
                            "null" => {
                                facts.insert("nullable", Fact::Bool(true));
                            }
                            t => names.push(t),
                        }
                    }
                    names.sort_unstable();
                    if !names.is_empty() {
                        facts.insert("type", Fact::Str(names.join("|")));
                    }
                }
                _ => return Err(SpecError::new(&p, "expected a string")),
            }
        }
        for key in ["format", "pattern"] {
            if let Some((v, p)) = first(parts, key) {
                facts.insert(key, Fact::Str(as_str(v, &p)?.to_owned()));
            }
        }
        // The value the server assumes when a request leaves the field out (or, in a response,
        // the value a field documents as usual): canonical JSON, so `0` and `0.0` compare equal.
        if let Some((v, _)) = first(parts, "default") {
            facts.insert("default", Fact::Str(crate::load::canonical(v)));
        }
        if let Some((v, p)) = first(parts, "enum") {
            let values = as_array(v, &p)?.iter().map(canonical).collect();
            facts.insert("enum", Fact::Set(values));
        }
        for key in [
            "minimum",
            "maximum",
            "multipleOf",
            "minLength",
            "maxLength",
            "minItems",
            "maxItems",
        ] {
            if let Some((m, p)) = first_part(parts, key) {
                if let Some(n) = opt_num(m, key, p)? {
                    facts.insert(key, Fact::Num(n));
                }
            }
        }
        for key in ["exclusiveMinimum", "exclusiveMaximum"] {
            match first(parts, key) {
                Some((Value::Bool(true), _)) => {
                    facts.insert(key, Fact::Bool(true));
                }
                Some((Value::Bool(false), _)) | None => {}
                Some((Value::Number(n), p)) => {
                    let n = n
                        .as_f64()
                        .ok_or_else(|| SpecError::new(&p, "expected a number"))?;
                    facts.insert(key, Fact::Num(n));
                }
                Some((_, p)) => return Err(SpecError::new(&p, "expected a boolean or a number")),
            }
        }
        for key in ["uniqueItems", "nullable"] {
            for (m, p) in parts {
                if opt_bool(m, key, p)? == Some(true) {
                    facts.insert(key, Fact::Bool(true));
                }
            }
        }
        let mut extra = None;
        match first(parts, "additionalProperties") {
            Some((Value::Bool(false), _)) => {
                facts.insert("additionalProperties", Fact::Bool(false));
            }
            Some((Value::Bool(true), _)) | None => {}
            Some((v @ Value::Object(_), p)) => extra = Some((v, p)),
            Some((_, p)) => return Err(SpecError::new(&p, "expected a map or a boolean")),
        }

        let mut props: BTreeMap<&'a String, (&'a Value, String)> = BTreeMap::new();
        let mut required_names: BTreeSet<&'a str> = BTreeSet::new();
        for (m, p) in parts {
            if let Some(ps) = opt_map(m, "properties", p)? {
                let ps_ptr = child(p, "properties");
                for (name, v) in ps {
                    props
                        .entry(name)
                        .or_insert_with(|| (v, child(&ps_ptr, name)));
                }
            }
            if let Some(req) = opt_array(m, "required", p)? {
                let req_ptr = child(p, "required");
                for (i, name) in req.iter().enumerate() {
                    required_names.insert(as_str(name, &index(&req_ptr, i))?);
                }
            }
        }

        tree.insert(path.clone(), facts);
        let sub = |seg: Seg| {
            let mut p = path.clone();
            p.push(seg);
            p
        };
        for (name, (v, p)) in &props {
            let req = required_names.contains(name.as_str());
            self.schema(v, p, sub(Seg::Prop((*name).clone())), req, stack, tree)?;
        }
        for name in required_names {
            if !props.keys().any(|k| k.as_str() == name) {
                // Required but not described: still a fact about the body.
                tree.insert(sub(Seg::Prop(name.to_owned())), required_facts(true));
            }
        }
        if let Some((v, p)) = first(parts, "items") {
            self.schema(v, &p, sub(Seg::Items), false, stack, tree)?;
        }
        if let Some((v, p)) = extra {
            self.schema(v, &p, sub(Seg::Extra), false, stack, tree)?;
        }
        for kind in ["oneOf", "anyOf"] {
            if let Some((v, p)) = first(parts, kind) {
                for (i, branch) in as_array(v, &p)?.iter().enumerate() {
                    self.schema(
                        branch,
                        &index(&p, i),
                        sub(Seg::Variant(kind, i)),
                        false,
                        stack,
                        tree,
                    )?;
                }
            }
        }
        Ok(())
    }
}

fn required_facts(required: bool) -> Facts {
    let mut facts = Facts::new();
    if required {
        facts.insert("required", Fact::Bool(true));
    }
    facts
}

/// The value of `key` in the first part that has it, with its pointer.
fn first<'a>(parts: &Parts<'a>, key: &str) -> Option<(&'a Value, String)> {
    parts
        .iter()
        .find_map(|(m, p)| m.get(key).map(|v| (v, child(p, key))))
}

/// The first part that has `key`, with the part's pointer.
fn first_part<'a, 'b>(
    parts: &'b Parts<'a>,
    key: &str,
) -> Option<(&'a Map<String, Value>, &'b str)> {
    parts
        .iter()
        .find(|(m, _)| m.contains_key(key))
        .map(|(m, p)| (*m, p.as_str()))
}

/// The server URLs of a `servers` list, variables shown with their defaults.
fn parse_servers(v: Option<&Value>, ptr: &str) -> Result<Option<Vec<String>>, SpecError> {
    let Some(v) = v else { return Ok(None) };
    let mut out = Vec::new();
    for (i, s) in as_array(v, ptr)?.iter().enumerate() {
        let s_ptr = index(ptr, i);
        let m = as_map(s, &s_ptr)?;
        let url = opt_str(m, "url", &s_ptr)?
            .ok_or_else(|| SpecError::new(&s_ptr, "server without `url`"))?;
        let mut text = url.to_owned();
        if let Some(vars) = opt_map(m, "variables", &s_ptr)? {
            let mut shown: Vec<String> = Vec::new();
            let vars_ptr = child(&s_ptr, "variables");
            for (name, var) in vars {
                let var_ptr = child(&vars_ptr, name);
                let var = as_map(var, &var_ptr)?;
                let default = opt_str(var, "default", &var_ptr)?.unwrap_or("");
                let mut item = format!("{name}={default}");
                if let Some(e) = var.get("enum") {
                    item.push_str(&format!(" of {}", canonical(e)));
                }
                shown.push(item);
            }
            shown.sort();
            if !shown.is_empty() {
                text.push_str(&format!(" ({})", shown.join(", ")));
            }
        }
        out.push(text);
    }
    Ok(Some(out))
}

/// The alternatives of a `security` list, each as `scheme` or `scheme[scope,...]` joined by
/// ` + `; an empty alternative (anonymous access) is `(anonymous)`.
fn parse_security(v: Option<&Value>, ptr: &str) -> Result<Option<Security>, SpecError> {
    let Some(v) = v else { return Ok(None) };
    let mut out = Security::new();
    for (i, alt) in as_array(v, ptr)?.iter().enumerate() {
        let alt_ptr = index(ptr, i);
        let m = as_map(alt, &alt_ptr)?;
        let mut schemes = Vec::new();
        for (name, scopes) in m {
            let s_ptr = child(&alt_ptr, name);
            let mut list = Vec::new();
            for (j, s) in as_array(scopes, &s_ptr)?.iter().enumerate() {
                list.push(as_str(s, &index(&s_ptr, j))?);
            }
            list.sort_unstable();
            if list.is_empty() {
                schemes.push(name.clone());
            } else {
                schemes.push(format!("{name}[{}]", list.join(",")));
            }
        }
        schemes.sort();
        out.insert(if schemes.is_empty() {
            "(anonymous)".to_owned()
        } else {
            schemes.join(" + ")
        });
    }
    Ok(Some(out))
}
