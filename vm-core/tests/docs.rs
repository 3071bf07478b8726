//! The operation reference in `docs/language.md` is generated from the op table; this
//! test fails when the two differ. `BLESS=1 cargo test -p vm-core --test docs`
//! rewrites the document. The README's host loop is the crate docs' (a doc test).
//! The README's layout table names every file of `vm-core/src/`.

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
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    assert!(
        doc == fresh,
        "docs/language.md is out of date: run BLESS=1 cargo test -p vm-core --test docs"
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

/// The README's layout row of `dir`: the table row that starts with `` | `dir` | ``.
fn layout_row<'a>(readme: &'a str, dir: &str) -> &'a str {
    let start = format!("| `{dir}` |");
    readme
        .lines()
        .find(|l| l.starts_with(&start))
        .unwrap_or_else(|| panic!("README.md's layout table has no row {start}"))
}

/// The text inside the parentheses that follow `from` in `text` (nested ones included).
fn parenthesised(text: &str, from: usize) -> &str {
    let rest = &text[from..];
    let open = rest.find('(').expect("an opening parenthesis");
    let mut depth = 0;
    for (i, c) in rest[open..].char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ => {}
        }
        if depth == 0 {
            return &rest[open + 1..open + i];
        }
    }
    panic!("unbalanced parentheses after {from}")
}

/// The `.rs` files of `vm-core/src/`, as (directory or "", file name), sorted.
fn core_sources() -> Vec<(String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            for inner in std::fs::read_dir(&path).unwrap() {
                let inner = inner.unwrap().file_name().to_string_lossy().into_owned();
                if inner.ends_with(".rs") {
                    files.push((name.clone(), inner));
                }
            }
        } else if name.ends_with(".rs") {
            files.push((String::new(), name));
        }
    }
    files.sort();
    files
}

#[test]
fn the_readme_layout_names_every_module_of_vm_core() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md"))
            .unwrap();
    let row = layout_row(&readme, "vm-core/");
    let files = core_sources();
    assert!(files.len() > 20, "{files:?}");
    let missing: Vec<String> = files
        .iter()
        .filter(|(dir, file)| {
            let named = format!("`{file}`");
            if dir.is_empty() {
                return !row.contains(&named);
            }
            // A file of a directory is named inside the parentheses after `dir/`.
            match row.find(&format!("`{dir}/` (")) {
                Some(at) => !parenthesised(row, at).contains(&named),
                None => true,
            }
        })
        .map(|(dir, file)| format!("{dir}/{file}").trim_start_matches('/').to_string())
        .collect();
    assert!(
        missing.is_empty(),
        "README.md's layout row of vm-core/ does not name {missing:?}: say in a few words what each is"
    );
}
