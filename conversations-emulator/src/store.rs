//! The emulator's state: every record, kept by the path of the collection it is in, with the
//! scope folded away (a conversation of the default service lives under that service's path, so
//! `/v1/Conversations/..` and `/v1/Services/<default>/Conversations/..` see the same data).
//!
//! Records are JSON objects holding what is stored; `url` and `links` are added when a record is
//! written out (`render.rs`), for the scope the request came in.

use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};

/// One stored record.
#[derive(Debug, Clone)]
pub struct Record {
    /// When it was added: lists are in this order (oldest first, as Twilio lists them).
    pub seq: u64,
    pub fields: Map<String, Value>,
}

impl Record {
    pub fn text(&self, key: &str) -> Option<&str> {
        self.fields.get(key).and_then(Value::as_str)
    }

    pub fn sid(&self) -> &str {
        self.text("sid").unwrap_or("")
    }
}

/// The records of one collection, in order.
#[derive(Debug, Clone, Default)]
pub struct Collection {
    order: BTreeMap<u64, String>,
    items: HashMap<String, Record>,
}

impl Collection {
    pub fn get(&self, sid: &str) -> Option<&Record> {
        self.items.get(sid)
    }

    pub fn get_mut(&mut self, sid: &str) -> Option<&mut Record> {
        self.items.get_mut(sid)
    }

    pub fn insert(&mut self, record: Record) {
        let sid = record.sid().to_string();
        if let Some(old) = self.items.get(&sid) {
            self.order.remove(&old.seq);
        }
        self.order.insert(record.seq, sid.clone());
        self.items.insert(sid, record);
    }

    pub fn remove(&mut self, sid: &str) -> Option<Record> {
        let record = self.items.remove(sid)?;
        self.order.remove(&record.seq);
        Some(record)
    }

    /// Every record, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &Record> {
        self.order.values().filter_map(|sid| self.items.get(sid))
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// The record whose `key` field is `value` (a conversation's `unique_name`, a user's
    /// `identity`).
    pub fn find_by(&self, key: &str, value: &str) -> Option<&Record> {
        self.iter().find(|r| r.text(key) == Some(value))
    }
}

/// Every collection and singleton of one emulator.
#[derive(Debug, Default)]
pub struct Store {
    /// By collection path: `Services/IS../Conversations/CH../Messages`, `Credentials`.
    collections: HashMap<String, Collection>,
    /// Resources that exist once under their parent, by path (`Configuration`,
    /// `Services/IS../Configuration/Webhooks`).
    singletons: HashMap<String, Map<String, Value>>,
    /// Counters by name (a conversation's next message index).
    counters: HashMap<String, u64>,
    seq: u64,
}

impl Store {
    pub fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    pub fn collection(&self, path: &str) -> Option<&Collection> {
        self.collections.get(path)
    }

    pub fn collection_mut(&mut self, path: &str) -> &mut Collection {
        self.collections.entry(path.to_string()).or_default()
    }

    pub fn get(&self, path: &str, sid: &str) -> Option<&Record> {
        self.collections.get(path)?.get(sid)
    }

    pub fn singleton(&self, path: &str) -> Option<&Map<String, Value>> {
        self.singletons.get(path)
    }

    pub fn singleton_mut(&mut self, path: &str) -> &mut Map<String, Value> {
        self.singletons.entry(path.to_string()).or_default()
    }

    /// Take the next value of counter `name` (0 first).
    pub fn take_counter(&mut self, name: &str) -> u64 {
        let slot = self.counters.entry(name.to_string()).or_insert(0);
        let value = *slot;
        *slot += 1;
        value
    }

    /// Remove everything under `path/` (the messages, participants and webhooks of a deleted
    /// conversation), and `path`'s own counters.
    pub fn remove_under(&mut self, path: &str) {
        let prefix = format!("{path}/");
        self.collections.retain(|k, _| !k.starts_with(&prefix));
        self.singletons.retain(|k, _| !k.starts_with(&prefix));
        self.counters
            .retain(|k, _| k != path && !k.starts_with(&prefix));
    }

    /// Every collection path and its records (for cross-collection reads: a user's
    /// conversations).
    pub fn collections(&self) -> impl Iterator<Item = (&String, &Collection)> {
        self.collections.iter()
    }

    /// Records in all: for memory figures.
    pub fn record_count(&self) -> usize {
        self.collections.values().map(Collection::len).sum()
    }
}
