//! The modules of vm-core form a one-way pipeline: no module uses one that uses it
//! back. This reads every `crate::` path in `src/` (outside unit tests and comments),
//! makes the graph of the top-level modules, and fails on a cycle, naming it.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// The top-level module each file of `src/` belongs to, and the non-test text of it.
fn sources() -> Vec<(String, String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    let mut dirs = vec![src.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path
                    .strip_prefix(&src)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                let module = rel
                    .split('/')
                    .next()
                    .unwrap()
                    .trim_end_matches(".rs")
                    .to_string();
                let text = fs::read_to_string(&path).unwrap();
                // Unit tests may use anything.
                let code = match text.find("#[cfg(test)]\nmod tests") {
                    Some(i) => text[..i].to_string(),
                    None => text,
                };
                files.push((rel, module, code));
            }
        }
    }
    files
}

/// The modules named by `crate::NAME` in `code`, outside comments.
fn uses(code: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for line in code.lines() {
        let line = line.trim_start();
        if line.starts_with("//") {
            continue;
        }
        let mut rest = line;
        while let Some(i) = rest.find("crate::") {
            rest = &rest[i + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if name.chars().next().is_some_and(char::is_lowercase) {
                found.insert(name);
            }
        }
    }
    found
}

/// Who uses whom, between top-level modules (the crate root left out).
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (_, module, code) in sources() {
        if module == "lib" {
            continue;
        }
        let edges = graph.entry(module.clone()).or_default();
        edges.extend(uses(&code).into_iter().filter(|m| *m != module));
    }
    graph
}

/// A cycle in `graph`, if there is one, as the modules along it.
fn cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        graph: &BTreeMap<String, BTreeSet<String>>,
        node: &str,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|n| n == node) {
            let mut c = path[i..].to_vec();
            c.push(node.to_string());
            return Some(c);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(c) = visit(graph, next, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|n| visit(graph, n, &mut Vec::new(), &mut done))
}

#[test]
fn modules_form_no_cycle() {
    let graph = graph();
    // The graph is read for real: the pipeline's stages are there, and use each other.
    assert!(graph["asm"].contains("lexer") && graph["machine"].contains("program"));
    if let Some(c) = cycle(&graph) {
        panic!("the modules use each other in a circle: {}", c.join(" -> "));
    }
}

#[test]
fn a_cycle_is_found() {
    let mut graph = BTreeMap::new();
    graph.insert("a".to_string(), BTreeSet::from(["b".to_string()]));
    graph.insert("b".to_string(), BTreeSet::from(["c".to_string()]));
    graph.insert("c".to_string(), BTreeSet::from(["a".to_string()]));
    assert_eq!(cycle(&graph).unwrap(), ["a", "b", "c", "a"]);
    graph.get_mut("c").unwrap().clear();
    assert_eq!(cycle(&graph), None);
}

/// The crate docs ("How it is built", in `lib.rs`) list the modules in an order in which
/// each uses only those before it, and name every one: the order is that of the first
/// mention of each, in backticks.
#[test]
fn the_crate_docs_list_the_modules_in_an_order_they_keep() {
    let lib = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).unwrap();
    let from = lib.find("//! # How it is built").expect("the section");
    let section: String = lib[from..]
        .lines()
        .take_while(|l| l.starts_with("//!"))
        .collect::<Vec<_>>()
        .join("\n");
    let graph = graph();
    let modules: BTreeSet<String> = sources()
        .into_iter()
        .map(|(_, module, _)| module)
        .filter(|m| m != "lib")
        .collect();
    let mut order: Vec<&str> = Vec::new();
    for word in section.split('`').skip(1).step_by(2) {
        if modules.contains(word) && !order.contains(&word) {
            order.push(word);
        }
    }
    let missing: Vec<&String> = modules
        .iter()
        .filter(|m| !order.contains(&m.as_str()))
        .collect();
    assert!(missing.is_empty(), "lib.rs does not name {missing:?}");
    let at = |m: &str| order.iter().position(|&o| o == m).unwrap();
    for (module, used) in &graph {
        for u in used.iter().filter(|u| modules.contains(*u)) {
            assert!(
                at(u) < at(module),
                "`{module}` uses `{u}`, which lib.rs lists after it: {order:?}"
            );
        }
    }
}

/// The plain interpreter (its loops and its instructions) uses neither the optimizer
/// nor the block form: it runs a program as the assembler made it.
#[test]
fn the_plain_interpreter_does_not_use_the_optimizer() {
    let files = sources();
    for name in ["machine/run.rs", "machine/instr.rs"] {
        let (_, _, code) = files
            .iter()
            .find(|(rel, _, _)| rel == name)
            .unwrap_or_else(|| panic!("{name} is missing"));
        let used = uses(code);
        assert!(used.contains("program"), "{name}: {used:?}");
        for other in ["opt", "block"] {
            assert!(!used.contains(other), "{name} uses {other}");
        }
    }
}
