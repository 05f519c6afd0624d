//! The emulator's state: every record, kept by the path of the collection it is in, with the
//! scope folded away (a conversation of the default service lives under that service's path, so
//! `/v1/Conversations/..` and `/v1/Services/<default>/Conversations/..` see the same data).
//!
//! Records hold what is stored; `url` and `links` are added when a record is written out
//! (`render.rs`), for the scope the request came in. They are kept compact (`cell.rs`), since a
//! test may add a hundred thousand messages.

use crate::cell::{Cell, Name};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Fields that name a record in place of its SID (the spec's `x-name-field`) or must be unique
/// in their collection: looked up through an index rather than by reading every record.
pub const INDEXED_FIELDS: &[&str] = &["unique_name", "identity"];

/// One stored record.
#[derive(Debug, Clone)]
pub struct Record {
    /// When it was added: lists are in this order (oldest first, as Twilio lists them).
    pub seq: u64,
    /// Its fields; a `null` field is not kept (it is written out as `null` all the same).
    cells: Box<[(Name, Cell)]>,
}

impl Record {
    pub fn new(seq: u64, fields: Map<String, Value>) -> Record {
        let cells = fields
            .into_iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| (Name::of(&k), Cell::from_value(&k, v)))
            .collect();
        Record { seq, cells }
    }

    fn cell(&self, key: &str) -> Option<&Cell> {
        let name = Name::find(key)?;
        self.cells.iter().find(|(n, _)| *n == name).map(|(_, c)| c)
    }

    /// The text of field `key`, when it is a string.
    pub fn text(&self, key: &str) -> Option<&str> {
        self.cell(key).and_then(Cell::as_str)
    }

    /// Field `key` (absent for `null`).
    pub fn get(&self, key: &str) -> Option<Value> {
        self.cell(key).map(Cell::to_value)
    }

    pub fn sid(&self) -> &str {
        self.text("sid").unwrap_or("")
    }

    /// Every field, as JSON.
    pub fn fields(&self) -> Map<String, Value> {
        Name::with_table(|names| {
            self.cells
                .iter()
                .map(|(n, c)| (names.text(*n).to_string(), c.to_value()))
                .collect()
        })
    }

    /// Set field `key` (`null` removes it).
    pub fn set(&mut self, key: &str, value: Value) {
        let mut cells: Vec<(Name, Cell)> = std::mem::take(&mut self.cells).into_vec();
        let name = Name::of(key);
        cells.retain(|(n, _)| *n != name);
        if !value.is_null() {
            cells.push((name, Cell::from_value(key, value)));
        }
        self.cells = cells.into_boxed_slice();
    }
}

/// The records of one collection, in order, with their SIDs and names indexed.
#[derive(Debug, Clone, Default)]
pub struct Collection {
    /// By `seq`: the order lists show.
    records: BTreeMap<u64, Record>,
    /// SID to `seq`.
    sids: HashMap<Box<str>, u64>,
    /// (field of [`INDEXED_FIELDS`], value) to `seq`.
    names: HashMap<(&'static str, Box<str>), u64>,
}

impl Collection {
    pub fn get(&self, sid: &str) -> Option<&Record> {
        self.records.get(self.sids.get(sid)?)
    }

    pub fn get_mut(&mut self, sid: &str) -> Option<&mut Record> {
        let seq = self.sids.get(sid)?;
        self.records.get_mut(seq)
    }

    /// Add `record`, or replace the record with its SID (keeping the `seq` it is given).
    pub fn insert(&mut self, record: Record) {
        let sid = record.sid().to_string();
        self.remove(&sid);
        for field in INDEXED_FIELDS {
            if let Some(value) = record.text(field) {
                self.names.insert((field, value.into()), record.seq);
            }
        }
        self.sids.insert(sid.into(), record.seq);
        self.records.insert(record.seq, record);
    }

    pub fn remove(&mut self, sid: &str) -> Option<Record> {
        let seq = self.sids.remove(sid)?;
        let record = self.records.remove(&seq)?;
        for field in INDEXED_FIELDS {
            if let Some(value) = record.text(field) {
                if self.names.get(&(*field, value.into())) == Some(&seq) {
                    self.names.remove(&(*field, value.into()));
                }
            }
        }
        Some(record)
    }

    /// Every record, oldest first (`.rev()` for newest first).
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Record> {
        self.records.values()
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// The record whose `key` field is `value` (a conversation's `unique_name`, a user's
    /// `identity`).
    pub fn find_by(&self, key: &str, value: &str) -> Option<&Record> {
        match INDEXED_FIELDS.iter().find(|f| **f == key) {
            Some(field) => self.records.get(self.names.get(&(*field, value.into()))?),
            None => self.iter().find(|r| r.text(key) == Some(value)),
        }
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
    /// Records with timers still to run, as (collection path, SID): what `timers.rs` looks at
    /// on each request, so that a request costs the same with a million conversations.
    timed: BTreeSet<(String, String)>,
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

    /// Add or replace `record` in the collection at `path`, noting it when it has timers.
    pub fn put(&mut self, path: &str, record: Record) {
        if record.cell("timers").is_some() {
            self.timed
                .insert((path.to_string(), record.sid().to_string()));
        }
        self.collection_mut(path).insert(record);
    }

    /// The records that had timers when they were put, as (collection path, SID).
    pub fn timed(&self) -> Vec<(String, String)> {
        self.timed.iter().cloned().collect()
    }

    /// `path`'s record `sid` has no timer left to run.
    pub fn untime(&mut self, path: &str, sid: &str) {
        self.timed.remove(&(path.to_string(), sid.to_string()));
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
        self.timed.retain(|(k, _)| !k.starts_with(&prefix));
    }

    /// Records in all: for memory figures.
    pub fn record_count(&self) -> usize {
        self.collections.values().map(Collection::len).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record(seq: u64, fields: Value) -> Record {
        Record::new(seq, fields.as_object().cloned().unwrap_or_default())
    }

    #[test]
    fn fields_come_back_as_they_went_in_but_nulls() {
        let fields = json!({
            "sid": "IM0123456789abcdef0123456789abcdef",
            "conversation_sid": "CH0123456789abcdef0123456789abcdef",
            "index": 7, "body": "hi", "attributes": "{}", "media": null,
            "delivery": {"total": 1}, "ratio": 0.5, "flag": true,
            "long": "a text longer than the twenty-two bytes kept inline"
        });
        let r = record(1, fields.clone());
        let mut expected = fields.as_object().cloned().unwrap_or_default();
        expected.remove("media");
        assert_eq!(r.fields(), expected);
        assert_eq!(r.text("body"), Some("hi"));
        assert_eq!(r.get("index"), Some(json!(7)));
        assert_eq!(r.get("media"), None);
        assert_eq!(r.sid(), "IM0123456789abcdef0123456789abcdef");
    }

    #[test]
    fn set_replaces_and_null_removes() {
        let mut r = record(1, json!({"sid": "CH1", "state": "active"}));
        r.set("state", json!("closed"));
        assert_eq!(r.text("state"), Some("closed"));
        r.set("state", Value::Null);
        assert_eq!(r.get("state"), None);
        assert_eq!(r.fields().len(), 1);
    }

    #[test]
    fn names_are_indexed_and_follow_replacement_and_removal() {
        let mut c = Collection::default();
        c.insert(record(1, json!({"sid": "CH1", "unique_name": "a"})));
        c.insert(record(2, json!({"sid": "CH2", "unique_name": "b"})));
        assert_eq!(c.find_by("unique_name", "b").map(Record::sid), Some("CH2"));
        c.insert(record(2, json!({"sid": "CH2", "unique_name": "c"})));
        assert!(c.find_by("unique_name", "b").is_none());
        assert_eq!(c.find_by("unique_name", "c").map(Record::sid), Some("CH2"));
        c.remove("CH2");
        assert!(c.find_by("unique_name", "c").is_none());
        assert_eq!(c.iter().map(Record::sid).collect::<Vec<_>>(), ["CH1"]);
    }

    #[test]
    fn every_name_field_of_the_spec_is_indexed() {
        let catalogs = crate::from_ir::build().expect("the embedded specs");
        let mut seen = BTreeSet::new();
        for op in &catalogs.rest.operations {
            for seg in &op.route {
                if let crate::catalog::Seg::Param {
                    name_field: Some(field),
                    ..
                } = seg
                {
                    assert!(INDEXED_FIELDS.contains(&field.as_str()), "{field}");
                    seen.insert(field.clone());
                }
            }
        }
        assert_eq!(
            seen.into_iter().collect::<Vec<_>>(),
            ["identity", "unique_name"]
        );
    }
}
