//! The operation reference in `docs/language.md` is generated from the op table; this
//! test fails when the two differ. `UPDATE_DOCS=1 cargo test -p vm-core --test docs`
//! rewrites the document.

use std::path::Path;

use vm_core::OPS;

/// The reference table, one row per operation, in table order.
fn reference() -> String {
    let mut s = String::from(
        "| operation | class | stack effect | description | example |\n| --- | --- | --- | --- | --- |\n",
    );
    for op in OPS {
        let cells = [op.name, op.effect, op.doc, op.example].map(|c| c.replace('|', "\\|"));
        let [name, effect, doc, example] = cells;
        let class = op.class.name();
        s.push_str(&format!(
            "| `{name}` | {class} | `{effect}` | {doc} | `{example}` |\n"
        ));
    }
    s
}

#[test]
fn language_reference_is_generated_from_the_op_table() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/language.md");
    let doc = std::fs::read_to_string(&path).unwrap();
    let (head, rest) = doc
        .split_once("<!-- ops:start -->\n")
        .expect("start marker");
    let (_, tail) = rest.split_once("<!-- ops:end -->").expect("end marker");
    let fresh = format!(
        "{head}<!-- ops:start -->\n{}<!-- ops:end -->{tail}",
        reference()
    );
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    assert!(
        doc == fresh,
        "docs/language.md is out of date: run UPDATE_DOCS=1 cargo test -p vm-core --test docs"
    );
}
