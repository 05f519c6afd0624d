//! OpenAPI to Rust client generator.
