//! Errors: an unreadable file or an invalid spec, located by a JSON pointer.

use std::fmt;

/// A problem inside one document, located by the JSON pointer (`#/paths/~1v1~1Roles/post`) of
/// the value at fault. For a problem inside a `$ref` target the pointer is the target's own
/// location, since that is where the fix goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// JSON pointer in URI-fragment form, always starting with `#`.
    pub pointer: String,
    /// What is wrong there.
    pub message: String,
}

impl SpecError {
    pub(crate) fn new(pointer: &str, message: impl Into<String>) -> Self {
        SpecError {
            pointer: pointer.to_owned(),
            message: message.into(),
        }
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.pointer, self.message)
    }
}

impl std::error::Error for SpecError {}

/// A spec that could not be compared: the file it came from and what went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The file as it was named on the command line.
    pub file: String,
    /// The JSON pointer of the problem, when there is one (a YAML syntax error has a line and
    /// column in its message instead).
    pub pointer: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl Error {
    pub(crate) fn in_file(file: &str, err: SpecError) -> Self {
        Error {
            file: file.to_owned(),
            pointer: Some(err.pointer),
            message: err.message,
        }
    }

    pub(crate) fn plain(file: &str, message: impl Into<String>) -> Self {
        Error {
            file: file.to_owned(),
            pointer: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.pointer {
            Some(p) => write!(f, "{}: {}: {}", self.file, p, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for Error {}

/// Appends one reference token to a JSON pointer, escaping `~` and `/` (RFC 6901).
pub(crate) fn child(pointer: &str, token: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + token.len() + 1);
    out.push_str(pointer);
    out.push('/');
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
    out
}

/// Appends an array index to a JSON pointer.
pub(crate) fn index(pointer: &str, i: usize) -> String {
    format!("{pointer}/{i}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_tokens_are_escaped() {
        assert_eq!(child("#/paths", "/v1/Roles"), "#/paths/~1v1~1Roles");
        assert_eq!(child("#", "a~b"), "#/a~0b");
        assert_eq!(index("#/x", 3), "#/x/3");
    }
}
