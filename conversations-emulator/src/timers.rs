//! Conversation timers on the emulator's clock: before each request, every conversation whose
//! inactive or closed time has come moves state, and `onConversationStateUpdated` (reason
//! `TIMER`) goes to the webhooks that want it. Nothing runs between requests: a test that moves
//! the clock sees the change on its next call.

use crate::behaviour;
use crate::place::Place;
use crate::shared::Shared;
use crate::store::Store;
use chrono::{DateTime, Utc};

pub fn run_all(shared: &Shared, store: &mut Store, now: DateTime<Utc>) {
    let mut moved = Vec::new();
    // Only records put with timers (`Store::timed`), not every conversation.
    for (path, sid) in store.timed() {
        let Some(record) = store.collection_mut(&path).get_mut(&sid) else {
            store.untime(&path, &sid);
            continue;
        };
        if let Some((from, _)) = behaviour::run_timers(record, now) {
            moved.push((path.clone(), record.fields(), from));
        }
        if !behaviour::timer_pending(record) {
            store.untime(&path, &sid);
        }
    }
    for (path, fields, from) in moved {
        let service = path.split('/').nth(1).map(str::to_string);
        let place = Place {
            service,
            collection: path.clone(),
            item: fields
                .get("sid")
                .and_then(|s| s.as_str())
                .map(str::to_string),
            item_as_given: None,
            parents: Vec::new(),
            url: String::new(),
        };
        let now_text = crate::clock::format(now);
        for (target, event_type, mut fields_out) in
            crate::dispatch::state_event(shared, store, &place, &fields, &from, "TIMER", &now_text)
        {
            // Not a REST action: no `Source: API`.
            fields_out.retain(|(k, _)| k != "Source");
            shared
                .caller
                .post_action(target, event_type, fields_out, now);
        }
    }
}
