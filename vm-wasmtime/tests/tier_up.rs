//! `TierUp`, the policy `svm` runs with: the interpreter until the run is hot, then the
//! module compiled by wasmtime. Whatever the step the run moves into the module at, and
//! whatever the slices, a host sees what it sees of a plain run: output, status, errors
//! with positions, stack, frames, step counts.

#[path = "../../vm-core/tests/common/mod.rs"]
mod common;

use common::directive;
use common::host::observe_with;
use vm_core::{compile, parse_args, Machine, Value};
use vm_wasmtime::{TierUp, TierUpReport};

/// Runs `source` plainly and with tier-up at several steps, in slices of several
/// budgets, and compares; returns the steps the module ran over all the runs.
fn check(name: &str, source: &str, args: &[Value], stdin: &[&str]) -> u64 {
    let Ok(program) = compile(source) else {
        return 0;
    };
    let limits = common::limits(source);
    let machine = || Machine::new(program.clone(), args.to_vec()).with_limits(limits);
    let mut in_module = 0;
    for budget in [u64::MAX, 1 << 20, 7, 1] {
        let (plain, _) = observe_with(machine(), budget, stdin, |m, b, out| m.run(b, out));
        for hot in [0, 1, 2, 5, 40, 1000] {
            let mut tier = TierUp::at_step(hot);
            let (seen, m) = observe_with(machine(), budget, stdin, |m, b, out| tier.run(m, b, out));
            assert_eq!(
                seen, plain,
                "{name}: tiered up at step {hot}, slices of {budget} steps"
            );
            in_module += m.tier_steps();
            if let TierUpReport::Off(why) = tier.report() {
                panic!("{name}: the tier went off: {why}");
            }
        }
    }
    in_module
}

#[test]
fn golden_programs_and_examples_tiered_up_at_any_step() {
    let mut count = 0;
    let mut in_module = 0;
    for (path, source) in common::golden_sources() {
        let args = parse_args(directive(&source, "args").first().copied().unwrap_or(""))
            .unwrap_or_default();
        let stdin = directive(&source, "stdin");
        in_module += check(&path.display().to_string(), &source, &args, &stdin);
        count += 1;
    }
    assert!(count > 50, "only {count} programs found");
    assert!(in_module > 20_000, "only {in_module} steps ran in modules");
}

#[test]
fn a_hot_loop_moves_into_the_module_and_a_short_run_compiles_nothing() {
    let program = compile("0 loop: 1 + dup 3000000 < loop end if jmp\nend: println").unwrap();
    let mut m = Machine::new(program.clone(), vec![]);
    let mut tier = TierUp::new();
    let mut out = String::new();
    while let vm_core::Status::OutOfBudget = tier.run(&mut m, 1 << 16, &mut out) {}
    assert_eq!(out, "3000000\n");
    let TierUpReport::Ran(figures) = tier.report() else {
        panic!("not compiled: {:?}", tier.report());
    };
    assert!(figures.blocks > 0 && figures.entries > 0, "{figures:?}");
    assert!(
        m.tier_steps() > 1_000_000,
        "{} steps in the module",
        m.tier_steps()
    );

    let mut m = Machine::new(compile("\"hello\" println").unwrap(), vec![]);
    let mut tier = TierUp::new();
    let mut out = String::new();
    tier.run(&mut m, u64::MAX, &mut out);
    assert_eq!(out, "hello\n");
    assert_eq!(tier.report(), TierUpReport::Cold);
}

#[test]
fn a_module_that_traps_leaves_the_machine_as_it_was() {
    // A module whose `run` traps at once: the machine goes on without it, and the run
    // is the plain run.
    let source = "0 loop: 1 + dup 1000 < loop end if jmp\nend: println";
    let program = compile(source).unwrap();
    let compiled = vm_core::tier::compile(&program);
    let trapping = wat::parse_str(
        r#"(module (import "env" "memory" (memory 1))
             (func (export "run") (param i32 i32 i32 i32) (result i32) unreachable))"#,
    )
    .unwrap();
    let mut tier = vm_wasmtime::WasmtimeTier::with_bytes(&compiled, &trapping).unwrap();
    tier.set_backs_off(false);
    let mut m = Machine::new(program.clone(), vec![]);
    let mut out = String::new();
    let status = m.run_tiered(u64::MAX, &mut out, &mut tier);
    assert_eq!(out, "1000\n");
    assert!(matches!(status, vm_core::Status::Halted(0)), "{status:?}");
    assert_eq!(m.tier_steps(), 0);
    let why = tier.figures().failed.clone().unwrap_or_default();
    assert!(why.contains("trapped"), "{why}");
}
