//! Helpers shared by the benchmark targets: running a program to its end (the test
//! kit's host loop, `vm-core/tests/common/host.rs`), and an output sink that throws the
//! text away.

// Each benchmark target uses only some of these helpers.
#![allow(dead_code)]

use core::fmt;
use std::hint::black_box;

use vm_core::{compile, parse_args, Machine, Program, Status, Value};

#[path = "../vm-core/tests/common/host.rs"]
pub mod host;

/// Compiles a benchmark program; panics with the diagnostics if it does not compile.
pub fn compiled(source: &str) -> Program {
    match compile(source) {
        Ok(program) => program,
        Err(diagnostics) => panic!("benchmark program does not compile: {diagnostics:?}"),
    }
}

/// The values of an argument string, as `svm FILE ARGS` would push them.
pub fn args(text: &str) -> Vec<Value> {
    parse_args(text).expect("benchmark arguments parse")
}

/// Creates a machine for `program` with `args` on the stack and runs it to its end,
/// writing its output to `out`. Panics unless the program halts with exit code 0.
/// Returns the machine so that the caller decides where it is dropped.
pub fn run_to_end<O: fmt::Write>(program: Program, args: Vec<Value>, out: &mut O) -> Machine {
    let mut machine = Machine::new(program, args);
    let run = |m: &mut Machine, budget, out: &mut O| m.run(budget, out);
    match host::run_to_end(&mut machine, u64::MAX, &[], out, run, |_, _| {}) {
        Status::Halted(0) => machine,
        other => panic!("benchmark program did not halt with exit code 0: {other:?}"),
    }
}

/// Runs `program` with `args` into a fresh `String` and returns the output.
pub fn output_of(program: &Program, args_text: &str) -> String {
    let mut out = String::new();
    run_to_end(program.clone(), args(args_text), &mut out);
    out
}

/// An output sink that discards the text, counting its bytes so that the writes
/// cannot be optimized away.
#[derive(Default)]
pub struct Discard {
    /// Bytes written so far.
    pub bytes: usize,
}

impl fmt::Write for Discard {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.bytes += black_box(s).len();
        Ok(())
    }
}
