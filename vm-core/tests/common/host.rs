//! The host loop, and what a host observes of a run: one copy for the tests of
//! vm-core, the fuzz targets (`fuzz/fuzz_targets`, which include this file by path) and
//! the benchmarks (`benches/common.rs`). It uses only vm-core's public API.
//!
//! A host runs a machine in slices of a step budget: it goes on after a slice that ran
//! out of budget or asked to sleep (tests do not wait), answers `read` from a list of
//! lines (then the end of input), and stops at any other status.

// Each user of this file takes some of it.
#![allow(dead_code)]

use std::fmt::Write;

use vm_core::{Machine, Status, Value};

/// More slices than any test program takes: a run that needs them is a runaway.
pub const MAX_SLICES: usize = 1_000_000;

/// Runs `m` to its end in slices of `budget` steps, each slice by `run` (the plain
/// `Machine::run`, or a run through a tier), answering `read` from `input`, and calls
/// `slice` after each slice with the machine and its status. Returns how it ended.
pub fn run_to_end<O: Write>(
    m: &mut Machine,
    budget: u64,
    input: &[&str],
    out: &mut O,
    mut run: impl FnMut(&mut Machine, u64, &mut O) -> Status,
    mut slice: impl FnMut(&Machine, &Status),
) -> Status {
    let mut lines = input.iter();
    for _ in 0..MAX_SLICES {
        let status = run(m, budget, out);
        slice(m, &status);
        match status {
            Status::OutOfBudget | Status::Sleeping(_) => {}
            Status::NeedsInput => m.provide_input(lines.next().copied()),
            end => return end,
        }
    }
    panic!("runaway: no end after {MAX_SLICES} slices of {budget} steps");
}

/// Everything a host can observe of a run.
#[derive(Debug, PartialEq)]
pub struct Observed {
    /// All it printed.
    pub output: String,
    /// How it ended: halted with an exit code, failed with an error, or stopped.
    pub end: Status,
    /// The data stack at the end.
    pub stack: Vec<Value>,
    /// The call frames at the end: each one's name and call position.
    pub frames: Vec<String>,
    /// The position at the end.
    pub pc: usize,
    /// The steps it ran.
    pub steps: u64,
    /// Each slice: its status, then the steps, position and data stack after it (which
    /// slices paused, where input was asked).
    pub slices: Vec<String>,
}

/// Runs `m` to its end in slices of `budget` steps by `run` (see [`run_to_end`]): what
/// a host observes of it, and the machine as it ended (its step shares, its error).
pub fn observe_with(
    mut m: Machine,
    budget: u64,
    input: &[&str],
    run: impl FnMut(&mut Machine, u64, &mut String) -> Status,
) -> (Observed, Machine) {
    let mut output = String::new();
    let mut slices = Vec::new();
    let end = run_to_end(&mut m, budget, input, &mut output, run, |m, status| {
        slices.push(format!(
            "{status:?}@{}:{} {:?}",
            m.steps(),
            m.pc(),
            m.stack()
        ));
    });
    let frames = m
        .frames()
        .iter()
        .map(|f| format!("{} {:?}", f.name(), f.call_span))
        .collect();
    let seen = Observed {
        output,
        end,
        stack: m.stack().to_vec(),
        frames,
        pc: m.pc(),
        steps: m.steps(),
        slices,
    };
    (seen, m)
}

/// [`observe_with`] the plain `Machine::run` (blocks, when the program has them).
pub fn observe(m: Machine, budget: u64, input: &[&str]) -> (Observed, Machine) {
    observe_with(m, budget, input, |m, budget, out| m.run(budget, out))
}
