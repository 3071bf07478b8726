//! The edge oracle (`tests/oracle/mod.rs`) on the WebAssembly tier, its modules run in
//! wasmi (`tests/wasm_host`): every operation, in every operand form, at the edges of
//! its values, against exact math.

mod oracle;
mod wasm_host;

use vm_core::{compile, Value};
use wasm_host::TestTier;

/// The machine with its blocks in the WebAssembly tier (blocks the tier declines run in
/// the block runner: they count as blocks too).
#[derive(Default)]
struct Wasm {
    steps_in_module: u64,
    blocks_compiled: u64,
}

impl oracle::Tier for Wasm {
    fn name(&self) -> &str {
        "WebAssembly tier"
    }

    fn run(&mut self, source: &str, args: &[Value]) -> oracle::Run {
        let program = compile(source).expect("oracle programs compile");
        let mut tier = TestTier::new(&program);
        self.blocks_compiled += u64::from(tier.compiled.blocks);
        let (run, in_module) = oracle::run_program_in(program, args, Some(&mut tier));
        self.steps_in_module += in_module;
        run
    }
}

#[test]
fn the_tier_at_the_edges() {
    let mut wasm = Wasm::default();
    let n = oracle::check_edges(&mut wasm);
    assert!(n > 20_000, "only {n} cases");
    assert!(
        wasm.steps_in_module > n as u64 && wasm.blocks_compiled > n as u64 / 2,
        "{} steps in the module, {} blocks compiled",
        wasm.steps_in_module,
        wasm.blocks_compiled
    );
}
