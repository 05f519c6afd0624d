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
