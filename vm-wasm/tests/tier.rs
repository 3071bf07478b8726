//! The WebAssembly tier in a real browser (`wasm-pack test --headless --firefox vm-wasm`,
//! and `--chrome`): every golden program and example runs with and without the `tier`
//! option, in one go and in slices, and both runs must agree on everything the page
//! sees; the tier must really run (fib's steps are mostly in the module); a module that
//! cannot be instantiated leaves a session that runs without it and says why.
//!
//! In a dedicated worker, as in the page: a browser's main thread compiles modules of at
//! most 4 KB synchronously (Chromium), and the tier compiles synchronously.

#![cfg(target_arch = "wasm32")]

#[path = "../../vm-core/tests/common/mod.rs"]
mod common;
mod programs;

use js_sys::{Array, Object, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

use vm_wasm::session::{Core, Options};
use vm_wasm::tier::JsTier;
use vm_wasm::Session;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

const FIB: &str = include_str!("../../examples/fib.svm");

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(key)).unwrap_or_else(|_| panic!("no `{key}`"))
}

fn json(v: &JsValue) -> String {
    JSON::stringify(v).map(String::from).unwrap_or_default()
}

/// The options of a golden program's run (its `# max-…:` lines), and `tier`.
fn options(source: &str, tier: bool) -> JsValue {
    let o = Object::new();
    let set = |k: &str, v: JsValue| Reflect::set(&o, &k.into(), &v).unwrap();
    set("tier", tier.into());
    // A step limit keeps a broken tier from looping forever.
    set("maxSteps", 10_000_000.0.into());
    for (key, name) in [
        ("max-steps", "maxSteps"),
        ("max-stack", "maxStack"),
        ("max-calls", "maxCalls"),
    ] {
        if let Some(n) = common::directive(source, key).first() {
            set(name, n.trim().parse::<f64>().unwrap().into());
        }
    }
    o.into()
}

/// Everything the page sees of a run of `source` in slices of `budget` steps: each
/// slice's status without its time (output, steps, exit code, error with its position,
/// trace and stack), the stack and the call stack after it; and the steps run in the
/// module.
fn observe(source: &str, budget: f64, tier: bool) -> (Vec<String>, f64) {
    let args = common::directive(source, "args")
        .first()
        .copied()
        .unwrap_or("");
    let mut stdin = common::directive(source, "stdin").into_iter();
    let mut s = match Session::new(source, args, options(source, tier)) {
        Ok(s) => s,
        Err(e) => {
            return (
                vec![format!("setup: {}", json(&get(&e, "diagnostics")))],
                0.0,
            )
        }
    };
    if tier {
        let info = s.tier();
        assert!(
            get(&info, "error").is_null(),
            "the tier did not run: {}",
            json(&info)
        );
    }
    let mut seen = Vec::new();
    loop {
        let r = s.run(budget).unwrap();
        Reflect::delete_property(r.unchecked_ref::<Object>(), &"timeMs".into()).unwrap();
        seen.push(format!(
            "{} {} {}",
            json(&r),
            json(&s.stack()),
            json(&s.call_stack())
        ));
        match get(&r, "status").as_string().unwrap().as_str() {
            "paused" | "sleeping" => {}
            "needs_input" => match stdin.next() {
                Some(line) => s.provide_input(line),
                None => s.end_input(),
            },
            _ => return (seen, s.tier_steps()),
        }
        assert!(seen.len() < 200_000, "runaway");
    }
}

#[wasm_bindgen_test]
fn every_program_runs_the_same_with_the_tier() {
    let mut compiled_steps = 0.0;
    for (path, source) in programs::PROGRAMS {
        for budget in [(1u64 << 53) as f64 - 1.0, 997.0, 7.0] {
            let (plain, none) = observe(source, budget, false);
            let (tiered, steps) = observe(source, budget, true);
            assert_eq!(none, 0.0);
            assert_eq!(
                tiered, plain,
                "{path}: the runs with and without the tier differ with budget {budget}"
            );
            compiled_steps += steps;
        }
    }
    assert!(compiled_steps > 0.0);
}

#[wasm_bindgen_test]
fn fib_runs_in_the_module() {
    let mut s = Session::new(FIB, "20", options("", true)).unwrap();
    let r = s.run(1e9).unwrap();
    assert_eq!(get(&r, "output").as_string().unwrap(), "6765\n");
    let steps = s.steps();
    assert!(
        s.tier_steps() * 10.0 > steps * 9.0,
        "only {} of {steps} steps in the module",
        s.tier_steps()
    );
    let info = s.tier();
    assert!(get(&info, "error").is_null(), "{}", json(&info));
    let names: Vec<String> = Array::from(&get(&info, "functions"))
        .iter()
        .map(|f| get(&f, "name").as_string().unwrap())
        .collect();
    assert_eq!(names, ["main", "fib", "recur"]);
    assert_eq!(
        (
            get(&info, "blocks").as_f64(),
            get(&info, "declined").as_f64()
        ),
        (Some(5.0), Some(0.0))
    );
    assert!(get(&info, "bytes").as_f64().unwrap() > 100.0);
    assert!(get(&info, "ms").as_f64().unwrap() >= 0.0);
    // The text, whole and cut.
    let whole = s.tier_text(1 << 30);
    let size = get(&whole, "size").as_f64().unwrap();
    let text = get(&whole, "text").as_string().unwrap();
    assert!(text.contains("(func $fib"), "{text}");
    assert_eq!(
        (text.chars().count() as f64, get(&whole, "cut").as_bool()),
        (size, Some(false))
    );
    let cut = s.tier_text(100);
    assert_eq!(get(&cut, "text").as_string().unwrap(), text[..100]);
    assert_eq!(
        (get(&cut, "size").as_f64(), get(&cut, "cut").as_bool()),
        (Some(size), Some(true))
    );
    let m = vm_wasm::tier_module(FIB, 1 << 30);
    assert_eq!(get(&get(&m, "text"), "text").as_string().unwrap(), text);
    // Without the option: no tier, nothing in a module.
    let mut plain = Session::new(FIB, "20", JsValue::UNDEFINED).unwrap();
    plain.run(1e9).unwrap();
    assert!(plain.tier().is_null());
    assert_eq!((plain.tier_steps(), plain.steps()), (0.0, steps));
}

#[wasm_bindgen_test]
fn the_tier_is_not_used_with_history_profile_or_record() {
    for (key, value) in [
        ("history", JsValue::from(100)),
        ("profile", true.into()),
        ("record", 100.into()),
    ] {
        let o = options("", true);
        Reflect::set(&o, &key.into(), &value).unwrap();
        let mut s = Session::new(FIB, "10", o).unwrap();
        s.run(1e9).unwrap();
        let error = get(&s.tier(), "error").as_string().unwrap_or_default();
        assert!(error.starts_with("not with history"), "{key}: {error}");
        assert_eq!(s.tier_steps(), 0.0, "{key}");
    }
    let bad = Object::new();
    Reflect::set(&bad, &"tier".into(), &1.into()).unwrap();
    let e = Session::new(FIB, "10", bad.into()).err().unwrap();
    assert_eq!(
        get(&e, "message").as_string().unwrap(),
        "bad options: `tier` must be true or false"
    );
}

/// The module's import renamed from `env` to `enx`: it compiles, but cannot be
/// instantiated with the imports the session gives.
fn unlinkable(bytes: &[u8]) -> Result<JsTier, String> {
    let at = bytes
        .windows(3)
        .position(|w| w == b"env")
        .expect("the import of env");
    let mut bytes = bytes.to_vec();
    bytes[at + 2] = b'x';
    JsTier::new(&bytes)
}

#[wasm_bindgen_test]
fn a_module_that_cannot_be_instantiated_leaves_a_working_session() {
    let mut core = Core::new(FIB, "20", Options::default()).unwrap();
    core.use_tier(unlinkable, || 0.0);
    let info = core.tier_info().unwrap();
    let error = info.error.unwrap_or_default();
    assert!(
        error.starts_with("the module could not be instantiated: "),
        "{error}"
    );
    assert_eq!(info.blocks, 5);
    let r = core.run(u64::MAX, || 0.0);
    assert_eq!((r.status, r.output.as_str()), ("halted", "6765\n"));
    assert_eq!(core.tier_steps(), 0.0);
    let mut plain = Core::new(FIB, "20", Options::default()).unwrap();
    assert_eq!(plain.run(u64::MAX, || 0.0).steps, r.steps);
    // Bytes that are not a module at all: the same, with the compiler's message.
    let mut core = Core::new(FIB, "20", Options::default()).unwrap();
    core.use_tier(|b| JsTier::new(&b[..b.len() / 2]), || 0.0);
    let error = core.tier_info().unwrap().error.unwrap_or_default();
    assert!(error.starts_with("the module did not compile: "), "{error}");
    assert_eq!(core.run(u64::MAX, || 0.0).output, "6765\n");
}
