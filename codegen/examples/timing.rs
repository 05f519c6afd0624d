fn main() {
    let path = std::env::args().nth(1).unwrap();
    let text = std::fs::read_to_string(path).unwrap();
    for _ in 0..5 {
        let (_, t) = codegen::generate_timed(&codegen::Input::new(&text, "x")).unwrap();
        println!("{t:?}");
    }
}
