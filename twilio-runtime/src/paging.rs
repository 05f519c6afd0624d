//! Lists: the first page of a list request, the page after it (within the limit), and every
//! item lazily as a stream. A page says where the next one is in one of two ways: a link
//! (`meta.next_page_url`, followed on the client's own host) or a token (`meta.nextToken`,
//! sent back in a query parameter of the same request).

use crate::decode::decode_page;
use crate::error::Error;
use crate::page::{Page, PageMeta};
use crate::request::{NextPage, Paging, Request};
use crate::send::KeepHeaders;
use crate::Response;
use futures::Stream;
use serde::de::DeserializeOwned;
use std::collections::VecDeque;

/// The member of a token-paged list's `meta` that holds the next page's token. The generator
/// is given this name (`codegen::Conventions`): a list whose `meta` has it, and that takes
/// [`PAGE_TOKEN_PARAMETER`], pages by token.
pub const PAGE_TOKEN_MEMBER: &str = "nextToken";

/// The query parameter a page token is sent back in.
pub const PAGE_TOKEN_PARAMETER: &str = "pageToken";

impl Request {
    /// Send and decode the first list page; the page knows how to fetch the next one.
    pub async fn send_page<T: DeserializeOwned>(self, key: &'static str) -> Result<Page<T>, Error> {
        let first = self.into_first_page(key);
        first.fetch(KeepHeaders::No).await.map(|r| r.value)
    }

    /// [`send_page`](Self::send_page), keeping the status, request id and headers.
    pub async fn send_page_with_metadata<T: DeserializeOwned>(
        self,
        key: &'static str,
    ) -> Result<Response<Page<T>>, Error> {
        self.into_first_page(key).fetch(KeepHeaders::Yes).await
    }

    /// The first page's request: this request's own URL, with the whole limit still to go.
    fn into_first_page(self, key: &'static str) -> NextPage {
        NextPage {
            url: self.url(),
            remaining: self.limit,
            request: self,
            key,
        }
    }

    /// Same path and query on this client's base URL: next-page links are followed as given,
    /// but against the host the client is configured for (its region and edge, or its base
    /// URL), so the credentials never go to a host named in a response.
    pub(crate) fn rebase(&self, next: &str) -> String {
        let rest = match next.find("://") {
            Some(i) => {
                let after = &next[i + 3..];
                after.find(['/', '?']).map_or("", |j| &after[j..])
            }
            None => next,
        };
        let sep = if rest.is_empty() || rest.starts_with('/') || rest.starts_with('?') {
            ""
        } else {
            "/"
        };
        format!("{}{sep}{rest}", self.base_url())
    }

    /// Every item of every page, lazily: the next page is requested only when the previous
    /// one is used up, and only one page is held at a time. Pages are fetched exactly as
    /// [`Page::next_page`] fetches them, so the limit and the link rules are the same. The
    /// stream ends after an error.
    pub fn into_stream<T: DeserializeOwned + Send + 'static>(
        self,
        key: &'static str,
    ) -> impl Stream<Item = Result<T, Error>> + Send + 'static {
        struct State<T> {
            pending: Option<NextPage>,
            buf: VecDeque<T>,
        }
        // A limit of 0 asks for nothing, so nothing is requested.
        let pending = Some(self.into_first_page(key)).filter(|p| p.remaining != Some(0));
        let state = State {
            pending,
            buf: VecDeque::new(),
        };
        futures::stream::unfold(state, move |mut st| async move {
            loop {
                if let Some(item) = st.buf.pop_front() {
                    return Some((Ok(item), st));
                }
                let next = st.pending.take()?;
                match next.fetch::<T>(KeepHeaders::No).await {
                    Ok(response) => {
                        let mut page = response.value;
                        st.pending = page.next.take();
                        st.buf = page.items.into();
                    }
                    Err(e) => return Some((Err(e), st)),
                }
            }
        })
    }
}

impl NextPage {
    /// Fetch this page, cut it to the limit, and note how to fetch the one after: its link is
    /// moved onto the client's host ([`Request::rebase`]); a blank link, a link back to this
    /// same page (which would loop forever) or a used-up limit make this the last page.
    pub(crate) async fn fetch<T: DeserializeOwned>(
        &self,
        headers: KeepHeaders,
    ) -> Result<Response<Page<T>>, Error> {
        let answer = self.request.execute(&self.url, headers, false).await?;
        let mut page: Page<T> = decode_page(&answer.body, self.key)?;
        if let Some(n) = self.remaining {
            page.items.truncate(n);
        }
        let remaining = self.remaining.map(|n| n.saturating_sub(page.items.len()));
        page.next = if remaining == Some(0) {
            None
        } else {
            match self.request.paging {
                Paging::Link => self.after_link(&page.meta, remaining),
                Paging::Token(parameter) => self.after_token(&page.meta, parameter, remaining),
            }
        };
        Ok(answer.into_response(page))
    }
}

impl NextPage {
    /// The page a `meta.next_page_url` link names, moved onto the client's host; none for a
    /// blank link or one back to this same page.
    fn after_link(&self, meta: &PageMeta, remaining: Option<usize>) -> Option<NextPage> {
        meta.next_page_url
            .as_deref()
            .filter(|link| !link.trim().is_empty())
            .map(|link| self.request.rebase(link))
            .filter(|url| *url != self.url)
            .map(|url| NextPage {
                request: self.request.clone(),
                key: self.key,
                url,
                remaining,
            })
    }

    /// The page a `meta.nextToken` names: the same request with the token in `parameter`;
    /// none for a blank token or the token this page was fetched with (which would loop).
    fn after_token(
        &self,
        meta: &PageMeta,
        parameter: &'static str,
        remaining: Option<usize>,
    ) -> Option<NextPage> {
        let token = meta
            .next_token
            .as_deref()
            .filter(|t| !t.trim().is_empty())?;
        let current = self
            .request
            .query
            .iter()
            .find(|(k, _)| *k == parameter)
            .map(|(_, v)| v.as_str());
        if current == Some(token) {
            return None;
        }
        let mut request = self.request.clone();
        request.query(parameter, token.to_string());
        Some(NextPage {
            url: request.url(),
            request,
            key: self.key,
            remaining,
        })
    }
}

impl<T: DeserializeOwned> Page<T> {
    /// Fetch the page after this one, or `Ok(None)` without a request when this is the last
    /// page (no `meta.next_page_url` or `meta.nextToken`, a link or token back to this same
    /// page, or the builder's `limit` reached).
    ///
    /// The link is followed like `stream()` follows it: its path and query are sent to the
    /// host the client is configured for, never to a host named in the response, with the
    /// client's credentials and retry policy and the headers the list request was built with.
    /// A token is sent back in the list request itself, every other parameter kept.
    ///
    /// ```no_run
    /// # async fn demo(first: twilio_runtime::Page<serde_json::Value>) -> Result<(), twilio_runtime::Error> {
    /// // `first` from `client.conversations().list().page_size(50).send().await?`, say.
    /// let mut page = first;
    /// loop {
    ///     for item in &page {
    ///         println!("{item}");
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
