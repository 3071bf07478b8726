//! Runs arbitrary programs with their blocks in the WebAssembly tier (the module that
//! `vm_core::tier::compile` makes, validated and run in wasmi) and plain (unoptimized),
//! in one go and in small slices, under small limits, and compares everything
//! observable: output, every status, final stack, call frames, position and steps.
//!
//! The input: four bytes of settings, then the program. The first byte's high bit
//! chooses how the rest is read: as source text (set), or as a list of pieces of
//! programs, one a byte (clear: loops that become loop blocks with side exits,
//! arithmetic on edge values, recursion, deep recursion, deep stacks), so that most
//! inputs compile and their blocks run in the module. Its low three bits choose the
//! budget of the sliced run. The second byte chooses the limits (data stack, calls, steps), the
//! third and fourth the arguments (numbers at the edges and a boolean).
#![no_main]

#[path = "../../vm-core/tests/wasm_host/mod.rs"]
mod wasm_host;

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use vm_core::ops::Class;
use vm_core::{compile, Limits, Machine, Op, Program, Value};
use wasm_host::TestTier;

#[path = "../../vm-core/tests/common/host.rs"]
mod host;

use host::Observed;

fn observe(program: Program, args: &[Value], limits: Limits, budget: u64, tier: Option<&mut TestTier>) -> Observed {
    let m = Machine::new(program, args.to_vec()).with_limits(limits);
    let mut tier = tier;
    let run = |m: &mut Machine, budget, out: &mut String| match tier.as_deref_mut() {
        Some(t) => m.run_tiered(budget, out, t),
        None => m.run(budget, out),
    };
    host::observe_with(m, budget, &["7", "x"], run).0
}

/// Numbers at the edges of the operations.
const EDGES: [i64; 16] =
    [i64::MIN, i64::MIN + 1, -7, -2, -1, 0, 1, 2, 3, 7, 64, 65, 100, 300, i64::MAX - 1, i64::MAX];

/// Pieces of programs: every operation of the table that computes on the stack
/// (arithmetic, comparisons, logic, the stack's, text) on its own, then [`PIECES`].
fn pieces_and_operations() -> &'static [String] {
    static ALL: OnceLock<Vec<String>> = OnceLock::new();
    ALL.get_or_init(|| {
        let alone = |op: &&Op| match op.class() {
            Class::Arithmetic(_)
            | Class::Comparison(_)
            | Class::Logic(_)
            | Class::Stack(_)
            | Class::Text(_) => true,
            // (These have pieces of their own below.)
            Class::Io(_) | Class::Control(_) => false,
        };
        let ops = Op::ALL.iter().filter(alone).map(|op| op.name());
        ops.chain(PIECES.iter().copied()).map(String::from).collect()
    })
}

/// Pieces of programs. `@` is replaced by a label name that is new for each piece, so
/// that a loop can appear many times; `a`, `b`, `c` are labels defined once (by the
/// pieces `a:`, `b:`, `c:`, or at the end), `f` a recursive subroutine shaped like
/// fib's, `d` one that recurses n deep and `s` one that leaves n values on the stack.
const PIECES: &[&str] = &[
    // Loops that become loop blocks, with side exits inside.
    "@l: 1 - dup 0 > @l @e if jmp @e:",
    "@l: dup 2 % 0 == @a @b if jmp @a: 2 / @c jmp @b: 3 * 1 + @c: dup 1 > @l @e if jmp @e:",
    "0 swap @l: swap over + swap 1 - dup 0 > @l @e if jmp @e: drop",
    "@l: dup 3 % 0 == @a @b if jmp @a: 1 + @b: 1 - dup 0 >= @l @e if jmp @e:",
    "@l: dup 1 - dup 0 > @l @e if jmp @e:",
    "@l: 2 * dup 1000 < @l @e if jmp @e:",
    "@l: dup 1 ==  @e @n if jmp @n: 1 - @l jmp @e:",
    "1 @l: over * swap 1 - swap over 1 > @l @e if jmp @e: swap drop",
    "@l: swap 1 + swap 1 - dup 0 != @l @e if jmp @e:",
    "@l: dup -1 * dup 0 < @l @e if jmp @e:",
    // Recursion.
    "f call",
    "3 f call",
    "d call",
    "70 d call",
    "s call",
    "a call",
    "a b if call",
    "a call return",
    // Labels and jumps.
    "a:",
    "b:",
    "c:",
    "b jmp",
    "b c if jmp",
    "a b if call return",
    "return",
    // Arithmetic and comparisons, on values not folded (arguments, results).
    "dup 2 *",
    "dup 2 /",
    "dup 2 %",
    "dup -1 *",
    "dup -1 /",
    "dup -1 %",
    "dup 7 %",
    "dup 1 +",
    "dup 1 -",
    "dup -2 -",
    "-7 swap /",
    "-7 swap %",
    "2 swap -",
    "3 swap *",
    "dup 9223372036854775807 +",
    "dup -9223372036854775808 -",
    "dup -9223372036854775808 ==",
    "dup 9223372036854775807 !=",
    "dup 0 ==",
    "dup -1 !=",
    "3 swap <=",
    "3 swap <",
    "3 swap >",
    "3 swap >=",
    "dup 3 >=",
    "dup 3 <",
    "over over *",
    "over over %",
    "over over /",
    "over over +",
    "over over -",
    "over over >=",
    "over over <",
    "over over ==",
    "over over !=",
    "dup 0 < not",
    "dup 0 > over 0 < and",
    "dup 0 > over 0 < or",
    "over over < -1 1 if",
    // Stack shuffles and literals.
    "rot over",
    "0",
    "1",
    "-1",
    "2",
    "7",
    "9223372036854775807",
    "-9223372036854775808",
    "true",
    "false",
    "\"s\"",
    "\"12\"",
    // Input and output: the block ends there.
    "dup println",
    "print",
    "read",
    "stop",
    "1 sleep_ms",
];

/// The subroutines the pieces call, after the program.
const SUBROUTINES: &str = "\nf: dup 0 <= fz fm if call return\nfz: return\nfm: 1 - f call 7 + return\n\
    d: dup 0 <= dz dm if jmp\ndm: 1 - d call 1 + return\ndz: return\n\
    s: dup 0 <= sz sm if jmp\nsm: dup 1 - s jmp\nsz: return\n";

/// A program made of the pieces the bytes choose.
fn pieces(bytes: &[u8]) -> String {
    let mut src = String::new();
    let mut defined = [false; 3];
    let all = pieces_and_operations();
    for (i, &b) in bytes.iter().enumerate() {
        let piece = all[usize::from(b) % all.len()].as_str();
        if let Some(l) = ["a:", "b:", "c:"].iter().position(|&l| l == piece) {
            if defined[l] {
                continue;
            }
            defined[l] = true;
        }
        src.push_str(&piece.replace('@', &format!("p{i}")));
        src.push(if i % 8 == 7 { '\n' } else { ' ' });
    }
    for (l, d) in defined.iter().enumerate() {
        if !d {
            src.push_str(&format!("\n{}: {}", ["a", "b", "c"][l], ["return", "1 return", "dup 1 - return"][l]));
        }
    }
    src.push_str(SUBROUTINES);
    src
}

fuzz_target!(|data: &[u8]| {
    let [mode, limits, x, y, rest @ ..] = data else { return };
    let source = if mode & 0x80 != 0 {
        let Ok(text) = std::str::from_utf8(rest) else { return };
        text.to_string()
    } else {
        pieces(rest)
    };
    let Ok(optimized) = compile(&source) else { return };
    let plain = optimized.unoptimized();
    let limits = Limits {
        max_stack: [4, 16, 40, 100, 1000][usize::from(limits % 5)],
        max_calls: [1, 3, 20, 100, 500][usize::from(limits / 5 % 5)],
        max_steps: Some([300, 3_000, 20_000][usize::from(limits / 25 % 3)]),
        max_string: 1 << 12,
        max_string_total: 1 << 20,
    };
    // A number at an edge below a small one or another edge (loops and recursion count
    // the top down), and a boolean.
    let top = if y & 0x10 != 0 { EDGES[usize::from(y % 16)] } else { i64::from(y % 8) };
    let args = [Value::Num(EDGES[usize::from(x % 16)]), Value::Num(top), Value::Bool(x & 0x10 != 0)];
    let mut tier = TestTier::new(&optimized);
    // In one go, and in slices of 1 to 9,999 steps (a slice of one step a time for
    // 20,000 steps makes an input slow to run: the small slices come with all limits).
    for budget in [u64::MAX, [1, 2, 3, 7, 16, 100, 1000, 9999][usize::from(mode & 7)]] {
        let a = observe(optimized.clone(), &args, limits, budget, Some(&mut tier));
        let b = observe(plain.clone(), &args, limits, budget, None);
        assert_eq!(a, b, "budget {budget}\n{source}\n{}", tier.compiled.text);
    }
});
