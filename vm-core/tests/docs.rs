//! The operation reference in `docs/language.md` is generated from the op table; this
//! test fails when the two differ. `UPDATE_DOCS=1 cargo test -p vm-core --test docs`
//! rewrites the document. The README's host loop is the crate docs' (a doc test).

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

/// The first Rust code block of `text` after the line `after`, as written.
fn code_block<'a>(text: &'a str, after: &str) -> &'a str {
    let from = text.find(after).unwrap_or_else(|| panic!("no {after:?}"));
    let (_, rest) = text[from..].split_once("```rust\n").expect("a rust block");
    let (block, _) = rest.split_once("```\n").expect("the block's end");
    block
}

/// The first code block of the crate docs (`//! ` lines of `lib.rs`), without the prefix.
fn crate_doc_example(lib: &str) -> String {
    let docs: String = lib
        .lines()
        .filter_map(|l| l.strip_prefix("//!"))
        .map(|l| format!("{}\n", l.strip_prefix(' ').unwrap_or(l)))
        .collect();
    let (_, rest) = docs
        .split_once("\n```\n")
        .expect("a code block in the crate docs");
    rest.split_once("```\n").expect("its end").0.to_string()
}

#[test]
fn the_readme_host_loop_is_the_crate_docs_tested_example() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("../README.md")).unwrap();
    let lib = std::fs::read_to_string(root.join("src/lib.rs")).unwrap();
    let example = crate_doc_example(&lib);
    assert!(example.contains("Status::NeedsInput"), "{example}");
    assert_eq!(
        code_block(&readme, "## Using the core"),
        example,
        "README.md's host loop differs from the one in vm-core/src/lib.rs (which is tested)"
    );
}
