//! Writing records out as Twilio does: every field of the resource (absent ones as `null`),
//! `url` pointing at the emulator in the scope the request came in, `links` to its
//! sub-resources, and list pages with Twilio's `meta`.

use crate::catalog::Resource;
use serde_json::{json, Map, Value};

/// `fields` with every field of `resource` present, `url` set to `url` and `links` filled.
pub fn record(fields: &Map<String, Value>, resource: &Resource, url: &str) -> Value {
    let mut out = Map::with_capacity(resource.fields.len() + 2);
    for field in &resource.fields {
        let value = fields.get(&field.wire).cloned().unwrap_or(Value::Null);
        out.insert(field.wire.clone(), value);
    }
    // Stored keys the model does not name are kept (a resource seeded with more).
    for (k, v) in fields {
        if !out.contains_key(k) {
            out.insert(k.clone(), v.clone());
        }
    }
    if resource.field("url").is_some() {
        out.insert("url".into(), Value::String(url.to_string()));
    }
    if resource.field("links").is_some() && !resource.links.is_empty() {
        let links: Map<String, Value> = resource
            .links
            .iter()
            .map(|(key, segment)| (key.clone(), Value::String(format!("{url}/{segment}"))))
            .collect();
        out.insert("links".into(), Value::Object(links));
    }
    Value::Object(out)
}

/// A list page: items under `key`, and `meta` with the page's own URL and its neighbours'.
pub struct PageLinks<'a> {
    pub key: &'a str,
    pub list_url: &'a str,
    /// The query the list was asked with, `PageSize`, `Page` and `PageToken` left out.
    pub filters: &'a [(String, String)],
    pub page: usize,
    pub page_size: usize,
    pub has_next: bool,
}

pub fn page(items: Vec<Value>, links: &PageLinks<'_>) -> Value {
    let url_of = |page: usize| {
        let mut q = form_urlencoded::Serializer::new(String::new());
        for (k, v) in links.filters {
            q.append_pair(k, v);
        }
        q.append_pair("PageSize", &links.page_size.to_string());
        q.append_pair("Page", &page.to_string());
        if page > 0 {
            q.append_pair("PageToken", &token(page * links.page_size));
        }
        format!("{}?{}", links.list_url, q.finish())
    };
    json!({
        links.key: items,
        "meta": {
            "page": links.page,
            "page_size": links.page_size,
            "first_page_url": url_of(0),
            "previous_page_url": if links.page > 0 { Value::String(url_of(links.page - 1)) } else { Value::Null },
            "url": url_of(links.page),
            "next_page_url": if links.has_next { Value::String(url_of(links.page + 1)) } else { Value::Null },
            "key": links.key,
        }
    })
}

/// A page token: where the page starts. Opaque to clients (`PT` and hex, as Twilio's tokens
/// start `PT`); read back by [`offset_of_token`].
pub fn token(offset: usize) -> String {
    format!("PT{offset:x}")
}

pub fn offset_of_token(token: &str) -> Option<usize> {
    usize::from_str_radix(token.strip_prefix("PT")?, 16).ok()
}
