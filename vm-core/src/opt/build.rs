//! Building a block: the trace runs once on an abstract stack. Literals stay
//! literals (and fold), `dup`, `drop`, `swap`, `over` and `rot` rename, `not` before
//! `if` swaps the branches, calls to known places are followed, and what is left
//! becomes [`Micro`] operations on symbolic slots ([`Sym`]): the block's inputs and its
//! temporaries. `place.rs` then gives each a slot of the window.

use alloc::vec::Vec;

use super::MAX_BLOCK;
pub(super) use crate::block::Lit;
use crate::block::{Block, Exit, Micro, Operand, Target, NO_BLOCK};
use crate::frame::Frame;
use crate::ops::{Arith, BinOp, Class, Compare, Control, Fails, Logic, Op, Shuffle};
use crate::program::{Instr, Program};

/// What the optimizer knows of a value's type (in the operation table's terms).
pub(super) use crate::ops::Type as Ty;

impl Lit {
    fn ty(self) -> Ty {
        match self {
            Lit::Num(_) => Ty::Num,
            Lit::Bool(_) => Ty::Bool,
            Lit::Str(_) => Ty::Str,
        }
    }
}

/// A symbolic slot while a block is built: an input (`k` values below the top at the
/// start) or a temporary. Both become window slots when the block is placed
/// (`place.rs`), where the runner needs only plain indexes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Sym {
    /// The `k`th value below the stack's top when the block starts (0 is the top).
    Input(u16),
    /// The `t`th temporary the block computes.
    Temp(u16),
}

/// A value on the abstract stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Av {
    /// An input or a temporary.
    At(Sym),
    /// A literal, not stored anywhere yet.
    Lit(Lit),
    /// The negation of a boolean input or temporary, not computed yet.
    Neg(Sym),
    /// `if` between two literals, not computed yet: the condition is a boolean.
    Sel(Sym, Lit, Lit),
}

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

/// A block being built.
pub(super) struct Builder<'p> {
    pub(super) p: &'p Program,
    /// The abstract stack above the values not touched (the bottom of it may be inputs).
    pub(super) stack: Vec<Av>,
    /// Inputs taken so far.
    pub(super) need: u16,
    /// The depth relative to the start.
    pub(super) depth: i32,
    /// The highest depth a room-checking push reached (`depth + 1` at the push).
    pub(super) room: i32,
    pub(super) ops: Vec<Micro<Sym>>,
    pub(super) temps: Vec<Ty>,
    /// What is known of each input's type (checked by an earlier operation).
    pub(super) known: Vec<Ty>,
    /// Frames of the calls followed and not returned from yet, oldest first.
    pub(super) frames: Vec<Frame>,
    /// The most frames the trace's calls had pushed at once (its own calls counted).
    pub(super) frames_room: usize,
    /// The instructions the trace has run.
    pub(super) visited: Vec<u32>,
    /// The side exits of the conditional jumps the trace went on past, in order.
    pub(super) sides: Vec<SideAt>,
}

/// A side exit while a block is built: the abstract stack at the conditional jump the
/// trace went on past (every value stored in a slot or a literal), the inputs taken up
/// to there, the steps up to the jump (included), and where the other branch goes.
#[derive(Clone, Debug)]
pub(super) struct SideAt {
    /// The stack's values from the bottom of what the trace touched: a slot, or a
    /// literal to store.
    pub(super) stack: Vec<Result<Sym, Lit>>,
    pub(super) need: u16,
    pub(super) steps: u32,
    pub(super) to: Target,
    /// The guard's condition is an `==` or `!=` with a number made just before it,
    /// which nothing else reads.
    pub(super) alone: bool,
}

/// What is saved to undo an instruction that turns out not to fit.
struct Saved {
    stack: Vec<Av>,
    need: u16,
    depth: i32,
    room: i32,
    ops: usize,
    temps: usize,
    known: Vec<Ty>,
    frames: Vec<Frame>,
    frames_room: usize,
    visited: usize,
    sides: usize,
}

// The methods are kept out of line (`#[inline(never)]`): this runs once per program,
// and inlining the helpers into every instruction's case only made the WebAssembly
// module bigger (by about 1 KB gzipped).
impl<'p> Builder<'p> {
    /// Nothing built yet, on `p`.
    pub(super) fn new(p: &'p Program) -> Builder<'p> {
        Builder {
            p,
            stack: Vec::new(),
            need: 0,
            depth: 0,
            room: 0,
            ops: Vec::new(),
            temps: Vec::new(),
            known: Vec::new(),
            frames: Vec::new(),
            frames_room: 0,
            visited: Vec::new(),
            sides: Vec::new(),
        }
    }

    #[inline(never)]
    fn save(&self) -> Saved {
        Saved {
            stack: self.stack.clone(),
            need: self.need,
            depth: self.depth,
            room: self.room,
            ops: self.ops.len(),
            temps: self.temps.len(),
            known: self.known.clone(),
            frames: self.frames.clone(),
            frames_room: self.frames_room,
            visited: self.visited.len(),
            sides: self.sides.len(),
        }
    }

    #[inline(never)]
    fn restore(&mut self, s: Saved) {
        self.stack = s.stack;
        self.need = s.need;
        self.depth = s.depth;
        self.room = s.room;
        self.ops.truncate(s.ops);
        self.temps.truncate(s.temps);
        self.known = s.known;
        self.frames = s.frames;
        self.frames_room = s.frames_room;
        self.visited.truncate(s.visited);
        self.sides.truncate(s.sides);
    }

    /// Makes sure the abstract stack has `n` values, taking inputs below it.
    #[inline(never)]
    fn pull(&mut self, n: usize) {
        while self.stack.len() < n {
            self.stack.insert(0, Av::At(Sym::Input(self.need)));
            self.known.push(Ty::Any);
            self.need += 1;
        }
    }

    /// The top `N` values, pulling inputs as needed.
    #[inline(never)]
    fn peek<const N: usize>(&mut self) -> [Av; N] {
        self.pull(N);
        let len = self.stack.len();
        let mut out = [Av::Lit(Lit::Num(0)); N];
        out.copy_from_slice(&self.stack[len - N..]);
        out
    }

    #[inline(never)]
    fn pop(&mut self, n: usize) {
        self.pull(n);
        self.stack.truncate(self.stack.len() - n);
        self.depth -= n as i32;
    }

    /// Pushes `v`; `checked` when the plain instruction checks for room first.
    #[inline(never)]
    fn push(&mut self, v: Av, checked: bool) {
        if checked {
            self.room = self.room.max(self.depth + 1);
        }
        self.stack.push(v);
        self.depth += 1;
    }

    #[inline(never)]
    pub(super) fn temp(&mut self, ty: Ty) -> Sym {
        self.temps.push(ty);
        Sym::Temp((self.temps.len() - 1) as u16)
    }

    fn sym_ty(&self, s: Sym) -> Ty {
        match s {
            Sym::Temp(t) => self.temps[usize::from(t)],
            Sym::Input(k) => self.known[usize::from(k)],
        }
    }

    fn ty(&self, v: Av) -> Ty {
        match v {
            Av::At(s) => self.sym_ty(s),
            Av::Lit(l) => l.ty(),
            Av::Neg(_) => Ty::Bool,
            Av::Sel(_, t, f) if t.ty() == f.ty() => t.ty(),
            Av::Sel(..) => Ty::Any,
        }
    }

    /// Records that `v` has passed a check for `ty`.
    #[inline(never)]
    fn learn(&mut self, v: Av, ty: Ty) {
        if let Av::At(Sym::Input(k)) = v {
            self.known[usize::from(k)] = ty;
        }
    }

    /// A slot holding `v`, computing it if it is not stored yet.
    #[inline(never)]
    pub(super) fn slot(&mut self, v: Av) -> Sym {
        match v {
            Av::At(s) => s,
            Av::Lit(l) => {
                let d = self.temp(l.ty());
                self.ops.push(l.store(d));
                d
            }
            Av::Neg(s) => {
                let d = self.temp(Ty::Bool);
                self.ops.push(Micro::Not(d, s));
                d
            }
            Av::Sel(c, t, f) => {
                let (st, sf) = (self.slot(Av::Lit(t)), self.slot(Av::Lit(f)));
                let d = self.temp(self.ty(v));
                self.ops.push(Micro::Select(d, c, st, sf));
                d
            }
        }
    }

    /// Replaces the top `n` values with the result of `op` into a new temporary.
    #[inline(never)]
    fn result(&mut self, n: usize, ty: Ty, op: impl FnOnce(Sym) -> Micro<Sym>) {
        let d = self.temp(ty);
        self.ops.push(op(d));
        self.pop(n);
        self.push(Av::At(d), false);
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

    fn op(&mut self, pc: usize, op: Op) -> Step {
        match op.class() {
            Class::Arithmetic(a) => return self.arith(a),
            Class::Comparison(c @ (Compare::Eq | Compare::Ne)) => return self.equal(c),
            Class::Comparison(c @ (Compare::Lt | Compare::Le | Compare::Gt | Compare::Ge)) => {
                return self.compare(c)
            }
            Class::Logic(l @ (Logic::And | Logic::Or)) => return self.logic(l),
            Class::Logic(Logic::Not) => return self.not(),
            Class::Logic(Logic::If) => return self.select(),
            Class::Stack(s) => self.shuffle(s),
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
        Step::Go
    }

    /// `dup drop swap over rot`: renamings on the abstract stack.
    fn shuffle(&mut self, op: Shuffle) {
        match op {
            Shuffle::Dup => {
                let [a] = self.peek();
                self.push(a, true);
            }
            Shuffle::Drop => self.pop(1),
            Shuffle::Swap => {
                let [a, b] = self.peek();
                self.pop(2);
                self.push(b, false);
                self.push(a, false);
            }
            Shuffle::Over => {
                let [a, _] = self.peek();
                self.push(a, true);
            }
            Shuffle::Rot => {
                let [a, b, c] = self.peek();
                self.pop(3);
                self.push(b, false);
                self.push(c, false);
                self.push(a, false);
            }
        }
    }

    /// Can `v` be a number (or a boolean, for `want == Ty::Bool`)?
    fn may_be(&self, v: Av, want: Ty) -> bool {
        matches!(self.ty(v), t if t == want || t == Ty::Any)
    }

    /// `+ - * / %`: folded when both operands are literals, an immediate form when
    /// one is (the left one only when the operation commutes).
    #[inline(never)]
    fn arith(&mut self, op: Arith) -> Step {
        let Some(bin_op) = BinOp::of(op.op()) else {
            return Step::Reject;
        };
        let [a, b] = self.peek();
        if !self.may_be(a, Ty::Num) || !self.may_be(b, Ty::Num) {
            return Step::Reject; // always a type error: let the plain instruction say so
        }
        match (a, b) {
            (Av::Lit(Lit::Num(x)), Av::Lit(Lit::Num(y))) => match op.apply(x, y) {
                Ok(r) => {
                    self.pop(2);
                    self.push(Av::Lit(Lit::Num(r)), false);
                }
                Err(_) => return Step::Reject,
            },
            // (By 0 it always fails: the plain instruction says so.)
            (_, Av::Lit(Lit::Num(0))) if bin_op.sig().fails == Fails::Divisor => {
                return Step::Reject
            }
            (_, Av::Lit(Lit::Num(y))) => {
                let sa = self.slot(a);
                self.learn(a, Ty::Num);
                self.result(2, Ty::Num, |d| bin(bin_op, d, sa, Operand::Imm(y)));
            }
            (Av::Lit(Lit::Num(x)), _) if op.commutes() => {
                let sb = self.slot(b);
                self.learn(b, Ty::Num);
                self.result(2, Ty::Num, |d| bin(bin_op, d, sb, Operand::Imm(x)));
            }
            _ => {
                let (sa, sb) = (self.slot(a), self.slot(b));
                self.learn(a, Ty::Num);
                self.learn(b, Ty::Num);
                self.result(2, Ty::Num, |d| bin(bin_op, d, sa, Operand::Slot(sb)));
            }
        }
        Step::Go
    }

    /// `< <= > >=`: folded, or an immediate form (flipped for a literal on the left).
    #[inline(never)]
    fn compare(&mut self, op: Compare) -> Step {
        let (Some(bin_op), Some(flipped)) = (BinOp::of(op.op()), BinOp::of(op.flipped().op()))
        else {
            return Step::Reject;
        };
        let [a, b] = self.peek();
        if !self.may_be(a, Ty::Num) || !self.may_be(b, Ty::Num) {
            return Step::Reject;
        }
        match (a, b) {
            (Av::Lit(Lit::Num(x)), Av::Lit(Lit::Num(y))) => {
                self.pop(2);
                self.push(Av::Lit(Lit::Bool(op.numbers(x, y))), false);
            }
            (_, Av::Lit(Lit::Num(y))) => {
                let sa = self.slot(a);
                self.learn(a, Ty::Num);
                self.result(2, Ty::Bool, |d| bin(bin_op, d, sa, Operand::Imm(y)));
            }
            (Av::Lit(Lit::Num(x)), _) => {
                let sb = self.slot(b);
                self.learn(b, Ty::Num);
                self.result(2, Ty::Bool, |d| bin(flipped, d, sb, Operand::Imm(x)));
            }
            _ => {
                let (sa, sb) = (self.slot(a), self.slot(b));
                self.learn(a, Ty::Num);
                self.learn(b, Ty::Num);
                self.result(2, Ty::Bool, |d| bin(bin_op, d, sa, Operand::Slot(sb)));
            }
        }
        Step::Go
    }

    /// `==`, `!=`: any two values.
    #[inline(never)]
    fn equal(&mut self, op: Compare) -> Step {
        let Some(bin_op) = BinOp::of(op.op()) else {
            return Step::Reject;
        };
        let [a, b] = self.peek();
        match (a, b) {
            (Av::Lit(x), Av::Lit(y)) => {
                let same = match (x, y) {
                    (Lit::Str(i), Lit::Str(j)) => self.p.string(i) == self.p.string(j),
                    _ => x == y,
                };
                self.pop(2);
                let r = op.values(same).unwrap_or(false);
                self.push(Av::Lit(Lit::Bool(r)), false);
            }
            (v, Av::Lit(Lit::Num(n))) | (Av::Lit(Lit::Num(n)), v) => {
                let s = self.slot(v);
                self.result(2, Ty::Bool, |d| bin(bin_op, d, s, Operand::Imm(n)));
            }
            _ => {
                let (sa, sb) = (self.slot(a), self.slot(b));
                self.result(2, Ty::Bool, |d| bin(bin_op, d, sa, Operand::Slot(sb)));
            }
        }
        Step::Go
    }

    /// `and`, `or`.
    #[inline(never)]
    fn logic(&mut self, op: Logic) -> Step {
        let Some(bin_op) = BinOp::of(op.op()) else {
            return Step::Reject;
        };
        let [a, b] = self.peek();
        if !self.may_be(a, Ty::Bool) || !self.may_be(b, Ty::Bool) {
            return Step::Reject;
        }
        if let (Av::Lit(Lit::Bool(x)), Av::Lit(Lit::Bool(y))) = (a, b) {
            let Some(r) = op.both(x, y) else {
                return Step::Reject;
            };
            self.pop(2);
            self.push(Av::Lit(Lit::Bool(r)), false);
            return Step::Go;
        }
        let (sa, sb) = (self.slot(a), self.slot(b));
        self.learn(a, Ty::Bool);
        self.learn(b, Ty::Bool);
        self.result(2, Ty::Bool, |d| bin(bin_op, d, sa, Operand::Slot(sb)));
        Step::Go
    }

    #[inline(never)]
    fn not(&mut self) -> Step {
        let [a] = self.peek();
        let v = match a {
            Av::Lit(Lit::Bool(b)) => Av::Lit(Lit::Bool(!b)),
            Av::Neg(s) => Av::At(s),
            Av::Sel(c, Lit::Bool(x), Lit::Bool(y)) => Av::Sel(c, Lit::Bool(!x), Lit::Bool(!y)),
            Av::At(s) if self.sym_ty(s) == Ty::Bool => Av::Neg(s),
            _ if !self.may_be(a, Ty::Bool) => return Step::Reject,
            _ => {
                let s = self.slot(a);
                self.learn(a, Ty::Bool);
                self.result(1, Ty::Bool, |d| Micro::Not(d, s));
                return Step::Go;
            }
        };
        self.pop(1);
        self.push(v, false);
        Step::Go
    }

    #[inline(never)]
    fn select(&mut self) -> Step {
        let [c, t, f] = self.peek();
        let (cond, t, f) = match c {
            Av::Lit(Lit::Bool(b)) => {
                self.pop(3);
                self.push(if b { t } else { f }, false);
                return Step::Go;
            }
            Av::Neg(s) => (s, f, t),
            _ if !self.may_be(c, Ty::Bool) => return Step::Reject,
            _ => {
                let s = self.slot(c);
                if self.sym_ty(s) != Ty::Bool {
                    self.ops.push(Micro::IsBool(s));
                    self.learn(c, Ty::Bool);
                }
                (s, t, f)
            }
        };
        let v = match (t, f) {
            (Av::Lit(x), Av::Lit(y)) => Av::Sel(cond, x, y),
            _ => {
                let ty = match (self.ty(t), self.ty(f)) {
                    (x, y) if x == y => x,
                    _ => Ty::Any,
                };
                let (st, sf) = (self.slot(t), self.slot(f));
                let d = self.temp(ty);
                self.ops.push(Micro::Select(d, cond, st, sf));
                Av::At(d)
            }
        };
        self.pop(3);
        self.push(v, false);
        Step::Go
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

/// The block's operation `dst = a op b`.
fn bin<S>(op: BinOp, dst: S, a: S, b: Operand<S>) -> Micro<S> {
    Micro::Bin { op, dst, a, b }
}
