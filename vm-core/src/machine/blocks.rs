//! The block runner: runs the blocks of a program's block form (see [`crate::block`];
//! how they are made: [`crate::opt`]).
//!
//! A block runs only when it can run whole exactly as its plain instructions would. All
//! that can be checked up front is checked before anything happens: the step budget
//! (the `Fuel` left), the values it reads, room on the stack for what its instructions
//! push, room for the call frames, a frame to return to. Then its operations run on a
//! window of the stack.
//! Up to the last one that checks something, they write only above the stack's top; an
//! operation whose operands have the wrong type or whose result would not be exact
//! abandons the block, and the machine runs the plain instruction at its start instead
//! (the caller does that when no step was taken). Once every check passed, the rest
//! cannot fail: they write results where they go, then the exit pushes the block's
//! frames and the stack depth and the position change. A guard whose condition says
//! to leave is not a failure: the block leaves by that guard's side exit, which puts
//! the stack as the plain instructions have it at that jump.
//!
//! A loop block (`Exit::Loop`) goes round in `go_round`, checking only the step budget
//! between rounds; when it leaves, by its condition or a side exit, for another loop
//! block that starts at the same depth and needs no more room (`Block::chain`), the
//! runner goes on with that one at once, without its entry checks.
//!
//! Operations are dispatched by one `match` in a loop. A threaded form (each operation
//! a function ending with a jump to the next one's) was tried and measured: no faster
//! natively (`fib_25` 5.73 against 5.43 ms) and much slower in WebAssembly, which has no
//! tail calls in the engines we target (13.3 against 8.9 ms in Firefox).

use alloc::vec::Vec;

use super::fuel::Fuel;
use super::Machine;
use crate::block::{
    Block, Exit, Lit, Loop, Micro, MicroCode, Operand, Put, Side, Target, W, WINDOW,
};
use crate::frame::Frame;
use crate::ops::{self, BinOp, Class};
use crate::program::{Code, Program};
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
    view: View<'a>,
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
    /// Runs blocks, one after another, from `pc` for at most the steps `fuel` allows, as long as
    /// the next instruction starts a block that can run whole. Returns where it
    /// stopped and the steps taken (0 when the block at `pc` cannot run: the caller
    /// then runs its first instruction on its own).
    ///
    /// The stack, its depth and the frames are moved into locals for the loop, so
    /// that the compiler can keep them in registers.
    #[inline(never)]
    pub(super) fn run_blocks(&mut self, p: &Program, pc: usize, fuel: Fuel) -> (usize, u64) {
        let mut regs = Regs {
            stack: core::mem::take(&mut self.stack),
            frames: core::mem::take(&mut self.frames),
            sp: self.sp,
        };
        let view = View::new(&self.strings, p);
        let limits = (self.limits.max_stack, self.limits.max_calls);
        let (pc, done) = regs.run(p, view, limits, pc, fuel);
        self.stack = regs.stack;
        self.frames = regs.frames;
        self.sp = regs.sp;
        (pc, done)
    }
}

/// Runs the operations `$ops` (a slice) on the context `$cx` while they succeed: `None`
/// when all did, else `Some` of the number of those after the one that did not.
macro_rules! ops_left {
    ($cx:expr, $ops:expr) => {{
        let mut ops = $ops.iter();
        if ops.all(|m: &MicroCode| {
            m.run(
                #[inline(always)]
                |m| exec($cx, m),
            )
        }) {
            None
        } else {
            Some(ops.len())
        }
    }};
}

/// [`ops_left!`] for the operations of block `$b`: natively written out where it is used
/// (the block runner's two loops; as a function, even `#[inline(always)]`, the loops ran
/// 16 to 20% more instructions), a function call in WebAssembly, where the module's size
/// counts more (one copy of the operations' dispatch instead of two).
macro_rules! run_ops {
    ($cx:expr, $b:expr) => {{
        #[cfg(not(target_arch = "wasm32"))]
        let left = ops_left!($cx, $b.code);
        #[cfg(target_arch = "wasm32")]
        let left = run_ops($cx, &$b.code);
        left
    }};
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
        fuel: Fuel,
    ) -> (usize, u64) {
        let start = fuel;
        let mut fuel = fuel;
        let mut index = p.block_at(pc);
        while let Some(b) = p.blocks.get(index as usize) {
            let sp = self.sp;
            let frames = self.frames.len();
            if !fuel.allows(u64::from(b.budget))
                || sp < b.need as usize
                || sp + b.room as usize > max_stack
                || frames < b.frames_min as usize
                || frames + b.frames_room as usize > max_calls
            {
                break;
            }
            let base = sp - b.need as usize;
            self.stack.grow_to(base + WINDOW);
            let Some((tags, bits)) = self.stack.window(base) else {
                break;
            };
            let mut c = Ctx {
                w: Window { tags, bits },
                view,
            };
            if let Some(left) = run_ops!(&mut c, b) {
                // A guard left by its side exit, or a check failed: then the block is
                // abandoned, and the caller runs the plain instruction at its start.
                let Some(side) = side_taken(b, left) else {
                    break;
                };
                (pc, index) = side_exit(&mut c, side, &mut fuel);
                self.sp = base + side.out as usize;
                continue;
            }
            let w = c.w;
            // Every operation ran and the results are in place: the frames, the depth
            // and the position change.
            self.sp = base + b.out as usize;
            fuel.spend(u64::from(b.steps));
            (pc, index) = match b.exit {
                Exit::Next { pc, block } => {
                    self.push_frames(&b.pushes);
                    (pc as usize, block)
                }
                Exit::JumpIf { c, t, f } => {
                    let to = if w.bits(c) != 0 { t } else { f };
                    self.push_frames(&b.pushes);
                    (to.pc as usize, to.block)
                }
                // (A loop block pushes no frames.)
                Exit::Loop(ref l) => match go_round(w, view, &p.blocks, l, b.out, fuel) {
                    Round::Left {
                        now,
                        pc,
                        block,
                        out,
                    } => {
                        fuel = now;
                        self.sp = base + out as usize;
                        (pc, block)
                    }
                    Round::Abandoned { now, at, out } => {
                        // A round was abandoned: the machine stays at the start of that
                        // block, after the rounds that completed.
                        fuel = now;
                        self.sp = base + out as usize;
                        pc = at;
                        break;
                    }
                },
                Exit::Call { call, to } => {
                    self.push_frames(&b.pushes);
                    self.call(call, to)
                }
                Exit::CallIf { call, c, t, f } => {
                    let to = if w.bits(c) != 0 { t } else { f };
                    if to.returns_at_once {
                        // The callee returns at once, and the returns known to follow
                        // pop frames this block would push: no frame for the call and
                        // none for those, a step for each return.
                        fuel.spend(1 + u64::from(to.pops));
                        let keep = b.pushes.len().saturating_sub(to.pops as usize);
                        self.push_frames(b.pushes.get(..keep).unwrap_or_default());
                        if to.after_returns {
                            let pc = self.ret_chain(p, to.after as usize, &mut fuel);
                            (pc, p.block_at(pc))
                        } else {
                            (to.after as usize, to.after_block)
                        }
                    } else {
                        self.push_frames(&b.pushes);
                        self.call(call, to)
                    }
                }
                Exit::Return => {
                    // (A block that returns has followed no call it did not return from.)
                    match self.frames.pop() {
                        Some(f) => {
                            let pc = self.ret_chain(p, f.ret as usize, &mut fuel);
                            (pc, p.block_at(pc))
                        }
                        None => unreachable!("checked before the block ran"),
                    }
                }
            };
        }
        (pc, start.used(fuel))
    }

    /// Pushes the frames of calls a block followed.
    #[inline(always)]
    fn push_frames(&mut self, frames: &[Frame]) {
        for &f in frames {
            self.frames.push(f);
        }
    }

    /// Pushes the frame of the `call` at `call` to `to`; returns where it goes (the
    /// instruction and its block).
    #[inline(always)]
    fn call(&mut self, call: u32, to: Target) -> (usize, u32) {
        self.frames.push(Frame::of_call(call, to.addr));
        (to.pc as usize, to.block)
    }

    /// Runs the `return`s that follow at `pc` (as after `call return` at the end of a
    /// subroutine), while there are frames and fuel; returns where it stopped.
    #[inline(always)]
    fn ret_chain(&mut self, p: &Program, mut pc: usize, fuel: &mut Fuel) -> usize {
        while !fuel.is_empty() && matches!(p.dispatch.get(pc), Some(Code::Return)) {
            let Some(f) = self.frames.pop() else { break };
            pc = f.ret as usize;
            fuel.spend(1);
        }
        pc
    }
}

/// Leaves a block by a side exit: puts the values where the plain instructions leave
/// them at the jump (the depth is then `base + side.out`), spends its steps from `fuel`;
/// returns where it goes. (Out of line in WebAssembly, for the module's size.)
#[cfg_attr(not(target_arch = "wasm32"), inline(always))]
#[cfg_attr(target_arch = "wasm32", inline(never))]
fn side_exit(cx: &mut Ctx<'_>, side: &Side, fuel: &mut Fuel) -> (usize, u32) {
    for &p in side.puts.iter() {
        match p {
            Put::Move(d, s) => cx.w.set(d, cx.w.get(s)),
            Put::Lit(d, Lit::Num(n)) => cx.w.set(d, Slot::num(n)),
            Put::Lit(d, Lit::Bool(b)) => cx.w.set(d, Slot::bool(b)),
            Put::Lit(d, Lit::Str(i)) => cx.w.set(d, Slot::constant(i)),
        }
    }
    fuel.spend(u64::from(side.steps));
    (side.pc as usize, side.block)
}

/// The side exit taken when the operations of `b` stopped with `left` of them not run:
/// `None` when the one that stopped them was not a guard but a failed check.
#[inline(always)]
fn side_taken(b: &Block, left: usize) -> Option<&Side> {
    match b.ops.get(b.ops.len().checked_sub(left + 1)?)? {
        &Micro::Guard(_, _, k) | &Micro::GuardEq(_, _, _, k) => b.sides.get(usize::from(k)),
        _ => None,
    }
}

/// How the rounds of loop blocks ended ([`go_round`]).
enum Round {
    /// A condition said to leave, or a guard took a side exit, to a block that is not
    /// one to go on with at once, or the fuel did not allow another round: the fuel
    /// left there, where it goes (the instruction and its block), and the depth it
    /// leaves above the window's base.
    Left {
        now: Fuel,
        pc: usize,
        block: u32,
        out: u16,
    },
    /// A round was abandoned (an operation's check failed), with the fuel left at the
    /// end of the last round that completed: the machine is then at the start `at` of
    /// that block, with `out` values above the window's base, as the caller leaves it
    /// when a block cannot run.
    Abandoned { now: Fuel, at: usize, out: u16 },
}

/// Runs loop blocks ([`Exit::Loop`]) after the first round of one, whose exit is
/// `first`, as long as they go where a [`Target::chain`] says (another round, or
/// another loop block to go on with): each block's rounds, as long as its condition
/// says to go round and the fuel allows a round, then where its condition or a side
/// exit says, as long as that is a loop block to go on with. Such blocks start with the
/// depth, the frames and the window as they are and need no more room (see
/// [`Block::chain`]), so only the fuel is checked again. `out` is the depth after the
/// first round (above the window's base), `fuel` what is left at its end; the result
/// has what is left after the rounds that followed.
///
/// Kept out of line, and given its window and fuel by value: inlined into
/// `Regs::run`, or given references to the caller's locals, it made the main loop's
/// registers worse, and fib and Collatz, which have no such loop, 3 to 30% slower
/// (callgrind).
#[inline(never)]
fn go_round(
    w: Window<'_>,
    view: View<'_>,
    blocks: &[Block],
    first: &Loop,
    mut out: u16,
    mut fuel: Fuel,
) -> Round {
    let mut cx = Ctx { w, view };
    let to = first.to(cx.w.bits(first.c));
    let (mut at, mut index, mut chain) = (to.pc as usize, to.block, to.chain);
    loop {
        let b = match blocks.get(index as usize) {
            Some(b) if chain && fuel.allows(u64::from(b.budget)) => b,
            _ => {
                return Round::Left {
                    now: fuel,
                    pc: at,
                    block: index,
                    out,
                }
            }
        };
        let Exit::Loop(ref l) = b.exit else {
            return Round::Left {
                now: fuel,
                pc: at,
                block: index,
                out,
            };
        };
        match rounds(&mut cx, b, l.c, l.on, &mut fuel) {
            Ok(()) => {
                let to = l.to(cx.w.bits(l.c));
                (at, index, chain, out) = (to.pc as usize, to.block, to.chain, b.out);
            }
            Err(Some(side)) => {
                (at, index) = side_exit(&mut cx, side, &mut fuel);
                (chain, out) = (side.chain, side.out);
            }
            Err(None) => return Round::Abandoned { now: fuel, at, out },
        }
    }
}

/// The rounds of loop block `b` (its condition `c`, going round while it is `on`): at
/// least one, then more while the condition and the fuel allow. `Err` when a guard
/// took a side exit (`Some`), or a round was abandoned (`None`); the rounds that
/// completed are spent from `fuel`.
#[inline(always)]
fn rounds<'b>(
    cx: &mut Ctx<'_>,
    b: &'b Block,
    c: W,
    on: bool,
    fuel: &mut Fuel,
) -> Result<(), Option<&'b Side>> {
    let round = u64::from(b.budget);
    loop {
        if let Some(left) = run_ops!(cx, b) {
            return Err(side_taken(b, left));
        }
        fuel.spend(round);
        if (cx.w.bits(c) != 0) != on || !fuel.allows(round) {
            return Ok(());
        }
    }
}

/// Runs the operations of a block while they succeed (see [`run_ops!`]); one copy, out
/// of line, for the WebAssembly module's size.
#[cfg(target_arch = "wasm32")]
#[inline(never)]
fn run_ops(cx: &mut Ctx<'_>, ops: &[MicroCode]) -> Option<usize> {
    ops_left!(cx, ops)
}

/// Runs one operation of a block on its window; `false` when its operands or its
/// result are not what the plain instruction would accept.
#[inline(always)]
fn exec(cx: &mut Ctx<'_>, m: Micro) -> bool {
    let w = &mut cx.w;
    match m {
        // (Two arms, so that each knows what kind its right operand is.)
        Micro::Bin {
            op,
            dst,
            a,
            b: Operand::Slot(b),
        } => bin(w, cx.view, op, dst, w.get(a), w.get(b)),
        Micro::Bin {
            op,
            dst,
            a,
            b: Operand::Imm(n),
        } => bin(w, cx.view, op, dst, w.get(a), Slot::num(n)),
        Micro::Not(d, a) => {
            let x = w.get(a);
            w.set(d, Slot::bool(ops::not(x.bits != 0)));
            x.tag == Tag::Bool
        }
        Micro::Select(d, c, t, f) => {
            w.set(d, ops::select(w.bits(c) != 0, w.get(t), w.get(f)));
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
        // (The runner finds the side exit from the guard that stopped the block.)
        Micro::Guard(c, on, _) => (w.bits(c) != 0) == on,
        Micro::GuardEq(a, n, on, _) => equal_num(w.get(a), n) == on,
    }
}

/// `d = x op y`, a pure operation of two operands ([`Micro::Bin`]), from the
/// operation table: the operands must have the types of its signature, its class's
/// function computes the result. An operation that can fail writes only when it
/// succeeds (`opt/place.rs` counts on that); the others write, then say whether
/// their operands had the right types. (`op` is a constant where this is inlined, in
/// each arm of [`MicroCode::run`]: its row and its function are that arm's code.)
#[inline(always)]
fn bin(w: &mut Window<'_>, view: View<'_>, op: BinOp, d: W, x: Slot, y: Slot) -> bool {
    let &[tx, ty] = op.sig().takes else {
        return false; // (every `BinOp` takes two)
    };
    let types = x.is(tx) && y.is(ty);
    match op.class() {
        Class::Arithmetic(f) => {
            if !types {
                return false;
            }
            match f.apply(x.bits as i64, y.bits as i64) {
                Ok(r) => {
                    w.set(d, Slot::num(r));
                    true
                }
                Err(_) => false,
            }
        }
        Class::Comparison(c) => {
            // `==` and `!=` take any two values (strings by their text), the orders
            // two numbers.
            let r = match c.values(true) {
                Some(_) => c.values(view.equal(x, y)) == Some(true),
                None => c.numbers(x.bits as i64, y.bits as i64),
            };
            w.set(d, Slot::bool(r));
            types
        }
        Class::Logic(l) => match l.both(x.bits != 0, y.bits != 0) {
            Some(r) => {
                w.set(d, Slot::bool(r));
                types
            }
            None => false,
        },
        Class::Stack(_) | Class::Text(_) | Class::Io(_) | Class::Control(_) => false,
    }
}

/// `==` of a value and the number `n` (a value of another type is not equal).
#[inline(always)]
fn equal_num(x: Slot, n: i64) -> bool {
    x.tag == Tag::Num && x.bits == n as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asm::compile;
    use crate::slot::Strings;

    /// The operation written `name`, of two operands.
    fn named(name: &str) -> BinOp {
        BinOp::of(crate::ops::Op::from_name(name).unwrap()).unwrap()
    }

    /// Runs `ops` on a window holding `values`; returns whether all ran, and the
    /// window.
    fn run_with(ops: &[MicroCode], values: &[Slot], view: View<'_>) -> (bool, Vec<Slot>) {
        let mut stack = Stack::default();
        stack.resize(WINDOW);
        for (i, &v) in values.iter().enumerate() {
            stack.set(i, v);
        }
        let (tags, bits) = stack.window(0).unwrap();
        let mut c = Ctx {
            w: Window { tags, bits },
            view,
        };
        let ok = ops.iter().all(|m| m.run(|m| exec(&mut c, m)));
        (ok, stack.iter(0..8).collect())
    }

    #[test]
    fn operations_check_their_operands() {
        let p = compile("").unwrap();
        let strings = Strings::default();
        let view = View::new(&strings, &p);
        let two = [Slot::num(i64::MAX), Slot::num(1)];
        let bin = |op, dst, a, b| MicroCode::from(Micro::Bin { op, dst, a, b });
        let (slot, imm) = (Operand::Slot, Operand::Imm);
        // Overflow abandons the block, and nothing is written.
        let (ok, w) = run_with(&[bin(named("+"), 2, 0, slot(1))], &two, view);
        assert!(!ok);
        assert_eq!(w[2], Slot::num(0));
        let (ok, w) = run_with(&[bin(named("-"), 2, 0, slot(1))], &two, view);
        assert!(ok);
        assert_eq!(w[2], Slot::num(i64::MAX - 1));
        // A boolean is not a number, a number not a boolean.
        let mixed = [Slot::bool(true), Slot::num(1)];
        assert!(!run_with(&[bin(named("+"), 2, 0, imm(1))], &mixed, view).0);
        let not = |d, a| MicroCode::from(Micro::Not(d, a));
        assert!(!run_with(&[not(2, 1)], &mixed, view).0);
        assert!(run_with(&[not(2, 0)], &mixed, view).0);
        // Division by zero; `MIN % -1` is 0.
        assert!(!run_with(&[bin(named("/"), 2, 1, imm(0))], &mixed, view).0);
        let (ok, w) = run_with(
            &[bin(named("%"), 2, 0, imm(-1))],
            &[Slot::num(i64::MIN)],
            view,
        );
        assert!(ok);
        assert_eq!(w[2], Slot::num(0));
    }

    #[test]
    fn strings_compare_by_text() {
        let p = compile("\"ab\" \"c\"").unwrap();
        let mut strings = Strings::default();
        // A string made while running, equal to the constant "ab".
        let made = strings.insert(alloc::sync::Arc::from("ab"));
        let view = View::new(&strings, &p);
        let values = [Slot::constant(0), made, Slot::constant(1)];
        let equal = |op, dst, a, b| {
            MicroCode::from(Micro::Bin {
                op,
                dst,
                a,
                b: Operand::Slot(b),
            })
        };
        let ops = [
            equal(BinOp::Eq, 3, 0, 1),
            equal(BinOp::Ne, 4, 0, 2),
            MicroCode::from(Micro::Select(5, 3, 2, 0)),
        ];
        let (ok, w) = run_with(&ops, &values, view);
        assert!(ok);
        assert_eq!(
            &w[3..6],
            [Slot::bool(true), Slot::bool(true), Slot::constant(1)]
        );
    }
}
