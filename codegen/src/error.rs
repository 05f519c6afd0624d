//! Generator errors: every error names the JSON pointer of the offending spec node.

use std::fmt;

/// An error in the input spec, located by a JSON pointer (RFC 6901).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// JSON pointer of the offending node, e.g. `#/paths/~1v1~1Roles/post`.
    pub pointer: String,
    /// What is wrong there.
    pub message: String,
}

impl Error {
    pub(crate) fn at(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Error {
            pointer: pointer.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}: {}", self.pointer, self.message)
    }
}

impl std::error::Error for Error {}

/// A JSON pointer under construction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Ptr(String);

impl Ptr {
    pub(crate) fn root() -> Self {
        Ptr(String::new())
    }

    /// The pointer one level deeper, escaping `~` and `/` in the key.
    pub(crate) fn join(&self, key: impl fmt::Display) -> Self {
        use fmt::Write;
        let mut out = String::with_capacity(self.0.len() + 24);
        out.push_str(&self.0);
        out.push('/');
        let start = out.len();
        // Writing to a String cannot fail.
        let _ = write!(out, "{key}");
        if out[start..].contains(['~', '/']) {
            let escaped = out[start..].replace('~', "~0").replace('/', "~1");
            out.truncate(start);
            out.push_str(&escaped);
        }
        Ptr(out)
    }

    pub(crate) fn err(&self, message: impl Into<String>) -> Error {
        Error::at(self.0.clone(), message)
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::Ptr;

    #[test]
    fn keys_are_escaped_as_json_pointers_escape_them() {
        let paths = Ptr::root().join("paths");
        assert_eq!(paths.as_str(), "/paths");
        assert_eq!(paths.join("/v1/{Sid}").as_str(), "/paths/~1v1~1{Sid}");
        assert_eq!(paths.join("a~b/c").join(3).as_str(), "/paths/a~0b~1c/3");
    }
}
