//! The abstract stack a trace runs on while its block is built: what is known of each
//! value ([`Av`]: a literal, a slot, a negation or a choice not computed yet), the
//! symbolic slots ([`Sym`]: the block's inputs and its temporaries) and their types
//! ([`Ty`]), and the [`Builder`] that holds them with the micro operations made so far.
//! The rules (`rules.rs`) rewrite operations on it; the trace (`trace.rs`) walks the
//! instructions; `place.rs` then gives each symbolic slot a slot of the window.

use alloc::vec::Vec;

pub(super) use crate::block::Lit;
use crate::block::{Micro, Target};
use crate::frame::Frame;
use crate::program::Program;

/// What the optimizer knows of a value's type (in the operation table's terms).
pub(super) use crate::ops::Type as Ty;

impl Lit {
    /// The type of the literal.
    pub(super) fn ty(self) -> Ty {
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
pub(super) struct Saved {
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

    /// What [`Builder::restore`] needs to undo what comes next.
    #[inline(never)]
    pub(super) fn save(&self) -> Saved {
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

    /// Goes back to where `s` was saved.
    #[inline(never)]
    pub(super) fn restore(&mut self, s: Saved) {
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
    pub(super) fn peek<const N: usize>(&mut self) -> [Av; N] {
        self.pull(N);
        let len = self.stack.len();
        let mut out = [Av::Lit(Lit::Num(0)); N];
        out.copy_from_slice(&self.stack[len - N..]);
        out
    }

    /// Takes the top `n` values off, pulling inputs as needed.
    #[inline(never)]
    pub(super) fn pop(&mut self, n: usize) {
        self.pull(n);
        self.stack.truncate(self.stack.len() - n);
        self.depth -= n as i32;
    }

    /// Pushes `v`; `checked` when the plain instruction checks for room first.
    #[inline(never)]
    pub(super) fn push(&mut self, v: Av, checked: bool) {
        if checked {
            self.room = self.room.max(self.depth + 1);
        }
        self.stack.push(v);
        self.depth += 1;
    }

    /// A new temporary of type `ty`.
    #[inline(never)]
    pub(super) fn temp(&mut self, ty: Ty) -> Sym {
        self.temps.push(ty);
        Sym::Temp((self.temps.len() - 1) as u16)
    }

    /// What is known of the type of the value in `s`.
    pub(super) fn sym_ty(&self, s: Sym) -> Ty {
        match s {
            Sym::Temp(t) => self.temps[usize::from(t)],
            Sym::Input(k) => self.known[usize::from(k)],
        }
    }

    /// What is known of the type of `v`.
    pub(super) fn ty(&self, v: Av) -> Ty {
        match v {
            Av::At(s) => self.sym_ty(s),
            Av::Lit(l) => l.ty(),
            Av::Neg(_) => Ty::Bool,
            Av::Sel(_, t, f) if t.ty() == f.ty() => t.ty(),
            Av::Sel(..) => Ty::Any,
        }
    }

    /// Can `v` be a number (or a boolean, for `want == Ty::Bool`)?
    pub(super) fn may_be(&self, v: Av, want: Ty) -> bool {
        matches!(self.ty(v), t if t == want || t == Ty::Any)
    }

    /// Records that `v` has passed a check for `ty`.
    #[inline(never)]
    pub(super) fn learn(&mut self, v: Av, ty: Ty) {
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
    pub(super) fn result(&mut self, n: usize, ty: Ty, op: impl FnOnce(Sym) -> Micro<Sym>) {
        let d = self.temp(ty);
        self.ops.push(op(d));
        self.pop(n);
        self.push(Av::At(d), false);
    }

    /// Replaces the top `n` values with `v`, known without computing anything.
    #[inline(never)]
    pub(super) fn replace(&mut self, n: usize, v: Av) {
        self.pop(n);
        self.push(v, false);
    }
}
