//! The suite's workloads (`benches/suite.tsv`, each at its benchmark size, `fib_25`
//! included) with the WebAssembly tier run natively: `tier/NAME` runs the program with
//! its module compiled by wasmtime (`vm-wasmtime`), as `svm` runs a hot program, but
//! compiled before timing; `tier_compile/fib` is making and compiling the module of
//! `examples/fib.svm`. The interpreter's own figures are the `fib` and `workloads`
//! targets'.
//!
//! Each iteration creates a `Machine` and runs the program to its end (the same host
//! loop as the other targets), its output checked before timing against the suite's
//! answer, and the share of steps the module ran reported.

use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use vm_core::{Machine, Program, Status};
use vm_wasmtime::WasmtimeTier;

mod common;
mod suite;
use common::{args, compiled, host, Discard};
use suite::Workload;

/// Runs `program` with `args` to its end in `tier`'s module, into `out`.
fn run_in<O: core::fmt::Write>(
    program: Program,
    args: Vec<vm_core::Value>,
    tier: &mut WasmtimeTier,
    out: &mut O,
) -> Machine {
    let mut m = Machine::new(program, args);
    let run = |m: &mut Machine, budget, out: &mut O| m.run_tiered(budget, out, tier);
    match host::run_to_end(&mut m, u64::MAX, &[], out, run, |_, _| {}) {
        Status::Halted(0) => m,
        other => panic!("benchmark program did not halt with exit code 0: {other:?}"),
    }
}

fn suite_in_the_tier(c: &mut Criterion) {
    let mut group = c.benchmark_group("tier");
    for w in suite::workloads() {
        let program = compiled(&w.source());
        let mut tier = WasmtimeTier::new(&program).expect("wasmtime compiles the module");
        let expected = Workload::expected_output(w.bench_answer, w.bench_args);
        let mut out = String::new();
        let m = run_in(program.clone(), args(w.bench_args), &mut tier, &mut out);
        assert_eq!(out, expected, "{} {}", w.program, w.bench_args);
        eprintln!(
            "{}: {:.0}% of {} steps in the module",
            w.bench,
            100.0 * m.tier_steps() as f64 / m.steps().max(1) as f64,
            m.steps()
        );
        group.bench_function(w.bench, |b| {
            b.iter_batched(
                || (program.clone(), args(w.bench_args)),
                |(program, args)| {
                    let mut out = Discard::default();
                    run_in(program, args, &mut tier, &mut out)
                },
                BatchSize::SmallInput,
            )
        });
    }
    group.finish();
}

fn compile_fib(c: &mut Criterion) {
    let program = compiled(include_str!("../examples/fib.svm"));
    c.bench_function("tier_compile/fib", |b| {
        b.iter(|| WasmtimeTier::new(&program).expect("wasmtime compiles the module"))
    });
}

/// The benchmark groups. (A module, so that the functions `criterion_group!` makes need
/// no documentation of their own.)
mod groups {
    use super::*;

    criterion_group! {
        name = tier;
        config = Criterion::default()
            .sample_size(10)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(3));
        targets = suite_in_the_tier, compile_fib
    }
}

criterion_main!(groups::tier);
