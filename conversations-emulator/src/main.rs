//! `cargo run -p conversations-emulator -- [--host 127.0.0.1] [--port 4010] [--account-sid AC...]
//! [--auth-token TOKEN]`: an emulator for local development, until Ctrl-C.
//!
//! `TWILIO_ACCOUNT_SID` and `TWILIO_AUTH_TOKEN` fix the credentials when the flags do not;
//! without either, it makes its own and prints them.

use conversations_emulator::{Emulator, Options};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::process::ExitCode;

fn usage() -> ExitCode {
    eprintln!(
        "usage: conversations-emulator [--host HOST] [--port PORT] [--account-sid AC...] [--auth-token TOKEN]"
    );
    ExitCode::from(2)
}

#[tokio::main]
async fn main() -> ExitCode {
    let mut options = Options {
        port: 4010,
        account_sid: std::env::var("TWILIO_ACCOUNT_SID")
            .ok()
            .filter(|v| !v.is_empty()),
        auth_token: std::env::var("TWILIO_AUTH_TOKEN")
            .ok()
            .filter(|v| !v.is_empty()),
        ..Options::default()
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next();
        match arg.as_str() {
            "--host" => match value() {
                Some(v) => options.host = v,
                None => return usage(),
            },
            "--port" => match value().and_then(|v| v.parse().ok()) {
                Some(p) => options.port = p,
                None => return usage(),
            },
            "--account-sid" => match value() {
                Some(v) => options.account_sid = Some(v),
                None => return usage(),
            },
            "--auth-token" => match value() {
                Some(v) => options.auth_token = Some(v),
                None => return usage(),
            },
            "-h" | "--help" => {
                usage();
                return ExitCode::SUCCESS;
            }
            _ => return usage(),
        }
    }
    let emu = match Emulator::start_with(options).await {
        Ok(e) => e,
        Err(e) => {
            eprintln!("conversations-emulator: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("Conversations emulator listening on {}", emu.base_url());
    println!("  account SID      {}", emu.account_sid());
    println!("  auth token       {}", emu.auth_token());
    println!("  default service  {}", emu.default_service_sid());
    println!("  REST base URL    {}", emu.base_url());
    println!("  media base URL   {}", emu.media_base_url());
    println!();
    println!("Point the client and the examples at it:");
    println!(
        "  export TWILIO_ACCOUNT_SID={} TWILIO_AUTH_TOKEN={}",
        emu.account_sid(),
        emu.auth_token()
    );
    println!(
        "  export CONVERSATIONS_BASE_URL={} CONVERSATIONS_MEDIA_BASE_URL={}",
        emu.base_url(),
        emu.media_base_url()
    );
    println!("  (in code: ClientBuilder::base_url and media_base_url with these URLs)");
    println!(
        "Control: {}/_emulator (deliveries, faults, clock). Ctrl-C stops it.",
        emu.base_url()
    );
    let _ = tokio::signal::ctrl_c().await;
    ExitCode::SUCCESS
}
