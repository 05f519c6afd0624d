//! Where a request acts: the storage path of the collection (scope folded to a service), the
//! item's canonical SID, and the URL the answer names, with every parent checked to exist and
//! names that Twilio accepts in place of a SID (a conversation's `unique_name`, a user's or
//! chat participant's `identity`, where the spec's `x-name-field` says so) resolved to the SID.

use crate::catalog::{Catalog, Operation, Scope, Seg};
use crate::error::ApiFailure;
use crate::router::Matched;
use crate::store::Store;

/// The resolved place of one request.
#[derive(Debug, Clone)]
pub struct Place {
    /// The service the request acts in (`IS...`), for a resource that lives under one.
    pub service: Option<String>,
    /// Storage path of the collection (`Services/IS../Conversations`), or of the singleton.
    pub collection: String,
    /// The item's canonical SID, for a route that ends in one.
    pub item: Option<String>,
    /// The SID (or name) as the request wrote it, for messages that quote it.
    pub item_as_given: Option<String>,
    /// `(parameter, canonical SID)` of every path parameter before the item.
    pub parents: Vec<(String, String)>,
    /// The URL of the collection (or singleton) in the request's scope.
    pub url: String,
}

impl Place {
    pub fn parent(&self, name: &str) -> Option<&str> {
        self.parents
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The URL of the item `sid` in the request's scope.
    pub fn item_url(&self, sid: &str) -> String {
        format!("{}/{sid}", self.url)
    }

    /// Storage path of the item `sid` (the prefix of everything under it).
    pub fn item_path(&self, sid: &str) -> String {
        format!("{}/{sid}", self.collection)
    }
}

/// Resolve `matched` against the store. `base_url` is the emulator's URL for this API (with
/// its prefix, `http://127.0.0.1:4010/v1`). `default_service` stands for the top-level scope.
pub fn resolve(
    catalog: &Catalog,
    matched: &Matched<'_>,
    store: &Store,
    base_url: &str,
    default_service: &str,
) -> Result<Place, ApiFailure> {
    let op: &Operation = matched.op;
    let mut storage: Vec<String> = Vec::new();
    let mut url = base_url.to_string();
    let mut service = None;
    let mut parents = Vec::new();
    let mut route = op.route.iter().peekable();
    let scope_collection = catalog.scope_collection.as_ref();
    // The scope item (`Services/{ChatServiceSid}`) or, for a per-service resource reached at
    // the top level, the default service.
    // A route on the scope collection itself (`Services/{Sid}`, a service's own fetch and
    // delete) names no scope item: it is resolved as any other collection below.
    let names_scope_item =
        |param: &str| matches!(op.route.get(1), Some(Seg::Param { name, .. }) if name == param);
    match (op.scope, scope_collection) {
        (Scope::Item, Some((collection, param))) if names_scope_item(param) => {
            route.next();
            route.next();
            let sid = matched.param(param).unwrap_or_default().to_string();
            if store.get(collection, &sid).is_none() {
                return Err(ApiFailure::not_found(&format!("/{collection}/{sid}")));
            }
            url.push_str(&format!("/{collection}/{sid}"));
            storage.push(format!("{collection}/{sid}"));
            parents.push((param.clone(), sid.clone()));
            service = Some(sid);
        }
        (Scope::TopLevel, Some((collection, _))) if op.per_service => {
            storage.push(format!("{collection}/{default_service}"));
            service = Some(default_service.to_string());
        }
        _ => {}
    }
    let segs: Vec<&Seg> = route.collect();
    let mut item = None;
    let mut item_as_given = None;
    for (i, seg) in segs.iter().enumerate() {
        match seg {
            Seg::Literal(lit) => {
                storage.push(lit.clone());
                url.push('/');
                url.push_str(lit);
            }
            Seg::Param {
                name, name_field, ..
            } => {
                let given = matched.param(name).unwrap_or_default().to_string();
                let collection = storage.join("/");
                let sid = canonical(store, &collection, &given, name_field.as_deref());
                let last = i + 1 == segs.len();
                if last {
                    item_as_given = Some(given);
                    item = Some(sid);
                } else {
                    if store.get(&collection, &sid).is_none() {
                        return Err(ApiFailure::not_found(&format!("/{collection}/{given}")));
                    }
                    storage.push(sid.clone());
                    url.push('/');
                    url.push_str(&sid);
                    parents.push((name.clone(), sid));
                }
            }
        }
    }
    Ok(Place {
        service,
        collection: storage.join("/"),
        item,
        item_as_given,
        parents,
        url,
    })
}

/// The SID `given` stands for in `collection`: itself, or the SID of the record whose
/// `name_field` (the path parameter's `x-name-field`) is `given`.
pub fn canonical(store: &Store, collection: &str, given: &str, name_field: Option<&str>) -> String {
    let Some(coll) = store.collection(collection) else {
        return given.to_string();
    };
    if coll.get(given).is_some() {
        return given.to_string();
    }
    name_field
        .and_then(|field| coll.find_by(field, given))
        .map(|r| r.sid().to_string())
        .unwrap_or_else(|| given.to_string())
}
