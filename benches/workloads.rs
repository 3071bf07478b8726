//! Benchmarks of the suite's workloads (`benches/suite.tsv`), each at its benchmark size:
//! `ackermann_3_5`, `sum_1m`, `nested_1000`, `collatz_10k`, `shuffle_1m`, `strings` and
//! `output_sink` (the suite's `fib_25` is in the `fib` target); and two more that stress
//! one part of the interpreter each: a tight loop (`count_loop_10m`) and calls and
//! returns (`calls`). The programs are in `benches/programs/`.
//!
//! Each measures creating a `Machine` and running the program to its end. The program
//! is compiled once, before timing, and its output checked against the suite's answer
//! (itself checked by the suite test); each iteration gets its own copy of the program,
//! made outside the timed part.

use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use vm_core::Program;

mod common;
mod suite;
use common::{args, compiled, output_of, run_to_end, Discard};
use suite::Workload;

const COUNT_LOOP: &str = include_str!("programs/count_loop.svm");
const CALLS: &str = include_str!("programs/calls.svm");

/// The suite's benchmarks that are not in this target, or not of the usual kind.
const ELSEWHERE: &[&str] = &[
    "fib_25",      // the `fib` target
    "output_sink", // printing into a sink that discards the text, below
];

/// Registers a benchmark that runs `program` with the arguments `args_text` into a
/// `String`.
fn bench_string_sink(c: &mut Criterion, name: &str, program: &Program, args_text: &str) {
    c.bench_function(name, |b| {
        b.iter_batched(
            || (program.clone(), args(args_text)),
            |(program, args)| {
                let mut out = String::new();
                let machine = run_to_end(program, args, &mut out);
                (machine, out)
            },
            BatchSize::SmallInput,
        )
    });
}

/// The suite's workloads, each at its benchmark size, after checking what it prints.
fn suite_workloads(c: &mut Criterion) {
    for w in suite::workloads() {
        if ELSEWHERE.contains(&w.bench) {
            continue;
        }
        let program = compiled(&w.source());
        assert_eq!(
            output_of(&program, w.bench_args),
            Workload::expected_output(w.bench_answer, w.bench_args),
            "{} {}",
            w.program,
            w.bench_args
        );
        bench_string_sink(c, w.bench, &program, w.bench_args);
    }
}

/// `count_loop_10m`: ten million iterations of a nine-instruction loop.
fn count_loop(c: &mut Criterion) {
    let program = compiled(COUNT_LOOP);
    assert_eq!(output_of(&program, ""), "10000000\n");
    bench_string_sink(c, "count_loop_10m", &program, "");
}

/// `calls`: one million calls of a two-instruction subroutine.
fn calls(c: &mut Criterion) {
    let program = compiled(CALLS);
    assert_eq!(output_of(&program, ""), "1000000\n");
    bench_string_sink(c, "calls", &program, "");
}

/// `output_sink`: the suite's printing workload, println of the numbers 1 to 100,000,
/// into a sink that discards them.
fn output_sink(c: &mut Criterion) {
    let w = suite::workload("print_numbers");
    let program = compiled(&w.source());
    let expected = Workload::expected_output(w.bench_answer, w.bench_args);
    assert_eq!(output_of(&program, w.bench_args), expected);
    c.bench_function(w.bench, |b| {
        b.iter_batched(
            || (program.clone(), args(w.bench_args)),
            |(program, args)| {
                let mut out = Discard::default();
                let machine = run_to_end(program, args, &mut out);
                assert_eq!(out.bytes, expected.len());
                machine
            },
            BatchSize::SmallInput,
        )
    });
}

/// The benchmark groups, each with its own sampling settings. (A module, so that the
/// functions `criterion_group!` makes need no documentation of their own.)
mod groups {
    use super::*;

    criterion_group! {
        name = long;
        config = Criterion::default()
            .sample_size(10)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(5));
        targets = count_loop, calls, suite_workloads
    }

    criterion_group! {
        name = short;
        config = Criterion::default()
            .sample_size(20)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(3));
        targets = output_sink
    }
}

criterion_main!(groups::long, groups::short);
