//! Everything one emulator holds, shared by the HTTP layer and every request: the catalogs
//! built from the specs, the account's credentials, the store, the clock, faults, the webhook
//! caller and media.

use crate::catalog::Catalog;
use crate::clock::Clock;
use crate::events::EventCatalog;
use crate::faults::Faults;
use crate::store::Store;
use crate::webhooks::Caller;
use std::sync::{Arc, Mutex};

/// Everything one emulator holds.
pub struct Shared {
    pub catalog: Arc<Catalog>,
    /// The Media Content Service's operations.
    pub media_catalog: Arc<Catalog>,
    pub events: Arc<EventCatalog>,
    pub account_sid: String,
    pub auth_token: String,
    /// `http://127.0.0.1:PORT`.
    pub origin: String,
    pub default_service: String,
    /// The account's default messaging service (`MG...`), named by `/v1/Configuration`.
    pub messaging_service: String,
    pub store: Mutex<Store>,
    pub clock: Clock,
    pub faults: Faults,
    pub caller: Caller,
    pub media: crate::media::Media,
}

impl Shared {
    pub fn lock(&self) -> std::sync::MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether the Basic credentials are this account's.
    pub fn authorized(&self, authorization: Option<&str>) -> bool {
        use base64::Engine as _;
        let Some(encoded) = authorization.and_then(|a| a.strip_prefix("Basic ")) else {
            return false;
        };
        let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(encoded.trim()) else {
            return false;
        };
        let expected = format!("{}:{}", self.account_sid, self.auth_token);
        decoded == expected.as_bytes()
    }

    pub fn default_messaging_service(&self) -> &str {
        &self.messaging_service
    }

    /// The emulator's URL of the REST API (with its prefix).
    pub fn api_url(&self) -> String {
        format!("{}{}", self.origin, self.catalog.prefix)
    }
}
