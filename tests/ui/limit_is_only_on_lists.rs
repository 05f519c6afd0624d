// `limit` counts the items of a list across its pages, so only list builders have it.
use conversations_api::Client;

async fn check(client: Client) {
    let _ = client.conversation("CH1").fetch().limit(3);
}

fn main() {}
