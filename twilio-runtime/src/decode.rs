//! Decoding answers: JSON bodies and list pages into their types, with an error that names
//! the failing field, or says the body was cut short.

use crate::error::Error;
use crate::page::{Page, PageMeta};
use serde::de::{DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use std::fmt;
use std::marker::PhantomData;

fn type_name<T>() -> &'static str {
    let full = std::any::type_name::<T>();
    full.rsplit("::").next().unwrap_or(full)
}

/// The error for a body that did not decode as `T`. A body that ends inside its value is cut
/// short, whatever field the cut fell in: naming that field would send the reader looking for
/// a type mismatch that is not there.
fn decode_failure<T>(error: &serde_json::Error, field: String, body: &[u8]) -> Error {
    if error.is_eof() {
        Error::Truncated {
            type_name: type_name::<T>(),
            bytes_received: body.len(),
        }
    } else {
        Error::Decode {
            type_name: type_name::<T>(),
            field: with_missing_field(error, field),
            message: error.to_string(),
        }
    }
}

/// The path of the field that failed. For a required field that is absent, serde's path stops
/// at the object that lacks it, so the field's name (which serde puts only in its message,
/// "missing field `sid`") is added: `field` then names what is missing, not its parent.
fn with_missing_field(error: &serde_json::Error, path: String) -> String {
    let text = error.to_string();
    let missing = text
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split_once('`'))
        .map(|(name, _)| name);
    match missing {
        Some(name) if path == "." || path.is_empty() => name.to_string(),
        Some(name) => format!("{path}.{name}"),
        None => path,
    }
}

/// Decode a JSON body, naming the failing field on error. The fast path is plain serde_json;
/// only a body that fails is decoded again with path tracking, to name the field.
pub(crate) fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Error> {
    match serde_json::from_slice(bytes) {
        Ok(v) => Ok(v),
        Err(_) => {
            let de = &mut serde_json::Deserializer::from_slice(bytes);
            let value = serde_path_to_error::deserialize(&mut *de).map_err(|e| {
                let field = e.path().to_string();
                decode_failure::<T>(e.inner(), field, bytes)
            })?;
            // Bytes after the value (`{...}junk`) are an error, as in `serde_json::from_slice`.
            de.end()
                .map_err(|e| decode_failure::<T>(&e, ".".to_string(), bytes))?;
            Ok(value)
        }
    }
}

/// Decode a list page whose items are under `key` (fast path first, as in [`decode`]).
pub(crate) fn decode_page<T: DeserializeOwned>(
    bytes: &[u8],
    key: &'static str,
) -> Result<Page<T>, Error> {
    use serde::de::DeserializeSeed;
    let seed = || PageSeed::<T> {
        key,
        _item: PhantomData,
    };
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    if let Ok(page) = seed()
        .deserialize(&mut *de)
        .and_then(|p| de.end().map(|()| p))
    {
        return Ok(page);
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    let mut track = serde_path_to_error::Track::new();
    let result = seed()
        .deserialize(serde_path_to_error::Deserializer::new(&mut *de, &mut track))
        .and_then(|p| de.end().map(|()| p));
    match result {
        Ok(page) => Ok(page),
        Err(e) => Err(decode_failure::<T>(&e, track.path().to_string(), bytes)),
    }
}

/// Decodes a page whose items live under `key`; other properties are skipped.
pub(crate) struct PageSeed<T> {
    pub(crate) key: &'static str,
    pub(crate) _item: PhantomData<T>,
}

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for PageSeed<T> {
    type Value = Page<T>;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Page<T>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for PageSeed<T> {
    type Value = Page<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a list page with `{}` and `meta`", self.key)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Page<T>, A::Error> {
        let mut items: Option<Vec<T>> = None;
        let mut meta = PageMeta::default();
        while let Some(k) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if k == self.key {
                items = Some(map.next_value()?);
            } else if k == "meta" {
                meta = map.next_value()?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        let items = items.ok_or_else(|| serde::de::Error::missing_field(self.key))?;
        Ok(Page {
            items,
            meta,
            next: None,
        })
    }
}
