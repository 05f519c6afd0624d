//! Finding the operation a request is for: the method and the path, segment by segment,
//! against every route of the catalog. A path that matches a route of another method is a
//! 405; one that matches none, a 404.

use crate::catalog::{Catalog, Operation, Seg};
use crate::error::ApiFailure;
use percent_encoding::percent_decode_str;

/// A matched request: the operation and the values of its path parameters.
#[derive(Debug)]
pub struct Matched<'c> {
    pub op: &'c Operation,
    /// `(name, value)` in route order, percent-decoded.
    pub params: Vec<(String, String)>,
}

impl Matched<'_> {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The operation for `method` and `path` (the whole request path, API prefix included).
pub fn route<'c>(
    catalog: &'c Catalog,
    method: &str,
    path: &str,
) -> Result<Matched<'c>, ApiFailure> {
    let rest = path
        .strip_prefix(&catalog.prefix)
        .filter(|r| r.starts_with('/'))
        .ok_or_else(|| ApiFailure::not_found(path))?;
    let segments: Vec<&str> = rest.trim_start_matches('/').split('/').collect();
    if segments.iter().any(|s| s.is_empty()) {
        return Err(ApiFailure::not_found(path));
    }
    let mut path_matched = false;
    for op in &catalog.operations {
        let Some(params) = match_route(&op.route, &segments) else {
            continue;
        };
        if !op.method.eq_ignore_ascii_case(method) {
            path_matched = true;
            continue;
        }
        return Ok(Matched { op, params });
    }
    if path_matched {
        Err(ApiFailure::method_not_allowed(method))
    } else {
        Err(ApiFailure::not_found(path))
    }
}

fn match_route(route: &[Seg], segments: &[&str]) -> Option<Vec<(String, String)>> {
    if route.len() != segments.len() {
        return None;
    }
    let mut params = Vec::new();
    for (seg, text) in route.iter().zip(segments) {
        match seg {
            Seg::Literal(lit) if lit == text => {}
            Seg::Literal(_) => return None,
            Seg::Param { name, .. } => {
                let value = percent_decode_str(text).decode_utf8().ok()?.into_owned();
                params.push((name.clone(), value));
            }
        }
    }
    // A literal beats a parameter: `/Configuration/Webhooks` is not `/Configuration/{Sid}`.
    Some(params)
}
