//! The browser tests' list of programs (`tests/programs/mod.rs`) names every golden
//! program and every example, and nothing else: a program added to either folder must
//! be added to the list too (run natively, `cargo test -p vm-wasm`).

#![cfg(not(target_arch = "wasm32"))]

mod programs;

use std::path::Path;

#[test]
fn the_list_names_every_golden_program_and_example() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for dir in ["vm-core/tests/programs", "examples"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            if name.ends_with(".svm") {
                files.push(format!("{dir}/{name}"));
            }
        }
    }
    files.sort();
    let listed: Vec<&str> = programs::PROGRAMS.iter().map(|(path, _)| *path).collect();
    assert_eq!(
        listed, files,
        "tests/programs/mod.rs is not the list of the folders' programs"
    );
    for (path, source) in programs::PROGRAMS {
        assert_eq!(
            std::fs::read_to_string(root.join(path)).unwrap(),
            *source,
            "{path}"
        );
    }
}
