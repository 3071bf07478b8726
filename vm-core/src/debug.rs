//! Debugging a run: [`Stopper`], an [`Observer`] that pauses a run at breakpoints or
//! when a call returns (step over, step out), and [`Watch`], what a debugger watches a
//! run with.

use alloc::vec;
use alloc::vec::Vec;

use crate::machine::{Machine, Observer};
use crate::ops::Op;
use crate::program::{Instr, Program};

/// Why a [`Stopper`] paused a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Hit {
    /// The next instruction has a breakpoint.
    Breakpoint,
    /// The call depth came back to the level waited for (step over, step out).
    Depth,
}

/// What a debugger watches a run with: breakpoints and step over/out, and optionally a
/// profile and a record of the steps. One type for all of it, so that the interpreter loop is compiled once for
/// debugging whatever is switched on.
#[derive(Debug)]
#[doc(hidden)]
pub struct Watch<'a> {
    /// Breakpoints and the depth to wait for.
    pub stopper: &'a mut Stopper,
    /// The profile to count into, if any.
    pub profile: Option<&'a mut crate::profile::Profile>,
    /// The record to keep the steps in, if any.
    pub record: Option<&'a mut crate::record::Record>,
}

impl Observer for Watch<'_> {
    fn after(&mut self, machine: &Machine, pc: usize, steps: u64) -> bool {
        if let Some(p) = &mut self.profile {
            p.after(machine, pc, steps);
        }
        if let Some(r) = &mut self.record {
            r.after(machine, pc, steps);
        }
        self.stopper.after(machine, pc, steps)
    }
}

/// Pauses a run at breakpoints, and once the call depth is back at or below a level.
///
/// ```
/// use vm_core::{compile, Hit, Machine, Status, Stopper};
/// let p = compile("1 println\n2 println\n3 println").unwrap();
/// let mut stopper = Stopper::new(&p);
/// stopper.set_lines(&p, &[2]);
/// let mut m = Machine::new(p, Vec::new());
/// let mut out = String::new();
/// assert_eq!(m.run_with(1000, &mut out, &mut stopper), Status::Paused);
/// assert_eq!((stopper.take_hit(), m.next_span().unwrap().line), (Some(Hit::Breakpoint), 2));
/// assert_eq!(m.run(1000, &mut out), Status::Halted(0));
/// assert_eq!(out, "1\n2\n3\n");
/// ```
#[derive(Clone, Debug, Default)]
pub struct Stopper {
    breakpoints: Vec<bool>,
    any_breakpoint: bool,
    depth: Option<usize>,
    hit: Option<Hit>,
}

impl Stopper {
    /// A stopper for `program` with no breakpoints.
    pub fn new(program: &Program) -> Stopper {
        Stopper {
            breakpoints: vec![false; program.code().len() + 1],
            ..Stopper::default()
        }
    }

    /// Sets breakpoints on source lines: the run pauses before the first instruction of
    /// each line (lines without instructions are ignored). Returns the lines that got one.
    pub fn set_lines(&mut self, program: &Program, lines: &[u32]) -> Vec<u32> {
        self.breakpoints.iter_mut().for_each(|b| *b = false);
        let mut set = Vec::new();
        for &line in lines {
            let first = (0..program.code().len())
                .find(|&pc| program.span(pc).is_some_and(|s| s.line == line));
            if let Some(pc) = first {
                self.breakpoints[pc] = true;
                set.push(line);
            }
        }
        self.any_breakpoint = !set.is_empty();
        set
    }

    /// Does this stopper have nothing to stop at (no breakpoint, no depth to wait for)?
    pub fn is_idle(&self) -> bool {
        !self.any_breakpoint && self.depth.is_none()
    }

    /// Why it paused the last run, if it did; forgets it. Any pause it made ends the
    /// wait for a depth: reaching the depth completes a step over or out, and a
    /// breakpoint met on the way interrupts it (a later run must not stop when the call
    /// it was stepping over returns).
    pub fn take_hit(&mut self) -> Option<Hit> {
        let hit = self.hit.take();
        if hit.is_some() {
            self.depth = None;
        }
        hit
    }

    /// Also pause as soon as the call depth is at most `depth` (`None`: don't).
    pub fn until_depth(&mut self, depth: Option<usize>) {
        self.depth = depth;
    }

    /// For "step over" at the machine's position: the depth to wait for when the next
    /// instruction is a `call` (so the call runs to its return), else `None` (one step).
    pub fn step_over_depth(machine: &Machine) -> Option<usize> {
        let code = machine.program().code().get(machine.pc())?;
        (*code == Instr::Op(Op::Call)).then_some(machine.call_depth())
    }
}

impl Observer for Stopper {
    fn after(&mut self, machine: &Machine, _: usize, _: u64) -> bool {
        if matches!(self.depth, Some(d) if machine.call_depth() <= d) {
            self.hit = Some(Hit::Depth);
            return false;
        }
        if self.breakpoints.get(machine.pc()).copied().unwrap_or(false) {
            self.hit = Some(Hit::Breakpoint);
            return false;
        }
        true
    }
}
