//! Runs the same program optimized and unoptimized, in one go and in small slices, and
//! compares everything observable: output, statuses, final stack, position, steps.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vm_core::{compile, Limits, Machine, Program, Value};

#[path = "../../vm-core/tests/common/host.rs"]
mod host;

use host::Observed;

fn observe(program: Program, budget: u64) -> Observed {
    let limits = Limits { max_steps: Some(5_000), max_stack: 64, max_calls: 32, max_string: 1 << 12, max_string_total: 1 << 20 };
    let m = Machine::new(program, vec![Value::Num(3), Value::Bool(true)]).with_limits(limits);
    host::observe(m, budget, &["7", "x"]).0
}

fuzz_target!(|data: &[u8]| {
    let Some((&budget, rest)) = data.split_first() else { return };
    let Ok(source) = std::str::from_utf8(rest) else { return };
    let Ok(optimized) = compile(source) else { return };
    let plain = optimized.unoptimized();
    for budget in [u64::MAX, u64::from(budget % 8) + 1] {
        assert_eq!(observe(optimized.clone(), budget), observe(plain.clone(), budget), "budget {budget}");
    }
});
