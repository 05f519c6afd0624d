//! Print an access token for Twilio's Conversations SDKs.
//!
//! ```sh
//! TWILIO_ACCOUNT_SID=AC... TWILIO_API_KEY=SK... TWILIO_API_SECRET=... \
//! CONVERSATIONS_SERVICE_SID=IS... \
//!     cargo run -p conversations-api --example access_token -- IDENTITY
//! ```
//!
//! Only the token goes to stdout, so `TOKEN=$(cargo run ...)` works; messages go to stderr.
//! Exit code 2 for a usage error (wrong arguments, a variable missing), 1 for anything else.

use conversations_api::AccessToken;
use std::process::ExitCode;

const USAGE: &str = "usage: access_token IDENTITY\n\
    environment: TWILIO_ACCOUNT_SID, TWILIO_API_KEY, TWILIO_API_SECRET, CONVERSATIONS_SERVICE_SID";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [identity] = args.as_slice() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let read = |name: &str| match std::env::var(name) {
        Ok(value) if !value.is_empty() => Ok(value),
        _ => {
            eprintln!("{name} is not set\n{USAGE}");
            Err(ExitCode::from(2))
        }
    };
    let settings = (|| {
        Ok::<_, ExitCode>((
            read("TWILIO_ACCOUNT_SID")?,
            read("TWILIO_API_KEY")?,
            read("TWILIO_API_SECRET")?,
            read("CONVERSATIONS_SERVICE_SID")?,
        ))
    })();
    let (account_sid, api_key, api_secret, service_sid) = match settings {
        Ok(settings) => settings,
        Err(code) => return code,
    };
    let token = AccessToken::builder(account_sid, api_key, api_secret)
        .identity(identity.as_str())
        .chat_service_sid(service_sid)
        .build()
        .and_then(|token| token.to_jwt());
    match token {
        Ok(jwt) => {
            println!("{jwt}");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("{err}");
            ExitCode::from(1)
        }
    }
}
