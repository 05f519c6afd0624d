//! Runtime benchmarks (`cargo bench -p conversations-tests --bench runtime`, run by
//! `cargo xtask bench`): client overhead against plain reqwest (fetch, form-body create and a
//! 50-item list page, alternating order, median and spread of 31 rounds), JSON throughput of a 1000-item
//! list page, and peak heap while streaming 10 and 1000 pages. Prints `bench: key = value` lines.

use conversations_api::{Client, Conversation, ConversationMessage, PageMeta};
use conversations_tests::{MockServer, Recorded, Reply};
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

/// A mock server on a thread and a single-threaded runtime of its own, so that it gets one of
/// the machine's two cores and the client under test the other, instead of both sharing one
/// runtime's workers. Dropping the handle stops the server.
struct ServerThread {
    url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ServerThread {
    fn start(handler: impl Fn(usize, &Recorded) -> Reply + Send + Sync + 'static) -> ServerThread {
        let (url_tx, url_rx) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("server runtime");
            rt.block_on(async move {
                let server = MockServer::start_unrecorded(handler).await;
                url_tx.send(server.url()).expect("send url");
                let _ = stopped.await;
            });
        });
        let url = url_rx.recv().expect("server url");
        ServerThread {
            url,
            stop: Some(stop),
            thread: Some(thread),
        }
    }
}

impl Drop for ServerThread {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The same reqwest settings as the generated client (timeouts, pool, redirects, User-Agent):
/// what is measured is the generated layer, not the configuration.
fn plain_reqwest() -> reqwest::Client {
    reqwest::Client::builder()
        .user_agent("conversations-api-rust/bench")
        .timeout(Duration::from_secs(30))
        .connect_timeout(Duration::from_secs(10))
        .pool_idle_timeout(Duration::from_secs(30))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("reqwest client")
}

/// What plain reqwest decodes a list page into: the same item type and page metadata.
#[derive(serde::Deserialize)]
struct PlainPage {
    conversations: Vec<Conversation>,
    meta: PageMeta,
}

/// One workload of the overhead benchmark, done by the generated client and by hand.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Work {
    /// `GET /v1/Conversations/{sid}`, one conversation decoded.
    Fetch,
    /// `POST /v1/Conversations/{sid}/Messages` with a form body (author, body, attributes).
    Create,
    /// `GET /v1/Conversations?PageSize=50`, a page of 50 conversations decoded.
    List,
}

impl Work {
    fn name(self) -> &'static str {
        match self {
            Work::Fetch => "fetch",
            Work::Create => "create (form body)",
            Work::List => "list (50-item page)",
        }
    }

    async fn ours(self, c: &Client) {
        match self {
            Work::Fetch => {
                let conv = c.conversation(SID).fetch().send().await.expect("fetch");
                std::hint::black_box(conv);
            }
            Work::Create => {
                let msg = c
                    .conversation(SID)
                    .messages()
                    .create()
                    .author("bench")
                    .body("hello & good morning")
                    .attributes(r#"{"k":1}"#)
                    .send()
                    .await
                    .expect("create");
                std::hint::black_box(msg);
            }
            Work::List => {
                let page = c
                    .conversations()
                    .list()
                    .page_size(50)
                    .send()
                    .await
                    .expect("list");
                assert_eq!(page.items.len(), 50);
                std::hint::black_box(page);
            }
        }
    }

    async fn plain(self, http: &reqwest::Client, base: &str) {
        match self {
            Work::Fetch => {
                let bytes = plain_get(http, &format!("{base}/v1/Conversations/{SID}")).await;
                let conv: Conversation = serde_json::from_slice(bytes.as_ref()).expect("decode");
                std::hint::black_box(conv);
            }
            Work::Create => {
                let form = form_urlencoded::Serializer::new(String::new())
                    .append_pair("Author", "bench")
                    .append_pair("Body", "hello & good morning")
                    .append_pair("Attributes", r#"{"k":1}"#)
                    .finish();
                let bytes = http
                    .post(format!("{base}/v1/Conversations/{SID}/Messages"))
                    .basic_auth(ACCOUNT, Some("token"))
                    .header("Accept", "application/json")
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .body(form)
                    .send()
                    .await
                    .expect("post")
                    .bytes()
                    .await
                    .expect("body");
                let msg: ConversationMessage = serde_json::from_slice(&bytes).expect("decode");
                std::hint::black_box(msg);
            }
            Work::List => {
                let bytes = plain_get(http, &format!("{base}/v1/Conversations?PageSize=50")).await;
                let page: PlainPage = serde_json::from_slice(bytes.as_ref()).expect("decode");
                assert_eq!(page.conversations.len(), 50);
                std::hint::black_box((page.conversations, page.meta));
            }
        }
    }
}

/// A GET by hand: Basic auth, `Accept: application/json`, the whole body.
async fn plain_get(http: &reqwest::Client, url: &str) -> impl AsRef<[u8]> {
    http.get(url)
        .basic_auth(ACCOUNT, Some("token"))
        .header("Accept", "application/json")
        .send()
        .await
        .expect("get")
        .bytes()
        .await
        .expect("body")
}

fn message_json() -> String {
    format!(
        r#"{{"sid":"IM00000000000000000000000000000001","account_sid":"{ACCOUNT}","conversation_sid":"{SID}","body":"hello & good morning","media":null,"author":"bench","participant_sid":null,"attributes":"{{\"k\":1}}","date_created":"2024-05-06T07:08:09Z","date_updated":"2024-05-06T07:08:09Z","index":7,"delivery":null,"content_sid":null,"url":"https://conversations.twilio.com/v1/Conversations/{SID}/Messages/IM00000000000000000000000000000001","links":{{"delivery_receipts":"https://conversations.twilio.com/v1/Conversations/{SID}/Messages/IM00000000000000000000000000000001/Receipts"}}}}"#
    )
}

/// The server the three workloads talk to (a message for a POST, a 50-item page for the list,
/// a conversation for anything else) and the client side's runtime: single-threaded, so the
/// client has one core and the server the other.
fn workload_server() -> (ServerThread, tokio::runtime::Runtime) {
    let one = conversation_json(1);
    let message = message_json();
    let page = page_json(50, None);
    let server = ServerThread::start(move |_, r| match (r.method.as_str(), r.path()) {
        ("POST", _) => Reply::json(201, message.as_str()),
        (_, "/v1/Conversations") => Reply::json(200, page.as_str()),
        _ => Reply::json(200, one.as_str()),
    });
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    (server, rt)
}

/// Who makes a benchmark's requests.
#[derive(Clone, Copy)]
enum Side<'a> {
    /// The generated client.
    Ours(&'a Client),
    /// reqwest by hand, against the server at this base URL.
    Plain(&'a reqwest::Client, &'a str),
}

impl Side<'_> {
    async fn run(self, work: Work) {
        match self {
            Side::Ours(c) => work.ours(c).await,
            Side::Plain(http, base) => work.plain(http, base).await,
        }
    }

    /// How long one request of `work` takes.
    async fn time(self, work: Work) -> Duration {
        let t = Instant::now();
        self.run(work).await;
        t.elapsed()
    }
}

/// `rounds` rounds of `n` requests of `work` by each side, the two sides taking turns request
/// by request (in even rounds `a` goes first in each pair, in odd ones `b`), each request timed
/// on its own. Taking turns this finely means a change in the machine's speed (another
/// process, a frequency step) falls on both sides alike, where alternating whole runs of
/// requests leaves each round exposed to it: on a shared VM that spread rounds by ±10 % and
/// more. Returns the median time per request of each side over the rounds and the sorted
/// ratios of the rounds' totals, `a / b`.
fn rounds_of(
    rt: &tokio::runtime::Runtime,
    work: Work,
    (a, b): (Side<'_>, Side<'_>),
    n: usize,
    rounds: usize,
) -> (Duration, Duration, Vec<f64>) {
    rt.block_on(async {
        // Warm both connection pools and the server's answer.
        for _ in 0..50 {
            a.run(work).await;
            b.run(work).await;
        }
    });
    let mut times_a = Vec::with_capacity(rounds);
    let mut times_b = Vec::with_capacity(rounds);
    let mut ratios = Vec::with_capacity(rounds);
    for round in 0..rounds {
        let (ta, tb) = rt.block_on(async {
            let (mut ta, mut tb) = (Duration::ZERO, Duration::ZERO);
            for _ in 0..n {
                if round % 2 == 0 {
                    ta += a.time(work).await;
                    tb += b.time(work).await;
                } else {
                    tb += b.time(work).await;
                    ta += a.time(work).await;
                }
            }
            (ta, tb)
        });
        times_a.push(ta / n as u32);
        times_b.push(tb / n as u32);
        ratios.push(ta.as_secs_f64() / tb.as_secs_f64());
    }
    ratios.sort_by(f64::total_cmp);
    (median(times_a), median(times_b), ratios)
}

/// `median (range lo to hi, middle half lo to hi)` of sorted ratios.
fn spread(ratios: &[f64]) -> String {
    let n = ratios.len();
    format!(
        "ratio median {:.3} (range {:.3} to {:.3}, middle half {:.3} to {:.3})",
        ratios[n / 2],
        ratios[0],
        ratios[n - 1],
        ratios[n / 4],
        ratios[(3 * n) / 4],
    )
}

/// Client overhead against plain reqwest: for each workload, [`rounds_of`] the client against
/// reqwest by hand. First, the same measurement of reqwest against a second, identical reqwest
/// client: what the harness itself reads when both sides do the same work (its bias and
/// spread on this machine), to hold the client's figures against.
fn overhead(n: usize, rounds: usize) {
    let (server, rt) = workload_server();
    let c = client(&server.url);
    let http = plain_reqwest();
    let http_again = plain_reqwest();
    println!(
        "bench: overhead = {n} requests per round, {rounds} rounds, order alternating, \
         server on its own thread"
    );
    let per = |d: Duration| d.as_secs_f64() * 1e6;
    let plain = Side::Plain(&http, &server.url);
    let (a, b, ratios) = rounds_of(
        &rt,
        Work::Fetch,
        (Side::Plain(&http_again, &server.url), plain),
        n,
        rounds,
    );
    println!(
        "bench: harness check, fetch = reqwest {:.1} us, reqwest again {:.1} us, {}",
        per(b),
        per(a),
        spread(&ratios),
    );
    for work in [Work::Fetch, Work::Create, Work::List] {
        let (ours, plain, ratios) = rounds_of(&rt, work, (Side::Ours(&c), plain), n, rounds);
        println!(
            "bench: {} = client {:.1} us, reqwest {:.1} us, {}",
            work.name(),
            per(ours),
            per(plain),
            spread(&ratios),
        );
    }
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

/// `--one-side ours|plain fetch|create|list N`: N requests of one workload by one side and
/// nothing else, for counting instructions under callgrind (`cargo xtask bench`): unlike
/// wall-clock time, the count does not move with the machine's load.
fn one_side(side: &str, work: &str, n: usize) {
    let (server, rt) = workload_server();
    let c = client(&server.url);
    let http = plain_reqwest();
    let work = match work {
        "fetch" => Work::Fetch,
        "create" => Work::Create,
        "list" => Work::List,
        other => panic!("unknown workload `{other}` (fetch, create or list)"),
    };
    rt.block_on(async {
        for _ in 0..n {
            match side {
                "ours" => work.ours(&c).await,
                "plain" => work.plain(&http, &server.url).await,
                other => panic!("unknown side `{other}` (ours or plain)"),
            }
        }
    });
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--one-side") {
        let arg = |k: usize| args.get(i + k).map(String::as_str).unwrap_or("");
        let n = arg(3)
            .parse()
            .expect("--one-side SIDE WORK N: N is a count");
        one_side(arg(1), arg(2), n);
        return;
    }
    let quick = std::env::args().any(|a| a == "--quick");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    overhead(if quick { 200 } else { 1000 }, if quick { 3 } else { 31 });
    throughput(if quick { 5 } else { 21 });
    for pages in [10, 1000] {
        let (items, peak) = rt.block_on(stream_peak(pages));
        println!(
            "bench: stream {pages} pages ({items} items) peak heap above baseline = {:.0} KiB",
            peak as f64 / 1024.0
        );
    }
}
