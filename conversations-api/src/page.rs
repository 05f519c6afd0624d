//! List pages: `{<key>: [...], meta: {...}}`, and what it takes to fetch the one after.

use crate::error::Error;
use crate::runtime::{KeepHeaders, Request};
use serde::de::{DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use std::fmt;
use std::marker::PhantomData;

/// One page of a list, from `list().send()` or [`Page::next_page`].
///
/// A page iterates over its items (`for c in &page`, `for c in page`), and knows how to ask
/// for the one after it: [`next_page`](Page::next_page) follows `meta.next_page_url` with the
/// same client, credentials, retries and rules as `list().stream()`.
///
/// With `limit(n)` set on the list builder, pages hold at most `n` items in all: the page that
/// reaches `n` is cut there and is the last one (no request is made after it). `meta` always
/// says what the server sent, so `items.len()` can be below `meta.page_size`.
#[derive(Clone)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items on this page.
    pub items: Vec<T>,
    /// Paging information; `next_page_url` is `None` on the last page.
    pub meta: PageMeta,
    /// How to fetch the next page; `None` on the last page (or once the limit is reached).
    pub(crate) next: Option<NextPage>,
}

/// The request that fetches the page after this one. Kept with the page so that paging by hand
/// goes through the same path as a stream: same client, same rules for the link.
#[derive(Clone)]
pub(crate) struct NextPage {
    /// The list request as built (client, headers, limit); only its URL changes from page to page.
    pub(crate) request: Request,
    /// Property that holds the items.
    pub(crate) key: &'static str,
    /// The next page's URL, already moved onto the client's own host.
    pub(crate) url: String,
    /// Items the limit still allows (`None`: no limit).
    pub(crate) remaining: Option<usize>,
}

/// Shows whether there is a next page, not the request behind it: like `Request`'s own `Debug`,
/// nothing prints the parameter values a list was filtered by.
impl<T: fmt::Debug> fmt::Debug for Page<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Page")
            .field("items", &self.items)
            .field("meta", &self.meta)
            .field("has_next_page", &self.has_next_page())
            .finish()
    }
}

/// Pages are equal when their items and meta are: how the next one would be fetched follows
/// from the meta and is left out.
impl<T: PartialEq> PartialEq for Page<T> {
    fn eq(&self, other: &Self) -> bool {
        self.items == other.items && self.meta == other.meta
    }
}

impl<T> Page<T> {
    /// Number of items on this page.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether this page holds no item (a list with nothing in it, or a limit of 0).
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The items of this page, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }

    /// Whether [`next_page`](Self::next_page) would send a request: `false` on the last page
    /// and once the builder's `limit` is reached.
    pub fn has_next_page(&self) -> bool {
        self.next.is_some()
    }
}

impl<T: DeserializeOwned> Page<T> {
    /// Fetch the page after this one, or `Ok(None)` without a request when this is the last
    /// page (no `meta.next_page_url`, a link back to this same page, or the builder's `limit`
    /// reached).
    ///
    /// The link is followed like `stream()` follows it: its path and query are sent to the
    /// host the client is configured for, never to a host named in the response, with the
    /// client's credentials and retry policy and the headers the list request was built with.
    ///
    /// ```no_run
    /// # async fn demo(client: conversations_api::Client) -> Result<(), conversations_api::Error> {
    /// let mut page = client.conversations().list().page_size(50).send().await?;
    /// loop {
    ///     for conversation in &page {
    ///         println!("{:?}", conversation.sid);
    ///     }
    ///     match page.next_page().await? {
    ///         Some(next) => page = next,
    ///         None => break,
    ///     }
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn next_page(&self) -> Result<Option<Page<T>>, Error> {
        match &self.next {
            None => Ok(None),
            Some(next) => next.fetch(KeepHeaders::No).await.map(|r| Some(r.value)),
        }
    }

    /// [`next_page`](Self::next_page) with the status, request id and headers of the answer.
    pub async fn next_page_with_metadata(&self) -> Result<Option<crate::Response<Page<T>>>, Error> {
        match &self.next {
            None => Ok(None),
            Some(next) => next.fetch(KeepHeaders::Yes).await.map(Some),
        }
    }
}

impl<T> IntoIterator for Page<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a Page<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl<'a, T> IntoIterator for &'a mut Page<T> {
    type Item = &'a mut T;
    type IntoIter = std::slice::IterMut<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter_mut()
    }
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
        Ok(Page {
            items,
            meta,
            next: None,
        })
    }
}
