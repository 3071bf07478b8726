//! The step budget of a run ([`Fuel`]): how many steps may still run. The run loops
//! (`run.rs`), the block runner (`blocks.rs`) and the tier hook (`tier.rs`) each take
//! the fuel they may use and say how many steps they took; a block runs only when the
//! fuel left allows all its steps, a loop block another round only when it allows one
//! more.

/// How many steps may still run. A `Copy` wrapper of the count with its methods always
/// inlined, so that it costs what the count did: the run loop and the block runner
/// check and spend it at every instruction and block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Fuel(u64);

impl Fuel {
    /// Fuel for `steps` steps.
    #[inline(always)]
    pub(super) const fn new(steps: u64) -> Fuel {
        Fuel(steps)
    }

    /// The steps that may still run.
    #[inline(always)]
    pub(super) const fn left(self) -> u64 {
        self.0
    }

    /// Is it used up?
    #[inline(always)]
    pub(super) const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Is there enough for `steps` more?
    #[inline(always)]
    pub(super) const fn allows(self, steps: u64) -> bool {
        steps <= self.0
    }

    /// Spends `steps`, which it must allow ([`Fuel::allows`]).
    #[inline(always)]
    pub(super) fn spend(&mut self, steps: u64) {
        debug_assert!(self.allows(steps), "spending {steps} of {}", self.0);
        self.0 -= steps;
    }

    /// The same, but no more than `steps`.
    #[inline(always)]
    pub(super) fn at_most(self, steps: u64) -> Fuel {
        Fuel(self.0.min(steps))
    }

    /// The steps spent since it was `self`, now that it is `now`.
    #[inline(always)]
    pub(super) fn used(self, now: Fuel) -> u64 {
        self.0 - now.0
    }
}

#[cfg(test)]
mod tests {
    use super::Fuel;

    #[test]
    fn spending_counts_down_to_empty() {
        let start = Fuel::new(10);
        let mut fuel = start;
        assert!(fuel.allows(10) && !fuel.allows(11) && !fuel.is_empty());
        fuel.spend(4);
        assert_eq!((fuel.left(), start.used(fuel)), (6, 4));
        assert!(fuel.allows(6) && !fuel.allows(7));
        fuel.spend(6);
        assert!(fuel.is_empty() && fuel.allows(0) && !fuel.allows(1));
        assert_eq!(start.used(fuel), 10);
    }

    #[test]
    fn at_most_caps_without_raising() {
        assert_eq!(Fuel::new(100).at_most(30), Fuel::new(30));
        assert_eq!(Fuel::new(20).at_most(30), Fuel::new(20));
        assert_eq!(Fuel::new(u64::MAX).at_most(1 << 16).left(), 1 << 16);
    }

    #[test]
    #[should_panic(expected = "spending 3 of 2")]
    #[cfg(debug_assertions)]
    fn overspending_is_a_bug() {
        Fuel::new(2).spend(3);
    }
}
