//! The `User-Agent` every request carries.

/// `<package>-rust/<version> (<os> <arch>) rust/<rustc version>`, where `<package>` and
/// `<version>` are the API crate's (`conversations-api`, or the name a crate was generated
/// with), given by [`api_client!`](crate::api_client).
pub(crate) fn user_agent(package: &str, version: &str) -> String {
    // Written by build.rs; "unknown" when the compiler's version could not be read.
    let rustc = match option_env!("TWILIO_RUNTIME_RUSTC_VERSION") {
        Some(v) if !v.is_empty() => v,
        _ => "unknown",
    };
    format!(
        "{package}-rust/{version} ({} {}) rust/{rustc}",
        std::env::consts::OS,
        std::env::consts::ARCH
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_agent_has_every_part() {
        let ua = user_agent("some-api", "1.2.3");
        assert!(ua.starts_with("some-api-rust/1.2.3 ("));
        assert!(ua.contains(std::env::consts::OS));
        assert!(ua.contains(" rust/"));
    }
}
