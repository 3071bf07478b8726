//! [`TierUp`]: the interpreter starts every run; a run that gets hot continues in its
//! module, compiled on another thread meanwhile.

use core::fmt::Write;
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::time::{Duration, Instant};

use vm_core::{Machine, Program, Status};

use crate::tier::{Figures, WasmtimeTier};

/// A run that has taken this many steps gets its module compiled (about half a
/// millisecond of the interpreter; a run shorter than that never pays for compiling).
pub const HOT_STEPS: u64 = 100_000;

/// While the module is being compiled, the interpreter runs slices of at most this many
/// steps, so that the run moves into the module soon after it is ready.
const WHILE_COMPILING: u64 = 20_000;

/// Runs a program's slices in the interpreter until it is hot, then in its module.
pub struct TierUp {
    phase: Phase,
    started: Option<Instant>,
    hot: u64,
    background: bool,
}

enum Phase {
    Cold,
    Compiling(Receiver<Result<WasmtimeTier, String>>),
    Ready(Box<WasmtimeTier>),
    Off(String),
}

/// What the tier did in a run, for `svm --stats`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TierUpReport {
    /// The run ended before it was hot: nothing was compiled.
    Cold,
    /// The module was still being compiled when the run ended (for this long).
    Compiling(Duration),
    /// The module ran.
    Ran(Figures),
    /// It could not be compiled or stopped being called: why.
    Off(String),
}

impl Default for TierUp {
    fn default() -> TierUp {
        TierUp::new()
    }
}

impl TierUp {
    /// A policy for one run (one machine and its program).
    pub fn new() -> TierUp {
        TierUp {
            phase: Phase::Cold,
            started: None,
            hot: HOT_STEPS,
            background: true,
        }
    }

    /// A policy that compiles once the run has taken `hot` steps, on this thread
    /// (the run waits for it): the run moves into the module at a step known in
    /// advance, as tests want.
    pub fn at_step(hot: u64) -> TierUp {
        TierUp {
            hot,
            background: false,
            ..TierUp::new()
        }
    }

    /// Runs at most `budget` steps of `machine`, as [`Machine::run`] does (the same
    /// output, status, errors and step count, and the same slices: it returns
    /// [`Status::OutOfBudget`] only when the whole budget is spent), in the module once
    /// it is ready.
    pub fn run<O: Write + ?Sized>(
        &mut self,
        machine: &mut Machine,
        budget: u64,
        out: &mut O,
    ) -> Status {
        let start = machine.steps();
        loop {
            let left = budget - (machine.steps() - start);
            let (status, cut) = self.part(machine, left, out);
            match status {
                Status::OutOfBudget if cut => {}
                status => return status,
            }
        }
    }

    /// Runs at most `budget` steps, or fewer (then `true`) where the policy changes
    /// course: at the hot step, and while the module is compiled.
    fn part<O: Write + ?Sized>(
        &mut self,
        machine: &mut Machine,
        budget: u64,
        out: &mut O,
    ) -> (Status, bool) {
        let mut within =
            |machine: &mut Machine, most: u64| (machine.run(budget.min(most), out), most < budget);
        if let Phase::Cold = self.phase {
            if machine.steps() < self.hot {
                return within(machine, self.hot - machine.steps());
            }
            self.started = Some(Instant::now());
            self.phase = if self.background {
                Phase::Compiling(compile_elsewhere(machine.program().clone()))
            } else {
                match WasmtimeTier::new(machine.program()) {
                    Ok(tier) => Phase::Ready(Box::new(tier)),
                    Err(why) => Phase::Off(why),
                }
            };
        }
        if let Phase::Compiling(ready) = &self.phase {
            match ready.try_recv() {
                Ok(Ok(tier)) => self.phase = Phase::Ready(Box::new(tier)),
                Ok(Err(why)) => self.phase = Phase::Off(why),
                Err(TryRecvError::Empty) => return within(machine, WHILE_COMPILING),
                Err(TryRecvError::Disconnected) => {
                    self.phase = Phase::Off("the compiling thread stopped".into())
                }
            }
        }
        let status = match &mut self.phase {
            Phase::Ready(tier) => machine.run_tiered(budget, out, &mut **tier),
            _ => machine.run(budget, out),
        };
        (status, false)
    }

    /// What the tier did so far.
    pub fn report(&self) -> TierUpReport {
        match &self.phase {
            Phase::Cold => TierUpReport::Cold,
            Phase::Compiling(_) => {
                TierUpReport::Compiling(self.started.map(|t| t.elapsed()).unwrap_or_default())
            }
            Phase::Ready(tier) => match &tier.figures().failed {
                Some(why) => TierUpReport::Off(why.clone()),
                None => TierUpReport::Ran(tier.figures().clone()),
            },
            Phase::Off(why) => TierUpReport::Off(why.clone()),
        }
    }
}

/// Compiles `program`'s module on a thread of its own; the answer comes on the channel.
fn compile_elsewhere(program: Program) -> Receiver<Result<WasmtimeTier, String>> {
    let (send, receive) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("svm-tier".into())
        .spawn(move || {
            // (Nobody listens when the run ended first.)
            let _ = send.send(WasmtimeTier::new(&program));
        });
    if let Err(e) = spawned {
        let (send, receive) = mpsc::channel();
        let _ = send.send(Err(format!("no thread to compile on: {e}")));
        return receive;
    }
    receive
}
