//! The Media Content Service: uploads kept in memory, records with a short-lived download
//! link, and Twilio's two lifetimes on the emulator's clock: an upload that no message names
//! within 5 minutes is deleted, and a download link stops working 300 seconds after it was
//! issued (docs/twilio-facts.md, "Media").

use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::Mutex;

/// How long an upload waits for a message to name it.
pub const UNATTACHED_LIFETIME: Duration = Duration::minutes(5);
/// How long a temporary download link works.
pub const LINK_LIFETIME: Duration = Duration::seconds(300);

struct File {
    service: String,
    bytes: bytes::Bytes,
    content_type: String,
    filename: Option<String>,
    created: DateTime<Utc>,
    updated: DateTime<Utc>,
    conversation: Option<String>,
    message: Option<String>,
}

#[derive(Default)]
struct Inner {
    files: HashMap<String, File>,
    /// Download tokens: media SID and when the link stops working.
    links: HashMap<String, (String, DateTime<Utc>)>,
}

/// One upload as it arrived.
pub struct Upload {
    pub service: String,
    pub bytes: bytes::Bytes,
    pub content_type: String,
    pub filename: Option<String>,
}

#[derive(Default)]
pub struct Media {
    inner: Mutex<Inner>,
}

impl std::fmt::Debug for Media {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Media")
    }
}

impl Media {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Forget uploads no message named in time, and links past their time.
    fn expire(inner: &mut Inner, now: DateTime<Utc>) {
        inner
            .files
            .retain(|_, f| f.message.is_some() || now - f.created < UNATTACHED_LIFETIME);
        inner.links.retain(|_, (_, until)| now < *until);
    }

    /// Store an upload; its record.
    pub fn upload(
        &self,
        account: &str,
        upload: Upload,
        now: DateTime<Utc>,
        media_url: &str,
    ) -> Value {
        let sid = crate::sid::new_sid("ME");
        let file = File {
            service: upload.service,
            bytes: upload.bytes,
            content_type: upload.content_type,
            filename: upload.filename,
            created: now,
            updated: now,
            conversation: None,
            message: None,
        };
        let mut inner = self.lock();
        Self::expire(&mut inner, now);
        let record = Self::record(account, &sid, &file, media_url, None);
        inner.files.insert(sid, file);
        record
    }

    /// The record of `sid` in `service`, with a fresh temporary link (issued now, served at
    /// `link_base/<token>`).
    pub fn fetch(
        &self,
        account: &str,
        service: &str,
        sid: &str,
        now: DateTime<Utc>,
        media_url: &str,
        link_base: &str,
    ) -> Option<Value> {
        let mut inner = self.lock();
        Self::expire(&mut inner, now);
        let file = inner.files.get(sid).filter(|f| f.service == service)?;
        let token = crate::sid::new_sid("ML");
        let link = format!("{link_base}/{token}");
        let record = Self::record(account, sid, file, media_url, Some(&link));
        inner
            .links
            .insert(token, (sid.to_string(), now + LINK_LIFETIME));
        Some(record)
    }

    /// The bytes behind a download token, while the link works.
    pub fn content(&self, token: &str, now: DateTime<Utc>) -> Option<(bytes::Bytes, String)> {
        let mut inner = self.lock();
        Self::expire(&mut inner, now);
        let (sid, _) = inner.links.get(token)?.clone();
        let file = inner.files.get(&sid)?;
        Some((file.bytes.clone(), file.content_type.clone()))
    }

    /// Attach `sid` to a message; the message's `media` item. `None` when there is no such
    /// upload in `service` (never made, or deleted after 5 minutes unattached).
    pub fn attach(
        &self,
        service: &str,
        sid: &str,
        conversation: &str,
        message: &str,
        now: DateTime<Utc>,
    ) -> Option<Value> {
        let mut inner = self.lock();
        Self::expire(&mut inner, now);
        let file = inner.files.get_mut(sid).filter(|f| f.service == service)?;
        file.conversation = Some(conversation.to_string());
        file.message = Some(message.to_string());
        file.updated = now;
        Some(json!({
            "sid": sid,
            "content_type": file.content_type,
            "filename": file.filename,
            "size": file.bytes.len(),
            "category": "media",
        }))
    }

    fn record(account: &str, sid: &str, file: &File, media_url: &str, link: Option<&str>) -> Value {
        let url = format!("{media_url}/Services/{}/Media/{sid}", file.service);
        let mut links = Map::new();
        links.insert(
            "content".into(),
            json!(format!("/v1/Services/{}/Media/{sid}/Content", file.service)),
        );
        if let Some(link) = link {
            links.insert("content_direct_temporary".into(), json!(link));
        }
        json!({
            "sid": sid,
            "account_sid": account,
            "service_sid": file.service,
            "date_created": crate::clock::format(file.created),
            "date_updated": crate::clock::format(file.updated),
            "channel_sid": file.conversation,
            "message_sid": file.message,
            "size": file.bytes.len(),
            "content_type": file.content_type,
            "filename": file.filename,
            "author": "system",
            "category": "media",
            "url": url,
            "links": links,
        })
    }
}
