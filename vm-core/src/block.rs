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

/// One operation of a block, on slots of its window (`S` is [`W`] in a finished
/// block; the optimizer builds them on symbolic slots first). Arithmetic and
/// comparisons check that their operands are numbers, logic that they are booleans, and
/// arithmetic that the result is exact; a failed check abandons the block before
/// anything is written below `sp`. The `I` forms take an immediate right operand. The
/// destination comes first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub(crate) enum Micro<S = W> {
    Add(S, S, S),
    Sub(S, S, S),
    Mul(S, S, S),
    Div(S, S, S),
    Rem(S, S, S),
    AddI(S, S, i64),
    SubI(S, S, i64),
    MulI(S, S, i64),
    DivI(S, S, i64),
    RemI(S, S, i64),
    Lt(S, S, S),
    Le(S, S, S),
    Gt(S, S, S),
    Ge(S, S, S),
    LtI(S, S, i64),
    LeI(S, S, i64),
    GtI(S, S, i64),
    GeI(S, S, i64),
    /// `==` of any two values.
    Eq(S, S, S),
    /// `!=` of any two values.
    Ne(S, S, S),
    /// `==` with a number.
    EqI(S, S, i64),
    /// `!=` with a number.
    NeI(S, S, i64),
    And(S, S, S),
    Or(S, S, S),
    Not(S, S),
    /// `dst = if c { t } else { f }`; `c` is known to be a boolean.
    Select(S, S, S, S),
    /// Checks that a slot holds a boolean (the condition of an `if`).
    IsBool(S),
    /// Stores a number.
    Num(S, i64),
    /// Stores a boolean.
    Bool(S, bool),
    /// Stores the program's string constant with this index.
    Str(S, u32),
    /// Copies a slot: `Move(dst, src)`.
    Move(S, S),
    /// A conditional jump the trace went on past: goes on when the boolean in the slot
    /// is the `bool`, else leaves the block by its side exit of this index
    /// ([`Block::sides`]).
    Guard(S, bool, u16),
    /// A guard on `slot == n` (any value compared with a number, as [`Micro::EqI`]):
    /// goes on when that is the `bool`, else leaves by the side exit of this index.
    GuardEq(S, i64, bool, u16),
}

impl<S: Copy + PartialEq> Micro<S> {
    /// The slot it writes, if any.
    pub(crate) fn dest(self) -> Option<S> {
        if let Micro::IsBool(_) | Micro::Guard(..) | Micro::GuardEq(..) = self {
            return None;
        }
        let mut first = None;
        self.map(|x| {
            first.get_or_insert(x);
            x
        });
        first
    }

    /// Does it name slot `s` (to read or to write)?
    pub(crate) fn mentions(self, s: S) -> bool {
        let mut found = false;
        self.map(|x| {
            found |= x == s;
            x
        });
        found
    }

    /// The same operation on the slots `f` gives for its slots, destination first.
    pub(crate) fn map<T>(self, mut f: impl FnMut(S) -> T) -> Micro<T> {
        use Micro::*;
        match self {
            Add(d, a, b) => Add(f(d), f(a), f(b)),
            Sub(d, a, b) => Sub(f(d), f(a), f(b)),
            Mul(d, a, b) => Mul(f(d), f(a), f(b)),
            Div(d, a, b) => Div(f(d), f(a), f(b)),
            Rem(d, a, b) => Rem(f(d), f(a), f(b)),
            AddI(d, a, n) => AddI(f(d), f(a), n),
            SubI(d, a, n) => SubI(f(d), f(a), n),
            MulI(d, a, n) => MulI(f(d), f(a), n),
            DivI(d, a, n) => DivI(f(d), f(a), n),
            RemI(d, a, n) => RemI(f(d), f(a), n),
            Lt(d, a, b) => Lt(f(d), f(a), f(b)),
            Le(d, a, b) => Le(f(d), f(a), f(b)),
            Gt(d, a, b) => Gt(f(d), f(a), f(b)),
            Ge(d, a, b) => Ge(f(d), f(a), f(b)),
            LtI(d, a, n) => LtI(f(d), f(a), n),
            LeI(d, a, n) => LeI(f(d), f(a), n),
            GtI(d, a, n) => GtI(f(d), f(a), n),
            GeI(d, a, n) => GeI(f(d), f(a), n),
            Eq(d, a, b) => Eq(f(d), f(a), f(b)),
            Ne(d, a, b) => Ne(f(d), f(a), f(b)),
            EqI(d, a, n) => EqI(f(d), f(a), n),
            NeI(d, a, n) => NeI(f(d), f(a), n),
            And(d, a, b) => And(f(d), f(a), f(b)),
            Or(d, a, b) => Or(f(d), f(a), f(b)),
            Not(d, a) => Not(f(d), f(a)),
            Select(d, c, t, e) => Select(f(d), f(c), f(t), f(e)),
            IsBool(a) => IsBool(f(a)),
            Num(d, n) => Num(f(d), n),
            Bool(d, b) => Bool(f(d), b),
            Str(d, i) => Str(f(d), i),
            Move(d, a) => Move(f(d), f(a)),
            Guard(c, on, k) => Guard(f(c), on, k),
            GuardEq(a, n, on, k) => GuardEq(f(a), n, on, k),
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
    /// For a jump out of a loop block: the block there is a loop block too, which the
    /// runner goes on with at once, checking only the step budget (see [`Block::chain`]).
    pub(crate) chain: bool,
}

/// No block starts there.
pub(crate) const NO_BLOCK: u32 = u32::MAX;

/// The exit of a loop that is one block: `then else if jmp` as [`Exit::JumpIf`], where
/// the branch taken when the condition is `on` goes back to the block's own start, and
/// the block leaves the stack's depth and the call frames as it found them. Run again,
/// it finds the same depth, frames and window, so the runner repeats it checking only
/// the step budget between rounds (`machine/blocks.rs`). Made from a `JumpIf` when the
/// exits are resolved (`opt/mod.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Loop<S = W> {
    /// The condition's slot.
    pub(crate) c: S,
    /// Where the jump goes when the condition is true.
    pub(crate) t: Target,
    /// Where it goes when it is false.
    pub(crate) f: Target,
    /// The condition that goes round.
    pub(crate) on: bool,
}

impl Loop {
    /// Where the jump goes after a round that left `bits` in the condition's slot.
    #[inline(always)]
    pub(crate) fn to(&self, bits: u64) -> Target {
        if bits != 0 {
            self.t
        } else {
            self.f
        }
    }
}

/// How a block ends (`S` as for [`Micro`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Exit<S = W> {
    /// Continue at this instruction, where this block starts (or [`NO_BLOCK`]).
    Next { pc: u32, block: u32 },
    /// `then else if jmp`, the condition in slot `c`.
    JumpIf { c: S, t: Target, f: Target },
    /// A loop that is one block (see [`Loop`]).
    Loop(Loop<S>),
    /// `label call` at instruction `call`, to a place the trace has been.
    Call { call: u32, to: Target },
    /// `then else if call` at instruction `call`, the condition in slot `c`.
    CallIf {
        call: u32,
        c: S,
        t: Target,
        f: Target,
    },
    /// `return` to a caller outside the block.
    Return,
}

impl<S> Exit<S> {
    /// The same exit with its condition's slot as `f` gives it.
    pub(crate) fn map<T>(self, f: impl FnOnce(S) -> T) -> Exit<T> {
        match self {
            Exit::Next { pc, block } => Exit::Next { pc, block },
            Exit::JumpIf { c, t, f: e } => Exit::JumpIf { c: f(c), t, f: e },
            Exit::Loop(Loop { c, t, f: e, on }) => Exit::Loop(Loop {
                c: f(c),
                t,
                f: e,
                on,
            }),
            Exit::Call { call, to } => Exit::Call { call, to },
            Exit::CallIf { call, c, t, f: e } => Exit::CallIf {
                call,
                c: f(c),
                t,
                f: e,
            },
            Exit::Return => Exit::Return,
        }
    }
}

/// A literal of the program: what the optimizer knows of a value it folded, and what a
/// side exit stores.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Lit {
    /// A number.
    Num(i64),
    /// A boolean.
    Bool(bool),
    /// The program's string constant with this index.
    Str(u32),
}

impl Lit {
    /// The operation that stores this literal in slot `d`.
    pub(crate) fn store<S>(self, d: S) -> Micro<S> {
        match self {
            Lit::Num(n) => Micro::Num(d, n),
            Lit::Bool(b) => Micro::Bool(d, b),
            Lit::Str(i) => Micro::Str(d, i),
        }
    }
}

/// One step of putting values in place (they cannot fail).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Put {
    /// `Move(destination, source)`.
    Move(W, W),
    /// Stores a literal.
    Lit(W, Lit),
}

impl Put {
    /// The same as an operation of a block.
    pub(crate) fn micro(self) -> Micro {
        match self {
            Put::Move(d, s) => Micro::Move(d, s),
            Put::Lit(d, l) => l.store(d),
        }
    }
}

/// A side exit of a block: where a [`Micro::Guard`] leaves it, for the branch of a
/// conditional jump that the trace did not follow. The machine is then where the plain
/// instructions would be after that jump.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Side {
    /// The instructions up to the jump, included.
    pub(crate) steps: u16,
    /// The stack depth after it is `sp - need + out` (as for [`Block::out`]).
    pub(crate) out: u16,
    /// What puts the values where the stack has them at the jump, in order.
    pub(crate) puts: Box<[Put]>,
    /// Where the jump goes, and the block there (or [`NO_BLOCK`]).
    pub(crate) pc: u32,
    pub(crate) block: u32,
    /// As [`Target::chain`]: for a side exit of a loop block, the block there is a loop
    /// block the runner goes on with at once.
    pub(crate) chain: bool,
}

/// A compiled trace, at the position of its entry point.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Block {
    /// The instructions it stands for (its exit included).
    pub(crate) steps: u16,
    /// The step budget it needs: `steps`, and when its exit may call a subroutine that
    /// returns at once, that `return` and the ones known to follow it.
    pub(crate) budget: u16,
    /// The values it reads from the stack.
    pub(crate) need: u16,
    /// How far the plain instructions would take the stack above its starting depth
    /// when they push (what `max_stack` is checked against).
    pub(crate) room: u16,
    /// The slots of its window, from `sp - need`.
    pub(crate) window: u16,
    /// The stack depth after it is `sp - need + out`.
    pub(crate) out: u16,
    /// Frames it needs on the return stack at the start (1 for a `return` exit).
    pub(crate) frames_min: u16,
    /// How many frames its calls may add at most (the `max_calls` check).
    pub(crate) frames_room: u16,
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
    /// Its side exits, by index (see [`Micro::Guard`]). A block with side exits has
    /// followed no call it did not return from before its last guard.
    pub(crate) sides: Box<[Side]>,
}

impl Block {
    /// Can the runner go on with block `to` at once, after a round of this loop block
    /// that leaves `depth` values above the window's base (its `out`, or a side exit's)?
    /// Yes when `to` is a loop block that starts at that depth (the same window) and
    /// needs no more room on the stack and for frames than this one: the limits this
    /// block was checked against then hold for it too, so only the step budget is
    /// left to check. (By induction, a chain of such blocks needs no more than the one
    /// it started with, which the runner checked.)
    pub(crate) fn chain(&self, depth: u16, to: &Block) -> bool {
        matches!(to.exit, Exit::Loop(_))
            && to.need == depth
            && u32::from(depth) + u32::from(to.room) <= u32::from(self.need) + u32::from(self.room)
            && to.frames_room <= self.frames_room
            && to.frames_min == 0
    }
}

/// The size of a block's window: every slot a block names is below it. The machine
/// keeps this many slots of storage above the stack's top, so that a block's window
/// is always a whole array and indexes need no checks.
pub(crate) const WINDOW: usize = 64;
