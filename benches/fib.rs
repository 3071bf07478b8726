//! Benchmarks of the seed's recursive Fibonacci (`examples/fib.svm`, unchanged): running
//! it for n = 1, 5, 10 and 25, and compiling it.
//!
//! `fib_N` measures creating a `Machine` with n on its stack and running the program to
//! its end with a `String` as the output sink. The program is compiled once, before
//! timing; each iteration gets its own copy of it, made outside the timed part.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use vm_core::compile;

mod common;
use common::{args, compiled, output_of, run_to_end};

/// The seed's program, exactly as in `examples/fib.svm`.
const FIB: &str = include_str!("../examples/fib.svm");

/// Registers `fib_N`: the recursive Fibonacci of `n`, which prints `expected`.
fn bench_fib(c: &mut Criterion, n: u32, expected: u64) {
    let program = compiled(FIB);
    let n_text = n.to_string();
    assert_eq!(output_of(&program, &n_text), format!("{expected}\n"));
    c.bench_function(&format!("fib_{n}"), |b| {
        b.iter_batched(
            || (program.clone(), args(&n_text)),
            |(program, args)| {
                let mut out = String::new();
                let machine = run_to_end(program, args, &mut out);
                (machine, out)
            },
            BatchSize::SmallInput,
        )
    });
}

/// `fib_1`, `fib_5`, `fib_10`: short runs, many samples.
fn fib_small(c: &mut Criterion) {
    bench_fib(c, 1, 1);
    bench_fib(c, 5, 5);
    bench_fib(c, 10, 55);
}

/// `fib_25`: about 3 million steps an iteration, so few samples.
fn fib_big(c: &mut Criterion) {
    bench_fib(c, 25, 75025);
}

/// `compile_fib`: tokenizing and compiling the source of `examples/fib.svm`.
fn compile_fib(c: &mut Criterion) {
    c.bench_function("compile_fib", |b| {
        b.iter(|| compile(black_box(FIB)).expect("fib.svm compiles"))
    });
}

/// The benchmark groups, each with its own sampling settings. (A module, so that the
/// functions `criterion_group!` makes need no documentation of their own.)
mod groups {
    use super::*;

    criterion_group! {
        name = small;
        config = Criterion::default()
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(3));
        targets = fib_small, compile_fib
    }

    criterion_group! {
        name = big;
        config = Criterion::default()
            .sample_size(10)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(4));
        targets = fib_big
    }
}

criterion_main!(groups::small, groups::big);
