//! Shared by the test drivers: the golden programs and examples, and reading the
//! expectation comments they carry (`tests/programs/README.md` has the format).

#![allow(dead_code)] // each test binary uses its own part

use std::path::{Path, PathBuf};

/// The value of `# KEY: VALUE` on one line, if the line has it (one leading space
/// removed, a trailing CR dropped).
pub fn directive_in_line<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let marker = format!("# {key}:");
    let i = line.find(&marker)?;
    let rest = &line[i + marker.len()..];
    Some(
        rest.strip_prefix(' ')
            .unwrap_or(rest)
            .trim_end_matches('\r'),
    )
}

/// Every value of `# KEY:` in `source`, in order.
pub fn directive<'a>(source: &'a str, key: &str) -> Vec<&'a str> {
    source
        .lines()
        .filter_map(|l| directive_in_line(l, key))
        .collect()
}

/// The `.svm` files of a folder, sorted.
pub fn svm_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "svm"))
        .collect();
    files.sort();
    files
}

/// `vm-core/tests/programs`.
pub fn programs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/programs")
}

/// The repository's `examples`.
pub fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples")
}

/// Every golden program and every example, with its source.
pub fn golden_sources() -> Vec<(PathBuf, String)> {
    let mut all = svm_files(&programs_dir());
    all.extend(svm_files(&examples_dir()));
    all.into_iter()
        .map(|p| (p.clone(), std::fs::read_to_string(&p).unwrap()))
        .collect()
}
