//! What the generated API refuses at compile time, each case pinned to the compiler error it
//! must give (`tests/ui/*.stderr`), so a case that starts failing for another reason (a renamed
//! type, a missing import) fails this test instead of passing quietly.
//!
//! After a deliberate change to an error message, `TRYBUILD=overwrite cargo test -p
//! conversations-tests --test compile_fail` rewrites the `.stderr` files; review their diff.

#[test]
fn refused_at_compile_time() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("ui/*.rs");
}
