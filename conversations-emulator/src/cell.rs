//! How a stored record keeps its fields in little memory: each field is a [`Name`] (an index
//! into one table of field names, since every message has the same dozen) and a [`Cell`] of 24
//! bytes. Short text (dates, states, small bodies, `{}`) sits inside the cell; a SID that points
//! at another record (`conversation_sid`, `account_sid`) is one shared allocation however many
//! records hold it; anything else is boxed.

use serde_json::{Number, Value};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock, PoisonError, RwLock};

/// A field name, by its place in the process-wide table of names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Name(u32);

/// Every field name seen, once.
#[derive(Default)]
pub struct Names {
    texts: Vec<Arc<str>>,
    ids: HashMap<Arc<str>, u32>,
}

impl Names {
    pub fn text(&self, name: Name) -> &str {
        self.texts.get(name.0 as usize).map_or("", |t| t)
    }
}

fn names() -> &'static RwLock<Names> {
    static NAMES: OnceLock<RwLock<Names>> = OnceLock::new();
    NAMES.get_or_init(Default::default)
}

impl Name {
    /// The name `text`, added to the table when new.
    pub fn of(text: &str) -> Name {
        if let Some(found) = Name::find(text) {
            return found;
        }
        let mut table = names().write().unwrap_or_else(PoisonError::into_inner);
        if let Some(id) = table.ids.get(text) {
            return Name(*id);
        }
        let id = table.texts.len() as u32;
        let shared: Arc<str> = text.into();
        table.texts.push(shared.clone());
        table.ids.insert(shared, id);
        Name(id)
    }

    /// The name `text`, when some record has used it.
    pub fn find(text: &str) -> Option<Name> {
        let table = names().read().unwrap_or_else(PoisonError::into_inner);
        table.ids.get(text).map(|id| Name(*id))
    }

    /// Read the table (once for a whole record).
    pub fn with_table<R>(read: impl FnOnce(&Names) -> R) -> R {
        read(&names().read().unwrap_or_else(PoisonError::into_inner))
    }
}

/// Text of up to [`Short::CAPACITY`] bytes, kept inline.
#[derive(Debug, Clone)]
pub struct Short {
    len: u8,
    bytes: [u8; Short::CAPACITY],
}

impl Short {
    const CAPACITY: usize = 22;

    fn new(text: &str) -> Option<Short> {
        let len = text.len();
        if len > Short::CAPACITY {
            return None;
        }
        let mut bytes = [0; Short::CAPACITY];
        bytes[..len].copy_from_slice(text.as_bytes());
        Some(Short {
            len: len as u8,
            bytes,
        })
    }

    fn as_str(&self) -> &str {
        // Always whole UTF-8: `new` copies a whole `&str`.
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or("")
    }
}

/// One field's value (never `null`: a null field is simply not kept).
#[derive(Debug, Clone)]
pub enum Cell {
    Bool(bool),
    Int(i64),
    Float(f64),
    Short(Short),
    /// A SID naming another record: shared with every record that names it.
    Shared(Arc<str>),
    Text(Box<str>),
    /// Objects, arrays and numbers that are neither `i64` nor `f64`.
    Json(Box<Value>),
}

impl Cell {
    /// `value` of the field `key`.
    pub fn from_value(key: &str, value: Value) -> Cell {
        match value {
            Value::Bool(b) => Cell::Bool(b),
            Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
                (Some(i), _, _) => Cell::Int(i),
                (None, None, Some(f)) => Cell::Float(f),
                _ => Cell::Json(Box::new(Value::Number(n))),
            },
            Value::String(s) => match Short::new(&s) {
                Some(short) => Cell::Short(short),
                None if key != "sid" && looks_like_sid(&s) => Cell::Shared(intern(&s)),
                None => Cell::Text(s.into_boxed_str()),
            },
            other => Cell::Json(Box::new(other)),
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Cell::Short(s) => Some(s.as_str()),
            Cell::Shared(s) => Some(s),
            Cell::Text(s) => Some(s),
            _ => None,
        }
    }

    pub fn to_value(&self) -> Value {
        match self {
            Cell::Bool(b) => Value::Bool(*b),
            Cell::Int(i) => Value::Number((*i).into()),
            Cell::Float(f) => Number::from_f64(*f).map_or(Value::Null, Value::Number),
            Cell::Json(v) => (**v).clone(),
            text => Value::String(text.as_str().unwrap_or("").to_string()),
        }
    }
}

/// Two capital letters and 32 hex digits: how every Twilio SID is spelled.
fn looks_like_sid(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 34
        && b[..2].iter().all(u8::is_ascii_uppercase)
        && b[2..].iter().all(u8::is_ascii_hexdigit)
}

/// The one shared copy of `text`. Copies no record holds any more are dropped whenever the
/// set has doubled since the last sweep, so the set stays within twice what is in use.
fn intern(text: &str) -> Arc<str> {
    struct Interned {
        set: HashSet<Arc<str>>,
        sweep_at: usize,
    }
    static INTERNED: OnceLock<Mutex<Interned>> = OnceLock::new();
    let mut interned = INTERNED
        .get_or_init(|| {
            Mutex::new(Interned {
                set: HashSet::new(),
                sweep_at: 1024,
            })
        })
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    if let Some(found) = interned.set.get(text) {
        return found.clone();
    }
    if interned.set.len() >= interned.sweep_at {
        interned.set.retain(|s| Arc::strong_count(s) > 1);
        interned.sweep_at = (interned.set.len() * 2).max(1024);
    }
    let shared: Arc<str> = text.into();
    interned.set.insert(shared.clone());
    shared
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_cell_is_24_bytes() {
        assert_eq!(std::mem::size_of::<Cell>(), 24);
        assert_eq!(std::mem::size_of::<(Name, Cell)>(), 32);
    }

    #[test]
    fn values_round_trip() {
        for v in [
            json!(true),
            json!(-3),
            json!(u64::MAX),
            json!(0.25),
            json!(""),
            json!("exactly twenty-two b.."),
            json!("twenty-three bytes long"),
            json!("CH0123456789abcdef0123456789abcdef"),
            json!(["a"]),
            json!({"a": 1}),
        ] {
            assert_eq!(Cell::from_value("k", v.clone()).to_value(), v);
        }
    }

    #[test]
    fn sids_of_other_records_are_shared_and_a_records_own_is_not() {
        let sid = "CH00000000000000000000000000000001";
        let (Cell::Shared(a), Cell::Shared(b)) = (
            Cell::from_value("conversation_sid", json!(sid)),
            Cell::from_value("conversation_sid", json!(sid)),
        ) else {
            panic!("not shared");
        };
        assert!(Arc::ptr_eq(&a, &b));
        assert!(matches!(Cell::from_value("sid", json!(sid)), Cell::Text(_)));
        assert!(matches!(
            Cell::from_value("conversation_sid", json!("CH-not-a-sid-but-longer-than-22")),
            Cell::Text(_)
        ));
    }

    #[test]
    fn names_are_one_table() {
        let a = Name::of("a_field_name_for_this_test");
        assert_eq!(Name::of("a_field_name_for_this_test"), a);
        assert_eq!(Name::find("a_field_name_for_this_test"), Some(a));
        assert_eq!(Name::find("never_used_anywhere"), None);
        assert_eq!(
            Name::with_table(|t| t.text(a).to_string()),
            "a_field_name_for_this_test"
        );
    }
}
