//! Large programs in the WebAssembly tier in a real browser (`wasm-pack test --headless
//! --firefox vm-wasm --test tier_large`, and `--chrome`), where the engines' own limits
//! apply: a program of 100,000 instructions or more compiles to a module the browser
//! takes, and runs compiled as it runs without the tier. (Its own file, so that its
//! large modules have their own time limit: a test file's tests run in one page.)
//!
//! In a dedicated worker, as in the page: a browser's main thread compiles modules of at
//! most 4 KB synchronously (Chromium), and the tier compiles synchronously.

#![cfg(target_arch = "wasm32")]

use js_sys::{Object, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

use vm_wasm::Session;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(key)).unwrap_or_else(|_| panic!("no `{key}`"))
}

fn json(v: &JsValue) -> String {
    JSON::stringify(v).map(String::from).unwrap_or_default()
}

/// Options with `tier` on or off (and a step limit, so that a broken tier cannot loop
/// forever).
fn options(tier: bool) -> JsValue {
    let o = Object::new();
    Reflect::set(&o, &"tier".into(), &tier.into()).unwrap();
    Reflect::set(&o, &"maxSteps".into(), &10_000_000.0.into()).unwrap();
    o.into()
}

/// Programs of 100,000 instructions and more: each address and block is a target of the
/// module's dispatch (V8 and SpiderMonkey refuse a `br_table` of more than 65,520
/// targets), and the blocks of the 32,000 calls would be one function of 8 MB (they
/// refuse a function of more than 7,654,321 bytes). The module compiles in the browser,
/// runs, and does what the plain run does. (A program that prints every few steps leaves
/// the module each time, and the session leaves the module alone for a while after such
/// short calls: few of its steps run compiled. `vm-core/tests/tier_large.rs` has these
/// programs and one of 25,000 labels, with every `br_table` and function measured.)
#[wasm_bindgen_test]
fn programs_of_100_000_instructions_run_compiled() {
    let lines = |first: &str, line: &str, n: usize, last: &str| -> String {
        let mut s = String::from(first);
        for _ in 0..n {
            s.push_str(line);
        }
        s + last
    };
    for (name, source, compiled) in [
        (
            "i i + println",
            lines("i: 0 println\n", "i i + println\n", 25_001, ""),
            0.0,
        ),
        (
            "calls",
            lines(
                "0\n",
                "f call dup drop\n",
                32_000,
                "println stop\nf: 1 + return\n",
            ),
            200_000.0,
        ),
    ] {
        let mut s = Session::new(&source, "", options(true)).unwrap();
        let info = s.tier();
        assert!(get(&info, "error").is_null(), "{name}: {}", json(&info));
        let mut plain = Session::new(&source, "", options(false)).unwrap();
        let mut runs = Vec::new();
        for session in [&mut s, &mut plain] {
            let r = session.run(1e9).unwrap();
            Reflect::delete_property(r.unchecked_ref::<Object>(), &"timeMs".into()).unwrap();
            runs.push(format!("{} {}", json(&r), json(&session.stack())));
        }
        assert_eq!(runs[0], runs[1], "{name}");
        assert!(
            runs[0].contains("\"status\":\"halted\""),
            "{name}: {}",
            &runs[0][..200]
        );
        console_log!(
            "{name}: a module of {} bytes made, compiled and instantiated in {} ms; {} of {} steps ran compiled",
            json(&get(&info, "bytes")),
            json(&get(&info, "ms")),
            s.tier_steps(),
            s.steps()
        );
        assert!(
            s.tier_steps() > compiled,
            "{name}: {} steps ran compiled",
            s.tier_steps()
        );
    }
}
