//! SIDs: two upper-case letters and 32 lower-case hex digits, the letters from the spec's
//! pattern for the resource (`^CH[0-9a-fA-F]{32}$` gives `CH`).

/// A fresh SID with `prefix`.
pub fn new_sid(prefix: &str) -> String {
    let mut out = String::with_capacity(34);
    out.push_str(prefix);
    for _ in 0..32 {
        out.push(char::from(b"0123456789abcdef"[fastrand::usize(..16)]));
    }
    out
}

/// Whether `value` has the shape of a SID with this prefix.
pub fn is_sid(prefix: &str, value: &str) -> bool {
    value.len() == 34
        && value.starts_with(prefix)
        && value.as_bytes()[2..].iter().all(u8::is_ascii_hexdigit)
}

/// The prefix a pattern such as `^CH[0-9a-fA-F]{32}$` names.
pub fn prefix_of_pattern(pattern: &str) -> Option<String> {
    let prefix = pattern
        .strip_prefix('^')?
        .strip_suffix("[0-9a-fA-F]{32}$")?;
    (prefix.len() == 2 && prefix.bytes().all(|b| b.is_ascii_uppercase())).then(|| prefix.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let sid = new_sid("CH");
        assert!(is_sid("CH", &sid), "{sid}");
        assert!(!is_sid("IM", &sid));
        assert_eq!(
            prefix_of_pattern("^CH[0-9a-fA-F]{32}$").as_deref(),
            Some("CH")
        );
        assert_eq!(prefix_of_pattern("^.*$"), None);
    }
}
