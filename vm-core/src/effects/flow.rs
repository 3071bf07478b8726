//! The data flow of one routine: from its entry, the abstract state (stack depth relative
//! to the entry, and what is known of the values on top) before every instruction it
//! reaches, through fall-through, jumps and calls to known addresses.
//!
//! The abstract semantics of every operation is here, in one exhaustive match
//! ([`transfer`]): how many values it takes, what it pushes, where control goes on.

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::vec::Vec;

use crate::ops::{self, Op};
use crate::program::{Instr, Program};

use super::Type;

/// The most values an abstract state remembers on top of its stack; those below are
/// [`Val::Any`].
const TRACKED: usize = 32;

/// The most distinct numbers a [`Val::Known`] holds before it becomes [`Val::Num`].
const KNOWN: usize = 4;

/// A number known to be one of a few values: literals and label references (addresses),
/// so that `cond yes no if jmp` goes on at both labels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Consts {
    vals: [i64; KNOWN],
    len: u8,
    /// Every value came from a label reference.
    addr: bool,
}

impl Consts {
    fn one(n: i64, addr: bool) -> Consts {
        Consts {
            vals: [n, 0, 0, 0],
            len: 1,
            addr,
        }
    }

    /// The values, in increasing order.
    pub(super) fn values(&self) -> &[i64] {
        &self.vals[..usize::from(self.len)]
    }

    /// The union, if it is small enough.
    fn union(self, other: Consts) -> Option<Consts> {
        let mut all: Vec<i64> = self
            .values()
            .iter()
            .chain(other.values())
            .copied()
            .collect();
        all.sort_unstable();
        all.dedup();
        if all.len() > KNOWN {
            return None;
        }
        let mut vals = [0; KNOWN];
        vals[..all.len()].copy_from_slice(&all);
        Some(Consts {
            vals,
            len: all.len() as u8,
            addr: self.addr && other.addr,
        })
    }
}

/// What is known of one value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Val {
    /// Nothing.
    Any,
    /// A number.
    Num,
    /// A boolean.
    Bool,
    /// A string.
    Str,
    /// A number that is one of these.
    Known(Consts),
}

impl Val {
    fn join(self, other: Val) -> Val {
        match (self, other) {
            (a, b) if a == b => a,
            (Val::Known(a), Val::Known(b)) => a.union(b).map_or(Val::Num, Val::Known),
            (Val::Known(_) | Val::Num, Val::Known(_) | Val::Num) => Val::Num,
            _ => Val::Any,
        }
    }

    /// Its type, when known.
    pub(super) fn ty(self) -> Option<Type> {
        match self {
            Val::Any => None,
            Val::Num => Some(Type::Num),
            Val::Bool => Some(Type::Bool),
            Val::Str => Some(Type::Str),
            Val::Known(c) if c.addr => Some(Type::Addr),
            Val::Known(_) => Some(Type::Num),
        }
    }
}

/// The stack depth at a point, relative to the routine's entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Depth {
    /// The same on every path analysed.
    Known(i64),
    /// Not known: after a call whose effect is not known, or after a point where paths met
    /// with different depths.
    Unknown,
    /// Two paths meet here with these different depths (the first two seen); not known.
    Conflict(i64, i64),
}

impl Depth {
    /// The depth, if known.
    pub(super) fn known(self) -> Option<i64> {
        match self {
            Depth::Known(d) => Some(d),
            Depth::Unknown | Depth::Conflict(..) => None,
        }
    }

    fn join(self, other: Depth) -> Depth {
        match (self, other) {
            (Depth::Known(a), Depth::Known(b)) if a == b => Depth::Known(a),
            (Depth::Known(a), Depth::Known(b)) => Depth::Conflict(a, b),
            (c @ Depth::Conflict(..), _) | (_, c @ Depth::Conflict(..)) => c,
            _ => Depth::Unknown,
        }
    }

    /// The depth after taking `n` values and pushing `m`.
    fn moved(self, n: i64, m: i64) -> Depth {
        match self {
            Depth::Known(d) => Depth::Known(d - n + m),
            Depth::Unknown | Depth::Conflict(..) => Depth::Unknown,
        }
    }
}

/// The abstract state before an instruction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct State {
    pub(super) depth: Depth,
    /// What is known of the top values, top last (at most [`TRACKED`]); values below
    /// them are [`Val::Any`].
    pub(super) vals: Vec<Val>,
    /// At least the fewest values, over the paths to here, that a path took from below
    /// the entry (`i64::MAX` when not known): a run entered with this many values or more
    /// can reach here without an underflow on the way.
    pub(super) low: i64,
}

impl State {
    /// The state at a routine's entry.
    pub(super) fn entry() -> State {
        State {
            depth: Depth::Known(0),
            vals: Vec::new(),
            low: 0,
        }
    }

    /// Joins `other` into `self`; whether `self` changed.
    fn join(&mut self, other: &State) -> bool {
        let depth = self.depth.join(other.depth);
        let n = self.vals.len().min(other.vals.len());
        let mine = &self.vals[self.vals.len() - n..];
        let theirs = &other.vals[other.vals.len() - n..];
        let vals: Vec<Val> = mine.iter().zip(theirs).map(|(a, b)| a.join(*b)).collect();
        let low = self.low.min(other.low);
        let changed = depth != self.depth || vals != self.vals || low != self.low;
        self.depth = depth;
        self.vals = vals;
        self.low = low;
        changed
    }

    fn pop(&mut self) -> Val {
        self.vals.pop().unwrap_or(Val::Any)
    }

    fn push(&mut self, v: Val) {
        if self.vals.len() == TRACKED {
            self.vals.remove(0);
        }
        self.vals.push(v);
    }
}

/// How a callee returns, as a caller sees it while the effects are being worked out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Callee {
    /// Never returns (or not yet seen to).
    Never,
    /// Takes `.0` values and leaves `.1`.
    Returns(i64, i64),
    /// Not known.
    Unknown,
}

/// What the flow needs to know of the rest of the analysis.
pub(super) trait Env {
    /// How the routine entered at instruction `pc` returns.
    fn callee(&self, pc: usize) -> Callee;
}

/// A `call` of a known address, as a routine makes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct CallSite {
    /// The `call` instruction.
    pub(super) pc: usize,
    /// The depth after the address is taken, when known.
    pub(super) depth: Option<i64>,
    /// The instruction called (`code().len()`: the end of the program).
    pub(super) target: usize,
    /// How many values from below the entry a path needs to reach the call and take its
    /// address (as [`State::low`]).
    pub(super) low: i64,
}

/// The result of one routine's flow.
#[derive(Clone, Debug, Default)]
pub(super) struct Flow {
    /// The state before each instruction reached.
    pub(super) states: BTreeMap<usize, State>,
    /// The depth after each instruction reached, when known (after a `call`: once it
    /// returns; after a `jmp`: at its target).
    pub(super) after: BTreeMap<usize, Option<i64>>,
    /// The `return`s reached, with the depth there.
    pub(super) returns: BTreeMap<usize, Depth>,
    /// How many values the routine takes from below its entry, on the paths analysed.
    pub(super) needs: i64,
    /// The `jmp`s and `call`s whose address is computed: the flow stops there.
    pub(super) computed: BTreeSet<usize>,
    /// The calls of known addresses.
    pub(super) calls: Vec<CallSite>,
    /// Instructions processed (the work done).
    pub(super) work: u64,
}

/// Runs the flow of the routine entered at `entry` (`main`: the program itself, where a
/// `return` is an error rather than a return), processing at most `budget` instructions;
/// `None` past it.
pub(super) fn flow(
    program: &Program,
    entry: usize,
    main: bool,
    env: &dyn Env,
    budget: u64,
) -> Option<Flow> {
    let len = program.code().len();
    let mut f = Flow::default();
    let mut work: BTreeSet<usize> = BTreeSet::new();
    if entry < len {
        f.states.insert(entry, State::entry());
        work.insert(entry);
    }
    // One site per call and target: the latest state's.
    let mut calls: BTreeMap<(usize, usize), CallSite> = BTreeMap::new();
    while let Some(pc) = work.pop_first() {
        f.work += 1;
        if f.work > budget {
            return None;
        }
        let state = f.states[&pc].clone();
        let step = transfer(program, pc, &state, main, env);
        if let (Some(d), Some(n)) = (state.depth.known(), step.takes) {
            f.needs = f.needs.max(n - d);
        }
        // What a path needs from below the entry to get past this instruction (a call:
        // with what its callees take).
        let low = match state.depth.known() {
            Some(d) => state.low.max(step.takes.map_or(0, |n| n - d)),
            None => i64::MAX,
        };
        f.after.insert(pc, step.after);
        match step.control {
            Control::Return => {
                f.returns.insert(pc, state.depth);
            }
            Control::Computed => {
                f.computed.insert(pc);
            }
            Control::Goes => {}
        }
        for mut site in step.calls {
            site.low = match state.depth.known() {
                Some(d) => state.low.max(1 - d),
                None => i64::MAX,
            };
            calls.insert((site.pc, site.target), site);
        }
        for (to, mut next) in step.next {
            next.low = low;
            if to >= len {
                continue; // the end: the program stops there
            }
            match f.states.get_mut(&to) {
                Some(old) => {
                    if old.join(&next) {
                        work.insert(to);
                    }
                }
                None => {
                    f.states.insert(to, next);
                    work.insert(to);
                }
            }
        }
    }
    f.calls = calls.into_values().collect();
    Some(f)
}

/// Where control goes after an instruction, beyond its successors.
enum Control {
    /// On to the successors (none: it ends the path).
    Goes,
    /// A `return` of the routine.
    Return,
    /// A `jmp` or `call` of a computed address: unknown from here.
    Computed,
}

/// What one instruction does to a state.
struct Step {
    /// How many values it takes (for the routine's needs), when it takes any.
    takes: Option<i64>,
    /// The depth after it, when known.
    after: Option<i64>,
    /// The instructions it goes on at, with the state there.
    next: Vec<(usize, State)>,
    control: Control,
    calls: Vec<CallSite>,
}

/// How many values `op` takes from the stack (its underflow check), as its row says.
pub(super) fn pops(op: Op) -> i64 {
    i64::from(op.info().pops)
}

/// What a pure operation's result is, as its row's signature says (`None` for the
/// others, whose results are given below).
fn gives(op: Op) -> Option<Val> {
    Some(match op.sig()?.gives {
        ops::Type::Num => Val::Num,
        ops::Type::Bool => Val::Bool,
        ops::Type::Str => Val::Str,
        ops::Type::Any => Val::Any,
    })
}

/// The addresses a value can be, as instructions (`code().len()`: the end), when they
/// are known; `Err(())` when the value is a number not known (a computed address), and
/// an empty list when it is certainly not a number (a type error: nowhere).
fn targets(program: &Program, v: Val) -> Result<Vec<usize>, ()> {
    match v {
        Val::Known(c) => Ok(c
            .values()
            .iter()
            .filter_map(|&a| program.pc_of(a))
            .collect()),
        Val::Bool | Val::Str => Ok(Vec::new()),
        Val::Any | Val::Num => Err(()),
    }
}

fn transfer(program: &Program, pc: usize, state: &State, main: bool, env: &dyn Env) -> Step {
    let mut s = state.clone();
    let mut step = Step {
        takes: None,
        after: None,
        next: Vec::new(),
        control: Control::Goes,
        calls: Vec::new(),
    };
    let push = |s: &mut State, v: Val| {
        s.depth = s.depth.moved(0, 1);
        s.push(v);
    };
    let op = match program.code().get(pc) {
        Some(&Instr::Num(n)) => {
            push(&mut s, Val::Known(Consts::one(n, false)));
            None
        }
        Some(&Instr::Addr(a)) => {
            push(&mut s, Val::Known(Consts::one(i64::from(a), true)));
            None
        }
        Some(Instr::Bool(_)) => {
            push(&mut s, Val::Bool);
            None
        }
        Some(Instr::Str(_)) => {
            push(&mut s, Val::Str);
            None
        }
        Some(&Instr::Op(op)) => Some(op),
        // Past the end: nothing to do.
        None => {
            step.control = Control::Computed;
            return step;
        }
    };
    let Some(op) = op else {
        step.after = s.depth.known();
        step.next.push((pc + 1, s));
        return step;
    };
    step.takes = Some(pops(op)).filter(|&n| n > 0);
    let take = |s: &mut State, n: i64| -> Vec<Val> {
        s.depth = s.depth.moved(n, 0);
        let mut vals: Vec<Val> = (0..n).map(|_| s.pop()).collect();
        vals.reverse();
        vals
    };
    let mut goes_on = true;
    match op.class() {
        // Arithmetic, comparisons and logic but `if`: their result's type is their
        // row's.
        ops::Class::Arithmetic(_)
        | ops::Class::Comparison(_)
        | ops::Class::Logic(ops::Logic::And)
        | ops::Class::Logic(ops::Logic::Or)
        | ops::Class::Logic(ops::Logic::Not) => {
            take(&mut s, pops(op));
            push(&mut s, gives(op).unwrap_or(Val::Any));
        }
        ops::Class::Text(ops::Text::CastInt) => {
            take(&mut s, pops(op));
            push(&mut s, Val::Num);
        }
        ops::Class::Text(ops::Text::CastStr)
        | ops::Class::Text(ops::Text::Concat)
        | ops::Class::Io(ops::Io::Read) => {
            take(&mut s, pops(op));
            push(&mut s, Val::Str);
        }
        ops::Class::Io(ops::Io::Println)
        | ops::Class::Io(ops::Io::Print)
        | ops::Class::Io(ops::Io::SleepMs)
        | ops::Class::Stack(ops::Shuffle::Drop) => {
            take(&mut s, 1);
        }
        ops::Class::Logic(ops::Logic::If) => {
            let v = take(&mut s, 3);
            push(&mut s, v[1].join(v[2]));
        }
        ops::Class::Stack(ops::Shuffle::Dup) => {
            let v = take(&mut s, 1);
            push(&mut s, v[0]);
            push(&mut s, v[0]);
        }
        ops::Class::Stack(ops::Shuffle::Swap) => {
            let v = take(&mut s, 2);
            push(&mut s, v[1]);
            push(&mut s, v[0]);
        }
        ops::Class::Stack(ops::Shuffle::Over) => {
            let v = take(&mut s, 2);
            for x in [v[0], v[1], v[0]] {
                push(&mut s, x);
            }
        }
        ops::Class::Stack(ops::Shuffle::Rot) => {
            let v = take(&mut s, 3);
            for x in [v[1], v[2], v[0]] {
                push(&mut s, x);
            }
        }
        ops::Class::Control(ops::Control::Jmp) => {
            goes_on = false;
            let v = take(&mut s, 1);
            step.after = s.depth.known();
            match targets(program, v[0]) {
                Ok(to) => step.next.extend(to.into_iter().map(|t| (t, s.clone()))),
                Err(()) => step.control = Control::Computed,
            }
        }
        ops::Class::Control(ops::Control::Call) => {
            goes_on = false;
            let v = take(&mut s, 1);
            match targets(program, v[0]) {
                Ok(to) => {
                    let mut back: Option<State> = None;
                    for t in to {
                        step.calls.push(CallSite {
                            pc,
                            depth: s.depth.known(),
                            target: t,
                            low: 0,
                        });
                        let mut r = s.clone();
                        match env.callee(t) {
                            Callee::Never => continue,
                            Callee::Returns(n, m) => {
                                // What the callee takes, the caller takes from below
                                // the address.
                                step.takes = step.takes.max(Some(n + 1));
                                take(&mut r, n);
                                for _ in 0..m {
                                    push(&mut r, Val::Any);
                                }
                            }
                            Callee::Unknown => {
                                r.depth = Depth::Unknown;
                                r.vals.clear();
                            }
                        }
                        match &mut back {
                            Some(b) => {
                                b.join(&r);
                            }
                            None => back = Some(r),
                        }
                    }
                    if let Some(b) = back {
                        step.after = b.depth.known();
                        step.next.push((pc + 1, b));
                    }
                }
                Err(()) => step.control = Control::Computed,
            }
        }
        ops::Class::Control(ops::Control::Return) => {
            goes_on = false;
            step.after = s.depth.known();
            if !main {
                step.control = Control::Return;
            }
        }
        ops::Class::Control(ops::Control::Stop) => {
            goes_on = false;
            step.after = s.depth.known();
        }
        ops::Class::Control(ops::Control::Exit) => {
            goes_on = false;
            take(&mut s, 1);
            step.after = s.depth.known();
        }
    }
    if goes_on {
        step.after = s.depth.known();
        step.next.push((pc + 1, s));
    }
    step
}
