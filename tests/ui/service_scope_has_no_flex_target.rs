// `Target` is a parameter of the default-service webhook configuration only: the Service
// scope's update builder has no `target` setter.
use conversations_api::{Client, ConfigurationWebhookTarget};

fn check(client: Client) {
    let _ = client
        .service("IS00000000000000000000000000000001")
        .configuration()
        .webhooks()
        .update()
        .target(ConfigurationWebhookTarget::Flex);
}

fn main() {}
