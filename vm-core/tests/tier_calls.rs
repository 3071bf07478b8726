//! Direct calls in the WebAssembly tier: a `call` of a label known when the module is
//! made is a WebAssembly call of the label's function, which comes back to its caller
//! when the call's frame is popped; past `tier::MAX_DIRECT_DEPTH` calls under way, a
//! call goes the indirect way. Each program here runs in the module (in wasmi) and
//! plainly, in one go and in slices of every budget from 1 step on, and everything a
//! host can see is compared: output, how it ended (the error with its trace), stack,
//! frames, position, steps, and each slice's state.

mod common;
mod wasm_host;

use common::host::{observe_with, Observed};
use vm_core::{compile, tier, Limits, Machine, Program, Value};
use wasm_host::TestTier;

/// Runs `program` in slices of `budget` steps, in the module of `tier` when given.
fn observe(
    program: &Program,
    args: &[Value],
    limits: Limits,
    budget: u64,
    tier: Option<&mut TestTier>,
) -> (Observed, u64) {
    let m = Machine::new(program.clone(), args.to_vec()).with_limits(limits);
    let mut tier = tier;
    let (seen, m) = observe_with(m, budget, &[], |m, budget, out| match tier.as_deref_mut() {
        Some(t) => m.run_tiered(budget, out, t),
        None => m.run(budget, out),
    });
    (seen, m.tier_steps())
}

/// Runs `src` with `args` and `limits` in the module and plainly (unoptimized), in one
/// go and in slices of each of `budgets`, and checks that they are the same; returns
/// what the run in one go saw and the steps that ran in the module.
fn same(
    src: &str,
    args: &[Value],
    limits: Limits,
    budgets: impl IntoIterator<Item = u64>,
) -> (Observed, u64) {
    let optimized = compile(src).unwrap();
    let plain = optimized.unoptimized();
    let mut tier = TestTier::new(&optimized);
    let mut first = None;
    for budget in [u64::MAX].into_iter().chain(budgets) {
        let (want, _) = observe(&plain, args, limits, budget, None);
        let (got, in_module) = observe(&optimized, args, limits, budget, Some(&mut tier));
        assert_eq!(
            got, want,
            "{src}\nargs {args:?}, budget {budget}, {limits:?}\n{}",
            tier.compiled.text
        );
        first.get_or_insert((got, in_module));
    }
    first.unwrap()
}

fn limits(max_calls: usize) -> Limits {
    Limits {
        max_calls,
        ..Limits::default()
    }
}

/// Recursion `n` deep: `more` calls `down` until the number is 0, then every level
/// returns and adds. (A block of `more` follows the call into `down`'s test, pushing
/// the frame, and goes on to `more` or to `done`'s `return`.)
const DOWN: &str = "down call println stop
down: dup 0 == done more if jmp
more: dup 1 - down call + return
done: return";

/// Every budget of a slice from 1 to `n`.
fn every(n: u64) -> impl Iterator<Item = u64> {
    1..=n
}

#[test]
fn a_call_of_a_known_label_is_a_direct_call() {
    let p = compile(DOWN).unwrap();
    let text = tier::compile(&p).text;
    let more = text.find("(func $more").unwrap();
    let body = &text[more..];
    let body = &body[..body[1..].find("(func ").map_or(body.len(), |e| e + 1)];
    // (The block of `more` runs `down`'s test too, and goes on to `more` again.)
    assert!(body.contains("call $more"), "{body}");
    // The function returns to a direct caller when the call's frame is popped.
    assert!(body.contains(&format!("i32.const {}", -4)), "{body}");
}

#[test]
fn recursion_past_the_direct_depth_runs_the_same() {
    let deep = tier::MAX_DIRECT_DEPTH as i64;
    for n in [0, 1, 5, deep - 1, deep, deep + 1, 3 * deep, 20_000] {
        let (seen, in_module) = same(DOWN, &[Value::Num(n)], Limits::default(), []);
        assert_eq!(seen.output, format!("{}\n", n * (n + 1) / 2), "{n}");
        if n >= 5 {
            assert!(
                in_module * 10 > seen.steps * 9,
                "{n}: {in_module} of {}",
                seen.steps
            );
        }
    }
}

#[test]
fn max_calls_is_met_inside_direct_calls_and_past_them() {
    let deep = tier::MAX_DIRECT_DEPTH as usize;
    for max_calls in [1, 2, 10, deep - 1, deep, deep + 1, deep + 2, 2 * deep, 5000] {
        let n = 6000;
        let (seen, _) = same(DOWN, &[Value::Num(n)], limits(max_calls), [1000, 7]);
        assert!(
            format!("{:?}", seen.end).contains("Error"),
            "{:?}",
            seen.end
        );
        assert_eq!(seen.frames.len(), max_calls, "{max_calls}");
    }
    // A large limit, met far past the direct depth, and one the recursion stays within.
    let (seen, _) = same(DOWN, &[Value::Num(150_000)], limits(100_000), []);
    assert_eq!(seen.frames.len(), 100_000);
    let (seen, _) = same(DOWN, &[Value::Num(99_998)], limits(100_000), []);
    assert_eq!(seen.output, format!("{}\n", 99_998i64 * 99_999 / 2));
}

#[test]
fn a_budget_running_out_at_every_step_of_direct_calls() {
    // Every budget of one slice up to the whole run, and slices of every size up to it.
    let (seen, _) = same(DOWN, &[Value::Num(4)], Limits::default(), []);
    let steps = seen.steps;
    let src = DOWN;
    let optimized = compile(src).unwrap();
    let plain = optimized.unoptimized();
    let mut tier = TestTier::new(&optimized);
    for budget in 1..=steps + 1 {
        let mut a = Machine::new(plain.clone(), vec![Value::Num(4)]);
        let mut b = Machine::new(optimized.clone(), vec![Value::Num(4)]);
        let (mut out_a, mut out_b) = (String::new(), String::new());
        let s = a.run(budget, &mut out_a);
        let t = b.run_tiered(budget, &mut out_b, &mut tier);
        assert_eq!(s, t, "budget {budget}");
        assert_eq!(
            (a.steps(), a.pc(), a.stack(), out_a),
            (b.steps(), b.pc(), b.stack(), out_b),
            "budget {budget}"
        );
        let frames = |m: &Machine| -> Vec<String> {
            m.frames()
                .iter()
                .map(|f| format!("{} {:?}", f.name(), f.call_span))
                .collect()
        };
        assert_eq!(frames(&a), frames(&b), "budget {budget}");
    }
    same(DOWN, &[Value::Num(4)], Limits::default(), every(steps + 1));
    let deep = u64::from(tier::MAX_DIRECT_DEPTH);
    same(
        DOWN,
        &[Value::Num(deep as i64 + 3)],
        Limits::default(),
        [1, 2, 3, 5, 7, 11, 64, 999],
    );
}

#[test]
fn fib_in_slices_of_every_budget() {
    let src = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/fib.svm"))
        .unwrap();
    let (seen, _) = same(&src, &[Value::Num(6)], Limits::default(), []);
    assert_eq!(seen.output, "8\n");
    same(
        &src,
        &[Value::Num(6)],
        Limits::default(),
        every(seen.steps + 1),
    );
    same(
        &src,
        &[Value::Num(18)],
        Limits::default(),
        [1, 2, 3, 10, 100],
    );
}

#[test]
fn mutual_recursion() {
    let src = "even call println stop
even: dup 0 == even_yes even_no if jmp
even_yes: drop 1 return
even_no: 1 - odd call return
odd: dup 0 == odd_yes odd_no if jmp
odd_yes: drop 0 return
odd_no: 1 - even call return";
    for n in [0, 1, 2, 7, 600, 3001] {
        let (seen, _) = same(src, &[Value::Num(n)], Limits::default(), [1, 2, 3, 5, 13]);
        assert_eq!(seen.output, format!("{}\n", i64::from(n % 2 == 0)), "{n}");
    }
    let (seen, _) = same(src, &[Value::Num(5)], Limits::default(), []);
    same(
        src,
        &[Value::Num(5)],
        Limits::default(),
        every(seen.steps + 1),
    );
    // And the limit met on the way.
    for max_calls in [3, 300, 1000] {
        let (seen, _) = same(src, &[Value::Num(3001)], limits(max_calls), [1, 7]);
        assert_eq!(seen.frames.len(), max_calls);
    }
}

#[test]
fn a_runtime_error_inside_direct_calls_has_the_same_trace() {
    // At the bottom of the recursion, a division by zero; then a type error.
    for bottom in ["1 0 /", "\"s\" 1 +"] {
        let src = format!(
            "down call println stop
down: dup 0 == done more if jmp
more: dup 1 - down call + return
done: {bottom} return"
        );
        let deep = tier::MAX_DIRECT_DEPTH as i64;
        for n in [0, 3, deep + 2, 1000] {
            let (seen, _) = same(&src, &[Value::Num(n)], Limits::default(), [1, 5]);
            assert!(
                format!("{:?}", seen.end).contains("Error"),
                "{:?}",
                seen.end
            );
            assert_eq!(seen.frames.len() as i64, n + 1);
        }
    }
}

#[test]
fn a_label_called_directly_and_by_a_computed_address() {
    // `sq` is called directly, and by an address computed from the argument (0, under
    // everything), which the block runner calls; `back` is where a direct call returns
    // and where a computed jump goes.
    let src = "3 over 0 * sq + call println
4 sq call println
5 sq call back: println
1 + dup 3 < again out if jmp
again: dup 10 * over 0 * back + jmp
out: stop
sq: dup * return";
    for budget_set in [vec![1, 2, 3], vec![5, 8, 13]] {
        same(src, &[Value::Num(0)], Limits::default(), budget_set);
    }
    let (seen, _) = same(src, &[Value::Num(0)], Limits::default(), []);
    assert_eq!(seen.output, "9\n16\n25\n10\n20\n");
    same(
        src,
        &[Value::Num(0)],
        Limits::default(),
        every(seen.steps + 1),
    );
}

#[test]
fn frames_left_by_jumps_out_of_a_callee_are_returned_to_later() {
    // `f` returns on even numbers and jumps back to the caller's code on odd ones,
    // leaving its frame: the frames left are returned to by `unwind`, each going back
    // to `next` (where the call returns), which counts on until the frames run out and
    // a `return` with none fails.
    let src = "0 again: f call
next: 1 + dup 6 < again fin if jmp
fin: unwind jmp
unwind: return
f: dup 2 % 0 == f_ret f_jmp if jmp
f_ret: return
f_jmp: next jmp";
    let (seen, _) = same(src, &[], Limits::default(), [1, 2, 3, 4, 5]);
    same(src, &[], Limits::default(), every(seen.steps + 1));
}

#[test]
fn calls_returning_to_returns_and_to_the_end() {
    // A call whose return address is a `return` (a tail call), a chain of them, a call
    // conditional on a value to a bare `return`, and a call at the end of the program.
    let src = "1 a call println 2 c call println
0 f t if call 5 println
d call
a: b call return
b: c call return
c: 10 + return
t: return
f: 100 + return
d: 9 println return";
    let (seen, _) = same(src, &[], Limits::default(), [1, 2, 3]);
    same(src, &[], Limits::default(), every(seen.steps + 1));
    for max_calls in [1, 2, 3] {
        same(src, &[], limits(max_calls), every(seen.steps + 1));
    }
}

/// A label of many blocks is made as several functions: calls into it, and from each
/// piece of it to a label after it, are direct calls between functions whose indexes
/// depend on how the label was split, and run the same.
#[test]
fn direct_calls_into_a_label_split_for_its_size() {
    let line: String = (0..40)
        .map(|i| format!("{} + {} - ", i % 7, i % 5))
        .collect();
    let mut src = String::from("big call 1 after call println stop\n");
    src.push_str("big:\n");
    for k in 0..1000 {
        src.push_str(&format!("{line} 1000003 % {k} + after call\n"));
    }
    src.push_str("return\nafter: 7 + return\n");
    let p = compile(&src).unwrap();
    let m = tier::compile_module(&p);
    let big = m.functions.iter().filter(|f| f.name.starts_with("big"));
    let (pieces, blocks) = big.fold((0, 0), |(n, b), f| (n + 1, b + f.blocks));
    assert!(pieces >= 2, "{pieces} functions for `big`, {blocks} blocks");
    let (seen, in_module) = same(&src, &[Value::Num(3)], Limits::default(), [10_007]);
    assert!(
        in_module * 10 > seen.steps * 9,
        "{in_module} of {}",
        seen.steps
    );
}
