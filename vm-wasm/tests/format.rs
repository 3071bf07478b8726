//! `format` in a real browser: `wasm-pack test --headless --firefox vm-wasm` (and
//! `--chrome`). The layout itself is tested in vm-core (`tests/format.rs`).

#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

use vm_wasm::format;

wasm_bindgen_test_configure!(run_in_browser);

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(key)).unwrap()
}

#[wasm_bindgen_test]
fn formats_a_program() {
    assert_eq!(
        format("sq:  dup  * return\n\n\n5 sq call").unwrap(),
        "sq:\n    dup * return\n\n    5 sq call\n"
    );
    let fib = include_str!("../../examples/fib.svm");
    assert_eq!(format(fib).unwrap(), fib);
}

#[wasm_bindgen_test]
fn lexical_errors_are_thrown_like_compile_errors() {
    let thrown = format("é 1\n  \"open").unwrap_err();
    assert!(thrown.is_instance_of::<js_sys::Error>(), "{thrown:?}");
    assert_eq!(get(&thrown, "kind").as_string().as_deref(), Some("compile"));
    assert_eq!(
        get(&thrown, "message").as_string().unwrap(),
        "compile error at 2:3: unterminated string: no closing `\"`"
    );
    let diags: Vec<JsValue> = Array::from(&get(&thrown, "diagnostics")).iter().collect();
    assert_eq!(diags.len(), 1);
    let d = &diags[0];
    assert!(get(d, "message")
        .as_string()
        .unwrap()
        .starts_with("unterminated string"));
    let at = ["line", "column", "from"].map(|k| get(d, k).as_f64().unwrap());
    assert_eq!(at, [2.0, 3.0, 6.0]);
}
