//! Static stack effects: the stack depth before and after every instruction, found
//! without running the program, and the warnings that follow from them.
//!
//! The analysis follows the program from its start and from every label, as *routines*:
//! the program itself, each address a `call` reaches, and each label. Inside a routine it
//! follows fall-through, `jmp` to a known address, the conditional jump
//! `cond yes no if jmp` (both addresses), `call` of a known address (applying the
//! callee's effect, found the same way; recursion is a fixpoint), `return`, `stop` and
//! `exit`. A known address is a label reference or a number literal, moved by stack
//! shuffles and chosen by `if`; any other address is *computed*, and the analysis stops
//! there: nothing is claimed past it, and the routine's effect is unknown.
//!
//! What it claims, for an instruction a routine reaches: the depth relative to the
//! routine's entry ([`Fact::before`], [`Fact::after`]), and the types of the top values
//! where known ([`Fact::types`]). A claim holds for every run that reaches the
//! instruction in that routine (the program itself, or a call of the routine's address)
//! without having passed a computed address. Where paths meet with different depths (a
//! loop that grows the stack each round, branches that leave different numbers of
//! values), the depth is not claimed from there on, and a [`Warning`] says so.
//!
//! A routine's [`Effect`] is `( takes -- leaves )`: how many values it reads from below
//! its entry, and how many it leaves in their place when it returns, when every `return`
//! agrees. The program's own effect says how many arguments it reads.
//!
//! The warnings ([`WarningKind`]): paths that meet with different depths; a path that
//! certainly underflows (only where the depth is known from the program's start: the
//! number of arguments must be known, given to [`Effects::analyze`] or written as the
//! program's stack comment); a label's stack comment ([`StackComment`]) that disagrees
//! with its effect.

mod comment;
mod flow;
mod report;

use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use core::fmt;

use crate::program::Program;

pub use comment::{parse as parse_stack_comment, StackComment};
pub use report::{Warning, WarningKind};

use flow::{flow, Callee, Env, Flow};

/// The most instructions the analysis processes in all (a routine counts each time it is
/// analysed in a round of the fixpoint); past it, nothing is claimed
/// ([`Effects::complete`] is false).
const BUDGET: u64 = 4_000_000;

/// The rounds of the fixpoint over the routines' effects before those still changing are
/// given up as unknown (a recursion whose needs grow every round).
const ROUNDS: usize = 40;

/// A value's type, as far as the analysis knows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Type {
    /// A number that is not known to be an address.
    Num,
    /// A boolean.
    Bool,
    /// A string.
    Str,
    /// A number pushed by a label reference: an address.
    Addr,
}

impl Type {
    /// Its name: `num`, `bool`, `str`, `addr`.
    pub fn name(self) -> &'static str {
        match self {
            Type::Num => "num",
            Type::Bool => "bool",
            Type::Str => "str",
            Type::Addr => "addr",
        }
    }
}

/// What a routine does to the stack, as a whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Effect {
    /// Every `return` reached leaves the same depth: it takes `takes` values from below
    /// its entry and leaves `leaves` in their place: `( takes -- leaves )`.
    Returns {
        /// How many values it reads from below its entry.
        takes: u32,
        /// How many values it leaves in their place.
        leaves: u32,
    },
    /// It never returns: every path ends the program (or loops), or fails.
    Ends {
        /// How many values it reads from below its entry.
        takes: u32,
    },
    /// Not known: its returns disagree, or an address it goes to is computed, or it calls
    /// a routine whose effect is not known.
    Unknown,
}

/// `( 1 -- 1 )`, `( 2 -- ) never returns`, `unknown`.
impl fmt::Display for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Effect::Returns { takes, leaves } => write!(f, "( {takes} -- {leaves} )"),
            Effect::Ends { takes } => write!(f, "( {takes} -- ) never returns"),
            Effect::Unknown => f.write_str("unknown"),
        }
    }
}

/// Where a routine starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entry {
    /// The program's start (where arguments are on the stack, and `return` is an error).
    Program,
    /// This token address (a label's, or an address a `call` reaches).
    Address(u32),
}

/// A routine: code followed from one entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Routine {
    /// Where it starts.
    pub entry: Entry,
    /// The instruction it starts at (`code().len()`: the end of the program).
    pub pc: usize,
    /// What it does to the stack.
    pub effect: Effect,
    /// How many values it reads from below its entry, on the paths analysed (the program:
    /// its arguments).
    pub takes: u32,
    /// Whether a `call` of a known address reaches it.
    pub called: bool,
}

/// What the analysis claims of one instruction, in one routine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fact {
    /// The depth before it, relative to the routine's entry (negative: values the routine
    /// took from below its entry), when known.
    pub before: Option<i64>,
    /// The depth after it, relative to the same entry, when known: after a `jmp`, at its
    /// target; after a `call`, once the callee returns; after `return`, `stop` and
    /// `exit`, what is left.
    pub after: Option<i64>,
    /// The types of the top values before it, top last, as many as are tracked (`None`:
    /// not known). Values from below the routine's entry are not known.
    pub types: Vec<Option<Type>>,
    /// A `jmp` or `call` whose address is computed: nothing is claimed past it.
    pub computed: bool,
}

/// One instruction's depths as an editor shows them: counting the values its routine
/// takes, so that they are never negative (`square: dup * return` with
/// `( 1 -- 1 )`: `dup` is `( 1 → 2 )`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hint {
    /// The routine (an index into [`Effects::routines`]) the depths are counted in.
    pub routine: usize,
    /// The depth before the instruction, when known.
    pub before: Option<u32>,
    /// The depth after it, when known.
    pub after: Option<u32>,
}

/// The result of the analysis of a program: see the [module](self).
#[derive(Clone, Debug, Default)]
pub struct Effects {
    routines: Vec<Routine>,
    facts: Vec<BTreeMap<usize, Fact>>,
    /// The routine each instruction's hint is counted in.
    owner: Vec<Option<usize>>,
    /// The routine entered at each instruction, besides the program.
    index: BTreeMap<usize, usize>,
    warnings: Vec<Warning>,
    args: Option<u32>,
    complete: bool,
}

/// A routine while the analysis runs.
struct Work {
    entry: Entry,
    pc: usize,
    main: bool,
    called: bool,
    callee: Callee,
    frozen: bool,
    flow: Flow,
}

/// The callee effects, as the flows see them.
struct Known<'a> {
    routines: &'a [Work],
    index: &'a BTreeMap<usize, usize>,
}

impl Env for Known<'_> {
    fn callee(&self, pc: usize) -> Callee {
        match self.index.get(&pc) {
            Some(&i) => self.routines.get(i).map_or(Callee::Never, |w| w.callee),
            None => Callee::Never,
        }
    }
}

/// A routine's effect as its callers see it, from its flow.
fn callee_of(f: &Flow) -> Callee {
    if !f.computed.is_empty() {
        return Callee::Unknown;
    }
    let mut depths = f.returns.values().map(|d| d.known());
    match depths.next() {
        None => Callee::Never,
        Some(Some(d)) if depths.all(|x| x == Some(d)) => Callee::Returns(f.needs, f.needs + d),
        Some(_) => Callee::Unknown,
    }
}

impl Effects {
    /// Analyses `program`, compiled from `source` (read for stack comments). `args` is
    /// how many values the program starts with, when known; with `None`, the program's
    /// stack comment gives it if it has one (`# ( n -- )` before its first token), and
    /// otherwise it is unknown (and no underflow is certain).
    ///
    /// ```
    /// use vm_core::effects::{Effect, Effects};
    /// let source = "5 square call println stop\nsquare:   # ( n -- n*n )\n    dup * return";
    /// let program = vm_core::compile(source).unwrap();
    /// let effects = Effects::analyze(&program, source, Some(0));
    /// let square = effects.routine_at(program.pc_of(6).unwrap()).unwrap();
    /// assert_eq!(square.effect, Effect::Returns { takes: 1, leaves: 1 });
    /// assert_eq!(square.effect.to_string(), "( 1 -- 1 )");
    /// // `println` (instruction 3) has the square on the stack, then nothing.
    /// let println = effects.fact(0, 3).unwrap();
    /// assert_eq!((println.before, println.after), (Some(1), Some(0)));
    /// assert!(effects.warnings().is_empty());
    /// ```
    pub fn analyze(program: &Program, source: &str, args: Option<usize>) -> Effects {
        Effects::analyze_within(program, source, args, Effects::BUDGET)
    }

    /// The most instructions [`Effects::analyze`] processes in all (a routine counts each
    /// time it is analysed in a round of the fixpoint); past it, nothing is claimed.
    pub const BUDGET: u64 = BUDGET;

    /// [`Effects::analyze`], processing at most `budget` instructions in all: past it,
    /// nothing is claimed and [`Effects::complete`] is false. (An editor that analyses as
    /// the text changes keeps its time short this way.)
    ///
    /// ```
    /// use vm_core::effects::Effects;
    /// let source = "1 2 + println";
    /// let program = vm_core::compile(source).unwrap();
    /// assert!(Effects::analyze_within(&program, source, None, 100).complete());
    /// assert!(!Effects::analyze_within(&program, source, None, 1).complete());
    /// ```
    pub fn analyze_within(
        program: &Program,
        source: &str,
        args: Option<usize>,
        budget: u64,
    ) -> Effects {
        let comments = comment::find(source);
        let args = args
            .map(|n| u32::try_from(n).unwrap_or(u32::MAX))
            .or(comments.program.as_ref().map(|c| c.takes));
        let len = program.code().len();
        let mut routines = vec_of_main();
        let mut index: BTreeMap<usize, usize> = BTreeMap::new();
        for label in program.labels() {
            if let Some(pc) = program.pc_of(label.addr.into()) {
                index.entry(pc).or_insert_with(|| {
                    routines.push(routine(program, pc, false));
                    routines.len() - 1
                });
            }
        }
        let mut spent = 0u64;
        // A fixpoint of the routines' effects (the program's, every label's, and every
        // address a call reaches).
        let mut round = 0;
        loop {
            let mut changed = false;
            let mut i = 0;
            while i < routines.len() {
                let w = &routines[i];
                let env = Known {
                    routines: &routines,
                    index: &index,
                };
                let Some(f) = flow(program, w.pc, w.main, &env, budget.saturating_sub(spent))
                else {
                    return Effects::default(); // too large: nothing claimed
                };
                spent += f.work;
                for site in &f.calls {
                    match index.get(&site.target) {
                        Some(&t) if routines[t].called => {}
                        Some(&t) => routines[t].called = true,
                        None => {
                            index.insert(site.target, routines.len());
                            routines.push(routine(program, site.target, true));
                            changed = true;
                        }
                    }
                }
                let w = &mut routines[i];
                let callee = if w.main { Callee::Never } else { callee_of(&f) };
                if !w.frozen && callee != w.callee {
                    w.callee = callee;
                    changed = true;
                    if round >= ROUNDS {
                        w.callee = Callee::Unknown;
                        w.frozen = true;
                    }
                }
                w.flow = f;
                i += 1;
            }
            if !changed {
                break;
            }
            round += 1;
        }
        let mut effects = Effects {
            routines: routines.iter().map(public).collect(),
            facts: routines.iter().map(facts).collect(),
            owner: alloc::vec![None; len],
            index,
            warnings: Vec::new(),
            args,
            complete: true,
        };
        effects.owner = owners(&routines, len);
        effects.warnings = report::warnings(program, &routines, &effects, &comments);
        effects
    }

    /// The routines: the program first (index 0), then each label's (labels at the same
    /// address share one), then those of the other addresses a `call` reaches.
    pub fn routines(&self) -> &[Routine] {
        &self.routines
    }

    /// The routine entered at instruction `pc` by a call or a label (not the program).
    pub fn routine_at(&self, pc: usize) -> Option<&Routine> {
        self.index.get(&pc).map(|&i| &self.routines[i])
    }

    /// The index of the routine entered at instruction `pc` (not the program).
    pub fn routine_index(&self, pc: usize) -> Option<usize> {
        self.index.get(&pc).copied()
    }

    /// The effect of the label called `name`.
    pub fn label(&self, program: &Program, name: &str) -> Option<Effect> {
        let pc = program.pc_of(program.label(name)?.addr.into())?;
        self.routine_at(pc).map(|r| r.effect)
    }

    /// What is claimed of instruction `pc` in routine `routine`, if the routine reaches it.
    pub fn fact(&self, routine: usize, pc: usize) -> Option<&Fact> {
        self.facts.get(routine)?.get(&pc)
    }

    /// The instruction's depths as an editor shows them (in the program when it reaches
    /// the instruction, else in the routine it is part of), if any routine reaches it.
    pub fn hint(&self, pc: usize) -> Option<Hint> {
        let routine = (*self.owner.get(pc)?)?;
        let fact = self.fact(routine, pc)?;
        let base = i64::from(self.routines[routine].takes);
        let count = |d: Option<i64>| d.and_then(|d| u32::try_from(d + base).ok());
        Some(Hint {
            routine,
            before: count(fact.before),
            after: count(fact.after),
        })
    }

    /// The warnings, in source order.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// How many values the program was taken to start with, when known.
    pub fn args(&self) -> Option<u32> {
        self.args
    }

    /// Whether the program was analysed (false when it was too large: then nothing is
    /// claimed and there are no routines).
    pub fn complete(&self) -> bool {
        self.complete
    }
}

fn vec_of_main() -> Vec<Work> {
    alloc::vec![Work {
        entry: Entry::Program,
        pc: 0,
        main: true,
        called: false,
        callee: Callee::Never,
        frozen: false,
        flow: Flow::default(),
    }]
}

fn routine(program: &Program, pc: usize, called: bool) -> Work {
    Work {
        entry: Entry::Address(program.address(pc)),
        pc,
        main: false,
        called,
        callee: Callee::Never,
        frozen: false,
        flow: Flow::default(),
    }
}

fn public(w: &Work) -> Routine {
    let takes = u32::try_from(w.flow.needs).unwrap_or(u32::MAX);
    let effect = if !w.flow.computed.is_empty() {
        Effect::Unknown
    } else if w.main {
        Effect::Ends { takes }
    } else {
        match callee_of(&w.flow) {
            Callee::Never => Effect::Ends { takes },
            Callee::Returns(n, m) => Effect::Returns {
                takes: u32::try_from(n).unwrap_or(u32::MAX),
                leaves: u32::try_from(m).unwrap_or(u32::MAX),
            },
            Callee::Unknown => Effect::Unknown,
        }
    };
    // A routine given up as unknown in the fixpoint stays unknown.
    let effect = if w.frozen { Effect::Unknown } else { effect };
    Routine {
        entry: w.entry,
        pc: w.pc,
        effect,
        takes,
        called: w.called,
    }
}

fn facts(w: &Work) -> BTreeMap<usize, Fact> {
    // (Inserted one by one, not collected: a map collected from an iterator sorts its
    // items with the standard library's stable sort, 10 KB of the page's WebAssembly.)
    let mut out = BTreeMap::new();
    for (&pc, s) in &w.flow.states {
        let fact = Fact {
            before: s.depth.known(),
            after: w.flow.after.get(&pc).copied().flatten(),
            types: s.vals.iter().map(|v| v.ty()).collect(),
            computed: w.flow.computed.contains(&pc),
        };
        out.insert(pc, fact);
    }
    out
}

/// The routine each instruction is shown in: the program when it reaches it, else a
/// called routine, else a label's; among those, the one that starts closest before it.
fn owners(routines: &[Work], len: usize) -> Vec<Option<usize>> {
    let mut best: Vec<Option<(u8, usize, usize)>> = alloc::vec![None; len];
    for (i, w) in routines.iter().enumerate() {
        let class = match (w.main, w.called) {
            (true, _) => 0,
            (false, true) => 1,
            (false, false) => 2,
        };
        for &pc in w.flow.states.keys() {
            let distance = match pc.checked_sub(w.pc) {
                Some(d) => d,
                None => len + (w.pc - pc),
            };
            let key = (class, distance, i);
            if let Some(slot) = best.get_mut(pc) {
                if slot.is_none_or(|b| key < b) {
                    *slot = Some(key);
                }
            }
        }
    }
    best.into_iter().map(|b| b.map(|(_, _, i)| i)).collect()
}

#[cfg(test)]
mod tests;
