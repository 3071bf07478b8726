//! Compiles arbitrary bytes and runs the result under a small step budget and small
//! limits, answering input and skipping sleeps: nothing may panic, and every run ends in
//! a status. Errors must render without panicking too.
#![no_main]

#[path = "../../vm-core/tests/common/host.rs"]
mod host;

use libfuzzer_sys::fuzz_target;
use vm_core::{compile, Limits, Machine, Status};

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else { return };
    let program = match compile(source) {
        Ok(p) => p,
        Err(diags) => {
            for d in &diags {
                let _ = d.render(source, "fuzz.svm");
            }
            return;
        }
    };
    let limits = Limits { max_steps: Some(10_000), max_stack: 256, max_calls: 64, max_string: 1 << 16, max_string_total: 1 << 20 };
    let mut machine = Machine::new(program, Vec::new()).with_limits(limits);
    let mut out = String::new();
    let lines = ["12", " x ", "-9223372036854775808"];
    if let Status::Failed(e) = host::run_to_end(&mut machine, 1000, &lines, &mut out, |m, b, o| m.run(b, o), |_, _| {}) {
        let _ = e.render(source, "fuzz.svm");
    }
    let _ = vm_core::disassemble(machine.program());
});
