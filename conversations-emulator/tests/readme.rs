//! The README's "Testing your app" example, run as written: the test below is the README's
//! code block (checked by `the_readme_shows_this_test`), with a `welcome` standing in for the
//! reader's own code.

use conversations_api::Client;

/// The code under test in the README: posts a welcome message.
async fn welcome(client: &Client, conversation: &str) -> Result<(), conversations_api::Error> {
    client
        .conversation(conversation)
        .messages()
        .create()
        .author("greeter")
        .body("Welcome!")
        .send()
        .await
        .map(drop)
}

// Kept as the README prints it.
#[rustfmt::skip]
// README: begin
#[tokio::test]
async fn new_conversations_get_a_welcome() -> Result<(), Box<dyn std::error::Error>> {
    let emu = conversations_emulator::Emulator::start().await?;
    let client = emu.client();
    let conversation = client.conversations().create().friendly_name("Support").send().await?;
    welcome(&client, &conversation.sid).await?; // the code under test
    assert_eq!(client.conversation(&conversation.sid).messages().list().send().await?.items[0].body.as_deref(), Some("Welcome!"));
    Ok(())
}
// README: end

#[test]
fn the_readme_shows_this_test() {
    let here = include_str!("readme.rs");
    let (_, rest) = here.split_once("// README: begin\n").expect("begin marker");
    let (shown, _) = rest.split_once("// README: end").expect("end marker");
    let readme = include_str!("../../README.md");
    let section = readme
        .split("## Testing your app")
        .nth(1)
        .expect("a Testing your app section");
    assert!(
        section.contains(&format!("```rust\n{shown}```")),
        "README's test differs from conversations-emulator/tests/readme.rs:\n{shown}"
    );
}
