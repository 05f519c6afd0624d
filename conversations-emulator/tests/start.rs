//! Starting one is cheap enough for every test to have its own, and garbage never panics it.

mod common;

use conversations_emulator::Emulator;

#[tokio::test]
async fn every_test_can_have_its_own() {
    let a = Emulator::start().await.unwrap();
    let b = Emulator::start().await.unwrap();
    assert_ne!(a.base_url(), b.base_url());
    assert_ne!(a.account_sid(), b.account_sid());
    let conv = a.client().conversations().create().send().await.unwrap();
    assert!(
        b.client()
            .conversation(&conv.sid)
            .fetch()
            .send()
            .await
            .is_err(),
        "state is per emulator"
    );
    let url = a.base_url();
    drop(a);
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert!(
        reqwest::get(format!("{url}/v1/Conversations"))
            .await
            .is_err(),
        "dropped means stopped"
    );
}

#[tokio::test]
async fn garbage_requests_get_answers_not_panics() {
    let emu = Emulator::start().await.unwrap();
    let http = reqwest::Client::new();
    let paths = [
        "/",
        "/v1",
        "/v1/",
        "//v1/Conversations",
        "/v1/Conversations/%FF%FE",
        "/v1/Conversations/..",
        "/v1/Conversations/CH00000000000000000000000000000000/Messages/IM0/Receipts/x",
        "/v1/Services/%00/Conversations",
        "/mcs/v1/Services/x/Media",
        "/_emulator/nothing",
        "/v1/Conversations?PageSize=-1",
        "/v1/Conversations?PageSize=9999999999999999999999",
        "/v1/Conversations?PageToken=zz",
        "/v1/Conversations?Page=%FF",
    ];
    let bodies: [&[u8]; 5] = [
        b"",
        b"=&=&&",
        b"FriendlyName=%ZZ&Timers.Inactive=P",
        &[0xff, 0xfe, 0x00],
        b"Attributes={not json",
    ];
    let mut seed = 0x9e3779b97f4a7c15u64;
    for path in paths {
        for method in [
            reqwest::Method::GET,
            reqwest::Method::POST,
            reqwest::Method::DELETE,
            reqwest::Method::PUT,
        ] {
            for body in bodies {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let mut req = http
                    .request(method.clone(), format!("{}{path}", emu.base_url()))
                    .basic_auth(emu.account_sid(), Some(emu.auth_token()))
                    .header(
                        "Content-Type",
                        if seed % 2 == 0 {
                            "application/x-www-form-urlencoded"
                        } else {
                            "text/plain"
                        },
                    )
                    .body(body.to_vec());
                if seed % 3 == 0 {
                    req = req.header("X-Twilio-Webhook-Enabled", "true");
                }
                let res = req
                    .send()
                    .await
                    .expect("an answer, not a dropped connection");
                assert!(
                    res.status().as_u16() < 500 || res.status() == 503,
                    "{method} {path}: {}",
                    res.status()
                );
            }
        }
    }
    // Still serving.
    emu.client()
        .conversations()
        .create()
        .send()
        .await
        .expect("alive");
}
