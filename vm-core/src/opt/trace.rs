//! Trace selection: which instructions a block stands for. The trace runs from its
//! start on the abstract stack (`stack.rs`): literals are pushed as they are, the pure
//! operations go through the rewrite rules (`rules.rs`), calls and jumps to known
//! places are followed, and the trace ends at what it cannot follow (a conditional
//! branch, a computed address, a return to a caller outside it, an instruction the
//! optimizer leaves alone, a place it has already been, or [`MAX_BLOCK`]
//! instructions). A trace that ends at a conditional jump goes on past it when that
//! makes a loop of one block ([`go_on`]), with a guard and a side exit for the other
//! branch. [`build`] then hands the trace to `place.rs` to be laid out.

use alloc::vec::Vec;

use super::rules::{self, Form, Rewrite};
use super::stack::{Av, Builder, Lit, SideAt, Sym};
use super::MAX_BLOCK;
use crate::block::{Block, Exit, Micro, Operand, Target, NO_BLOCK};
use crate::frame::Frame;
use crate::ops::{BinOp, Class, Control, Op};
use crate::program::{Instr, Program};

/// What an instruction did to the block being built.
pub(super) enum Step {
    /// Added to the block; go on with the next instruction.
    Go,
    /// Added; go on at this instruction (a call, jump or return followed).
    Goto(usize),
    /// Added, and it ends the block.
    End(Exit<Sym>),
    /// Cannot be part of the block: the block ends before it.
    Reject,
}

/// How many conditional jumps one trace may go on past.
const MAX_GUARDS: usize = 4;

/// Compiles the trace starting at `start`, if there is one worth having (two
/// instructions or more). `loops` are the program's loops ([`loops`]): a trace goes on
/// past a conditional jump only to make a loop of one block (see [`go_on`]).
#[inline(never)]
pub(super) fn build(p: &Program, start: usize, loops: &[(usize, usize)]) -> Option<Block> {
    let mut b = Builder::new(p);
    let (steps, at, exit) = b.trace(start, 0);
    let (steps, exit) =
        go_on(&mut b, steps, at, exit, start, loops, MAX_GUARDS).unwrap_or((steps, exit));
    if steps < 2 {
        return None;
    }
    b.finish(steps, exit)
}

/// A trace that ended at a conditional jump (at `at`) going on past it, along a branch
/// that stays in the loops around the jump, with a side exit for the other branch, as
/// long as that makes a loop of one block: a trace that comes back to its `start` with
/// the stack's depth and the frames as it found them. Depth first, trying the branch
/// taken when the condition holds first, up to `guards` jumps; `None` when no such
/// loop is found, with `b` as it was (the trace then ends at its first conditional
/// jump, as before). Else `b` is the loop and the result its steps and exit.
fn go_on(
    b: &mut Builder<'_>,
    steps: usize,
    at: usize,
    exit: Exit<Sym>,
    start: usize,
    loops: &[(usize, usize)],
    guards: usize,
) -> Option<(usize, Exit<Sym>)> {
    let Exit::JumpIf { c, t, f } = exit else {
        return None;
    };
    if t.pc as usize == start || f.pc as usize == start {
        return (b.depth == 0 && b.frames.is_empty()).then_some((steps, exit));
    }
    if guards == 0 || !b.frames.is_empty() {
        return None;
    }
    for (go, other, on) in [(t, f, true), (f, t, false)] {
        if leaves_loop(loops, at, go.pc as usize) {
            continue;
        }
        let saved = b.save();
        b.guard(c, on, steps, other);
        let (s2, at2, e2) = b.trace(go.pc as usize, steps);
        if let Some(found) = go_on(b, s2, at2, e2, start, loops, guards - 1) {
            return Some(found);
        }
        b.restore(saved);
    }
    None
}

/// Does a jump at `at` to `to` leave a loop around `at` (`to` outside a range of
/// [`loops`] that holds `at`)?
fn leaves_loop(loops: &[(usize, usize)], at: usize, to: usize) -> bool {
    loops
        .iter()
        .any(|&(head, end)| (head..=end).contains(&at) && !(head..=end).contains(&to))
}

/// The program's loops, as static ranges: from the target of a jump back (a literal
/// address before `jmp`, or either of the two literal addresses of `a b if jmp`) to the
/// jump.
pub(super) fn loops(p: &Program) -> Vec<(usize, usize)> {
    let addr = |i: Option<&Instr>| match i {
        Some(&Instr::Num(a)) => p.pc_of(a),
        Some(&Instr::Addr(a)) => p.pc_of(i64::from(a)),
        _ => None,
    };
    let mut out = Vec::new();
    for (j, &instr) in p.code.iter().enumerate() {
        if instr != Instr::Op(Op::Jmp) || j == 0 {
            continue;
        }
        let mut targets = [addr(p.code.get(j - 1)), None];
        if j >= 3 && p.code[j - 1] == Instr::Op(Op::If) {
            targets = [addr(p.code.get(j - 3)), addr(p.code.get(j - 2))];
        }
        out.extend(
            targets
                .into_iter()
                .flatten()
                .filter(|&h| h <= j)
                .map(|h| (h, j)),
        );
    }
    out
}

impl Builder<'_> {
    /// Runs the trace from `pc`, `steps` instructions in so far, until it ends; returns
    /// its steps, the instruction it ended at and how it ends.
    fn trace(&mut self, mut pc: usize, mut steps: usize) -> (usize, usize, Exit<Sym>) {
        let exit = loop {
            if pc >= self.p.code.len() || steps >= MAX_BLOCK {
                break Exit::Next {
                    pc: pc as u32,
                    block: NO_BLOCK,
                };
            }
            self.visited.push(pc as u32);
            let saved = self.save();
            match self.instr(pc) {
                Step::Go => pc += 1,
                Step::Goto(to) => pc = to,
                Step::End(exit) => {
                    steps += 1;
                    break exit;
                }
                Step::Reject => {
                    self.restore(saved);
                    break Exit::Next {
                        pc: pc as u32,
                        block: NO_BLOCK,
                    };
                }
            }
            steps += 1;
        };
        (steps, pc, exit)
    }

    /// Adds one instruction (at `pc`) to the block.
    fn instr(&mut self, pc: usize) -> Step {
        let instr = self.p.code[pc];
        match instr {
            Instr::Num(n) => self.push(Av::Lit(Lit::Num(n)), true),
            Instr::Bool(b) => self.push(Av::Lit(Lit::Bool(b)), true),
            Instr::Str(i) => self.push(Av::Lit(Lit::Str(i)), true),
            Instr::Addr(a) => self.push(Av::Lit(Lit::Num(i64::from(a))), true),
            Instr::Op(op) => return self.op(pc, op),
        }
        Step::Go
    }

    /// Adds the operation `op` (at `pc`): control is followed here, the pure operations
    /// go through the rules, and text and input or output end the block.
    fn op(&mut self, pc: usize, op: Op) -> Step {
        let class = op.class();
        match class {
            Class::Arithmetic(_) | Class::Comparison(_) | Class::Logic(_) | Class::Stack(_) => {}
            Class::Control(c) => match c {
                Control::Call => return self.branch(pc, true),
                Control::Jmp => return self.branch(pc, false),
                Control::Return => {
                    return match self.frames.pop() {
                        Some(f) => Step::Goto(f.ret as usize),
                        None => Step::End(Exit::Return),
                    }
                }
                Control::Stop | Control::Exit => return Step::Reject,
            },
            Class::Text(_) | Class::Io(_) => return Step::Reject,
        }
        let Some(form) = Form::of(self, class) else {
            return Step::Reject;
        };
        match rules::rewrite(self, form) {
            Rewrite::Done => Step::Go,
            Rewrite::Leave => Step::Reject,
        }
    }

    /// The target of a call or jump to the literal address `a`, if it is one.
    #[inline(never)]
    fn target(&self, v: Lit, call: bool) -> Option<Target> {
        let Lit::Num(a) = v else { return None };
        let pc = self.p.pc_of(a)?;
        Some(Target {
            addr: a as u32,
            pc: pc as u32,
            returns_at_once: call && self.p.code.get(pc) == Some(&Instr::Op(Op::Return)),
            block: NO_BLOCK,
            pops: 0,
            after: 0,
            after_block: NO_BLOCK,
            after_returns: false,
            chain: false,
        })
    }

    /// Fills in what happens after the call at `call` to `t` when `t` returns at once:
    /// the `return`s that follow pop the frames of the calls this trace followed, the
    /// latest first, and go where they return to.
    #[inline(never)]
    fn after_return(&self, mut t: Target, call: usize) -> Target {
        if !t.returns_at_once {
            return t;
        }
        let mut pc = call + 1;
        let mut pending = self.frames.len();
        while pending > 0 && self.p.code.get(pc) == Some(&Instr::Op(Op::Return)) {
            pending -= 1;
            pc = self.frames[pending].ret as usize;
        }
        t.pops = (self.frames.len() - pending) as u32;
        t.after = pc as u32;
        t.after_returns = self.p.code.get(pc) == Some(&Instr::Op(Op::Return));
        t
    }

    /// `call` or `jmp` at `pc`.
    #[inline(never)]
    fn branch(&mut self, pc: usize, call: bool) -> Step {
        let [a] = self.peek();
        let step = match a {
            Av::Lit(l) => match self.target(l, call) {
                None => return Step::Reject,
                // Follow it, unless the trace has been there (a loop, or recursion).
                Some(t) if !self.visited.contains(&t.pc) && (t.pc as usize) < self.p.code.len() => {
                    if call {
                        self.frames.push(Frame::of_call(pc as u32, t.addr));
                        self.frames_room = self.frames_room.max(self.frames.len());
                    }
                    Step::Goto(t.pc as usize)
                }
                Some(t) if call => {
                    self.frames_room = self.frames_room.max(self.frames.len() + 1);
                    Step::End(Exit::Call {
                        call: pc as u32,
                        to: t,
                    })
                }
                Some(t) => Step::End(Exit::Next {
                    pc: t.pc,
                    block: NO_BLOCK,
                }),
            },
            Av::Sel(c, x, y) => match (self.target(x, call), self.target(y, call)) {
                (Some(t), Some(f)) if call => {
                    self.frames_room = self.frames_room.max(self.frames.len() + 1);
                    Step::End(Exit::CallIf {
                        call: pc as u32,
                        c,
                        t: self.after_return(t, pc),
                        f: self.after_return(f, pc),
                    })
                }
                (Some(t), Some(f)) => Step::End(Exit::JumpIf { c, t, f }),
                _ => return Step::Reject,
            },
            // A computed address: the plain instruction checks it.
            Av::At(_) | Av::Neg(_) => return Step::Reject,
        };
        self.pop(1);
        step
    }

    /// Goes on past a conditional jump (its condition in `c`, `steps` instructions in,
    /// the jump included) along the branch taken when `c` is `on`: a guard, and the
    /// side exit to `other`, where the stack is as it is now.
    #[inline(never)]
    fn guard(&mut self, c: Sym, on: bool, steps: usize, other: Target) {
        // The side exit only moves values: what is not stored yet is computed now.
        let mut stack = Vec::with_capacity(self.stack.len());
        for i in 0..self.stack.len() {
            stack.push(match self.stack[i] {
                Av::Lit(l) => Err(l),
                v => {
                    let s = self.slot(v);
                    self.stack[i] = Av::At(s);
                    Ok(s)
                }
            });
        }
        // A comparison just made, that nothing else reads (what reads a value of the
        // trace has it on the abstract stack): the guard can test it itself.
        let alone = matches!(self.ops.last(),
            Some(&Micro::Bin { op: BinOp::Eq | BinOp::Ne, dst, b: Operand::Imm(_), .. }) if dst == c)
            && !stack.iter().any(|v| matches!(*v, Ok(s) if s == c));
        self.ops.push(Micro::Guard(c, on, self.sides.len() as u16));
        self.sides.push(SideAt {
            stack,
            need: self.need,
            steps: steps as u32,
            to: other,
            alone,
        });
    }
}
