//! Benchmarks of workloads that stress one part of the interpreter each: a tight loop
//! (`count_loop_10m`), calls and returns (`calls`), strings (`strings`) and printing
//! (`output_sink`). The programs are in `benches/programs/`.
//!
//! Each measures creating a `Machine` and running the program to its end. The program
//! is compiled once, before timing; each iteration gets its own copy of it, made
//! outside the timed part.

use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use vm_core::Program;

mod common;
use common::{args, compiled, output_of, run_to_end, Discard};

const COUNT_LOOP: &str = include_str!("programs/count_loop.svm");
const CALLS: &str = include_str!("programs/calls.svm");
const STRINGS: &str = include_str!("programs/strings.svm");
const PRINT_NUMBERS: &str = include_str!("programs/print_numbers.svm");

/// How many numbers `output_sink` prints.
const PRINTED: u32 = 100_000;

/// Registers a benchmark that runs `program` (no arguments) into a `String`.
fn bench_string_sink(c: &mut Criterion, name: &str, program: &Program) {
    c.bench_function(name, |b| {
        b.iter_batched(
            || program.clone(),
            |program| {
                let mut out = String::new();
                let machine = run_to_end(program, Vec::new(), &mut out);
                (machine, out)
            },
            BatchSize::SmallInput,
        )
    });
}

/// `count_loop_10m`: ten million iterations of a nine-instruction loop.
fn count_loop(c: &mut Criterion) {
    let program = compiled(COUNT_LOOP);
    assert_eq!(output_of(&program, ""), "10000000\n");
    bench_string_sink(c, "count_loop_10m", &program);
}

/// `calls`: one million calls of a two-instruction subroutine.
fn calls(c: &mut Criterion) {
    let program = compiled(CALLS);
    assert_eq!(output_of(&program, ""), "1000000\n");
    bench_string_sink(c, "calls", &program);
}

/// `strings`: 100,000 iterations of cast_str, two concats and two cast_ints.
fn strings(c: &mut Criterion) {
    let program = compiled(STRINGS);
    assert_eq!(output_of(&program, ""), "99999800000\n");
    bench_string_sink(c, "strings", &program);
}

/// `output_sink`: println of the numbers 1 to 100,000 into a sink that discards them.
fn output_sink(c: &mut Criterion) {
    let program = compiled(PRINT_NUMBERS);
    let n = PRINTED.to_string();
    let expected: String = (1..=PRINTED).map(|i| format!("{i}\n")).collect();
    assert_eq!(output_of(&program, &n), expected);
    c.bench_function("output_sink", |b| {
        b.iter_batched(
            || (program.clone(), args(&n)),
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
        targets = count_loop, calls, strings
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
