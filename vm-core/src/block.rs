//! The block form of a program: what the optimizer ([`crate::opt`]) makes of runs of
//! instructions, and what the block runner (`machine/blocks.rs`) runs.
//!
//! A [`Block`] stands for a run of plain instructions (a trace): a short list of
//! [`Micro`] operations on the slots of a window of the stack, the call frames to push
//! and how it ends ([`Exit`]). A pure operation of two operands is one shape,
//! [`Micro::Bin`], whichever operation it is (the operation table, `ops`, says what it
//! takes, gives and means); the block runner dispatches on the same operations made
//! flat, [`MicroCode`], generated from the table. This module is only the format; see
//! [`crate::opt`] for how blocks are made and what makes running one equal to running
//! its instructions.

use alloc::boxed::Box;

use crate::frame::Frame;
use crate::ops::BinOp;

/// A slot of a block's window: the stack from `sp - need` on, where `sp` is the depth
/// when the block starts. Slots below `need` hold the values the block reads; the ones
/// above are free space for its results and temporaries.
pub(crate) type W = u16;

/// The right operand of a [`Micro::Bin`]: a slot, or an immediate number (a literal
/// of the trace).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Operand<S = W> {
    /// The value in this slot.
    Slot(S),
    /// This number.
    Imm(i64),
}

impl<S> Operand<S> {
    /// The same operand on the slot `f` gives for its slot.
    pub(crate) fn map<T>(self, f: impl FnOnce(S) -> T) -> Operand<T> {
        match self {
            Operand::Slot(s) => Operand::Slot(f(s)),
            Operand::Imm(n) => Operand::Imm(n),
        }
    }
}

/// One operation of a block, on slots of its window (`S` is [`W`] in a finished
/// block; the optimizer builds them on symbolic slots first). An operation checks
/// that its operands have its types, and one that can fail that its result is exact;
/// a failed check abandons the block before anything is written below `sp`. The
/// destination comes first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub(crate) enum Micro<S = W> {
    /// `dst = a op b`, for a pure operation of two operands (arithmetic, comparisons,
    /// `and`, `or`): what it takes and gives, and whether it can fail, are its
    /// signature in the operation table ([`BinOp::sig`]), its meaning its class's
    /// function there.
    Bin {
        op: BinOp,
        dst: S,
        a: S,
        b: Operand<S>,
    },
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
    /// A guard on `slot == n` (any value compared with a number, as `==` with an
    /// immediate): goes on when that is the `bool`, else leaves by the side exit of
    /// this index.
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
            Bin { op, dst, a, b } => Bin {
                op,
                dst: f(dst),
                a: f(a),
                b: b.map(f),
            },
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

/// Defines [`MicroCode`] from the pure operations of two operands of the table
/// (`ops::with_binary_ops!` hands them over): for each, a variant for a [`Micro::Bin`]
/// of it with a slot as the right operand and one with an immediate. (`macro_rules!`
/// cannot make a name from another, so the variants take names from two lists of
/// spare ones, `S0`, `S1`, ... and `I0`, `I1`, ..., in table order: 64 of each, more
/// than there are operations.)
macro_rules! define_micro_code {
    ($($op:ident)*) => {
        define_micro_code!(@pair [] [$($op)*]
            [
                S0 S1 S2 S3 S4 S5 S6 S7 S8 S9 S10 S11 S12 S13 S14 S15
                S16 S17 S18 S19 S20 S21 S22 S23 S24 S25 S26 S27 S28 S29 S30 S31
                S32 S33 S34 S35 S36 S37 S38 S39 S40 S41 S42 S43 S44 S45 S46 S47
                S48 S49 S50 S51 S52 S53 S54 S55 S56 S57 S58 S59 S60 S61 S62 S63
            ]
            [
                I0 I1 I2 I3 I4 I5 I6 I7 I8 I9 I10 I11 I12 I13 I14 I15
                I16 I17 I18 I19 I20 I21 I22 I23 I24 I25 I26 I27 I28 I29 I30 I31
                I32 I33 I34 I35 I36 I37 I38 I39 I40 I41 I42 I43 I44 I45 I46 I47
                I48 I49 I50 I51 I52 I53 I54 I55 I56 I57 I58 I59 I60 I61 I62 I63
            ]
        );
    };
    (@pair [$($done:tt)*] [$op:ident $($ops:ident)*]
        [$slot:ident $($slots:ident)*] [$imm:ident $($imms:ident)*]) => {
        define_micro_code!(@pair [$($done)* ($op $slot $imm)] [$($ops)*] [$($slots)*] [$($imms)*]);
    };
    (@pair [$(($op:ident $slot:ident $imm:ident))*] [] [$($s:ident)*] [$($i:ident)*]) => {
        /// The form of a block's operations that the block runner dispatches on:
        /// [`Micro`], with a variant for each operation of a [`Micro::Bin`] and each
        /// kind of its right operand, so that dispatch is a single jump (as `Code`
        /// is the dispatch form of `Instr`). Made from the operations when the block
        /// is finished; [`MicroCode::run`] gives the operation back.
        ///
        /// (Matched as it is, a `Micro::Bin` takes a jump on the variant, then one on
        /// the operation: fib, Ackermann and the loops of the benchmark suite ran 26
        /// to 45% more machine instructions that way, by callgrind, and 10 to 29%
        /// more with a variant per operation that still tested the kind of its right
        /// operand.)
        #[derive(Clone, Copy, PartialEq, Eq)]
        pub(crate) enum MicroCode {
            $(
                $slot(W, W, W),
                $imm(W, W, i64),
            )*
            Not(W, W),
            Select(W, W, W, W),
            IsBool(W),
            Num(W, i64),
            Bool(W, bool),
            Str(W, u32),
            Move(W, W),
            Guard(W, bool, u16),
            GuardEq(W, i64, bool, u16),
        }

        impl From<Micro> for MicroCode {
            fn from(m: Micro) -> MicroCode {
                match m {
                    Micro::Bin { op, dst, a, b } => match (op, b) {
                        $(
                            (BinOp::$op, Operand::Slot(b)) => MicroCode::$slot(dst, a, b),
                            (BinOp::$op, Operand::Imm(n)) => MicroCode::$imm(dst, a, n),
                        )*
                    },
                    Micro::Not(d, a) => MicroCode::Not(d, a),
                    Micro::Select(d, c, t, f) => MicroCode::Select(d, c, t, f),
                    Micro::IsBool(a) => MicroCode::IsBool(a),
                    Micro::Num(d, n) => MicroCode::Num(d, n),
                    Micro::Bool(d, b) => MicroCode::Bool(d, b),
                    Micro::Str(d, i) => MicroCode::Str(d, i),
                    Micro::Move(d, s) => MicroCode::Move(d, s),
                    Micro::Guard(c, on, k) => MicroCode::Guard(c, on, k),
                    Micro::GuardEq(a, n, on, k) => MicroCode::GuardEq(a, n, on, k),
                }
            }
        }

        impl MicroCode {
            /// Runs `f` on the operation this stands for. Inlined, so that in each
            /// arm the operation (its variant, its `op`, the kind of its right
            /// operand) is a constant and `f` becomes that operation's own code.
            #[inline(always)]
            pub(crate) fn run<R>(&self, f: impl FnOnce(Micro) -> R) -> R {
                match *self {
                    $(
                        MicroCode::$slot(dst, a, b) => f(Micro::Bin {
                            op: BinOp::$op,
                            dst,
                            a,
                            b: Operand::Slot(b),
                        }),
                        MicroCode::$imm(dst, a, n) => f(Micro::Bin {
                            op: BinOp::$op,
                            dst,
                            a,
                            b: Operand::Imm(n),
                        }),
                    )*
                    MicroCode::Not(d, a) => f(Micro::Not(d, a)),
                    MicroCode::Select(d, c, t, e) => f(Micro::Select(d, c, t, e)),
                    MicroCode::IsBool(a) => f(Micro::IsBool(a)),
                    MicroCode::Num(d, n) => f(Micro::Num(d, n)),
                    MicroCode::Bool(d, b) => f(Micro::Bool(d, b)),
                    MicroCode::Str(d, i) => f(Micro::Str(d, i)),
                    MicroCode::Move(d, s) => f(Micro::Move(d, s)),
                    MicroCode::Guard(c, on, k) => f(Micro::Guard(c, on, k)),
                    MicroCode::GuardEq(a, n, on, k) => f(Micro::GuardEq(a, n, on, k)),
                }
            }
        }
    };
}

crate::ops::with_binary_ops!(define_micro_code);

/// Shown as the operation it stands for.
impl core::fmt::Debug for MicroCode {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        self.run(|m| m.fmt(f))
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
    /// The same operations as the block runner dispatches on them.
    pub(crate) code: Box<[MicroCode]>,
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
