//! Building a string from pieces in one allocation.

/// `base` followed by `parts`, in one allocation (paths are built on every call, and `format!`
/// would cost more than the copying).
pub(crate) fn joined(base: &str, parts: &[&str]) -> String {
    let len = base.len() + parts.iter().map(|p| p.len()).sum::<usize>();
    let mut out = String::with_capacity(len);
    out.push_str(base);
    for p in parts {
        out.push_str(p);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_are_joined_in_order() {
        assert_eq!(joined("/v1", &["/", "Conversations"]), "/v1/Conversations");
        assert_eq!(joined("", &[]), "");
    }
}
