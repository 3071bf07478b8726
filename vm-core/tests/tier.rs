//! The WebAssembly tier runs blocks: the module is valid, runs most of a program's
//! steps, and stops where it must (budget, limits, blocks it does not compile), with
//! the same results as the block runner. (Every golden program, example and thousands
//! of generated programs are compared with plain runs in `differential.rs`.)

mod wasm_host;

use vm_core::{compile, Machine, Status, Value};
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
