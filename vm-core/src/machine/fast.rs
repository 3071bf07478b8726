//! Running the optimizer's blocks (see [`crate::opt`]).
//!
//! A block runs only when it can run whole exactly as its plain instructions would. All
//! that can be checked up front is checked before anything happens: the step budget,
//! the values it reads, room on the stack for what its instructions push, room for a
//! call frame, a frame to return to. Then its operations run on a window of the stack,
//! writing only above the stack's top; an operation whose operands have the wrong type
//! or whose result would not be exact abandons the block, and the machine runs the
//! plain instruction at its start instead (the caller does that when no step was
//! taken). Only when every such operation succeeded do the last ones put the results
//! in place and push frames, and the stack depth and the position change.
//!
//! The operations are threaded: each is an [`Insn`], the function that runs it with its
//! operands, and each function ends by calling the next one's. Every operation thus
//! has its own indirect jump to the next, which processors predict far better than
//! one shared `match` (the jump after an `==` of a block is usually followed by the
//! same operation as last time). The calls are tail calls in optimized builds; without
//! that, the depth is still bounded by the length of a block.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::fmt;

use super::Machine;
use crate::opt::{exact_rem, Code, Exit, Micro, Target, W, WINDOW};
use crate::program::Frame;
use crate::program::Program;
use crate::slot::{Slot, Stack, Tag, View};

/// A block's window: `WINDOW` slots of the stack from `sp - need`, tags and bits
/// apart as the stack keeps them. Slot numbers are below `WINDOW` (the optimizer drops
/// blocks that would need more), so the mask in [`at`] never changes one; it only lets
/// the compiler see that no bounds check is needed.
struct Window<'a> {
    tags: &'a mut [Tag; WINDOW],
    bits: &'a mut [u64; WINDOW],
}

/// What the operations of a block work on.
struct Ctx<'a> {
    w: Window<'a>,
    frames: &'a mut Vec<Frame>,
    view: View<'a>,
}

/// The function that runs an operation and then the ones after it (the first of the
/// slice it is given is its own).
type Handler = fn(&mut Ctx<'_>, &[Insn]) -> bool;

/// A block's operation, threaded: its function and its operands.
#[derive(Clone, Copy)]
pub(crate) struct Insn {
    run: Handler,
    /// The operation (which `run` is the function of).
    pub(crate) m: Micro,
}

/// Threads a block's operations (see the module's documentation).
pub(crate) fn thread(ops: &[Micro]) -> Box<[Insn]> {
    ops.iter()
        .map(|m| Insn {
            run: handler(m),
            m: *m,
        })
        .collect()
}

impl PartialEq for Insn {
    fn eq(&self, other: &Insn) -> bool {
        // The function follows from the operation.
        self.m == other.m
    }
}

impl Eq for Insn {}

impl fmt::Debug for Insn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.m.fmt(f)
    }
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
    ///
    /// The stack, its depth and the frames are moved into locals for the loop, so
    /// that the compiler can keep them in registers.
    #[inline(never)]
    pub(super) fn run_blocks(&mut self, p: &Program, pc: usize, budget: u64) -> (usize, u64) {
        let mut regs = Regs {
            stack: core::mem::take(&mut self.stack),
            frames: core::mem::take(&mut self.frames),
            sp: self.sp,
        };
        let view = View {
            strings: &self.strings,
            program: p,
        };
        let limits = (self.limits.max_stack, self.limits.max_calls);
        let (pc, done) = regs.run(p, view, limits, pc, budget);
        self.stack = regs.stack;
        self.frames = regs.frames;
        self.sp = regs.sp;
        (pc, done)
    }
}

/// What blocks change: the stack, its depth and the call frames.
struct Regs {
    stack: Stack,
    frames: Vec<Frame>,
    sp: usize,
}

impl Regs {
    #[inline(always)]
    fn run(
        &mut self,
        p: &Program,
        view: View<'_>,
        (max_stack, max_calls): (usize, usize),
        mut pc: usize,
        budget: u64,
    ) -> (usize, u64) {
        let mut done = 0u64;
        while let Some(&Code::Block(index)) = p.fast.get(pc) {
            let Some(b) = p.blocks.get(index as usize) else {
                break;
            };
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
                let len = (base + WINDOW).max(self.stack.len() * 2);
                self.stack.resize(len);
            }
            let Some((tags, bits)) = self.stack.window(base) else {
                break;
            };
            let mut c = Ctx {
                w: Window { tags, bits },
                frames: &mut self.frames,
                view,
            };
            if !next(&mut c, &b.ops) {
                break;
            }
            let w = c.w;
            // Every operation ran: the results are in place, the frames pushed.
            self.sp = base + b.out as usize;
            done += u64::from(b.steps);
            pc = match b.exit {
                Exit::Next(pc) => pc as usize,
                Exit::JumpIf { c, t, f } => (if w.bits(c) != 0 { t } else { f }).pc as usize,
                Exit::Call { call, to } => self.call(call, to),
                Exit::CallIf { call, c, t, f } => {
                    let to = if w.bits(c) != 0 { t } else { f };
                    if to.returns_at_once {
                        // The callee returns at once: its `return` is one more step.
                        done += 1;
                        self.ret_chain(p, call as usize + 1, budget, &mut done)
                    } else {
                        self.call(call, to)
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

    /// Pushes the frame of the `call` at `call` to `to`; returns where it goes.
    #[inline(always)]
    fn call(&mut self, call: u32, to: Target) -> usize {
        self.frames.push(Frame {
            ret: call + 1,
            call,
            target: to.addr,
        });
        to.pc as usize
    }

    /// Runs the `return`s that follow at `pc` (as after `call return` at the end of a
    /// subroutine), while there are frames and budget; returns where it stopped.
    #[inline(always)]
    fn ret_chain(&mut self, p: &Program, mut pc: usize, budget: u64, done: &mut u64) -> usize {
        while *done < budget && matches!(p.fast.get(pc), Some(Code::Return)) {
            let Some(f) = self.frames.pop() else { break };
            pc = f.ret as usize;
            *done += 1;
        }
        pc
    }
}

/// Runs the operations from the first of `ops` on: calls the first one's function,
/// which runs it and calls the next; `true` when all ran.
#[inline(always)]
fn next(c: &mut Ctx<'_>, ops: &[Insn]) -> bool {
    match ops.first() {
        Some(op) => (op.run)(c, ops),
        None => true,
    }
}

/// The function for each operation: `name: pattern => body,` where the body says
/// whether the operation succeeded (see [`next`]). The first two names are the ones
/// bodies use for the [`Ctx`] and its window.
macro_rules! threaded {
    ($c:ident, $w:ident; $($name:ident: $pat:pat => $body:expr,)*) => {
        $(
            fn $name($c: &mut Ctx<'_>, ops: &[Insn]) -> bool {
                let Some((op, rest)) = ops.split_first() else {
                    return true;
                };
                #[allow(unused_variables)]
                let $w = &mut $c.w;
                let ok = match op.m {
                    $pat => $body,
                    _ => false,
                };
                ok && next($c, rest)
            }
        )*

        /// The function that runs `m`.
        #[allow(unused_variables)]
        fn handler(m: &Micro) -> Handler {
            match m {
                $($pat => $name,)*
            }
        }
    };
}

threaded! {
    cx, w;
    add: Micro::Add(d, a, b) => arith(w, d, w.get(a), w.get(b), i64::checked_add),
    sub: Micro::Sub(d, a, b) => arith(w, d, w.get(a), w.get(b), i64::checked_sub),
    mul: Micro::Mul(d, a, b) => arith(w, d, w.get(a), w.get(b), i64::checked_mul),
    div: Micro::Div(d, a, b) => arith(w, d, w.get(a), w.get(b), i64::checked_div),
    rem: Micro::Rem(d, a, b) => arith(w, d, w.get(a), w.get(b), exact_rem),
    add_i: Micro::AddI(d, a, n) => arith(w, d, w.get(a), Slot::num(n), i64::checked_add),
    sub_i: Micro::SubI(d, a, n) => arith(w, d, w.get(a), Slot::num(n), i64::checked_sub),
    mul_i: Micro::MulI(d, a, n) => arith(w, d, w.get(a), Slot::num(n), i64::checked_mul),
    div_i: Micro::DivI(d, a, n) => arith(w, d, w.get(a), Slot::num(n), i64::checked_div),
    rem_i: Micro::RemI(d, a, n) => arith(w, d, w.get(a), Slot::num(n), exact_rem),
    lt: Micro::Lt(d, a, b) => compare(w, d, w.get(a), w.get(b), |x, y| x < y),
    le: Micro::Le(d, a, b) => compare(w, d, w.get(a), w.get(b), |x, y| x <= y),
    gt: Micro::Gt(d, a, b) => compare(w, d, w.get(a), w.get(b), |x, y| x > y),
    ge: Micro::Ge(d, a, b) => compare(w, d, w.get(a), w.get(b), |x, y| x >= y),
    lt_i: Micro::LtI(d, a, n) => compare(w, d, w.get(a), Slot::num(n), |x, y| x < y),
    le_i: Micro::LeI(d, a, n) => compare(w, d, w.get(a), Slot::num(n), |x, y| x <= y),
    gt_i: Micro::GtI(d, a, n) => compare(w, d, w.get(a), Slot::num(n), |x, y| x > y),
    ge_i: Micro::GeI(d, a, n) => compare(w, d, w.get(a), Slot::num(n), |x, y| x >= y),
    eq: Micro::Eq(d, a, b) => {
            w.set(d, Slot::bool(cx.view.equal(w.get(a), w.get(b))));
            true
        },
    ne: Micro::Ne(d, a, b) => {
            w.set(d, Slot::bool(!cx.view.equal(w.get(a), w.get(b))));
            true
        },
    eq_i: Micro::EqI(d, a, n) => {
            let x = w.get(a);
            w.set(d, Slot::bool(x.tag == Tag::Num && x.bits == n as u64));
            true
        },
    ne_i: Micro::NeI(d, a, n) => {
            let x = w.get(a);
            w.set(d, Slot::bool(!(x.tag == Tag::Num && x.bits == n as u64)));
            true
        },
    and: Micro::And(d, a, b) => logic(w, d, w.get(a), w.get(b), |x, y| x & y),
    or: Micro::Or(d, a, b) => logic(w, d, w.get(a), w.get(b), |x, y| x | y),
    not: Micro::Not(d, a) => {
            let x = w.get(a);
            w.set(d, Slot::bool(x.bits == 0));
            x.tag == Tag::Bool
        },
    select: Micro::Select(d, c, t, f) => {
            w.set(d, if w.bits(c) != 0 { w.get(t) } else { w.get(f) });
            true
        },
    is_bool: Micro::IsBool(a) => w.tag(a) == Tag::Bool,
    num: Micro::Num(d, n) => {
            w.set(d, Slot::num(n));
            true
        },
    bool: Micro::Bool(d, b) => {
            w.set(d, Slot::bool(b));
            true
        },
    str: Micro::Str(d, i) => {
            w.set(d, Slot::constant(i));
            true
        },
    copy: Micro::Move(d, s) => {
            w.set(d, w.get(s));
            true
        },
    push: Micro::Push(f) => {
            cx.frames.push(f);
            true
        },
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
