fn print(n: &codegen::ir::Node, depth: usize) {
    println!(
        "{}{:?} .{}() -> {} [{:?}] ({})",
        "  ".repeat(depth),
        n.segment,
        n.accessor,
        n.handle,
        n.scopes,
        n.resource
    );
    for op in &n.ops {
        println!(
            "{}  op {} {} {:?} {:?} params={:?} resp={:?}",
            "  ".repeat(depth),
            op.name,
            op.builder,
            op.scopes(),
            op.variants
                .iter()
                .map(|(_, v)| &v.operation_id)
                .collect::<Vec<_>>(),
            op.params
                .iter()
                .map(|p| format!(
                    "{}:{:?}:{:?}{}",
                    p.wire,
                    p.ty,
                    p.scopes,
                    if p.required { "!" } else { "" }
                ))
                .collect::<Vec<_>>(),
            op.response
        );
    }
    for c in &n.children {
        print(c, depth + 1);
    }
}
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let text = std::fs::read_to_string(path).unwrap();
    let api = codegen::load::parse(&text).unwrap();
    let ir = codegen::lower::lower(&api, &codegen::Conventions::default()).unwrap();
    print(&ir.root, 0);
    for (n, e) in &ir.enums {
        println!("enum {n}: {:?}", e.variants);
    }
    for (n, m) in &ir.models {
        println!(
            "model {n}: {:?}",
            m.fields
                .iter()
                .map(|f| format!("{}:{:?}", f.wire, f.ty))
                .collect::<Vec<_>>()
        );
    }
    for p in &ir.report.merged {
        println!("merged {:?}", p);
    }
    for p in &ir.report.separate {
        println!("separate {:?}", p);
    }
    for d in &ir.report.drift {
        println!("drift {:?}", d);
    }
}
