//! One type namespace for the generated crate. Models, enums, handles and builders are all
//! re-exported at the crate root next to the runtime's own types, so two of them with one name
//! make an ambiguous glob re-export (or, when a model's field enum takes the model's name, a
//! type that contains itself). This stage, the last of lowering, renames what collides.
//!
//! Precedence: runtime types, then handles and builders (named from paths and operation ids),
//! then models, then enums. A model that meets a runtime name gets the suffix `Resource`, an
//! enum that meets anything gets `Value`; a number is added if that is taken too.

use crate::ir::{Api, Node, OutcomeBody, ResponseKind, Ty};
use std::collections::{BTreeMap, BTreeSet};

/// Type names every generated crate exports at its root besides its own: the runtime's, and
/// the client and builder the crate defines.
const RUNTIME_TYPES: &[&str] = &[
    "ApiError",
    "Client",
    "ClientBuilder",
    "DateTime",
    "Error",
    "Page",
    "PageMeta",
    "Redirect",
    "RetryPolicy",
    "Scope",
];

pub(crate) fn unique_type_names(api: &mut Api) {
    let mut taken: BTreeSet<String> = RUNTIME_TYPES.iter().map(|s| s.to_string()).collect();
    // The two scope types, when the API has a scope pair.
    if let Some(pair) = &api.scope_pair {
        taken.insert(pair.names.top.type_name.clone());
        taken.insert(pair.names.item.type_name.clone());
    }
    collect_tree_names(&api.root, &mut taken);

    let mut model_renames = BTreeMap::new();
    for name in api.models.keys() {
        if taken.contains(name) {
            let new = free_name(name, "Resource", &taken, &api.models, &api.enums);
            model_renames.insert(name.clone(), new);
        }
    }
    let final_models: BTreeSet<String> = api
        .models
        .keys()
        .map(|n| model_renames.get(n).unwrap_or(n).clone())
        .collect();
    taken.extend(final_models);
    // Unions (`oneOf` / `anyOf`) come after models: one that meets a taken name gets `Choice`.
    let mut union_renames = BTreeMap::new();
    for name in api.unions.keys() {
        if taken.contains(name) {
            let new = free_name(name, "Choice", &taken, &api.unions, &api.enums);
            taken.insert(new.clone());
            union_renames.insert(name.clone(), new);
        }
    }
    taken.extend(
        api.unions
            .keys()
            .filter(|n| !union_renames.contains_key(*n))
            .cloned(),
    );
    let mut enum_renames = BTreeMap::new();
    for name in api.enums.keys() {
        if taken.contains(name) {
            let new = free_name(name, "Value", &taken, &api.models, &api.enums);
            taken.insert(new.clone());
            enum_renames.insert(name.clone(), new);
        }
    }
    if model_renames.is_empty() && enum_renames.is_empty() && union_renames.is_empty() {
        return;
    }

    let renames = Renames {
        models: model_renames,
        unions: union_renames,
        enums: enum_renames,
    };
    let rename = |ty: &mut Ty| rename_ty(ty, &renames);
    api.unions = std::mem::take(&mut api.unions)
        .into_values()
        .map(|mut u| {
            if let Some(new) = renames.unions.get(&u.name) {
                u.name = new.clone();
            }
            for v in &mut u.variants {
                rename(&mut v.ty);
            }
            (u.name.clone(), u)
        })
        .collect();
    api.models = std::mem::take(&mut api.models)
        .into_values()
        .map(|mut m| {
            if let Some(new) = renames.models.get(&m.name) {
                m.name = new.clone();
            }
            for f in &mut m.fields {
                rename(&mut f.ty);
            }
            (m.name.clone(), m)
        })
        .collect();
    api.enums = std::mem::take(&mut api.enums)
        .into_values()
        .map(|mut e| {
            if let Some(new) = renames.enums.get(&e.name) {
                e.name = new.clone();
            }
            (e.name.clone(), e)
        })
        .collect();
    rename_in_tree(&mut api.root, &rename);
}

fn collect_tree_names(node: &Node, out: &mut BTreeSet<String>) {
    out.insert(node.handle.clone());
    for op in &node.ops {
        out.insert(op.builder.clone());
    }
    for c in &node.children {
        collect_tree_names(c, out);
    }
}

/// `name` + `suffix` (then + 2, 3, ...) that nothing else uses.
fn free_name<M, E>(
    name: &str,
    suffix: &str,
    taken: &BTreeSet<String>,
    models: &BTreeMap<String, M>,
    enums: &BTreeMap<String, E>,
) -> String {
    let free = |n: &String| !taken.contains(n) && !models.contains_key(n) && !enums.contains_key(n);
    let first = format!("{name}{suffix}");
    if free(&first) {
        return first;
    }
    (2..)
        .map(|i| format!("{name}{suffix}{i}"))
        .find(free)
        .unwrap_or(first)
}

/// Old name to new name, per kind of type.
struct Renames {
    models: BTreeMap<String, String>,
    unions: BTreeMap<String, String>,
    enums: BTreeMap<String, String>,
}

fn rename_ty(ty: &mut Ty, renames: &Renames) {
    match ty {
        Ty::Array(item) | Ty::Boxed(item) => rename_ty(item, renames),
        Ty::Model(name) => {
            if let Some(new) = renames.models.get(name) {
                *name = new.clone();
            }
        }
        Ty::Union(name) => {
            if let Some(new) = renames.unions.get(name) {
                *name = new.clone();
            }
        }
        Ty::Enum(name) => {
            if let Some(new) = renames.enums.get(name) {
                *name = new.clone();
            }
        }
        _ => {}
    }
}

fn rename_in_tree(node: &mut Node, rename: &impl Fn(&mut Ty)) {
    for op in &mut node.ops {
        for p in &mut op.params {
            rename(&mut p.ty);
        }
        match &mut op.response {
            ResponseKind::Empty => {}
            ResponseKind::One(ty) | ResponseKind::Redirect(Some(ty)) => rename(ty),
            ResponseKind::Redirect(None) => {}
            ResponseKind::List { item, .. } => rename(item),
            ResponseKind::LongRunning(lr) => {
                rename(&mut lr.accepted);
                rename(&mut lr.state);
            }
            ResponseKind::Outcomes(outcomes) => {
                for o in outcomes {
                    match &mut o.body {
                        OutcomeBody::Empty => {}
                        OutcomeBody::One(ty) => rename(ty),
                        OutcomeBody::LongRunning(lr) => {
                            rename(&mut lr.accepted);
                            rename(&mut lr.state);
                        }
                    }
                }
            }
        }
    }
    for c in &mut node.children {
        rename_in_tree(c, rename);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{EnumDef, Field, Model, NodeKind, ScopeReport, Scopes, Segment};

    fn model(name: &str, fields: Vec<(&str, Ty)>) -> (String, Model) {
        let fields = fields
            .into_iter()
            .map(|(n, ty)| Field {
                wire: n.into(),
                aliases: Vec::new(),
                rust: n.into(),
                ty,
                optional: true,
                scopes: Scopes::Both,
                doc: String::new(),
            })
            .collect();
        (
            name.into(),
            Model {
                name: name.into(),
                doc: String::new(),
                fields,
                input: false,
                keeps_unknown_keys: false,
            },
        )
    }

    fn enum_def(name: &str) -> (String, EnumDef) {
        (
            name.into(),
            EnumDef {
                name: name.into(),
                doc: String::new(),
                variants: vec![("a".into(), "A".into())],
            },
        )
    }

    #[test]
    fn an_enum_named_like_a_model_or_a_runtime_type_is_renamed_everywhere() {
        let mut api = Api {
            title: "t".into(),
            version: "1".into(),
            base_url: "https://x.test".into(),
            path_prefix: "v1".into(),
            scope_pair: None,
            implied_parent: None,
            root: Node {
                segment: Segment::Root,
                kind: NodeKind::Root,
                accessor: String::new(),
                handle: "ServiceHandle".into(),
                resource: String::new(),
                scopes: Scopes::Both,
                ops: Vec::new(),
                children: Vec::new(),
            },
            models: [
                model(
                    "BuildStatus",
                    vec![("status", Ty::Enum("BuildStatus".into()))],
                ),
                model(
                    "Page",
                    vec![("kind", Ty::Array(Box::new(Ty::Enum("Error".into()))))],
                ),
            ]
            .into_iter()
            .collect(),
            enums: [enum_def("BuildStatus"), enum_def("Error")]
                .into_iter()
                .collect(),
            unions: BTreeMap::new(),
            report: ScopeReport::default(),
            operation_count: 0,
        };
        unique_type_names(&mut api);
        let models: Vec<&String> = api.models.keys().collect();
        assert_eq!(models, ["BuildStatus", "PageResource"]);
        let enums: Vec<&String> = api.enums.keys().collect();
        assert_eq!(enums, ["BuildStatusValue", "ErrorValue"]);
        assert_eq!(
            api.models["BuildStatus"].fields[0].ty,
            Ty::Enum("BuildStatusValue".into())
        );
        assert_eq!(
            api.models["PageResource"].fields[0].ty,
            Ty::Array(Box::new(Ty::Enum("ErrorValue".into())))
        );
    }
}
