//! Wire test of the crate generated from `codegen/tests/fixtures/trailing_extension.yaml`
//! (`cargo xtask test` copies it into that crate's `tests/`): the `.json` after a path's last
//! segment is sent, after the list's literal and after the item's id alike.

use conversations_tests::{MockServer, Reply};
use trailing_extension_fixture_2010_04_01::Client;

fn client(server: &MockServer) -> Client {
    Client::builder()
        .account_sid("AC00000000000000000000000000000001")
        .auth_token("token")
        .base_url(server.url())
        .build()
        .expect("client")
}

const CALL: &str = r#"{"sid":"CA00000000000000000000000000000001","to":"+15550001"}"#;

#[tokio::test]
async fn the_item_path_keeps_its_extension_after_the_id() {
    let server = MockServer::always(Reply::json(200, CALL)).await;
    let call = client(&server)
        .account("AC00000000000000000000000000000001")
        .call("CA00000000000000000000000000000001")
        .fetch()
        .send()
        .await
        .expect("fetch");
    assert_eq!(call.to.as_deref(), Some("+15550001"));
    let r = &server.requests()[0];
    assert_eq!(
        (r.method.as_str(), r.target.as_str()),
        (
            "GET",
            "/2010-04-01/Accounts/AC00000000000000000000000000000001/Calls/CA00000000000000000000000000000001.json"
        )
    );
}

#[tokio::test]
async fn the_list_path_keeps_its_extension_before_the_query() {
    let server = MockServer::always(Reply::json(
        200,
        format!(r#"{{"calls":[{CALL}],"meta":{{"next_page_url":null}}}}"#),
    ))
    .await;
    let c = client(&server);
    let page = c
        .account("AC00000000000000000000000000000001")
        .calls()
        .list()
        .to("+15550001")
        .send()
        .await
        .expect("list");
    assert_eq!(page.items.len(), 1);
    c.account("AC00000000000000000000000000000001")
        .calls()
        .create("+15550002")
        .send()
        .await
        .expect("create");
    let requests = server.requests();
    assert_eq!(
        requests[0].target,
        "/2010-04-01/Accounts/AC00000000000000000000000000000001/Calls.json?To=%2B15550001"
    );
    assert_eq!(
        (requests[1].method.as_str(), requests[1].target.as_str()),
        (
            "POST",
            "/2010-04-01/Accounts/AC00000000000000000000000000000001/Calls.json"
        )
    );
    assert_eq!(requests[1].body_str(), "To=%2B15550002");
}

#[tokio::test]
async fn the_account_comes_from_the_client_unless_named() {
    let server = MockServer::always(Reply::json(200, CALL)).await;
    let c = client(&server);
    c.call("CA00000000000000000000000000000001")
        .fetch()
        .send()
        .await
        .expect("fetch on the client's account");
    c.account("AC00000000000000000000000000000009")
        .call("CA00000000000000000000000000000001")
        .fetch()
        .send()
        .await
        .expect("fetch on another account");
    let requests = server.requests();
    assert_eq!(
        requests[0].target,
        "/2010-04-01/Accounts/AC00000000000000000000000000000001/Calls/CA00000000000000000000000000000001.json"
    );
    assert_eq!(
        requests[1].target,
        "/2010-04-01/Accounts/AC00000000000000000000000000000009/Calls/CA00000000000000000000000000000001.json"
    );
}
