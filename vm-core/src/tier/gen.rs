//! From a program's blocks to the tier's module: the blocks of each label made into a
//! function (`label.rs`; one too large is made again as two), `at` and `run`
//! (`driver.rs`), every function named, and the module described once (`module.rs`)
//! and written as bytes, and as text when it is asked for.

use alloc::collections::BTreeSet;
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use super::driver::{at_function, at_parts, at_values, run_function, AT_PART};
use super::label::{label_function, LabelFunction};
use super::layout::{function, global};
use super::module::Module;
use super::order::{groups, Group, Order};
use super::{Compiled, MAX_BODY};
use crate::program::Program;

/// Builds the module for `p`, and its text when `text` says so.
pub(crate) fn module(p: &Program, text: bool) -> Compiled {
    let order = Order::new(p);
    // `at`'s parts, after the labels' functions in a large program.
    let at_values = at_values(p, &order);
    let parts = if at_values.len() > AT_PART {
        at_values.len().div_ceil(AT_PART)
    } else {
        0
    };
    // Each label's function made; one larger than `MAX_BODY` is made again as two
    // halves (a function of one block is far smaller). A label's function calls `at` and
    // (by direct calls) the labels' functions, by their indexes: when a function is
    // split, those after it move, so the functions are all made again with the new
    // groups (until none is split: only in a program with a label of more than
    // `MAX_BODY` bytes of code).
    let mut planned = groups(p, &order);
    let (made, names) = loop {
        let names = names_of(&planned, parts);
        let firsts: Vec<u32> = planned.iter().map(|g| g.blocks.start).collect();
        let mut made: Vec<(Group, LabelFunction)> = Vec::new();
        let mut todo = planned.clone();
        todo.reverse();
        while let Some(group) = todo.pop() {
            let blocks = group.blocks.clone();
            let m = label_function(p, &order, blocks.clone(), &firsts, &names, text);
            if m.function.body_size() > MAX_BODY && blocks.len() > 1 {
                let mid = blocks.start + (blocks.end - blocks.start) / 2;
                todo.push(Group {
                    label: group.label.clone(),
                    blocks: mid..blocks.end,
                });
                todo.push(Group {
                    label: group.label,
                    blocks: blocks.start..mid,
                });
            } else {
                made.push((group, m));
            }
        }
        let now: Vec<Group> = made.iter().map(|(g, _)| g.clone()).collect();
        if now == planned {
            break (made, names);
        }
        planned = now;
    };
    let groups = planned;
    debug_assert_eq!(
        groups.last().map_or(0, |g| g.blocks.end as usize),
        order.len()
    );
    let first_part = function::FIRST_LABEL + groups.len() as u32;

    let mut functions = Vec::with_capacity(names.len());
    debug_assert_eq!(function::AT, 0);
    functions.push(if parts == 0 {
        at_function(&at_values, 0, &names, text)
    } else {
        at_parts(parts, first_part, &names, text)
    });
    debug_assert_eq!(functions.len(), function::RUN as usize);
    functions.push(run_function(&groups, &names, text));
    let mut listed = Vec::new();
    let (mut compiled_blocks, mut string_checked) = (0, 0);
    for (group, m) in made {
        compiled_blocks += m.compiled;
        string_checked += m.checked;
        listed.push(super::Function {
            name: names[functions.len()].clone(),
            blocks: group.blocks.len() as u32,
        });
        functions.push(m.function);
    }
    for (k, part) in at_values.chunks(AT_PART).take(parts).enumerate() {
        functions.push(at_function(part, (k * AT_PART) as u32, &names, text));
    }
    for (f, name) in functions.iter_mut().zip(names) {
        f.name = name;
    }
    let module = Module {
        memory: ("env", "memory"),
        globals: &global::ALL,
        functions,
    };
    Compiled {
        bytes: module.bytes(),
        text: if text { module.text() } else { String::new() },
        functions: listed,
        blocks: compiled_blocks,
        declined: p.blocks.len() as u32 - compiled_blocks,
        string_checked,
    }
}

/// The module's function names, in the order of their indexes: `at`, `run`, the labels'
/// functions (`groups`), then `parts` parts of `at`. Unique (a label may be called
/// `run`, or differ from another only in characters the text replaces, and a label may
/// have several functions).
fn names_of(groups: &[Group], parts: usize) -> Vec<String> {
    let mut names = Names::new(vec!["at".into(), "run".into()]);
    for g in groups {
        names.add(sanitize(&g.label));
    }
    for k in 0..parts {
        names.add(format!("at_{k}"));
    }
    names.list
}

/// The module's function names, in the order of their indexes, each unique.
struct Names {
    list: Vec<String>,
    taken: BTreeSet<String>,
}

impl Names {
    /// These names first.
    fn new(first: Vec<String>) -> Names {
        let taken = first.iter().cloned().collect();
        Names { list: first, taken }
    }

    /// Adds `name`, with a number after it while it is taken.
    fn add(&mut self, mut name: String) {
        while self.taken.contains(&name) {
            name = format!("{name}_{}", self.list.len());
        }
        self.taken.insert(name.clone());
        self.list.push(name);
    }
}

/// A label's name as a WebAssembly text identifier.
fn sanitize(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "_.-+*/\\^~=<>!?@#$%&|:'`".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asm::compile;

    #[test]
    fn names_are_made_unique_and_identifiers() {
        let mut names = Names::new(vec!["at".into(), "run".into()]);
        for n in ["run", "a", "a", "run"] {
            names.add(sanitize(n));
        }
        assert_eq!(names.list, ["at", "run", "run_2", "a", "a_4", "run_5"]);
        assert_eq!(sanitize("é x"), "__x");
    }

    #[test]
    fn the_module_lists_its_labels_functions_and_text() {
        let p = compile("0 run: 1 + dup 10 < run swap if jmp\nend: 2 * println").unwrap();
        let m = module(&p, true);
        let names: Vec<&str> = m.functions.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["main", "run_3", "end"]);
        for n in ["at", "run", "main", "run_3", "end"] {
            assert!(m.text.contains(&format!("(func ${n} ")), "{n}");
        }
        wasmparser::Validator::new().validate_all(&m.bytes).unwrap();
        let without_text = module(&p, false);
        assert_eq!(without_text.bytes, m.bytes);
        assert_eq!(without_text.text, "");
        assert_eq!((m.blocks, m.declined), (without_text.blocks, 0));
    }
}
