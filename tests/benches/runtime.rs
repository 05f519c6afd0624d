//! Runtime benchmarks (`cargo bench -p conversations-tests --bench runtime`, run by
//! `cargo xtask bench`): client overhead against plain reqwest, JSON throughput of a 1000-item
//! list page, and peak heap while streaming 10 and 1000 pages. Prints `bench: key = value` lines.

use conversations_api::{Client, Conversation};
use conversations_tests::{MockServer, Reply};
use futures::TryStreamExt;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Counts live heap bytes and the peak since the last reset.
struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

const ACCOUNT: &str = "AC0123456789abcdef0123456789abcdef";
const SID: &str = "CH00000000000000000000000000000002";

fn conversation_json(i: usize) -> String {
    format!(
        r#"{{"sid":"CH{i:032x}","account_sid":"{ACCOUNT}","chat_service_sid":"IS00000000000000000000000000000001","messaging_service_sid":"MG00000000000000000000000000000001","friendly_name":"Conversation {i}","unique_name":null,"attributes":"{{\"topic\":\"support\"}}","state":"active","date_created":"2024-05-06T07:08:09Z","date_updated":"2024-05-06T07:08:10Z","timers":{{}},"bindings":{{}},"url":"https://conversations.twilio.com/v1/Conversations/CH{i:032x}","links":{{"participants":"https://conversations.twilio.com/v1/Conversations/CH{i:032x}/Participants","messages":"https://conversations.twilio.com/v1/Conversations/CH{i:032x}/Messages","webhooks":"https://conversations.twilio.com/v1/Conversations/CH{i:032x}/Webhooks"}}}}"#
    )
}

fn page_json(items: usize, next: Option<String>) -> String {
    let list: Vec<String> = (0..items).map(conversation_json).collect();
    let next = next.map_or("null".to_string(), |n| format!("\"{n}\""));
    format!(
        r#"{{"conversations":[{}],"meta":{{"page":0,"page_size":{items},"first_page_url":"https://conversations.twilio.com/v1/Conversations?PageSize={items}&Page=0","previous_page_url":null,"url":"https://conversations.twilio.com/v1/Conversations?PageSize={items}&Page=0","next_page_url":{next},"key":"conversations"}}}}"#,
        list.join(",")
    )
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn client(url: &str) -> Client {
    Client::builder()
        .account_sid(ACCOUNT)
        .auth_token("token")
        .base_url(url)
        .build()
        .expect("client")
}

async fn overhead(n: usize, rounds: usize) {
    let one = conversation_json(1);
    let server = MockServer::start_unrecorded(move |_, _| Reply::json(200, one.as_str())).await;
    let c = client(&server.url());
    // The baseline uses the same reqwest settings as the client (timeouts, pool, redirects,
    // User-Agent): what is measured is the generated layer, not the configuration.
    let http = reqwest::Client::builder()
        .user_agent("conversations-api-rust/bench")
        .timeout(Duration::from_secs(30))
        .connect_timeout(Duration::from_secs(10))
        .pool_idle_timeout(Duration::from_secs(30))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("reqwest client");
    let url = format!("{}/v1/Conversations/{SID}", server.url());
    // Warm both connection pools.
    for _ in 0..50 {
        c.conversation(SID).fetch().send().await.expect("fetch");
        let _ = http
            .get(&url)
            .basic_auth(ACCOUNT, Some("token"))
            .send()
            .await
            .expect("get")
            .bytes()
            .await;
    }
    let mut ours = Vec::new();
    let mut plain = Vec::new();
    for _ in 0..rounds {
        let t = Instant::now();
        for _ in 0..n {
            let conv = c.conversation(SID).fetch().send().await.expect("fetch");
            std::hint::black_box(conv);
        }
        ours.push(t.elapsed());
        let t = Instant::now();
        for _ in 0..n {
            let resp = http
                .get(&url)
                .basic_auth(ACCOUNT, Some("token"))
                .header("Accept", "application/json")
                .send()
                .await
                .expect("get");
            let bytes = resp.bytes().await.expect("body");
            let conv: Conversation = serde_json::from_slice(&bytes).expect("decode");
            std::hint::black_box(conv);
        }
        plain.push(t.elapsed());
    }
    let (o, p) = (median(ours), median(plain));
    println!("bench: requests per round = {n} (median of {rounds} rounds, interleaved)");
    println!(
        "bench: generated client = {:.1} us/request",
        o.as_secs_f64() * 1e6 / n as f64
    );
    println!(
        "bench: plain reqwest = {:.1} us/request",
        p.as_secs_f64() * 1e6 / n as f64
    );
    println!(
        "bench: client/reqwest ratio = {:.3}",
        o.as_secs_f64() / p.as_secs_f64()
    );
}

fn throughput(rounds: usize) {
    let body = page_json(1000, None);
    let v: serde_json::Value = serde_json::from_str(&body).expect("json");
    let items_json = serde_json::to_vec(&v["conversations"]).expect("items");
    let mut dec = Vec::new();
    let mut enc = Vec::new();
    let mut items: Vec<Conversation> = Vec::new();
    for _ in 0..rounds {
        let t = Instant::now();
        items = serde_json::from_slice(&items_json).expect("decode");
        dec.push(t.elapsed());
        let t = Instant::now();
        let out = serde_json::to_vec(&items).expect("encode");
        enc.push(t.elapsed());
        std::hint::black_box(out);
    }
    let (d, e) = (median(dec), median(enc));
    let mb = items_json.len() as f64 / 1e6;
    println!("bench: page = 1000 items, {:.2} MB of JSON", mb);
    println!(
        "bench: decode = {:.2} ms/page, {:.0} items/s, {:.0} MB/s",
        d.as_secs_f64() * 1e3,
        1000.0 / d.as_secs_f64(),
        mb / d.as_secs_f64()
    );
    println!(
        "bench: encode = {:.2} ms/page, {:.0} items/s, {:.0} MB/s",
        e.as_secs_f64() * 1e3,
        1000.0 / e.as_secs_f64(),
        mb / e.as_secs_f64()
    );
    assert_eq!(items.len(), 1000);
}

async fn stream_peak(pages: usize) -> (usize, usize) {
    const PER_PAGE: usize = 50;
    let page_body = std::sync::Arc::new(page_json(PER_PAGE, Some("NEXT".into())));
    let last_body = std::sync::Arc::new(page_json(PER_PAGE, None));
    let one = std::sync::Arc::new(conversation_json(1));
    let server = MockServer::start_unrecorded(move |_, r| {
        if !r.path().ends_with("/Conversations") {
            return Reply::json(200, one.as_str());
        }
        // Page index from the `Page` query parameter (absent on the first page).
        let i: usize = r
            .query()
            .split('&')
            .find_map(|kv| kv.strip_prefix("Page="))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        if i + 1 < pages {
            let next = format!(
                "https://conversations.twilio.com/v1/Conversations?PageSize=50&Page={}",
                i + 1
            );
            Reply::json(200, page_body.replace("NEXT", &next))
        } else {
            Reply::json(200, last_body.as_str())
        }
    })
    .await;
    let c = client(&server.url());
    // Warm up the connection, then measure from the current level.
    c.conversation(SID).fetch().send().await.ok();
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let mut count = 0usize;
    let mut s = Box::pin(c.conversations().list().page_size(PER_PAGE as i64).stream());
    while let Some(item) = s.try_next().await.expect("stream") {
        std::hint::black_box(&item);
        count += 1;
    }
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(base);
    assert_eq!(count, pages * PER_PAGE);
    (count, peak)
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(overhead(
        if quick { 200 } else { 2000 },
        if quick { 3 } else { 7 },
    ));
    throughput(if quick { 5 } else { 21 });
    for pages in [10, 1000] {
        let (items, peak) = rt.block_on(stream_peak(pages));
        println!(
            "bench: stream {pages} pages ({items} items) peak heap above baseline = {:.0} KiB",
            peak as f64 / 1024.0
        );
    }
}
