//! The bindings in a real browser: `wasm-pack test --headless --firefox vm-wasm` (and
//! `--chrome`). Everything is read back through the JavaScript objects the page gets.

#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

use vm_wasm::{compile, disasm, ops, Session};

wasm_bindgen_test_configure!(run_in_browser);

const FIB: &str = include_str!("../../examples/fib.svm");

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(key)).unwrap_or_else(|_| panic!("no `{key}`"))
}

fn string(v: &JsValue, key: &str) -> String {
    get(v, key)
        .as_string()
        .unwrap_or_else(|| panic!("`{key}` is not a string: {:?}", get(v, key)))
}

fn number(v: &JsValue, key: &str) -> f64 {
    get(v, key)
        .as_f64()
        .unwrap_or_else(|| panic!("`{key}` is not a number"))
}

fn items(v: &JsValue) -> Vec<JsValue> {
    Array::from(v).iter().collect()
}

fn session(source: &str, args: &str) -> Session {
    Session::new(source, args, JsValue::UNDEFINED).unwrap_or_else(|e| panic!("setup failed: {e:?}"))
}

/// The result of a call that should not have thrown.
fn ok<E: Into<JsValue>>(result: Result<JsValue, E>) -> JsValue {
    result.unwrap_or_else(|e| panic!("threw {:?}", e.into()))
}

/// The `kind` and the message of the `Error` a call threw (a real `Error`, with a stack).
fn thrown_error(error: JsValue) -> (String, String) {
    assert!(error.is_instance_of::<js_sys::Error>(), "{error:?}");
    assert!(get(&error, "stack").is_string(), "{error:?}");
    (string(&error, "kind"), string(&error, "message"))
}

/// The message of the `Error` of kind `budget` that a call threw.
fn thrown<E: Into<JsValue>>(result: Result<JsValue, E>) -> String {
    let (kind, message) = thrown_error(result.expect_err("did not throw").into());
    assert_eq!(kind, "budget", "{message}");
    message
}

/// Runs to a status other than `paused`, collecting output.
fn run_until_stop(s: &mut Session, budget: f64) -> (JsValue, String, usize) {
    let mut out = String::new();
    let mut slices = 0;
    loop {
        let status = ok(s.run(budget));
        out.push_str(&string(&status, "output"));
        slices += 1;
        if string(&status, "status") != "paused" {
            return (status, out, slices);
        }
    }
}

#[wasm_bindgen_test]
fn compile_errors_have_positions() {
    let c = compile("1 2 +\n  nope \"open");
    assert_eq!(get(&c, "ok").as_bool(), Some(false));
    let diags = items(&get(&c, "diagnostics"));
    assert_eq!(diags.len(), 2);
    assert!(string(&diags[0], "message").contains("undefined label `nope`"));
    assert_eq!(
        (number(&diags[0], "line"), number(&diags[0], "column")),
        (2.0, 3.0)
    );
    assert_eq!(
        (number(&diags[0], "endLine"), number(&diags[0], "endColumn")),
        (2.0, 7.0)
    );
    assert_eq!(
        (number(&diags[0], "from"), number(&diags[0], "to")),
        (8.0, 12.0)
    );
    assert!(string(&diags[1], "message").contains("unterminated string"));
    let ok = compile(FIB);
    assert_eq!(get(&ok, "ok").as_bool(), Some(true));
    assert!(get(&ok, "disassembly").is_undefined());
    assert!(Array::is_array(&get(&ok, "labels")));
}

#[wasm_bindgen_test]
fn compile_and_argument_errors_are_errors_with_kind_and_diagnostics() {
    let e = Session::new("1 2 +\n  nope \"open", "", JsValue::UNDEFINED)
        .err()
        .unwrap();
    let (kind, message) = thrown_error(e.clone());
    assert_eq!(
        (kind.as_str(), message.as_str()),
        (
            "compile",
            "compile error at 2:3: undefined label `nope` (1 reference) (and 1 more error)"
        )
    );
    let diags = items(&get(&e, "diagnostics"));
    assert_eq!(diags.len(), 2);
    assert_eq!(number(&diags[1], "line"), 2.0);
    let e = Session::new("1", "1 x", JsValue::UNDEFINED).err().unwrap();
    let (kind, message) = thrown_error(e.clone());
    assert_eq!(kind, "args");
    assert!(
        message.starts_with("error in the arguments at 1:3: "),
        "{message}"
    );
    assert_eq!(number(&items(&get(&e, "diagnostics"))[0], "column"), 3.0);
}

/// The rows of `disasm` as plain objects, with `null` where a row has no span, target or
/// block (the shape the page's Compiled panel reads).
#[wasm_bindgen_test]
fn disasm_rows_are_plain_objects() {
    let d = disasm("start: 1 \"s\" end jmp end:", 0, 10);
    assert_eq!(get(&d, "ok").as_bool(), Some(true));
    let sizes: Vec<f64> = [
        "instructions",
        "tokens",
        "labels",
        "strings",
        "total",
        "first",
    ]
    .iter()
    .map(|k| number(&d, k))
    .collect();
    assert_eq!(sizes, vec![4.0, 6.0, 2.0, 1.0, 5.0, 0.0]);
    assert_eq!(items(&get(&d, "diagnostics")).len(), 0);
    let rows = items(&get(&d, "rows"));
    assert_eq!(rows.len(), 5);
    let first = &rows[0];
    assert_eq!(number(first, "address"), 1.0);
    assert_eq!(
        items(&get(first, "labels"))[0].as_string().as_deref(),
        Some("start")
    );
    assert_eq!(
        (string(first, "text"), string(first, "kind")),
        ("1".into(), "num".into())
    );
    let span = get(first, "span");
    assert_eq!(
        (
            number(&span, "line"),
            number(&span, "column"),
            number(&span, "from")
        ),
        (1.0, 8.0, 7.0)
    );
    assert!(get(first, "target").is_null());
    assert_eq!(string(&rows[1], "kind"), "str");
    assert_eq!(
        (string(&rows[2], "text"), number(&rows[2], "target")),
        ("end (address 6)".into(), 6.0)
    );
    let end = &rows[4];
    assert_eq!(
        (string(end, "kind"), number(end, "address")),
        ("end".into(), 6.0)
    );
    assert!(get(end, "span").is_null() && get(end, "block").is_null());
    let part = disasm("1 2 3", 2, 9);
    assert_eq!(
        (number(&part, "first"), items(&get(&part, "rows")).len()),
        (2.0, 2)
    );
    let bad = disasm("1 nope", 0, 10);
    assert_eq!(get(&bad, "ok").as_bool(), Some(false));
    assert_eq!(number(&items(&get(&bad, "diagnostics"))[0], "column"), 3.0);
}

#[wasm_bindgen_test]
fn fib_runs_to_completion() {
    let mut s = session(FIB, "10");
    let (status, out, _) = run_until_stop(&mut s, 1_000_000.0);
    assert_eq!(string(&status, "status"), "halted");
    assert_eq!(string(&status, "exitCode"), "0");
    assert_eq!(out, "55\n");
    assert!(number(&status, "steps") > 100.0);
    assert!(get(&status, "error").is_null());
}

#[wasm_bindgen_test]
fn pause_and_resume_give_identical_output() {
    let mut whole = session(FIB, "12");
    let (a, out_a, n_a) = run_until_stop(&mut whole, 10_000_000.0);
    let mut sliced = session(FIB, "12");
    let (b, out_b, n_b) = run_until_stop(&mut sliced, 50.0);
    assert_eq!(n_a, 1);
    assert!(n_b > 50, "{n_b} slices");
    assert_eq!(out_a, out_b);
    assert_eq!(number(&a, "steps"), number(&b, "steps"));
}

#[wasm_bindgen_test]
fn input_suspends_and_resumes() {
    let mut s = session(
        "read \"hello, \" swap concat println read \"\" == println",
        "",
    );
    let status = ok(s.run(1000.0));
    assert_eq!(string(&status, "status"), "needs_input");
    // Without input the program stays where it is.
    assert_eq!(string(&ok(s.run(1000.0)), "status"), "needs_input");
    assert_eq!(s.steps(), 0.0);
    s.provide_input("  world  ");
    let status = ok(s.run(1000.0));
    assert_eq!(string(&status, "output"), "hello, world\n");
    assert_eq!(string(&status, "status"), "needs_input");
    s.end_input();
    let status = ok(s.run(1000.0));
    assert_eq!(string(&status, "output"), "true\n");
    assert_eq!(string(&status, "status"), "halted");
}

#[wasm_bindgen_test]
fn sleep_is_a_status() {
    let mut s = session("\"a\" print 250 sleep_ms \"b\" println", "");
    let status = ok(s.run(1000.0));
    assert_eq!(string(&status, "status"), "sleeping");
    assert_eq!(number(&status, "ms"), 250.0);
    assert_eq!(string(&status, "output"), "a");
    let status = ok(s.run(1000.0));
    assert_eq!(string(&status, "output"), "b\n");
    assert_eq!(string(&status, "status"), "halted");
}

#[wasm_bindgen_test]
fn errors_carry_span_and_trace() {
    let src = "\"before\" println\n10 0 divide call\nstop\ndivide:\n    / return\n";
    let mut s = session(src, "");
    let (status, out, _) = run_until_stop(&mut s, 1000.0);
    assert_eq!(out, "before\n");
    assert_eq!(string(&status, "status"), "error");
    let e = get(&status, "error");
    assert_eq!(string(&e, "message"), "division by zero in `/`");
    let span = get(&e, "span");
    assert_eq!((number(&span, "line"), number(&span, "column")), (5.0, 5.0));
    let trace = items(&get(&e, "trace"));
    assert_eq!(trace.len(), 1);
    assert_eq!(string(&trace[0], "name"), "divide");
    let call = get(&trace[0], "call");
    assert_eq!(
        (number(&call, "line"), number(&call, "column")),
        (2.0, 13.0)
    );
    assert!(string(&e, "rendered").contains("stack trace"));
}

/// An options object with these fields.
fn options(fields: &[(&str, JsValue)]) -> JsValue {
    let o = js_sys::Object::new();
    for (k, v) in fields {
        Reflect::set(&o, &JsValue::from_str(k), v).unwrap();
    }
    o.into()
}

/// The error message of a finished run of `source` with these options.
fn error_with(source: &str, fields: &[(&str, JsValue)]) -> String {
    let mut s = Session::new(source, "", options(fields)).unwrap();
    let (status, _, _) = run_until_stop(&mut s, 1000.0);
    string(&get(&status, "error"), "message")
}

#[wasm_bindgen_test]
fn options_set_the_limits() {
    let push3 = "1 2 3";
    assert!(error_with(push3, &[("maxStack", 2.into())]).contains("limited to 2 values"));
    let calls = "f: f call";
    let big = js_sys::BigInt::from(3u32);
    assert!(error_with(calls, &[("maxCalls", big.into())]).contains("limited to 3 calls"));
    let spin = "l: l jmp";
    assert!(error_with(spin, &[("maxSteps", 5.5.into())]).starts_with("step limit: 5 steps"));
    let loud = "l: \"abc\" print l jmp";
    assert!(error_with(loud, &[("maxOutput", 7.into())]).contains("at most 7 bytes"));
    // `null` and `undefined` fields leave the defaults.
    let o = [
        ("maxStack", JsValue::NULL),
        ("maxSteps", JsValue::UNDEFINED),
    ];
    let mut s = Session::new(push3, "", options(&o)).unwrap();
    assert_eq!(string(&ok(s.run(100.0)), "status"), "halted");
    assert!(s.profile().is_null());
    let s = Session::new(push3, "", options(&[("profile", JsValue::FALSE)])).unwrap();
    assert!(s.profile().is_null());
}

#[wasm_bindgen_test]
fn bad_options_are_a_clear_error() {
    let bad = |v: JsValue| {
        let (kind, message) = thrown_error(Session::new("1", "", v).err().expect("no error"));
        assert_eq!(kind, "options", "{message}");
        message
    };
    for (field, value) in [
        ("maxStack", JsValue::from(-1)),
        ("maxCalls", JsValue::from(1.5)),
        ("history", JsValue::from("10")),
        ("maxOutput", JsValue::from(f64::INFINITY)),
        ("maxOutput", JsValue::from(2f64.powi(60))),
    ] {
        let message = bad(options(&[(field, value)]));
        assert!(
            message.starts_with(&format!("bad options: `{field}` must be a whole number")),
            "{message}"
        );
    }
    let message = bad(options(&[("maxSteps", "many".into())]));
    assert_eq!(message, "bad options: `maxSteps` must be a number");
    let message = bad(options(&[("profile", 1.into())]));
    assert_eq!(message, "bad options: `profile` must be true or false");
    assert_eq!(bad(7.into()), "bad options: expected an object");
    // Keys it does not know are refused, named, with the one meant when it is close.
    let message = bad(options(&[
        ("max_steps", 5.into()),
        ("colour", "red".into()),
    ]));
    assert_eq!(
        message,
        "bad options: unknown options `max_steps` (did you mean `maxSteps`?), `colour`; \
         the options are maxStack, maxCalls, maxSteps, maxOutput, history, profile, record, tier"
    );
    let message = bad(options(&[("histroy", 5.into())]));
    assert!(
        message.starts_with("bad options: unknown option `histroy` (did you mean `history`?);"),
        "{message}"
    );
}

#[wasm_bindgen_test]
fn stack_and_call_stack_at_a_pause() {
    let mut s = session("1 \"two\" true f call stop f: 3 return", "");
    let status = ok(s.run(5.0));
    assert_eq!(string(&status, "status"), "paused");
    let frames = items(&s.call_stack());
    assert_eq!(frames.len(), 1);
    assert_eq!(string(&frames[0], "name"), "f");
    let pos = s.position();
    assert_eq!(number(&pos, "column"), 29.0);
    let stack = items(&s.stack());
    let shown: Vec<(String, String, String)> = stack
        .iter()
        .map(|v| (string(v, "type"), string(v, "value"), string(v, "literal")))
        .collect();
    assert_eq!(
        shown,
        vec![
            ("Num".into(), "1".into(), "1".into()),
            ("Str".into(), "two".into(), "\"two\"".into()),
            ("Bool".into(), "true".into(), "true".into()),
        ]
    );
    assert_eq!(s.steps(), 5.0);
    let status = s.step();
    assert_eq!(string(&status, "status"), "paused");
    assert_eq!(s.steps(), 6.0);
}

#[wasm_bindgen_test]
fn i64_values_cross_exactly() {
    let mut s = session(
        "9007199254740993 dup println -9223372036854775808 9223372036854775807 exit",
        "",
    );
    let (status, out, _) = run_until_stop(&mut s, 100.0);
    assert_eq!(out, "9007199254740993\n");
    assert_eq!(string(&status, "exitCode"), "9223372036854775807");
    let stack = items(&s.stack());
    assert_eq!(string(&stack[0], "value"), "9007199254740993");
    assert_eq!(string(&stack[1], "value"), "-9223372036854775808");
}

#[wasm_bindgen_test]
fn op_reference_comes_from_the_core_table() {
    let all = items(&ops());
    assert_eq!(all.len(), vm_core::OPS.len());
    let rot = all.iter().find(|o| string(o, "name") == "rot").unwrap();
    assert_eq!(string(rot, "effect"), "( a b c -- b c a )");
    assert!(!string(rot, "doc").is_empty());
    assert!(!string(rot, "example").is_empty());
}

#[wasm_bindgen_test]
fn debugging_in_the_browser() {
    let options = js_sys::Object::new();
    Reflect::set(&options, &"history".into(), &JsValue::from(10_000)).unwrap();
    Reflect::set(&options, &"profile".into(), &JsValue::TRUE).unwrap();
    let mut s = Session::new(FIB, "6", options.into()).unwrap();
    // A breakpoint in `recur:`'s first line.
    let recur_line = FIB
        .lines()
        .position(|l| l.trim_start().starts_with("dup 1 - fib call"))
        .unwrap() as u32
        + 1;
    assert_eq!(s.set_breakpoints(vec![recur_line]), vec![recur_line]);
    // A watched run whose budget ends before the breakpoint: paused for the budget.
    let status = ok(s.run(1.0));
    let shown = (string(&status, "status"), string(&status, "reason"));
    assert_eq!(shown, ("paused".into(), "budget".into()));
    let status = ok(s.run(1_000_000.0));
    assert_eq!(string(&status, "reason"), "breakpoint");
    assert_eq!(number(&s.position(), "line"), f64::from(recur_line));
    let depth = items(&s.call_stack()).len();
    assert_eq!(string(&items(&s.call_stack())[0], "name"), "recur");
    // Step into the recursive call and back out of it.
    for _ in 0..5 {
        s.step(); // `dup 1 - fib call`
    }
    assert_eq!(items(&s.call_stack()).len(), depth + 1);
    // (With the breakpoint, stepping out would stop at it again in the recursion.)
    s.set_breakpoints(vec![]);
    let out = ok(s.step_out(1_000_000.0));
    assert_eq!(string(&out, "reason"), "step");
    assert_eq!(items(&s.call_stack()).len(), depth);
    // Step back 50 steps.
    let steps = s.steps();
    for _ in 0..50 {
        assert_eq!(string(&s.step_back(), "reason"), "step_back");
    }
    assert_eq!(s.steps(), steps - 50.0);
    // Without breakpoints the program runs to its end and the profile has its paths.
    let (status, out, _) = run_until_stop(&mut s, 1_000_000.0);
    assert_eq!(
        (string(&status, "status"), out.as_str()),
        ("halted".into(), "8\n")
    );
    let profile = s.profile();
    assert!(string(&profile, "folded").contains("main;fib;recur;fib"));
    assert!(number(&profile, "total") > 0.0);
    assert!(!items(&get(&profile, "lines")).is_empty());
}

/// Not a timing assertion: prints how long fib 25 takes in this browser, for
/// docs/benchmarks.md (compare with the native `fib_25` of `cargo bench -p vm-core`).
#[wasm_bindgen_test]
fn fib_25_in_the_browser_for_the_record() {
    let performance: web_sys::Performance =
        JsCast::unchecked_into(Reflect::get(&js_sys::global(), &"performance".into()).unwrap());
    let mut best = f64::MAX;
    for _ in 0..5 {
        let mut s = session(FIB, "25");
        let start = performance.now();
        let (status, out, _) = run_until_stop(&mut s, f64::from(u32::MAX));
        best = best.min(performance.now() - start);
        assert_eq!(
            (string(&status, "status"), out.as_str()),
            ("halted".into(), "75025\n")
        );
    }
    console_log!("fib 25 through vm-wasm: best of 5 runs {best:.1} ms");
}

#[wasm_bindgen_test]
fn budgets_that_are_not_whole_numbers_throw_instead_of_wrapping() {
    // 2**32 + 5 runs that many steps, not 5: the loop is still going.
    let mut s = session("0 loop: 1 + dup 100 == end loop if jmp end: drop", "");
    let status = ok(s.run(2f64.powi(32) + 5.0));
    assert_eq!(string(&status, "status"), "halted");
    let mut s = session("loop: loop jmp", "");
    let status = ok(s.run(1005.0));
    assert_eq!(number(&status, "steps"), 1005.0);
    // 0 runs nothing; a step out armed with it still waits for the return.
    let status = ok(s.run(0.0));
    assert_eq!(string(&status, "status"), "paused");
    assert_eq!(number(&status, "steps"), 1005.0);
    for (budget, wrong) in [
        (f64::INFINITY, "budget is infinite"),
        (f64::NAN, "budget is not a number (NaN)"),
        (-1.0, "budget is negative"),
        (0.5, "budget has a fraction"),
        (2f64.powi(60), "budget is above 2**53 - 1"),
    ] {
        for message in [
            thrown(s.run(budget)),
            thrown(s.step_over(budget)),
            thrown(s.step_out(budget)),
        ] {
            assert!(message.starts_with(wrong), "{budget}: {message}");
        }
    }
    // Nothing ran.
    assert_eq!(s.steps(), 1005.0);
}
