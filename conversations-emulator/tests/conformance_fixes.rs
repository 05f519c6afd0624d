//! Answers the conformance suite found wrong when it ran against the emulator behind Prism's
//! validation proxy (docs/conformance.md, "Against the emulator"), each pinned here.

mod common;

use common::{emulator, raw};
use reqwest::Method;

/// `GET` and `DELETE /v1/Services/{Sid}` act on the service itself: they were resolved as if
/// the route were inside a service (`Services/{ChatServiceSid}/...`) and answered 404.
#[tokio::test]
async fn a_service_can_be_fetched_and_deleted() {
    let emu = emulator().await;
    let client = emu.client();
    let created = client
        .services()
        .create("Support")
        .send()
        .await
        .expect("create");
    let fetched = client
        .service(&created.sid)
        .fetch()
        .send()
        .await
        .expect("fetch");
    assert_eq!(fetched.sid, created.sid);
    assert_eq!(fetched.friendly_name.as_deref(), Some("Support"));
    client
        .service(&created.sid)
        .delete()
        .send()
        .await
        .expect("delete");
    let (status, _) = raw(
        &emu,
        Method::GET,
        &format!("/v1/Services/{}", created.sid),
        &[],
        &[],
    )
    .await;
    assert_eq!(status, 404);
    // The default service is still there.
    let (status, _) = raw(
        &emu,
        Method::GET,
        &format!("/v1/Services/{}", emu.default_service_sid()),
        &[],
        &[],
    )
    .await;
    assert_eq!(status, 200);
}

/// A credential's `sandbox` is a string in the answer (`"true"`, as in the spec's examples),
/// though the parameter is a boolean: it was answered as a JSON boolean.
#[tokio::test]
async fn a_credentials_sandbox_is_answered_as_a_string() {
    let emu = emulator().await;
    let (status, created) = raw(
        &emu,
        Method::POST,
        "/v1/Credentials",
        &[("Type", "apn"), ("Sandbox", "true")],
        &[],
    )
    .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["sandbox"], "true");
    let sid = created["sid"].as_str().expect("a SID");
    let (status, updated) = raw(
        &emu,
        Method::POST,
        &format!("/v1/Credentials/{sid}"),
        &[("Sandbox", "false")],
        &[],
    )
    .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["sandbox"], "false");
    let fetched = emu
        .client()
        .credential(sid)
        .fetch()
        .send()
        .await
        .expect("the client decodes it");
    assert_eq!(fetched.sandbox.as_deref(), Some("false"));
}

/// A service's configuration has no `account_sid` in the spec; the emulator answered one (every
/// singleton started with it), which the client has nowhere to keep.
#[tokio::test]
async fn a_service_configuration_answers_only_its_own_fields() {
    let emu = emulator().await;
    let path = format!("/v1/Services/{}/Configuration", emu.default_service_sid());
    for (method, form) in [
        (Method::GET, &[][..]),
        (Method::POST, &[("ReachabilityEnabled", "true")][..]),
    ] {
        let (status, body) = raw(&emu, method, &path, form, &[]).await;
        assert_eq!(status, 200, "{body}");
        assert!(body.get("account_sid").is_none(), "{body}");
        assert_eq!(body["chat_service_sid"], emu.default_service_sid());
    }
    // The singletons whose resource has the field keep it.
    let (_, notifications) = raw(
        &emu,
        Method::GET,
        &format!("{path}/Notifications"),
        &[],
        &[],
    )
    .await;
    assert_eq!(notifications["account_sid"], emu.account_sid());
}

/// Fetching one of a user's conversations answered the list's internal `__url` key along with
/// the record's fields.
#[tokio::test]
async fn a_users_conversation_is_fetched_without_internal_keys() {
    let emu = emulator().await;
    let client = emu.client();
    let user = client.users().create("carol").send().await.expect("user");
    let conversation = client
        .conversations()
        .create()
        .send()
        .await
        .expect("conversation");
    client
        .conversation(&conversation.sid)
        .participants()
        .create()
        .identity("carol")
        .send()
        .await
        .expect("participant");
    let path = format!("/v1/Users/{}/Conversations/{}", user.sid, conversation.sid);
    let (status, body) = raw(&emu, Method::GET, &path, &[], &[]).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("__url").is_none(), "{body}");
    assert_eq!(body["url"], format!("{}{path}", emu.base_url()));
    assert_eq!(body["conversation_sid"], conversation.sid.as_str());
}
