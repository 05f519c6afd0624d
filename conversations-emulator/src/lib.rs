//! An offline, stateful Twilio Conversations for tests and local development.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let emu = conversations_emulator::Emulator::start().await?;
//! let client = emu.client();
//! let conversation = client.conversations().create().friendly_name("Support").send().await?;
//! let fetched = client.conversation(&conversation.sid).fetch().send().await?;
//! assert_eq!(fetched.friendly_name.as_deref(), Some("Support"));
//! # Ok(())
//! # }
//! ```
//!
//! Every operation of `spec/conversations_v1.yaml` and `spec/media_v1.yaml` is served, in both
//! scopes, from the same IR the client is generated from: routes, parameters and their checks,
//! the fields of every answer. What is created can be fetched, listed, updated and deleted;
//! names Twilio accepts in place of a SID work; the account's default service is a real
//! service; messages are indexed per conversation; deleting a conversation deletes what is in
//! it; timers run on a clock a test can move. Webhooks are called as Twilio calls them, signed
//! with the account's auth token, and recorded ([`Emulator::deliveries`]). Faults can be asked
//! for ([`Emulator::fail_next`]). Dropping the [`Emulator`] stops it.

#![forbid(unsafe_code)]

mod act;
mod behaviour;
mod catalog;
mod cell;
mod clock;
mod control;
mod dispatch;
mod engine;
mod error;
mod events;
mod faults;
mod fields;
mod from_ir;
mod http;
mod media;
mod media_api;
mod params;
mod place;
mod render;
mod router;
mod server;
mod shared;
mod sid;
mod special;
mod store;
mod timers;
mod views;
mod webhooks;

pub use faults::{Fault, FaultKind};
pub use webhooks::Delivery;

use shared::Shared;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

/// How to start an emulator.
#[derive(Debug, Clone)]
pub struct Options {
    /// Address to listen on (default `127.0.0.1`).
    pub host: String,
    /// Port (`0`, the default: a free one).
    pub port: u16,
    /// The account SID it accepts and signs for (a fresh `AC...` when `None`).
    pub account_sid: Option<String>,
    /// The auth token it accepts and signs webhooks with (a fresh one when `None`).
    pub auth_token: Option<String>,
    /// How long a pre-action webhook is waited for (Twilio: 5 s).
    pub pre_action_wait: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            host: "127.0.0.1".into(),
            port: 0,
            account_sid: None,
            auth_token: None,
            pre_action_wait: Duration::from_secs(5),
        }
    }
}

/// Why an emulator did not start.
#[derive(Debug)]
pub enum StartError {
    /// The address could not be bound.
    Bind(std::io::Error),
    /// The account SID given is not `AC` and 32 hex digits.
    AccountSid,
    /// A spec the emulator is built from did not load (a bug of this crate).
    Spec(String),
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartError::Bind(e) => write!(f, "could not listen: {e}"),
            StartError::AccountSid => {
                write!(f, "the account SID must be AC followed by 32 hex digits")
            }
            StartError::Spec(e) => write!(f, "the emulator's spec did not load: {e}"),
        }
    }
}

impl std::error::Error for StartError {}

/// The catalogs, built once per process from the specs embedded in this crate.
fn catalogs() -> Result<&'static from_ir::Catalogs, StartError> {
    static BUILT: OnceLock<Result<from_ir::Catalogs, String>> = OnceLock::new();
    BUILT
        .get_or_init(from_ir::build)
        .as_ref()
        .map_err(|e| StartError::Spec(e.clone()))
}

/// A running emulator. Dropping it stops it.
pub struct Emulator {
    shared: Arc<Shared>,
    addr: SocketAddr,
    stop: Mutex<Option<tokio::sync::oneshot::Sender<()>>>,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("addr", &self.addr)
            .field("account_sid", &self.shared.account_sid)
            .field("auth_token", &"<redacted>")
            .finish()
    }
}

impl Emulator {
    /// Start one on a free port of 127.0.0.1, with fresh credentials.
    pub async fn start() -> Result<Emulator, StartError> {
        Emulator::start_with(Options::default()).await
    }

    /// Start one with `options`.
    pub async fn start_with(options: Options) -> Result<Emulator, StartError> {
        let catalogs = catalogs()?;
        let account_sid = options
            .account_sid
            .clone()
            .unwrap_or_else(|| sid::new_sid("AC"));
        if !sid::is_sid("AC", &account_sid) {
            return Err(StartError::AccountSid);
        }
        let auth_token = options
            .auth_token
            .clone()
            .unwrap_or_else(|| sid::new_sid("XX")[2..].to_string());
        let listener = tokio::net::TcpListener::bind((options.host.as_str(), options.port))
            .await
            .map_err(StartError::Bind)?;
        let addr = listener.local_addr().map_err(StartError::Bind)?;
        let default_service = sid::new_sid("IS");
        let shared = Arc::new(Shared {
            catalog: catalogs.rest.clone(),
            media_catalog: catalogs.media.clone(),
            events: catalogs.events.clone(),
            caller: webhooks::Caller::new(&auth_token, options.pre_action_wait),
            account_sid,
            auth_token,
            origin: format!("http://{addr}"),
            default_service,
            messaging_service: sid::new_sid("MG"),
            store: Mutex::new(store::Store::default()),
            clock: clock::Clock::default(),
            faults: faults::Faults::default(),
            media: media::Media::default(),
        });
        seed_default_service(&shared, &catalogs.rest);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let app = server::router(shared.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        Ok(Emulator {
            shared,
            addr,
            stop: Mutex::new(Some(stop)),
        })
    }

    /// A client for this emulator's account, pointed at it.
    pub fn client(&self) -> conversations_api::Client {
        conversations_api::Client::builder()
            .account_sid(&self.shared.account_sid)
            .auth_token(&self.shared.auth_token)
            .base_url(self.base_url())
            .media_base_url(self.media_base_url())
            .build()
            .expect("the emulator's own settings make a valid client")
    }

    /// The REST API's base URL (what `CONVERSATIONS_BASE_URL` and `ClientBuilder::base_url`
    /// take): `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        self.shared.origin.clone()
    }

    /// The Media Content Service's base URL (`CONVERSATIONS_MEDIA_BASE_URL`).
    pub fn media_base_url(&self) -> String {
        format!("{}{}", self.shared.origin, http::MEDIA_PREFIX)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn account_sid(&self) -> &str {
        &self.shared.account_sid
    }

    /// The auth token it accepts and signs webhooks with.
    pub fn auth_token(&self) -> &str {
        &self.shared.auth_token
    }

    /// The account's default Conversations service (`IS...`).
    pub fn default_service_sid(&self) -> &str {
        &self.shared.default_service
    }

    /// Every webhook call so far.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.shared.caller.deliveries.all()
    }

    /// Wait (at most `within`) until `count` webhook calls have been made; the calls then.
    pub async fn wait_for_deliveries(&self, count: usize, within: Duration) -> Vec<Delivery> {
        self.shared.caller.deliveries.wait_for(count, within).await
    }

    /// Move the emulator's clock forward (conversation timers, media lifetimes).
    pub fn advance_clock(&self, by: Duration) {
        self.shared.clock.advance(by);
    }

    /// Make the next requests that match `fault` fail as it says.
    pub fn fail_next(&self, fault: Fault) {
        self.shared.faults.add(fault);
    }

    /// Stored records in all (for memory figures).
    pub fn record_count(&self) -> usize {
        self.shared.lock().record_count()
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.lock().ok().and_then(|mut s| s.take()) {
            let _ = stop.send(());
        }
    }
}

/// The account's default service, a real record with its default roles.
fn seed_default_service(shared: &Shared, catalog: &catalog::Catalog) {
    let Some((collection, _)) = catalog.scope_collection.clone() else {
        return;
    };
    let now = clock::format(shared.clock.now());
    let mut store = shared.lock();
    let seq = store.next_seq();
    let fields = serde_json::json!({
        "sid": shared.default_service,
        "account_sid": shared.account_sid,
        "friendly_name": "Default Conversations Service",
        "date_created": now,
        "date_updated": now,
    });
    store.put(
        &collection,
        store::Record::new(seq, fields.as_object().cloned().unwrap_or_default()),
    );
    special::default_roles(shared, &mut store, &shared.default_service.clone());
}
