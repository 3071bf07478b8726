//! The test kit, shared by the test drivers: the golden programs and examples, reading
//! the expectation comments they carry (`tests/programs/README.md` has the format) and
//! the limits they set, and the host loop with what a host observes of a run
//! ([`host`], which the fuzz targets and the benchmarks use too).

#![allow(dead_code)] // each test binary uses its own part

pub mod host;

use std::path::{Path, PathBuf};

use vm_core::Limits;

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
    // (From vm-core or a crate beside it that includes this file: vm-wasmtime's tests.)
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../vm-core/tests/programs")
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

/// The step limit of a test program that sets none: far more steps than any takes, so
/// that a broken machine, optimizer or tier that loops fails instead of hanging.
pub const TEST_MAX_STEPS: u64 = 50_000_000;

/// The limits a program's `# max-steps:`, `# max-stack:` and `# max-calls:` lines set
/// (the last of each), the defaults otherwise, with [`TEST_MAX_STEPS`] as the step
/// limit. The golden programs' driver and every test that runs them read them here.
pub fn limits(source: &str) -> Limits {
    let mut limits = Limits {
        max_steps: Some(TEST_MAX_STEPS),
        ..Limits::default()
    };
    let number = |key: &str, n: &str| -> u64 {
        n.trim()
            .parse()
            .unwrap_or_else(|_| panic!("`# {key}:` needs a number, not {n:?}"))
    };
    if let Some(n) = directive(source, "max-steps").last() {
        limits.max_steps = Some(number("max-steps", n));
    }
    if let Some(n) = directive(source, "max-stack").last() {
        limits.max_stack = number("max-stack", n).try_into().expect("max-stack");
    }
    if let Some(n) = directive(source, "max-calls").last() {
        limits.max_calls = number("max-calls", n).try_into().expect("max-calls");
    }
    limits
}
