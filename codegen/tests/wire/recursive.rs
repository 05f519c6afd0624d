//! Wire test of the crate generated from `codegen/tests/fixtures/recursive.yaml` (run by `cargo
//! xtask test` against the in-process server): recursive schemas decode and encode to any
//! depth through their boxed fields.

use conversations_tests::{MockServer, Reply};
use recursive_fixture_v1::{Client, Expression, Literal, Sum};
use serde_json::json;

fn client(server: &MockServer) -> Client {
    Client::builder()
        .account_sid("AC00000000000000000000000000000001")
        .auth_token("token")
        .base_url(server.url())
        .build()
        .expect("client")
}

#[tokio::test]
async fn a_self_referring_model_decodes_parents_and_children() {
    let server = MockServer::always(Reply::json(
        200,
        r#"{"sid":"CA3","name":"leaf","parent":{"sid":"CA2","parent":{"sid":"CA1"}},
            "children":[{"sid":"CA4","children":[{"sid":"CA5"}]}]}"#,
    ))
    .await;
    let category = client(&server)
        .category("CA3")
        .fetch()
        .send()
        .await
        .expect("fetch");
    let parent = category.parent.as_deref().expect("a parent");
    assert_eq!(parent.sid.as_deref(), Some("CA2"));
    let grandparent = parent.parent.as_deref().expect("a grandparent");
    assert_eq!(grandparent.sid.as_deref(), Some("CA1"));
    assert!(grandparent.parent.is_none());
    let children = category.children.as_deref().expect("children");
    let grandchildren = children[0].children.as_deref().expect("grandchildren");
    assert_eq!(grandchildren[0].sid.as_deref(), Some("CA5"));
    assert_eq!(server.requests()[0].target, "/v1/Categories/CA3");
}

#[tokio::test]
async fn mutually_referring_models_decode_through_each_other() {
    let server = MockServer::always(Reply::json(
        200,
        r#"{"sid":"FO1","root":{"name":"top","entries":[{"title":"a",
            "folder":{"name":"inner","pinned":{"title":"b","folder":{"name":"deepest"}}}}]}}"#,
    ))
    .await;
    let folder = client(&server)
        .folder("FO1")
        .fetch()
        .send()
        .await
        .expect("fetch");
    let root = folder.root.expect("root");
    assert_eq!(root.name.as_deref(), Some("top"));
    let entries = root.entries.expect("entries");
    let inner = entries[0].folder.as_deref().expect("inner folder");
    assert_eq!(inner.name.as_deref(), Some("inner"));
    let pinned = inner.pinned.as_ref().expect("pinned");
    assert_eq!(
        pinned.folder.as_deref().and_then(|f| f.name.as_deref()),
        Some("deepest")
    );
}

fn literal(value: f64) -> Option<Box<Expression>> {
    Some(Box::new(Expression::Literal(Literal {
        value,
        ..Default::default()
    })))
}

#[tokio::test]
async fn a_recursive_one_of_is_sent_as_a_nested_tree() {
    let server = MockServer::always(Reply::json(200, r#"{"value":6.5}"#)).await;
    let tree = Expression::Sum(Sum {
        left: literal(1.5),
        right: Some(Box::new(Expression::Sum(Sum {
            left: literal(2.0),
            right: literal(3.0),
            ..Default::default()
        }))),
        ..Default::default()
    });
    let result = client(&server)
        .evaluations()
        .create(tree.clone())
        .send()
        .await
        .expect("create");
    assert_eq!(result.value, Some(6.5));
    let body: serde_json::Value = serde_json::from_slice(&server.requests()[0].body).expect("JSON");
    assert_eq!(
        body,
        json!({"expression": {
            "kind": "sum",
            "left": {"kind": "literal", "value": 1.5},
            "right": {"kind": "sum",
                "left": {"kind": "literal", "value": 2.0},
                "right": {"kind": "literal", "value": 3.0}},
        }})
    );
    // What went out decodes back into a tree of the same alternatives (the tags pick them),
    // now with the tags set, and encodes to the same bytes again.
    let back: Expression = serde_json::from_value(body["expression"].clone()).expect("decode");
    let Expression::Sum(sum) = &back else {
        panic!("not a sum: {back:?}");
    };
    assert!(matches!(sum.left.as_deref(), Some(Expression::Literal(l)) if l.value == 1.5));
    assert!(matches!(sum.right.as_deref(), Some(Expression::Sum(_))));
    assert_eq!(
        serde_json::to_value(&back).expect("encode"),
        body["expression"]
    );
}
