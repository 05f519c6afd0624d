//! The REST API as stored state: create, fetch, list, update, delete in both scopes, names in
//! place of SIDs, the default service, message indexes, cascades, paging, and Twilio's errors.

mod common;

use common::{emulator, raw};
use conversations_api::{ConversationState, Error};
use futures::TryStreamExt;
use reqwest::Method;

#[tokio::test]
async fn what_is_created_can_be_fetched_listed_updated_and_deleted() {
    let emu = emulator().await;
    let client = emu.client();
    let created = client
        .conversations()
        .create()
        .friendly_name("Support")
        .unique_name("support-1")
        .send()
        .await
        .expect("create");
    assert!(
        created.sid.starts_with("CH") && created.sid.len() == 34,
        "{}",
        created.sid
    );
    assert_eq!(created.chat_service_sid, emu.default_service_sid());
    assert_eq!(created.account_sid, emu.account_sid());
    assert_eq!(created.state, Some(ConversationState::Active));
    assert!(created.url.starts_with(&emu.base_url()), "{}", created.url);

    let fetched = client
        .conversation(&created.sid)
        .fetch()
        .send()
        .await
        .expect("fetch");
    assert_eq!(fetched.friendly_name.as_deref(), Some("Support"));
    // The unique name works in place of the SID.
    let by_name = client
        .conversation("support-1")
        .fetch()
        .send()
        .await
        .expect("by name");
    assert_eq!(by_name.sid, created.sid);

    let updated = client
        .conversation(&created.sid)
        .update()
        .friendly_name("Billing")
        .send()
        .await
        .expect("update");
    assert_eq!(updated.friendly_name.as_deref(), Some("Billing"));

    let page = client.conversations().list().send().await.expect("list");
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].friendly_name.as_deref(), Some("Billing"));

    // The default service is a real service: the same data in the Service scope.
    let configuration = client
        .configuration()
        .fetch()
        .send()
        .await
        .expect("configuration");
    assert_eq!(
        configuration.default_chat_service_sid.as_deref(),
        Some(emu.default_service_sid())
    );
    let service = client.service(emu.default_service_sid());
    let same = service
        .conversation(&created.sid)
        .fetch()
        .send()
        .await
        .expect("service scope");
    assert_eq!(same.friendly_name.as_deref(), Some("Billing"));
    assert!(
        same.url.contains(&format!(
            "/v1/Services/{}/Conversations/",
            emu.default_service_sid()
        )),
        "{}",
        same.url
    );

    client
        .conversation(&created.sid)
        .delete()
        .send()
        .await
        .expect("delete");
    match client.conversation(&created.sid).fetch().send().await {
        Err(e @ Error::Api(_)) => assert_eq!((e.status(), e.code()), (Some(404), Some(20404))),
        other => panic!("fetched after delete: {other:?}"),
    }
}

#[tokio::test]
async fn statuses_and_bodies_on_the_wire() {
    let emu = emulator().await;
    let (status, body) = raw(
        &emu,
        Method::POST,
        "/v1/Conversations",
        &[("FriendlyName", "x")],
        &[],
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let sid = body["sid"].as_str().unwrap().to_string();
    assert_eq!(
        body["links"]["messages"],
        format!("{}/v1/Conversations/{sid}/Messages", emu.base_url())
    );
    let (status, _) = raw(
        &emu,
        Method::DELETE,
        &format!("/v1/Conversations/{sid}"),
        &[],
        &[],
    )
    .await;
    assert_eq!(status, 204);
}

#[tokio::test]
async fn messages_are_indexed_and_go_with_their_conversation() {
    let emu = emulator().await;
    let client = emu.client();
    let conv = client.conversations().create().send().await.unwrap();
    let handle = client.conversation(&conv.sid);
    for i in 0..3 {
        let m = handle
            .messages()
            .create()
            .body(format!("m{i}"))
            .author("alice")
            .send()
            .await
            .unwrap();
        assert!(m.sid.starts_with("IM"));
        assert_eq!(m.index, Some(i));
        assert_eq!(m.conversation_sid, conv.sid);
    }
    let all: Vec<_> = handle
        .messages()
        .list()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        all.iter().map(|m| m.index.unwrap()).collect::<Vec<_>>(),
        [0, 1, 2]
    );
    let message_sid = all[1].sid.clone();
    client
        .conversation(&conv.sid)
        .delete()
        .send()
        .await
        .unwrap();
    let (status, body) = raw(
        &emu,
        Method::GET,
        &format!("/v1/Conversations/{}/Messages/{message_sid}", conv.sid),
        &[],
        &[],
    )
    .await;
    assert_eq!(
        (status, body["code"].as_i64()),
        (404, Some(20404)),
        "{body}"
    );
}

#[tokio::test]
async fn users_by_identity_and_their_conversations() {
    let emu = emulator().await;
    let client = emu.client();
    let user = client.users().create("alice").send().await.unwrap();
    assert!(user.sid.starts_with("US"));
    let by_identity = client.user("alice").fetch().send().await.unwrap();
    assert_eq!(by_identity.sid, user.sid);
    let conv = client.conversations().create().send().await.unwrap();
    client
        .conversation(&conv.sid)
        .participants()
        .create()
        .identity("alice")
        .send()
        .await
        .unwrap();
    let mine = client
        .user("alice")
        .conversations()
        .list()
        .send()
        .await
        .unwrap();
    assert_eq!(mine.items.len(), 1);
    assert_eq!(mine.items[0].conversation_sid, conv.sid);
}

#[tokio::test]
async fn twilio_errors() {
    let emu = emulator().await;
    // Wrong credentials.
    let res = reqwest::Client::new()
        .get(format!("{}/v1/Conversations", emu.base_url()))
        .basic_auth(emu.account_sid(), Some("wrong"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let body: serde_json::Value = serde_json::from_str(&res.text().await.unwrap()).unwrap();
    assert_eq!(body["code"], 20003);
    assert_eq!(
        body["more_info"],
        "https://www.twilio.com/docs/errors/20003"
    );
    // Missing required parameter, bad enum value, malformed SID.
    let (status, body) = raw(&emu, Method::POST, "/v1/Users", &[], &[]).await;
    assert_eq!(
        (status, body["code"].as_i64()),
        (400, Some(20001)),
        "{body}"
    );
    assert!(
        body["message"].as_str().unwrap().contains("Identity"),
        "{body}"
    );
    let (status, body) = raw(
        &emu,
        Method::GET,
        "/v1/Conversations?State=sleeping",
        &[],
        &[],
    )
    .await;
    assert_eq!(status, 400, "{body}");
    let (status, _) = raw(
        &emu,
        Method::GET,
        "/v1/Conversations/CH0/Messages/not-a-sid",
        &[],
        &[],
    )
    .await;
    assert_eq!(status, 400);
    // Conflicts.
    raw(
        &emu,
        Method::POST,
        "/v1/Conversations",
        &[("UniqueName", "one")],
        &[],
    )
    .await;
    let (status, body) = raw(
        &emu,
        Method::POST,
        "/v1/Conversations",
        &[("UniqueName", "one")],
        &[],
    )
    .await;
    assert_eq!(
        (status, body["code"].as_i64()),
        (409, Some(50353)),
        "{body}"
    );
    let (_, conv) = raw(&emu, Method::POST, "/v1/Conversations", &[], &[]).await;
    let participants = format!(
        "/v1/Conversations/{}/Participants",
        conv["sid"].as_str().unwrap()
    );
    let (status, _) = raw(
        &emu,
        Method::POST,
        &participants,
        &[("Identity", "bob")],
        &[],
    )
    .await;
    assert_eq!(status, 201);
    let (status, body) = raw(
        &emu,
        Method::POST,
        &participants,
        &[("Identity", "bob")],
        &[],
    )
    .await;
    assert_eq!(
        (status, body["code"].as_i64()),
        (409, Some(50433)),
        "{body}"
    );
    // Unknown SID.
    let (status, body) = raw(
        &emu,
        Method::GET,
        "/v1/Conversations/CH00000000000000000000000000000000",
        &[],
        &[],
    )
    .await;
    assert_eq!((status, body["code"].as_i64()), (404, Some(20404)));
}

#[tokio::test]
async fn paging_with_page_tokens_and_limits() {
    let emu = emulator().await;
    let client = emu.client();
    for i in 0..7 {
        client
            .conversations()
            .create()
            .friendly_name(format!("c{i}"))
            .send()
            .await
            .unwrap();
    }
    let first = client
        .conversations()
        .list()
        .page_size(3)
        .send()
        .await
        .unwrap();
    assert_eq!(first.items.len(), 3);
    let next = first.meta.next_page_url.clone().expect("a next page");
    assert!(
        next.contains("PageToken=") && next.starts_with(&emu.base_url()),
        "{next}"
    );
    let all: Vec<_> = client
        .conversations()
        .list()
        .page_size(3)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 7);
    let names: Vec<_> = all
        .iter()
        .map(|c| c.friendly_name.clone().unwrap())
        .collect();
    assert_eq!(names, ["c0", "c1", "c2", "c3", "c4", "c5", "c6"]);
    // The spec's maximum page size.
    let (status, _) = raw(
        &emu,
        Method::GET,
        "/v1/Conversations?PageSize=101",
        &[],
        &[],
    )
    .await;
    assert_eq!(status, 400);
    let (status, body) = raw(
        &emu,
        Method::GET,
        "/v1/Conversations/CH00000000000000000000000000000000/Webhooks?PageSize=6",
        &[],
        &[],
    )
    .await;
    assert_eq!(status, 400, "{body}");
}

#[tokio::test]
async fn timers_run_on_a_clock_the_test_moves() {
    let emu = emulator().await;
    let client = emu.client();
    let conv = client
        .conversations()
        .create()
        .timers_inactive("PT1M")
        .timers_closed("PT10M")
        .send()
        .await
        .unwrap();
    assert!(conv.timers.as_ref().and_then(|t| t.date_inactive).is_some());
    emu.advance_clock(std::time::Duration::from_secs(61));
    let now = client.conversation(&conv.sid).fetch().send().await.unwrap();
    assert_eq!(now.state, Some(ConversationState::Inactive));
    emu.advance_clock(std::time::Duration::from_secs(600));
    let later = client.conversation(&conv.sid).fetch().send().await.unwrap();
    assert_eq!(later.state, Some(ConversationState::Closed));
}

#[tokio::test]
async fn lists_filter_order_and_page_together() {
    let emu = emulator().await;
    let client = emu.client();
    let mut closed = Vec::new();
    for i in 0..9 {
        let mut create = client
            .conversations()
            .create()
            .friendly_name(format!("c{i}"));
        if i % 2 == 0 {
            create = create.state(ConversationState::Closed);
        }
        let conv = create.send().await.unwrap();
        if i % 2 == 0 {
            closed.push(conv.sid);
        }
    }
    // Five closed of nine, two a page: the filter holds across PageToken pages.
    let pages: Vec<_> = client
        .conversations()
        .list()
        .state(ConversationState::Closed)
        .page_size(2)
        .stream()
        .try_collect()
        .await
        .unwrap();
    let sids: Vec<_> = pages.iter().map(|c| c.sid.clone()).collect();
    assert_eq!(sids, closed);
    let first = client
        .conversations()
        .list()
        .state(ConversationState::Closed)
        .page_size(5)
        .send()
        .await
        .unwrap();
    assert_eq!(first.items.len(), 5);
    assert!(first.meta.next_page_url.is_none(), "no sixth closed one");

    // Messages newest first with Order=desc.
    let conv = &closed[0];
    for body in ["one", "two", "three"] {
        client
            .conversation(conv)
            .messages()
            .create()
            .body(body)
            .send()
            .await
            .unwrap();
    }
    let newest_first = client
        .conversation(conv)
        .messages()
        .list()
        .order(conversations_api::ConversationMessageOrder::Desc)
        .page_size(2)
        .send()
        .await
        .unwrap();
    let bodies: Vec<_> = newest_first
        .items
        .iter()
        .map(|m| (m.index, m.body.clone()))
        .collect();
    assert_eq!(
        bodies,
        [
            (Some(2), Some("three".into())),
            (Some(1), Some("two".into()))
        ]
    );
    assert!(newest_first.meta.next_page_url.is_some());
}

#[tokio::test]
async fn names_stand_for_sids_only_where_twilio_documents_it() {
    let emu = emulator().await;
    let client = emu.client();
    let conv = client
        .conversations()
        .create()
        .unique_name("desk")
        .send()
        .await
        .unwrap();
    client.users().create("bob").send().await.unwrap();
    let bob = client
        .conversation(&conv.sid)
        .participants()
        .create()
        .identity("bob")
        .send()
        .await
        .unwrap();
    // Documented: a conversation by unique name, a user by identity, a participant's fetch by
    // identity, a user's conversation by unique name.
    assert_eq!(
        client
            .conversation("desk")
            .fetch()
            .send()
            .await
            .unwrap()
            .sid,
        conv.sid
    );
    let by_identity = client
        .conversation(&conv.sid)
        .participant("bob")
        .fetch()
        .send()
        .await
        .unwrap();
    assert_eq!(by_identity.sid, bob.sid);
    let seen = client
        .user("bob")
        .conversation("desk")
        .fetch()
        .send()
        .await
        .unwrap();
    assert_eq!(seen.conversation_sid, conv.sid);
    // Not documented: a conversation's messages by its unique name, a participant's update by
    // identity. 404, as a name is not a SID there.
    let (status, body) = raw(
        &emu,
        Method::GET,
        "/v1/Conversations/desk/Messages",
        &[],
        &[],
    )
    .await;
    assert_eq!(
        (status, body["code"].as_i64()),
        (404, Some(20404)),
        "{body}"
    );
    let (status, _) = raw(
        &emu,
        Method::POST,
        &format!("/v1/Conversations/{}/Participants/bob", conv.sid),
        &[("Attributes", "{}")],
        &[],
    )
    .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn more_conflicts_and_a_method_a_path_lacks() {
    let emu = emulator().await;
    // A user identity taken.
    let (status, _) = raw(
        &emu,
        Method::POST,
        "/v1/Users",
        &[("Identity", "carol")],
        &[],
    )
    .await;
    assert_eq!(status, 201);
    let (status, body) = raw(
        &emu,
        Method::POST,
        "/v1/Users",
        &[("Identity", "carol")],
        &[],
    )
    .await;
    assert_eq!(
        (status, body["code"].as_i64()),
        (409, Some(50201)),
        "{body}"
    );
    // An SMS address already in the conversation.
    let (_, conv) = raw(&emu, Method::POST, "/v1/Conversations", &[], &[]).await;
    let participants = format!(
        "/v1/Conversations/{}/Participants",
        conv["sid"].as_str().unwrap()
    );
    let sms = [
        ("MessagingBinding.Address", "+15555550100"),
        ("MessagingBinding.ProxyAddress", "+15555550199"),
    ];
    let (status, body) = raw(&emu, Method::POST, &participants, &sms, &[]).await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = raw(&emu, Method::POST, &participants, &sms, &[]).await;
    assert_eq!(
        (status, body["code"].as_i64()),
        (409, Some(50416)),
        "{body}"
    );
    // A path that exists, with a method it does not have.
    let (status, body) = raw(&emu, Method::PUT, "/v1/Conversations", &[], &[]).await;
    assert_eq!(
        (status, body["code"].as_i64()),
        (405, Some(20004)),
        "{body}"
    );
}

#[tokio::test]
async fn a_new_service_has_roles_and_its_configuration_names_them() {
    let emu = emulator().await;
    let client = emu.client();
    let service = client.services().create("support").send().await.unwrap();
    let roles = client
        .service(&service.sid)
        .roles()
        .list()
        .send()
        .await
        .unwrap();
    let name_of = |sid: Option<&str>| {
        roles
            .items
            .iter()
            .find(|r| Some(r.sid.as_str()) == sid)
            .and_then(|r| r.friendly_name.clone())
    };
    let config = client
        .service(&service.sid)
        .configuration()
        .fetch()
        .send()
        .await
        .unwrap();
    assert_eq!(
        (
            name_of(config.default_chat_service_role_sid.as_deref()),
            name_of(config.default_conversation_role_sid.as_deref()),
            name_of(config.default_conversation_creator_role_sid.as_deref()),
        ),
        (
            Some("service user".into()),
            Some("channel user".into()),
            Some("channel admin".into())
        )
    );
}
