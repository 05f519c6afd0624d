//! List pages: `{<key>: [...], meta: {...}}`; fetching the one after is `paging.rs`.

use crate::request::NextPage;
use serde::Deserialize;
use std::fmt;

/// One page of a list, from `list().send()` or [`Page::next_page`].
///
/// A page iterates over its items (`for c in &page`, `for c in page`), and knows how to ask
/// for the one after it: [`next_page`](Page::next_page) follows `meta.next_page_url` (or sends
/// back `meta.nextToken`) with the same client, credentials, retries and rules as
/// `list().stream()`.
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

/// Paging information of a list page, in either of Twilio's two styles: links
/// (`next_page_url`, snake_case members) or tokens (`nextToken`, camelCase members); the
/// members of the other style are `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(default)]
#[non_exhaustive]
pub struct PageMeta {
    /// Index of this page.
    pub page: Option<i64>,
    /// Items per page (`pageSize` in the token style).
    #[serde(alias = "pageSize")]
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
    /// The token of the next page (`nextToken`); `None` on the last page of a list paged by
    /// token.
    #[serde(alias = "nextToken")]
    pub next_token: Option<String>,
    /// The token of the previous page (`previousToken`).
    #[serde(alias = "previousToken")]
    pub previous_token: Option<String>,
}
