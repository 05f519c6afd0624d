// `X-Twilio-Webhook-Enabled` only has the values `true` and `false`, so its setter takes a `bool`,
// not the text of one.
use conversations_api::Client;

fn check(client: Client) {
    let _ = client.conversation("CH1").delete().webhook_enabled("false");
}

fn main() {}
