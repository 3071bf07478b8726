//! The WebAssembly tier runs blocks: the module is valid, runs most of a program's
//! steps, and stops where it must (budget, limits, blocks it does not compile), with
//! the same results as the block runner. (Every golden program, example and thousands
//! of generated programs are compared with plain runs in `differential.rs`.)

mod common;
mod wasm_host;

use common::directive;
use vm_core::{compile, parse_args, tier, Limits, Machine, Status, Tier, TierCall, Value};
use wasm_host::TestTier;

fn run_both(src: &str, args: Vec<Value>, budget: u64) -> (String, String, u64, u64) {
    let p = compile(src).unwrap();
    let mut tier = TestTier::new(&p);
    let mut a = Machine::new(p.clone(), args.clone());
    let mut b = Machine::new(p, args);
    let (mut out_a, mut out_b) = (String::new(), String::new());
    loop {
        let s = a.run_tiered(budget, &mut out_a, &mut tier);
        let t = b.run(budget, &mut out_b);
        assert_eq!(s, t);
        assert_eq!(
            (a.steps(), a.pc(), a.stack()),
            (b.steps(), b.pc(), b.stack())
        );
        if s != Status::OutOfBudget {
            break;
        }
    }
    (out_a, out_b, a.steps(), a.tier_steps())
}

#[test]
fn fib_runs_in_the_module() {
    let src = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/fib.svm"))
        .unwrap();
    for budget in [u64::MAX, 100_000, 1000, 7] {
        let (a, b, steps, tier) = run_both(&src, vec![Value::Num(15)], budget);
        assert_eq!(a, b);
        if budget >= 100_000 {
            assert!(
                tier * 10 > steps * 9,
                "only {tier} of {steps} steps in the module"
            );
        }
    }
}

#[test]
fn each_label_is_a_function() {
    let src = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/fib.svm"))
        .unwrap();
    let tier = TestTier::new(&compile(&src).unwrap());
    let names: Vec<&str> = tier
        .compiled
        .functions
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(names, ["main", "fib", "recur"]);
    assert_eq!((tier.compiled.blocks, tier.compiled.declined), (5, 0));
    let blocks: Vec<u32> = tier.compiled.functions.iter().map(|f| f.blocks).collect();
    assert_eq!(blocks.iter().sum::<u32>(), 5, "{blocks:?}");
    assert!(tier
        .compiled
        .text
        .contains("(func $recur (param $block i32) (param $ret_below i32) (param $depth i32) (param $sp i32) (param $nframes i32) (param $left i64) (param $pc i32) (result i32 i32 i32 i64 i32)"));
}

/// Deep recursion: the module asks for more frames and stack storage, and the machine
/// gives them, many times over; at the limits it stops where the block runner does.
#[test]
fn deep_recursion_grows_storage_and_meets_the_limits() {
    let src = "down call stop\ndown: dup 0 == done more if jmp\nmore: 1 - dup down call drop return\ndone: return";
    for n in [1, 63, 64, 65, 1000, 20_000] {
        let (a, b, steps, tier) = run_both(src, vec![Value::Num(n)], u64::MAX);
        assert_eq!(a, b);
        if n > 1 {
            assert!(
                tier * 10 > steps * 9,
                "n = {n}: only {tier} of {steps} steps in the module"
            );
        }
    }
    // Past `max_calls` and `max_stack`: the same errors, at the same place.
    for limits in [
        vm_core::Limits {
            max_calls: 500,
            ..Default::default()
        },
        vm_core::Limits {
            max_stack: 300,
            ..Default::default()
        },
    ] {
        let p = compile(src).unwrap();
        let mut tier = TestTier::new(&p);
        let mut a = Machine::new(p.clone(), vec![Value::Num(10_000)]).with_limits(limits);
        let mut b = Machine::new(p, vec![Value::Num(10_000)]).with_limits(limits);
        let s = a.run_tiered(u64::MAX, &mut String::new(), &mut tier);
        let t = b.run(u64::MAX, &mut String::new());
        assert!(matches!(t, Status::Failed(_)), "{t:?}");
        assert_eq!(s, t);
        assert_eq!(
            (a.steps(), a.stack(), a.frames()),
            (b.steps(), b.stack(), b.frames())
        );
        assert!(a.tier_steps() > 0);
    }
}

const EDGES: [i64; 13] = [
    i64::MIN,
    i64::MIN + 1,
    i64::MIN / 2,
    -3,
    -2,
    -1,
    0,
    1,
    2,
    3,
    i64::MAX / 2,
    i64::MAX - 1,
    i64::MAX,
];

/// Runs `src` on `args` in the module and as plain instructions: the same output,
/// status and stack. Returns the steps run in the module.
fn same_as_plain(src: &str, args: &[Value]) -> u64 {
    let p = compile(src).unwrap();
    let mut tier = TestTier::new(&p);
    // (A step limit, so that a module that goes round forever fails the test.)
    let limits = Limits {
        max_steps: Some(10_000_000),
        ..Limits::default()
    };
    let mut a = Machine::new(p.clone(), args.to_vec()).with_limits(limits);
    let mut b = Machine::new(p.unoptimized(), args.to_vec()).with_limits(limits);
    let (mut out_a, mut out_b) = (String::new(), String::new());
    let s = a.run_tiered(u64::MAX, &mut out_a, &mut tier);
    let t = b.run(u64::MAX, &mut out_b);
    assert_eq!(
        (s, out_a, a.stack(), a.steps()),
        (t, out_b, b.stack(), b.steps()),
        "{src} on {args:?}"
    );
    // The module runs every block the block runner would (no more, no fewer: a check
    // that fails when it should not would only be slower, and is a bug too).
    let mut c = Machine::new(p, args.to_vec()).with_limits(limits);
    c.run(u64::MAX, &mut String::new());
    assert_eq!(a.block_steps(), c.block_steps(), "{src} on {args:?}");
    if tier.compiled.declined == 0 && tier.compiled.string_checked == 0 {
        assert_eq!(a.tier_steps(), a.block_steps(), "{src} on {args:?}");
    }
    a.tier_steps()
}

/// Every operation on numbers (the arithmetic and comparisons of the table), with
/// operands at the edges of the numbers (MIN, MAX, 0, -1, ...), given as arguments (so
/// the optimizer cannot fold them) and as immediates: the module's overflow, division
/// and comparison checks against the plain instructions.
#[test]
fn operations_at_the_edges_are_exact() {
    use vm_core::ops::Class;
    let on_numbers = |op: &&vm_core::Op| match op.class() {
        Class::Arithmetic(_) | Class::Comparison(_) => true,
        Class::Logic(_) | Class::Stack(_) | Class::Text(_) | Class::Io(_) | Class::Control(_) => {
            false
        }
    };
    let mut tiered = 0;
    for op in vm_core::Op::ALL.iter().filter(on_numbers) {
        for &x in &EDGES {
            for &y in &EDGES {
                // Both operands from the stack; then the right one an immediate.
                let two = [Value::Num(x), Value::Num(y)];
                tiered += same_as_plain(&format!("{op} println"), &two);
                tiered += same_as_plain(&format!("{y} {op} println"), &[Value::Num(x)]);
            }
            // Wrong types: a boolean operand.
            tiered += same_as_plain(
                &format!("{op} println"),
                &[Value::Num(x), Value::Bool(true)],
            );
        }
    }
    assert!(tiered > 2000, "only {tiered} steps ran in the module");
}

/// `==` and `!=` of two values run in the module when neither is a string, and stop
/// for the block runner when one is (strings are compared by their text).
#[test]
fn equality_of_two_values() {
    let s = |t: &str| Value::Str(t.into());
    let pairs = [
        [Value::Num(1), Value::Num(1)],
        [Value::Num(1), Value::Bool(true)],
        [Value::Bool(false), Value::Bool(false)],
        [Value::Num(0), Value::Bool(false)],
        [s("ab"), s("ab")],
        [s("ab"), Value::Num(1)],
        [Value::Num(7), s("7")],
    ];
    // (A block of one instruction is not made: these are blocks of 7.)
    for src in [
        "over over == swap drop swap drop println",
        "over over != swap drop swap drop println",
    ] {
        for pair in &pairs {
            let tiered = same_as_plain(src, pair);
            let strings = pair.iter().any(|v| matches!(v, Value::Str(_)));
            assert_eq!(tiered == 0, strings, "{src} on {pair:?}");
        }
    }
    // In a loop: count down while the top is not the other value, down to 0.
    let src =
        "loop: over over == done more if jmp\nmore: 1 - dup 0 < done loop if jmp\ndone: println";
    assert!(same_as_plain(src, &[Value::Num(3), Value::Num(1000)]) > 1000);
    same_as_plain(src, &[s("x"), Value::Num(5)]);
}

/// The sections of a module but its custom ones (names), as bytes.
fn sections(bytes: &[u8]) -> Vec<(u8, Vec<u8>)> {
    let mut out = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(bytes) {
        let payload = payload.unwrap();
        if let Some((id, range)) = payload.as_section() {
            if id != 0 {
                out.push((id, bytes[range].to_vec()));
            }
        }
    }
    out
}

/// The text the page and `svm --disasm --wasm` show is the module that runs: parsed
/// by a WebAssembly text parser, it gives the same sections, byte for byte.
#[test]
fn the_text_is_the_module() {
    let mut count = 0;
    for dir in ["examples", "benches/programs"] {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join(dir);
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "svm") {
                continue;
            }
            let p = compile(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let m = vm_core::tier::compile(&p);
            let parsed =
                wat::parse_str(&m.text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert_eq!(sections(&parsed), sections(&m.bytes), "{}", path.display());
            // Made without its text, the module is the same.
            let module = vm_core::tier::compile_module(&p);
            assert_eq!((module.bytes, module.text.len()), (m.bytes, 0));
            count += 1;
        }
    }
    assert!(count > 15);
}

/// A call (not a conditional one) to a bare `return` pushes its frame and runs the
/// `return`, as the plain instructions do.
#[test]
fn a_call_to_a_bare_return() {
    // The trace follows the first call and returns, then ends at the second: a call
    // to a place it has been, whose first instruction is `return`.
    let src = "r call r call 5 println stop\nr: return";
    assert!(same_as_plain(src, &[]) > 0);
}

/// A program that leaves the module after a few steps each time (to print) is left to
/// the block runner for a while after such calls, and calls the module only now and
/// then; a long loop after it still runs in the module. The results are the same.
#[test]
fn short_calls_back_off() {
    let src = "0 show: dup println 1 + dup 20000 < show end if jmp\n\
               end: loop: 1 + dup 300000 < loop out if jmp\nout: println";
    let p = compile(src).unwrap();
    let plain = {
        let mut m = Machine::new(p.unoptimized(), vec![]);
        let mut out = String::new();
        (m.run(u64::MAX, &mut out), out, m.steps())
    };
    for backs_off in [false, true] {
        let mut tier = TestTier::new(&p);
        tier.backs_off = backs_off;
        let mut m = Machine::new(p.clone(), vec![]);
        let mut out = String::new();
        let s = m.run_tiered(u64::MAX, &mut out, &mut tier);
        assert_eq!((s, out, m.steps()), plain.clone());
        if backs_off {
            assert!(
                tier.entries < 1000,
                "{} calls into the module",
                tier.entries
            );
        } else {
            assert!(
                tier.entries > 20000,
                "{} calls into the module",
                tier.entries
            );
        }
        // The loop of 300,000 rounds ran in the module.
        assert!(
            m.tier_steps() > 800_000,
            "{} steps in the module",
            m.tier_steps()
        );
    }
}

/// The text of a module grows with the program, not with its square: `at` and the
/// dispatches nest a block for each block of the program, and the text's indentation
/// stops deepening at 24 levels (it was 45 million characters for 2,000 labels).
#[test]
fn the_text_of_a_large_program_is_not_quadratic() {
    let src: String = (0..2000).map(|i| format!("l{i}: {i} drop\n")).collect();
    let compiled = vm_core::tier::compile(&compile(&src).unwrap());
    assert!(
        compiled.text.len() < 40 * compiled.bytes.len(),
        "{} characters of text for {} bytes",
        compiled.text.len(),
        compiled.bytes.len()
    );
    assert!(compiled
        .text
        .contains("(func $l1999 (param $block i32) (param $ret_below i32) (param $depth i32) (param $sp i32) (param $nframes i32) (param $left i64) (param $pc i32) (result i32 i32 i32 i64 i32)"));
}

/// Run in slices (as the page runs a program), a program that stays in the module
/// keeps running there: the end of a slice is not a short call.
#[test]
fn slices_do_not_back_off() {
    let src = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/fib.svm"))
        .unwrap();
    let p = compile(&src).unwrap();
    let mut tier = TestTier::new(&p);
    tier.backs_off = true;
    let mut m = Machine::new(p, vec![Value::Num(18)]);
    let mut out = String::new();
    while m.run_tiered(10_000, &mut out, &mut tier) == Status::OutOfBudget {}
    assert!(
        m.tier_steps() * 100 > m.steps() * 97,
        "{} of {} steps in the module",
        m.tier_steps(),
        m.steps()
    );
}

/// An unconditional `call` to a bare `return` ends a block: the block runner pushes the
/// frame and goes there, as the plain instructions do. The module took it for a
/// conditional call's shortcut (the call and the return together, then on to what
/// follows the call), whose continuation only conditional calls have: it went back to
/// the program's start and ran on until the budget or the step limit.
#[test]
fn an_unconditional_call_to_a_bare_return() {
    for src in [
        "a call a call return\na: return",
        "a call 1 + a call 2 * stop\na: return",
    ] {
        for budget in [1000, 3] {
            let (a, b, _, _) = run_both(src, vec![Value::Num(5)], budget);
            assert_eq!(a, b, "{src}");
        }
    }
}

/// A host that looks at what it is given and runs nothing (the machine then runs the
/// blocks itself).
#[derive(Default)]
struct Probe {
    entered: u32,
}

impl Tier for Probe {
    fn enter(&mut self, call: &mut TierCall<'_>) -> u32 {
        // A host whose memory is the module's passes these addresses: those of the
        // storage itself.
        let [tags, bits, frames, state] = call.addresses();
        assert_eq!(bits, call.bits().as_ptr() as usize);
        assert_eq!(state, call.state().as_ptr() as usize);
        assert!(tags != 0 && frames != 0 && tags != bits && frames != state);
        // Tags that are not all tags, or not one a slot, are refused, and change nothing.
        let before = call.tag_bytes();
        let mut bad = before.clone();
        bad[0] = 4;
        assert!(!call.set_tag_bytes(&bad));
        assert!(!call.set_tag_bytes(&before[1..]));
        assert_eq!(call.tag_bytes(), before);
        assert!(call.set_tag_bytes(&before));
        self.entered += 1;
        tier::STATUS_STOPPED
    }
}

#[test]
fn hosts_get_the_storage_and_bad_tags_are_refused() {
    let p = compile("0 10 loop: swap over + swap 1 - dup 0 > loop end if jmp\nend: drop println")
        .unwrap();
    let mut probe = Probe::default();
    let mut m = Machine::new(p, vec![]);
    let mut out = String::new();
    assert_eq!(
        m.run_tiered(u64::MAX, &mut out, &mut probe),
        Status::Halted(0)
    );
    assert_eq!(out, "55\n");
    assert!(probe.entered > 0);
    assert_eq!(m.tier_steps(), 0);
}

/// A host that runs the module and keeps count of what the machine hands it.
struct Watch {
    tier: TestTier,
    enters: u32,
    most_slots: usize,
    most_frames: usize,
}

impl Tier for Watch {
    fn enter(&mut self, call: &mut TierCall<'_>) -> u32 {
        self.enters += 1;
        self.most_slots = self.most_slots.max(call.tag_bytes().len());
        self.most_frames = self.most_frames.max(call.frame_words().len() / 3);
        self.tier.enter(call)
    }
}

/// The storage handed to the module grows as deep as the run goes, doubling (so that
/// the module asks for more a few times only), and no more.
#[test]
fn storage_grows_by_doubling_and_no_more() {
    // n values left on the stack by a loop; a recursion n deep.
    let deep_stack = "fill: dup 0 <= done more if jmp\nmore: dup 1 - fill jmp\ndone: stop";
    let deep_calls = "down call stop\ndown: dup 0 == done more if jmp\nmore: 1 - dup down call drop return\ndone: return";
    for (src, slots, frames) in [(deep_stack, 5001, 0), (deep_calls, 20_001, 20_000)] {
        let n = (slots - 1) as i64;
        let p = compile(src).unwrap();
        let mut watch = Watch {
            tier: TestTier::new(&p),
            enters: 0,
            most_slots: 0,
            most_frames: 0,
        };
        let mut m = Machine::new(p, vec![Value::Num(n)]);
        let status = m.run_tiered(u64::MAX, &mut String::new(), &mut watch);
        assert!(matches!(status, Status::Halted(0)), "{status:?}");
        assert!(m.tier_steps() * 10 > m.steps() * 9);
        assert!(
            watch.most_slots >= slots && watch.most_slots <= 2 * (slots + 64),
            "{} slots for {slots}",
            watch.most_slots
        );
        assert!(
            watch.most_frames >= frames && watch.most_frames <= 2 * (frames + 64),
            "room for {} frames for {frames}",
            watch.most_frames
        );
        assert!(
            watch.enters < 40,
            "{} entries into the module ({src})",
            watch.enters
        );
    }
}

/// A call as the program's last instruction returns to the end of the program, where no
/// block starts: the module stops there (the program has ended), and goes to no block.
#[test]
fn a_return_to_the_end_of_the_program() {
    let src =
        "start jmp\nf: dup 1 + swap 2 * + return\ng: dup * 1 + return\nstart: dup 0 > f g if call";
    for budget in [u64::MAX, 1000, 3] {
        let (a, b, steps, tier) = run_both(src, vec![Value::Num(5)], budget);
        assert_eq!(a, b);
        if budget == u64::MAX {
            assert_eq!(tier, steps, "{tier} of {steps} steps in the module");
        }
    }
}

/// The module's text is the module: made into a module again (by `wat`), it is valid and
/// runs every golden program and example as the plain instructions do.
#[test]
fn the_text_runs_as_the_module() {
    let mut count = 0;
    for (path, source) in common::golden_sources() {
        let Ok(p) = compile(&source) else { continue };
        let compiled = tier::compile(&p);
        let bytes = wat::parse_str(&compiled.text)
            .unwrap_or_else(|e| panic!("{}: {e}\n{}", path.display(), compiled.text));
        let mut from_text = TestTier::with_bytes(compiled, &bytes);
        let args = parse_args(directive(&source, "args").first().copied().unwrap_or(""))
            .unwrap_or_default();
        let stdin = directive(&source, "stdin");
        let limits = common::limits(&source);
        for budget in [u64::MAX, 3] {
            let mut seen = Vec::new();
            for tiered in [true, false] {
                let program = if tiered { p.clone() } else { p.unoptimized() };
                let mut m = Machine::new(program, args.clone()).with_limits(limits);
                let mut out = String::new();
                let run = |m: &mut Machine, budget, out: &mut String| {
                    if tiered {
                        m.run_tiered(budget, out, &mut from_text)
                    } else {
                        m.run(budget, out)
                    }
                };
                let end =
                    common::host::run_to_end(&mut m, budget, &stdin, &mut out, run, |_, _| {});
                seen.push((out, end, m.steps(), m.pc(), m.stack().to_vec()));
            }
            assert_eq!(seen[0], seen[1], "{} with budget {budget}", path.display());
        }
        count += 1;
    }
    assert!(count > 50, "only {count} programs");
}
