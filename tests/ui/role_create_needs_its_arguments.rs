// `FriendlyName`, `Type` and `Permission` are required when creating a role, so they are
// arguments of `create`, not optional setters.
use conversations_api::Client;

fn check(client: Client) {
    let _ = client.roles().create().friendly_name("Agent");
}

fn main() {}
