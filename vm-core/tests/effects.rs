//! The static stack effects (`vm_core::effects`) against runs: every program is run one
//! instruction at a time, and at every instruction the depth the analysis claims (relative
//! to the entry of the routine the run is in: the program's start, or the latest call's
//! target) and the types it claims must be what the run sees, until the run passes an
//! address the analysis calls computed. On generated programs, and on every golden
//! program and example; the examples get no warning, and the golden programs that end
//! in a stack underflow get one where they fail.

mod common;

use proptest::prelude::*;
use vm_core::effects::{Effects, Type, WarningKind};
use vm_core::{compile, parse_args, Instr, Limits, Machine, Op, Status, Value};

/// A call the run is in: the routine (an index of the analysis'), the stack length at its
/// entry, and the depth the analysis claims once its innermost call returns.
struct Frame {
    routine: usize,
    base: usize,
    pending: Option<i64>,
}

fn matches(t: Type, v: &Value) -> bool {
    matches!(
        (t, v),
        (Type::Num | Type::Addr, Value::Num(_))
            | (Type::Bool, Value::Bool(_))
            | (Type::Str, Value::Str(_))
    )
}

/// Runs `source` with `args` for at most `steps` instructions, checking each claim of the
/// analysis; how many instructions were checked.
fn check(source: &str, args: Vec<Value>, stdin: &[&str], steps: u64) -> Result<u64, String> {
    let program = compile(source).map_err(|e| e.to_string())?.unoptimized();
    let effects = Effects::analyze(&program, source, Some(args.len()));
    let limits = Limits {
        max_stack: 1000,
        max_calls: 200,
        ..Limits::default()
    };
    let mut m = Machine::new(program.clone(), args).with_limits(limits);
    let mut frames = vec![Frame {
        routine: 0,
        base: m.stack_len(),
        pending: None,
    }];
    let mut input = stdin.iter();
    let mut out = String::new();
    let mut checked = 0;
    for _ in 0..steps {
        let pc = m.pc();
        if pc >= program.code().len() {
            break;
        }
        let frame = frames.last().unwrap();
        let (routine, base) = (frame.routine, frame.base);
        let depth = m.stack_len() as i64 - base as i64;
        let here = |what: String| {
            let span = program.span(pc).unwrap();
            format!(
                "{what}, at instruction {pc} ({}:{}) in routine {routine} (entered at {})",
                span.line,
                span.col,
                effects.routines()[routine].pc
            )
        };
        let Some(fact) = effects.fact(routine, pc) else {
            return Err(here(
                "the run reaches an instruction the analysis says it does not".into(),
            ));
        };
        if fact.before.is_some_and(|b| b != depth) {
            return Err(here(format!(
                "claimed depth {:?} before it, the run has {depth}",
                fact.before
            )));
        }
        let top = m.stack_top(fact.types.len());
        for (t, v) in fact.types.iter().rev().zip(top.iter().rev()) {
            if t.is_some_and(|t| !matches(t, v)) {
                return Err(here(format!("claimed type {t:?}, the run has {v:?}")));
            }
        }
        checked += 1;
        if fact.computed {
            break; // unknown from here
        }
        let calls = m.call_depth();
        if program.code()[pc] == Instr::Op(Op::Read) {
            m.provide_input(input.next().copied());
        }
        let status = m.run(1, &mut out);
        if matches!(status, Status::Failed(_)) {
            break; // the stack is as it was
        }
        let now = m.stack_len() as i64 - base as i64;
        let is_call = program.code()[pc] == Instr::Op(Op::Call);
        if !is_call && fact.after.is_some_and(|a| a != now) {
            return Err(here(format!(
                "claimed depth {:?} after it, the run has {now}",
                fact.after
            )));
        }
        if let Status::Halted(_) = status {
            break;
        }
        if m.call_depth() > calls {
            frames.last_mut().unwrap().pending = fact.after;
            let Some(r) = effects.routine_index(m.pc()) else {
                return Err(here(
                    "a call of an address the analysis has no routine for".into(),
                ));
            };
            frames.push(Frame {
                routine: r,
                base: m.stack_len(),
                pending: None,
            });
        } else if m.call_depth() < calls {
            frames.pop();
            let f = frames.last_mut().unwrap();
            let now = m.stack_len() as i64 - f.base as i64;
            if let Some(a) = f.pending.take().filter(|&a| a != now) {
                return Err(format!(
                    "claimed depth {a} after the call, the run has {now} on return to {}",
                    m.pc()
                ));
            }
        }
    }
    Ok(checked)
}

/// Pieces of programs: literals, shuffles, arithmetic, jumps and calls to labels (`a`,
/// `b`, `c`, the subroutines `f`, `g`, `h`, `d`, `e`, `r`) and to numbers, conditional jumps and
/// calls, loops that keep the depth and loops that grow it, computed addresses, input.
const PIECES: &[&str] = &[
    "1",
    "2",
    "-1",
    "true",
    "false",
    "\"s\"",
    "dup",
    "drop",
    "swap",
    "over",
    "rot",
    "+",
    "-",
    "*",
    "<",
    "==",
    "not",
    "and",
    "if",
    "concat",
    "cast_str",
    "cast_int",
    "println",
    "read",
    "return",
    "stop",
    "0 exit",
    "a jmp",
    "b jmp",
    "c call",
    "a call",
    "f call",
    "g call",
    "h call",
    "3 d call",
    "dup e call",
    "-1 e call",
    "2 r call",
    "dup r call",
    "dup 0 < a b if jmp",
    "dup 1 == b c if call",
    "true a c if jmp",
    "a 1 + jmp",
    "dup jmp",
    "0 jmp",
    "5 call",
    "1 2 3",
    "drop drop",
    "@l: 1 - dup 0 > @l @e if jmp @e:",
    "@l: dup 1 - dup 0 > @l @e if jmp @e:",
    "@l: swap 1 + swap 1 - dup 0 > @l @e if jmp @e: drop",
    "dup 0 < @x @y if jmp @x: 1 @y:",
    "dup 0 < @x @y if jmp @x: drop @z jmp @y: 7 drop @z:",
];

/// A program of `pieces` (indices into [`PIECES`]), with labels `a`, `b`, `c` placed
/// where `places` says (else after the code) and the subroutines after it.
fn program(pieces: &[usize], places: &[usize]) -> String {
    let mut src = String::new();
    let mut defined = [false; 3];
    for (i, &p) in pieces.iter().enumerate() {
        for (l, &at) in places.iter().enumerate() {
            if at == i && !defined[l] {
                defined[l] = true;
                src.push_str(["a: ", "b: ", "c: "][l]);
            }
        }
        src.push_str(&PIECES[p % PIECES.len()].replace('@', &format!("p{i}")));
        src.push(if i % 6 == 5 { '\n' } else { ' ' });
    }
    for (l, d) in defined.iter().enumerate() {
        if !d {
            src.push_str(["\na: return", "\nb: 1 return", "\nc: drop return"][l]);
        }
    }
    src.push_str("\nf: dup 0 <= g h if call return\ng: return\nh: 1 - f call 7 + return");
    src.push_str("\nd: dup 0 <= dz dm if jmp\ndm: 1 - d call 1 + return\ndz: return");
    // Returns that disagree, and a recursion that leaves one more value each level.
    src.push_str("\ne: 0 < e1 e2 if jmp\ne1: 1 return\ne2: return");
    src.push_str("\nr: dup 0 > r1 r2 if jmp\nr1: 1 - dup r call return\nr2: return");
    src
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    /// On generated programs, with zero to three arguments, every depth and type the
    /// analysis claims is the one the run sees.
    #[test]
    fn claims_hold_on_generated_programs(
        pieces in prop::collection::vec(0..PIECES.len(), 1..24),
        places in prop::collection::vec(0usize..30, 3),
        args in prop::collection::vec(-3i64..6, 0..4),
    ) {
        let src = program(&pieces, &places);
        let args = args.into_iter().map(Value::Num).collect();
        if let Err(e) = check(&src, args, &["4", "x"], 2000) {
            panic!("{e}\n--- program:\n{src}");
        }
    }
}

/// The generated programs exercise what they are meant to: most compile, claims are
/// checked on many instructions, and some runs stop at a computed address.
#[test]
fn generated_programs_are_checked_for_real() {
    let mut checked = 0;
    let mut computed = 0;
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next = |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    for _ in 0..300 {
        let pieces: Vec<usize> = (0..1 + next(20)).map(|_| next(PIECES.len())).collect();
        let places: Vec<usize> = (0..3).map(|_| next(24)).collect();
        let src = program(&pieces, &places);
        let program = compile(&src).unwrap();
        let effects = Effects::analyze(&program, &src, Some(1));
        computed += usize::from((0..effects.routines().len()).any(|r| {
            (0..program.code().len()).any(|pc| effects.fact(r, pc).is_some_and(|f| f.computed))
        }));
        checked += check(&src, vec![Value::Num(2)], &[], 2000).unwrap();
    }
    assert!(checked > 3000, "only {checked} instructions checked");
    assert!(
        computed > 10,
        "only {computed} programs with a computed address"
    );
}

#[test]
fn claims_hold_on_golden_programs_and_examples() {
    let mut runs = 0;
    for (path, source) in common::golden_sources() {
        let Ok(program) = compile(&source) else {
            continue;
        };
        let args = common::directive(&source, "args")
            .first()
            .map(|a| parse_args(a).unwrap())
            .unwrap_or_default();
        let stdin = common::directive(&source, "stdin");
        let n = args.len();
        let checked = check(&source, args, &stdin, 200_000)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            checked > 0 || program.code().is_empty(),
            "{}",
            path.display()
        );
        runs += 1;

        let effects = Effects::analyze(&program, &source, Some(n));
        let underflows: Vec<(u32, u32)> = effects
            .warnings()
            .iter()
            .filter(|w| w.kind == WarningKind::Underflow)
            .map(|w| (w.span.line, w.span.col))
            .collect();
        let expected: Vec<(u32, u32)> = common::directive(&source, "expect-error")
            .iter()
            .filter(|e| e.contains("stack underflow"))
            .map(|e| {
                let (pos, _) = e.split_once(' ').unwrap();
                let (l, c) = pos.split_once(':').unwrap();
                (l.parse().unwrap(), c.parse().unwrap())
            })
            .collect();
        assert_eq!(
            underflows,
            expected,
            "{}: underflow warnings",
            path.display()
        );
        if path.parent().unwrap().ends_with("examples") {
            for args in [Some(n), None] {
                let e = Effects::analyze(&program, &source, args);
                let shown: Vec<String> = e
                    .warnings()
                    .iter()
                    .map(|w| w.render(&source, "x"))
                    .collect();
                assert!(shown.is_empty(), "{}: {}", path.display(), shown.concat());
                assert!(e.complete());
            }
        }
    }
    assert!(runs > 80, "only {runs} programs ran");
}
