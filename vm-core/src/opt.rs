//! The optimizer: runs of instructions compiled into blocks.
//!
//! A block is a trace: the instructions a program runs from an entry point (the start,
//! a label, the instruction after a `call` or after an instruction the optimizer leaves
//! alone), following `label call`, `label jmp`, and a `return` from a call made in the
//! same trace, up to a conditional `call` or `jmp` (`then else if call`), a `return` to
//! a caller outside the trace, a call or jump to a computed address, an instruction the
//! optimizer leaves alone (input and output, string making, `stop`, `exit`), a place the
//! trace has already been, or 64 instructions. The optimizer runs the trace once on an
//! abstract stack: literals become immediate operands, `dup`, `drop`, `swap`, `over` and
//! `rot` become renamings, `not` before `if` swaps the branches, `if` between two labels
//! before `call` or `jmp` becomes a conditional branch, a call followed in the trace is
//! a frame to push (or nothing, when the trace also returns from it), and what is left
//! is a short list of micro-operations on slots of a window of the stack, then the
//! moves that put the results in place. Results computed after the last operation that
//! checks something are written in place directly (see `Builder::home_below_top`). A
//! conditional call to a bare `return`, followed by `return`s that pop frames the trace
//! pushed (fib's base case, reached from its recursive calls), is resolved when the
//! block is built: the machine goes on where those returns lead, with no frame pushed.
//!
//! A block stands for its instructions exactly. The machine runs it only when the
//! whole run is certain to do what the plain instructions would: enough step budget,
//! enough values on the stack and room for what the instructions push, room for the
//! call frames, a frame to return to; and each operation checks its operands' types
//! and its result (overflow, division by zero) before anything is written where the
//! program can see it. When any check fails, the machine runs the plain instruction at
//! the block's start instead, which then behaves (and fails) exactly as without the
//! optimizer. Output, errors, positions, stack traces and step counts are therefore the
//! same either way; `vm-core/tests/differential.rs` checks it.
//!
//! The optimized stream has one entry per instruction, indexed like the plain code: a
//! block sits at its entry point, and every other position keeps its plain instruction,
//! so a jump into the middle of a block (a numeric address) and the fallback both land
//! on plain instructions.

use alloc::vec;
use alloc::vec::Vec;

use crate::block::{Block, Exit, Micro, Target, NO_BLOCK, W, WINDOW};
use crate::frame::Frame;
use crate::ops::{self, Arith, Class, Compare, Control, Logic, Op, Shuffle};
use crate::program::{Code, Instr, Program};

/// The longest run of instructions one block stands for.
const MAX_BLOCK: usize = 64;

/// Builds the block form of `p`: its blocks, and its dispatch stream with a
/// [`Code::Block`] where each starts.
#[inline(never)]
pub(crate) fn optimize(p: &mut Program) {
    let n = p.code.len();
    let mut dispatch: Vec<Code> = p.code.iter().map(|&i| Code::from(i)).collect();
    // Entry points: the start, labels, numeric addresses before `call` or `jmp`, and
    // the instruction after each instruction that ends a trace.
    let mut entry = vec![false; n + 1];
    entry[0] = true;
    for l in &p.labels {
        if let Some(pc) = p.pc_of(i64::from(l.addr)) {
            entry[pc] = true;
        }
    }
    for (pc, w) in p.code.windows(2).enumerate() {
        if let [Instr::Num(a), Instr::Op(Op::Call | Op::Jmp)] = *w {
            if let Some(t) = p.pc_of(a) {
                entry[t] = true;
            }
        }
        if let Instr::Op(op) = w[0] {
            if ends_entry(op) {
                entry[pc + 1] = true;
            }
        }
    }
    let mut blocks = Vec::new();
    let mut work: Vec<usize> = (0..n).rev().filter(|&pc| entry[pc]).collect();
    let mut seen = vec![false; n];
    while let Some(pc) = work.pop() {
        if pc >= n || seen[pc] {
            continue;
        }
        seen[pc] = true;
        let Some(block) = build(p, pc) else { continue };
        // A trace cut short continues at another entry point.
        if let Exit::Next { pc: next, .. } = block.exit {
            work.push(next as usize);
        }
        dispatch[pc] = Code::Block(blocks.len() as u32);
        blocks.push(block);
    }
    // Where the exits go, as blocks.
    let block_at = |pc: u32| match dispatch.get(pc as usize) {
        Some(&Code::Block(i)) => i,
        _ => NO_BLOCK,
    };
    for b in &mut blocks {
        match &mut b.exit {
            Exit::Next { pc, block } => *block = block_at(*pc),
            Exit::JumpIf { t, f, .. } | Exit::CallIf { t, f, .. } => {
                for t in [t, f] {
                    t.block = block_at(t.pc);
                    if t.returns_at_once {
                        t.after_block = block_at(t.after);
                    }
                }
            }
            Exit::Call { to, .. } => to.block = block_at(to.pc),
            Exit::Return => {}
        }
    }
    p.dispatch = dispatch;
    p.blocks = blocks;
}

/// Does the optimizer compile `op` into blocks? (Text and I/O are left to the plain
/// instructions, and so are `stop` and `exit`.)
fn compiled(op: Op) -> bool {
    match op.class() {
        Class::Arithmetic(_) | Class::Comparison(_) | Class::Logic(_) | Class::Stack(_) => true,
        Class::Text(_) | Class::Io(_) => false,
        Class::Control(c) => match c {
            Control::Jmp | Control::Call | Control::Return => true,
            Control::Stop | Control::Exit => false,
        },
    }
}

/// Does `op` end a trace's entry-point search: after it, a new entry point starts
/// (an instruction left alone, or a change of place)?
fn ends_entry(op: Op) -> bool {
    !compiled(op) || matches!(op.class(), Class::Control(_))
}

/// A literal the optimizer knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Lit {
    Num(i64),
    Bool(bool),
    Str(u32),
}

/// What the optimizer knows of a value's type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ty {
    Num,
    Bool,
    Str,
    Any,
}

impl Lit {
    /// The operation that stores this literal in slot `d`.
    fn store(self, d: Sym) -> Micro {
        match self {
            Lit::Num(n) => Micro::Num(d, n),
            Lit::Bool(b) => Micro::Bool(d, b),
            Lit::Str(i) => Micro::Str(d, i),
        }
    }

    fn ty(self) -> Ty {
        match self {
            Lit::Num(_) => Ty::Num,
            Lit::Bool(_) => Ty::Bool,
            Lit::Str(_) => Ty::Str,
        }
    }
}

/// A symbolic slot while a block is built: an input (`k` values below the top at the
/// start) or a temporary (`TMP | t`). Both become window slots at the end.
type Sym = u16;
const TMP: Sym = 0x8000;

/// A value on the abstract stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Av {
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
enum Step {
    /// Added to the block; go on with the next instruction.
    Go,
    /// Added; go on at this instruction (a call, jump or return followed).
    Goto(usize),
    /// Added, and it ends the block.
    End(Exit),
    /// Cannot be part of the block: the block ends before it.
    Reject,
}

#[derive(Clone)]
struct Builder<'p> {
    p: &'p Program,
    /// The abstract stack above the values not touched (the bottom of it may be inputs).
    stack: Vec<Av>,
    /// Inputs taken so far.
    need: u16,
    /// The depth relative to the start.
    depth: i32,
    /// The highest depth a room-checking push reached (`depth + 1` at the push).
    room: i32,
    ops: Vec<Micro>,
    temps: Vec<Ty>,
    /// What is known of each input's type (checked by an earlier operation).
    known: Vec<Ty>,
    /// Frames of the calls followed and not returned from yet, oldest first.
    frames: Vec<Frame>,
    /// The most frames the trace's calls had pushed at once (its own calls counted).
    frames_room: usize,
    /// The instructions the trace has run.
    visited: Vec<u32>,
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
}

// The methods are kept out of line (`#[inline(never)]`): this runs once per program,
// and inlining the helpers into every instruction's case only made the WebAssembly
// module bigger (by about 1 KB gzipped).
impl<'p> Builder<'p> {
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
    }

    /// Makes sure the abstract stack has `n` values, taking inputs below it.
    #[inline(never)]
    fn pull(&mut self, n: usize) {
        while self.stack.len() < n {
            self.stack.insert(0, Av::At(self.need));
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
    fn temp(&mut self, ty: Ty) -> Sym {
        self.temps.push(ty);
        TMP | (self.temps.len() - 1) as Sym
    }

    fn sym_ty(&self, s: Sym) -> Ty {
        if s & TMP != 0 {
            self.temps[(s & !TMP) as usize]
        } else {
            self.known[s as usize]
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
        if let Av::At(s) = v {
            if s & TMP == 0 {
                self.known[s as usize] = ty;
            }
        }
    }

    /// A slot holding `v`, computing it if it is not stored yet.
    #[inline(never)]
    fn slot(&mut self, v: Av) -> Sym {
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
    fn result(&mut self, n: usize, ty: Ty, op: impl FnOnce(Sym) -> Micro) {
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
            Class::Comparison(c @ (Compare::Eq | Compare::Ne)) => self.equal(c),
            Class::Comparison(c @ (Compare::Lt | Compare::Le | Compare::Gt | Compare::Ge)) => {
                return self.compare(c)
            }
            Class::Logic(Logic::And) => return self.logic(ops::and, Micro::And),
            Class::Logic(Logic::Or) => return self.logic(ops::or, Micro::Or),
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
            (_, Av::Lit(Lit::Num(0))) if matches!(op, Arith::Div | Arith::Rem) => {
                return Step::Reject
            }
            (_, Av::Lit(Lit::Num(y))) => {
                let sa = self.slot(a);
                self.learn(a, Ty::Num);
                self.result(2, Ty::Num, |d| arith_imm(op, d, sa, y));
            }
            (Av::Lit(Lit::Num(x)), _) if op.commutes() => {
                let sb = self.slot(b);
                self.learn(b, Ty::Num);
                self.result(2, Ty::Num, |d| arith_imm(op, d, sb, x));
            }
            _ => {
                let (sa, sb) = (self.slot(a), self.slot(b));
                self.learn(a, Ty::Num);
                self.learn(b, Ty::Num);
                self.result(2, Ty::Num, |d| arith_reg(op, d, sa, sb));
            }
        }
        Step::Go
    }

    /// `< <= > >=`: folded, or an immediate form (flipped for a literal on the left).
    #[inline(never)]
    fn compare(&mut self, op: Compare) -> Step {
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
                self.result(2, Ty::Bool, |d| compare_imm(op, d, sa, y));
            }
            (Av::Lit(Lit::Num(x)), _) => {
                let sb = self.slot(b);
                self.learn(b, Ty::Num);
                self.result(2, Ty::Bool, |d| compare_imm(op.flipped(), d, sb, x));
            }
            _ => {
                let (sa, sb) = (self.slot(a), self.slot(b));
                self.learn(a, Ty::Num);
                self.learn(b, Ty::Num);
                self.result(2, Ty::Bool, |d| compare_reg(op, d, sa, sb));
            }
        }
        Step::Go
    }

    /// `==`, `!=`: any two values.
    #[inline(never)]
    fn equal(&mut self, op: Compare) {
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
                self.result(2, Ty::Bool, |d| compare_imm(op, d, s, n));
            }
            _ => {
                let (sa, sb) = (self.slot(a), self.slot(b));
                self.result(2, Ty::Bool, |d| compare_reg(op, d, sa, sb));
            }
        }
    }

    /// `and`, `or` (`f` is the meaning, `micro` the block's operation).
    #[inline(never)]
    fn logic(&mut self, f: fn(bool, bool) -> bool, micro: fn(W, W, W) -> Micro) -> Step {
        let [a, b] = self.peek();
        if !self.may_be(a, Ty::Bool) || !self.may_be(b, Ty::Bool) {
            return Step::Reject;
        }
        if let (Av::Lit(Lit::Bool(x)), Av::Lit(Lit::Bool(y))) = (a, b) {
            self.pop(2);
            self.push(Av::Lit(Lit::Bool(f(x, y))), false);
            return Step::Go;
        }
        let (sa, sb) = (self.slot(a), self.slot(b));
        self.learn(a, Ty::Bool);
        self.learn(b, Ty::Bool);
        self.result(2, Ty::Bool, |d| micro(d, sa, sb));
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

    /// Lets results computed after the block's last operation that can fail live
    /// where they go below the stack's top, instead of moving them there: once that
    /// operation succeeded the block will complete, so nothing can see the slot's old
    /// value early, as long as no later operation or move still reads it. The last
    /// failing operation itself may write there too if it writes only on success (the
    /// arithmetic does). This saves the moves of results like `a b +`, `n 1 +` in place.
    #[inline(never)]
    fn home_below_top(&self, need: usize, outs: &[Result<Sym, Lit>], home: &mut [Option<W>]) {
        // Which operations can fail, knowing the temporaries' types and what earlier
        // operations checked of the inputs.
        let mut known = vec![Ty::Any; need];
        let mut last_failing = None;
        for (k, op) in self.ops.iter().enumerate() {
            let ty = |s: Sym, known: &[Ty]| {
                if s & TMP != 0 {
                    self.temps[(s & !TMP) as usize]
                } else {
                    known[s as usize]
                }
            };
            use Micro::*;
            let (checks, want): (&[Sym], Ty) = match op {
                Add(_, a, b) | Sub(_, a, b) | Mul(_, a, b) | Div(_, a, b) | Rem(_, a, b) => {
                    last_failing = Some(k);
                    (&[*a, *b], Ty::Num)
                }
                AddI(_, a, _) | SubI(_, a, _) | MulI(_, a, _) | DivI(_, a, _) | RemI(_, a, _) => {
                    last_failing = Some(k);
                    (core::slice::from_ref(a), Ty::Num)
                }
                Lt(_, a, b) | Le(_, a, b) | Gt(_, a, b) | Ge(_, a, b) => (&[*a, *b], Ty::Num),
                LtI(_, a, _) | LeI(_, a, _) | GtI(_, a, _) | GeI(_, a, _) => {
                    (core::slice::from_ref(a), Ty::Num)
                }
                And(_, a, b) | Or(_, a, b) => (&[*a, *b], Ty::Bool),
                Not(_, a) | IsBool(a) => (core::slice::from_ref(a), Ty::Bool),
                Eq(..) | Ne(..) | EqI(..) | NeI(..) | Select(..) | Num(..) | Bool(..) | Str(..)
                | Move(..) => (&[], Ty::Any),
            };
            if checks.iter().any(|&s| ty(s, &known) != want) {
                last_failing = Some(k);
            }
            for &s in checks {
                if s & TMP == 0 {
                    known[s as usize] = want;
                }
            }
        }
        let writes_on_success = |op: &Micro| {
            use Micro::*;
            matches!(
                op,
                Add(..)
                    | Sub(..)
                    | Mul(..)
                    | Div(..)
                    | Rem(..)
                    | AddI(..)
                    | SubI(..)
                    | MulI(..)
                    | DivI(..)
                    | RemI(..)
            )
        };
        for (q, o) in outs.iter().enumerate().take(need) {
            let Ok(t) = *o else { continue };
            if t & TMP == 0 || home[(t & !TMP) as usize].is_some() {
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
            let there = (need - 1 - q) as Sym;
            let read_later = self.ops[k + 1..].iter().any(|op| op.mentions(there))
                || outs
                    .iter()
                    .enumerate()
                    .any(|(q2, o)| q2 != q && *o == Ok(there));
            if after_failing && !read_later {
                home[(t & !TMP) as usize] = Some(q as W);
            }
        }
    }

    /// Lays the block out in its window: inputs at `0..need` (the deepest first),
    /// results at `0..out`, temporaries above both; then the moves that put each
    /// result in place.
    #[inline(never)]
    fn finish(mut self, steps: usize, mut exit: Exit) -> Option<Block> {
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
        if let Exit::JumpIf { c, .. } | Exit::CallIf { c, .. } = &mut exit {
            if *c & TMP == 0 {
                let d = self.temp(Ty::Bool);
                self.ops.push(Micro::Move(d, *c));
                *c = d;
            }
        }
        // Temporaries that are results live where the result goes, if that is free
        // space; the others above every input and result.
        let mut home: Vec<Option<W>> = vec![None; self.temps.len()];
        for (q, o) in outs.iter().enumerate() {
            if let Ok(s) = *o {
                if s & TMP != 0 && q >= need && home[(s & !TMP) as usize].is_none() {
                    home[(s & !TMP) as usize] = Some(q as W);
                }
            }
        }
        self.home_below_top(need, &outs, &mut home);
        let mut next = need.max(outs.len()) as W;
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
            if s & TMP != 0 {
                home[(s & !TMP) as usize]
            } else {
                (need - 1 - s as usize) as W
            }
        };
        for op in &mut self.ops {
            op.map_slots(place);
        }
        if let Exit::JumpIf { c, .. } | Exit::CallIf { c, .. } = &mut exit {
            *c = place(*c);
        }
        // The moves, as a parallel assignment: a move waits while another still reads
        // its destination; a cycle goes through the spare slot.
        let mut pending: Vec<(W, W)> = outs
            .iter()
            .enumerate()
            .filter_map(|(q, o)| match *o {
                Ok(s) if place(s) != q as W => Some((q as W, place(s))),
                _ => None,
            })
            .collect();
        let mut moves: Vec<(W, W)> = Vec::with_capacity(pending.len());
        let mut used_spare = false;
        while !pending.is_empty() {
            let free =
                (0..pending.len()).find(|&i| pending.iter().all(|&(_, s)| s != pending[i].0));
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
        let mut ops = self.ops;
        ops.extend(moves.iter().map(|&(d, s)| Micro::Move(d, s)));
        ops.extend(outs.iter().enumerate().filter_map(|(q, o)| match *o {
            Err(l) => Some(l.store(q as W)),
            Ok(_) => None,
        }));
        // A call that returns at once also takes the steps of its `return` and of
        // the returns known to follow it.
        let at_once = match exit {
            Exit::CallIf { t, f, .. } => [t, f]
                .iter()
                .filter(|t| t.returns_at_once)
                .map(|t| 1 + t.pops)
                .max()
                .unwrap_or(0),
            _ => 0,
        };
        let window = usize::from(spare) + usize::from(used_spare);
        if window > WINDOW {
            return None;
        }
        Some(Block {
            steps: steps as u32,
            budget: steps as u32 + at_once,
            need: need as u32,
            room: self.room.max(0) as u32,
            window: window as u32,
            out: outs.len() as u32,
            frames_min: u32::from(exit == Exit::Return),
            frames_room: self.frames_room as u32,
            ops: ops.into(),
            pushes: self.frames.into(),
            exit,
        })
    }
}

/// Compiles the trace starting at `start`, if there is one worth having (two
/// instructions or more).
#[inline(never)]
fn build(p: &Program, start: usize) -> Option<Block> {
    let mut b = Builder {
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
    };
    let mut pc = start;
    let mut steps = 0;
    let exit = loop {
        if pc >= p.code.len() || steps >= MAX_BLOCK {
            break Exit::Next {
                pc: pc as u32,
                block: NO_BLOCK,
            };
        }
        b.visited.push(pc as u32);
        let saved = b.save();
        match b.instr(pc) {
            Step::Go => pc += 1,
            Step::Goto(to) => pc = to,
            Step::End(exit) => {
                steps += 1;
                break exit;
            }
            Step::Reject => {
                b.restore(saved);
                break Exit::Next {
                    pc: pc as u32,
                    block: NO_BLOCK,
                };
            }
        }
        steps += 1;
    };
    if steps < 2 {
        return None;
    }
    b.finish(steps, exit)
}

fn arith_reg(op: Arith, d: W, a: W, b: W) -> Micro {
    match op {
        Arith::Add => Micro::Add(d, a, b),
        Arith::Sub => Micro::Sub(d, a, b),
        Arith::Mul => Micro::Mul(d, a, b),
        Arith::Div => Micro::Div(d, a, b),
        Arith::Rem => Micro::Rem(d, a, b),
    }
}

fn arith_imm(op: Arith, d: W, a: W, n: i64) -> Micro {
    match op {
        Arith::Add => Micro::AddI(d, a, n),
        Arith::Sub => Micro::SubI(d, a, n),
        Arith::Mul => Micro::MulI(d, a, n),
        Arith::Div => Micro::DivI(d, a, n),
        Arith::Rem => Micro::RemI(d, a, n),
    }
}

fn compare_reg(op: Compare, d: W, a: W, b: W) -> Micro {
    match op {
        Compare::Eq => Micro::Eq(d, a, b),
        Compare::Ne => Micro::Ne(d, a, b),
        Compare::Lt => Micro::Lt(d, a, b),
        Compare::Le => Micro::Le(d, a, b),
        Compare::Gt => Micro::Gt(d, a, b),
        Compare::Ge => Micro::Ge(d, a, b),
    }
}

fn compare_imm(op: Compare, d: W, a: W, n: i64) -> Micro {
    match op {
        Compare::Eq => Micro::EqI(d, a, n),
        Compare::Ne => Micro::NeI(d, a, n),
        Compare::Lt => Micro::LtI(d, a, n),
        Compare::Le => Micro::LeI(d, a, n),
        Compare::Gt => Micro::GtI(d, a, n),
        Compare::Ge => Micro::GeI(d, a, n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asm::compile;

    /// The block that starts at instruction `pc`.
    fn block_at(p: &Program, pc: usize) -> &Block {
        match p.dispatch[pc] {
            Code::Block(i) => &p.blocks[i as usize],
            other => panic!("no block at {pc}: {other:?}"),
        }
    }

    const FIB: &str = "fib call println stop
        fib: dup dup 1 == swap 0 == or not recur base if call return
        recur: dup 1 - fib call swap 2 - fib call + return
        base: return";

    #[test]
    fn traces_follow_calls_into_a_conditional_call() {
        let p = compile(FIB).unwrap();
        let recur = p.pc_of(i64::from(p.labels[1].addr)).unwrap();
        let b = block_at(&p, recur);
        // `dup 1 - fib call` and then fib's test, up to its `if call`: 5 + 13 steps.
        assert_eq!(b.steps, 18);
        // `not` swapped the branches; `dup`, `swap` and the literals left no trace.
        assert_eq!(
            &b.ops[..4],
            [
                Micro::SubI(1, 0, 1),
                Micro::EqI(2, 1, 1),
                Micro::EqI(3, 1, 0),
                Micro::Or(4, 2, 3),
            ]
        );
        // The call to fib is pushed as a frame; the stack ends as `n n-1`.
        assert_eq!(b.ops.len(), 4);
        assert!(matches!(*b.pushes, [Frame { target: 5, .. }]));
        assert_eq!((b.need, b.out, b.frames_room), (1, 2, 2));
        match b.exit {
            Exit::CallIf { c: 4, t, f, .. } => {
                assert!(t.returns_at_once, "base is a bare return");
                assert_eq!((t.pc as usize, f.pc as usize), (p.code.len() - 1, recur));
                // After base returns, fib's `return` pops the frame of `fib call` in
                // recur, which the block pushed: it goes on at `swap`, recur + 5.
                assert_eq!((t.pops, t.after as usize), (1, recur + 5));
                assert!(!t.after_returns);
                assert_eq!(p.dispatch[recur + 5], Code::Block(t.after_block));
            }
            other => panic!("{other:?}"),
        }
        // The budget counts base's `return` and fib's.
        assert_eq!(b.budget, 20);
    }

    #[test]
    fn traces_stop_before_what_they_leave_alone() {
        let p = compile("1 2 + dup println 3 *").unwrap();
        let b = block_at(&p, 0);
        assert_eq!(b.steps, 4);
        assert!(matches!(
            b.exit,
            Exit::Next {
                pc: 4,
                block: NO_BLOCK
            }
        ));
        // `1 2 +` is folded: the block only stores two 3s.
        assert_eq!(&*b.ops, [Micro::Num(0, 3), Micro::Num(1, 3)]);
        // Output is left to the plain instruction; what follows is a block again.
        assert_eq!(p.dispatch[4], Code::Println);
        assert_eq!(block_at(&p, 5).steps, 2);
    }

    #[test]
    fn results_after_the_last_check_are_computed_in_place() {
        // `1 +` can overflow: it is the last check, and writes only when it succeeds,
        // so it writes the counter in place; `<` of two numbers cannot fail.
        let p = compile("0 loop: 1 + dup 10 < loop end if jmp end: println").unwrap();
        let b = block_at(&p, 1);
        assert_eq!(&*b.ops, [Micro::AddI(0, 0, 1), Micro::LtI(1, 0, 10)]);
        // `+ return`: the sum goes where the first operand was.
        let p = compile(FIB).unwrap();
        let add = p.code.len() - 3;
        assert_eq!(&*block_at(&p, add).ops, [Micro::Add(0, 0, 1)]);
        // A later check keeps results out of the inputs' slots until it passed.
        let p = compile("1 + swap 2 <").unwrap();
        let b = block_at(&p, 0);
        assert_eq!(b.ops[0], Micro::AddI(2, 1, 1));
        assert!(b.ops.contains(&Micro::Move(0, 2)));
    }

    #[test]
    fn unoptimized_programs_have_no_blocks() {
        let p = compile(FIB).unwrap();
        assert!(!p.blocks.is_empty());
        let plain = p.unoptimized();
        assert!(plain.blocks.is_empty());
        assert!(plain.dispatch.iter().all(|c| !matches!(c, Code::Block(_))));
    }
}
