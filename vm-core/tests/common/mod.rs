//! Shared by the test drivers: the golden programs and examples, and reading the
//! expectation comments they carry (`tests/programs/README.md` has the format).

#![allow(dead_code)] // each test binary uses its own part

use std::path::{Path, PathBuf};

use vm_core::{Limits, Machine, Status};

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

/// The limits a golden program's `max-steps`, `max-stack` and `max-calls` lines set, and
/// otherwise a step limit of 10,000,000 (so that a broken optimizer or tier cannot loop
/// forever).
pub fn limits(source: &str) -> Limits {
    let mut limits = Limits {
        max_steps: Some(10_000_000),
        ..Limits::default()
    };
    if let Some(n) = directive(source, "max-steps").first() {
        limits.max_steps = n.trim().parse().ok();
    }
    if let Some(n) = directive(source, "max-stack").first() {
        limits.max_stack = n.trim().parse().unwrap();
    }
    if let Some(n) = directive(source, "max-calls").first() {
        limits.max_calls = n.trim().parse().unwrap();
    }
    limits
}

/// What a host sees of a run paused every `budget` steps: its output, each pause's step
/// count, position and stack, how it ended, and the error and frames it ended with.
#[derive(Debug, PartialEq)]
pub struct Seen {
    pub output: String,
    pub pauses: Vec<String>,
    pub end: String,
    pub trace: String,
}

/// Runs `m` to its end `budget` steps at a time; what a host sees of it, and the steps it
/// ran in the optimizer's blocks (the block runners' tests compare an optimized and a
/// plain run with it).
pub fn observe(mut m: Machine, budget: u64) -> (Seen, u64) {
    let mut output = String::new();
    let mut pauses = Vec::new();
    let end = loop {
        let status = m.run(budget, &mut output);
        pauses.push(format!("{}@{} {:?}", m.steps(), m.pc(), m.stack()));
        match status {
            Status::OutOfBudget => assert!(pauses.len() < 100_000, "runaway"),
            end => break end,
        }
    };
    let trace = format!("{:?} {:?}", m.error_state(), m.frames());
    let seen = Seen {
        output,
        pauses,
        end: format!("{end:?}"),
        trace,
    };
    (seen, m.block_steps())
}
