//! List pages: `{<key>: [...], meta: {...}}`.

use serde::de::{DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use std::fmt;
use std::marker::PhantomData;

/// One page of a list.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items on this page.
    pub items: Vec<T>,
    /// Paging information; `next_page_url` is `None` on the last page.
    pub meta: PageMeta,
}

/// Paging information of a list page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(default)]
#[non_exhaustive]
pub struct PageMeta {
    /// Index of this page.
    pub page: Option<i64>,
    /// Items per page.
    pub page_size: Option<i64>,
    /// URL of the first page.
    pub first_page_url: Option<String>,
    /// URL of the previous page, if any.
    pub previous_page_url: Option<String>,
    /// URL of this page.
    pub url: Option<String>,
    /// URL of the next page; `None` on the last page.
    pub next_page_url: Option<String>,
    /// Name of the property holding the items.
    pub key: Option<String>,
}

/// Decodes a page whose items live under `key`; other properties are skipped.
pub struct PageSeed<T> {
    pub key: &'static str,
    pub _item: PhantomData<T>,
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
        Ok(Page { items, meta })
    }
}
