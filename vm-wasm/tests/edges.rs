//! The edge oracle of vm-core (`vm-core/tests/oracle/mod.rs`) in a real browser: the
//! machine compiled to WebAssembly, where 64-bit arithmetic is the engine's, checked
//! at the edges of every operation, plain and with blocks, against exact math.
//! `wasm-pack test --headless --firefox vm-wasm` (and `--chrome`).

#![cfg(target_arch = "wasm32")]

#[path = "../../vm-core/tests/oracle/mod.rs"]
mod oracle;

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn plain_interpreter_at_the_edges_in_webassembly() {
    assert!(oracle::check_edges(&mut oracle::Plain) > 20_000);
}

#[wasm_bindgen_test]
fn blocks_at_the_edges_in_webassembly() {
    assert!(oracle::check_edges(&mut oracle::Blocks) > 20_000);
}
