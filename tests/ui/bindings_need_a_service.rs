// Bindings exist under `/v1/Services/{ChatServiceSid}/Bindings` only: the client has no
// default-service `bindings()` accessor.
use conversations_api::Client;

fn check(client: Client) {
    let _ = client.bindings().list();
}

fn main() {}
