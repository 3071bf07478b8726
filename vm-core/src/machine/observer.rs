//! Watching a run: the [`Observer`] hook that [`Machine::run_with`] calls after every
//! step, and [`Quiet`], the observer that watches nothing. The debugger
//! ([`crate::debug`]) and the profiler ([`crate::profile`]) are observers.

use super::Machine;

/// Told about every step of [`Machine::run_with`].
pub trait Observer {
    /// Whether [`Observer::after`] is called at all. `false` only for [`Quiet`], whose
    /// run is the plain [`Machine::run`], at no cost.
    #[doc(hidden)]
    const ACTIVE: bool = true;

    /// Called after each dispatch: `steps` plain instructions ran, the first at `pc`.
    /// A watched run dispatches one plain instruction at a time (the optimizer's blocks
    /// only run unwatched), so `steps` is 1 today. The machine is already at its next
    /// instruction, with its step count updated. Return `false` to pause.
    fn after(&mut self, machine: &Machine, pc: usize, steps: u64) -> bool;
}

/// The observer that watches nothing.
#[derive(Clone, Copy, Debug, Default)]
pub struct Quiet;

impl Observer for Quiet {
    const ACTIVE: bool = false;

    #[inline(always)]
    fn after(&mut self, _: &Machine, _: usize, _: u64) -> bool {
        true
    }
}

/// Two observers at once; the run pauses when either asks.
impl<A: Observer, B: Observer> Observer for (A, B) {
    const ACTIVE: bool = A::ACTIVE || B::ACTIVE;

    fn after(&mut self, machine: &Machine, pc: usize, steps: u64) -> bool {
        let a = self.0.after(machine, pc, steps);
        let b = self.1.after(machine, pc, steps);
        a && b
    }
}

/// An observer lent out.
impl<T: Observer + ?Sized> Observer for &mut T {
    const ACTIVE: bool = T::ACTIVE;

    fn after(&mut self, machine: &Machine, pc: usize, steps: u64) -> bool {
        (**self).after(machine, pc, steps)
    }
}
