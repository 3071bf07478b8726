//! The optimizer must not change anything observable. Every golden program, every
//! example and a few thousand generated programs run optimized and unoptimized, in one
//! go and in slices of small budgets, and everything observable is compared: output,
//! how the run ended (exit code, or the error with its position, trace and stack), the
//! final stacks, the position and the step count.

mod common;
mod wasm_host;

use common::directive;
use common::host::{observe_with, Observed};
use std::sync::OnceLock;

use vm_core::ops::{Class, Control, Io};
use vm_core::{compile, parse_args, Limits, Machine, Op, Program, Value};
use wasm_host::TestTier;

/// Runs `program` (in the module of `tier`, when given) in slices of `budget` steps:
/// what a host can observe (the test kit's host loop), and the steps that ran in blocks
/// and, of those, in the module.
fn observe(
    program: Program,
    args: &[Value],
    stdin: &[&str],
    limits: Limits,
    budget: u64,
    mut tier: Option<&mut TestTier>,
) -> (Observed, (u64, u64)) {
    let m = Machine::new(program, args.to_vec()).with_limits(limits);
    let (seen, m) = observe_with(m, budget, stdin, |m, budget, out| {
        match tier.as_deref_mut() {
            Some(t) => m.run_tiered(budget, out, t),
            None => m.run(budget, out),
        }
    });
    (seen, (m.block_steps(), m.tier_steps()))
}

/// Steps of runs in one go with the WebAssembly tier: all of them, and those the
/// module ran.
#[derive(Clone, Copy, Debug, Default)]
struct TierShare {
    steps: u64,
    tier: u64,
}

/// Compares optimized and plain runs of `source` under several budgets, and runs in the
/// WebAssembly tier with plain ones; returns the tier's share of the run in one go.
fn check_same(
    name: &str,
    source: &str,
    args: &[Value],
    stdin: &[&str],
    limits: Limits,
) -> TierShare {
    let Ok(optimized) = compile(source) else {
        return TierShare::default();
    };
    let plain = optimized.unoptimized();
    let mut tier = TestTier::new(&optimized);
    let mut share = TierShare::default();
    for budget in [u64::MAX, 1, 2, 3, 5, 7] {
        let seen = |program: &Program, tier: Option<&mut TestTier>| {
            observe(program.clone(), args, stdin, limits, budget, tier)
        };
        let (a, runner) = seen(&optimized, None);
        let (b, _) = seen(&plain, None);
        assert_eq!(
            a, b,
            "{name}: optimized and plain runs differ with budget {budget}"
        );
        let (c, blocks) = seen(&optimized, Some(&mut tier));
        // The module runs every block the block runner runs, no more, no fewer (a
        // check that fails when it should not is only slower, and a bug too).
        assert_eq!(blocks.0, runner.0, "{name}: block steps, budget {budget}");
        if tier.compiled.declined == 0 && tier.compiled.string_checked == 0 {
            assert_eq!(
                blocks.1, blocks.0,
                "{name}: steps in the module, budget {budget}"
            );
        }
        assert_eq!(
            c, b,
            "{name}: runs in the WebAssembly tier and plain runs differ with budget {budget}\n{}",
            tier.compiled.text
        );
        // And as hosts run it, leaving the module alone for a while after short calls.
        tier.backs_off = true;
        let (d, _) = seen(&optimized, Some(&mut tier));
        tier.backs_off = false;
        assert_eq!(d, b, "{name}: backing off, budget {budget}");
        if budget == u64::MAX {
            share = TierShare {
                steps: c.steps,
                tier: blocks.1,
            };
        }
    }
    share
}

#[test]
fn golden_programs_and_examples_behave_the_same_optimized() {
    let mut count = 0;
    for (path, source) in common::golden_sources() {
        let args = parse_args(directive(&source, "args").first().copied().unwrap_or(""))
            .unwrap_or_default();
        let stdin = directive(&source, "stdin");
        let limits = common::limits(&source);
        check_same(&path.display().to_string(), &source, &args, &stdin, limits);
        count += 1;
    }
    assert!(count > 50, "only {count} programs found");
}

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// A random program made of the pieces the optimizer's blocks are built from (literals,
/// stack shuffles, arithmetic and logic, `label call`, `then else if call`, returns),
/// so that traces follow calls and returns, fold literals, rename shuffles and abandon
/// blocks on wrong types and overflow; with loops, recursion, input, output and limits;
/// and whole loops that become loop blocks with side exits, and recursion and stacks as
/// deep as the number on top, so that most steps run in the WebAssembly tier.
fn generate(rng: &mut Rng) -> String {
    // Every operation of the table on its own (but `sleep_ms` and `exit`: the programs
    // pause and end with `read` and `stop`), then pieces of programs.
    static WORDS: OnceLock<Vec<String>> = OnceLock::new();
    let words = WORDS.get_or_init(|| {
        let alone = |op: &&Op| match op.class() {
            Class::Io(Io::SleepMs) | Class::Control(Control::Exit) => false,
            Class::Io(Io::Println | Io::Print | Io::Read)
            | Class::Control(Control::Jmp | Control::Call | Control::Return | Control::Stop)
            | Class::Arithmetic(_)
            | Class::Comparison(_)
            | Class::Logic(_)
            | Class::Stack(_)
            | Class::Text(_) => true,
        };
        let ops = Op::ALL.iter().filter(alone).map(|op| op.name());
        ops.chain(PIECES.iter().copied())
            .map(String::from)
            .collect()
    });
    const PIECES: &[&str] = &[
        "true",
        "false",
        "\"s\"",
        "\"12\"",
        "0",
        "1",
        "2",
        "-1",
        "3",
        "9223372036854775807",
        "-9223372036854775808",
        "a",
        "b",
        "c",
        "a",
        "b",
        "dup 1 ==",
        "1 -",
        "2 <",
        "a call",
        "b jmp",
        "a b if call",
        "b c if jmp",
        "dup 1 -",
        "dup 2 +",
        "or not",
        "and not",
        "dup -9223372036854775807 -",
        "a call return",
        "swap 2 -",
        "rot over",
        "over over ==",
        "\"s\" \"s\" ==",
        "1 2 +",
        "not a b if",
        "a b if call return",
        "f call",
        "3 f call",
        // Operations at the edges, on values the optimizer cannot fold (the arguments
        // are wide and negative): immediates, literals on the left, registers.
        "dup 2 *",
        "dup 2 /",
        "dup 2 %",
        "dup -1 *",
        "dup -1 /",
        "dup 7 %",
        "dup 1 +",
        "dup -2 -",
        "-7 swap /",
        "-7 swap %",
        "2 swap -",
        "3 swap *",
        "3 swap <=",
        "3 swap <",
        "3 swap >",
        "3 swap >=",
        "3 swap ==",
        "dup 3 >=",
        "dup 3 <",
        "dup 3 !=",
        "over over *",
        "over over %",
        "over over /",
        "swap swap -",
        "over over >=",
        "over over <",
        // Loops that become loop blocks (`@` is a label prefix new for each word): a
        // counter on top counted down, operations at the edges on the value below it,
        // conditional branches inside (side exits), comparisons with numbers.
        "@l: swap 3 * swap 1 - dup 0 > @l @e if jmp @e:",
        "@l: swap 7 + swap 1 - dup 0 > @l @e if jmp @e:",
        "@l: swap -7 / swap 1 - dup 0 > @l @e if jmp @e:",
        "@l: swap dup 0 < -1 1 if * swap 1 - dup 0 > @l @e if jmp @e:",
        "@l: swap dup 2 % 0 == @a @b if jmp @a: 2 / @c jmp @b: 3 * 1 + @c: swap 1 - dup 0 > @l @e if jmp @e:",
        "@l: swap dup 3 % 0 != @a @b if jmp @a: 1 - @b: swap 1 - dup 0 >= @l @e if jmp @e:",
        "@l: over over < @a @b if jmp @a: swap @b: 1 - dup -3 > @l @e if jmp @e:",
        "@l: 1 + dup 9223372036854775807 == @e @l if jmp @e:",
        "@l: 2 * dup -1000 > over 1000 < and @l @e if jmp @e:",
        "@l: dup 1 == @e @n if jmp @n: 1 - @l jmp @e:",
        "1 @l: over * swap 1 - swap over 1 > @l @e if jmp @e: swap drop",
        // A stack as deep as the top says.
        "@l: dup 1 - dup 0 > @l @e if jmp @e:",
        // Recursion as deep as the top says, or 70 deep.
        "d call",
        "dup d call",
        "70 d call",
    ];
    let n = 3 + rng.below(30);
    let mut src = String::new();
    let labels = ["a:", "b:", "c:"];
    let mut defined = [false; 3];
    for i in 0..n {
        if rng.below(6) == 0 {
            let l = rng.below(3);
            if !defined[l] {
                defined[l] = true;
                src.push_str(labels[l]);
                src.push(' ');
            }
        }
        src.push_str(&words[rng.below(words.len())].replace('@', &format!("p{i}")));
        src.push(if i % 8 == 7 { '\n' } else { ' ' });
    }
    for (l, d) in defined.iter().enumerate() {
        if !d {
            // Half of them return at once (calls the optimizer shortens).
            let body = if rng.below(2) == 0 {
                "return"
            } else {
                "1 return"
            };
            src.push_str(&format!("\n{} {body}", labels[l]));
        }
    }
    // A recursive subroutine shaped like fib's: a conditional call to a bare `return`
    // followed by `return`, reached through calls the trace follows.
    src.push_str("\nf: dup 0 <= g h if call return\ng: return\nh: 1 - f call 7 + return");
    // A recursion as deep as the number on top.
    src.push_str("\nd: dup 0 <= dz dm if jmp\ndm: 1 - d call 1 + return\ndz: return");
    src
}

/// Numbers at the edges of the operations, for the arguments.
const EDGES: [i64; 12] = [
    i64::MIN,
    i64::MIN + 1,
    -7,
    -2,
    -1,
    0,
    1,
    2,
    3,
    7,
    i64::MAX - 1,
    i64::MAX,
];

#[test]
fn generated_programs_behave_the_same_optimized() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let small = Limits {
        max_steps: Some(500),
        max_stack: 40,
        max_calls: 20,
        ..Limits::default()
    };
    // Room for the frames and the stack storage to grow in the tier (past 64 of each).
    let roomy = Limits {
        max_steps: Some(3000),
        max_stack: 400,
        max_calls: 200,
        ..Limits::default()
    };
    let mut compiled = 0;
    let mut total = TierShare::default();
    let (mut ran_in_tier, mut ran_long_in_tier) = (0, 0);
    for i in 0..3000 {
        let src = generate(&mut rng);
        if compile(&src).is_ok() {
            compiled += 1;
        }
        // A wide or negative number below a small one (recursion and loops count it
        // down) or another edge, and a boolean.
        let mut edge = || EDGES[rng.below(EDGES.len())];
        let top = match i % 6 {
            0 | 3 => i % 5,
            1 => 60 + i % 100,
            _ => edge(),
        };
        let limits = if i % 3 == 1 { roomy } else { small };
        let (below, top, flag) = (Value::Num(edge()), Value::Num(top), Value::Bool(i % 2 == 0));
        // The boolean on top (operations on numbers stop there) or at the bottom.
        let args = if i % 4 < 2 {
            [below, top, flag]
        } else {
            [flag, below, top]
        };
        let share = check_same(
            &format!("generated #{i}:\n{src}\n"),
            &src,
            &args,
            &["7", "x"],
            limits,
        );
        total.steps += share.steps;
        total.tier += share.tier;
        ran_in_tier += usize::from(share.tier > 0);
        ran_long_in_tier += usize::from(share.tier >= 50);
    }
    // The programs must keep exercising the tier (with this generator: 96% of 231,862
    // steps; 1,331 programs, 380 of them for 50 steps or more).
    assert!(
        total.tier * 10 >= total.steps * 9,
        "only {} of {} steps ran in the WebAssembly tier",
        total.tier,
        total.steps
    );
    assert!(
        ran_in_tier >= 1000 && ran_long_in_tier >= 300,
        "only {ran_in_tier} generated programs ran in the WebAssembly tier, {ran_long_in_tier} of them for 50 steps or more"
    );
    assert!(
        compiled > 2500,
        "only {compiled} generated programs compiled"
    );
}
