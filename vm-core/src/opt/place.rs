//! Placing a built block in its window: inputs at the bottom (the deepest first),
//! results where the stack will have them, temporaries above both, or in the place of
//! their result when nothing can see it early ([`Builder::home_below_top`]); then the
//! moves that put each result in place, as a parallel assignment.

use alloc::vec;
use alloc::vec::Vec;

use super::stack::{Av, Builder, Lit, Sym, Ty};
use crate::block::{Block, Exit, Loop, Micro, Operand, Put, Side, NO_BLOCK, W, WINDOW};
use crate::ops::{BinOp, Fails};

impl Builder<'_> {
    /// Lets results computed after the block's last operation that can fail live
    /// where they go below the stack's top, instead of moving them there: once that
    /// operation succeeded the block will complete, so nothing can see the slot's old
    /// value early, as long as no later operation or move still reads it. The last
    /// failing operation itself may write there too if it writes only on success (the
    /// arithmetic does). This saves the moves of results like `a b +`, `n 1 +` in place.
    /// A guard does not fail the block, but its side exit reads inputs from their
    /// slots: a result is not written over an input that the side exit of a later
    /// guard reads.
    #[inline(never)]
    pub(super) fn home_below_top(
        &self,
        need: usize,
        outs: &[Result<Sym, Lit>],
        home: &mut [Option<W>],
    ) {
        // Which operations can fail, knowing the temporaries' types and what earlier
        // operations checked of the inputs.
        let mut known = vec![Ty::Any; need];
        let mut last_failing = None;
        for (k, op) in self.ops.iter().enumerate() {
            let ty = |s: Sym, known: &[Ty]| match s {
                Sym::Temp(t) => self.temps[usize::from(t)],
                Sym::Input(k) => known[usize::from(k)],
            };
            use Micro::*;
            // The slots it checks, each with the type it wants.
            let checks: [Option<(Sym, Ty)>; 2] = match *op {
                Bin { op, a, b, .. } => {
                    let sig = op.sig();
                    let right = match b {
                        Operand::Slot(_) => None,
                        Operand::Imm(n) => Some(n),
                    };
                    // (Dividing a number by a number other than 0 and -1 is exact.)
                    if sig.fails.may_fail(right) {
                        last_failing = Some(k);
                    }
                    let b = match b {
                        Operand::Slot(b) => sig.takes.get(1).map(|&t| (b, t)),
                        Operand::Imm(_) => None,
                    };
                    [sig.takes.first().map(|&t| (a, t)), b]
                }
                Not(_, a) | IsBool(a) => [Some((a, Ty::Bool)), None],
                Select(..) | Num(..) | Bool(..) | Str(..) | Move(..) | Guard(..) | GuardEq(..) => {
                    [None, None]
                }
            };
            let checks = checks
                .into_iter()
                .flatten()
                .filter(|&(_, want)| want != Ty::Any);
            for (s, want) in checks {
                if ty(s, &known) != want {
                    last_failing = Some(k);
                }
                if let Sym::Input(k) = s {
                    known[usize::from(k)] = want;
                }
            }
        }
        // (The block runner writes the result of an operation that can fail only when
        // it succeeds.)
        let writes_on_success = |op: &Micro<Sym>| match *op {
            Micro::Bin { op, .. } => op.sig().fails != Fails::Never,
            Micro::Not(..)
            | Micro::Select(..)
            | Micro::IsBool(_)
            | Micro::Num(..)
            | Micro::Bool(..)
            | Micro::Str(..)
            | Micro::Move(..)
            | Micro::Guard(..)
            | Micro::GuardEq(..) => false,
        };
        for (q, o) in outs.iter().enumerate().take(need) {
            let Ok(t) = *o else { continue };
            let Sym::Temp(ti) = t else { continue };
            if home[usize::from(ti)].is_some() {
                continue;
            }
            // Where the temporary is computed.
            let Some(k) = self.ops.iter().position(|op| op.dest() == Some(t)) else {
                continue;
            };
            let after_failing = match last_failing {
                None => true,
                Some(l) => k > l || (k == l && writes_on_success(&self.ops[k])),
            };
            // The input that is there now, read by no later operation and no move.
            let there = Sym::Input((need - 1 - q) as u16);
            let read_later = self.ops[k + 1..].iter().any(|op| {
                op.mentions(there)
                    || matches!(*op, Micro::Guard(_, _, side) | Micro::GuardEq(_, _, _, side)
                        if self.sides.get(usize::from(side))
                            .is_some_and(|s| holds(&s.stack, there)))
            }) || outs
                .iter()
                .enumerate()
                .any(|(q2, o)| q2 != q && *o == Ok(there));
            if after_failing && !read_later {
                home[usize::from(ti)] = Some(q as W);
            }
        }
    }

    /// `a n == then else if jmp` (or `!=`) where nothing else reads the comparison's
    /// result ([`SideAt::alone`](super::stack::SideAt)): one operation
    /// ([`Micro::GuardEq`]) instead of the comparison and its guard.
    #[inline(never)]
    fn fuse_guards(&mut self) {
        let mut i = 1;
        while i < self.ops.len() {
            if let Micro::Guard(_, on, k) = self.ops[i] {
                let alone = self.sides.get(usize::from(k)).is_some_and(|s| s.alone);
                let fused = match self.ops[i - 1] {
                    Micro::Bin {
                        op: op @ (BinOp::Eq | BinOp::Ne),
                        a,
                        b: Operand::Imm(n),
                        ..
                    } if alone => Some(Micro::GuardEq(a, n, on == (op == BinOp::Eq), k)),
                    _ => None,
                };
                if let Some(op) = fused {
                    self.ops[i - 1] = op;
                    self.ops.remove(i);
                }
            }
            i += 1;
        }
    }

    /// Lays the block out in its window: inputs at `0..need` (the deepest first),
    /// results at `0..out`, temporaries above both; then the moves that put each
    /// result in place.
    #[inline(never)]
    pub(super) fn finish(mut self, steps: usize, mut exit: Exit<Sym>) -> Option<Block> {
        let need = self.need as usize;
        let stack = core::mem::take(&mut self.stack);
        // Results that are not stored yet: literals are stored last; the rest now.
        let mut outs: Vec<Result<Sym, Lit>> = Vec::with_capacity(stack.len());
        for v in stack {
            outs.push(match v {
                Av::Lit(l) => Err(l),
                v => Ok(self.slot(v)),
            });
        }
        // A condition read after the moves must not be in a slot they may overwrite.
        if let Exit::JumpIf { c, .. } | Exit::Loop(Loop { c, .. }) | Exit::CallIf { c, .. } =
            &mut exit
        {
            if let Sym::Input(_) = *c {
                let d = self.temp(Ty::Bool);
                self.ops.push(Micro::Move(d, *c));
                *c = d;
            }
        }
        self.fuse_guards();
        // Temporaries that are results live where the result goes, if that is free
        // space; the others above every input and result.
        let mut home: Vec<Option<W>> = vec![None; self.temps.len()];
        for (q, o) in outs.iter().enumerate() {
            if let Ok(Sym::Temp(t)) = *o {
                if q >= need && home[usize::from(t)].is_none() {
                    home[usize::from(t)] = Some(q as W);
                }
            }
        }
        self.home_below_top(need, &outs, &mut home);
        // Side exits put values up to here.
        let side_top = self
            .sides
            .iter()
            .map(|s| need - usize::from(s.need) + s.stack.len())
            .max()
            .unwrap_or(0);
        let mut next = need.max(outs.len()).max(side_top) as W;
        let home: Vec<W> = home
            .into_iter()
            .map(|h| {
                h.unwrap_or_else(|| {
                    next += 1;
                    next - 1
                })
            })
            .collect();
        let spare = next;
        let place = |s: Sym| -> W {
            match s {
                Sym::Temp(t) => home[usize::from(t)],
                Sym::Input(k) => (need - 1 - usize::from(k)) as W,
            }
        };
        let mut ops: Vec<Micro> = self.ops.iter().map(|op| op.map(place)).collect();
        let exit = exit.map(place);
        let (puts, mut used_spare) = put_in_place(&outs, 0, &place, spare);
        ops.extend(puts.iter().map(|p| p.micro()));
        // Each side exit puts the stack as it was at its jump in place the same way:
        // the inputs it had not taken yet stay below.
        let mut sides = Vec::with_capacity(self.sides.len());
        for side in &self.sides {
            let below = need - usize::from(side.need);
            let outs = &side.stack;
            let (puts, used) = put_in_place(outs, below, &place, spare);
            used_spare |= used;
            sides.push(Side {
                steps: side.steps as u16,
                out: (below + outs.len()) as u16,
                puts: puts.into(),
                pc: side.to.pc,
                block: NO_BLOCK,
                chain: false,
            });
        }
        // A call that returns at once also takes the steps of its `return` and of
        // the returns known to follow it.
        let at_once = match exit {
            Exit::CallIf { t, f, .. } => [t, f]
                .iter()
                .filter(|t| t.returns_at_once)
                .map(|t| 1 + t.pops)
                .max()
                .unwrap_or(0),
            Exit::Next { .. }
            | Exit::JumpIf { .. }
            | Exit::Loop(_)
            | Exit::Call { .. }
            | Exit::Return => 0,
        };
        let window = usize::from(spare) + usize::from(used_spare);
        if window > WINDOW {
            return None;
        }
        // The counts below fit their `u16` fields: the window is at most 64 slots (the
        // values read and left, a side exit's too, are in it), and a block stands for
        // at most 64 instructions, each of which pushes at most one value or frame.
        Some(Block {
            steps: steps as u16,
            budget: (steps + at_once as usize) as u16,
            need: need as u16,
            room: self.room.max(0) as u16,
            window: window as u16,
            out: outs.len() as u16,
            frames_min: u16::from(exit == Exit::Return),
            frames_room: self.frames_room as u16,
            code: ops.iter().map(|&m| m.into()).collect(),
            ops: ops.into(),
            pushes: self.frames.into(),
            exit,
            sides: sides.into(),
        })
    }
}

/// Does `outs` have the value of slot `s` somewhere?
fn holds(outs: &[Result<Sym, Lit>], s: Sym) -> bool {
    outs.iter().any(|o| matches!(*o, Ok(x) if x == s))
}

/// What puts `outs` in the window's slots from `base` on: the moves (a parallel
/// assignment, in an order that runs one at a time, through the `spare` slot for a
/// cycle), then the literals. Also whether the spare slot was used.
fn put_in_place(
    outs: &[Result<Sym, Lit>],
    base: usize,
    place: &impl Fn(Sym) -> W,
    spare: W,
) -> (Vec<Put>, bool) {
    let at = |q: usize| (base + q) as W;
    let pending: Vec<(W, W)> = outs
        .iter()
        .enumerate()
        .filter_map(|(q, o)| match *o {
            Ok(s) if place(s) != at(q) => Some((at(q), place(s))),
            _ => None,
        })
        .collect();
    let (moves, used_spare) = parallel_moves(pending, spare);
    let mut puts: Vec<Put> = moves.iter().map(|&(d, s)| Put::Move(d, s)).collect();
    for (q, o) in outs.iter().enumerate() {
        if let Err(l) = *o {
            puts.push(Put::Lit(at(q), l));
        }
    }
    (puts, used_spare)
}

/// The moves `(destination, source)` of `pending` as a parallel assignment, in an
/// order that runs one at a time: a move waits while another still reads its
/// destination, and a cycle goes through the `spare` slot. Returns the moves and
/// whether the spare slot was used.
fn parallel_moves(mut pending: Vec<(W, W)>, spare: W) -> (Vec<(W, W)>, bool) {
    let mut moves: Vec<(W, W)> = Vec::with_capacity(pending.len());
    let mut used_spare = false;
    while !pending.is_empty() {
        let free = (0..pending.len()).find(|&i| pending.iter().all(|&(_, s)| s != pending[i].0));
        match free {
            Some(i) => moves.push(pending.remove(i)),
            None => {
                let d = pending[0].0;
                moves.push((spare, d));
                used_spare = true;
                for m in &mut pending {
                    if m.1 == d {
                        m.1 = spare;
                    }
                }
            }
        }
    }
    (moves, used_spare)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_run_one_at_a_time_and_cycles_use_the_spare_slot() {
        // 0 <- 1 and 1 <- 2: the first must go first (1 is read before it is written).
        assert_eq!(
            parallel_moves(vec![(1, 2), (0, 1)], 9),
            (vec![(0, 1), (1, 2)], false)
        );
        // A swap: 0 <- 1, 1 <- 0.
        let (moves, spare) = parallel_moves(vec![(0, 1), (1, 0)], 5);
        assert!(spare);
        assert_eq!(moves, [(5, 0), (0, 1), (1, 5)]);
    }
}
