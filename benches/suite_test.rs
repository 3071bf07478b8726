//! The suite test: every workload of `benches/suite.tsv` has its svm program and its
//! Forth, Lua and Python versions, the table's answers are right (computed again in
//! Rust), and each svm program prints the right answer at small sizes. (The benchmark
//! sizes are checked by the benchmarks themselves, `cargo test -p vm-core --benches`,
//! and the other implementations by `benches/compare.sh --check`.)

mod common;
mod suite;

use common::{compiled, output_of};
use suite::{reference, workloads, Workload};

/// Small arguments for a workload: every (m, n) up to (3, 3) for Ackermann's function,
/// else 1 to 7.
fn small_args(name: &str) -> Vec<String> {
    if name == "ackermann" {
        (0..=3)
            .flat_map(|m| (0..=3).map(move |n| format!("{m} {n}")))
            .collect()
    } else {
        (1..=7).map(|n| n.to_string()).collect()
    }
}

#[test]
fn the_table_lists_eight_workloads_with_distinct_names_and_benchmarks() {
    let all = workloads();
    assert!(all.len() >= 8, "{} workloads", all.len());
    for (i, w) in all.iter().enumerate() {
        for other in &all[i + 1..] {
            assert_ne!(w.name, other.name);
            assert_ne!(w.bench, other.bench);
        }
    }
}

#[test]
fn every_workload_has_its_program_and_its_other_implementations() {
    let root = suite::repository_root();
    for w in workloads() {
        assert!(!w.source().is_empty(), "{}", w.program);
        for ext in ["fs", "lua", "py"] {
            let path = root.join(format!("benches/compare/{}.{ext}", w.name));
            assert!(path.is_file(), "{} is missing", path.display());
        }
    }
}

#[test]
fn the_answers_in_the_table_are_right() {
    for w in workloads() {
        for (args, answer) in [(w.args, w.answer), (w.bench_args, w.bench_answer)] {
            let expected = reference(w.name, args)
                .unwrap_or_else(|| panic!("no reference for workload {:?}", w.name));
            assert_eq!(answer, expected, "{} {args}", w.name);
        }
    }
}

#[test]
fn each_program_prints_the_right_answer_at_small_sizes() {
    for w in workloads() {
        let program = compiled(&w.source());
        for args in small_args(w.name) {
            let answer = reference(w.name, &args).expect("a reference");
            assert_eq!(
                output_of(&program, &args),
                Workload::expected_output(&answer, &args),
                "{} {args}",
                w.program
            );
        }
    }
}
