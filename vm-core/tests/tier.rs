//! The WebAssembly tier runs blocks: the module is valid, runs most of a program's
//! steps, and stops where it must (budget, limits, blocks it does not compile), with
//! the same results as the block runner. (Every golden program, example and thousands
//! of generated programs are compared with plain runs in `differential.rs`.)

mod common;
mod wasm_host;

use common::directive;
use vm_core::{compile, parse_args, tier, Machine, Status, Tier, TierCall, Value};
use wasm_host::WasmiTier;

fn run_both(src: &str, args: Vec<Value>, budget: u64) -> (String, String, u64, u64) {
    let p = compile(src).unwrap();
    let mut tier = WasmiTier::new(&p);
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
    let tier = WasmiTier::new(&compile(&src).unwrap());
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
        .contains("(func $recur (param $block i32) (result i32)"));
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
        let mut tier = WasmiTier::new(&p);
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
    tier: WasmiTier,
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
            tier: WasmiTier::new(&p),
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
            "{} entries into the module",
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
fn the_text_is_the_module() {
    let mut count = 0;
    for (path, source) in common::golden_sources() {
        let Ok(p) = compile(&source) else { continue };
        let compiled = tier::compile(&p);
        let bytes = wat::parse_str(&compiled.text)
            .unwrap_or_else(|e| panic!("{}: {e}\n{}", path.display(), compiled.text));
        let mut from_text = WasmiTier::with_bytes(compiled, &bytes);
        let args = parse_args(directive(&source, "args").first().copied().unwrap_or(""))
            .unwrap_or_default();
        let stdin = directive(&source, "stdin");
        let limits = common::limits(&source);
        for budget in [u64::MAX, 3] {
            let mut seen = Vec::new();
            for tiered in [true, false] {
                let program = if tiered { p.clone() } else { p.unoptimized() };
                let mut m = Machine::new(program, args.clone()).with_limits(limits);
                let (mut out, mut input) = (String::new(), stdin.iter());
                let end = loop {
                    let s = if tiered {
                        m.run_tiered(budget, &mut out, &mut from_text)
                    } else {
                        m.run(budget, &mut out)
                    };
                    match s {
                        Status::OutOfBudget | Status::Sleeping(_) => {}
                        Status::NeedsInput => m.provide_input(input.next().copied()),
                        end => break end,
                    }
                };
                seen.push((out, end, m.steps(), m.pc(), m.stack().to_vec()));
            }
            assert_eq!(seen[0], seen[1], "{} with budget {budget}", path.display());
        }
        count += 1;
    }
    assert!(count > 50, "only {count} programs");
}
