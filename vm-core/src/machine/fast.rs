//! Running the optimizer's blocks (see [`crate::opt`]).
//!
//! A block runs only when it can run whole exactly as its plain instructions would. All
//! that can be checked up front is checked before anything happens: the step budget,
//! the values it reads, room on the stack for what its instructions push, room for a
//! call frame, a frame to return to. Then its operations run on a window of the stack,
//! writing only above the stack's top; an operation whose operands have the wrong type
//! or whose result would not be exact abandons the block, and the machine runs the
//! plain instruction at its start instead (the caller does that when this returns
//! `None`). Only when every operation succeeded do the final moves put the results in
//! place, and the stack depth, the frames and the position change.

use super::Machine;
use crate::opt::{exact_rem, Block, Code, Exit, Micro, W, WINDOW};
use crate::program::Frame;
use crate::program::Program;
use crate::slot::{Slot, Tag, View};

/// A block's window: `WINDOW` slots of the stack from `sp - need`, tags and bits
/// apart as the stack keeps them. Slot numbers are below `WINDOW` (the optimizer drops
/// blocks that would need more), so the mask in [`at`] never changes one; it only lets
/// the compiler see that no bounds check is needed.
struct Window<'a> {
    tags: &'a mut [Tag; WINDOW],
    bits: &'a mut [u64; WINDOW],
}

/// Slot `i` of a window.
#[inline(always)]
fn at(i: W) -> usize {
    usize::from(i) & (WINDOW - 1)
}

impl Window<'_> {
    #[inline(always)]
    fn get(&self, i: W) -> Slot {
        Slot {
            tag: self.tags[at(i)],
            bits: self.bits[at(i)],
        }
    }

    #[inline(always)]
    fn tag(&self, i: W) -> Tag {
        self.tags[at(i)]
    }

    #[inline(always)]
    fn bits(&self, i: W) -> u64 {
        self.bits[at(i)]
    }

    #[inline(always)]
    fn set(&mut self, i: W, s: Slot) {
        self.tags[at(i)] = s.tag;
        self.bits[at(i)] = s.bits;
    }
}

impl Machine {
    /// Runs blocks, one after another, from `pc` for at most `budget` steps, as long as
    /// the next instruction starts a block that can run whole. Returns where it
    /// stopped and the steps taken (0 when the block at `pc` cannot run: the caller
    /// then runs its first instruction on its own).
    #[inline(never)]
    pub(super) fn run_blocks(&mut self, p: &Program, mut pc: usize, budget: u64) -> (usize, u64) {
        let max_stack = self.limits.max_stack;
        let max_calls = self.limits.max_calls;
        let mut done = 0u64;
        while let Some(&Code::Block(index)) = p.fast.get(pc) {
            let b: &Block = &p.blocks[index as usize];
            let sp = self.sp;
            let frames = self.frames.len();
            if u64::from(b.budget) > budget - done
                || sp < b.need as usize
                || sp + b.room as usize > max_stack
                || frames < b.frames_min as usize
                || frames + b.frames_room as usize > max_calls
            {
                break;
            }
            let base = sp - b.need as usize;
            if base + WINDOW > self.stack.len() {
                self.grow(base + WINDOW);
            }
            let view = View {
                strings: &self.strings,
                program: p,
            };
            let Some((tags, bits)) = self.stack.window(base) else {
                break;
            };
            let mut w = Window { tags, bits };
            if !b.ops.iter().all(|&m| run(&mut w, m, view)) {
                break;
            }
            // Everything checked: commit.
            let cond = match b.exit {
                Exit::JumpIf { c, .. } | Exit::CallIf { c, .. } => w.bits(c) != 0,
                _ => false,
            };
            for &(d, s) in b.moves.iter() {
                w.set(d, w.get(s));
            }
            for &(d, v) in b.sets.iter() {
                w.set(d, v);
            }
            self.sp = base + b.out as usize;
            self.frames.extend_from_slice(&b.pushes);
            done += u64::from(b.steps);
            pc = match b.exit {
                Exit::Next(pc) => pc as usize,
                Exit::JumpIf { t, f, .. } => (if cond { t } else { f }).pc as usize,
                Exit::Call { call, to } => {
                    self.frames.push(Frame {
                        ret: call + 1,
                        call,
                        target: to.addr,
                    });
                    to.pc as usize
                }
                Exit::CallIf { call, t, f, .. } => {
                    let to = if cond { t } else { f };
                    if to.returns_at_once {
                        // The callee returns at once: its `return` is one more step.
                        done += 1;
                        self.ret_chain(p, call as usize + 1, budget, &mut done)
                    } else {
                        self.frames.push(Frame {
                            ret: call + 1,
                            call,
                            target: to.addr,
                        });
                        to.pc as usize
                    }
                }
                Exit::Return => match self.frames.pop() {
                    Some(f) => self.ret_chain(p, f.ret as usize, budget, &mut done),
                    None => unreachable!("checked before the block ran"),
                },
            };
        }
        (pc, done)
    }

    /// Runs the `return`s that follow at `pc` (as after `call return` at the end of a
    /// subroutine), while there are frames and budget; returns where it stopped.
    #[inline(always)]
    fn ret_chain(&mut self, p: &Program, mut pc: usize, budget: u64, done: &mut u64) -> usize {
        while *done < budget && p.fast.get(pc) == Some(&Code::Return) {
            let Some(f) = self.frames.pop() else { break };
            pc = f.ret as usize;
            *done += 1;
        }
        pc
    }
}

/// Runs one operation of a block on its window; `false` when its operands or its
/// result are not what the plain instruction would accept.
#[inline(always)]
fn run(w: &mut Window<'_>, m: Micro, view: View) -> bool {
    match m {
        Micro::Add(d, a, b) => arith(w, d, w.get(a), w.get(b), i64::checked_add),
        Micro::Sub(d, a, b) => arith(w, d, w.get(a), w.get(b), i64::checked_sub),
        Micro::Mul(d, a, b) => arith(w, d, w.get(a), w.get(b), i64::checked_mul),
        Micro::Div(d, a, b) => arith(w, d, w.get(a), w.get(b), i64::checked_div),
        Micro::Rem(d, a, b) => arith(w, d, w.get(a), w.get(b), exact_rem),
        Micro::AddI(d, a, n) => arith(w, d, w.get(a), Slot::num(n), i64::checked_add),
        Micro::SubI(d, a, n) => arith(w, d, w.get(a), Slot::num(n), i64::checked_sub),
        Micro::MulI(d, a, n) => arith(w, d, w.get(a), Slot::num(n), i64::checked_mul),
        Micro::DivI(d, a, n) => arith(w, d, w.get(a), Slot::num(n), i64::checked_div),
        Micro::RemI(d, a, n) => arith(w, d, w.get(a), Slot::num(n), exact_rem),
        Micro::Lt(d, a, b) => compare(w, d, w.get(a), w.get(b), |x, y| x < y),
        Micro::Le(d, a, b) => compare(w, d, w.get(a), w.get(b), |x, y| x <= y),
        Micro::Gt(d, a, b) => compare(w, d, w.get(a), w.get(b), |x, y| x > y),
        Micro::Ge(d, a, b) => compare(w, d, w.get(a), w.get(b), |x, y| x >= y),
        Micro::LtI(d, a, n) => compare(w, d, w.get(a), Slot::num(n), |x, y| x < y),
        Micro::LeI(d, a, n) => compare(w, d, w.get(a), Slot::num(n), |x, y| x <= y),
        Micro::GtI(d, a, n) => compare(w, d, w.get(a), Slot::num(n), |x, y| x > y),
        Micro::GeI(d, a, n) => compare(w, d, w.get(a), Slot::num(n), |x, y| x >= y),
        Micro::Eq(d, a, b) => {
            w.set(d, Slot::bool(view.equal(w.get(a), w.get(b))));
            true
        }
        Micro::Ne(d, a, b) => {
            w.set(d, Slot::bool(!view.equal(w.get(a), w.get(b))));
            true
        }
        Micro::EqI(d, a, n) => {
            let x = w.get(a);
            w.set(d, Slot::bool(x.tag == Tag::Num && x.bits == n as u64));
            true
        }
        Micro::NeI(d, a, n) => {
            let x = w.get(a);
            w.set(d, Slot::bool(!(x.tag == Tag::Num && x.bits == n as u64)));
            true
        }
        Micro::And(d, a, b) => logic(w, d, w.get(a), w.get(b), |x, y| x & y),
        Micro::Or(d, a, b) => logic(w, d, w.get(a), w.get(b), |x, y| x | y),
        Micro::Not(d, a) => {
            let x = w.get(a);
            w.set(d, Slot::bool(x.bits == 0));
            x.tag == Tag::Bool
        }
        Micro::Select(d, c, t, f) => {
            w.set(d, if w.bits(c) != 0 { w.get(t) } else { w.get(f) });
            true
        }
        Micro::IsBool(a) => w.tag(a) == Tag::Bool,
        Micro::Num(d, n) => {
            w.set(d, Slot::num(n));
            true
        }
        Micro::Bool(d, b) => {
            w.set(d, Slot::bool(b));
            true
        }
        Micro::Str(d, i) => {
            w.set(d, Slot::constant(i));
            true
        }
        Micro::Move(d, s) => {
            w.set(d, w.get(s));
            true
        }
    }
}

#[inline(always)]
fn arith(w: &mut Window<'_>, d: W, a: Slot, b: Slot, f: fn(i64, i64) -> Option<i64>) -> bool {
    if a.tag != Tag::Num || b.tag != Tag::Num {
        return false;
    }
    match f(a.bits as i64, b.bits as i64) {
        Some(r) => {
            w.set(d, Slot::num(r));
            true
        }
        None => false,
    }
}

#[inline(always)]
fn compare(w: &mut Window<'_>, d: W, a: Slot, b: Slot, f: fn(i64, i64) -> bool) -> bool {
    w.set(d, Slot::bool(f(a.bits as i64, b.bits as i64)));
    a.tag == Tag::Num && b.tag == Tag::Num
}

#[inline(always)]
fn logic(w: &mut Window<'_>, d: W, a: Slot, b: Slot, f: fn(u64, u64) -> u64) -> bool {
    w.set(
        d,
        Slot {
            tag: Tag::Bool,
            bits: f(a.bits, b.bits),
        },
    );
    a.tag == Tag::Bool && b.tag == Tag::Bool
}
