//! The block form of a program: what the optimizer ([`crate::opt`]) makes of runs of
//! instructions, and what the block runner (`machine/blocks.rs`) runs.
//!
//! A [`Block`] stands for a run of plain instructions (a trace): a short list of
//! [`Micro`] operations on the slots of a window of the stack, the call frames to push
//! and how it ends ([`Exit`]). This module is only the format; see [`crate::opt`] for
//! how blocks are made and what makes running one equal to running its instructions.

use alloc::boxed::Box;

use crate::frame::Frame;

/// A slot of a block's window: the stack from `sp - need` on, where `sp` is the depth
/// when the block starts. Slots below `need` hold the values the block reads; the ones
/// above are free space for its results and temporaries.
pub(crate) type W = u16;

/// One operation of a block, on slots of its window. Arithmetic and comparisons check
/// that their operands are numbers, logic that they are booleans, and arithmetic that
/// the result is exact; a failed check abandons the block before anything is written
/// below `sp`. The `I` forms take an immediate right operand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub(crate) enum Micro {
    Add(W, W, W),
    Sub(W, W, W),
    Mul(W, W, W),
    Div(W, W, W),
    Rem(W, W, W),
    AddI(W, W, i64),
    SubI(W, W, i64),
    MulI(W, W, i64),
    DivI(W, W, i64),
    RemI(W, W, i64),
    Lt(W, W, W),
    Le(W, W, W),
    Gt(W, W, W),
    Ge(W, W, W),
    LtI(W, W, i64),
    LeI(W, W, i64),
    GtI(W, W, i64),
    GeI(W, W, i64),
    /// `==` of any two values.
    Eq(W, W, W),
    /// `!=` of any two values.
    Ne(W, W, W),
    /// `==` with a number.
    EqI(W, W, i64),
    /// `!=` with a number.
    NeI(W, W, i64),
    And(W, W, W),
    Or(W, W, W),
    Not(W, W),
    /// `dst = if c { t } else { f }`; `c` is known to be a boolean.
    Select(W, W, W, W),
    /// Checks that a slot holds a boolean (the condition of an `if`).
    IsBool(W),
    /// Stores a number.
    Num(W, i64),
    /// Stores a boolean.
    Bool(W, bool),
    /// Stores the program's string constant with this index.
    Str(W, u32),
    /// Copies a slot: `Move(dst, src)`.
    Move(W, W),
}

impl Micro {
    /// The slot it writes, if any.
    pub(crate) fn dest(self) -> Option<W> {
        if let Micro::IsBool(_) = self {
            return None;
        }
        let mut first = None;
        let mut copy = self;
        copy.map_slots(|x| {
            first.get_or_insert(x);
            x
        });
        first
    }

    /// Does it name slot `s` (to read or to write)?
    pub(crate) fn mentions(self, s: W) -> bool {
        let mut found = false;
        let mut copy = self;
        copy.map_slots(|x| {
            found |= x == s;
            x
        });
        found
    }

    /// Applies `f` to every slot the operation names, destination first.
    pub(crate) fn map_slots(&mut self, mut f: impl FnMut(W) -> W) {
        use Micro::*;
        match self {
            Add(d, a, b)
            | Sub(d, a, b)
            | Mul(d, a, b)
            | Div(d, a, b)
            | Rem(d, a, b)
            | Lt(d, a, b)
            | Le(d, a, b)
            | Gt(d, a, b)
            | Ge(d, a, b)
            | Eq(d, a, b)
            | Ne(d, a, b)
            | And(d, a, b)
            | Or(d, a, b) => {
                *d = f(*d);
                *a = f(*a);
                *b = f(*b);
            }
            AddI(d, a, _)
            | SubI(d, a, _)
            | MulI(d, a, _)
            | DivI(d, a, _)
            | RemI(d, a, _)
            | LtI(d, a, _)
            | LeI(d, a, _)
            | GtI(d, a, _)
            | GeI(d, a, _)
            | EqI(d, a, _)
            | NeI(d, a, _)
            | Not(d, a)
            | Move(d, a) => {
                *d = f(*d);
                *a = f(*a);
            }
            Select(d, c, t, e) => {
                *d = f(*d);
                *c = f(*c);
                *t = f(*t);
                *e = f(*e);
            }
            IsBool(a) | Num(a, _) | Bool(a, _) | Str(a, _) => *a = f(*a),
        }
    }
}

/// Where a conditional call or jump of a block goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Target {
    /// The language's address (a token index), as a frame records it.
    pub(crate) addr: u32,
    /// The instruction to continue at.
    pub(crate) pc: u32,
    /// For a call: the first instruction there is `return`, so the call and that
    /// return together only take two steps (the frame is pushed and popped at once).
    pub(crate) returns_at_once: bool,
    /// The block that starts at `pc`, or [`NO_BLOCK`]: found once, so that running
    /// blocks goes from one to the next without looking the position up.
    pub(crate) block: u32,
    /// For a call that returns at once: the `return`s right after the call that pop
    /// frames this block pushed (a subroutine ending in `call return`, whose callee
    /// returns at once), known before running. They take a step each.
    pub(crate) pops: u32,
    /// For a call that returns at once: where the machine is after it and those
    /// returns, and the block there (or [`NO_BLOCK`]).
    pub(crate) after: u32,
    pub(crate) after_block: u32,
    /// For a call that returns at once: there is another `return` at `after`, to a
    /// frame older than the block (the machine runs it and those that follow).
    pub(crate) after_returns: bool,
}

/// No block starts there.
pub(crate) const NO_BLOCK: u32 = u32::MAX;

/// How a block ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Exit {
    /// Continue at this instruction, where this block starts (or [`NO_BLOCK`]).
    Next { pc: u32, block: u32 },
    /// `then else if jmp`, the condition in slot `c`.
    JumpIf { c: W, t: Target, f: Target },
    /// `label call` at instruction `call`, to a place the trace has been.
    Call { call: u32, to: Target },
    /// `then else if call` at instruction `call`, the condition in slot `c`.
    CallIf {
        call: u32,
        c: W,
        t: Target,
        f: Target,
    },
    /// `return` to a caller outside the block.
    Return,
}

/// A compiled trace, at the position of its entry point.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Block {
    /// The instructions it stands for (its exit included).
    pub(crate) steps: u32,
    /// The step budget it needs: `steps`, and when its exit may call a subroutine that
    /// returns at once, that `return` and the ones known to follow it.
    pub(crate) budget: u32,
    /// The values it reads from the stack.
    pub(crate) need: u32,
    /// How far the plain instructions would take the stack above its starting depth
    /// when they push (what `max_stack` is checked against).
    pub(crate) room: u32,
    /// The slots of its window, from `sp - need`.
    pub(crate) window: u32,
    /// The stack depth after it is `sp - need + out`.
    pub(crate) out: u32,
    /// Frames it needs on the return stack at the start (1 for a `return` exit).
    pub(crate) frames_min: u32,
    /// How many frames its calls may add at most (the `max_calls` check).
    pub(crate) frames_room: u32,
    /// Its operations: up to the last one that checks something (types, exact
    /// results), they write only above the stack's top; the ones after it cannot fail,
    /// and finish with the moves and literals that put the results in place.
    pub(crate) ops: Box<[Micro]>,
    /// The frames of the calls it followed and did not return from, oldest first,
    /// pushed when it completes (but for those that a call returning at once pops at
    /// once, see [`Target::pops`]).
    pub(crate) pushes: Box<[Frame]>,
    /// How it ends.
    pub(crate) exit: Exit,
}

/// The size of a block's window: every slot a block names is below it. The machine
/// keeps this many slots of storage above the stack's top, so that a block's window
/// is always a whole array and indexes need no checks.
pub(crate) const WINDOW: usize = 64;
