//! Upload a file and post it as a media message in a conversation.
//!
//! ```sh
//! TWILIO_ACCOUNT_SID=AC... TWILIO_AUTH_TOKEN=... \
//!     cargo run -p conversations-api --example send_media -- CONVERSATION_SID FILE
//! ```
//!
//! Credentials and region come from the environment as `Client::from_env` reads them.
//! `CONVERSATIONS_SERVICE_SID`, when set, picks that service (`client.service(sid)`); otherwise
//! the account's default service is used (its SID is read from `/v1/Configuration`).
//! `CONVERSATIONS_BASE_URL` and `CONVERSATIONS_MEDIA_BASE_URL` send the Conversations and the
//! Media Content Service requests elsewhere (plain http is accepted for loopback hosts).
//!
//! The file is streamed from disk, its name is the filename recipients see, and its content
//! type comes from its extension. Prints the new message's SID on stdout. Exit code 2 for a
//! usage error, 1 for anything else.

use conversations_api::{ClientBuilder, MediaFile};
use std::path::Path;
use std::process::ExitCode;

const USAGE: &str = "usage: send_media CONVERSATION_SID FILE\n\
    environment: TWILIO_ACCOUNT_SID with TWILIO_AUTH_TOKEN, or TWILIO_API_KEY and \
    TWILIO_API_SECRET; optional CONVERSATIONS_SERVICE_SID, CONVERSATIONS_BASE_URL, \
    CONVERSATIONS_MEDIA_BASE_URL, TWILIO_REGION, TWILIO_EDGE";

/// Content type by file extension. A short table rather than a MIME-guessing crate (one more
/// dependency for an example): it covers the attachment types Conversations accepts, and
/// any other file goes as `application/octet-stream`.
fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "heic" => "image/heic",
        "mp4" => "video/mp4",
        "mov" => "video/quicktime",
        "3gp" => "video/3gpp",
        "mp3" => "audio/mpeg",
        "m4a" => "audio/mp4",
        "ogg" => "audio/ogg",
        "amr" => "audio/amr",
        "wav" => "audio/wav",
        "pdf" => "application/pdf",
        "txt" => "text/plain",
        "csv" => "text/csv",
        "vcf" => "text/vcard",
        "json" => "application/json",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [conversation_sid, file] = args.as_slice() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let mut builder = match ClientBuilder::from_env() {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    if let Some(url) = var("CONVERSATIONS_BASE_URL") {
        builder = builder.base_url(url);
    }
    if let Some(url) = var("CONVERSATIONS_MEDIA_BASE_URL") {
        builder = builder.media_base_url(url);
    }
    let client = match builder.build() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let path = Path::new(file);
    let media = match MediaFile::from_path(path, content_type(path)).await {
        Ok(m) => m,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let sent = match var("CONVERSATIONS_SERVICE_SID") {
        Some(service) => {
            client
                .service(service)
                .send_media_message(conversation_sid, media)
                .await
        }
        None => client.send_media_message(conversation_sid, media).await,
    };
    match sent {
        Ok(message) => {
            println!("{}", message.sid);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
    }
}
